// Package atomicfile replaces a file's content all at once, the way cmd/go's
// renameio does: a reader sees the old content or the new, never a mix, and
// a crash leaves at worst a temporary file beside it.
package atomicfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// TempMarker is in the name of every temporary file Write creates,
// ".NAME.tmp-RANDOM" beside NAME, so that a directory listing can skip
// them and a clean-up can find them.
const TempMarker = ".tmp-"

// IsTemp reports whether name (a base name) is that of a temporary file
// Write creates for target, or for any target when target is "".
func IsTemp(name, target string) bool {
	if target != "" {
		return strings.HasPrefix(name, "."+target+TempMarker)
	}
	return strings.HasPrefix(name, ".") && strings.Contains(name, TempMarker)
}

// Write replaces path with data. It creates a temporary file in path's
// directory (O_EXCL, so never through a planted symlink), sets its mode to
// perm whatever the umask, writes, fsyncs and closes it, and renames it over
// path; on Windows the rename is retried briefly while another process
// holds the old file open. A symlink at path itself is replaced, not
// followed. The directory is not fsynced. On failure the temporary file is
// removed and path is unchanged.
func Write(path string, data []byte, perm fs.FileMode) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+TempMarker+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close() // a second Close after a failed first one is harmless
			os.Remove(tmp)
		}
	}()
	if err = f.Chmod(perm); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return rename(tmp, path)
}
