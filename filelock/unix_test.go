//go:build unix

package filelock

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// The lock file is 0600 whatever the umask, so every process of the user can
// open it.
func TestOpenMode(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	p := filepath.Join(t.TempDir(), "x.lock")
	open(t, p)
	if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, %v; want 0600 whatever the umask", fi.Mode().Perm(), err)
	}
}

// A FIFO planted in a file's place is refused at once, not waited on.
func TestFIFORefused(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.lock")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan error, 2)
	go func() { _, err := Open(p); done <- err }()
	go func() { _, err := OpenRegular(p); done <- err }()
	for range 2 {
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotRegular) {
				t.Errorf("open of a FIFO = %v, want ErrNotRegular", err)
			}
		case <-time.After(3 * time.Second):
			t.Fatal("opening a FIFO blocked")
		}
	}
}
