//go:build !unix

package cache

import "io/fs"

// checkOwnerAndMode does nothing here: Windows ACLs are not unix modes, and
// the default cache directory (%LocalAppData%) is private to the user.
func checkOwnerAndMode(dir string, fi fs.FileInfo, readOnly bool) error { return nil }
