package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/oidc-creds/oidc-creds/internal/teststs"
)

// runCache runs oidc-creds (the binary at bin) with args, wrapped by wrap
// (a command that runs the rest, or nothing), as the user cred names (nil:
// as we are), and returns its exit status and output.
func runCache(t *testing.T, bin string, cred *syscall.Credential, wrap []string, args ...string) (int, string, string) {
	t.Helper()
	argv := append(append(append([]string{}, wrap...), bin), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=/nonexistent", "XDG_CACHE_HOME="}
	if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), stdout.String(), stderr.String()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, stdout.String(), stderr.String()
}

// A directory named with --cache-dir that is not one (/etc/passwd) is bad
// input, exit 2, and oidc-creds never advises removing it; the default
// directory, oidc-creds' own, may be removed.
func TestCacheDirNotADirectory(t *testing.T) {
	t.Parallel()
	bin, _ := exec.LookPath("oidc-creds")
	for _, cmd := range []string{"list", "clear"} {
		status, stdout, stderr := runCache(t, bin, nil, nil, "cache", cmd, "--cache-dir", "/etc/passwd")
		if status != 2 || stdout != "" || strings.Contains(stderr, "remove") ||
			stderr != "oidc-creds: cache directory /etc/passwd is not a directory; pass --cache-dir DIR (or set OIDC_CREDS_CACHE_DIR) to use another directory\n" {
			t.Errorf("cache %s --cache-dir /etc/passwd: status %d, stdout %q, stderr %q", cmd, status, stdout, stderr)
		}
	}
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".cache"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".cache", "oidc-creds"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	status, _, stderr := runCache(t, bin, nil, []string{"env", "HOME=" + home}, "cache", "clear")
	if status != 2 || !strings.Contains(stderr, "is not a directory; remove it (oidc-creds creates it again), or pass --cache-dir DIR") {
		t.Errorf("cache clear with a file as the default directory: status %d, stderr %q", status, stderr)
	}
}

// A user who cannot write the cache directory can list it (list only
// reads); clearing it is bad input (exit 2) with the remedy. As root, the
// test runs oidc-creds as nobody, for whom the directory is 0555.
func TestCacheDirNotWritable(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin := copyBinary(t, dir)
	cache := filepath.Join(dir, "cache")
	if err := os.Mkdir(cache, 0o700); err != nil {
		t.Fatal(err)
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		cred = &syscall.Credential{Uid: 65534, Gid: 65534}
		if err := os.Chown(cache, 65534, 65534); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(cache, 0o555); err != nil {
		t.Fatal(err)
	}
	status, stdout, stderr := runCache(t, bin, cred, nil, "cache", "list", "--cache-dir", cache)
	if status != 0 || stdout != "ROLE  SESSION  IDENTITY  EXPIRES  LEFT\n" || stderr != "" {
		t.Errorf("cache list of a 0555 directory: status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	status, stdout, stderr = runCache(t, bin, cred, nil, "cache", "clear", "--cache-dir", cache)
	if want := "oidc-creds: cache directory " + cache + " is not writable (mode 0555); run: chmod 700 " + cache + ", or pass --cache-dir DIR (or set OIDC_CREDS_CACHE_DIR) to use another directory\n"; status != 2 || stdout != "" || stderr != want {
		t.Errorf("cache clear of a 0555 directory: status %d, stdout %q, stderr %q; want 2 and %q", status, stdout, stderr, want)
	}
}

// On a read-only file system: cache list works, cache clear is bad input
// (exit 2), and a first run that would create the directory says so in a
// sentence (one warning) and prints the credentials all the same. The file
// system is a read-only bind mount in a mount namespace of its own
// (unshare), which needs root or user namespaces: skipped without.
func TestCacheDirReadOnlyFS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro")
	if err := os.MkdirAll(filepath.Join(ro, "c"), 0o700); err != nil {
		t.Fatal(err)
	}
	wrap := []string{"unshare", "-m", "sh", "-c", `mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"`, ro}
	if os.Geteuid() != 0 {
		wrap[1] = "-rm"
	}
	if out, err := exec.Command(wrap[0], append(wrap[1:], "true")...).CombinedOutput(); err != nil {
		t.Skipf("no read-only bind mount here (%v): %s", err, out)
	}
	bin, _ := exec.LookPath("oidc-creds")
	c := filepath.Join(ro, "c")
	if status, stdout, stderr := runCache(t, bin, nil, wrap, "cache", "list", "--cache-dir", c); status != 0 || stderr != "" {
		t.Errorf("cache list on a read-only file system: status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	want := "oidc-creds: cache directory " + c + " is on a read-only file system; pass --cache-dir DIR (or set OIDC_CREDS_CACHE_DIR) on a writable file system\n"
	if status, stdout, stderr := runCache(t, bin, nil, wrap, "cache", "clear", "--cache-dir", c); status != 2 || stdout != "" || stderr != want {
		t.Errorf("cache clear on a read-only file system: status %d, stdout %q, stderr %q; want 2 and %q", status, stdout, stderr, want)
	}
	// Clearing a cache that was never made creates nothing.
	if status, stdout, stderr := runCache(t, bin, nil, wrap, "cache", "clear", "--cache-dir", filepath.Join(ro, "new")); status != 0 || stderr != "" || !strings.HasPrefix(stdout, "removed 0 cached credential(s) from ") {
		t.Errorf("cache clear of a missing directory on a read-only file system: status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	s := teststs.NewForTest(t, teststs.Options{})
	cmd := oidcCredsCmd(t, s, "process")
	cmd.Args = append(append([]string{}, wrap...), append([]string{cmd.Path}, cmd.Args[1:]...)...)
	cmd.Path, _ = exec.LookPath(wrap[0])
	cmd.Env = append(cmd.Env, "XDG_CACHE_HOME="+ro)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	warn := "oidc-creds: warning: credential cache not used: cache directory " + filepath.Join(ro, "oidc-creds") + " is on a read-only file system; pass --cache-dir DIR (or set OIDC_CREDS_CACHE_DIR) on a writable file system\n"
	if err != nil || !strings.Contains(string(out), `"Version":1`) || stderr.String() != warn {
		t.Errorf("process with the default cache directory on a read-only file system: %v, stdout %q, stderr %q; want credentials and %q", err, out, stderr.String(), warn)
	}
}

// copyBinary copies the oidc-creds on PATH into dir, which it makes (and its
// parent) readable by everyone, so that another user can run it.
func copyBinary(t *testing.T, dir string) string {
	t.Helper()
	src, err := exec.LookPath("oidc-creds")
	if err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	bin := filepath.Join(dir, "bin", "oidc-creds")
	if err := os.Mkdir(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return bin
}
