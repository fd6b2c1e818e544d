package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/oidc-creds/oidc-creds/cache"
	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/exchange"
	"github.com/oidc-creds/oidc-creds/filelock"
	"github.com/oidc-creds/oidc-creds/token"
)

// credentials reads the token where the flags say and obtains credentials
// for it: see credentialsFrom.
func (f *ExchangeFlags) credentials(o *IO) (creds.Credentials, error) {
	e, err := f.session(o)
	if err != nil {
		return creds.Credentials{}, err
	}
	return e.Credentials, nil
}

// session is credentials with the role and the session name they were
// issued for (the last of the chain): the cache entry, or what STS issued.
func (f *ExchangeFlags) session(o *IO) (*cache.Entry, error) {
	src, err := f.source(o)
	if err != nil {
		return nil, err
	}
	return f.sessionFrom(o, src)
}

// credentialsFrom is sessionFrom's credentials.
func (f *ExchangeFlags) credentialsFrom(o *IO, src token.Source) (creds.Credentials, error) {
	e, err := f.sessionFrom(o, src)
	if err != nil {
		return creds.Credentials{}, err
	}
	return e.Credentials, nil
}

// sessionFrom validates the inputs, reads the token from src, then serves
// credentials from the cache or exchanges the token for them (and assumes
// the chain's roles in turn), all within --timeout. A source whose request
// inputs stay fixed for the job (token.Keyed) is looked up in the cache
// before any token is requested.
func (f *ExchangeFlags) sessionFrom(o *IO, src token.Source) (*cache.Entry, error) {
	ctx, cancel := context.WithTimeout(context.Background(), max(f.Timeout, 0))
	defer cancel()
	e, err := f.obtain(ctx, o, src)
	if err != nil {
		var ec interface{ ExitCode() int }
		var lw *filelock.WaitError
		if errors.As(err, &lw) {
			return nil, lockWaitError("another oidc-creds process (most likely still waiting for STS) held the cache lock "+lw.Path, "run again, stop that process if it is stuck, or pass --no-cache", lw)
		}
		if !errors.As(err, &ec) && ctx.Err() != nil {
			// Anything else that --timeout cut short: exit 5, not 1.
			err = &creds.Error{Kind: creds.KindUnreachable, Err: err,
				Msg: fmt.Sprintf("the run did not finish within %s (%s); raise it, or check what it waited for with -v", f.given.name("timeout"), f.Timeout)}
		}
		return nil, err
	}
	if err := issuedExpired(e.Credentials, ", before they could be used"); err != nil {
		return nil, err
	}
	return e, nil
}

// obtain plans the run (the web-identity exchange and the chain's hops),
// finds the key of its first step, and gets the last step's credentials.
func (f *ExchangeFlags) obtain(ctx context.Context, o *IO, src token.Source) (*cache.Entry, error) {
	base, in, err := f.baseInputs(ctx)
	if err != nil {
		return nil, err
	}
	src, tok, err := f.resolve(ctx, src)
	if err != nil {
		return nil, err
	}
	first, hops := in.plan(base)
	ch := &chainRun{f: f, o: o, hops: hops, fetched: map[int]bool{}}
	// prepare reads the token if it has not been, and completes the first
	// request with it; once.
	ch.prepare = func(ctx context.Context) (exchange.Request, error) {
		if ch.prepared.Token != nil {
			return ch.prepared, nil
		}
		if tok == nil {
			if tok, err = f.load(ctx, src); err != nil {
				return base, err
			}
		}
		r := base
		if err := f.withToken(o, &r, tok); err != nil {
			return r, err
		}
		ch.prepared, _ = in.plan(r)
		return ch.prepared, nil
	}
	keyed, isKeyed := src.(token.Keyed)
	if f.NoCache {
		o.Logf("cache off (--no-cache)")
	} else if ch.cache, err = (CacheDirFlag{f.CacheDir}).open(o); err != nil {
		o.Warnf("credential cache not used: %v", err)
		ch.cache = nil
	} else if isKeyed {
		o.Logf("cache: looked up by the inputs of the %s, before any request", originOf(src))
		ch.key0 = f.requestKeyParts(first, keyed.Key())
	} else {
		r, err := ch.prepare(ctx)
		if err != nil {
			return nil, err
		}
		ch.key0 = f.keyParts(r)
	}
	if ch.cache != nil {
		if ch.key0.Environment, err = environmentFingerprint(ctx); err != nil {
			return nil, explainConfig(err, f.given.name("timeout"))
		}
	}
	return ch.step(ctx, len(hops), ch.lastMargin(first))
}

// originOf names a source that has not been read yet.
func originOf(src token.Source) string {
	if s, ok := src.(interface{ Origin() string }); ok {
		return s.Origin()
	}
	return "token source"
}

// exchanger is the STS client the flags choose.
func (f *ExchangeFlags) exchanger(ctx context.Context, o *IO) (*exchange.Exchanger, error) {
	x, err := exchange.NewExchanger(ctx, exchange.ClientOptions{Region: f.Region, EndpointURL: f.EndpointURL, Logf: o.Logf})
	if err != nil {
		return nil, explainConfig(err, f.given.name("timeout"))
	}
	if err := f.checkResolved(x); err != nil {
		return nil, err
	}
	return x, nil
}

// issuedExpired fails, as STS's fault (exit 4), for credentials STS issued
// that are not valid now: the clock is most likely off. when is said after
// the time.
func issuedExpired(c creds.Credentials, when string) error {
	if err := c.Valid(timeNow(), 0); err != nil {
		return &creds.Error{Kind: creds.KindRefused, Err: err,
			Msg: fmt.Sprintf("STS issued credentials that expired at %s%s; check this machine's clock", c.Expiration.Format(time.RFC3339), when)}
	}
	return nil
}
