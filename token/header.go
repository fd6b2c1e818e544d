package token

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Header is the part of a JWT's header oidc-creds shows.
type Header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid,omitempty"`
	Typ string `json:"typ,omitempty"`
}

// Header is the token's header, by the exact names alg, kid and typ, as
// Parse decoded it once; fields of the wrong type are left empty.
func (t *Token) Header() Header {
	if t.header != nil {
		return *t.header
	}
	i := strings.IndexByte(t.Raw, '.')
	if i < 0 {
		return Header{}
	}
	m, err := decodeJSONSegment(t.Raw[:i])
	if err != nil {
		return Header{}
	}
	return headerOf(m)
}

// headerOf reads alg, kid and typ from a decoded header.
func headerOf(m map[string]json.RawMessage) Header {
	var h Header
	str := func(name string) string {
		var s string
		if raw, ok := m[name]; ok && json.Unmarshal(raw, &s) == nil {
			return s
		}
		return ""
	}
	h.Alg, h.Kid, h.Typ = str("alg"), str("kid"), str("typ")
	return h
}

// STSAlgorithm reports whether STS accepts tokens signed with alg:
// RS256, RS384, RS512, ES256, ES384 or ES512.
func STSAlgorithm(alg string) bool {
	switch alg {
	case "RS256", "RS384", "RS512", "ES256", "ES384", "ES512":
		return true
	}
	return false
}

// Unsigned reports whether the token carries no signature at all: its
// header names no algorithm or "none" (in any case), or its signature part
// is empty. No STS accepts such a token.
func (t *Token) Unsigned() bool { return t.unsigned(t.Header().Alg) }

func (t *Token) unsigned(alg string) bool {
	sig := t.Raw[strings.LastIndexByte(t.Raw, '.')+1:]
	return alg == "" || strings.EqualFold(alg, "none") || strings.TrimRight(sig, "=") == ""
}

// CheckSigned fails for an Unsigned token and for one signed with an
// algorithm STS does not accept (STSAlgorithm, HS256 say): STS refuses
// both, so neither is sent.
func (t *Token) CheckSigned() error {
	alg := t.Header().Alg
	if !t.unsigned(alg) {
		if STSAlgorithm(alg) {
			return nil
		}
		return tokenError("the token from %s is signed with %s, an algorithm STS does not accept; STS accepts only tokens signed with RS256, RS384, RS512, ES256, ES384 or ES512: check that it is the ID token the identity provider issued", t.Origin, strconv.Quote(clipName(alg)))
	}
	what := "its signature part is empty"
	if alg == "" {
		what = "its header names no algorithm (alg)"
	} else if strings.EqualFold(alg, "none") {
		what = "its header says alg " + alg
	}
	return tokenError("the token from %s is not signed (%s); STS accepts only tokens signed with RS256, RS384, RS512, ES256, ES384 or ES512: check that it is the ID token the identity provider issued", t.Origin, what)
}
