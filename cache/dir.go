package cache

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// DefaultDir returns the default cache directory, "oidc-creds" in the user's
// cache directory (os.UserCacheDir: $XDG_CACHE_HOME or ~/.cache on linux,
// ~/Library/Caches on darwin, %LocalAppData% on windows). Its error is
// os.UserCacheDir's, which says which variables are missing.
func DefaultDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(base, "oidc-creds"), nil
}

// DirProblem is what makes a directory unusable as the cache.
type DirProblem uint8

// The problems of a cache directory.
const (
	DirCannotCreate DirProblem = iota + 1 // missing, and creating it failed (Err)
	DirCannotCheck                        // stat failed (Err), other than "does not exist"
	DirSymlink                            // a symlink, which is never followed
	DirNotDir                             // a file or something else that is no directory
	DirOtherOwner                         // owned by Owner, not by the user
	DirOpenMode                           // group- or world-writable (Perm)
	DirReadOnlyFS                         // on a read-only file system (creating it, or writing in it)
	DirNoWriteMode                        // its mode (Perm) denies the owner writing
	DirWriteRefused                       // writing refused though Perm allows it (Err: an ACL, a mount option…)
)

// DirError says why a directory cannot be the cache, in the library's
// terms: what the directory is, and the remedy when it is a chmod; the CLI
// adds the remedies that name its flags.
type DirError struct {
	Dir     string
	Problem DirProblem
	Perm    fs.FileMode // DirOpenMode, DirNoWriteMode, DirWriteRefused
	Owner   int         // DirOtherOwner: the owner's uid
	Err     error       // the system's error, where there is one
}

func (e *DirError) Unwrap() error { return e.Err }

func (e *DirError) Error() string {
	d := e.Dir
	switch e.Problem {
	case DirCannotCreate:
		return fmt.Sprintf("cannot create the cache directory %s: %v", d, e.Err)
	case DirCannotCheck:
		return fmt.Sprintf("cannot check the cache directory %s: %v", d, e.Err)
	case DirSymlink:
		return fmt.Sprintf("cache directory %s is a symlink, which oidc-creds does not follow", d)
	case DirNotDir:
		return fmt.Sprintf("cache directory %s is not a directory", d)
	case DirOtherOwner:
		return fmt.Sprintf("cache directory %s belongs to uid %d, not to you (uid %d)", d, e.Owner, os.Geteuid())
	case DirOpenMode:
		return fmt.Sprintf("cache directory %s is group- or world-writable (mode %#o), so others could plant credentials in it; run: chmod 700 %s", d, e.Perm, d)
	case DirReadOnlyFS:
		return fmt.Sprintf("cache directory %s is on a read-only file system", d)
	case DirNoWriteMode:
		return fmt.Sprintf("cache directory %s is not writable (mode %#o); run: chmod 700 %s", d, e.Perm, d)
	case DirWriteRefused:
		return fmt.Sprintf("cache directory %s is not writable (%v), though its mode %#o allows it (an ACL, a mount option or a security module refuses)", d, e.Err, e.Perm)
	}
	return fmt.Sprintf("cache directory %s cannot be used", d)
}

// prepareDir checks that dir is a usable cache directory: a real directory,
// not a symlink, and on unix owned by us and writable by no one else. A
// missing one is created (0700, with parents), unless readOnly, when it is
// fine as it is (an empty cache): then neither is it checked for being
// writable by us.
func prepareDir(dir string, readOnly bool) error {
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		if readOnly {
			return nil
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return createError(dir, err)
		}
		// MkdirAll's mode passes through the umask; set it exactly.
		if err := os.Chmod(dir, 0o700); err != nil {
			return createError(dir, err)
		}
		fi, err = os.Lstat(dir)
	}
	if err != nil {
		return &DirError{Dir: dir, Problem: DirCannotCheck, Err: pathCause(dir, err)}
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return &DirError{Dir: dir, Problem: DirSymlink}
	}
	if !fi.IsDir() {
		return &DirError{Dir: dir, Problem: DirNotDir}
	}
	return checkOwnerAndMode(dir, fi, readOnly)
}

func createError(dir string, err error) error {
	if errors.Is(err, syscall.EROFS) {
		return &DirError{Dir: dir, Problem: DirReadOnlyFS, Err: err}
	}
	return &DirError{Dir: dir, Problem: DirCannotCreate, Err: pathCause(dir, err)}
}

// pathCause is err without the path when it is dir's own (a parent's is
// kept: it says where creating failed).
func pathCause(dir string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && filepath.Clean(pe.Path) == dir {
		return pe.Err
	}
	return err
}
