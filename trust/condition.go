package trust

import (
	"strings"

	"github.com/oidc-creds/oidc-creds/token"
)

// Provider is how IAM names the identity provider of an issuer in policy
// condition keys: its host and path, without scheme or trailing slash
// (https://api.pulumi.com/oidc → api.pulumi.com/oidc).
func Provider(issuer string) string {
	p := issuer
	if i := strings.Index(p, "://"); i >= 0 {
		p = p[i+3:]
	}
	p = strings.TrimRight(p, "/")
	if p == "" {
		return "PROVIDER"
	}
	return p
}

// Condition is the IAM Condition block that accepts exactly the token
// with these claims: a subject with * or ? in it is matched with
// StringEquals, so that it is not taken for a pattern.
func Condition(c token.Claims) string {
	aud := []string{c.Audience.String()}
	if len(c.Audience) > 1 {
		aud = c.Audience
	}
	// The same shape as Spec.Policy's Condition (trustpolicy.go).
	cond := map[string]any{"Condition": condition(Provider(c.Issuer), aud, []string{c.Subject}, true)}
	s := strings.TrimSuffix(encodeJSON(cond), "\n")
	return strings.TrimSuffix(strings.TrimPrefix(s, "{\n"), "\n}")
}
