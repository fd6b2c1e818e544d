// Package credserver keeps temporary AWS credentials fresh and serves them
// on loopback over the container credentials protocol that the AWS SDKs and
// the AWS CLI read natively (AWS_CONTAINER_CREDENTIALS_FULL_URI with
// AWS_CONTAINER_AUTHORIZATION_TOKEN), so that a job that outlives one role
// session keeps working.
//
// A Refresher holds the current credentials and obtains new ones, one
// exchange at a time, before they lapse; a Handler answers the SDKs'
// requests from it; Server ties both to a loopback listener.
package credserver

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/oidc-creds/oidc-creds/creds"
)

// Fetch obtains credentials: in oidc-creds, it reads the token afresh and
// goes through the cache to STS. Its errors are shown to people and must
// hold no secret.
type Fetch func(ctx context.Context) (creds.Credentials, error)

// Defaults for Options.
const (
	DefaultRefreshWindow = 15 * time.Minute
	DefaultRetryDelay    = 5 * time.Second
	DefaultMaxRetryDelay = time.Minute
)

// Options configure a Refresher.
type Options struct {
	// Fetch obtains credentials; required.
	Fetch Fetch
	// RefreshWindow: exchange again when less than this is left of the
	// credentials, capped at half of the time they were valid for when
	// obtained (so short-lived credentials are not exchanged on every
	// request). Zero exchanges again only once they have expired;
	// DefaultRefreshWindow suits the SDKs, which themselves ask again 5
	// (aws-sdk-go-v2) to 15 (botocore) minutes before expiry.
	RefreshWindow time.Duration
	// RetryDelay is the wait after a failed exchange before the next
	// attempt; it doubles with each failure in a row, up to MaxRetryDelay.
	// Defaults DefaultRetryDelay and DefaultMaxRetryDelay.
	RetryDelay, MaxRetryDelay time.Duration
	// Logf prints diagnostics (-v); Warnf prints failed refreshes. Either
	// may be nil. They never receive a secret.
	Logf, Warnf func(format string, args ...any)
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Refresher holds the current credentials and refreshes them. Its methods
// are safe for concurrent use; at most one Fetch runs at a time.
type Refresher struct {
	opts Options

	mu       sync.Mutex
	cur      creds.Credentials
	have     bool
	dueAt    time.Time     // when cur should be replaced
	inflight chan struct{} // closed when the running Fetch ends; nil when none runs
	lastErr  error         // of the last Fetch, nil if it succeeded
	failures int           // failed Fetches in a row
	retryAt  time.Time     // after a failure: no new attempt before this
	wake     chan struct{} // nudges Run when the state changes
	fetches  int
}

// NewRefresher returns a Refresher that holds no credentials yet: call
// Prime, or let Get or Run fetch them.
func NewRefresher(opts Options) *Refresher {
	opts.RefreshWindow = max(opts.RefreshWindow, 0)
	if opts.RetryDelay <= 0 {
		opts.RetryDelay = DefaultRetryDelay
	}
	if opts.MaxRetryDelay < opts.RetryDelay {
		opts.MaxRetryDelay = max(DefaultMaxRetryDelay, opts.RetryDelay)
	}
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	if opts.Warnf == nil {
		opts.Warnf = func(string, ...any) {}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Refresher{opts: opts, wake: make(chan struct{}, 1)}
}

// ErrUnavailable is wrapped by Get's errors when there are no valid
// credentials to serve.
var ErrUnavailable = errors.New("no valid credentials")

// Prime fetches the first credentials and returns Fetch's error as is, so
// that a command can fail with it before serving anything.
func (r *Refresher) Prime(ctx context.Context) error {
	r.mu.Lock()
	ch := r.startLocked()
	r.mu.Unlock()
	select {
	case <-ch:
	case <-ctx.Done():
		return ctx.Err()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lastErr
}

// Get returns credentials that are valid now. When they are due for
// refresh it starts one exchange (joining any running one) but serves the
// current credentials while they are still valid; it waits only when there
// are none. After a failure it does not try again before the retry delay
// has passed. The error wraps ErrUnavailable and says why.
func (r *Refresher) Get(ctx context.Context) (creds.Credentials, error) {
	r.mu.Lock()
	now := r.opts.Now()
	if r.have && now.Before(r.dueAt) {
		c := r.cur
		r.mu.Unlock()
		return c, nil
	}
	var ch chan struct{}
	if r.inflight != nil || !now.Before(r.retryAt) {
		ch = r.startLocked()
	}
	if r.validLocked(now) {
		c := r.cur
		r.mu.Unlock()
		return c, nil
	}
	if ch == nil {
		err := r.unavailableLocked(now)
		r.mu.Unlock()
		return creds.Credentials{}, err
	}
	r.mu.Unlock()
	select {
	case <-ch:
	case <-ctx.Done():
		return creds.Credentials{}, fmt.Errorf("%w: gave up waiting for the exchange: %v", ErrUnavailable, ctx.Err())
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	now = r.opts.Now()
	if r.validLocked(now) {
		return r.cur, nil
	}
	return creds.Credentials{}, r.unavailableLocked(now)
}

// Run refreshes the credentials in the background, before they are due,
// until ctx is done; after failures it retries with backoff.
func (r *Refresher) Run(ctx context.Context) {
	for {
		r.mu.Lock()
		now := r.opts.Now()
		var next time.Time
		switch {
		case r.inflight != nil:
			next = time.Time{} // wait for it below
		case !r.have || !now.Before(r.dueAt):
			next = r.retryAt // zero when the last attempt succeeded
		default:
			next = r.dueAt
		}
		ch := r.inflight
		if ch == nil && !now.Before(next) {
			ch = r.startLocked()
		}
		r.mu.Unlock()
		if ch != nil {
			select {
			case <-ch:
				continue
			case <-ctx.Done():
				return
			}
		}
		t := time.NewTimer(next.Sub(now))
		select {
		case <-t.C:
		case <-r.wake:
			t.Stop()
		case <-ctx.Done():
			t.Stop()
			return
		}
	}
}

func (r *Refresher) validLocked(now time.Time) bool {
	return r.have && r.cur.Valid(now, 0) == nil
}

func (r *Refresher) unavailableLocked(now time.Time) error {
	var why string
	switch {
	case r.have:
		why = fmt.Sprintf("the credentials expired at %s", r.cur.Expiration.UTC().Format(time.RFC3339))
	default:
		why = "none obtained yet"
	}
	if r.lastErr != nil {
		why += "; the last exchange failed: " + firstLine(r.lastErr.Error())
	}
	if !r.retryAt.IsZero() && now.Before(r.retryAt) {
		why += fmt.Sprintf("; next attempt at %s", r.retryAt.UTC().Format(time.RFC3339))
	}
	return fmt.Errorf("%w: %s", ErrUnavailable, why)
}
