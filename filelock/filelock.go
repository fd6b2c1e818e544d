// Package filelock serializes work across processes with a lock file, in the
// spirit of cmd/go's internal/lockedfile: the lock file is opened (created
// 0600 if missing) without following a symlink, locked exclusively (flock on
// unix, LockFileEx on windows), and never deleted, since deleting a lock file
// that another process has open would let a third process lock a new file of
// the same name. The operating system releases the lock when its holder
// closes the file or dies, so a killed process never wedges the others.
package filelock

import (
	"context"
	"errors"
	"os"
	"time"
)

// File is an open lock file.
type File struct {
	f *os.File
}

// Open opens the lock file path, creating it 0600 if it is missing. It never
// follows a symlink and fails, with an error wrapping ErrNotRegular, unless
// path is a regular file.
func Open(path string) (*File, error) {
	f, err := openLockFile(path)
	if err != nil {
		return nil, err
	}
	return &File{f: f}, nil
}

// Name is the lock file's path.
func (l *File) Name() string { return l.f.Name() }

// TryLock takes the exclusive lock if no other open lock file holds it, and
// reports whether it did.
func (l *File) TryLock() (bool, error) { return tryLock(l.f) }

// Lock takes the exclusive lock, trying every poll (20ms when poll <= 0)
// while another holder has it, until ctx ends. onWait, if not nil, is called
// once when the first try finds the lock taken; waited reports the same. When
// ctx ends first, err is a *WaitError.
func (l *File) Lock(ctx context.Context, poll time.Duration, onWait func()) (waited bool, err error) {
	if poll <= 0 {
		poll = 20 * time.Millisecond
	}
	var t *time.Timer
	for {
		ok, err := tryLock(l.f)
		if err != nil || ok {
			return waited, err
		}
		if !waited {
			waited = true
			if onWait != nil {
				onWait()
			}
			t = time.NewTimer(poll)
			defer t.Stop()
		} else {
			t.Reset(poll)
		}
		select {
		case <-ctx.Done():
			return waited, &WaitError{Path: l.Name(), Err: ctx.Err()}
		case <-t.C:
		}
	}
}

// WaitError is a wait for a lock that ctx ended while another holder kept
// it. It wraps ctx's error; its text holds none of Go's.
type WaitError struct {
	Path string // the lock file
	Err  error  // ctx.Err()
}

func (e *WaitError) Error() string {
	how := "timed out"
	if !errors.Is(e.Err, context.DeadlineExceeded) {
		how = "was canceled"
	}
	return "the wait for the lock " + e.Path + " " + how
}

func (e *WaitError) Unwrap() error { return e.Err }

// Unlock releases the lock; the file stays open.
func (l *File) Unlock() error { return unlock(l.f) }

// Close closes the lock file, which releases the lock if it is held.
func (l *File) Close() error { return l.f.Close() }

// Acquire opens the lock file path and takes its lock as Lock does (a wait
// that ctx ends is a *WaitError). The returned release function unlocks and
// closes it.
func Acquire(ctx context.Context, path string, poll time.Duration, onWait func()) (release func(), err error) {
	l, err := Open(path)
	if err != nil {
		return nil, err
	}
	if _, err := l.Lock(ctx, poll, onWait); err != nil {
		l.Close()
		return nil, err
	}
	return func() {
		l.Unlock()
		l.Close()
	}, nil
}

// OpenRegular opens path for reading without following a symlink, and fails
// with an error wrapping ErrNotRegular unless it is a regular file. A FIFO
// planted there does not block the open.
func OpenRegular(path string) (*os.File, error) { return openRegular(path) }
