//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package filelock

import (
	"io/fs"
	"os"
	"syscall"
)

// tryLock tries to take an exclusive flock on f without blocking. It reports
// false, nil when another open file description holds the lock. The kernel
// drops the lock when the holder's descriptor is closed, including when the
// process dies.
func tryLock(f *os.File) (bool, error) {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch err {
		case nil:
			return true, nil
		case syscall.EINTR:
			continue
		case syscall.EWOULDBLOCK:
			return false, nil
		}
		return false, &fs.PathError{Op: "flock", Path: f.Name(), Err: err}
	}
}

func unlock(f *os.File) error {
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_UN); err != nil {
		return &fs.PathError{Op: "funlock", Path: f.Name(), Err: err}
	}
	return nil
}
