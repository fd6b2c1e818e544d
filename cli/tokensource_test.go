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
			tok, err := tc.flags.loadToken(context.Background(), o)
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
	_, err := TokenFlags{}.loadToken(context.Background(), &IO{})
	e := wantExit(t, err, creds.KindToken)
	want := "no OIDC token found: PULUMI_OIDC_TOKEN is unset, /mnt/pulumi/pulumi.oidc does not exist and AWS_WEB_IDENTITY_TOKEN_FILE is unset; pass --token-file PATH or --token-env NAME"
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
