package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/oidc-creds/oidc-creds/cache"
	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/exchange"
	"github.com/oidc-creds/oidc-creds/token"
)

// credentials reads the token where the flags say and obtains credentials
// for it: see credentialsFrom.
func (f *ExchangeFlags) credentials(o *IO) (creds.Credentials, error) {
	src, err := f.source(o)
	if err != nil {
		return creds.Credentials{}, err
	}
	return f.credentialsFrom(o, src)
}

// credentialsFrom validates the inputs, reads the token from src, then
// serves credentials from the cache or exchanges the token for them, all
// within --timeout. A source whose request inputs stay fixed for the job
// (token.Keyed) is looked up in the cache before any token is requested.
func (f *ExchangeFlags) credentialsFrom(o *IO, src token.Source) (creds.Credentials, error) {
	ctx, cancel := context.WithTimeout(context.Background(), max(f.Timeout, 0))
	defer cancel()
	c, err := f.obtain(ctx, o, src)
	if err != nil {
		return creds.Credentials{}, err
	}
	if err := c.Valid(timeNow(), 0); err != nil {
		return creds.Credentials{}, &creds.Error{Kind: creds.KindRefused, Err: err,
			Msg: fmt.Sprintf("STS issued credentials that expired at %s, before they could be used; check this machine's clock", c.Expiration.Format(time.RFC3339))}
	}
	return c, nil
}

func (f *ExchangeFlags) obtain(ctx context.Context, o *IO, src token.Source) (creds.Credentials, error) {
	r, err := f.baseRequest(ctx)
	if err != nil {
		return creds.Credentials{}, err
	}
	src, tok, err := f.resolve(ctx, src)
	if err != nil {
		return creds.Credentials{}, err
	}
	// prepare reads the token if it has not been, and completes r; once.
	prepared := false
	prepare := func(ctx context.Context) (exchange.Request, error) {
		if prepared {
			return r, nil
		}
		if tok == nil {
			if tok, err = f.load(ctx, src); err != nil {
				return r, err
			}
		}
		if err := f.withToken(o, &r, tok); err != nil {
			return r, err
		}
		prepared = true
		return r, nil
	}
	keyed, isKeyed := src.(token.Keyed)
	switch {
	case f.NoCache:
		o.Logf("cache off (--no-cache)")
	case isKeyed:
		o.Logf("cache: looked up by the inputs of the %s, before any request", originOf(src))
		return f.cached(ctx, o, f.requestKeyParts(r, keyed.Key()), prepare)
	default:
		if r, err = prepare(ctx); err != nil {
			return creds.Credentials{}, err
		}
		return f.cached(ctx, o, f.keyParts(r), prepare)
	}
	if r, err = prepare(ctx); err != nil {
		return creds.Credentials{}, err
	}
	return f.callSTS(ctx, o, r)
}

// originOf names a source that has not been read yet.
func originOf(src token.Source) string {
	if s, ok := src.(interface{ Origin() string }); ok {
		return s.Origin()
	}
	return "token source"
}

// callSTS exchanges the token with STS, and words a failure.
func (f *ExchangeFlags) callSTS(ctx context.Context, o *IO, r exchange.Request) (creds.Credentials, error) {
	x, err := f.exchanger(ctx, o)
	if err != nil {
		return creds.Credentials{}, err
	}
	c, err := x.Exchange(ctx, r)
	return c, explain(err)
}

// exchanger is the STS client the flags choose.
func (f *ExchangeFlags) exchanger(ctx context.Context, o *IO) (*exchange.Exchanger, error) {
	return exchange.NewExchanger(ctx, exchange.ClientOptions{Region: f.Region, EndpointURL: f.EndpointURL, Logf: o.Logf})
}

// cached serves the entry of kp, or takes its lock and fills it: prepare
// completes the request (reading the token when kp was made before it),
// then STS is called.
func (f *ExchangeFlags) cached(ctx context.Context, o *IO, kp cache.KeyParts, prepare func(context.Context) (exchange.Request, error)) (creds.Credentials, error) {
	fetch := func(ctx context.Context) (exchange.Request, creds.Credentials, error) {
		r, err := prepare(ctx)
		if err != nil {
			return r, creds.Credentials{}, err
		}
		c, err := f.callSTS(ctx, o, r)
		return r, c, err
	}
	c, err := CacheDirFlag{f.CacheDir}.open(o)
	if err != nil {
		o.Warnf("credential cache not used: %v", err)
		_, cr, err := fetch(ctx)
		return cr, err
	}
	minValid := min(f.RefreshWindow, kp.Duration/2)
	e, err := c.GetOrFetch(ctx, kp.Key(), minValid, func(ctx context.Context) (*cache.Entry, error) {
		r, creds, err := fetch(ctx)
		if err != nil {
			return nil, err
		}
		return &cache.Entry{
			Role:        r.RoleARN,
			Session:     r.SessionName,
			Identity:    f.keyParts(r).Identity(),
			Credentials: creds,
		}, nil
	})
	if err != nil {
		var ec interface{ ExitCode() int }
		if !errors.As(err, &ec) && ctx.Err() != nil {
			// --timeout ran out waiting for the lock of another process,
			// which is most likely stuck talking to STS: exit 5, not 1.
			err = &creds.Error{Kind: creds.KindUnreachable, Msg: err.Error(), Err: err}
		}
		return creds.Credentials{}, err
	}
	return e.Credentials, nil
}
