package filelock

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func open(t *testing.T, path string) *File {
	t.Helper()
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// Two open lock files of one path exclude each other, as two processes do
// (flock and LockFileEx lock per open file, not per process).
func TestLockExcludes(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.lock")
	a, b := open(t, p), open(t, p)
	if ok, err := a.TryLock(); !ok || err != nil {
		t.Fatalf("first TryLock = %v, %v", ok, err)
	}
	if ok, err := b.TryLock(); ok || err != nil {
		t.Fatalf("second TryLock = %v, %v; want false, nil", ok, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	waits := 0
	go func() { time.Sleep(5 * time.Millisecond); cancel() }()
	waited, err := b.Lock(ctx, time.Millisecond, func() { waits++ })
	var we *WaitError
	if !waited || !errors.Is(err, context.Canceled) || !errors.As(err, &we) || we.Path != b.Name() || waits != 1 {
		t.Fatalf("Lock while held = %v, %v (onWait %d times); want true, context.Canceled, 1", waited, err, waits)
	}
	if err := a.Unlock(); err != nil {
		t.Fatal(err)
	}
	waited, err = b.Lock(context.Background(), 0, nil)
	if waited || err != nil {
		t.Fatalf("Lock after Unlock = %v, %v", waited, err)
	}
}

// Closing the holder releases the lock, as the holder's death does.
func TestCloseReleases(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.lock")
	release, err := Acquire(context.Background(), p, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := open(t, p)
	if ok, _ := b.TryLock(); ok {
		t.Fatal("locked while Acquire holds it")
	}
	release()
	if ok, err := b.TryLock(); !ok || err != nil {
		t.Fatalf("TryLock after release = %v, %v", ok, err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Errorf("the lock file is gone: %v", err)
	}
}

// A symlink in the lock file's place is not followed, not even to create a
// missing target; nor is one in the place of a file OpenRegular reads.
func TestSymlinkRefused(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	link := filepath.Join(dir, "x.lock")
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot make symlinks: %v", err)
	}
	if _, err := Open(link); !errors.Is(err, ErrNotRegular) {
		t.Errorf("Open(dangling symlink) = %v, want ErrNotRegular", err)
	}
	if _, err := os.Lstat(target); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the symlink's target was created: %v", err)
	}
	os.WriteFile(target, []byte("x"), 0o600)
	if _, err := Open(link); !errors.Is(err, ErrNotRegular) {
		t.Errorf("Open(symlink) = %v, want ErrNotRegular", err)
	}
	if _, err := OpenRegular(link); !errors.Is(err, ErrNotRegular) {
		t.Errorf("OpenRegular(symlink) = %v, want ErrNotRegular", err)
	}
	if f, err := OpenRegular(target); err != nil {
		t.Errorf("OpenRegular(regular file) = %v", err)
	} else {
		f.Close()
	}
	if _, err := OpenRegular(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("OpenRegular(missing) = %v, want ErrNotExist", err)
	}
}
