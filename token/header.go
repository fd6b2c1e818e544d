package token

import (
	"encoding/json"
	"strings"
)

// Header is the part of a JWT's header oidc-creds shows.
type Header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid,omitempty"`
	Typ string `json:"typ,omitempty"`
}

// Header decodes the token's header (ParseToken checked it is JSON). Fields
// of the wrong type are left empty.
func (t *Token) Header() Header {
	var h Header
	i := strings.IndexByte(t.Raw, '.')
	if i < 0 {
		return h
	}
	b, err := decodeSegment(t.Raw[:i])
	if err != nil {
		return h
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return h
	}
	h.Alg, _ = m["alg"].(string)
	h.Kid, _ = m["kid"].(string)
	h.Typ, _ = m["typ"].(string)
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
