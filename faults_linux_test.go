package main

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/rogpeppe/go-internal/testscript"
)

// canMount reports whether this process may mount a tmpfs (root, outside
// a container that forbids it): the [mount] condition of the scripts.
var canMount = sync.OnceValue(func() bool {
	dir, err := os.MkdirTemp("", "oidc-creds-mount")
	if err != nil {
		return false
	}
	defer os.Remove(dir)
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=4k"); err != nil {
		return false
	}
	return syscall.Unmount(dir, 0) == nil
})

// fulldisk DIR mounts a 64 KiB tmpfs at DIR (relative to $WORK), makes the
// cache directory DIR/cache (0700) in it and fills the rest with
// DIR/filler, so that writing a cache entry there fails with ENOSPC. Guard
// it with [mount].
func cmdFullDisk(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		ts.Fatalf("usage: fulldisk DIR")
	}
	dir := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(dir, 0o700))
	ts.Check(syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "size=64k,mode=0700"))
	ts.Defer(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	ts.Check(os.Mkdir(filepath.Join(dir, "cache"), 0o700))
	f, err := os.Create(filepath.Join(dir, "filler"))
	ts.Check(err)
	defer f.Close()
	block := make([]byte, 4096)
	for n := len(block); n > 0; {
		// Whole blocks, then single bytes for the last partial page.
		if _, err := f.Write(block[:n]); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				ts.Fatalf("filling %s: %v", dir, err)
			}
			n /= 2
		}
	}
}
