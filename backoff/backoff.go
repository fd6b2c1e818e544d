// Package backoff is the wait between the attempts of a call that failed
// in a way a retry may mend (STS throttling, a CI platform's 5xx): half of
// Base, plus full jitter over a ceiling that doubles from Base with each
// attempt, up to Cap; slept within a context, never past its deadline.
package backoff

import (
	"context"
	"math/rand/v2"
	"time"
)

// Backoff is the wait between attempts. A zero Base is Default.
type Backoff struct {
	Base, Cap time.Duration
}

// Default is the Backoff of a caller whose Backoff is zero (the STS calls,
// the CI platforms' token requests). Tests of the whole program shorten
// it, so that they do not sleep through real back-off.
var Default = Backoff{Base: 200 * time.Millisecond, Cap: 5 * time.Second}

// Wait is the wait before attempt+1 (attempts count from 1): in
// [Base/2, Base/2 + min(Base<<(attempt-1), Cap)).
func (b Backoff) Wait(attempt int) time.Duration {
	if b.Base <= 0 {
		b = Default
	}
	ceiling := b.Base << (max(attempt, 1) - 1)
	if ceiling > b.Cap || ceiling <= 0 {
		ceiling = b.Cap
	}
	return b.Base/2 + rand.N(max(ceiling, 1))
}

// Fits reports whether a wait of d ends before ctx's deadline (always,
// when ctx has none).
func Fits(ctx context.Context, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	return !ok || time.Until(dl) > d
}

// Sleep waits d, or less: it returns ctx.Err() when ctx ends first, and
// context.DeadlineExceeded at once, without waiting, when the wait would
// not end before ctx's deadline (see Fits). Its timer is stopped when it
// returns.
func Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !Fits(ctx, d) {
		return context.DeadlineExceeded
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
