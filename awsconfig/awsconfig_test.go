package awsconfig

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const cp = "credential_process"

func TestSet(t *testing.T) {
	for _, tc := range []struct{ name, in, profile, want string }{
		{"empty file", "", "deploy",
			"[profile deploy]\ncredential_process = NEW\n"},
		{"append after other profiles, keeping everything", "# my config\n[default]\nregion = eu-west-1 ; comment\n\n[profile other]\noutput=json\n", "deploy",
			"# my config\n[default]\nregion = eu-west-1 ; comment\n\n[profile other]\noutput=json\n\n[profile deploy]\ncredential_process = NEW\n"},
		{"no final newline", "[default]\nregion = x", "deploy",
			"[default]\nregion = x\n\n[profile deploy]\ncredential_process = NEW\n"},
		{"file ending in a blank line", "[default]\nregion = x\n\n", "deploy",
			"[default]\nregion = x\n\n[profile deploy]\ncredential_process = NEW\n"},
		{"default profile", "[profile x]\n", "default",
			"[profile x]\n\n[default]\ncredential_process = NEW\n"},
		{"default written [profile default]", "[profile default]\ncredential_process = old\n", "default",
			"[profile default]\ncredential_process = NEW\n"},
		{"replace in place, other keys kept", "[profile deploy]\nregion = us-east-2\ncredential_process = old --x\noutput = json\n[profile b]\ncredential_process = keep\n", "deploy",
			"[profile deploy]\nregion = us-east-2\ncredential_process = NEW\noutput = json\n[profile b]\ncredential_process = keep\n"},
		{"key case and spacing", "[profile  deploy ] # c\nCredential_Process=old\n", "deploy",
			"[profile  deploy ] # c\ncredential_process = NEW\n"},
		{"continuation lines replaced", "[profile deploy]\ncredential_process = old\n  --more\nregion = x\n", "deploy",
			"[profile deploy]\ncredential_process = NEW\nregion = x\n"},
		{"add to existing section after its last property", "[profile deploy]\nregion = x\ns3 =\n  max_concurrent_requests = 4\n\n# about b\n[profile b]\n", "deploy",
			"[profile deploy]\nregion = x\ns3 =\n  max_concurrent_requests = 4\ncredential_process = NEW\n\n# about b\n[profile b]\n"},
		{"add to empty section", "[profile deploy]\n[profile b]\nregion = y\n", "deploy",
			"[profile deploy]\ncredential_process = NEW\n[profile b]\nregion = y\n"},
		{"add to last section without final newline", "[profile deploy]\nregion = x", "deploy",
			"[profile deploy]\nregion = x\ncredential_process = NEW"},
		{"replace last line without final newline", "[profile deploy]\ncredential_process = old", "deploy",
			"[profile deploy]\ncredential_process = NEW"},
		{"duplicates removed", "[profile deploy]\ncredential_process = a\ncredential_process = b\n[profile deploy]\ncredential_process = c\nregion = r\n", "deploy",
			"[profile deploy]\ncredential_process = NEW\n[profile deploy]\nregion = r\n"},
		{"commented-out key and similar names untouched", "[profile deploy]\n# credential_process = old\ncredential_process_x = y\n[profile deploy2]\ncredential_process = z\n", "deploy",
			"[profile deploy]\n# credential_process = old\ncredential_process_x = y\ncredential_process = NEW\n[profile deploy2]\ncredential_process = z\n"},
		{"sso-session of the same name untouched", "[sso-session deploy]\nsso_region = x\n", "deploy",
			"[sso-session deploy]\nsso_region = x\n\n[profile deploy]\ncredential_process = NEW\n"},
		{"CRLF kept", "[default]\r\nregion = x\r\n[profile deploy]\r\ncredential_process = old\r\n", "deploy",
			"[default]\r\nregion = x\r\n[profile deploy]\r\ncredential_process = NEW\r\n"},
		{"CRLF for new lines", "[default]\r\nregion = x\r\n", "deploy",
			"[default]\r\nregion = x\r\n\r\n[profile deploy]\r\ncredential_process = NEW\r\n"},
		{"BOM", "\ufeff[profile deploy]\ncredential_process = old\n", "deploy",
			"\ufeff[profile deploy]\ncredential_process = NEW\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, changed := Set([]byte(tc.in), tc.profile, cp, "NEW")
			if string(got) != tc.want {
				t.Errorf("Set:\n%q\nwant\n%q", got, tc.want)
			}
			if changed != (tc.in != tc.want) {
				t.Errorf("changed = %v", changed)
			}
			again, changed := Set(got, tc.profile, cp, "NEW")
			if changed || string(again) != string(got) {
				t.Errorf("a second Set changed the file:\n%q", again)
			}
			if v, ok := Get(got, tc.profile, cp); !ok || v != "NEW" {
				t.Errorf("Get = %q, %v", v, ok)
			}
		})
	}
}

func TestKeys(t *testing.T) {
	in := []byte("[deploy]\naws_access_key_id = A\n[profile deploy]\nrole_arn = x\nregion = y\n")
	if got := strings.Join(Keys(in, "deploy", false), ","); got != "role_arn,region" {
		t.Errorf("config keys = %s", got)
	}
	if got := strings.Join(Keys(in, "deploy", true), ","); got != "aws_access_key_id,role_arn,region" {
		t.Errorf("credentials keys = %s", got)
	}
}

func TestValidProfileName(t *testing.T) {
	for _, n := range []string{"deploy", "default", "a.b-c_d", "prod/eu"} {
		if !ValidProfileName(n) {
			t.Errorf("%q refused", n)
		}
	}
	for _, n := range []string{"", "a b", "a]", "[a", "a#", "a;b", "profile"} {
		if ValidProfileName(n) {
			t.Errorf("%q accepted", n)
		}
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	// Missing directory and file: 0700 and 0600.
	p := filepath.Join(dir, ".aws", "config")
	if err := WriteFile(p, []byte("a\n")); err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(filepath.Dir(p)); fi.Mode().Perm() != 0o700 {
			t.Errorf("dir mode %v", fi.Mode().Perm())
		}
		if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
			t.Errorf("file mode %v", fi.Mode().Perm())
		}
		// An existing file keeps its mode.
		if err := os.Chmod(p, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteFile(p, []byte("b\n")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "b\n" {
		t.Errorf("contents %q", b)
	}
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o640 {
			t.Errorf("mode not kept: %v", fi.Mode().Perm())
		}
		// A symlink is followed: its target is replaced, the link stays.
		link := filepath.Join(dir, "link")
		if err := os.Symlink(p, link); err != nil {
			t.Fatal(err)
		}
		if err := WriteFile(link, []byte("c\n")); err != nil {
			t.Fatal(err)
		}
		if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
			t.Error("symlink replaced by a file")
		}
		if b, _ := os.ReadFile(p); string(b) != "c\n" {
			t.Errorf("target contents %q", b)
		}
	}
	// No temporary files left.
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
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
}
