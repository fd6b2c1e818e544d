package teststs

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"
)

// signingKey is an RSA key with its JWK key ID.
type signingKey struct {
	priv *rsa.PrivateKey
	kid  string
}

// Keys are generated once per process: RSA key generation is the slowest
// thing this package does and tests start many servers. Each server still has
// its own issuer URL, so a token minted by one server is refused by another
// (its iss does not match).
var (
	issuerKeyOnce  sync.Once
	issuerKey      *signingKey
	issuerKeyErr   error
	foreignKeyOnce sync.Once
	foreignKey     *signingKey
	foreignKeyErr  error
)

func getIssuerKey() (*signingKey, error) {
	issuerKeyOnce.Do(func() { issuerKey, issuerKeyErr = newSigningKey() })
	return issuerKey, issuerKeyErr
}

// getForeignKey returns a second key that carries the same kid as the issuer
// key, so that tokens signed with it look right but fail verification.
func getForeignKey() (*signingKey, error) {
	ik, err := getIssuerKey()
	if err != nil {
		return nil, err
	}
	foreignKeyOnce.Do(func() {
		var k *signingKey
		k, foreignKeyErr = newSigningKey()
		if foreignKeyErr == nil {
			foreignKey = &signingKey{priv: k.priv, kid: ik.kid}
		}
	})
	return foreignKey, foreignKeyErr
}

func newSigningKey() (*signingKey, error) {
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("teststs: generate RSA key: %w", err)
	}
	return &signingKey{priv: priv, kid: jwkThumbprint(&priv.PublicKey)}, nil
}

var b64url = base64.RawURLEncoding

// jwkThumbprint is the RFC 7638 thumbprint of an RSA public key.
func jwkThumbprint(pub *rsa.PublicKey) string {
	e := b64url.EncodeToString(big.NewInt(int64(pub.E)).Bytes())
	n := b64url.EncodeToString(pub.N.Bytes())
	sum := sha256.Sum256([]byte(`{"e":"` + e + `","kty":"RSA","n":"` + n + `"}`))
	return b64url.EncodeToString(sum[:])
}

type jwk struct {
	Kty string `json:"kty"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	N   string `json:"n"`
	E   string `json:"e"`
}

func (k *signingKey) jwk() jwk {
	return jwk{
		Kty: "RSA",
		Use: "sig",
		Alg: "RS256",
		Kid: k.kid,
		N:   b64url.EncodeToString(k.priv.N.Bytes()),
		E:   b64url.EncodeToString(big.NewInt(int64(k.priv.E)).Bytes()),
	}
}

// timeClaims are the claims whose values are NumericDate.
var timeClaims = map[string]bool{"exp": true, "nbf": true, "iat": true, "auth_time": true}

// normalizeClaim turns time claims given as time.Time, RFC 3339 strings or
// integral floats into integer seconds since the epoch.
func normalizeClaim(name string, v any) (any, error) {
	if !timeClaims[name] {
		return v, nil
	}
	switch t := v.(type) {
	case time.Time:
		return t.Unix(), nil
	case *time.Time:
		return t.Unix(), nil
	case string:
		p, err := time.Parse(time.RFC3339Nano, t)
		if err != nil {
			return nil, fmt.Errorf("claim %q: want a number or an RFC 3339 time, got %q", name, t)
		}
		return p.Unix(), nil
	case float64:
		if t == float64(int64(t)) {
			return int64(t), nil
		}
		return t, nil
	case float32:
		return normalizeClaim(name, float64(t))
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, json.Number:
		return t, nil
	default:
		return nil, fmt.Errorf("claim %q: want time.Time or a number, got %T", name, v)
	}
}

// signJWT builds an RS256 JWT from claims.
func signJWT(key *signingKey, claims map[string]any) (string, error) {
	header, err := json.Marshal(map[string]string{"alg": "RS256", "kid": key.kid, "typ": "JWT"})
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("teststs: encode claims: %w", err)
	}
	signingInput := b64url.EncodeToString(header) + "." + b64url.EncodeToString(payload)
	digest := sha256.Sum256([]byte(signingInput))
	sig, err := rsa.SignPKCS1v15(nil, key.priv, crypto.SHA256, digest[:])
	if err != nil {
		return "", fmt.Errorf("teststs: sign token: %w", err)
	}
	return signingInput + "." + b64url.EncodeToString(sig), nil
}

// parsedJWT is a JWT split into its parts; nothing is verified yet.
type parsedJWT struct {
	header       map[string]any
	claims       map[string]any
	signingInput string
	signature    []byte
}

var errNotJWT = errors.New("not a JWT")

func parseJWT(token string) (*parsedJWT, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errNotJWT
	}
	var p parsedJWT
	for i, dst := range []*map[string]any{&p.header, &p.claims} {
		raw, err := b64url.DecodeString(parts[i])
		if err != nil {
			return nil, errNotJWT
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(dst); err != nil || *dst == nil {
			return nil, errNotJWT
		}
		if dec.More() {
			return nil, errNotJWT
		}
	}
	sig, err := b64url.DecodeString(parts[2])
	if err != nil {
		return nil, errNotJWT
	}
	p.signingInput = parts[0] + "." + parts[1]
	p.signature = sig
	return &p, nil
}

// verify checks that the token is RS256-signed by key.
func (p *parsedJWT) verify(key *signingKey) bool {
	if alg, _ := p.header["alg"].(string); alg != "RS256" {
		return false
	}
	if kid, ok := p.header["kid"]; ok && kid != key.kid {
		return false
	}
	digest := sha256.Sum256([]byte(p.signingInput))
	return rsa.VerifyPKCS1v15(&key.priv.PublicKey, crypto.SHA256, digest[:], p.signature) == nil
}

// stringClaim returns a string claim, or "" if absent or not a string.
func (p *parsedJWT) stringClaim(name string) string {
	s, _ := p.claims[name].(string)
	return s
}

// audiences returns the aud claim as a list (it may be a string or an array).
func (p *parsedJWT) audiences() []string {
	switch a := p.claims["aud"].(type) {
	case string:
		return []string{a}
	case []any:
		var out []string
		for _, v := range a {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// timeClaim returns a NumericDate claim; ok is false when absent or not a number.
func (p *parsedJWT) timeClaim(name string) (t time.Time, ok bool) {
	n, isNum := p.claims[name].(json.Number)
	if !isNum {
		return time.Time{}, false
	}
	f, err := n.Float64()
	if err != nil {
		return time.Time{}, false
	}
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e9)), true
}
