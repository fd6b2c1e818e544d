package exchange

import (
	"encoding/json"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/token"
)

// MaxPolicyLength is STS's limit on an inline session policy, in characters.
const MaxPolicyLength = 2048

// LoadPolicy reads an inline session policy given as JSON text or as
// @FILE, checks that it is JSON and within STS's length limit, and returns
// it trimmed. name is what messages call JSON text given inline (the
// caller's name for the input); a file is called by its path.
func LoadPolicy(s, name string) (string, error) {
	if s == "" {
		return "", nil
	}
	origin := name
	if name, ok := strings.CutPrefix(s, "@"); ok {
		b, err := os.ReadFile(name)
		if err != nil {
			return "", &creds.Error{Kind: creds.KindInput, Input: creds.InputPolicy, Msg: "cannot read the session policy file " + name + ": " + token.PathCause(err).Error(), Err: err}
		}
		s, origin = string(b), "the session policy file "+name
	}
	s = strings.TrimSpace(s)
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return "", &creds.Error{Kind: creds.KindInput, Input: creds.InputPolicy, Msg: origin + " is not valid JSON (" + err.Error() + "); give a policy document such as {\"Version\":\"2012-10-17\",\"Statement\":[...]} or @FILE", Err: err}
	}
	if _, ok := v.(map[string]any); !ok {
		return "", inputError(creds.InputPolicy, "%s is JSON but not an object; a session policy is a document such as {\"Version\":\"2012-10-17\",\"Statement\":[...]}", origin)
	}
	if n := utf8.RuneCountInString(s); n > MaxPolicyLength {
		return "", inputError(creds.InputPolicy, "%s is %d characters long; STS accepts at most %d (white space counts: minify it)", origin, n, MaxPolicyLength)
	}
	return s, nil
}
