package token

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
// on which one counts) and text that is not UTF-8.
func decodeObject(b []byte) (map[string]json.RawMessage, error) {
	if !utf8.Valid(b) {
		return nil, errors.New("it is not UTF-8 text")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("it is not a JSON object")
	}
	m := map[string]json.RawMessage{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, errors.New("it is not valid JSON")
		}
		name, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, errors.New("it is not valid JSON")
		}
		if _, dup := m[name]; dup {
			return nil, fmt.Errorf("it names %s twice", strconv.QuoteToASCII(clipName(name)))
		}
		m[name] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, errors.New("it is not valid JSON")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("it holds more than one JSON value")
	}
	return m, nil
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

// stringClaim is a string claim; absent or null is "".
func stringClaim(m map[string]json.RawMessage, name string) (string, error) {
	raw, ok := m[name]
	if !ok || isNull(raw) {
		return "", nil
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", &claimError{name, "is a JSON " + jsonType(raw) + ", not a string"}
	}
	return s, nil
}

// audienceClaim is aud: a string or an array of strings; absent or null is nil.
func audienceClaim(m map[string]json.RawMessage) (Audience, error) {
	raw, ok := m["aud"]
	if !ok || isNull(raw) {
		return nil, nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return Audience{one}, nil
	}
	var many []string
	if json.Unmarshal(raw, &many) != nil {
		return nil, &claimError{"aud", "is neither a string nor an array of strings"}
	}
	return many, nil
}

// dateClaim is a NumericDate claim: a JSON number (never a string holding
// one) of seconds from 1970 up to the end of year 9999.
func dateClaim(m map[string]json.RawMessage, name string) (NumericDate, error) {
	raw, ok := m[name]
	if !ok || isNull(raw) {
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

func isNull(raw json.RawMessage) bool { return string(raw) == "null" }

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
