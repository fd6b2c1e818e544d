package cache

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// Opened only to read (cache list), a missing directory is an empty cache
// and is not created; a file is no directory either way, said as a
// *DirError whose problem the CLI words.
func TestOpenReadOnly(t *testing.T) {
	base := t.TempDir()
	missing := filepath.Join(base, "missing", "oidc-creds")
	c, err := Open(Options{Dir: missing, ReadOnly: true})
	if err != nil {
		t.Fatalf("Open(ReadOnly) of a missing directory: %v", err)
	}
	if ls, err := c.List(); err != nil || len(ls) != 0 {
		t.Errorf("List of a missing directory = %v, %v; want nothing", ls, err)
	}
	if _, err := os.Lstat(filepath.Dir(missing)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open(ReadOnly) created something: %v", err)
	}
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, ro := range []bool{true, false} {
		_, err := Open(Options{Dir: file, ReadOnly: ro})
		var de *DirError
		if !errors.As(err, &de) || de.Problem != DirNotDir || de.Dir != file {
			t.Errorf("Open(ReadOnly %v) of a file = %v, want a *DirError DirNotDir", ro, err)
		}
	}
	// Under a file: ENOTDIR (unix) or not found and not creatable (windows).
	_, err = Open(Options{Dir: filepath.Join(file, "c")})
	var de *DirError
	if !errors.As(err, &de) || de.Problem != DirCannotCheck && de.Problem != DirCannotCreate {
		t.Errorf("Open under a file = %v, want a *DirError DirCannotCheck or DirCannotCreate", err)
	}
}
