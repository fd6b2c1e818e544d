package awsconfig

import (
	"path/filepath"
	"testing"
)

func TestValidProfileName(t *testing.T) {
	for _, n := range []string{"deploy", "default", "a.b-c_d", "prod/eu", "a=b", "a]b", "[a", "profile", "é", "DEFAULT"} {
		if !ValidProfileName(n) {
			t.Errorf("%q refused", n)
		}
	}
	// botocore's shlex.split or aws-sdk-go-v2's header reading would make
	// another name of these (TestValidProfileNameAgreesWithBotocore shows it).
	for _, n := range []string{"", "a b", "a\tb", "a\\b", "a'b", `a"b`, "a#", "a;b", "a\u00a0", "\x1c", "a\x00", "\xff"} {
		if ValidProfileName(n) {
			t.Errorf("%q accepted", n)
		}
	}
}

func TestPath(t *testing.T) {
	t.Setenv("AWS_CONFIG_FILE", "/x/config")
	if p, _ := Path(); p != "/x/config" {
		t.Errorf("Path() = %s", p)
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	t.Setenv("AWS_CONFIG_FILE", "~/cfg")
	if p, _ := Path(); p != filepath.Join(home, "cfg") {
		t.Errorf("Path() with ~ = %s", p)
	}
	t.Setenv("AWS_CONFIG_FILE", "")
	if p, _ := Path(); p != filepath.Join(home, ".aws", "config") {
		t.Errorf("default Path() = %s", p)
	}
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "")
	if p, _ := CredentialsPath(); p != filepath.Join(home, ".aws", "credentials") {
		t.Errorf("default CredentialsPath() = %s", p)
	}
}
