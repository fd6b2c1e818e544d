package token

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/oidc-creds/oidc-creds/creds"
)

// ClockSkew is how far the local clock may be from the issuer's when the
// token's exp and nbf are checked before calling STS.
const ClockSkew = 30 * time.Second

// Token is an OIDC token with its claims decoded (the signature is not
// checked: STS does that). Raw must never be printed or logged.
type Token struct {
	Raw    string
	Origin string // where it came from, e.g. "environment variable PULUMI_OIDC_TOKEN"
	Claims Claims
}

// Claims are the registered claims oidc-creds reads.
type Claims struct {
	Issuer    string      `json:"iss"`
	Subject   string      `json:"sub"`
	Audience  Audience    `json:"aud"`
	Expiry    NumericDate `json:"exp"`
	NotBefore NumericDate `json:"nbf"`
	IssuedAt  NumericDate `json:"iat"`
}

// Audience is the aud claim: a string or an array of strings.
type Audience []string

// UnmarshalJSON accepts a string or an array of strings.
func (a *Audience) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*a = nil
		return nil
	}
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = Audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("aud is neither a string nor an array of strings")
	}
	*a = many
	return nil
}

// String joins the audiences with commas.
func (a Audience) String() string { return strings.Join(a, ",") }

// NumericDate is a JWT time: seconds since the epoch, possibly fractional.
// The zero value means the claim is absent.
type NumericDate struct{ time.Time }

// UnmarshalJSON reads a JSON number of seconds.
func (d *NumericDate) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	var f json.Number
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("not a number of seconds")
	}
	v, err := f.Float64()
	if err != nil {
		return fmt.Errorf("not a number of seconds")
	}
	sec := int64(v)
	d.Time = time.Unix(sec, int64((v-float64(sec))*1e9)).UTC()
	return nil
}

// Parse decodes a JWT's claims without checking its signature.
// origin says where the token came from, for messages.
func Parse(raw, origin string) (*Token, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, tokenError("the token from %s is empty; check that the identity provider wrote it", origin)
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, tokenError("the token from %s is not a JWT (expected three base64url parts separated by dots, found %d); check that it is the OIDC ID token and not something else", origin, len(parts))
	}
	header, err := decodeSegment(parts[0])
	if err != nil || !json.Valid(header) {
		return nil, tokenError("the token from %s is not a JWT: its header is not base64url-encoded JSON", origin)
	}
	payload, err := decodeSegment(parts[1])
	if err != nil {
		return nil, tokenError("the token from %s is not a JWT: its payload is not base64url", origin)
	}
	var c Claims
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, &creds.Error{Kind: creds.KindToken, Msg: fmt.Sprintf("the token from %s is not a JWT: its claims do not decode", origin), Err: redactErr(err)}
	}
	return &Token{Raw: raw, Origin: origin, Claims: c}, nil
}

// redactErr keeps the JSON error's meaning without echoing input.
func redactErr(err error) error {
	var te *json.UnmarshalTypeError
	if ok := errors.As(err, &te); ok {
		return fmt.Errorf("claim %q has the wrong type", te.Field)
	}
	if _, ok := err.(*json.SyntaxError); ok {
		return fmt.Errorf("claims are not valid JSON")
	}
	return fmt.Errorf("claims do not decode")
}

func decodeSegment(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// CheckTime fails when the token has expired or is not yet valid at now,
// allowing ClockSkew either way. A token without exp passes: STS decides.
func (t *Token) CheckTime(now time.Time) error {
	c := t.Claims
	if !c.Expiry.IsZero() && now.After(c.Expiry.Add(ClockSkew)) {
		return &creds.Error{Kind: creds.KindToken,
			Msg: fmt.Sprintf("the token from %s expired at %s, %s ago; get a fresh token from the identity provider (in Pulumi Deployments it is issued per deployment)",
				t.Origin, c.Expiry.UTC().Format(time.RFC3339), roundAgo(now.Sub(c.Expiry.Time)))}
	}
	if !c.NotBefore.IsZero() && c.NotBefore.After(now.Add(ClockSkew)) {
		return &creds.Error{Kind: creds.KindToken,
			Msg: fmt.Sprintf("the token from %s is not valid until %s, %s from now; check this machine's clock", t.Origin,
				c.NotBefore.UTC().Format(time.RFC3339), roundAgo(c.NotBefore.Time.Sub(now)))}
	}
	return nil
}

// Identity names who the token speaks for; it is part of the cache key.
// When the token carries none of iss, sub and aud, it is a hash of the
// whole token, so that two such tokens never share credentials.
func (t *Token) Identity() (iss, sub string, aud []string, tokenHash string) {
	c := t.Claims
	if c.Issuer == "" && c.Subject == "" && len(c.Audience) == 0 {
		h := sha256.Sum256([]byte(t.Raw))
		return "", "", nil, hex.EncodeToString(h[:])
	}
	return c.Issuer, c.Subject, c.Audience, ""
}

// Describe lists the claims for -v and for error details. It never
// includes the token or its signature.
func (t *Token) Describe() string {
	c := t.Claims
	return fmt.Sprintf("iss=%q aud=%q sub=%q exp=%s", c.Issuer, c.Audience.String(), c.Subject, fmtTime(c.Expiry))
}

func fmtTime(d NumericDate) string {
	if d.IsZero() {
		return "(none)"
	}
	return d.UTC().Format(time.RFC3339)
}

// roundAgo prints a duration to the second, or to the minute past an hour.
func roundAgo(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	if d >= time.Hour {
		return d.Round(time.Minute).String()
	}
	return d.Round(time.Second).String()
}
