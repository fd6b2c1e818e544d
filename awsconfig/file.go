package awsconfig

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/oidc-creds/oidc-creds/atomicfile"
	"github.com/oidc-creds/oidc-creds/filelock"
	"github.com/oidc-creds/oidc-creds/userfile"
)

// Mode says which mode Update gives the file it writes.
type Mode int

const (
	// KeepMode keeps the mode of an existing file; a new one is 0600.
	KeepMode Mode = iota
	// Private makes the file 0600 (the credentials file holds secrets).
	Private
)

// Update edits the file at path under its lock, so that concurrent edits by
// any number of processes all survive. It follows symlinks to the file they
// name, creating a dangling link's target; creates a missing directory
// 0700; takes the lock file beside the file (NAME.lock, never deleted),
// waiting for it until ctx ends; reads the file (missing is empty); and
// writes edit's result if it differs, atomically (a temporary file renamed
// over it). Where the file cannot be replaced (a bind mount: EBUSY, EXDEV)
// it is rewritten in place, under the same lock. It returns the path it
// wrote. A wait for the lock that ctx ends is a *filelock.WaitError; a file that
// is not a regular file (a FIFO, a directory) or is larger than MaxSize is
// refused, and the read too is bounded by ctx (a hung mount).
func Update(ctx context.Context, path string, mode Mode, edit func(old []byte) ([]byte, error)) (string, error) {
	real, err := resolve(path)
	if err != nil {
		return path, err
	}
	if err := os.MkdirAll(filepath.Dir(real), 0o700); err != nil {
		return real, err
	}
	release, err := filelock.Acquire(ctx, real+".lock", 0, nil)
	if err != nil {
		return real, fmt.Errorf("locking %s: %w", real, err)
	}
	defer release()
	old, exists, err := Read(ctx, real)
	if err != nil {
		return real, err
	}
	data, err := edit(old)
	if err != nil {
		return real, err
	}
	if exists && bytes.Equal(data, old) {
		if fi, err := os.Stat(real); err == nil && mode == Private && fi.Mode().Perm() != 0o600 {
			return real, os.Chmod(real, 0o600)
		}
		return real, nil
	}
	return real, write(real, old, exists, data, mode)
}

// MaxSize bounds the files Update reads: no AWS file comes near it.
const MaxSize = 16 << 20

// Read reads an AWS file as Update does: a missing file is empty (exists
// false); one that is not a regular file or is larger than MaxSize is an
// error; the read ends with ctx.
func Read(ctx context.Context, path string) (data []byte, exists bool, err error) {
	data, err = userfile.ReadRegular(ctx, path, MaxSize)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	return data, true, err
}

// resolve follows path's symlinks to the file they end at, which may not
// exist: a dangling link names the file to create.
func resolve(path string) (string, error) {
	for range 40 {
		if dir, err := filepath.EvalSymlinks(filepath.Dir(path)); err == nil {
			path = filepath.Join(dir, filepath.Base(path))
		}
		fi, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) || (err == nil && fi.Mode()&fs.ModeSymlink == 0) {
			return path, nil
		}
		if err != nil {
			return "", err
		}
		target, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		path = target
	}
	return "", &fs.PathError{Op: "resolve", Path: path, Err: errors.New("too many levels of symbolic links")}
}

// replaceFile is atomicfile.Write; tests make it fail as a bind mount does.
var replaceFile = atomicfile.Write

func write(path string, old []byte, exists bool, data []byte, mode Mode) error {
	perm := fs.FileMode(0o600)
	if fi, err := os.Stat(path); err == nil && mode == KeepMode {
		perm = fi.Mode().Perm()
	}
	err := replaceFile(path, data, perm)
	var le *os.LinkError
	if err == nil || !exists || !errors.As(err, &le) || !(errors.Is(le.Err, syscall.EBUSY) || errors.Is(le.Err, syscall.EXDEV)) {
		return err
	}
	return writeInPlace(path, old, data, mode)
}

// writeInPlace rewrites path where it cannot be replaced (a file that is a
// bind mount): it writes data over the old bytes, cuts what is left, and
// fsyncs, so that the file never goes through empty. If that fails it
// writes old back. A crash in between can leave a torn file, which a rename
// never does.
func writeInPlace(path string, old, data []byte, mode Mode) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if err = overwrite(f, data); err == nil && mode == Private {
		err = f.Chmod(0o600)
	}
	if err != nil {
		if overwrite(f, old) != nil {
			return fmt.Errorf("%w; the file, which cannot be replaced (a bind mount?), could not be restored and may be incomplete", err)
		}
		return fmt.Errorf("%w (the file, which cannot be replaced, was rewritten in place and then restored)", err)
	}
	return f.Close()
}

func overwrite(f *os.File, data []byte) error {
	if _, err := f.WriteAt(data, 0); err != nil {
		return err
	}
	if err := f.Truncate(int64(len(data))); err != nil {
		return err
	}
	return f.Sync()
}
