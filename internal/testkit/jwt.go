package testkit

import (
	"encoding/base64"
	"encoding/json"
	"testing"
)

// Header is a JWT header as issuers write it.
const Header = `{"alg":"RS256","kid":"k1","typ":"JWT"}`

// Signature is a distinctive signature segment, so that a leak of it into
// a message is easy to spot.
var Signature = base64.RawURLEncoding.EncodeToString([]byte("signature-bytes-that-must-never-be-printed-0123456789"))

// JWT builds header.payload.signature with Header and Signature; claims is
// JSON text (a string) or a value to marshal. The signature is not real:
// oidc-creds decodes claims without checking it.
func JWT(t testing.TB, claims any) string {
	t.Helper()
	return JWTWithHeader(t, Header, claims)
}

// JWTWithHeader is JWT with another header (JSON text).
func JWTWithHeader(t testing.TB, header string, claims any) string {
	t.Helper()
	var payload []byte
	switch c := claims.(type) {
	case string:
		payload = []byte(c)
	default:
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		payload = b
	}
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(header)) + "." + enc(payload) + "." + Signature
}

// PulumiClaims are the claims of a Pulumi Deployments token that expires
// at 1900000000 (2030-03-17T17:46:40Z).
func PulumiClaims() map[string]any {
	return map[string]any{
		"iss": "https://api.pulumi.com/oidc",
		"aud": "acme",
		"sub": "pulumi:deploy:org:acme:project:web:stack:dev:operation:update:scope:write",
		"exp": 1900000000,
		"iat": 1899996400,
	}
}
