//go:build !unix && !windows

package filelock

import "os"

// openRegular opens path for reading, refusing a symlink or special file
// found by Lstat first (these platforms have no O_NOFOLLOW).
func openRegular(path string) (*os.File, error) {
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, notRegular("open", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return checkRegular(f, "open")
}

// openLockFile opens or creates the lock file path, refusing a symlink or
// special file found by Lstat first.
func openLockFile(path string) (*os.File, error) {
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, notRegular("open lock", path)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	return checkRegular(f, "open lock")
}
