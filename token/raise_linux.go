package token

import (
	"runtime"
	"syscall"
)

// raise sends sig to the calling thread, which handles it before tgkill
// returns: when nothing in the program watches sig any more, the process
// dies of it here, before the caller can go on (and, say, exit with a
// status of its own).
func raise(sig syscall.Signal) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	_ = syscall.Tgkill(syscall.Getpid(), syscall.Gettid(), sig)
}
