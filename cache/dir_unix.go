//go:build unix

package cache

import (
	"errors"
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// checkOwnerAndMode fails unless dir belongs to the effective user, is not
// group- or world-writable (anyone who can write there can plant credentials),
// and, unless readOnly, can be written by us.
func checkOwnerAndMode(dir string, fi fs.FileInfo, readOnly bool) error {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		if uid := os.Geteuid(); int(st.Uid) != uid {
			return &DirError{Dir: dir, Problem: DirOtherOwner, Owner: int(st.Uid)}
		}
	}
	if readOnly {
		return writableProblem(dir, fi.Mode().Perm(), nil)
	}
	return writableProblem(dir, fi.Mode().Perm(), unix.Access(dir, unix.W_OK|unix.X_OK))
}

// writableProblem says what keeps a directory of ours with mode perm from
// being a cache directory, given what access(2) answered for writing in it
// (nil when the caller only reads): a read-only mount, a mode open to
// others, a mode that denies us, or a refusal the mode does not explain (an
// ACL, a security module).
func writableProblem(dir string, perm fs.FileMode, access error) error {
	switch {
	case errors.Is(access, unix.EROFS):
		return &DirError{Dir: dir, Problem: DirReadOnlyFS, Err: access}
	case perm&0o022 != 0:
		return &DirError{Dir: dir, Problem: DirOpenMode, Perm: perm}
	case access == nil:
		return nil
	case perm&0o300 != 0o300:
		return &DirError{Dir: dir, Problem: DirNoWriteMode, Perm: perm, Err: access}
	}
	return &DirError{Dir: dir, Problem: DirWriteRefused, Perm: perm, Err: access}
}
