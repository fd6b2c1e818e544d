package teststs

import (
	"fmt"
	"time"
)

// Mint returns an RS256 JWT signed by this issuer. Unless given, claims
// default to iss=IssuerURL, aud=Options.Audience, sub=DefaultSubject,
// iat=nbf=now and exp=now+1h. A claim given as nil is left out. Time claims
// (exp, nbf, iat, auth_time) accept time.Time, numbers or RFC 3339 strings.
// Mint panics if a claim cannot be encoded as JSON.
func (s *Server) Mint(claims map[string]any) string {
	tok, err := s.mint(claims, false)
	if err != nil {
		panic(err)
	}
	return tok
}

// MintForeign is Mint, but signs with a different key under the same kid: the
// token looks right but its signature does not verify (InvalidIdentityToken).
func (s *Server) MintForeign(claims map[string]any) string {
	tok, err := s.mint(claims, true)
	if err != nil {
		panic(err)
	}
	return tok
}

func (s *Server) mint(claims map[string]any, foreign bool) (string, error) {
	now := time.Now()
	full := map[string]any{
		"iss": s.IssuerURL,
		"aud": s.audience,
		"sub": DefaultSubject,
		"iat": now.Unix(),
		"nbf": now.Unix(),
		"exp": now.Add(time.Hour).Unix(),
	}
	for k, v := range claims {
		if v == nil {
			delete(full, k)
			continue
		}
		nv, err := normalizeClaim(k, v)
		if err != nil {
			return "", fmt.Errorf("teststs: %w", err)
		}
		full[k] = nv
	}
	key := s.key
	if foreign {
		var err error
		if key, err = getForeignKey(); err != nil {
			return "", err
		}
	}
	return signJWT(key, full)
}
