//go:build unix && !linux

package token

import (
	"syscall"
	"time"
)

// raise sends sig to the process and waits a moment for it: any thread
// may take a process-directed signal, so it need not have arrived when
// kill returns. When nothing in the program watches sig any more, the
// process dies of it before the caller goes on.
func raise(sig syscall.Signal) {
	_ = syscall.Kill(syscall.Getpid(), sig)
	time.Sleep(100 * time.Millisecond)
}
