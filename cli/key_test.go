package cli

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/oidc-creds/oidc-creds/exchange"
	"github.com/oidc-creds/oidc-creds/token"
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
		fp := fingerprint(t)
		if other, dup := seen[fp]; dup {
			t.Errorf("%s and %s give the same fingerprint", other, what)
		}
		seen[fp] = what
		if fingerprint(t) != fp {
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

// A key made before the token is requested stands on the source's Key and
// the inputs: never equal to a claims key, another source's or another
// role's, and the same for every run of the job.
func TestRequestKeyParts(t *testing.T) {
	f := &ExchangeFlags{}
	r := exchange.Request{RoleARN: "arn:aws:iam::123456789012:role/a", Duration: time.Hour}
	byRequest := f.requestKeyParts(r, "source-hash").Key()
	if f.requestKeyParts(r, "source-hash").Key() != byRequest {
		t.Error("the key is not stable")
	}
	r.Token = &token.Token{Raw: "x", Claims: token.Claims{Issuer: "i", Subject: "s"}}
	for what, other := range map[string]string{
		"the claims key": f.keyParts(r).Key(),
		"another source": f.requestKeyParts(r, "other-hash").Key(),
		"another role":   f.requestKeyParts(exchange.Request{RoleARN: "arn:aws:iam::123456789012:role/b", Duration: time.Hour}, "source-hash").Key(),
	} {
		if other == byRequest {
			t.Errorf("%s equals the request key", what)
		}
	}
}

// The credentials file's keys do not change the cache key (write-credentials
// rewrites them on every run), its other settings do.
func TestEnvironmentFingerprintIgnoresCredentialKeys(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "credentials")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", file)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	fingerprintOf := fingerprint
	fingerprint := func(content string) string {
		t.Helper()
		if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return fingerprintOf(t)
	}
	base := fingerprint("[ci]\naws_access_key_id = ASIAONE\naws_secret_access_key = one\naws_session_token = t1\nregion = eu-west-1\n")
	if got := fingerprint("[ci]\naws_access_key_id = ASIATWO\n  AWS_Secret_Access_Key: two\naws_session_token=t2\nregion = eu-west-1\n"); got != base {
		t.Error("new credentials in the credentials file changed the fingerprint")
	}
	if got := fingerprint("# keys\n[new]\naws_access_key_id = ASIANEW\n\n[ci]\naws_access_key_id = ASIAONE\naws_secret_access_key = one\naws_session_token = t1\nregion = eu-west-1\n"); got != base {
		t.Error("a new section of keys only in the credentials file changed the fingerprint")
	}
	if got := fingerprint("[ci]\naws_access_key_id = ASIAONE\naws_secret_access_key = one\naws_session_token = t1\nregion = us-west-2\n"); got == base {
		t.Error("another region in the credentials file did not change the fingerprint")
	}
	if got := fingerprint("[ci]\naws_access_key_id = ASIAONE\naws_secret_access_key = one\naws_session_token = t1\nregion = eu-west-1\nendpoint_url = http://127.0.0.1:1\n"); got == base {
		t.Error("an endpoint_url in the credentials file did not change the fingerprint")
	}
	if got := fingerprint("[other]\naws_access_key_id = ASIAONE\naws_secret_access_key = one\naws_session_token = t1\nregion = eu-west-1\n"); got == base {
		t.Error("the same region in another profile did not change the fingerprint")
	}
	if fingerprint("[ci]\naws_access_key_id = ASIAONE\n") != fingerprint("") {
		t.Error("a file of keys only does not read as no file")
	}
}

// fingerprint is environmentFingerprint, which must not fail.
func fingerprint(t *testing.T) string {
	t.Helper()
	fp, err := environmentFingerprint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return fp
}
