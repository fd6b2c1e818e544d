package setup

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
	"github.com/oidc-creds/oidc-creds/internal/testtls"
)

func newChain(t *testing.T, name string) *testtls.Chain {
	t.Helper()
	c, err := testtls.NewChain(name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func kindOf(t *testing.T, err error) creds.Kind {
	t.Helper()
	var e interface{ ExitCode() int }
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) has no exit code", err, err)
	}
	return creds.Kind(e.ExitCode())
}

func TestThumbprintIsTheIntermediate(t *testing.T) {
	chain := newChain(t, "issuer")
	is := testtls.StartIssuer(chain)
	defer is.Close()
	var logs []string
	res, err := Thumbprint(ctx(t), is.IssuerURL, ThumbprintOptions{RootCAs: chain.Pool(), Logf: func(f string, a ...any) { logs = append(logs, f) }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Thumbprint != chain.Thumbprint() {
		t.Errorf("thumbprint %s, want the intermediate's %s", res.Thumbprint, chain.Thumbprint())
	}
	if len(res.Thumbprint) != 40 || strings.ToLower(res.Thumbprint) != res.Thumbprint {
		t.Errorf("thumbprint %q is not 40 lowercase hex digits", res.Thumbprint)
	}
	if len(res.Chain) != 2 || !res.Chain[0].Equal(chain.Leaf) || !res.Certificate.Equal(chain.Intermediate) {
		t.Errorf("chain as sent not kept: %d certificates", len(res.Chain))
	}
	if res.JWKSStatus != 200 || res.JWKSURI != is.IssuerURL+"/keys" {
		t.Errorf("jwks %s status %d", res.JWKSURI, res.JWKSStatus)
	}
	if len(logs) == 0 {
		t.Error("no diagnostics logged")
	}
}

// The thumbprint is of the jwks_uri's host, not the discovery document's.
func TestThumbprintOfJWKSHost(t *testing.T) {
	a, b := newChain(t, "discovery"), newChain(t, "keys")
	disc := testtls.StartIssuer(a)
	defer disc.Close()
	keys := testtls.StartIssuer(b)
	defer keys.Close()
	disc.SetJWKSURI(keys.IssuerURL + "/keys")
	pool := a.Pool()
	pool.AddCert(b.Root)
	res, err := Thumbprint(ctx(t), disc.IssuerURL+"/", ThumbprintOptions{RootCAs: pool})
	if err != nil {
		t.Fatal(err)
	}
	if res.Thumbprint != b.Thumbprint() || res.Thumbprint == a.Thumbprint() {
		t.Errorf("thumbprint %s, want the jwks host's %s (not the discovery host's %s)", res.Thumbprint, b.Thumbprint(), a.Thumbprint())
	}
}

func TestThumbprintErrors(t *testing.T) {
	chain := newChain(t, "issuer")
	is := testtls.StartIssuer(chain)
	defer is.Close()

	// Not trusted without the CA.
	_, err := Thumbprint(ctx(t), is.IssuerURL, ThumbprintOptions{})
	var fe *FetchError
	if err == nil || !strings.Contains(err.Error(), "unknown authority") || !errors.As(err, &fe) || fe.Problem != UnknownAuthority {
		t.Errorf("untrusted chain: %v", err)
	} else if kindOf(t, err) != creds.KindUnreachable {
		t.Errorf("untrusted chain: kind %d", kindOf(t, err))
	}

	// No discovery document there.
	_, err = Thumbprint(ctx(t), is.URL+"/nope", ThumbprintOptions{RootCAs: chain.Pool()})
	if err == nil || !strings.Contains(err.Error(), "answered HTTP 404") {
		t.Errorf("missing discovery: %v", err)
	}

	// An http jwks_uri.
	is.SetJWKSURI("http://127.0.0.1:1/keys")
	_, err = Thumbprint(ctx(t), is.IssuerURL, ThumbprintOptions{RootCAs: chain.Pool()})
	if err == nil || !strings.Contains(err.Error(), "is not an https URL") {
		t.Errorf("http jwks_uri: %v", err)
	}

	// Not JSON.
	plain := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("<html>")) }))
	defer plain.Close()
	pool := chain.Pool()
	pool.AddCert(plain.Certificate())
	_, err = Thumbprint(ctx(t), plain.URL, ThumbprintOptions{RootCAs: pool})
	if err == nil || !strings.Contains(err.Error(), "not an OpenID Connect discovery document") {
		t.Errorf("not a discovery document: %v", err)
	}

	// Bad URLs are input errors.
	for _, u := range []string{"http://example.com/oidc", "https://", "https://x/?q=1", "::"} {
		_, err := Thumbprint(ctx(t), u, ThumbprintOptions{})
		if err == nil || kindOf(t, err) != creds.KindInput {
			t.Errorf("%q: %v", u, err)
		}
	}

	// A server that does not answer: the context's deadline.
	hang := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	hang.TLS = chain.TLSConfig()
	hang.StartTLS()
	defer hang.Close()
	short, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = Thumbprint(short, hang.URL, ThumbprintOptions{RootCAs: chain.Pool()})
	if err == nil || !strings.Contains(err.Error(), "did not answer within the timeout") {
		t.Errorf("hanging server: %v", err)
	}
}

func TestIssuerURL(t *testing.T) {
	u, err := IssuerURL("api.pulumi.com/oidc")
	if err != nil || u.String() != "https://api.pulumi.com/oidc" {
		t.Errorf("IssuerURL without scheme = %v, %v", u, err)
	}
	for _, ok := range []string{"https://token.actions.githubusercontent.com", "https://127.0.0.1:8443/x", "https://[::1]:9/", "oidc.eks.eu-west-1.amazonaws.com/id/ABC", "https://localhost.", "https://xn--bcher-kva.example/oidc"} {
		if _, err := IssuerURL(ok); err != nil {
			t.Errorf("IssuerURL(%q): %v", ok, err)
		}
	}
	// What stands where a host belongs cannot be one (a token, say): an
	// input error, before any lookup, without repeating it.
	const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAg.c2lnbmF0dXJlX3NlY3JldA"
	for _, bad := range []string{jwt, "https://" + jwt + "/x", "https://a_b.example.com", "https://-a.example.com", "https://a..b", "https://" + strings.Repeat("a", 64) + ".com"} {
		_, err := IssuerURL(bad)
		e := testkit.WantKind(t, err, creds.KindInput)
		if !strings.Contains(e.Msg, "host cannot be a host name") || strings.Contains(e.Msg, "c2lnbmF0dXJl") {
			t.Errorf("IssuerURL(%q): %q", bad, e.Msg)
		}
	}
}

func TestCertPool(t *testing.T) {
	chain := newChain(t, "ca")
	if _, ok := CertPool(chain.RootPEM()); !ok {
		t.Error("CertPool refused a PEM certificate")
	}
	if _, ok := CertPool([]byte("nothing")); ok {
		t.Error("CertPool accepted a file without a PEM certificate")
	}
}

// redirector is an HTTPS server with chain's certificate that serves a
// discovery document naming its own /keys and answers every other path
// with a redirect to target(path).
func redirector(t *testing.T, chain *testtls.Chain, target func(path string) string) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oidc/.well-known/openid-configuration" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"issuer":"` + srv.URL + `/oidc","jwks_uri":"` + srv.URL + `/old-keys"}`))
			return
		}
		if r.URL.Path == "/oidc/keys" {
			_, _ = w.Write([]byte(`{"keys":[]}`))
			return
		}
		http.Redirect(w, r, target(r.URL.Path), http.StatusFound)
	}))
	srv.TLS = chain.TLSConfig()
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// A redirect to another host is never followed: the certificate taken
// would be that host's, not the one jwks_uri (or the issuer) names. A
// redirect within the host is followed.
func TestThumbprintRedirects(t *testing.T) {
	a, b := newChain(t, "jwks-host"), newChain(t, "elsewhere")
	other := testtls.StartIssuer(b)
	defer other.Close()
	pool := a.Pool()
	pool.AddCert(b.Root)

	cross := redirector(t, a, func(string) string { return other.IssuerURL + "/keys" })
	_, err := Thumbprint(ctx(t), cross.URL+"/oidc", ThumbprintOptions{RootCAs: pool})
	if err == nil || kindOf(t, err) != creds.KindUnreachable || !strings.Contains(err.Error(), cross.URL+"/old-keys redirects to "+other.IssuerURL+"/keys, another host, which oidc-creds does not follow") {
		t.Errorf("jwks_uri redirected to another host: %v", err)
	}

	var within *httptest.Server
	within = redirector(t, a, func(string) string { return within.URL + "/oidc/keys" })
	res, err := Thumbprint(ctx(t), within.URL+"/oidc", ThumbprintOptions{RootCAs: pool})
	if err != nil || res.Thumbprint != a.Thumbprint() {
		t.Errorf("redirect within the host: %+v, %v; want thumbprint %s", res, err, a.Thumbprint())
	}

	// The discovery document itself, moved to another host.
	moved := redirector(t, a, func(p string) string { return other.URL + p })
	movedIssuer := moved.URL + "/elsewhere/oidc"
	if _, err := Thumbprint(ctx(t), movedIssuer, ThumbprintOptions{RootCAs: pool}); err == nil || !strings.Contains(err.Error(), "another host") {
		t.Errorf("discovery redirected to another host: %v", err)
	}
}

// The discovery document's jwks_uri is taken by its exact name, as STS
// reads it: a "JWKS_URI" naming another host is not it.
func TestThumbprintJWKSURIExactName(t *testing.T) {
	a, b := newChain(t, "real-keys"), newChain(t, "decoy")
	decoy := testtls.StartIssuer(b)
	defer decoy.Close()
	var srv *httptest.Server
	srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oidc/.well-known/openid-configuration" {
			_, _ = w.Write([]byte(`{"issuer":"` + srv.URL + `/oidc","jwks_uri":"` + srv.URL + `/oidc/keys","JWKS_URI":"` + decoy.IssuerURL + `/keys"}`))
			return
		}
		_, _ = w.Write([]byte(`{"keys":[]}`))
	}))
	srv.TLS = a.TLSConfig()
	srv.StartTLS()
	defer srv.Close()
	pool := a.Pool()
	pool.AddCert(b.Root)
	res, err := Thumbprint(ctx(t), srv.URL+"/oidc", ThumbprintOptions{RootCAs: pool})
	if err != nil {
		t.Fatal(err)
	}
	if res.Thumbprint != a.Thumbprint() || res.JWKSURI != srv.URL+"/oidc/keys" {
		t.Errorf("thumbprint %s of %s, want %s of the host jwks_uri names", res.Thumbprint, res.JWKSURI, a.Thumbprint())
	}
}
