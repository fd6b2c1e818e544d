//go:build windows

package filelock

import (
	"os"

	"golang.org/x/sys/windows"
)

// openRegular opens path for reading without following a symlink and fails
// unless it is a regular file. It checks with Lstat first, then opens the
// reparse point itself (FILE_FLAG_OPEN_REPARSE_POINT) and checks the opened
// handle, so a link swapped in between is still caught. FILE_SHARE_DELETE lets
// a writer rename a new entry over the file while we read it.
func openRegular(path string) (*os.File, error) {
	return openNoFollow(path, "open", windows.GENERIC_READ, windows.OPEN_EXISTING)
}

// openLockFile opens or creates the lock file path without following a
// symlink and fails unless it is a regular file.
func openLockFile(path string) (*os.File, error) {
	return openNoFollow(path, "open lock", windows.GENERIC_READ|windows.GENERIC_WRITE, windows.OPEN_ALWAYS)
}

func openNoFollow(path, op string, access, disposition uint32) (*os.File, error) {
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, notRegular(op, path)
	}
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, &os.PathError{Op: op, Path: path, Err: err}
	}
	h, err := windows.CreateFile(p, access,
		windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
		nil, disposition,
		windows.FILE_ATTRIBUTE_NORMAL|windows.FILE_FLAG_OPEN_REPARSE_POINT, 0)
	if err != nil {
		return nil, classifyOpenError(op, path, &os.PathError{Op: op, Path: path, Err: err})
	}
	return checkRegular(os.NewFile(uintptr(h), path), op)
}
