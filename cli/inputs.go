package cli

import (
	"context"
	"time"

	"github.com/oidc-creds/oidc-creds/arn"
	"github.com/oidc-creds/oidc-creds/exchange"
	"github.com/oidc-creds/oidc-creds/token"
)

// inputs are the exchange inputs once checked: everything but the token.
type inputs struct {
	role        arn.Role
	duration    time.Duration
	policyARNs  []string
	policy      string     // the inline session policy, loaded and trimmed
	sessionName string     // as given; "" = derived from the token
	chain       []arn.Role // the roles assumed in turn after role, with sts:AssumeRole
	externalID  string     // for the last role of chain
}

// problem is an input that failed its check, with the doctor check it
// belongs to.
type problem struct {
	check string // "role ARN", "session", "STS endpoint", "timeout" or "refresh window"
	err   error
}

// check validates every exchange input but the token, in one place for
// every command that exchanges (process, env, exec, serve, doctor,
// configure-profile), and returns the problems in the order of the flags.
// Files (--policy @FILE) are read within ctx.
func (f *ExchangeFlags) check(ctx context.Context) (inputs, []problem) {
	var in inputs
	var probs []problem
	fail := func(check string, err error) { probs = append(probs, problem{check, err}) }
	var err error
	if f.RoleARN == "" {
		fail("role ARN", usageError("no role ARN: pass --role-arn or set OIDC_CREDS_ROLE_ARN or AWS_ROLE_ARN (arn:aws:iam::ACCOUNT:role/NAME)"))
	} else if in.role, err = arn.ParseRole(f.RoleARN); err != nil {
		fail("role ARN", err)
	}
	if in.duration, err = exchange.ParseDuration(f.Duration); err != nil {
		fail("session", err)
	}
	if in.policyARNs, err = arn.ValidatePolicies(f.PolicyARNs); err != nil {
		fail("session", err)
	}
	if in.policy, err = exchange.LoadPolicy(ctx, f.Policy, "--policy"); err != nil {
		fail("session", err)
	}
	if f.SessionName != "" {
		if err := exchange.ValidateSessionName(f.SessionName); err != nil {
			fail("session", err)
		}
		in.sessionName = f.SessionName
	}
	f.checkChain(&in, fail)
	if f.Region != "" {
		if err := checkRegion(f.Region, f.given.name("region")); err != nil {
			fail("STS endpoint", err)
		}
	}
	if f.EndpointURL != "" {
		if err := checkEndpointURL(f.EndpointURL, f.given.name("endpoint-url")); err != nil {
			fail("STS endpoint", err)
		}
	}
	if f.Timeout <= 0 {
		fail("timeout", usageError("%s", timeoutRule(f.given.name("timeout"))))
	}
	if f.RefreshWindow < 0 {
		fail("refresh window", usageError("%s", refreshWindowRule(f.given.name("refresh-window"))))
	}
	return in, probs
}

// The rules of the duration flags, for a value that came from name (the
// flag or its variable).
func timeoutRule(name string) string       { return name + " must be positive, e.g. 30s" }
func refreshWindowRule(name string) string { return name + " must not be negative, e.g. 15m" }
func durationRule(name string) string {
	return name + " must be a session duration from 15m to 12h, e.g. 1h"
}

// withToken checks tok and completes r with it.
func (f *ExchangeFlags) withToken(o *IO, r *exchange.Request, tok *token.Token) error {
	r.Token = tok
	if o.Verbose { // Describe formats every claim: not on the quiet hot path
		o.Logf("token from %s: %s", tok.Origin, tok.Describe())
	}
	if err := tok.Check(timeNow()); err != nil {
		return err
	}
	if r.SessionName == "" {
		r.SessionName = exchange.SessionNameFor(tok.Claims)
		o.Logf("session name %s (derived from the token)", r.SessionName)
	}
	return nil
}
