package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/oidc-creds/oidc-creds/cache"
	"github.com/oidc-creds/oidc-creds/exchange"
)

// credentials validates the inputs, then serves credentials from the cache
// or exchanges the token for them.
func (f *ExchangeFlags) credentials(o *IO) (exchange.Credentials, error) {
	ctx, cancel := context.WithTimeout(context.Background(), f.Timeout)
	defer cancel()
	r, err := f.request(o)
	if err != nil {
		return exchange.Credentials{}, err
	}
	var c exchange.Credentials
	if f.NoCache {
		o.Logf("cache off (--no-cache)")
		c, err = f.exchange(ctx, o, r)
	} else {
		c, err = f.cached(ctx, o, r)
	}
	if err != nil {
		return exchange.Credentials{}, err
	}
	if !c.Expiration.After(timeNow()) {
		return exchange.Credentials{}, &exchange.Error{Kind: exchange.KindRefused,
			Msg: fmt.Sprintf("STS issued credentials that expired at %s, before they could be used; check this machine's clock", c.Expiration.Format(time.RFC3339))}
	}
	return c, nil
}

func (f *ExchangeFlags) exchange(ctx context.Context, o *IO, r exchange.Request) (exchange.Credentials, error) {
	x, err := exchange.NewExchanger(ctx, exchange.ClientOptions{Region: f.Region, EndpointURL: f.EndpointURL, Logf: o.Logf})
	if err != nil {
		return exchange.Credentials{}, err
	}
	return x.Exchange(ctx, r)
}

func (f *ExchangeFlags) cached(ctx context.Context, o *IO, r exchange.Request) (exchange.Credentials, error) {
	c, err := CacheDirFlag{f.CacheDir}.open(o)
	if err != nil {
		o.Warnf("credential cache not used: %v", err)
		return f.exchange(ctx, o, r)
	}
	kp := f.keyParts(r)
	minValid := min(f.RefreshWindow, r.Duration/2)
	e, _, err := c.GetOrFetch(ctx, kp.Key(), minValid, func(ctx context.Context) (*cache.Entry, error) {
		creds, err := f.exchange(ctx, o, r)
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
			err = &exchange.Error{Kind: exchange.KindUnreachable, Msg: err.Error(), Err: err}
		}
		return exchange.Credentials{}, err
	}
	return e.Credentials, nil
}
