package userfile

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// countStats makes osStat count its calls, for the test's duration.
func countStats(t *testing.T) *atomic.Int32 {
	var n atomic.Int32
	old := osStat
	osStat = func(p string) (fs.FileInfo, error) { n.Add(1); return old(p) }
	t.Cleanup(func() { osStat = old })
	return &n
}

// ReadRegular reads a regular file with one stat; a directory is refused,
// not read, and a missing file is fs.ErrNotExist.
func TestReadRegular(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config")
	if err := os.WriteFile(p, []byte("[default]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	stats := countStats(t)
	b, err := ReadRegular(context.Background(), p, 100)
	if err != nil || string(b) != "[default]\n" {
		t.Fatalf("ReadRegular = %q, %v", b, err)
	}
	if n := stats.Load(); n != 1 {
		t.Errorf("ReadRegular of a regular file made %d stats, want 1", n)
	}
	_, err = ReadRegular(context.Background(), dir, 100)
	var nr *NotRegularError
	var pe *fs.PathError
	if !errors.As(err, &nr) || nr.Mode != fs.ModeDir || !errors.As(err, &pe) || pe.Path != dir {
		t.Fatalf("ReadRegular of a directory = %v, want a *NotRegularError in an *fs.PathError", err)
	}
	if err.Error() != "read "+dir+": not a regular file" {
		t.Errorf("ReadRegular of a directory says %q", err)
	}
	if _, err := ReadRegular(context.Background(), filepath.Join(dir, "missing"), 100); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("ReadRegular of a missing file = %v, want fs.ErrNotExist", err)
	}
	if _, err := ReadRegular(context.Background(), p, 4); !errors.As(err, new(*TooLargeError)) {
		t.Fatalf("ReadRegular over the limit = %v, want a *TooLargeError", err)
	}
}

// A stat that hangs (a hung mount) holds ReadRegular and Stat only until
// ctx ends.
func TestStatHangs(t *testing.T) {
	entered, unblock := make(chan struct{}, 2), make(chan struct{})
	old := osStat
	osStat = func(p string) (fs.FileInfo, error) {
		entered <- struct{}{}
		<-unblock
		return old(p)
	}
	t.Cleanup(func() { close(unblock); osStat = old })
	p := filepath.Join(t.TempDir(), "hung")
	for name, call := range map[string]func(context.Context) error{
		"ReadRegular": func(ctx context.Context) error { _, err := ReadRegular(ctx, p, 100); return err },
		"Stat":        func(ctx context.Context) error { _, err := Stat(ctx, p); return err },
	} {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- call(ctx) }()
		if name == "ReadRegular" {
			<-entered // the second call joins the same stat
		}
		cancel()
		select {
		case err := <-done:
			if !TimedOut(err) {
				t.Errorf("%s with its stat hung = %v, want it ended with ctx", name, err)
			}
		case <-time.After(4 * time.Second):
			t.Fatalf("%s did not return when ctx ended", name)
		}
	}
}
