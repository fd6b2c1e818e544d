package exchange

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/oidc-creds/oidc-creds/arn"
	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/token"
)

// DefaultSessionName is used when the token offers nothing usable.
const DefaultSessionName = "oidc-creds"

// ValidateSessionName checks STS's rule: 2–64 characters of [\w+=,.@-].
func ValidateSessionName(s string) error {
	if len(s) < 2 || len(s) > 64 || !arn.ValidNameChars(s) {
		return inputError(creds.InputSession, "session name %q is not valid for STS; use 2 to 64 characters of letters, digits and + = , . @ _ -", creds.Clip(s))
	}
	return nil
}

// SessionNameFor derives a session name from the token so that CloudTrail
// shows who assumed the role: for Pulumi Deployments
// pulumi-ORG-PROJECT-STACK[-OPERATION], for Pulumi ESC
// pulumi-ORG-env-[PROJECT-]ENV[-by-USER], otherwise the subject itself; made
// valid for STS and at most 64 characters (a long name keeps its start and
// ends in a short hash).
func SessionNameFor(c token.Claims) string {
	name := pulumiSessionName(c.Subject)
	if name == "" {
		name = c.Subject
	}
	name = strings.Trim(sessionSafe(name), "-")
	if len(name) > 64 {
		h := sha256.Sum256([]byte(name))
		name = strings.TrimRight(name[:55], "-") + "-" + hex.EncodeToString(h[:4])
	}
	if len(name) < 2 {
		return DefaultSessionName
	}
	return name
}

// pulumiSessionName names a session after a Pulumi subject (see
// ParsePulumiSubject): pulumi-ORG-PROJECT-STACK-OPERATION for Deployments;
// pulumi-ORG-env-[PROJECT-]ENV for ESC (the environment opened when the
// subject names only that one), then -by-USER when it names the user;
// pulumi-env-ENV_ID for fn::open::oidc; pulumi-ORG-KIND otherwise; "" for a
// subject that is not Pulumi's.
func pulumiSessionName(sub string) string {
	p, ok := token.ParsePulumiSubject(sub)
	if !ok {
		return ""
	}
	parts := []string{"pulumi", p.Org}
	switch {
	case p.Kind == "deploy":
		parts = append(parts, p.Project, p.Stack, p.Operation)
	case p.Kind == "environments" && p.EnvID != "":
		parts = append(parts, "env", p.EnvID)
	case p.Kind == "environments":
		parts = append(parts, "env", p.Project, p.Env)
		if p.Env == "" {
			parts = append(parts, p.RootEnv)
		}
		if p.User != "" {
			parts = append(parts, "by", p.User)
		}
	default:
		parts = append(parts, p.Kind)
	}
	var kept []string
	for _, p := range parts {
		if p = strings.Trim(sessionSafe(p), "-"); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, "-")
}

// sessionSafe replaces each run of characters STS does not allow in a
// session name with one "-".
func sessionSafe(s string) string {
	var b strings.Builder
	run := false
	for i := 0; i < len(s); i++ {
		if arn.IsNameChar(s[i]) {
			b.WriteByte(s[i])
			run = false
		} else if !run {
			b.WriteByte('-')
			run = true
		}
	}
	return b.String()
}

// ValidateExternalID checks STS's rule for ExternalId: 2–1224 characters
// of [\w+=,.@:/-].
func ValidateExternalID(s string) error {
	ok := len(s) >= 2 && len(s) <= 1224
	for i := 0; ok && i < len(s); i++ {
		ok = arn.IsNameChar(s[i]) || s[i] == ':' || s[i] == '/'
	}
	if !ok {
		return inputError(creds.InputExternalID, "external id %q is not valid for STS; use 2 to 1224 characters of letters, digits and + = , . @ : / _ -", creds.Clip(s))
	}
	return nil
}
