//go:build unix

package cli

import "syscall"

// openNonBlocking keeps opening a FIFO from blocking until a reader comes:
// openGitHubEnv refuses anything that is not a regular file, on which the
// flag has no effect.
const openNonBlocking = syscall.O_NONBLOCK
