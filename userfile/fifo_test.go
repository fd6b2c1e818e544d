//go:build unix

package userfile

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func mkfifo(t *testing.T, p string) {
	t.Helper()
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
}

// inflightFor returns the reads in flight for path.
func inflightFor(path string) []*read {
	mu.Lock()
	defer mu.Unlock()
	return append([]*read(nil), inflight[path]...)
}

// release opens the FIFO at p for writing, writes s and closes it, so that a
// read blocked on it ends; it waits until that read is done.
func release(t *testing.T, p, s string, r *read) {
	t.Helper()
	w, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteString(s); err != nil {
		t.Fatal(err)
	}
	w.Close()
	select {
	case <-r.done:
	case <-time.After(4 * time.Second):
		t.Fatal("the blocked read did not end after a writer came")
	}
}

func timedRead(p string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	return Read(ctx, p, 100)
}

// A FIFO that no one writes fails when ctx ends; a second Read joins the
// blocked one instead of starting another; a writer releases both.
func TestReadFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	mkfifo(t, p)
	for i := range 2 {
		if _, err := timedRead(p); !TimedOut(err) {
			t.Fatalf("read %d of a FIFO without writer: %v, want a timeout", i, err)
		}
	}
	rs := inflightFor(p)
	if len(rs) != 1 {
		t.Fatalf("%d reads in flight, want 1", len(rs))
	}
	release(t, p, "late", rs[0])
	if string(rs[0].b) != "late" || rs[0].err != nil {
		t.Errorf("the blocked read got %q, %v; want \"late\"", rs[0].b, rs[0].err)
	}
	if n := len(inflightFor(p)); n != 0 {
		t.Errorf("%d reads still in flight", n)
	}
}

// A path whose FIFO blocked a read, then was replaced by a regular file, is
// read afresh: the blocked read is of another file (under serve, one FIFO
// put in place of the token file once made every later refresh fail).
func TestReadReplacedFIFO(t *testing.T) {
	dir := t.TempDir()
	p, moved := filepath.Join(dir, "token"), filepath.Join(dir, "old-fifo")
	mkfifo(t, p)
	if _, err := timedRead(p); !TimedOut(err) {
		t.Fatalf("read of a FIFO without writer: %v, want a timeout", err)
	}
	stuck := inflightFor(p)
	if len(stuck) != 1 {
		t.Fatalf("%d reads in flight, want 1", len(stuck))
	}
	// The FIFO moves away (so that the test can release it), a file takes its place.
	if err := os.Rename(p, moved); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("fresh"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
	defer cancel()
	b, err := Read(ctx, p, 100)
	if err != nil || string(b) != "fresh" {
		t.Errorf("Read after the FIFO was replaced = %q, %v; want \"fresh\"", b, err)
	}
	release(t, moved, "", stuck[0])
}

// A FIFO whose writer wrote and keeps it open gives no end of file: that is
// said (a *NoEndError with the count), not taken for a FIFO no one writes,
// and what arrived is not used.
func TestReadNoEnd(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	mkfifo(t, p)
	wrote := make(chan *os.File, 1)
	go func() {
		w, err := os.OpenFile(p, os.O_WRONLY, 0) // until the read opens it
		if err == nil {
			_, err = w.WriteString("eyJ.part")
		}
		if err != nil {
			t.Error(err)
		}
		wrote <- w
	}()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		b, err := Read(ctx, p, 100)
		if b != nil {
			err = errors.New("got " + string(b))
		}
		done <- err
	}()
	w := <-wrote
	defer w.Close()
	for deadline := time.Now().Add(4 * time.Second); ; time.Sleep(time.Millisecond) {
		if rs := inflightFor(p); len(rs) == 1 && rs[0].got.Load() == 8 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the read never got the 8 bytes written")
		}
	}
	cancel()
	err := <-done
	var ne *NoEndError
	var pe *fs.PathError
	if !errors.As(err, &ne) || ne.N != 8 || !errors.As(err, &pe) || pe.Path != p || TimedOut(err) {
		t.Fatalf("Read of a FIFO left open after 8 bytes: %v, want a *NoEndError of 8 bytes (not TimedOut)", err)
	}
	if want := "it sent 8 bytes but no end of file in time (a FIFO whose writer keeps it open?)"; pe.Err.Error() != want {
		t.Errorf("the error says %q, want %q", pe.Err, want)
	}
}

// ReadRegular refuses a FIFO from its stat: it does not open it, so no
// read waits for a writer.
func TestReadRegularFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	mkfifo(t, p)
	_, err := ReadRegular(context.Background(), p, 100)
	var nr *NotRegularError
	if !errors.As(err, &nr) || nr.Mode != fs.ModeNamedPipe {
		t.Fatalf("ReadRegular of a FIFO = %v, want a *NotRegularError", err)
	}
	if rs := inflightFor(p); len(rs) != 0 {
		t.Fatalf("%d reads of the FIFO in flight", len(rs))
	}
}
