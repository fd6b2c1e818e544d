package cli

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/oidc-creds/oidc-creds/exchange"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
	"github.com/oidc-creds/oidc-creds/token"
)

// runToken runs `oidc-creds token ARGS --token-env T` with raw in T at a
// fixed time, and returns the exit status and both streams.
func runToken(t *testing.T, raw string, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv("T", raw)
	now := time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC)
	defer func(f func() time.Time) { timeNow = f }(timeNow)
	timeNow = func() time.Time { return now }
	var stdout, stderr strings.Builder
	status := Main(append([]string{"token", "--token-env", "T"}, args...), strings.NewReader(""), &stdout, &stderr)
	return status, stdout.String(), stderr.String()
}

// noControls fails when text holds a character a terminal could act on.
func noControls(t *testing.T, what, text string) {
	t.Helper()
	for _, bad := range []string{"\x1b", "\r", "\a", "\u009b", "\u202e", "\u2066", "\x7f", "\x00"} {
		if strings.Contains(text, bad) {
			t.Errorf("%s holds %q:\n%s", what, bad, text)
		}
	}
}

// Control characters in claims never reach the terminal raw, and a line
// break in a claim cannot forge a line; --json keeps the values exact.
func TestTokenCmdHostileClaims(t *testing.T) {
	claims := map[string]any{
		"iss": "https://evil\u202e/oidc", "aud": "acme\u009b31m",
		"sub": "repo:x\x1b[2J\x1b]0;pwned\a\nstatus: valid for another 9h\r\x7f",
		"exp": 1900000000, "iat": 1899996400,
	}
	raw := testkit.JWTWithHeader(t, `{"alg":"RS256","kid":"k\u2066\u001b[1m"}`, claims)
	status, out, errOut := runToken(t, raw)
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	noControls(t, "token's output", out+errOut)
	if n := strings.Count(out, "\nstatus: "); n != 1 {
		t.Errorf("%d status lines:\n%s", n, out)
	}
	if !strings.Contains(out, `"repo:x\x1b[2J\x1b]0;pwned\a\nstatus: valid for another 9h\r\x7f"`) {
		t.Errorf("the subject is not shown quoted and escaped:\n%s", out)
	}

	status, out, _ = runToken(t, raw, "--json")
	if status != 0 {
		t.Fatalf("--json: status %d", status)
	}
	noControls(t, "token --json", out)
	var r tokenReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("--json output does not decode: %v\n%s", err, out)
	}
	if r.Subject != claims["sub"] || r.Issuer != claims["iss"] || r.Audience[0] != claims["aud"] || r.Kid != "k\u2066\x1b[1m" {
		t.Errorf("--json changed the values: %+v", r)
	}
}

// Dates up to the end of year 9999 are shown and serialised; durations
// stay readable however far away the date is.
func TestTokenCmdFarDates(t *testing.T) {
	raw := testkit.JWT(t, map[string]any{"sub": "s", "exp": 253402300799, "iat": 0})
	status, out, errOut := runToken(t, raw)
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	for _, want := range []string{"expires (exp)     9999-12-31T23:59:59Z (in 7973 years)", "issued (iat)      1970-01-01T00:00:00Z (56 years ago)", "status: valid for another 7973 years"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	status, out, errOut = runToken(t, raw, "--json")
	if status != 0 {
		t.Fatalf("--json: status %d: %s", status, errOut)
	}
	var r tokenReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if want := int64(253402300799 - 1795636800); r.ExpiresInSeconds == nil || *r.ExpiresInSeconds != want || !r.Valid {
		t.Errorf("expires_in_seconds %v valid %v, want %d true", r.ExpiresInSeconds, r.Valid, want)
	}
	for _, bad := range []string{`{"sub":"s","exp":253402300800}`, `{"sub":"s","exp":1e300}`, `{"sub":"s","exp":"1900000000"}`} {
		status, out, errOut := runToken(t, testkit.JWT(t, bad), "--json")
		if status != 3 || out != "" || !strings.Contains(errOut, "its exp claim") {
			t.Errorf("%s: status %d, stdout %q, stderr %q; want 3, nothing, a sentence about exp", bad, status, out, errOut)
		}
	}
}

// An unsigned token is shown, but never as valid.
func TestTokenCmdUnsigned(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	payload := enc([]byte(`{"sub":"s","exp":1900000000}`))
	for _, raw := range []string{
		enc([]byte(`{"alg":"none"}`)) + "." + payload + ".",
		enc([]byte(testkit.Header)) + "." + payload + ".",
	} {
		status, out, errOut := runToken(t, raw)
		if status != 3 || !strings.Contains(out, "status: NOT VALID: the token from environment variable T is not signed") || !strings.Contains(errOut, "is not signed") {
			t.Errorf("status %d\n%s%s", status, out, errOut)
		}
		status, out, _ = runToken(t, raw, "--json")
		if status != 3 || !strings.Contains(out, `"valid": false`) || !strings.Contains(out, `"problem": "the token from environment variable T is not signed`) {
			t.Errorf("--json: status %d\n%s", status, out)
		}
	}
	// Signed, but not in a way STS accepts: as unsigned, never valid.
	status, out, errOut := runToken(t, testkit.JWTWithHeader(t, `{"alg":"HS256"}`, `{"sub":"s","exp":1900000000}`))
	if status != 3 || !strings.Contains(out, `status: NOT VALID: the token from environment variable T is signed with "HS256", an algorithm STS does not accept`) ||
		!strings.Contains(out, "HS256 (STS accepts only RS256/384/512 and ES256/384/512)") || !strings.Contains(errOut, "an algorithm STS does not accept") {
		t.Errorf("HS256: status %d\n%s%s", status, out, errOut)
	}
}

// Claims quoted in the explanation of a refusal (issuer, audience, subject,
// the Condition) reach stderr escaped: a line break or an escape sequence in
// a claim cannot forge a line or drive the terminal.
func TestExplainHostileClaims(t *testing.T) {
	raw := testkit.JWT(t, map[string]any{"iss": "https://x\nFAKE: ok\x1b[2J", "aud": "a\u202eb\nFAKE", "sub": "s\x1b]0;t\a\nFAKE", "exp": 1900000000})
	tok, err := token.Parse(raw, "file t")
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"InvalidIdentityToken", "AccessDenied", "InvalidParameterValue"} {
		msg := "Not authorized; No OpenIDConnect provider; client id"
		h := newHarness(testkit.APIError(400, code, msg))
		_, err := h.x.Exchange(context.Background(), exchange.Request{Token: tok, RoleARN: testRole, SessionName: "s", Duration: time.Hour})
		var stderr strings.Builder
		report(&stderr, explain(err))
		noControls(t, code, stderr.String())
		if out := stderr.String(); strings.Count(out, "FAKE") != strings.Count(out, `\nFAKE`) {
			t.Errorf("%s: a line break in a claim reached stderr:\n%s", code, out)
		}
	}
}
