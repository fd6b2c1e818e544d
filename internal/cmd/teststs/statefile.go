package main

import "github.com/oidc-creds/oidc-creds/atomicfile"

// writeFileAtomic writes data to a temporary file beside path and renames it
// into place (atomicfile, the program's one atomic writer), so a reader sees
// either nothing or the whole content.
func writeFileAtomic(path string, data []byte) error {
	return atomicfile.Write(path, data, 0o600)
}
