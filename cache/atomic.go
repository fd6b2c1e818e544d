package cache

import (
	"os"
	"path/filepath"
	"strings"
)

// tempMarker is in the name of every temporary file, ".KEY.json.tmp-RANDOM".
// The leading dot and the suffix keep it out of List.
const tempMarker = ".json.tmp-"

func isTempName(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, tempMarker)
}

// writeFileAtomic is the write used by GetOrFetch; tests replace it to
// simulate a full disk.
var writeFileAtomic = writeAtomic

// writeAtomic replaces dir/name with data the way cmd/go's renameio does: it
// writes a new temporary file in dir (O_EXCL, so never through a planted
// symlink), sets it to 0600 whatever the umask, fsyncs and closes it, and
// renames it over dir/name. A reader sees the old file or the new one, never
// a mix. A rename replaces a symlink at dir/name itself, not its target.
//
// The directory is not fsynced: after a crash the cache may hold the previous
// entry or none, and both are fine for a cache.
func writeAtomic(dir, name string, data []byte) (err error) {
	f, err := os.CreateTemp(dir, "."+strings.TrimSuffix(name, ".json")+tempMarker+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				f.Close()
			}
			os.Remove(tmp)
		}
	}()
	if err = f.Chmod(0o600); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	closed = true
	if err = f.Close(); err != nil {
		return err
	}
	return rename(tmp, filepath.Join(dir, name))
}
