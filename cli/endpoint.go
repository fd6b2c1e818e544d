package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/oidc-creds/oidc-creds/credserver"
	"github.com/oidc-creds/oidc-creds/exchange"
	"github.com/oidc-creds/oidc-creds/format"
)

// startEndpoint obtains the first credentials, then serves them on a
// loopback credentials endpoint (credserver) that exchanges again before
// they lapse, re-reading the token and going through the cache each time.
// A token on standard input (--token-file -) is read once and reused. The
// endpoint logs from several goroutines: o must come from serialized.
func (f *ExchangeFlags) startEndpoint(o *IO, listen string) (*credserver.Server, error) {
	addr, err := credserver.ParseAddr(listen)
	if err != nil {
		return nil, &exchange.Error{Kind: exchange.KindInput, Msg: "--listen: " + err.Error()}
	}
	var stdinToken []byte
	if f.TokenFile == "-" {
		in := o.Stdin
		if in == nil {
			return nil, &exchange.Error{Kind: exchange.KindInput, Msg: "--token-file -: no standard input"}
		}
		if stdinToken, err = io.ReadAll(in); err != nil {
			return nil, &exchange.Error{Kind: exchange.KindToken, Msg: "cannot read the token from standard input", Err: err, Detail: err.Error()}
		}
		o.Logf("token read once from standard input: the endpoint reuses it for every exchange")
	}
	r := credserver.NewRefresher(credserver.Options{
		RefreshWindow: f.RefreshWindow,
		Logf:          o.Logf,
		Warnf:         o.Warnf,
		Fetch: func(context.Context) (exchange.Credentials, error) {
			run := *o
			if stdinToken != nil {
				run.Stdin = bytes.NewReader(stdinToken)
			}
			return f.credentials(&run)
		},
	})
	if err := r.Prime(context.Background()); err != nil {
		return nil, err
	}
	ln, err := credserver.Listen(addr)
	if err != nil {
		kind := exchange.KindInput
		if listen == "" || listen == credserver.DefaultAddr {
			kind = exchange.KindInternal
		}
		return nil, &exchange.Error{Kind: kind, Msg: fmt.Sprintf("cannot listen on %s: %v", addr, unwrapOpError(err))}
	}
	s, err := credserver.Serve(ln, r, o.Logf)
	if err != nil {
		ln.Close()
		return nil, err
	}
	o.Logf("credentials endpoint listening on %s", ln.Addr())
	return s, nil
}

// endpointVars are the variables that point the SDKs at s.
func endpointVars(s *credserver.Server) []format.Var {
	return []format.Var{
		{Name: credserver.VarFullURI, Value: s.URL},
		{Name: credserver.VarAuthorization, Value: s.Authorization},
	}
}

func unwrapOpError(err error) error {
	if u := errors.Unwrap(err); u != nil {
		return u
	}
	return err
}

// serialized returns o with writes to Stderr serialized.
func (o *IO) serialized() *IO {
	if _, ok := o.Stderr.(*lockedWriter); ok {
		return o
	}
	c := *o
	c.Stderr = &lockedWriter{w: o.Stderr}
	return &c
}

// lockedWriter serializes writes: the endpoint logs from several goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
