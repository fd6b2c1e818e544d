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

// What each SDK does with a UTF-8 byte-order mark, which Set drops:
// aws-sdk-go-v2 skips the line it is on (here the header, so the profile
// is lost); botocore refuses the whole file (TestParseAgreesWithBotocore:
// no section header on line 1).
func TestBOMUnreadable(t *testing.T) {
	const file = "[profile a]\ncredential_process = x\n"
	if got := goCredentialProcess(t, bom+file, "a"); got == "x" {
		t.Errorf("aws-sdk-go-v2 read the profile after a BOM: %q", got)
	}
	if got := goCredentialProcess(t, bom+"# c\n"+file, "a"); got != "x" {
		t.Errorf("aws-sdk-go-v2 lost more than the BOM's line: %q", got)
	}
	if v := botocoreViews(t, []string{bom + "# c\n" + file})[0]; v.OK {
		t.Errorf("botocore read a file with a BOM: %+v", v)
	}
}
