package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/credserver"
	"github.com/oidc-creds/oidc-creds/format"
)

// startEndpoint obtains the first credentials, then serves them on a
// loopback credentials endpoint (credserver) that exchanges again before
// they lapse, re-reading the token and going through the cache each time.
// A token on standard input (--token-file -) is read once and reused
// (token.Reader). The endpoint logs from several goroutines: o must come
// from serialized.
func (f *ExchangeFlags) startEndpoint(o *IO, listen string) (*credserver.Server, error) {
	addr, err := credserver.ParseAddr(listen)
	if err != nil {
		return nil, &creds.Error{Kind: creds.KindInput, Msg: "--listen: " + err.Error()}
	}
	// One source for every exchange: a file or variable is read afresh
	// each time, standard input once.
	src, err := f.source(o)
	if err != nil {
		return nil, err
	}
	if t, _, _ := f.chosen(); t.name == "token-file" && t.value == "-" {
		o.Logf("token read once from standard input: the endpoint reuses it for every exchange")
	}
	r := credserver.NewRefresher(credserver.Options{
		RefreshWindow: f.RefreshWindow,
		Logf:          o.Logf,
		Warnf:         o.Warnf,
		Fetch: func(context.Context) (creds.Credentials, error) {
			return f.credentialsFrom(o, src)
		},
	})
	if err := r.Prime(context.Background()); err != nil {
		return nil, err
	}
	ln, err := credserver.Listen(addr)
	if err != nil {
		kind := creds.KindInput
		if listen == "" || listen == credserver.DefaultAddr {
			kind = creds.KindInternal
		}
		return nil, &creds.Error{Kind: kind, Msg: fmt.Sprintf("cannot listen on %s: %v", addr, unwrapOpError(err))}
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
