package awsconfig

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode"

	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

// view is what botocore makes of a file: whether raw_config_parse reads it,
// its sections in order with their options (DEFAULT's included, nested
// blocks as maps), and build_profile_map's profiles.
type view struct {
	OK       bool                      `json:"ok"`
	Sections []string                  `json:"sections"`
	Raw      map[string]map[string]any `json:"raw"`
	Profiles map[string]map[string]any `json:"profiles"`
}

// botoView is view as this package's parser sees it.
func botoView(s string) view {
	f := parse(s)
	for _, p := range f.problems {
		if p.kind != loneCR { // botocore reads it; aws-sdk-go-v2 does not
			return view{}
		}
	}
	v := view{OK: true, Sections: []string{}, Raw: map[string]map[string]any{}, Profiles: map[string]map[string]any{}}
	defaults := map[string]any{}
	if d := f.defaults(); d != nil {
		for _, o := range d.opts {
			defaults[o.key] = nestedValue(o.join())
		}
	}
	for _, s := range f.sects {
		if s.name == defaultSection {
			continue
		}
		opts := map[string]any{}
		for k, val := range defaults {
			opts[k] = val
		}
		for _, o := range s.opts {
			opts[o.key] = nestedValue(o.join())
		}
		v.Sections = append(v.Sections, s.name)
		v.Raw[s.name] = opts
		if p, ok := botoProfile(s.name); ok {
			v.Profiles[p] = opts
		}
	}
	// Decode like the Python side: the same types for DeepEqual.
	b, _ := json.Marshal(v)
	var out view
	json.Unmarshal(b, &out)
	return out
}

func nestedValue(v string) any {
	if !strings.HasPrefix(v, "\n") {
		return v
	}
	m := map[string]any{}
	for _, l := range pySplitLines(v) {
		if l = pyStrip(l); l != "" {
			k, val, _ := strings.Cut(l, "=")
			m[pyStrip(k)] = pyStrip(val)
		}
	}
	return m
}

const viewScript = `
import base64, json, os, sys, tempfile
from botocore.configloader import raw_config_parse, build_profile_map
from botocore.exceptions import ConfigParseError
d = tempfile.mkdtemp()
out = []
for i, b in enumerate(json.load(sys.stdin)):
    p = os.path.join(d, str(i))
    with open(p, 'wb') as f:
        f.write(base64.b64decode(b))
    try:
        raw = raw_config_parse(p)
        out.append({'ok': True, 'sections': list(raw), 'raw': raw, 'profiles': build_profile_map(raw)['profiles']})
    except ConfigParseError:
        out.append({'ok': False})
    os.remove(p)
os.rmdir(d)
print(json.dumps(out))
`

// botocoreViews is view of each file as botocore itself reads it.
func botocoreViews(t *testing.T, files []string) []view {
	t.Helper()
	py := testkit.Botocore(t)
	in := make([]string, len(files))
	for i, f := range files {
		in[i] = base64.StdEncoding.EncodeToString([]byte(f))
	}
	b, _ := json.Marshal(in)
	var out []view
	if err := json.Unmarshal(py.Run(t, viewScript, b), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// tricky are files on the edges of configparser's and botocore's rules.
var tricky = []string{
	"[profile ci]\n  credential_process = a\n",
	"[profile ci]\n  credential_process = a\ncredential_process = b\n",
	"[profile ci]\nregion = x\n  credential_process = a\n",
	"[profile  x ]\nk=v\n", "[ profile x ]\nk=v\n", "[profile\tx]\nk=v\n",
	"[profile a\\b]\nk=v\n", "[profile \"a b\"]\nk=v\n", "[profile 'a]\nk=v\n", "[profilex a]\nk=v\n",
	"[profile a] # [x]\nk=v\n", "[profile a] ; c\nk=v\n", "[a]b]\nk=v\n", "[]\n", "[a\n", "[a]\n[]=x\n",
	"\ufeff[default]\nregion=x\n", "\ufeff# c\n[default]\n",
	"[a]\nk = v\n\n  more\n", "[a]\nk = v\n# c\n  more\n", "[a]\n    k = 1\n  j = 2\n   z = 3\n",
	"[a]\ns3 =\n  x = 1\n  y\n", "[a]\ns3 =\n\n  x = 1\n", "[a]\ns3 =\n  x = 1\x0by = 2\n",
	"[DEFAULT]\ns3 =\n  y\n", "[DEFAULT]\ns3 =\n  y\n[a]\n", "[DEFAULT]\ns3 =\n  y\n[a]\ns3 = 1\n",
	"[DEFAULT]\nk=1\n[a]\nj=2\n", "[DEFAULT]\n[DEFAULT]\n", "[DEFAULT]\nk=1\n[DEFAULT]\nk=2\n",
	"[a]\nk = 1\r2 = 3\n", "[a]\r\nk = 1\r\n", "[a]\rk = 1\r",
	"k = v\n[a]\n", "# c\n[a]\n# x\n ; y\nk:v\n", "[a]\n[a]\n", "[a]\n= v\n", "[a]\nfoo\n",
	"[a]\nİ = 1\ni̇ = 2\n", "[a]\nΑΣ = 1\nας = 2\n", "[a]\nK\u00a0= v\n", "[a]\n\x1ck = v\n",
	"[a]\nk = v\n\x1cx = y\n", "[a]\nk = v\n\u00a0x = y\n", "[a]\nk : v = w\n", "[a]\nk = v ; not a comment\n",
	"\xff\n", "[a]\nk = v\xff\n", "[default]\nk=1\n[profile default]\nk=2\n", "[profile default]\nk=2\n[default]\nk=1\n",
	"[profile x]\nk=1\n[profile  x]\nk=2\n", "[a]\nk\n  = v\n", "[a]\n\t\n  \nk = v\n  \n",
	"[profile a]\ns3 =\n  credential_process = x\n", "[profile a]\nregion = r\n  credential_process = x\n",
	"[profile a]\ncredential_process = x\n  --more\n", "[profile a] # c\ncredential_process = x ; c\n",
	"[profile a]\ncredential_process = 'x'\n", "  [profile a]\ncredential_process = x\n", "[profile a]\r\ncredential_process = x\r\n",
}

// The parser reads every tricky file, and a few hundred random ones, as
// botocore does: the same verdict, sections, options and profiles.
func TestParseAgreesWithBotocore(t *testing.T) {
	files := append([]string(nil), tricky...)
	r := rand.New(rand.NewPCG(1, 2))
	for range 800 {
		files = append(files, randomFile(r))
	}
	got := botocoreViews(t, files)
	readable := 0
	for i, f := range files {
		if want := botoView(f); !reflect.DeepEqual(want, got[i]) {
			t.Errorf("file %q:\nbotocore: %+v\nparse:    %+v", f, got[i], want)
		}
		if got[i].OK {
			readable++
		}
	}
	t.Logf("%d of %d files readable", readable, len(files))
}

var (
	unreadable = []string{"[]", "= v", "k", "y", "\xff"}
	pieces     = append([]string{
		"[default]", "[profile a]", "[profile  a ]", "[ profile a]", "[profile 'a b']", "[profile b]", "[DEFAULT]",
		"[sso-session a]", "[a]", "[a]b]", "[profile a] ; c", "k = v", "K=v", "k: v", "k = v ; c", "k =",
		"j = 1", "s3 =", "x = 1", "credential_process = x", "ΑΣ = 1", "ας = 2",
		"", "   ", "# c", "; c", "\u00a0", "\x1c",
	}, unreadable...)
)

// randomFile joins random pieces; every other file only pieces botocore
// reads on their own, so that many files are readable.
func randomFile(r *rand.Rand) string {
	ps := pieces
	if r.IntN(2) == 0 {
		ps = pieces[:len(pieces)-len(unreadable)]
	}
	var b strings.Builder
	indents := []string{"", "", "", " ", "  ", "\t", "\u00a0", "    "}
	eols := []string{"\n", "\n", "\n", "\r\n", "\r"}
	for range 1 + r.IntN(10) {
		b.WriteString(indents[r.IntN(len(indents))])
		b.WriteString(ps[r.IntN(len(ps))])
		b.WriteString(eols[r.IntN(len(eols))])
	}
	if r.IntN(8) == 0 {
		return strings.TrimRight(b.String(), "\r\n")
	}
	return b.String()
}

// Every name ValidProfileName accepts is read back by botocore as that
// name, in both files; every name it refuses is one botocore reads otherwise
// (or aws-sdk-go-v2 does).
func TestValidProfileNameAgreesWithBotocore(t *testing.T) {
	names := []string{"deploy", "default", "a.b-c_d", "prod/eu", "a]b", "[a", "a=b", "a:b", "profile", "é", "DEFAULT",
		"a b", "a\\b", "a'b", "a\"b", "a#b", "a;b", "a\u00a0", "a\tb", "\x1c", ""}
	var files []string
	for _, n := range names {
		files = append(files, SectionHeader(n)+"\nk = v\n", "["+n+"]\nk = v\n")
	}
	got := botocoreViews(t, files)
	for i, n := range names {
		config, creds := got[2*i], got[2*i+1]
		_, inConfig := config.Profiles[n]
		_, inCreds := creds.Raw[n]
		readBack := config.OK && creds.OK && inConfig && inCreds && len(config.Profiles) == 1
		if valid := ValidProfileName(n) && n != defaultSection; valid && !readBack {
			t.Errorf("ValidProfileName(%q) = true, but botocore does not read it back: %+v %+v", n, config, creds)
		} else if !valid && readBack && !strings.ContainsAny(n, "#;") && strings.TrimSpace(n) == n && strings.IndexFunc(n, unicode.IsControl) < 0 {
			t.Errorf("ValidProfileName(%q) = false, but botocore and aws-sdk-go-v2 read it back", n)
		}
	}
}

func ExampleProblem() {
	_, err := Set([]byte("[profile a]\nregion = x\n[profile a]\n"), "a", "region", "y")
	fmt.Println(err)
	// Output: line 3 repeats the section [profile a] of line 1, which botocore (the AWS CLI, boto3) cannot read; merge the two sections
}

// Edits of every tricky file and a few hundred random ones, for a few
// profiles, read back by botocore itself as this package's parser reads
// them, with the profile set; and by aws-sdk-go-v2 with the same value.
func TestSetAgreesWithBotocore(t *testing.T) {
	files := append([]string(nil), tricky...)
	for _, c := range setCases {
		files = append(files, c.in)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 300 {
		files = append(files, randomFile(r))
	}
	const value = "/usr/bin/oidc-creds process --role-arn arn:aws:iam::1:role/x"
	type edited struct {
		in, out, profile string
		goMisreads       bool
	}
	var eds []edited
	var outs []string
	for _, in := range files {
		for _, p := range []string{"a", "default", "b", "deploy"} {
			got, err := Set([]byte(in), p, cp, value)
			checkSet(t, in, change{name: p, set: []KeyValue{{cp, value}}}, got, err)
			if err == nil {
				eds = append(eds, edited{in, string(got.Data), p, got.GoMisreads})
				outs = append(outs, string(got.Data))
			}
		}
	}
	views := botocoreViews(t, outs)
	for i, e := range eds {
		v := views[i]
		if !reflect.DeepEqual(v, botoView(e.out)) || v.Profiles[e.profile][cp] != value {
			t.Errorf("edit of %q for %s:\n%q\nbotocore reads %+v", e.in, e.profile, e.out, v)
		}
		if got := goCredentialProcess(t, e.out, e.profile); (got != value) != e.goMisreads {
			t.Errorf("edit of %q for %s:\n%q\naws-sdk-go-v2 reads credential_process %q, GoMisreads = %v", e.in, e.profile, e.out, got, e.goMisreads)
		}
	}
	t.Logf("%d edits checked", len(eds))
}

// Edits of the credentials file, read back by botocore: section [a] holds
// the three keys, and nothing else changed (botocore's view and this
// package's agree on the result).
func TestSetCredentialsAgreesWithBotocore(t *testing.T) {
	files := append([]string(nil), tricky...)
	r := rand.New(rand.NewPCG(7, 8))
	for range 200 {
		files = append(files, randomFile(r))
	}
	set := []KeyValue{{"aws_access_key_id", "ASIAEXAMPLE"}, {"aws_secret_access_key", "se/cr+et"}, {"aws_session_token", "to+ken/=="}}
	var ins, outs []string
	for _, in := range files {
		c := change{name: "a", creds: true, set: set, remove: []string{"aws_security_token"}}
		got, err := edit([]byte(in), c)
		checkSet(t, in, c, got, err)
		if err == nil {
			ins, outs = append(ins, in), append(outs, string(got.Data))
		}
	}
	for i, v := range botocoreViews(t, outs) {
		for _, kv := range set {
			if !reflect.DeepEqual(v, botoView(outs[i])) || v.Raw["a"][kv.Key] != kv.Value {
				t.Errorf("edit of %q:\n%q\nbotocore reads %+v", ins[i], outs[i], v)
				break
			}
		}
	}
	t.Logf("%d edits checked", len(outs))
}
