package filelock

import (
	"errors"
	"io/fs"
	"os"
)

// ErrNotRegular is the error (wrapped in an *fs.PathError) for a symlink,
// directory, FIFO or other non-regular file where a regular file should be.
var ErrNotRegular = errors.New("not a regular file (a symlink or special file was planted there); remove it")

func notRegular(op, path string) error {
	return &fs.PathError{Op: op, Path: path, Err: ErrNotRegular}
}

// checkRegular closes f and fails unless f, as opened, is a regular file.
func checkRegular(f *os.File, op string) (*os.File, error) {
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, notRegular(op, f.Name())
	}
	return f, nil
}

// classifyOpenError turns the various errors an O_NOFOLLOW open reports for a
// symlink (ELOOP on linux and darwin, EMLINK on freebsd, EFTYPE on netbsd)
// into ErrNotRegular.
func classifyOpenError(op, path string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if fi, lerr := os.Lstat(path); lerr == nil && !fi.Mode().IsRegular() {
		return notRegular(op, path)
	}
	return err
}
