package cache

import (
	"path/filepath"
	"strings"

	"github.com/oidc-creds/oidc-creds/atomicfile"
)

// tempMarker is in the name of every temporary file, ".KEY.json.tmp-RANDOM"
// (atomicfile's naming). The leading dot and the suffix keep it out of List.
const tempMarker = ".json" + atomicfile.TempMarker

func isTempName(name string) bool {
	return atomicfile.IsTemp(name, "") && strings.Contains(name, tempMarker)
}

// writeFileAtomic is the write used by GetOrFetch: atomicfile.Write, 0600
// whatever the umask. Tests replace it to simulate a full disk. After a
// crash the cache may hold the previous entry or none, and both are fine
// for a cache.
var writeFileAtomic = func(dir, name string, data []byte) error {
	return atomicfile.Write(filepath.Join(dir, name), data, 0o600)
}
