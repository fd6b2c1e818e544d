package cache

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"slices"
	"strconv"
	"strings"
	"time"
)

// keyVersion is mixed into every key. Bump it whenever the encoding below or
// the meaning of a field changes, so old entries are simply never found again.
// v2: Claims. A v1 key of iss/sub/aud stood for any other claims, so a v1
// entry of a token with broad session tags must not serve a token without.
const keyVersion = "oidc-creds cache key v2"

// KeyParts is everything that changes the credentials an exchange returns.
// Two requests share a cache entry exactly when their KeyParts are equal, up to
// the order of PolicyARNs and Audience.
type KeyParts struct {
	RoleARN     string
	SessionName string
	// PolicyARNs are the managed session policies; their order does not matter.
	PolicyARNs []string
	// Policy is the inline session policy, byte for byte.
	Policy   string
	Duration time.Duration
	// Region and Endpoint are the STS region and endpoint as the caller
	// requested or resolved them.
	Region   string
	Endpoint string
	// Environment is the caller's opaque fingerprint of any other input that
	// changes the result (SDK settings and the like).
	Environment string
	// Issuer, Subject and Audience are the token's iss, sub and aud claims.
	// Audience order does not matter.
	Issuer   string
	Subject  string
	Audience []string
	// Claims is a digest of the token's other claims, those that may change
	// what STS issues (session tags, claims a trust policy tests), without the
	// ones that change with every token of one identity (exp, iat, nbf, jti):
	// see token.Token.ClaimsDigest.
	Claims string
	// TokenHash identifies the token itself. Set it (for example to the hex
	// SHA-256 of the token) only when the token carries no iss/sub/aud claims:
	// otherwise the claims identify it and a rotated token of the same identity
	// should still hit.
	TokenHash string
	// Source identifies a token source whose request inputs stay the same
	// for a whole CI job (a hash of them, e.g. GitHub Actions' request URL,
	// request token and audience), when the key is looked up before the
	// token is requested; Issuer, Subject, Audience and TokenHash are then
	// empty. Encoded only when set, so other keys are unchanged.
	Source string
	// Parent is the key of the entry whose credentials obtain these (the
	// previous hop of a chain of roles); "" for none. A chained entry's
	// own fields then need not repeat what the parent's key covers.
	Parent string
	// ExternalID is the external id the request sends; "" for none.
	ExternalID string
}

// Key returns the cache key: the hex SHA-256 of a versioned encoding of k in
// which every field is named and length-prefixed, so no two different
// KeyParts encode alike (e.g. RoleARN "a"+SessionName "bc" vs "ab"+"c", or
// PolicyARNs ["a,b"] vs ["a","b"]).
func (k KeyParts) Key() string {
	h := sha256.New()
	e := keyEncoder{h: h}
	e.str(keyVersion)
	e.field("role", k.RoleARN)
	e.field("session", k.SessionName)
	e.list("policy-arns", k.PolicyARNs)
	e.field("policy", k.Policy)
	e.field("duration-ns", strconv.FormatInt(int64(k.Duration), 10))
	e.field("region", k.Region)
	e.field("endpoint", k.Endpoint)
	e.field("environment", k.Environment)
	e.field("iss", k.Issuer)
	e.field("sub", k.Subject)
	e.list("aud", k.Audience)
	e.field("claims-sha256", k.Claims)
	e.field("token-sha256", k.TokenHash)
	if k.Source != "" {
		e.field("source", k.Source)
	}
	// Added after v1: encoded only when set, so that the keys of requests
	// without them stay what they were (and no two encodings coincide:
	// each is a named field after the last unconditional one).
	if k.Parent != "" {
		e.field("parent", k.Parent)
	}
	if k.ExternalID != "" {
		e.field("external-id", k.ExternalID)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Identity describes the token's identity for humans ([Entry.Identity], shown by
// `cache list`), e.g. "iss=https://api.pulumi.com/oidc sub=pulumi:… aud=acme".
// It never includes TokenHash or anything derived from the token's bytes;
// it ends in a prefix of Claims when that is set.
func (k KeyParts) Identity() string {
	var parts []string
	if k.Issuer != "" {
		parts = append(parts, "iss="+k.Issuer)
	}
	if k.Subject != "" {
		parts = append(parts, "sub="+k.Subject)
	}
	if len(k.Audience) > 0 {
		aud := slices.Clone(k.Audience)
		slices.Sort(aud)
		parts = append(parts, "aud="+strings.Join(aud, ","))
	}
	if len(parts) == 0 {
		parts = append(parts, "token without iss/sub/aud claims")
	}
	if k.Claims != "" {
		// Tells apart entries of one identity with other claims (session
		// tags…); a prefix of the digest, which holds no secret.
		parts = append(parts, "claims="+k.Claims[:min(12, len(k.Claims))])
	}
	return strings.Join(parts, " ")
}

type keyEncoder struct {
	h   hash.Hash
	buf [binary.MaxVarintLen64]byte
}

func (e *keyEncoder) uint(n int) {
	e.h.Write(e.buf[:binary.PutUvarint(e.buf[:], uint64(n))])
}

func (e *keyEncoder) str(s string) {
	e.uint(len(s))
	e.h.Write([]byte(s))
}

func (e *keyEncoder) field(name, value string) {
	e.str(name)
	e.str(value)
}

// list encodes a set-like list sorted, so order does not change the key.
// Duplicates are kept: ["a","a"] and ["a"] are different requests.
func (e *keyEncoder) list(name string, values []string) {
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	e.str(name)
	e.uint(len(sorted))
	for _, v := range sorted {
		e.str(v)
	}
}

// validKey reports whether key looks like a [KeyParts.Key] result. Anything
// else is refused so a key can never name a path outside the cache directory.
func validKey(key string) bool {
	if len(key) != sha256.Size*2 {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
