package userfile

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := os.WriteFile(p, []byte("12345"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := Read(context.Background(), p, 5)
	if err != nil || string(b) != "12345" {
		t.Fatalf("Read = %q, %v", b, err)
	}
	_, err = Read(context.Background(), p, 4)
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Limit != 4 || tl.Path != p {
		t.Fatalf("Read over the limit: %v (%T), want a *TooLargeError", err, err)
	}
	if _, err := Read(context.Background(), filepath.Join(dir, "missing"), 5); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Read of a missing file: %v, want fs.ErrNotExist", err)
	}
}

func TestPathCause(t *testing.T) {
	_, err := os.Open(filepath.Join(t.TempDir(), "missing"))
	if c := PathCause(err); !errors.Is(c, fs.ErrNotExist) || strings.Contains(c.Error(), "missing") {
		t.Errorf("PathCause(%v) = %v, want the cause without the path", err, c)
	}
	if other := errors.New("other"); PathCause(other) != other {
		t.Error("PathCause changed an error that is not an *fs.PathError")
	}
}
