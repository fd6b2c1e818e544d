//go:build windows

package atomicfile

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// rename retries briefly when Windows refuses to replace a file that another
// process has open without FILE_SHARE_DELETE (an antivirus scanner, say), as
// cmd/go's robustio does. Our own readers share delete access.
func rename(from, to string) error {
	var err error
	for delay := time.Millisecond; ; delay *= 2 {
		err = os.Rename(from, to)
		if err == nil || delay > 256*time.Millisecond ||
			!(errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_SHARING_VIOLATION)) {
			return err
		}
		time.Sleep(delay)
	}
}
