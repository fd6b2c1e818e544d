package awsconfig

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

const cp = "credential_process"

// setCases are edits of credential_process = NEW: name, input, profile,
// wanted output.
var setCases = []struct{ name, in, profile, want string }{
	{"empty file", "", "deploy",
		"[profile deploy]\ncredential_process = NEW\n"},
	{"append after other profiles, keeping everything", "# my config\n[default]\nregion = eu-west-1 ; comment\n\n[profile other]\noutput=json\n", "deploy",
		"# my config\n[default]\nregion = eu-west-1 ; comment\n\n[profile other]\noutput=json\n\n[profile deploy]\ncredential_process = NEW\n"},
	{"no final newline", "[default]\nregion = x", "deploy",
		"[default]\nregion = x\n\n[profile deploy]\ncredential_process = NEW\n"},
	{"file ending in a blank line", "[default]\nregion = x\n\n", "deploy",
		"[default]\nregion = x\n\n[profile deploy]\ncredential_process = NEW\n"},
	{"default profile", "[profile x]\n", "default",
		"[profile x]\n\n[default]\ncredential_process = NEW\n"},
	{"default written [profile default]", "[profile default]\ncredential_process = old\n", "default",
		"[profile default]\ncredential_process = NEW\n"},
	{"both forms of default", "[default]\ncredential_process = a\n[profile default]\nregion = r\n", "default",
		"[default]\ncredential_process = NEW\n[profile default]\nregion = r\ncredential_process = NEW\n"},
	{"replace in place, other keys kept", "[profile deploy]\nregion = us-east-2\ncredential_process = old --x\noutput = json\n[profile b]\ncredential_process = keep\n", "deploy",
		"[profile deploy]\nregion = us-east-2\ncredential_process = NEW\noutput = json\n[profile b]\ncredential_process = keep\n"},
	{"key case and header spacing", "[profile  deploy ] # c\nCredential_Process=old\n", "deploy",
		"[profile  deploy ] # c\ncredential_process = NEW\n"},
	{"the same value in another spelling is kept", "[profile deploy]\nCredential_Process=NEW  \n", "deploy",
		"[profile deploy]\nCredential_Process=NEW  \n"},
	{"continuation lines replaced", "[profile deploy]\ncredential_process = old\n  --more\n\n  --after-a-blank\nregion = x\n", "deploy",
		"[profile deploy]\ncredential_process = NEW\nregion = x\n"},
	{"indented first key is a key (botocore)", "[profile ci]\n  credential_process = old\nregion = x\n", "ci",
		"[profile ci]\n  credential_process = NEW\nregion = x\n"},
	{"indented key after a key is a continuation (botocore)", "[profile ci]\nregion = x\n  credential_process = old\n", "ci",
		"[profile ci]\nregion = x\n  credential_process = old\ncredential_process = NEW\n"},
	{"add after the last setting and its continuation lines", "[profile deploy]\nregion = x\ns3 =\n  max_concurrent_requests = 4\n\n  addressing_style = path\n\n# about b\n[profile b]\n", "deploy",
		"[profile deploy]\nregion = x\ns3 =\n  max_concurrent_requests = 4\n\n  addressing_style = path\ncredential_process = NEW\n\n# about b\n[profile b]\n"},
	{"an indented next header stays a header", "[profile deploy]\n  region = x\n  [profile b]\n  k = v\n", "deploy",
		"[profile deploy]\n  region = x\n  credential_process = NEW\n  [profile b]\n  k = v\n"},
	{"add to empty section", "[profile deploy]\n[profile b]\nregion = y\n", "deploy",
		"[profile deploy]\ncredential_process = NEW\n[profile b]\nregion = y\n"},
	{"add to last section without final newline", "[profile deploy]\nregion = x", "deploy",
		"[profile deploy]\nregion = x\ncredential_process = NEW"},
	{"replace last line without final newline", "[profile deploy]\ncredential_process = old", "deploy",
		"[profile deploy]\ncredential_process = NEW"},
	{"duplicate keys of the profile removed", "[profile deploy]\ncredential_process = a\ncredential_process = b\nregion = r\n", "deploy",
		"[profile deploy]\ncredential_process = NEW\nregion = r\n"},
	{"every section botocore reads as the profile", "[profile deploy]\ncredential_process = a\n[profile  deploy]\nregion = r\n", "deploy",
		"[profile deploy]\ncredential_process = NEW\n[profile  deploy]\nregion = r\ncredential_process = NEW\n"},
	{"commented-out key and similar names untouched", "[profile deploy]\n# credential_process = old\ncredential_process_x = y\n[profile deploy2]\ncredential_process = z\n", "deploy",
		"[profile deploy]\n# credential_process = old\ncredential_process_x = y\ncredential_process = NEW\n[profile deploy2]\ncredential_process = z\n"},
	{"sso-session of the same name untouched", "[sso-session deploy]\nsso_region = x\n", "deploy",
		"[sso-session deploy]\nsso_region = x\n\n[profile deploy]\ncredential_process = NEW\n"},
	{"[ profile x ] is not profile x to botocore", "[ profile deploy ]\ncredential_process = old\n", "deploy",
		"[ profile deploy ]\ncredential_process = old\n\n[profile deploy]\ncredential_process = NEW\n"},
	{"[profilex deploy] is profile deploy to botocore", "[profilex deploy]\nregion = r\n", "deploy",
		"[profilex deploy]\nregion = r\ncredential_process = NEW\n"},
	{"CRLF kept", "[default]\r\nregion = x\r\n[profile deploy]\r\ncredential_process = old\r\n", "deploy",
		"[default]\r\nregion = x\r\n[profile deploy]\r\ncredential_process = NEW\r\n"},
	{"CRLF for new lines", "[default]\r\nregion = x\r\n", "deploy",
		"[default]\r\nregion = x\r\n\r\n[profile deploy]\r\ncredential_process = NEW\r\n"},
	{"BOM dropped", "\ufeff[profile deploy]\ncredential_process = old\n", "deploy",
		"[profile deploy]\ncredential_process = NEW\n"},
}

func TestSet(t *testing.T) {
	for _, tc := range setCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Set([]byte(tc.in), tc.profile, cp, "NEW")
			if err != nil {
				t.Fatal(err)
			}
			if string(got.Data) != tc.want {
				t.Errorf("Set:\n%q\nwant\n%q", got.Data, tc.want)
			}
			if got.Changed != (tc.in != tc.want) || got.DroppedBOM != strings.HasPrefix(tc.in, bom) {
				t.Errorf("Changed = %v, DroppedBOM = %v", got.Changed, got.DroppedBOM)
			}
			checkSet(t, tc.in, change{name: tc.profile, set: []KeyValue{{cp, "NEW"}}}, got, err)
			if v, ok := ProfileValue(got.Data, tc.profile, cp); !ok || v != "NEW" {
				t.Errorf("ProfileValue = %q, %v", v, ok)
			}
		})
	}
}

// A file botocore cannot read is not written, unless the edit is what
// repairs it; the error names the line.
func TestSetRefuses(t *testing.T) {
	for in, want := range map[string]string{
		"[profile a]\n[profile a]\n":                    "line 2 repeats the section [profile a] of line 1",
		"[profile b]\nregion = 1\nregion = 2\n":         "line 3 sets key region a second time in [profile b] (first on line 2)",
		"region = x\n[profile a]\n":                     "line 1 holds a setting before the first [section] header",
		"[profile a]\nnot a setting\n":                  "line 2 is neither a [section] header",
		"[profile a]\n= x\n":                            "line 2 has no key before its = or :",
		"[b]\ns3 =\n  fine = 1\n  broken\n":             "line 2: key s3 has an empty value followed by indented lines",
		"[b]\nk = \xff\n":                               "line 2 is not valid UTF-8",
		"[b]\rk = v\r":                                  "line 1 ends in a lone carriage return",
		"\ufeff[profile a]\n[profile a]\n":              "line 2 repeats",
		"[b]\naws_secret_access_key wJalrXUtn:x\n[b]\n": "line 3 repeats the section [b] of line 1",
	} {
		_, err := Set([]byte(in), "a", cp, "NEW")
		var p *Problem
		if !errors.As(err, &p) || !strings.Contains(err.Error(), want) {
			t.Errorf("Set(%q) = %v, want a *Problem %q", in, err, want)
		}
	}
	// What the edit replaces is repaired: duplicates of the key in the
	// profile, a broken value of the key, bytes that are not UTF-8 in it.
	for _, in := range []string{"[profile a]\ncredential_process = 1\ncredential_process = 2\n",
		"[profile a]\ncredential_process =\n  broken\n", "[profile a]\ncredential_process = \xff\n"} {
		if _, err := Set([]byte(in), "a", cp, "NEW"); err != nil {
			t.Errorf("Set(%q) = %v, want it repaired", in, err)
		}
	}
}

func TestSetRefusesValues(t *testing.T) {
	for _, kv := range []KeyValue{{cp, ""}, {cp, "S3CR3T\nb"}, {cp, "S3CR3T\rb"}, {cp, " S3CR3T"}, {cp, "S3CR3T\u00a0"},
		{cp, "S3CR3T #b"}, {cp, "S3CR3T\t;b"}, {cp, "'S3CR3T'"}, {cp, "S3CR3T\x1cb"}, {"Key", "v"}, {"a b", "v"}} {
		var ve *ValueError
		if _, err := Set(nil, "a", kv.Key, kv.Value); !errors.As(err, &ve) || strings.Contains(err.Error(), "S3CR3T") {
			t.Errorf("Set(%q = %q) = %v, want a *ValueError without the value", kv.Key, kv.Value, err)
		}
	}
	for _, name := range []string{"a b", "a\\b", "", "a;b"} {
		if _, err := Set(nil, name, cp, "v"); err == nil {
			t.Errorf("Set(profile %q) succeeded", name)
		}
	}
	if _, err := SetCredentials(nil, "DEFAULT", []KeyValue{{"k", "v"}}); err == nil {
		t.Error("SetCredentials(DEFAULT) succeeded: that is configparser's section of defaults")
	}
}

func TestSetCredentials(t *testing.T) {
	in := "# keys\n[other]\naws_access_key_id = KEEP\n\n[ci]\naws_access_key_id = OLD\naws_security_token = STALE\nregion = x\n"
	set := []KeyValue{{"aws_access_key_id", "AKIA"}, {"aws_secret_access_key", "s/e+cret"}, {"aws_session_token", "tok=="}}
	got, err := SetCredentials([]byte(in), "ci", set, "aws_security_token")
	if err != nil {
		t.Fatal(err)
	}
	want := "# keys\n[other]\naws_access_key_id = KEEP\n\n[ci]\naws_access_key_id = AKIA\nregion = x\naws_secret_access_key = s/e+cret\naws_session_token = tok==\n"
	if string(got.Data) != want {
		t.Errorf("SetCredentials:\n%q\nwant\n%q", got.Data, want)
	}
	checkSet(t, in, change{name: "ci", creds: true, set: set, remove: []string{"aws_security_token"}}, got, err)
	// [profile ci] is not section ci of the credentials file.
	got, _ = SetCredentials([]byte("[profile ci]\nx = 1\n"), "ci", set[:1])
	if want := "[profile ci]\nx = 1\n\n[ci]\naws_access_key_id = AKIA\n"; string(got.Data) != want {
		t.Errorf("SetCredentials:\n%q\nwant\n%q", got.Data, want)
	}
}

func TestProfileKeys(t *testing.T) {
	config := []byte("[DEFAULT]\nsso_session = s\n[profile deploy]\nrole_arn = x\nregion = y\n  web_identity_token_file = /t\n[ profile deploy ]\nsource_profile = z\n")
	// botocore: the section's keys and DEFAULT's; aws-sdk-go-v2: the
	// indented key after a key, and the spaced header too.
	want := "region,role_arn,source_profile,sso_session,web_identity_token_file"
	if got := strings.Join(ProfileKeys(config, "deploy"), ","); got != want {
		t.Errorf("ProfileKeys = %s, want %s", got, want)
	}
	creds := []byte("[deploy]\n  aws_access_key_id = A\n[profile deploy]\naws_session_token = x\n")
	if got := strings.Join(CredentialsKeys(creds, "deploy"), ","); got != "aws_access_key_id" {
		t.Errorf("CredentialsKeys = %s", got)
	}
}

// A large file (a hostile one, say) is read in time linear in its size:
// 20,000 keys in one section, 5,000 sections, a DEFAULT every section
// overrides.
func TestLargeFile(t *testing.T) {
	var b strings.Builder
	b.WriteString("[DEFAULT]\nk =\n  x\n[profile big]\nk = 1\n")
	for i := range 20000 {
		fmt.Fprintf(&b, "key%d = %d\n", i, i)
	}
	for i := range 5000 {
		fmt.Fprintf(&b, "[profile p%d]\nk = 1\n", i)
	}
	got, err := Set([]byte(b.String()), "big", cp, "NEW")
	if err != nil || !strings.HasSuffix(string(got.Data), "[profile p4999]\nk = 1\n") {
		t.Fatalf("Set = %v", err)
	}
	if v, _ := ProfileValue(got.Data, "big", cp); v != "NEW" {
		t.Errorf("ProfileValue = %q", v)
	}
}

// A file botocore refuses only because the key being set is repeated in the
// profile is repaired, and the removed lines are reported (the caller says
// so); a bare key line, which botocore cannot read either, is refused.
func TestSetRepeats(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		repeats        []Repeat
	}{
		{"another case", "[profile x]\nCredential_Process=old\ncredential_process = b\n", "[profile x]\ncredential_process = NEW\n",
			[]Repeat{{cp, 3, 2}}},
		{"three times, in two sections", "[default]\ncredential_process = a\n[profile default]\nregion = r\ncredential_process = b\n  --cont\nCREDENTIAL_PROCESS = c\n", "default",
			[]Repeat{{cp, 7, 5}}},
		{"once", "[profile x]\ncredential_process = a\n", "[profile x]\ncredential_process = NEW\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			profile := "x"
			if tc.want == "default" {
				profile = "default"
			}
			got, err := Set([]byte(tc.in), profile, cp, "NEW")
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got.Repeats) != fmt.Sprint(tc.repeats) {
				t.Errorf("Repeats = %v, want %v", got.Repeats, tc.repeats)
			}
			if tc.want != "default" && string(got.Data) != tc.want {
				t.Errorf("Set:\n%q\nwant\n%q", got.Data, tc.want)
			}
			if f := parse(string(got.Data)); len(f.problems) > 0 {
				t.Errorf("the result has problems: %v", f.problems[0])
			}
		})
	}
	for _, in := range []string{"[profile x]\ncredential_process\n", "[profile x]\ncredential_process = a\ncredential_process\n"} {
		var p *Problem
		if _, err := Set([]byte(in), "x", cp, "NEW"); !errors.As(err, &p) {
			t.Errorf("Set(%q) = %v, want a *Problem", in, err)
		}
	}
}
