package exchange

import (
	"encoding/json"
	"os"
	"strings"
	"unicode/utf8"
)

// MaxPolicyLength is STS's limit on an inline session policy, in characters.
const MaxPolicyLength = 2048

// LoadPolicy reads an inline session policy given as JSON text or as
// @FILE, checks that it is JSON and within STS's length limit, and returns
// it trimmed.
func LoadPolicy(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	origin := "--policy"
	if name, ok := strings.CutPrefix(s, "@"); ok {
		b, err := os.ReadFile(name)
		if err != nil {
			return "", &Error{Kind: KindInput, Msg: "cannot read the session policy file " + name + ": " + pathCause(err).Error(), Err: err}
		}
		s, origin = string(b), "the session policy file "+name
	}
	s = strings.TrimSpace(s)
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return "", &Error{Kind: KindInput, Msg: origin + " is not valid JSON (" + err.Error() + "); give a policy document such as {\"Version\":\"2012-10-17\",\"Statement\":[...]} or @FILE", Err: err}
	}
	if _, ok := v.(map[string]any); !ok {
		return "", inputError("%s is JSON but not an object; a session policy is a document such as {\"Version\":\"2012-10-17\",\"Statement\":[...]}", origin)
	}
	if n := utf8.RuneCountInString(s); n > MaxPolicyLength {
		return "", inputError("%s is %d characters long; STS accepts at most %d (white space counts: minify it)", origin, n, MaxPolicyLength)
	}
	return s, nil
}
