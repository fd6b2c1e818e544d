package credserver

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The variables through which the SDKs find the endpoint.
const (
	VarFullURI       = "AWS_CONTAINER_CREDENTIALS_FULL_URI"
	VarAuthorization = "AWS_CONTAINER_AUTHORIZATION_TOKEN"
)

// DefaultAddr is where Listen listens when given no address: a free port
// on the IPv4 loopback address.
const DefaultAddr = "127.0.0.1:0"

// ErrNotLoopback is wrapped by Listen's error for an address that is not a
// loopback one.
var ErrNotLoopback = errors.New("not a loopback address")

// ParseAddr checks a listen address: HOST:PORT or HOST, where HOST is a
// loopback IP address (127.0.0.0/8, ::1) or localhost (taken as 127.0.0.1),
// and PORT is a number (0, or none, for a free port). It returns the
// address to listen on; "" gives DefaultAddr.
func ParseAddr(addr string) (string, error) {
	if addr == "" {
		return DefaultAddr, nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = strings.TrimSuffix(strings.TrimPrefix(addr, "["), "]"), "0"
	}
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return "", fmt.Errorf("invalid port %q in %q: want a number from 0 to 65535", port, addr)
	}
	port = strconv.FormatUint(n, 10)
	if strings.EqualFold(host, "localhost") {
		host = "127.0.0.1"
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return "", fmt.Errorf("%q is %w: the endpoint hands out credentials without other checks than its authorization token, and the SDKs only accept http:// on loopback; use 127.0.0.1:PORT", addr, ErrNotLoopback)
	}
	return net.JoinHostPort(ip.String(), port), nil
}

// Listen opens a TCP listener on a loopback address (see ParseAddr).
func Listen(addr string) (net.Listener, error) {
	a, err := ParseAddr(addr)
	if err != nil {
		return nil, err
	}
	return net.Listen("tcp", a)
}

// Server serves a Refresher's credentials on a loopback listener and
// refreshes them in the background.
type Server struct {
	// URL is the value for AWS_CONTAINER_CREDENTIALS_FULL_URI:
	// http://127.0.0.1:PORT/creds/RANDOM.
	URL string
	// Authorization is the value for AWS_CONTAINER_AUTHORIZATION_TOKEN: 43
	// random URL-safe characters, new for every Server.
	Authorization string

	srv       *http.Server
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	closeOnce sync.Once
}

// Serve starts serving r on ln (which Close closes) and runs r's
// background refresh. logf (may be nil) gets one line per request.
func Serve(ln net.Listener, r *Refresher, logf func(format string, args ...any)) (*Server, error) {
	tcp, ok := ln.Addr().(*net.TCPAddr)
	if !ok || !tcp.IP.IsLoopback() {
		return nil, fmt.Errorf("listener on %s is %w", ln.Addr(), ErrNotLoopback)
	}
	pathSecret, err := randomString(16)
	if err != nil {
		return nil, err
	}
	auth, err := randomString(32)
	if err != nil {
		return nil, err
	}
	path := "/creds/" + pathSecret
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		URL:           "http://" + net.JoinHostPort(tcp.IP.String(), strconv.Itoa(tcp.Port)) + path,
		Authorization: auth,
		cancel:        cancel,
		srv: &http.Server{
			Handler:           NewHandler(r, path, auth, logf),
			ReadHeaderTimeout: 10 * time.Second,
			IdleTimeout:       time.Minute,
			MaxHeaderBytes:    64 << 10,
			ErrorLog:          log.New(io.Discard, "", 0),
		},
	}
	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		_ = s.srv.Serve(ln)
	}()
	go func() {
		defer s.wg.Done()
		r.Run(ctx)
	}()
	return s, nil
}

// Close stops the background refresh and the server: requests in flight
// get up to two seconds to finish. It is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.cancel()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := s.srv.Shutdown(ctx); err != nil {
			_ = s.srv.Close()
		}
		s.wg.Wait()
	})
}

func randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("no randomness for the endpoint's secrets: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
