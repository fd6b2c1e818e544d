//go:build unix

package testkit

import (
	"os"
	"syscall"
	"testing"
)

// FIFO makes a named pipe at path that no one writes, so that reading it
// blocks, and at the end of the test releases any read still blocked on it
// (a writer comes and goes) so that no goroutine outlives the test.
func FIFO(t testing.TB, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ReleaseFIFO(path) })
}

// ReleaseFIFO ends the reads blocked on the FIFO at path: a writer opens it
// and closes it at once.
func ReleaseFIFO(path string) {
	if w, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		w.Close()
	}
}
