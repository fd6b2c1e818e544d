//go:build unix

package cache

import (
	"io/fs"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// The advice for a directory we cannot write fits the cause: chmod mends a
// mode, never a read-only file system or a refusal the mode does not explain.
func TestWritableProblem(t *testing.T) {
	for _, tc := range []struct {
		name   string
		perm   uint32
		access error
		want   string // "" = usable
		chmod  bool
		kind   DirProblem
	}{
		{"usable", 0o700, nil, "", false, 0},
		{"read-only file system", 0o700, unix.EROFS, "is on a read-only file system", false, DirReadOnlyFS},
		{"read-only file system, open mode", 0o777, unix.EROFS, "is on a read-only file system", false, DirReadOnlyFS},
		{"mode without write", 0o500, unix.EACCES, "is not writable (mode 0500); run: chmod 700 /c", true, DirNoWriteMode},
		{"mode allows, refused anyway", 0o700, unix.EACCES, "though its mode 0700 allows it", false, DirWriteRefused},
		{"group-writable", 0o770, nil, "group- or world-writable (mode 0770)", true, DirOpenMode},
		{"only reading, open mode", 0o777, nil, "group- or world-writable (mode 0777)", true, DirOpenMode},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := writableProblem("/c", fs.FileMode(tc.perm), tc.access)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("writableProblem: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("writableProblem = %v, want %q", err, tc.want)
			}
			if de, ok := err.(*DirError); !ok || de.Problem != tc.kind || de.Dir != "/c" {
				t.Errorf("writableProblem = %#v, want a *DirError of problem %d", err, tc.kind)
			}
			if got := strings.Contains(err.Error(), "chmod"); got != tc.chmod {
				t.Errorf("%q: advises chmod %v, want %v", err, got, tc.chmod)
			}
		})
	}
}
