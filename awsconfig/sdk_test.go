package awsconfig

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
)

// goCredentialProcess is the credential_process aws-sdk-go-v2 reads for
// profile from a config file holding s.
func goCredentialProcess(t *testing.T, s, profile string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.LoadSharedConfigProfile(context.Background(), profile,
		func(o *config.LoadSharedConfigOptions) {
			o.ConfigFiles = []string{p}
			o.CredentialsFiles = []string{filepath.Join(filepath.Dir(p), "none")}
		})
	if err != nil {
		return "error: " + err.Error()
	}
	return c.CredentialProcess
}

// goProfile reads credential_process as aws-sdk-go-v2 itself does, in
// every tricky file and a few hundred random ones.
func TestGoProfileAgreesWithSDK(t *testing.T) {
	files := append([]string(nil), tricky...)
	r := rand.New(rand.NewPCG(5, 6))
	for range 300 {
		files = append(files, randomFile(r))
	}
	for _, f := range files {
		for _, p := range []string{"a", "default", "b"} {
			want := goCredentialProcess(t, f, p)
			if strings.HasPrefix(want, "error: ") {
				want = "" // no such profile
			}
			if got := goProfile(f, p, false)[cp]; got != want {
				t.Errorf("profile %s of %q: goProfile reads %q, aws-sdk-go-v2 %q", p, f, got, want)
			}
		}
	}
}
