package cache

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrNoUserCacheDir is wrapped by DefaultDir's error when the system names
// no user cache directory (no home directory in the environment).
var ErrNoUserCacheDir = errors.New("no user cache directory")

// DefaultDir returns the default cache directory, "oidc-creds" in the user's
// cache directory (os.UserCacheDir: $XDG_CACHE_HOME or ~/.cache on linux,
// ~/Library/Caches on darwin, %LocalAppData% on windows). Its error wraps
// ErrNoUserCacheDir and says which variables are missing.
func DefaultDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", &noUserCacheDir{err}
	}
	return filepath.Join(base, "oidc-creds"), nil
}

type noUserCacheDir struct{ err error }

func (e *noUserCacheDir) Error() string { return e.err.Error() }

func (e *noUserCacheDir) Is(target error) bool { return target == ErrNoUserCacheDir }

func (e *noUserCacheDir) Unwrap() error { return e.err }

// prepareDir creates dir (0700, with parents) if it is missing and checks that
// it is a usable cache directory: a real directory, not a symlink, and on unix
// owned by us and writable by no one else.
func prepareDir(dir string) error {
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("creating the cache directory: %w", err)
		}
		// MkdirAll's mode passes through the umask; set it exactly.
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("setting the cache directory's mode: %w", err)
		}
		fi, err = os.Lstat(dir)
	}
	if err != nil {
		return fmt.Errorf("checking the cache directory: %w", err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("cache directory %s is a symlink, which oidc-creds does not follow; remove it (it is recreated) or choose another directory", dir)
	}
	if !fi.IsDir() {
		return fmt.Errorf("cache directory %s is not a directory; remove it (it is recreated) or choose another directory", dir)
	}
	return checkOwnerAndMode(dir, fi)
}
