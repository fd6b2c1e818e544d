package format

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

func TestGitHubEnv(t *testing.T) {
	defer fixDelimiter("END")()
	out, err := GitHubEnv(sample)
	if err != nil {
		t.Fatal(err)
	}
	wantMasks := `::add-mask::ASIAIOSFODNN7EXAMPLE
::add-mask::wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
::add-mask::IQoJb3JpZ2luX2Vj+/=
`
	wantEnv := `
AWS_ACCESS_KEY_ID<<END
ASIAIOSFODNN7EXAMPLE
END
AWS_SECRET_ACCESS_KEY<<END
wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
END
AWS_SESSION_TOKEN<<END
IQoJb3JpZ2luX2Vj+/=
END
AWS_CREDENTIAL_EXPIRATION<<END
2026-11-25T20:00:00Z
END
`
	if out.Masks != wantMasks {
		t.Errorf("Masks =\n%s\nwant\n%s", out.Masks, wantMasks)
	}
	if out.Env != wantEnv {
		t.Errorf("Env =\n%s\nwant\n%s", out.Env, wantEnv)
	}

	// No session token: the variable is still set (to empty), and there is
	// nothing to mask for it.
	c := sample
	c.SessionToken = ""
	out, err = GitHubEnv(c)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(out.Masks, "::add-mask::") != 2 || !strings.Contains(out.Env, "\nAWS_SESSION_TOKEN<<END\n\nEND\n") {
		t.Errorf("without a session token:\n%s\n%s", out.Masks, out.Env)
	}

	// Expired or incomplete credentials: nothing.
	c = sample
	c.Expiration = timeNow().Add(-1)
	if out, err := GitHubEnv(c); err == nil || out != (GitHubOutput{}) {
		t.Errorf("expired credentials: %+v, %v", out, err)
	}
}

// Every value the format accepts reads back byte for byte through the
// runner's parser, on Linux and on Windows runners, and each of its
// non-blank lines is masked.
func TestGitHubVarsRoundTrip(t *testing.T) {
	for _, h := range hostile {
		t.Run(h.name, func(t *testing.T) {
			vars := []Var{{Name: "BEFORE", Value: "x"}, {Name: "V", Value: h.value}, {Name: "AFTER", Value: "y"}}
			out, err := GitHubVars(vars, "V")
			if !validUTF8(h.value) || strings.HasSuffix(h.value, "\r") {
				if !errors.Is(err, ErrUnsupportedValue) || out != (GitHubOutput{}) {
					t.Fatalf("GitHubVars(%q) = %+v, %v; want ErrUnsupportedValue", h.value, out, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, windows := range []bool{false, true} {
				got, err := testkit.ParseGitHubEnv(out.Env, windows)
				want := []testkit.EnvVar{{Name: "BEFORE", Value: "x"}, {Name: "V", Value: h.value}, {Name: "AFTER", Value: "y"}}
				if err != nil || !reflect.DeepEqual(got, want) {
					t.Errorf("windows=%v: the runner reads %q (%v), want %q", windows, got, err, want)
				}
			}
			masks, other := testkit.ParseGitHubMasks(out.Masks)
			if len(other) != 0 {
				t.Errorf("Masks holds other lines: %q", other)
			}
			wantMasks := githubLines(h.value)
			if !reflect.DeepEqual(masks, wantMasks) {
				t.Errorf("masks %q, want %q", masks, wantMasks)
			}
		})
	}
}

// githubLines are the non-blank lines of s, which the runner can mask.
func githubLines(s string) []string {
	var lines []string
	for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

func TestGitHubMasksEscapePercent(t *testing.T) {
	out, err := GitHubVars([]Var{{Name: "S", Value: "a%0Ab%25c%"}}, "S")
	if err != nil {
		t.Fatal(err)
	}
	if out.Masks != "::add-mask::a%250Ab%2525c%25\n" {
		t.Errorf("Masks = %q", out.Masks)
	}
	if masks, _ := testkit.ParseGitHubMasks(out.Masks); len(masks) != 1 || masks[0] != "a%0Ab%25c%" {
		t.Errorf("the runner decodes %q", masks)
	}
}

// A delimiter that occurs in a value is never used: another is drawn.
func TestGitHubDelimiterNotInValue(t *testing.T) {
	draws := []string{"EOF", "xEOFx", "ghadelimiter_2"}
	defer func(f func() string) { newDelimiter = f }(newDelimiter)
	newDelimiter = func() string { d := draws[0]; draws = draws[1:]; return d }
	vars := []Var{{Name: "A", Value: "line\nEOF\nmore"}, {Name: "B", Value: "xEOFx"}}
	out, err := GitHubVars(vars, "A")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.Env, "A<<ghadelimiter_2\n") || strings.Contains(out.Env, "<<EOF") || strings.Contains(out.Env, "<<xEOFx") {
		t.Errorf("Env =\n%s", out.Env)
	}
	got, err := testkit.ParseGitHubEnv(out.Env, false)
	if err != nil || !reflect.DeepEqual(got, []testkit.EnvVar{{Name: "A", Value: "line\nEOF\nmore"}, {Name: "B", Value: "xEOFx"}}) {
		t.Errorf("the runner reads %q (%v)", got, err)
	}
	// The real delimiters are fresh and random.
	newDelimiter = fixDelimiterOff
	a, b := newDelimiter(), newDelimiter()
	if a == b || !strings.HasPrefix(a, "ghadelimiter_") || len(a) != len("ghadelimiter_")+32 {
		t.Errorf("delimiters %q, %q", a, b)
	}
}

// The block starts on a line of its own even when the file's last line
// has no line break.
func TestGitHubEnvAfterUnterminatedLine(t *testing.T) {
	out, err := GitHubEnv(sample)
	if err != nil {
		t.Fatal(err)
	}
	got, err := testkit.ParseGitHubEnv("EARLIER=1"+out.Env, false)
	if err != nil || len(got) != 5 || got[0] != (testkit.EnvVar{Name: "EARLIER", Value: "1"}) || got[2].Value != sample.SecretAccessKey {
		t.Errorf("the runner reads %q (%v)", got, err)
	}
}

func TestGitHubVarsRefusals(t *testing.T) {
	for name, v := range map[string]Var{
		"bad name":    {"A-B", "x"},
		"empty name":  {"", "x"},
		"name with <": {"A<<B", "x"},
		"nul":         {Name: "A", Value: "a\x00b"},
		"bad utf-8":   {Name: "A", Value: "\xff"},
		"trailing cr": {Name: "A", Value: "ab\r"},
	} {
		out, err := GitHubVars([]Var{{Name: "OK", Value: "fine"}, v}, "OK", "A")
		if err == nil || out != (GitHubOutput{}) {
			t.Errorf("%s: %+v, %v", name, out, err)
		}
		if err != nil && v.Value != "x" && strings.Contains(err.Error(), v.Value) {
			t.Errorf("%s: the error shows the value: %v", name, err)
		}
	}
	if _, err := lookup(GitHub); err == nil || !strings.Contains(err.Error(), "GitHubVars") {
		t.Errorf("WriteVars with the github format: %v", err)
	}
	if _, err := GitHubEnv(creds.Credentials{}); !errors.Is(err, creds.ErrIncomplete) {
		t.Errorf("empty credentials: %v", err)
	}
}

var fixDelimiterOff = newDelimiter

// fixDelimiter makes every delimiter d until the returned func is called.
func fixDelimiter(d string) func() {
	old := newDelimiter
	newDelimiter = func() string { return d }
	return func() { newDelimiter = old }
}

// FuzzGitHubVars: every accepted value reads back byte for byte through the
// runner's parser (Linux and Windows), and every line of it is masked.
func FuzzGitHubVars(f *testing.F) {
	for _, h := range hostile {
		f.Add(h.value)
	}
	f.Fuzz(func(t *testing.T, value string) {
		out, err := GitHubVars([]Var{{"V", value}, {Name: "W", Value: "w"}}, "V")
		if err != nil {
			return
		}
		for _, windows := range []bool{false, true} {
			got, err := testkit.ParseGitHubEnv(out.Env, windows)
			if err != nil || len(got) != 2 || got[0].Value != value || got[1].Value != "w" {
				t.Fatalf("windows=%v: the runner reads %q (%v) from %q", windows, got, err, out.Env)
			}
		}
		masks, other := testkit.ParseGitHubMasks(out.Masks)
		if len(other) != 0 || !reflect.DeepEqual(masks, githubLines(value)) {
			t.Fatalf("masks %q (other %q), want %q", masks, other, githubLines(value))
		}
	})
}
