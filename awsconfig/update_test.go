package awsconfig

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

func setProfile(name string) func([]byte) ([]byte, error) {
	return func(old []byte) ([]byte, error) {
		e, err := Set(old, name, cp, "oidc-creds process --role-arn arn:aws:iam::1:role/"+name)
		return e.Data, err
	}
}

func update(t *testing.T, path string, mode Mode, edit func([]byte) ([]byte, error)) {
	t.Helper()
	if _, err := Update(context.Background(), path, mode, edit); err != nil {
		t.Fatal(err)
	}
}

func TestUpdateModes(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, ".aws", "config")
	update(t, p, KeepMode, setProfile("a"))
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(filepath.Dir(p)); fi.Mode().Perm() != 0o700 {
			t.Errorf("new directory mode %v, want 0700", fi.Mode().Perm())
		}
		if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
			t.Errorf("new file mode %v, want 0600", fi.Mode().Perm())
		}
		os.Chmod(p, 0o644)
		update(t, p, KeepMode, setProfile("b"))
		if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o644 {
			t.Errorf("KeepMode: mode %v, want 0644 kept", fi.Mode().Perm())
		}
		update(t, p, Private, setProfile("b")) // unchanged content, still made private
		if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
			t.Errorf("Private: mode %v, want 0600", fi.Mode().Perm())
		}
	}
	if v, ok := ProfileValue(mustRead(t, p), "a", cp); !ok || v == "" {
		t.Errorf("profile a lost: %q", mustRead(t, p))
	}
	// Nothing but the file and its lock, which stays.
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 2 || entries[0].Name() != "config" || entries[1].Name() != "config.lock" {
		t.Errorf("directory holds %v, want config and config.lock", entries)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A symlink is followed: its target is edited (a dangling link's target
// created), the link stays, and the lock lies beside the target.
func TestUpdateFollowsSymlinks(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "dotfiles", "aws", "config")
	link := filepath.Join(dir, "config")
	if err := os.Symlink(filepath.Join("dotfiles", "aws", "config"), link); err != nil {
		t.Skipf("cannot make symlinks: %v", err)
	}
	for _, name := range []string{"dangling", "existing"} {
		update(t, link, KeepMode, setProfile(name))
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Fatalf("%s: the symlink was replaced by a file", name)
		}
		if _, ok := ProfileValue(mustRead(t, target), name, cp); !ok {
			t.Errorf("%s: the target lacks the profile: %q", name, mustRead(t, target))
		}
	}
	if _, err := os.Stat(target + ".lock"); err != nil {
		t.Errorf("no lock beside the target: %v", err)
	}
}

// A file that cannot be replaced by rename (a bind mount: EBUSY, EXDEV) is
// rewritten in place, the same file; other rename errors are errors.
func TestUpdateInPlaceWhenRenameRefused(t *testing.T) {
	for _, errno := range []syscall.Errno{syscall.EBUSY, syscall.EXDEV, syscall.EACCES} {
		t.Run(errno.Error(), func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "config")
			os.WriteFile(p, []byte("# mine\n[profile old]\nregion = x\nlong = "+fmt.Sprint(make([]int, 40))+"\n"), 0o640)
			before, _ := os.Stat(p)
			replaceFile = func(path string, _ []byte, _ os.FileMode) error {
				return &os.LinkError{Op: "rename", Old: path + ".tmp", New: path, Err: errno}
			}
			defer func() { replaceFile = realReplaceFile }()
			_, err := Update(context.Background(), p, KeepMode, func(old []byte) ([]byte, error) {
				return []byte("[default]\nregion = y\n"), nil // shorter: the tail must go
			})
			got := string(mustRead(t, p))
			if errno == syscall.EACCES {
				if err == nil || got == "[default]\nregion = y\n" {
					t.Fatalf("Update = %v, file %q; want the rename error and the file unchanged", err, got)
				}
				return
			}
			if err != nil || got != "[default]\nregion = y\n" {
				t.Fatalf("Update = %v, file %q", err, got)
			}
			after, _ := os.Stat(p)
			if !os.SameFile(before, after) || (runtime.GOOS != "windows" && after.Mode().Perm() != 0o640) {
				t.Errorf("not rewritten in place: same file %v, mode %v", os.SameFile(before, after), after.Mode().Perm())
			}
		})
	}
}

var realReplaceFile = replaceFile

// The wait for a lock another process holds ends with ctx, saying so.
func TestUpdateLockWaitEnds(t *testing.T) {
	p := filepath.Join(t.TempDir(), "config")
	ctx, cancel := context.WithCancel(context.Background())
	held := make(chan struct{})
	done := make(chan error)
	go func() {
		_, err := Update(context.Background(), p, KeepMode, func(old []byte) ([]byte, error) {
			close(held)
			<-ctx.Done() // hold the lock until the other Update gave up
			return old, nil
		})
		done <- err
	}()
	<-held
	go func() { time.Sleep(10 * time.Millisecond); cancel() }()
	_, err := Update(ctx, p, KeepMode, setProfile("a"))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Update while locked = %v, want context.Canceled", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// A FIFO (or another non-regular file) in the file's place is refused at
// once, not read: a FIFO without a writer would block the edit, lock held.
func TestUpdateRefusesNonRegular(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config")
	os.Mkdir(p, 0o700)
	if _, err := Update(context.Background(), p, KeepMode, setProfile("a")); err == nil {
		t.Fatal("Update of a directory succeeded")
	}
	if _, _, err := Read(context.Background(), p); err == nil {
		t.Fatal("Read of a directory succeeded")
	}
}
