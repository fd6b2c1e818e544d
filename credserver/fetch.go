package credserver

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/oidc-creds/oidc-creds/creds"
)

// startLocked starts a Fetch unless one runs, and returns the channel
// closed when it ends.
func (r *Refresher) startLocked() chan struct{} {
	if r.inflight != nil {
		return r.inflight
	}
	ch := make(chan struct{})
	r.inflight = ch
	r.fetches++
	go r.fetch(ch)
	return ch
}

func (r *Refresher) fetch(done chan struct{}) {
	c, err := r.opts.Fetch(context.Background())
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.opts.Now()
	if err == nil {
		err = check(c, now)
	}
	if err == nil {
		lifetime := c.Expiration.Sub(now)
		window := min(r.opts.RefreshWindow, lifetime/2)
		r.cur, r.have = c, true
		r.dueAt = c.Expiration.Add(-window)
		r.lastErr, r.failures, r.retryAt = nil, 0, time.Time{}
		r.opts.Logf("credentials endpoint: new credentials, expiring at %s; next exchange at %s",
			c.Expiration.UTC().Format(time.RFC3339), r.dueAt.UTC().Format(time.RFC3339))
	} else {
		r.lastErr = err
		r.failures++
		delay := r.opts.RetryDelay << min(r.failures-1, 20)
		if delay <= 0 || delay > r.opts.MaxRetryDelay {
			delay = r.opts.MaxRetryDelay
		}
		r.retryAt = now.Add(delay)
		if r.have {
			state := "they expired at"
			if r.validLocked(now) {
				state = "serving the current ones, valid until"
			}
			r.opts.Warnf("could not refresh the credentials (%s %s; next attempt in %s): %s",
				state, r.cur.Expiration.UTC().Format(time.RFC3339), delay, indent(err.Error()))
		} else {
			r.opts.Logf("credentials endpoint: exchange failed (next attempt in %s): %s", delay, indent(err.Error()))
		}
	}
	r.inflight = nil
	close(done)
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// check refuses credentials that could not be served.
func check(c creds.Credentials, now time.Time) error {
	if err := c.Valid(now, 0); err != nil {
		return fmt.Errorf("the exchange returned unusable credentials: %w; check this machine's clock if they expired", err)
	}
	if !utf8.ValidString(c.AccessKeyID + c.SecretAccessKey + c.SessionToken + c.AccountID) {
		return errors.New("the exchange returned credentials that are not valid UTF-8, which JSON cannot carry")
	}
	return nil
}

func firstLine(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}

func indent(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		out = append(out, s[i])
		if s[i] == '\n' {
			out = append(out, ' ', ' ')
		}
	}
	return string(out)
}
