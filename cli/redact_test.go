package cli

import (
	"strings"
	"testing"
)

func TestRedactTokens(t *testing.T) {
	const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNlY3JldA"
	for in, want := range map[string]string{
		"":                                      "",
		"no token here":                         "no token here",
		"the token file " + jwt + " is absent":  "the token file [token redacted] is absent",
		`role ARN "` + jwt + `" is not`:         `role ARN "[token redacted]" is not`,
		"names " + jwt + ", but":                "names [token redacted], but",
		jwt + " and " + jwt:                     "[token redacted] and [token redacted]",
		"JWE " + jwt + ".abc.def":               "JWE [token redacted]",
		"eyJ":                                   "eyJ",
		"eyJeyJ.x":                              "eyJeyJ.x",
		"eyJhbGciOiJSUzI1NiJ9 alone":            "eyJhbGciOiJSUzI1NiJ9 alone",
		"keyJam.a":                              "keyJam.a",
		"xeyJa.b.c":                             "x[token redacted]",
		"arn:aws:iam::123456789012:role/deploy": "arn:aws:iam::123456789012:role/deploy",
	} {
		if got := redactTokens(in); got != want {
			t.Errorf("redactTokens(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMainNeverEchoesAToken passes a token where a path, a name, an ARN,
// a duration or an argument belongs: the message must not repeat it.
func TestMainNeverEchoesAToken(t *testing.T) {
	const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNlY3JldA"
	t.Setenv("OIDC_CREDS_NO_CACHE", "1")
	role := "arn:aws:iam::123456789012:role/deploy"
	for _, args := range [][]string{
		{"process", jwt},
		{"process", "--role-arn", jwt, "--token-env", "X"},
		{"process", "--role-arn", role, "--token-env", jwt},
		{"process", "--role-arn", role, "--token-file", jwt},
		{"process", "--role-arn", role, "--token-env", "X", "--duration", jwt},
		{"process", "--role-arn", role, "--token-env", "X", "--timeout", jwt},
		{"process", "--role-arn", role, "--token-env", "X", "--session-name", jwt},
		{"process", "--role-arn", role, "--token-env", "X", "--policy-arn", jwt},
		{"env", "--role-arn", role, "--token-env", "X", "--format", jwt},
	} {
		var stdout, stderr strings.Builder
		status := Main(args, strings.NewReader(""), &stdout, &stderr)
		if status == 0 {
			t.Errorf("%q succeeded", args)
		}
		for _, part := range strings.Split(jwt, ".") {
			if strings.Contains(stderr.String(), part) || strings.Contains(stdout.String(), part) {
				t.Errorf("%q: the output repeats the token:\n%s%s", args, stdout.String(), stderr.String())
				break
			}
		}
	}
}

// FuzzRedactTokens: whatever the text, nothing JWT-shaped is left, text
// without "eyJ" is unchanged, and redacting twice changes nothing more.
func FuzzRedactTokens(f *testing.F) {
	for _, s := range []string{
		"", "plain", "eyJ", "eyJ.", "eyJ..", "eyJa.b.c", "xeyJa.b.c.", "eyJeyJa.b.c", "a eyJa.b.c eyJd.e.f z",
		"the token file eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln does not exist",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := redactTokens(s)
		if !strings.Contains(s, "eyJ") && got != s {
			t.Fatalf("redactTokens(%q) = %q, want it unchanged", s, got)
		}
		if again := redactTokens(got); again != got {
			t.Fatalf("redactTokens is not idempotent: %q, then %q", got, again)
		}
		for i := 0; ; {
			j := strings.Index(got[i:], "eyJ")
			if j < 0 {
				break
			}
			k, dots := i+j, 0
			for ; k < len(got) && isTokenByte(got[k]); k++ {
				if got[k] == '.' {
					dots++
				}
			}
			if dots >= 2 {
				t.Fatalf("redactTokens(%q) = %q still holds %q", s, got, got[i+j:k])
			}
			i += j + 3
		}
	})
}
