package token

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
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

	members map[string]json.RawMessage // every claim as the payload holds it, by exact name
	header  *Header                    // as Parse decoded it; nil for a Token built otherwise
}

// Parse decodes a JWT's claims without checking its signature.
// origin says where the token came from, for messages. The claims are
// read by their exact names; a payload that is not one JSON object, names
// a claim twice, or holds a registered claim of the wrong type or a date
// outside 1970 to 9999 is refused, as are characters no JWT holds (a
// byte-order mark, white space inside). The sources refuse tokens longer
// than MaxLength before they get here.
func Parse(raw, origin string) (*Token, error) {
	raw = strings.TrimSpace(raw)
	if err := checkText(raw, origin); err != nil {
		return nil, err
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, tokenError("the token from %s is not a JWT (expected three base64url parts separated by dots, found %d); check that it is the OIDC ID token and not something else", origin, len(parts))
	}
	hm, err := decodeJSONSegment(parts[0])
	if err != nil {
		return nil, tokenError("the token from %s is not a JWT: its header is not base64url-encoded JSON (%v)", origin, err)
	}
	payload, err := decodeSegment(parts[1])
	if err != nil {
		return nil, tokenError("the token from %s is not a JWT: its payload is not base64url", origin)
	}
	members, err := decodeObject(payload)
	if err != nil {
		return nil, tokenError("the token from %s is not a JWT: its claims do not decode (%v)", origin, err)
	}
	c, err := decodeClaims(members)
	if err != nil {
		return nil, tokenError("the token from %s is not usable: %v; check what the identity provider issues", origin, err)
	}
	h := headerOf(hm)
	return &Token{Raw: raw, Origin: origin, Claims: c, members: members, header: &h}, nil
}

// checkText refuses what cannot be a JWT before it is taken apart: nothing,
// and characters outside base64url and dots, saying which and where (never
// the token).
func checkText(raw, origin string) error {
	switch {
	case raw == "":
		return tokenError("the token from %s is empty; check that the identity provider wrote it", origin)
	case strings.HasPrefix(raw, "\uFEFF"):
		return tokenError("the token from %s starts with a UTF-8 byte-order mark (U+FEFF), which is not part of a JWT; save it as plain text without a byte-order mark", origin)
	case strings.HasPrefix(raw, "\xff\xfe"), strings.HasPrefix(raw, "\xfe\xff"):
		return tokenError("the token from %s is UTF-16 text (it starts with a UTF-16 byte-order mark); a JWT is ASCII: save it as plain text (UTF-8 or ASCII)", origin)
	}
	for i, n := 0, 1; i < len(raw); n++ {
		r, size := utf8.DecodeRuneInString(raw[i:])
		if !isJWTByte(raw[i]) {
			return tokenError("the token from %s is not a JWT: it holds %s at character %d, and a JWT is only base64url text and dots; check how the token was written", origin, describeChar(r, raw[i], size), n)
		}
		i += size
	}
	return nil
}

func isJWTByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '='
}

// describeChar names a character in words or by code point; never more
// than that one character of the token.
func describeChar(r rune, b byte, size int) string {
	switch {
	case r == utf8.RuneError && size <= 1:
		return fmt.Sprintf("the byte 0x%02x (not UTF-8)", b)
	case r == ' ':
		return "a space"
	case r == '\n' || r == '\r':
		return "a line break"
	case r == '\t':
		return "a tab"
	case r == '+' || r == '/':
		return fmt.Sprintf("%q (standard base64, not base64url)", r)
	case r < utf8.RuneSelf && r > ' ' && r < 0x7f:
		return fmt.Sprintf("%q", r)
	}
	return fmt.Sprintf("U+%04X", r)
}

func decodeSegment(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

func decodeJSONSegment(s string) (map[string]json.RawMessage, error) {
	b, err := decodeSegment(s)
	if err != nil {
		return nil, fmt.Errorf("not base64url")
	}
	return decodeObject(b)
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

// volatileClaims change with every token an issuer mints for the same
// identity (Pulumi, GitHub Actions, Kubernetes re-issue them each time)
// without changing what STS issues: they stay out of ClaimsDigest. iss, sub
// and aud are left out too, since Identity gives them.
var volatileClaims = []string{"iss", "sub", "aud", "exp", "iat", "nbf", "jti"}

// ClaimsDigest is the hex SHA-256 of every claim but those of Identity and
// the volatile exp, iat, nbf and jti, by exact name and JSON value, for the
// cache key: any other claim may change what STS issues (session tags in
// https://aws.amazon.com/tags, claims a trust policy tests), so tokens that
// differ in one never share credentials. It is "" when there is no other
// claim.
func (t *Token) ClaimsDigest() string {
	names := make([]string, 0, len(t.members))
	for name := range t.members {
		if !slices.Contains(volatileClaims, name) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return ""
	}
	slices.Sort(names)
	h := sha256.New()
	var buf bytes.Buffer
	for _, name := range names {
		buf.Reset()
		if json.Compact(&buf, t.members[name]) != nil {
			buf.Write(t.members[name])
		}
		fmt.Fprintf(h, "%d:%s%d:", len(name), name, buf.Len())
		h.Write(buf.Bytes())
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Describe lists the claims for -v and for error details, each value
// quoted with control characters escaped. It never includes the token or
// its signature.
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
