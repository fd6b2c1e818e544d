//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd || windows)

package cache

import (
	"errors"
	"fmt"
	"os"
	"runtime"
)

// tryLock is not implemented here: GetOrFetch warns and fetches without the
// cache.
func tryLock(f *os.File) (bool, error) {
	return false, fmt.Errorf("locking %s: file locking on %s: %w", f.Name(), runtime.GOOS, errors.ErrUnsupported)
}

func unlock(f *os.File) error { return nil }
