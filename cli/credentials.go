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
// within --timeout.
func (f *ExchangeFlags) credentialsFrom(o *IO, src token.Source) (creds.Credentials, error) {
	ctx, cancel := context.WithTimeout(context.Background(), max(f.Timeout, 0))
	defer cancel()
	r, err := f.request(ctx, o, src)
	if err != nil {
		return creds.Credentials{}, err
	}
	var c creds.Credentials
	if f.NoCache {
		o.Logf("cache off (--no-cache)")
		c, err = f.callSTS(ctx, o, r)
	} else {
		c, err = f.cached(ctx, o, r)
	}
	if err != nil {
		return creds.Credentials{}, err
	}
	if err := c.Valid(timeNow(), 0); err != nil {
		return creds.Credentials{}, &creds.Error{Kind: creds.KindRefused, Err: err,
			Msg: fmt.Sprintf("STS issued credentials that expired at %s, before they could be used; check this machine's clock", c.Expiration.Format(time.RFC3339))}
	}
	return c, nil
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

func (f *ExchangeFlags) cached(ctx context.Context, o *IO, r exchange.Request) (creds.Credentials, error) {
	c, err := CacheDirFlag{f.CacheDir}.open(o)
	if err != nil {
		o.Warnf("credential cache not used: %v", err)
		return f.callSTS(ctx, o, r)
	}
	kp := f.keyParts(r)
	minValid := min(f.RefreshWindow, r.Duration/2)
	e, err := c.GetOrFetch(ctx, kp.Key(), minValid, func(ctx context.Context) (*cache.Entry, error) {
		creds, err := f.callSTS(ctx, o, r)
		if err != nil {
			return nil, err
		}
		return &cache.Entry{
			Role:        r.RoleARN,
			Session:     r.SessionName,
			Identity:    kp.Identity(),
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
