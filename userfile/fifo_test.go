//go:build unix

package userfile

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A FIFO that no one writes fails when ctx ends; a second Read joins the
// blocked one instead of starting another; a writer releases both.
func TestReadFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		_, err := Read(ctx, p, 100)
		cancel()
		if !TimedOut(err) {
			t.Fatalf("read %d of a FIFO without writer: %v, want a timeout", i, err)
		}
	}
	mu.Lock()
	n := len(inflight)
	var r *read
	for _, r = range inflight {
	}
	mu.Unlock()
	if n != 1 {
		t.Fatalf("%d reads in flight, want 1", n)
	}
	w, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteString("late"); err != nil {
		t.Fatal(err)
	}
	w.Close()
	select {
	case <-r.done:
	case <-time.After(4 * time.Second):
		t.Fatal("the blocked read did not end after a writer came")
	}
	if string(r.b) != "late" || r.err != nil {
		t.Errorf("the blocked read got %q, %v; want \"late\"", r.b, r.err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(inflight) != 0 {
		t.Errorf("%d reads still in flight", len(inflight))
	}
}
