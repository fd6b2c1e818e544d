package cache

import (
	"context"
	"errors"
)

// LockWaitError is a wait for a key's lock that ctx ended while another
// process held it (most likely fetching the same credentials, or stuck
// doing so). It wraps ctx's error; its text holds none of Go's.
type LockWaitError struct {
	Path string // the lock file
	Err  error  // ctx.Err()
}

func (e *LockWaitError) Error() string {
	how := "timed out"
	if !errors.Is(e.Err, context.DeadlineExceeded) {
		how = "was canceled"
	}
	return "another oidc-creds process holds the cache lock " + e.Path + " and the wait for it " + how
}

func (e *LockWaitError) Unwrap() error { return e.Err }
