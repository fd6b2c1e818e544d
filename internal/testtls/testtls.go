// Package testtls makes certificate chains and HTTPS OIDC issuers for
// tests: a root CA, an intermediate CA it signs, and a leaf for 127.0.0.1
// and localhost that the intermediate signs, served as leaf + intermediate
// the way public issuers send their chains.
package testtls

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// Chain is a root → intermediate → leaf certificate chain.
type Chain struct {
	Root, Intermediate, Leaf *x509.Certificate
	leafKey                  *ecdsa.PrivateKey
}

// NewChain makes a chain whose leaf is valid for 127.0.0.1, ::1 and
// localhost. name tells chains apart in their subjects.
func NewChain(name string) (*Chain, error) {
	now := time.Now()
	rootKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	rootTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name + " test root CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	root, err := create(rootTmpl, rootTmpl, &rootKey.PublicKey, rootKey)
	if err != nil {
		return nil, err
	}
	interKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	interTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: name + " test intermediate CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, MaxPathLenZero: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	inter, err := create(interTmpl, root, &interKey.PublicKey, rootKey)
	if err != nil {
		return nil, err
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leaf, err := create(leafTmpl, inter, &leafKey.PublicKey, interKey)
	if err != nil {
		return nil, err
	}
	return &Chain{Root: root, Intermediate: inter, Leaf: leaf, leafKey: leafKey}, nil
}

func create(tmpl, parent *x509.Certificate, pub *ecdsa.PublicKey, priv *ecdsa.PrivateKey) (*x509.Certificate, error) {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, priv)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// TLSConfig serves the leaf with the intermediate, as public servers do
// (the root is not sent).
func (c *Chain) TLSConfig() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{{
		Certificate: [][]byte{c.Leaf.Raw, c.Intermediate.Raw},
		PrivateKey:  c.leafKey,
		Leaf:        c.Leaf,
	}}}
}

// RootPEM is the root certificate in PEM, for --ca-file.
func (c *Chain) RootPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Root.Raw})
}

// Pool holds the root.
func (c *Chain) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(c.Root)
	return p
}

// Thumbprint is what IAM wants for a server sending this chain: the SHA-1
// of the intermediate, in lowercase hex.
func (c *Chain) Thumbprint() string {
	sum := sha1.Sum(c.Intermediate.Raw)
	return hex.EncodeToString(sum[:])
}

// Issuer is an HTTPS server with an OIDC discovery document at
// /oidc/.well-known/openid-configuration and a JWKS at /oidc/keys.
type Issuer struct {
	*httptest.Server
	Chain *Chain
	// URL + "/oidc"
	IssuerURL string

	mu      sync.Mutex
	jwksURI string
}

// SetJWKSURI changes the jwks_uri the discovery document names (default
// IssuerURL + "/keys"), e.g. to another server's.
func (is *Issuer) SetJWKSURI(u string) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.jwksURI = u
}

func (is *Issuer) jwks() string {
	is.mu.Lock()
	defer is.mu.Unlock()
	return is.jwksURI
}

// StartIssuer starts an Issuer serving chain; Close stops it.
func StartIssuer(chain *Chain) *Issuer {
	is := &Issuer{Chain: chain}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oidc/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": is.IssuerURL, "jwks_uri": is.jwks(),
			"response_types_supported": []string{"id_token"}, "subject_types_supported": []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("GET /oidc/keys", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"keys":[]}`))
	})
	is.Server = httptest.NewUnstartedServer(mux)
	is.Server.TLS = chain.TLSConfig()
	is.Server.StartTLS()
	is.IssuerURL = is.Server.URL + "/oidc"
	is.SetJWKSURI(is.IssuerURL + "/keys")
	return is
}
