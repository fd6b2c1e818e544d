//go:build unix

package filelock

import (
	"os"
	"syscall"
)

// openRegular opens path for reading without following a symlink and fails
// unless it is a regular file. O_NONBLOCK keeps a planted FIFO from blocking
// the open; it does nothing to reads of a regular file.
func openRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, classifyOpenError("open", path, err)
	}
	return checkRegular(f, "open")
}

// openLockFile opens or creates the lock file path without following a
// symlink and fails unless it is a regular file.
func openLockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0o600)
	if err != nil {
		return nil, classifyOpenError("open lock", path, err)
	}
	if f, err = checkRegular(f, "open lock"); err != nil {
		return nil, err
	}
	// The create mode passed through the umask; make it exactly 0600 so
	// every process of ours can open it. Best effort: the lock works anyway.
	if fi, err := f.Stat(); err == nil && fi.Mode().Perm() != 0o600 {
		f.Chmod(0o600)
	}
	return f, nil
}
