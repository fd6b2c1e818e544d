package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// The SDK merges ~/.aws/credentials into the profile, so an endpoint_url
// (or region) there sends the exchange elsewhere: it must change the key.
func TestEnvironmentFingerprintCoversCredentialsFile(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	for _, name := range sdkEnvironment {
		t.Setenv(name, "")
		os.Unsetenv(name)
	}
	if err := os.Mkdir(filepath.Join(home, ".aws"), 0o700); err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(home, ".aws", name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]string{}
	check := func(what string) {
		t.Helper()
		fp := environmentFingerprint()
		if other, dup := seen[fp]; dup {
			t.Errorf("%s and %s give the same fingerprint", other, what)
		}
		seen[fp] = what
		if environmentFingerprint() != fp {
			t.Errorf("%s: the fingerprint is not stable", what)
		}
	}
	check("no files")
	write("config", "[default]\nregion = us-east-1\n")
	check("a config file")
	write("credentials", "[default]\nendpoint_url = http://127.0.0.1:9000\n")
	check("a credentials file with endpoint_url")
	write("credentials", "[default]\nendpoint_url = http://127.0.0.1:9001\n")
	check("another endpoint_url in the credentials file")
	other := filepath.Join(t.TempDir(), "creds")
	if err := os.WriteFile(other, []byte("[default]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", other)
	check("AWS_SHARED_CREDENTIALS_FILE")
}
