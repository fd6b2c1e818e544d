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
		// A flag and its value before the command name, or a token as the
		// first word: the usage hint must not take it for a command.
		{"--token-env", jwt, "process"},
		{"--token-file", jwt, "env", "--role-arn", role},
		{jwt},
		{jwt, "process"},
		{"-v", jwt},
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

// The usage hint names a command that exists, or none.
func TestUsageHint(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"frobnicate"}, "run 'oidc-creds --help' for usage"},
		{[]string{"process", "--no-such-flag"}, "run 'oidc-creds process --help' for usage"},
		{[]string{"cache", "frob"}, "run 'oidc-creds cache --help' for usage"},
		{[]string{"cache", "list", "--nope"}, "run 'oidc-creds cache list --help' for usage"},
		{[]string{"--token-env", "NAME", "process"}, "run 'oidc-creds process --help' for usage; a command's flags go after its name"},
		{[]string{"--role-arn", "arn:aws:iam::123456789012:role/x", "cache", "list"}, "run 'oidc-creds cache --help' for usage; a command's flags go after its name"},
		{[]string{"--bogus"}, "run 'oidc-creds --help' for usage"},
	} {
		var stdout, stderr strings.Builder
		if status := Main(tc.args, strings.NewReader(""), &stdout, &stderr); status != exitUsage {
			t.Errorf("%q: status %d", tc.args, status)
		}
		lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
		if got := lines[len(lines)-1]; got != tc.want {
			t.Errorf("%q: hint %q, want %q", tc.args, got, tc.want)
		}
	}
}

// clean and shown keep text readable and stop control characters: escape
// sequences, carriage returns, bidirectional overrides, invalid UTF-8.
func TestCleanAndShown(t *testing.T) {
	for in, want := range map[string]string{
		"plain text, ünïcode ok":     "plain text, ünïcode ok",
		"two\nlines\tand a tab":      "two\nlines\tand a tab",
		"red \x1b[31mtext\x1b[0m":    `red \x1b[31mtext\x1b[0m`,
		"over\rwrite":                `over\x0dwrite`,
		"bell\a del\x7f":             `bell\x07 del\x7f`,
		"csi \u009b31m":              `csi \u009b31m`,
		"evil\u202egnp.exe":          `evil\u202egnp.exe`,
		"bad \xff byte":              `bad \xff byte`,
		"nbsp\u00a0zwsp\u200b":       `nbsp\u00a0zwsp\u200b`,
		"tag \U000e0041":             `tag \U000e0041`,
		"a token eyJa.eyJb.c\x1b[2J": `a token [token redacted]\x1b[2J`,
	} {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"repo:octo/app:ref:refs/heads/main": "repo:octo/app:ref:refs/heads/main",
		"pulumi:ünïcode":                    "pulumi:ünïcode",
		"sub\nFAKE LINE":                    `"sub\nFAKE LINE"`,
		"sub\x1b]0;title\a":                 `"sub\x1b]0;title\a"`,
		"\u202eevil":                        `"\u202eevil"`,
		"":                                  "",
	} {
		if got := shown(in); got != want {
			t.Errorf("shown(%q) = %q, want %q", in, got, want)
		}
	}
}
