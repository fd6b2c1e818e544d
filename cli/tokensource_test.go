package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

// The token flags choose one source; what is missing is said in the flags
// that would supply it.
func TestTokenFlags(t *testing.T) {
	dir := t.TempDir()
	tokFile := testkit.JWT(t, `{"sub":"from-file"}`)
	tokEnv := testkit.JWT(t, `{"sub":"from-env"}`)
	file := filepath.Join(dir, "t.jwt")
	if err := os.WriteFile(file, []byte(tokFile+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MY_TOKEN", tokEnv)
	t.Setenv("PULUMI_OIDC_TOKEN", "")
	t.Setenv("AWS_WEB_IDENTITY_TOKEN_FILE", "")
	notInCI(t)
	for _, tc := range []struct {
		name     string
		flags    TokenFlags
		stdin    string
		wantSub  string
		wantKind creds.Kind
		wantMsg  []string
	}{
		{name: "file", flags: TokenFlags{TokenFile: file}, wantSub: "from-file"},
		{name: "env", flags: TokenFlags{TokenEnv: "MY_TOKEN"}, wantSub: "from-env"},
		{name: "stdin", flags: TokenFlags{TokenFile: "-"}, stdin: " " + tokFile + "\n", wantSub: "from-file"},
		{name: "both given", flags: TokenFlags{TokenFile: file, TokenEnv: "MY_TOKEN"},
			wantKind: creds.KindInput, wantMsg: []string{"--token-file and --token-env both name a token; give one of them"}},
		{name: "both given, stdin", flags: TokenFlags{TokenFile: "-", TokenEnv: "MY_TOKEN"},
			wantKind: creds.KindInput, wantMsg: []string{"--token-file", "--token-env"}},
		{name: "env unset", flags: TokenFlags{TokenEnv: "NOPE"},
			wantKind: creds.KindToken, wantMsg: []string{"--token-env names NOPE, but that environment variable is unset or empty"}},
		{name: "missing file", flags: TokenFlags{TokenFile: filepath.Join(dir, "missing")},
			wantKind: creds.KindToken, wantMsg: []string{"the token file " + filepath.Join(dir, "missing") + " does not exist; check the path"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := &IO{Stdin: strings.NewReader(tc.stdin)}
			tok, err := tc.flags.loadToken(context.Background(), o, PlatformFlags{})
			if tc.wantKind != 0 {
				e := wantExit(t, err, tc.wantKind)
				for _, w := range tc.wantMsg {
					if !strings.Contains(e, w) {
						t.Errorf("message %q does not contain %q", e, w)
					}
				}
				testkit.NoLeak(t, "the message", e, tokFile, tokEnv)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tok.Claims.Subject != tc.wantSub {
				t.Errorf("sub %q, want %q", tok.Claims.Subject, tc.wantSub)
			}
		})
	}
}

// With no token flag and nothing in the default places, the message lists
// where it looked and names both flags.
func TestTokenFlagsNothingFound(t *testing.T) {
	if _, err := os.Stat("/mnt/pulumi/pulumi.oidc"); err == nil {
		t.Skip("this machine has a Pulumi token file")
	}
	t.Setenv("PULUMI_OIDC_TOKEN", "")
	t.Setenv("AWS_WEB_IDENTITY_TOKEN_FILE", "")
	notInCI(t)
	_, err := TokenFlags{}.loadToken(context.Background(), &IO{}, PlatformFlags{})
	e := wantExit(t, err, creds.KindToken)
	want := "no OIDC token found: PULUMI_OIDC_TOKEN is unset, /mnt/pulumi/pulumi.oidc does not exist, AWS_WEB_IDENTITY_TOKEN_FILE is unset and no CI platform was detected; pass --token-file PATH, --token-env NAME or --token-command CMD"
	if e != want {
		t.Errorf("message\n%s\nwant\n%s", e, want)
	}
}

// wantExit fails unless err exits with k's status, and returns its text.
func wantExit(t *testing.T, err error, k creds.Kind) string {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one that exits %d", k)
	}
	ec, ok := err.(interface{ ExitCode() int })
	if !ok || ec.ExitCode() != int(k) {
		t.Fatalf("error %v (%T) does not exit %d", err, err, k)
	}
	return err.Error()
}

// ciVariables are the variables token.Detect reads.
var ciVariables = []string{"ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "GITHUB_ACTIONS", "GITLAB_CI",
	"SYSTEM_OIDCREQUESTURI", "SYSTEM_ACCESSTOKEN", "TF_BUILD", "BUILDKITE", "CIRCLE_OIDC_TOKEN_V2", "CIRCLE_OIDC_TOKEN", "CIRCLECI",
	"BITBUCKET_STEP_OIDC_TOKEN", "BITBUCKET_BUILD_NUMBER", "TFC_WORKLOAD_IDENTITY_TOKEN"}

// notInCI hides the CI platform the tests may run on.
func notInCI(t *testing.T) {
	for _, v := range ciVariables {
		t.Setenv(v, "")
	}
}

// The token flag in force: one on the command line wins over the others'
// variables; two on the same level conflict, and say which level.
func TestTokenFlagsChosen(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "t.jwt")
	if err := os.WriteFile(file, []byte(testkit.JWT(t, `{"sub":"from-file","exp":4102444800}`)), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("MY_TOKEN", testkit.JWT(t, `{"sub":"from-env","exp":4102444800}`))
	t.Setenv("PULUMI_OIDC_TOKEN", "")
	t.Setenv("AWS_WEB_IDENTITY_TOKEN_FILE", "")
	notInCI(t)
	const both = "(from the environment: OIDC_CREDS_TOKEN_FILE and OIDC_CREDS_TOKEN_ENV are set; unset all but one, or give one flag on the command line)"
	for _, tc := range []struct {
		name string
		env  map[string]string // OIDC_CREDS_TOKEN_*
		args []string
		want string // the source, or the error
	}{
		{"file on the command line, env variable set", map[string]string{"ENV": "NOPE"}, []string{"--token-file", file}, "token from file " + file},
		{"env on the command line, file variable set", map[string]string{"FILE": "missing"}, []string{"--token-env", "MY_TOKEN"}, "token from environment variable MY_TOKEN"},
		{"env on the command line, both others set", map[string]string{"FILE": "missing", "COMMAND": "false"}, []string{"--token-env=MY_TOKEN"}, "token from environment variable MY_TOKEN"},
		{"file on the command line, command variable set", map[string]string{"COMMAND": "false"}, []string{"--token-file", file}, "token from file " + file},
		{"one variable", map[string]string{"ENV": "MY_TOKEN"}, nil, "token from environment variable MY_TOKEN"},
		{"two on the command line", nil, []string{"--token-file", file, "--token-command", "false"},
			"oidc-creds: --token-file and --token-command both name a token; give one of them"},
		{"two on the command line, a variable set", map[string]string{"ENV": "MY_TOKEN"}, []string{"--token-file", file, "--token-command", "false"},
			"oidc-creds: --token-file and --token-command both name a token; give one of them"},
		{"two variables", map[string]string{"FILE": file, "ENV": "MY_TOKEN"}, nil,
			"oidc-creds: --token-file and --token-env both name a token; give one of them " + both},
		{"three variables", map[string]string{"FILE": file, "ENV": "MY_TOKEN", "COMMAND": "false"}, nil,
			"oidc-creds: --token-file, --token-env and --token-command all name a token; give one of them (from the environment: OIDC_CREDS_TOKEN_FILE, OIDC_CREDS_TOKEN_ENV and OIDC_CREDS_TOKEN_COMMAND are set; unset all but one, or give one flag on the command line)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, v := range []string{"FILE", "ENV", "COMMAND"} {
				t.Setenv("OIDC_CREDS_TOKEN_"+v, tc.env[v])
			}
			var stdout, stderr strings.Builder
			status := Main(append([]string{"token"}, tc.args...), strings.NewReader(""), &stdout, &stderr)
			got := strings.TrimSpace(stderr.String())
			if status == 0 {
				got, _, _ = strings.Cut(stdout.String(), "\n")
			}
			if got != tc.want {
				t.Errorf("status %d: %q, want %q", status, got, tc.want)
			}
		})
	}
}
