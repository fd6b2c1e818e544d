package cli

import (
	"strings"
	"testing"
)

func TestRedactTokens(t *testing.T) {
	const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNlY3JldA"
	spaced := "IHsiYWxnIjoiUlMyNTYifQ.eyJzdWIiOiAieCJ9.c2lnbmF0dXJlLXNlY3JldA" // header ` {"alg":"RS256"}`
	jwe := "eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0..aXYtaXYtaXYtaXYt.Y2lwaGVydGV4dA.dGFnLXRhZy10YWctdGFnLQ"
	for in, want := range map[string]string{
		"":                                     "",
		"no token here":                        "no token here",
		"the token file " + jwt + " is absent": "the token file [token redacted] is absent",
		`role ARN "` + jwt + `" is not`:        `role ARN "[token redacted]" is not`,
		"names " + jwt + ", but":               "names [token redacted], but",
		jwt + " and " + jwt:                    "[token redacted] and [token redacted]",
		"JWE " + jwe:                           "JWE [token redacted]",
		// kong folds the case of a bool flag's value; some encoders pad.
		`but got "` + strings.ToLower(jwt) + `"`:      `but got "[token redacted]"`,
		`but got "` + strings.ToUpper(jwt) + `"`:      `but got "[token redacted]"`,
		"OIDC_CREDS_NO_CACHE=" + jwt:                  "OIDC_CREDS_NO_CACHE=[token redacted]",
		"--no-cache=" + strings.ToLower(jwt) + ")":    "--no-cache=[token redacted])",
		"padded eyJhbGciOiJSUzI1NiJ9==.eyJ4IjoxfQ==.": "padded [token redacted]",
		// A header that is not {" as the first word.
		"unexpected argument " + spaced:                  "unexpected argument [token redacted]",
		"unexpected argument " + strings.ToLower(spaced): "unexpected argument [token redacted]",
		"unsigned eyJhbGciOiJub25lIn0.e30.":              "unsigned [token redacted]",
		// Text that is not a token stays.
		"eyJ":                                   "eyJ",
		"eyJeyJ.x":                              "eyJeyJ.x",
		"eyJhbGciOiJSUzI1NiJ9 alone":            "eyJhbGciOiJSUzI1NiJ9 alone",
		"eyJa.b.c":                              "eyJa.b.c",
		"keyJam.a":                              "keyJam.a",
		"arn:aws:iam::123456789012:role/deploy": "arn:aws:iam::123456789012:role/deploy",
		"arn:aws:iam::123456789012:role/team.platform.ci/deploy.prod.eu-west-1":             "arn:aws:iam::123456789012:role/team.platform.ci/deploy.prod.eu-west-1",
		"arn:aws:sts::123456789012:assumed-role/deploy/pulumi-acme-web.dev.1234":            "arn:aws:sts::123456789012:assumed-role/deploy/pulumi-acme-web.dev.1234",
		"endpoint https://sts.us-east-1.amazonaws.com, region us-east-1":                    "endpoint https://sts.us-east-1.amazonaws.com, region us-east-1",
		"https://my-very-long-bucket-name-for-tests.s3.dualstack.eu-west-1.amazonaws.com/x": "https://my-very-long-bucket-name-for-tests.s3.dualstack.eu-west-1.amazonaws.com/x",
		"averyveryverylonglabel.anotherverylonglabel.example.com":                           "averyveryverylonglabel.anotherverylonglabel.example.com",
		"token.actions.githubusercontent.com sts.amazonaws.com.cn":                          "token.actions.githubusercontent.com sts.amazonaws.com.cn",
		"internationalized-name.example-domain.xn--vermgensberatung-pwb":                    "internationalized-name.example-domain.xn--vermgensberatung-pwb",
		"a-very-long-service-name.northwesternmutual":                                       "a-very-long-service-name.northwesternmutual",
		"go1.26.8 v1.2.3 127.0.0.1:9000 oidc-creds_v1.2.3_linux_amd64.tar.gz":               "go1.26.8 v1.2.3 127.0.0.1:9000 oidc-creds_v1.2.3_linux_amd64.tar.gz",
		"/home/someone/.aws/config.d/profiles.backup.2026-01-01":                            "/home/someone/.aws/config.d/profiles.backup.2026-01-01",
		"first.last.name@example.co.uk":                                                     "first.last.name@example.co.uk",
	} {
		if got := redactTokens(in); got != want {
			t.Errorf("redactTokens(%q) = %q, want %q", in, got, want)
		}
	}
	// A URL's user name and password: clean takes them out too.
	for in, want := range map[string]string{
		"endpoint http://user:pw@127.0.0.1:1/, region":        "endpoint http://[userinfo redacted]@127.0.0.1:1/, region",
		`Post "https://u%40x:p%3A@sts.example.com/": refused`: `Post "https://[userinfo redacted]@sts.example.com/": refused`,
		"proxy http://me@proxy:3128 and https://host/a@b":     "proxy http://[userinfo redacted]@proxy:3128 and https://host/a@b",
		"someone@example.com":                                 "someone@example.com",
	} {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMainNeverEchoesAToken passes a token where a path, a name, an ARN,
// a duration, a bool or an argument belongs, on the command line or in a
// flag's variable: the message must not repeat it, in any case.
func TestMainNeverEchoesAToken(t *testing.T) {
	const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNlY3JldA"
	const spaced = "IHsiYWxnIjoiUlMyNTYifQ.eyJzdWIiOiAieCJ9.c2lnbmF0dXJlLXNlY3JldA"
	t.Setenv("OIDC_CREDS_NO_CACHE", "1")
	role := "arn:aws:iam::123456789012:role/deploy"
	for _, tok := range []string{jwt, spaced} {
		for _, args := range [][]string{
			{"process", tok},
			{"process", "--role-arn", tok, "--token-env", "X"},
			{"process", "--role-arn", role, "--token-env", tok},
			{"process", "--role-arn", role, "--token-file", tok},
			{"process", "--role-arn", role, "--token-env", "X", "--duration", tok},
			{"process", "--role-arn", role, "--token-env", "X", "--timeout", tok},
			{"process", "--role-arn", role, "--token-env", "X", "--session-name", tok},
			{"process", "--role-arn", role, "--token-env", "X", "--policy-arn", tok},
			{"process", "--role-arn", role, "--token-env", "X", "--no-cache=" + tok},
			{"process", "--role-arn", role, "--token-env", "X", "--endpoint-url", "http://u:" + tok + "@127.0.0.1:1"},
			{"configure-profile", "--role-arn", role, "--token-env", "X", "--dry-run=" + tok},
			{"trust-policy", "--org", "acme", "--project", "p", "--esc-from-iac=" + tok},
			{"version", "-v=" + tok},
			{"env", "--role-arn", role, "--token-env", "X", "--format", tok},
			{"thumbprint", tok},
			// A flag and its value before the command name, or a token as the
			// first word: the usage hint must not take it for a command.
			{"--token-env", tok, "process"},
			{"--token-file", tok, "env", "--role-arn", role},
			{tok},
			{tok, "process"},
			{"-v", tok},
		} {
			mainNeverEchoes(t, tok, args)
		}
	}
	for _, name := range []string{"OIDC_CREDS_VERBOSE", "OIDC_CREDS_NO_CACHE", "OIDC_CREDS_TIMEOUT", "OIDC_CREDS_REFRESH_WINDOW"} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(name, jwt)
			mainNeverEchoes(t, jwt, []string{"process", "--role-arn", role, "--token-env", "X"})
			mainNeverEchoes(t, jwt, []string{"version"})
		})
	}
}

// mainNeverEchoes runs args, which must fail, and checks that neither
// output holds a part of tok in any case.
func mainNeverEchoes(t *testing.T, tok string, args []string) {
	t.Helper()
	var stdout, stderr strings.Builder
	status := Main(args, strings.NewReader(""), &stdout, &stderr)
	out := strings.ToLower(stdout.String() + stderr.String())
	if status == 0 && !strings.HasPrefix(args[0], "version") {
		t.Errorf("%q succeeded", args)
	}
	for _, part := range strings.Split(tok, ".") {
		if strings.Contains(out, strings.ToLower(part)) {
			t.Errorf("%q: the output repeats the token:\n%s%s", args, stdout.String(), stderr.String())
			break
		}
	}
}

// FuzzRedactTokens: whatever the text, no word of it looks like a JWT
// any more, text without two dots is unchanged, and
// redacting twice changes nothing more.
func FuzzRedactTokens(f *testing.F) {
	for _, s := range []string{
		"", "plain", "eyJ", "eyJ.", "eyJ..", "eyJa.b.c", "xeyJa.b.c.", "eyJeyJa.b.c", "a eyJa.b.c eyJd.e.f z",
		"the token file eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln does not exist",
		"X=eyjhbgcioijsuzi1nij9.eyjzdwiioij4in0.c2lnbmf0dxjllxnly3jlda", "http://u:p@h/ eyJhbGciOiJSUzI1NiJ9==.e30.",
		"sts.us-east-1.amazonaws.com", "averyveryverylonglabel.anotherverylonglabel.example.com",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := redactTokens(s)
		if strings.Count(s, ".") < 2 && got != s {
			t.Fatalf("redactTokens(%q) = %q, want it unchanged", s, got)
		}
		if again := redactTokens(got); again != got {
			t.Fatalf("redactTokens is not idempotent: %q, then %q", got, again)
		}
		for i := 0; i < len(got); {
			j := i
			for j < len(got) && isTokenByte(got[j]) {
				j++
			}
			for _, w := range tokenWords(got[i:j]) {
				if looksLikeJWT(w) {
					t.Fatalf("redactTokens(%q) = %q still holds %q", s, got, w)
				}
			}
			i = max(j, i+1)
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
		"plain text, ünïcode ok":  "plain text, ünïcode ok",
		"two\nlines\tand a tab":   "two\nlines\tand a tab",
		"red \x1b[31mtext\x1b[0m": `red \x1b[31mtext\x1b[0m`,
		"over\rwrite":             `over\x0dwrite`,
		"bell\a del\x7f":          `bell\x07 del\x7f`,
		"csi \u009b31m":           `csi \u009b31m`,
		"evil\u202egnp.exe":       `evil\u202egnp.exe`,
		"bad \xff byte":           `bad \xff byte`,
		"nbsp\u00a0zwsp\u200b":    `nbsp\u00a0zwsp\u200b`,
		"tag \U000e0041":          `tag \U000e0041`,
		"a token eyJhbGciOiJSUzI1NiJ9.eyJ4IjoxfQ.\x1b[2J": `a token [token redacted]\x1b[2J`,
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
