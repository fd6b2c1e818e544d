package token

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Claims are the registered claims oidc-creds reads, taken by their exact
// names (iss, sub, aud, exp, nbf, iat), as STS reads them: a "SUB" or a
// look-alike such as "ſub" is another claim.
type Claims struct {
	Issuer    string
	Subject   string
	Audience  Audience
	Expiry    NumericDate
	NotBefore NumericDate
	IssuedAt  NumericDate
}

// Audience is the aud claim: a string or an array of strings.
type Audience []string

// String joins the audiences with commas.
func (a Audience) String() string { return strings.Join(a, ",") }

// NumericDate is a JWT time: seconds since the epoch, possibly fractional.
// The zero value means the claim is absent.
type NumericDate struct{ time.Time }

// maxNumericDate is 9999-12-31T23:59:59Z, the last second RFC 3339 (and so
// JSON output and every AWS SDK's parser) can write.
const maxNumericDate = 253402300799

// claimError is a claim that does not decode: why, without its value
// unless the value is a number (which holds no secret).
type claimError struct {
	name, problem string
}

func (e *claimError) Error() string { return "its " + e.name + " claim " + e.problem }

// decodeObject decodes a JSON object into its members by exact name,
// refusing anything but one object, a name given twice (decoders disagree
// on which one counts) and text that is not UTF-8. The members' values are
// kept as they are written, for decodeClaims and ClaimsDigest.
func decodeObject(b []byte) (map[string]json.RawMessage, error) {
	switch {
	case !utf8.Valid(b):
		return nil, errors.New("it is not UTF-8 text")
	case !json.Valid(b):
		return nil, errors.New("it is not valid JSON")
	}
	i := skipSpace(b, 0)
	if b[i] != '{' {
		return nil, errors.New("it is not a JSON object")
	}
	m := map[string]json.RawMessage{}
	// b is valid JSON, so the walk need not check its syntax again.
	for i = skipSpace(b, i+1); b[i] != '}'; i = skipSpace(b, i+1) {
		end := skipString(b, i)
		name := string(b[i+1 : end-1])
		if bytes.IndexByte(b[i:end], '\\') >= 0 {
			_ = json.Unmarshal(b[i:end], &name)
		}
		v := skipSpace(b, skipSpace(b, end)+1) // past the colon
		vend := skipValue(b, v)
		if _, dup := m[name]; dup {
			return nil, fmt.Errorf("it names %s twice", strconv.QuoteToASCII(clipName(name)))
		}
		m[name] = json.RawMessage(b[v:vend])
		if i = skipSpace(b, vend); b[i] == '}' {
			break
		}
	}
	return m, nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index just past the JSON string starting at b[i].
func skipString(b []byte, i int) int {
	for i++; b[i] != '"'; i++ {
		if b[i] == '\\' {
			i++
		}
	}
	return i + 1
}

// skipValue returns the index just past the JSON value starting at b[i].
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		for depth := 0; ; {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
			i++
		}
	}
	for i < len(b) && !strings.ContainsRune(",}] \t\n\r", rune(b[i])) {
		i++
	}
	return i
}

func clipName(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

// decodeClaims picks the registered claims from the payload's members.
func decodeClaims(m map[string]json.RawMessage) (Claims, error) {
	var c Claims
	var err error
	if c.Issuer, err = stringClaim(m, "iss"); err != nil {
		return c, err
	}
	if c.Subject, err = stringClaim(m, "sub"); err != nil {
		return c, err
	}
	if c.Audience, err = audienceClaim(m); err != nil {
		return c, err
	}
	if _, err = stringClaim(m, "jti"); err != nil { // not kept, but registered
		return c, err
	}
	for _, d := range []struct {
		name string
		to   *NumericDate
	}{{"exp", &c.Expiry}, {"nbf", &c.NotBefore}, {"iat", &c.IssuedAt}} {
		if *d.to, err = dateClaim(m, d.name); err != nil {
			return c, err
		}
	}
	return c, nil
}

// stringClaim is a string claim; absent is "". A registered claim given
// as null (or any other JSON type) is refused: it is not "absent" to STS.
func stringClaim(m map[string]json.RawMessage, name string) (string, error) {
	raw, ok := m[name]
	if !ok {
		return "", nil
	}
	var s string
	if jsonType(raw) != "string" || json.Unmarshal(raw, &s) != nil {
		return "", &claimError{name, "is a JSON " + jsonType(raw) + ", not a string"}
	}
	return s, nil
}

// audienceClaim is aud: a string or an array of strings; absent is nil.
func audienceClaim(m map[string]json.RawMessage) (Audience, error) {
	raw, ok := m["aud"]
	if !ok {
		return nil, nil
	}
	switch jsonType(raw) {
	case "string":
		var one string
		if json.Unmarshal(raw, &one) == nil {
			return Audience{one}, nil
		}
	case "array":
		// Element by element: json.Unmarshal would take a null for "".
		var elems []json.RawMessage
		if json.Unmarshal(raw, &elems) != nil {
			break
		}
		many := Audience{}
		for _, e := range elems {
			var one string
			if jsonType(e) != "string" || json.Unmarshal(e, &one) != nil {
				return nil, &claimError{"aud", "is an array that holds a JSON " + jsonType(e) + ", not only strings"}
			}
			many = append(many, one)
		}
		return many, nil
	}
	return nil, &claimError{"aud", "is a JSON " + jsonType(raw) + ", neither a string nor an array of strings"}
}

// dateClaim is a NumericDate claim: a JSON number (never a string holding
// one, nor null) of seconds from 1970 up to the end of year 9999; absent
// is the zero NumericDate.
func dateClaim(m map[string]json.RawMessage, name string) (NumericDate, error) {
	raw, ok := m[name]
	if !ok {
		return NumericDate{}, nil
	}
	if t := jsonType(raw); t != "number" {
		return NumericDate{}, &claimError{name, "is a JSON " + t + ", not a number of seconds since 1970"}
	}
	v, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || v < 0 || v > maxNumericDate || math.IsNaN(v) {
		return NumericDate{}, &claimError{name, fmt.Sprintf("(%s) is not a date from 1970 to 9999 in seconds", clipName(string(raw)))}
	}
	sec := math.Floor(v)
	return NumericDate{time.Unix(int64(sec), int64((v-sec)*1e9)).UTC()}, nil
}

// jsonType names the type of a JSON value by its first byte.
func jsonType(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}
