package trust

import (
	"fmt"
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
// with these claims.
func Condition(c token.Claims) string {
	aud := []string{c.Audience.String()}
	if len(c.Audience) > 1 {
		aud = c.Audience
	}
	// The same shape as Spec.Policy's Condition (trustpolicy.go).
	cond := map[string]any{"Condition": condition(Provider(c.Issuer), aud, []string{c.Subject})}
	s := strings.TrimSuffix(encodeJSON(cond), "\n")
	return strings.TrimSuffix(strings.TrimPrefix(s, "{\n"), "\n}")
}

// PulumiDeploySubject is the StringLike pattern that trusts the
// Deployments of a project, or of one stack when stack is not empty.
func PulumiDeploySubject(org, project, stack string) string {
	if stack == "" {
		return fmt.Sprintf("pulumi:deploy:org:%s:project:%s:*", org, project)
	}
	return fmt.Sprintf("pulumi:deploy:org:%s:project:%s:stack:%s:*", org, project, stack)
}

// PulumiESCSubject is the subject of Pulumi ESC environment env.
func PulumiESCSubject(org, env string) string {
	return fmt.Sprintf("pulumi:environments:org:%s:env:%s", org, env)
}

// PulumiESCFromIaCEnv is the environment name in the subject of the tokens
// ESC issues when it is opened from Pulumi IaC (a known Pulumi issue): the
// literal "<yaml>", whatever the environment.
const PulumiESCFromIaCEnv = "<yaml>"
