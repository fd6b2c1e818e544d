package exchange

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/userfile"
)

// MaxPolicyLength is STS's limit on an inline session policy, in characters.
const MaxPolicyLength = 2048

// maxPolicyFile bounds what is read of a policy file.
const maxPolicyFile = 1 << 20

func policyFileError(name string, err error) error {
	var tl *userfile.TooLargeError
	msg := "cannot read the session policy file " + name + ": "
	switch {
	case errors.As(err, &tl):
		msg += fmt.Sprintf("it is larger than 1 MiB; STS accepts at most %d characters", MaxPolicyLength)
	case userfile.TimedOut(err):
		msg += "it gave nothing in time (a FIFO or device that no one writes to?)"
	default:
		msg += userfile.PathCause(err).Error()
	}
	return &creds.Error{Kind: creds.KindInput, Input: creds.InputPolicy, Msg: msg, Err: err}
}

// LoadPolicy reads an inline session policy given as JSON text or as
// @FILE, checks that it is JSON and within STS's length limit, and returns
// it trimmed. name is what messages call JSON text given inline (the
// caller's name for the input); a file is called by its path, and read
// within ctx (a file that blocks fails when ctx ends).
func LoadPolicy(ctx context.Context, s, name string) (string, error) {
	if s == "" {
		return "", nil
	}
	origin := name
	if name, ok := strings.CutPrefix(s, "@"); ok {
		b, err := userfile.Read(ctx, name, maxPolicyFile)
		if err != nil {
			return "", policyFileError(name, err)
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
