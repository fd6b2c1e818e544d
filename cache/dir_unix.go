//go:build unix

package cache

import (
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
	if perm := fi.Mode().Perm(); perm&0o022 != 0 {
		return fmt.Errorf("cache directory %s is group- or world-writable (mode %#o), so others could plant credentials in it; run: chmod 700 %s", dir, perm, dir)
	}
	if err := unix.Access(dir, unix.W_OK|unix.X_OK); err != nil {
		return fmt.Errorf("cache directory %s is not writable (%w); run: chmod 700 %s, or choose another directory", dir, err, dir)
	}
	return nil
}
