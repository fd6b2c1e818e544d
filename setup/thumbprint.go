// Package setup holds the logic of oidc-creds' set-up commands that is not
// about the exchange itself: the thumbprint IAM asks for when an OIDC
// identity provider is created.
package setup

import (
	"context"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/trust"
	"github.com/oidc-creds/oidc-creds/urlerr"
)

// ThumbprintOptions configure Thumbprint.
type ThumbprintOptions struct {
	// RootCAs verify the servers' certificates; nil = the system's.
	RootCAs *x509.CertPool
	// Logf receives -v diagnostics; nil = silent.
	Logf func(format string, args ...any)
}

// ThumbprintResult is the thumbprint and where it came from.
type ThumbprintResult struct {
	Thumbprint  string              // SHA-1 of Certificate, 40 lowercase hex digits
	Certificate *x509.Certificate   // the last certificate the JWKS host sent
	Chain       []*x509.Certificate // the whole chain as sent, leaf first
	Discovery   string              // the discovery document's URL
	JWKSURI     string              // its jwks_uri
	JWKSStatus  int                 // the HTTP status of jwks_uri
}

// Thumbprint computes the value IAM's CreateOpenIDConnectProvider asks for:
// it reads the issuer's discovery document, connects with TLS to the host
// of its jwks_uri, and takes the SHA-1 of the last certificate of the chain
// that server sends (the top intermediate CA). The servers' certificates
// are verified against RootCAs, so that what is printed is what the real
// host serves. Proxies are used as net/http does (HTTPS_PROXY, NO_PROXY).
func Thumbprint(ctx context.Context, issuer string, o ThumbprintOptions) (*ThumbprintResult, error) {
	logf := o.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	iss, err := IssuerURL(issuer)
	if err != nil {
		return nil, err
	}
	res := &ThumbprintResult{Discovery: strings.TrimRight(iss.String(), "/") + "/.well-known/openid-configuration"}
	logf("reading the discovery document %s", res.Discovery)
	body, resp, err := get(ctx, res.Discovery, o.RootCAs, 1<<20)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, remoteError(nil, "%s answered HTTP %d; check the issuer URL (it is the token's iss, e.g. %s)", res.Discovery, resp.StatusCode, trust.PulumiIssuer)
	}
	doc, err := readDiscovery(body)
	if err != nil || doc.JWKSURI == "" {
		return nil, remoteError(nil, "%s is not an OpenID Connect discovery document with a jwks_uri; check the issuer URL (it is the token's iss)", res.Discovery)
	}
	if doc.Issuer != "" && strings.TrimRight(doc.Issuer, "/") != strings.TrimRight(iss.String(), "/") {
		logf("warning: the discovery document names issuer %s, not %s; tokens' iss must match the provider URL", doc.Issuer, iss)
	}
	res.JWKSURI = doc.JWKSURI
	ju, err := url.Parse(doc.JWKSURI)
	if err != nil || ju.Scheme != "https" || ju.Host == "" {
		return nil, remoteError(nil, "the jwks_uri %q of %s is not an https URL; IAM takes the thumbprint of an https server", doc.JWKSURI, res.Discovery)
	}
	logf("connecting to %s, the host of jwks_uri %s", ju.Host, doc.JWKSURI)
	_, resp, err = get(ctx, doc.JWKSURI, o.RootCAs, 1<<20)
	if err != nil {
		return nil, err
	}
	res.JWKSStatus = resp.StatusCode
	if resp.TLS == nil || len(resp.TLS.PeerCertificates) == 0 {
		return nil, remoteError(nil, "%s sent no certificate", ju.Host)
	}
	res.Chain = resp.TLS.PeerCertificates
	for i, c := range res.Chain {
		logf("certificate %d of %d: subject %q, issuer %q, SHA-1 %s", i+1, len(res.Chain), c.Subject.String(), c.Issuer.String(), sha1Hex(c.Raw))
	}
	res.Certificate = res.Chain[len(res.Chain)-1]
	res.Thumbprint = sha1Hex(res.Certificate.Raw)
	return res, nil
}

// discovery is what Thumbprint reads of a discovery document.
type discovery struct{ Issuer, JWKSURI string }

// readDiscovery takes issuer and jwks_uri by their exact names, as STS
// does: encoding/json would also take a "JWKS_URI" (and let it win over
// jwks_uri), whose host's certificate would then be printed.
func readDiscovery(body []byte) (discovery, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return discovery{}, err
	}
	var d discovery
	for name, to := range map[string]*string{"issuer": &d.Issuer, "jwks_uri": &d.JWKSURI} {
		if raw, ok := m[name]; ok {
			if err := json.Unmarshal(raw, to); err != nil {
				return discovery{}, err
			}
		}
	}
	return d, nil
}

func sha1Hex(b []byte) string {
	sum := sha1.Sum(b)
	return hex.EncodeToString(sum[:])
}

// get fetches u over a fresh connection (so that its TLS state is this
// request's), verifying certificates against roots.
func get(ctx context.Context, u string, roots *x509.CertPool, limit int64) ([]byte, *http.Response, error) {
	tr := &http.Transport{
		Proxy:             http.ProxyFromEnvironment,
		TLSClientConfig:   &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
		DisableKeepAlives: true,
		ForceAttemptHTTP2: true,
	}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, &creds.Error{Kind: creds.KindInput, Err: err, Msg: fmt.Sprintf("cannot request %s: %v", u, err)}
	}
	req.Header.Set("Accept", "application/json")
	resp, err := (&http.Client{Transport: tr, CheckRedirect: sameHost}).Do(req)
	var cross *crossHostRedirect
	if errors.As(err, &cross) {
		return nil, nil, remoteError(err, "%s redirects to %s, another host, which oidc-creds does not follow: the thumbprint must be that of the host the URL names; have that host serve it, or name the other host in the URL (jwks_uri or the issuer)", u, cross.to)
	}
	if err != nil {
		return nil, nil, fetchError(ctx, u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	if ctx.Err() != nil {
		// The deadline cut the answer short, whatever arrived of it.
		return nil, nil, fetchError(ctx, u, ctx.Err())
	}
	if err != nil {
		return nil, nil, remoteError(err, "reading %s failed: %v", u, err)
	}
	return body, resp, nil
}

// maxRedirects bounds the redirects get follows, as net/http does.
const maxRedirects = 10

// sameHost is get's redirect policy: follow a redirect only to the same
// host and port over https. The TLS state of the answer is the last
// server's, so following one to another host would take that host's
// certificate for the one the URL names.
func sameHost(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	if from := via[0].URL; req.URL.Scheme != "https" || !strings.EqualFold(req.URL.Host, from.Host) {
		return &crossHostRedirect{to: req.URL.Redacted()}
	}
	return nil
}

// crossHostRedirect is a redirect sameHost refuses.
type crossHostRedirect struct{ to string }

func (e *crossHostRedirect) Error() string { return "redirect to " + e.to + " refused: another host" }

// fetchError explains a failed request: TLS verification, timeout, network.
func fetchError(ctx context.Context, u string, err error) error {
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
	)
	switch {
	case errors.As(err, &unknown), errors.As(err, &verify) && errors.As(verify.Err, &unknown):
		return &FetchError{Problem: UnknownAuthority, Host: host(u), Err: err,
			Msg: fmt.Sprintf("the certificate of %s is signed by an unknown authority", host(u))}
	case errors.As(err, &hostname):
		return remoteError(err, "the certificate of %s is not valid for that host name: %v", host(u), hostname.Error())
	case errors.As(err, &invalid):
		return remoteError(err, "the certificate of %s is not valid: %v", host(u), invalid.Error())
	case ctx.Err() != nil:
		return &FetchError{Problem: Timeout, Host: host(u), Err: err,
			Msg: fmt.Sprintf("%s did not answer within the timeout", host(u))}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return remoteError(err, "the connection to %s timed out; check network access and proxies", host(u))
	}
	return remoteError(err, "cannot fetch %s: %v", u, urlerr.Cause(err))
}

func host(u string) string {
	if p, err := url.Parse(u); err == nil && p.Host != "" {
		return p.Host
	}
	return u
}

func remoteError(err error, format string, args ...any) error {
	return &creds.Error{Kind: creds.KindUnreachable, Err: err, Msg: fmt.Sprintf(format, args...)}
}

// Problem is what a FetchError's caller can mend.
type Problem int

// The problems a caller words its own remedy for.
const (
	UnknownAuthority Problem = iota + 1 // a private CA or an inspecting proxy signed the certificate
	Timeout                             // the deadline ended the request
)

// FetchError is a request to the issuer that failed in a way the caller can
// mend: Msg says what happened, Problem what to mend.
type FetchError struct {
	Problem Problem
	Host    string
	Msg     string
	Err     error
}

func (e *FetchError) Error() string { return e.Msg }
func (e *FetchError) Unwrap() error { return e.Err }

// ExitCode is the status of an unreachable server.
func (e *FetchError) ExitCode() int { return int(creds.KindUnreachable) }

// CertPool returns the system's roots plus the PEM certificates in pem;
// ok is false when pem holds none.
func CertPool(pem []byte) (pool *x509.CertPool, ok bool) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	return pool, pool.AppendCertsFromPEM(pem)
}
