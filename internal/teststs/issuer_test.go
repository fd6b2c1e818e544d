package teststs

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"math/big"
	"strings"
	"testing"
	"time"
)

func TestIssuer(t *testing.T) {
	s := NewForTest(t, Options{})
	var doc map[string]any
	get(t, s.IssuerURL+"/.well-known/openid-configuration", &doc)
	if doc["issuer"] != s.IssuerURL || doc["jwks_uri"] != s.IssuerURL+"/keys" ||
		doc["authorization_endpoint"] != s.IssuerURL+"/authorize" || doc["token_endpoint"] != s.IssuerURL+"/token" {
		t.Errorf("discovery %v", doc)
	}
	for _, k := range []string{"response_types_supported", "subject_types_supported", "id_token_signing_alg_values_supported", "claims_supported"} {
		if l, ok := doc[k].([]any); !ok || len(l) == 0 {
			t.Errorf("discovery %s = %v", k, doc[k])
		}
	}
	var rootDoc map[string]any
	get(t, s.URL+"/.well-known/openid-configuration", &rootDoc)
	if rootDoc["issuer"] != s.IssuerURL {
		t.Errorf("root discovery %v", rootDoc)
	}

	// The placeholder OAuth endpoints answer, in JSON.
	resp, body := post(t, s.IssuerURL+"/token", "application/x-www-form-urlencoded", "grant_type=client_credentials")
	if resp.StatusCode != 400 || !strings.Contains(body, "unsupported_grant_type") {
		t.Errorf("token endpoint: %s %s", resp.Status, body)
	}
}

// A minted token verifies with the key of the JWKS and carries the defaults.
func TestJWKSAndMint(t *testing.T) {
	s := NewForTest(t, Options{})
	var jwks struct {
		Keys []jwk `json:"keys"`
	}
	get(t, s.IssuerURL+"/keys", &jwks)
	if len(jwks.Keys) != 1 {
		t.Fatalf("jwks %+v", jwks)
	}
	k := jwks.Keys[0]
	if k.Kty != "RSA" || k.Alg != "RS256" || k.Use != "sig" || k.Kid == "" {
		t.Errorf("jwk %+v", k)
	}
	n, _ := b64url.DecodeString(k.N)
	e, _ := b64url.DecodeString(k.E)
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}

	// A minted token verifies with the published key and carries the defaults.
	before := time.Now().Unix()
	tok := s.Mint(map[string]any{"extra": "x", "iat": nil})
	parts := strings.Split(tok, ".")
	sig, _ := b64url.DecodeString(parts[2])
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
		t.Errorf("token does not verify with the JWKS key: %v", err)
	}
	var header, claims map[string]any
	h, _ := b64url.DecodeString(parts[0])
	c, _ := b64url.DecodeString(parts[1])
	_ = json.Unmarshal(h, &header)
	_ = json.Unmarshal(c, &claims)
	if header["alg"] != "RS256" || header["kid"] != k.Kid {
		t.Errorf("header %v", header)
	}
	exp, _ := claims["exp"].(float64)
	nbf, _ := claims["nbf"].(float64)
	if claims["iss"] != s.IssuerURL || claims["aud"] != "acme" || claims["sub"] != DefaultSubject || claims["extra"] != "x" ||
		claims["iat"] != nil || int64(nbf) < before || int64(exp) != int64(nbf)+3600 {
		t.Errorf("claims %v", claims)
	}
}
