//go:build unix

package cache

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// checkOwnerAndMode fails unless dir belongs to the effective user, is not
// group- or world-writable (anyone who can write there can plant credentials),
// and can be written by us.
func checkOwnerAndMode(dir string, fi fs.FileInfo) error {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		if uid := os.Geteuid(); int(st.Uid) != uid {
			return fmt.Errorf("cache directory %s belongs to uid %d, not to you (uid %d); remove it (it is recreated) or choose another directory", dir, st.Uid, uid)
		}
	}
	return writableProblem(dir, fi.Mode().Perm(), unix.Access(dir, unix.W_OK|unix.X_OK))
}

// writableProblem says what keeps a directory of ours with mode perm from
// being a cache directory, given what access(2) answered for writing in it;
// the remedy fits the cause: chmod mends a mode, not a read-only mount or a
// refusal the mode does not explain (an ACL, a security module).
func writableProblem(dir string, perm fs.FileMode, access error) error {
	switch {
	case errors.Is(access, unix.EROFS):
		return fmt.Errorf("cache directory %s is on a read-only file system; choose a directory on a writable one", dir)
	case perm&0o022 != 0:
		return fmt.Errorf("cache directory %s is group- or world-writable (mode %#o), so others could plant credentials in it; run: chmod 700 %s", dir, perm, dir)
	case access == nil:
		return nil
	case perm&0o300 != 0o300:
		return fmt.Errorf("cache directory %s is not writable (mode %#o); run: chmod 700 %s, or choose another directory", dir, perm, dir)
	}
	return fmt.Errorf("cache directory %s is not writable (%v), though its mode %#o allows it (an ACL, a mount option or a security module refuses); choose another directory", dir, access, perm)
}
