package exchange

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// testHeader is a JWT header as issuers write it.
const testHeader = `{"alg":"RS256","kid":"k1","typ":"JWT"}`

// testSignature is a distinctive signature segment, so that a leak of it
// into a message is easy to spot.
var testSignature = base64.RawURLEncoding.EncodeToString([]byte("signature-bytes-that-must-never-be-printed-0123456789"))

// makeJWT builds header.payload.signature; claims is JSON text (string) or
// a value to marshal.
func makeJWT(t testing.TB, claims any) string {
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
	return enc([]byte(testHeader)) + "." + enc(payload) + "." + testSignature
}

// pulumiClaims are the claims of a Pulumi Deployments token.
func pulumiClaims() map[string]any {
	return map[string]any{
		"iss": "https://api.pulumi.com/oidc",
		"aud": "acme",
		"sub": "pulumi:deploy:org:acme:project:web:stack:dev:operation:update:scope:write",
		"exp": 1900000000,
		"iat": 1899996400,
	}
}

// wantKind fails unless err is an *Error of kind k.
func wantKind(t testing.TB, err error, k Kind) *Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one of kind %d", k)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %q (%T) is not an *Error", err, err)
	}
	if e.Kind != k {
		t.Fatalf("error %q has kind %d, want %d", err, e.Kind, k)
	}
	if e.ExitCode() != int(k) {
		t.Fatalf("ExitCode() = %d, want %d", e.ExitCode(), k)
	}
	return e
}

// noLeak fails when text contains the token, any of its segments longer
// than a few characters, or any of the extra secrets.
func noLeak(t testing.TB, what, text, token string, secrets ...string) {
	t.Helper()
	check := append([]string{}, secrets...)
	if strings.TrimSpace(token) != "" {
		check = append(check, strings.TrimSpace(token))
		for _, seg := range strings.Split(strings.TrimSpace(token), ".") {
			if len(seg) >= 6 {
				check = append(check, seg)
			}
		}
	}
	for _, s := range check {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s leaks a secret %.20q...:\n%s", what, s, text)
		}
	}
}

// asError is errors.As for *Error.
func asError(err error, e **Error) bool { return errors.As(err, e) }
