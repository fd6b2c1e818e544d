package cli

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Without a home directory there is no default cache directory: exit 2,
// saying what to set, for every cache command.
func TestCacheCmdNoHome(t *testing.T) {
	for _, v := range []string{"HOME", "XDG_CACHE_HOME", "LocalAppData", "home", "OIDC_CREDS_CACHE_DIR"} {
		t.Setenv(v, "")
	}
	for _, args := range [][]string{{"cache", "path"}, {"cache", "list"}, {"cache", "clear"}, {"cache", "clear", "--expired"},
		{"doctor", "--role-arn", testRole, "--token-env", "NO_SUCH_TOKEN_VARIABLE", "--endpoint-url", "ftp://x"}} {
		var stdout, stderr strings.Builder
		status := Main(args, strings.NewReader(""), &stdout, &stderr)
		want := "set " + homeVariables() + ", or pass --cache-dir DIR (or set OIDC_CREDS_CACHE_DIR)"
		out := stderr.String()
		if args[0] == "doctor" {
			out = stdout.String() // its checklist; the token and endpoint fail first
			if strings.Count(out, "--cache-dir") != 1 {
				t.Errorf("doctor repeats the advice:\n%s", out)
			}
		} else if stdout.Len() != 0 {
			t.Errorf("%q printed %q", args, stdout.String())
		}
		if status < 2 || !strings.Contains(out, "no cache directory: ") || !strings.Contains(out, want) {
			t.Errorf("%q: status %d, stdout %q, stderr %q; want 2 and %q", args, status, stdout.String(), stderr.String(), want)
		}
	}
}

// cache list says why an entry is unreadable, and never prints a field of
// an entry raw: anyone running as this user may have written it.
func TestCacheCmdList(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "c")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	key := func(c byte) string { return strings.Repeat(string(c), 64) }
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(key('a')+".json", `{"Version":1,"Role":"arn:aws:iam::123456789012:role/r\u001b[2J","Session":"s\nFAKE ROW","Identity":"sub=x\u202e",`+
		`"Credentials":{"AccessKeyID":"AKIAHOSTILE","SecretAccessKey":"sk","SessionToken":"st","Expiration":"2999-01-01T00:00:00Z"}}`)
	write(key('b')+".json", `{"Version":1,"Role":`)
	write(key('c')+".json", `{"Version":7}`)
	if runtime.GOOS != "windows" {
		if err := os.Symlink("/etc/passwd", filepath.Join(dir, key('d')+".json")); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr strings.Builder
	if status := Main([]string{"cache", "list", "--cache-dir", dir}, strings.NewReader(""), &stdout, &stderr); status != 0 {
		t.Fatalf("status %d: %s", status, stderr.String())
	}
	out := stdout.String()
	noControls(t, "cache list", out)
	for _, want := range []string{
		`"arn:aws:iam::123456789012:role/r\x1b[2J"`, `"s\nFAKE ROW"`, `"sub=x\u202e"`,
		"unreadable entry " + filepath.Join(dir, key('b')+".json") + ": not a valid cache entry: truncated JSON\n",
		"unreadable entry " + filepath.Join(dir, key('c')+".json") + ": not a valid cache entry: version 7, want 1\n",
		"cache clear --expired removes unreadable entries",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("cache list lacks %q:\n%s", want, out)
		}
	}
	if runtime.GOOS != "windows" && !strings.Contains(out, "unreadable entry "+filepath.Join(dir, key('d')+".json")+": not a regular file") {
		t.Errorf("cache list does not say the symlink is not a regular file:\n%s", out)
	}
	if strings.Contains(out, "FAKE ROW\t") || strings.Contains(out, "\nFAKE ROW") || strings.Contains(out, "AKIAHOSTILE") {
		t.Errorf("cache list:\n%s", out)
	}
}
