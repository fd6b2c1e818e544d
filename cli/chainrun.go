package cli

import (
	"context"
	"errors"
	"time"

	"github.com/oidc-creds/oidc-creds/cache"
	"github.com/oidc-creds/oidc-creds/exchange"
)

// chainRun obtains the credentials of each step of one run: step 0 is the
// web-identity exchange, step i the sts:AssumeRole of hops[i-1], signed
// with step i-1's credentials. Through the cache, step i's entry is keyed
// on step i-1's key, and a miss of step i takes its lock before step
// i-1's: every process locks a chain's entries from the last to the first,
// so concurrent runs cannot deadlock, and each step is fetched once
// between them.
type chainRun struct {
	f        *ExchangeFlags
	o        *IO
	hops     []exchange.Hop // their SessionName is the previous step's
	prepare  func(context.Context) (exchange.Request, error)
	prepared exchange.Request // the first request once prepare read the token
	cache    *cache.Cache     // nil: no cache
	key0     cache.KeyParts   // step 0's key parts, when cached
	x        *exchange.Exchanger
	keys     []string
	fetched  map[int]bool // the steps that called STS in this run
}

// lastMargin is how long the final credentials must stay valid to be served
// from the cache: --refresh-window, at most half the duration.
func (ch *chainRun) lastMargin(first exchange.Request) time.Duration {
	d := first.Duration
	if len(ch.hops) > 0 {
		d = ch.hops[len(ch.hops)-1].Duration
	}
	return min(ch.f.RefreshWindow, d/2)
}

// signerMargin is how long a hop's signing credentials must stay valid to
// be used from the cache: the whole run (--timeout, retries included) plus
// a minute for clocks that differ. STS's answer is a new session whose
// expiration is its own, so nothing more is needed of them.
func (ch *chainRun) signerMargin() time.Duration {
	return min(ch.f.Timeout+time.Minute, 10*time.Minute)
}

// step returns step i's credentials, with their session name and identity,
// from the cache when they are valid for more than margin.
func (ch *chainRun) step(ctx context.Context, i int, margin time.Duration) (*cache.Entry, error) {
	if ch.cache == nil {
		return ch.call(ctx, i)
	}
	return ch.cache.GetOrFetch(ctx, ch.key(i), margin, func(ctx context.Context) (*cache.Entry, error) {
		return ch.call(ctx, i)
	})
}

// call asks STS for step i's credentials, and words a failure.
func (ch *chainRun) call(ctx context.Context, i int) (*cache.Entry, error) {
	if ch.x == nil {
		x, err := ch.f.exchanger(ctx, ch.o)
		if err != nil {
			return nil, err
		}
		ch.x = x
	}
	ch.fetched[i] = true
	if i == 0 {
		r, err := ch.prepare(ctx)
		if err != nil {
			return nil, err
		}
		c, err := ch.x.Exchange(ctx, r)
		if err != nil {
			return nil, explain(err)
		}
		return &cache.Entry{Role: r.RoleARN, Session: r.SessionName, Identity: ch.f.keyParts(r).Identity(), Credentials: c}, nil
	}
	signer, err := ch.step(ctx, i-1, ch.signerMargin())
	if err != nil {
		return nil, err
	}
	h := ch.hops[i-1]
	h.SessionName = signer.Session
	c, err := ch.x.AssumeRole(ctx, h, signer.Credentials)
	if staleSigner(err) && ch.cache != nil && !ch.fetched[i-1] {
		// Cached credentials that STS no longer takes (they expired
		// early or were revoked): fetch them again, once.
		ch.o.Logf("hop %d: STS did not take the cached credentials of %s; fetching them again", i, h.CallerRole)
		if signer, err = ch.step(ctx, i-1, forceFetch); err != nil {
			return nil, err
		}
		c, err = ch.x.AssumeRole(ctx, h, signer.Credentials)
	}
	if err != nil {
		return nil, explain(err)
	}
	return &cache.Entry{Role: h.RoleARN, Session: h.SessionName, Identity: signer.Identity + " via " + h.CallerRole, Credentials: c}, nil
}

// forceFetch is a margin no credentials meet: the cache fetches anew.
const forceFetch = 24 * time.Hour

// staleSigner reports whether STS refused a hop for its signing
// credentials: expired, or unknown to it.
func staleSigner(err error) bool {
	var ce *exchange.CallError
	return errors.As(err, &ce) && ce.Hop != nil && (ce.Code == "ExpiredToken" || ce.Code == "InvalidClientTokenId")
}

// key is step i's cache key: key0's for step 0; for a hop, the previous
// step's key with the hop's own inputs (its session name as given: one
// derived from the token is the same for the same step-0 key).
func (ch *chainRun) key(i int) string {
	for len(ch.keys) <= i {
		n := len(ch.keys)
		if n == 0 {
			ch.keys = append(ch.keys, ch.key0.Key())
			continue
		}
		h := ch.hops[n-1]
		ch.keys = append(ch.keys, cache.KeyParts{Parent: ch.keys[n-1], RoleARN: h.RoleARN, SessionName: h.SessionName,
			ExternalID: h.ExternalID, PolicyARNs: h.PolicyARNs, Policy: h.Policy, Duration: h.Duration}.Key())
	}
	return ch.keys[i]
}
