//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd || windows)

package filelock

import (
	"errors"
	"fmt"
	"os"
	"runtime"
)

// tryLock is not implemented on these systems: it fails with an error
// wrapping errors.ErrUnsupported, and callers decide what to do without it.
func tryLock(f *os.File) (bool, error) {
	return false, fmt.Errorf("locking %s: file locking on %s: %w", f.Name(), runtime.GOOS, errors.ErrUnsupported)
}

func unlock(f *os.File) error { return nil }
