//go:build unix

package awsconfig

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestUpdateRefusesFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "config")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if _, err := Update(context.Background(), p, KeepMode, setProfile("a")); err == nil {
		t.Fatal("Update of a FIFO succeeded")
	}
	if fi, err := os.Lstat(p); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v", err)
	}
}
