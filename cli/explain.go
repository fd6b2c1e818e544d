package cli

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/exchange"
	"github.com/oidc-creds/oidc-creds/token"
	"github.com/oidc-creds/oidc-creds/trust"
)

// stsRule turns one kind of failed exchange into a sentence. A rule
// matches when its code is STS's error code ("" = any, or none), every
// word of contains is in STS's message (ignoring case), its class is the
// failure's (0 = any) and when, if set, holds.
type stsRule struct {
	code     string
	contains []string
	class    exchange.Class
	when     func(e *exchange.CallError) bool
	kind     creds.Kind // 0 = the failure's own kind
	say      func(e *exchange.CallError) string
	detail   func(e *exchange.CallError) string // before STS's words; nil = none
	cause    bool                               // show the network error as the detail
}

// stsRules are tried in order; the first that matches explains the failure.
// They cover STS's codes and messages, and MinIO's, which words the same
// refusals differently.
var stsRules = []stsRule{
	{code: "AccessDenied", say: trustRefused, detail: trustDetail},
	{code: "IDPRejectedClaim", say: trustRefused, detail: trustDetail},
	{code: "InvalidIdentityToken", contains: []string{"audience"}, say: audienceUnknown},
	// MinIO: "STS JWT Token has `azp` claim invalid, `azp` must match configured OpenID Client ID".
	{code: "InvalidParameterValue", contains: []string{"azp"}, say: audienceUnknown},
	{code: "InvalidParameterValue", contains: []string{"client id"}, say: audienceUnknown},
	{code: "InvalidIdentityToken", when: noIssuer, say: func(*exchange.CallError) string {
		return "STS did not accept the token, which has no iss claim: an identity provider is found by the token's issuer; use an OIDC ID token from your provider"
	}},
	{code: "InvalidIdentityToken", say: func(e *exchange.CallError) string {
		c := e.Request.Token.Claims
		return fmt.Sprintf("STS did not accept the token: the account has no identity provider for issuer %q, or it does not list the audience %q, or the signature could not be verified; create the provider (URL %s, audience %s) in IAM", c.Issuer, c.Audience.String(), shown(c.Issuer), shown(c.Audience.String()))
	}},
	{code: "ExpiredTokenException", kind: creds.KindToken, say: tokenExpired},
	{code: "InvalidParameterValue", contains: []string{"expired"}, kind: creds.KindToken, say: tokenExpired},
	// MinIO: "Error processing RoleArn parameter: RoleARN … is not defined."
	{code: "InvalidParameterValue", contains: []string{"rolearn", "not defined"}, say: func(e *exchange.CallError) string {
		return fmt.Sprintf("the STS server knows no role %s; check --role-arn (MinIO logs its role ARNs at start: arn:minio:iam:::role/…)", e.Request.RoleARN)
	}},
	{code: "ValidationError", contains: []string{"MaxSessionDuration"}, say: func(e *exchange.CallError) string {
		return fmt.Sprintf("the requested duration %s exceeds the maximum session duration of role %s; lower --duration or raise the role's MaxSessionDuration (IAM console: role, Summary, Edit)", fmtDuration(e.Request.Duration), e.Request.RoleARN)
	}},
	{code: "MalformedPolicyDocument", say: func(*exchange.CallError) string {
		return "STS rejected the inline session policy given with --policy as malformed; check it against the IAM policy grammar"
	}},
	packedPolicyTooLarge,
	{code: "RegionDisabledException", say: func(e *exchange.CallError) string {
		return fmt.Sprintf("STS is not activated in region %s for this account; activate it in IAM account settings or pick another --region", exchange.OrUnknown(e.Region))
	}},
	{code: "ValidationError", say: func(e *exchange.CallError) string { return "STS rejected a parameter: " + e.Message }},
	{class: exchange.ClassThrottled, say: func(e *exchange.CallError) string {
		return fmt.Sprintf("STS kept throttling the requests (%s); try again later, and keep the cache on so that parallel runs share one call", tries(e))
	}},
	{class: exchange.ClassServer, when: answeredCode, say: func(e *exchange.CallError) string {
		return fmt.Sprintf("STS kept failing (%s); try again later", tries(e))
	}},
	{class: exchange.ClassRefused, say: func(e *exchange.CallError) string {
		return fmt.Sprintf("STS refused the exchange with %s: %s", e.Code, e.Message)
	}},

	// No STS error code: the network, TLS, or an answer that is not STS's.
	{class: exchange.ClassTimeout, say: func(e *exchange.CallError) string {
		return fmt.Sprintf("STS did not answer within the timeout (%s); check network access to the endpoint, or raise --timeout", where(e))
	}},
	{class: exchange.ClassConnTimeout, cause: true, say: func(e *exchange.CallError) string {
		return fmt.Sprintf("the connection to STS timed out (%s; %s); check network access, proxies and --endpoint-url", where(e), tries(e))
	}},
	{class: exchange.ClassServer, say: func(e *exchange.CallError) string {
		return fmt.Sprintf("STS kept failing with HTTP status %d (%s; %s); try again later", e.Status, where(e), tries(e))
	}},
	{class: exchange.ClassTLS, cause: true, say: func(e *exchange.CallError) string {
		return fmt.Sprintf("the TLS connection to STS failed (%s); if a proxy or private CA intercepts TLS, point AWS_CA_BUNDLE at its CA certificates", where(e))
	}},
	{class: exchange.ClassConnection, cause: true, say: func(e *exchange.CallError) string {
		return fmt.Sprintf("cannot reach STS (%s; %s); check network access, proxies and --endpoint-url", where(e), tries(e))
	}},
	{class: exchange.ClassBadAnswer, when: is(exchange.ErrNoCredentials), say: func(*exchange.CallError) string {
		return "STS answered without credentials; check that --endpoint-url points at an STS endpoint"
	}},
	{class: exchange.ClassBadAnswer, when: is(exchange.ErrNoExpiration), say: func(*exchange.CallError) string {
		return "STS answered with credentials that have no expiration; refusing to hand out credentials of unknown lifetime"
	}},
	{class: exchange.ClassBadAnswer, say: func(e *exchange.CallError) string {
		return fmt.Sprintf("the answer from %s is not an STS response; check --endpoint-url / AWS_ENDPOINT_URL_STS", where(e))
	}},
	{say: func(e *exchange.CallError) string { return "the STS call failed: " + e.Cause }},
}

// packedPolicyTooLarge is the same for the web-identity call and a hop:
// the session policies go to the one call that carries them.
var packedPolicyTooLarge = stsRule{code: "PackedPolicyTooLarge", say: func(*exchange.CallError) string {
	return "the session policies given with --policy and --policy-arn are too large for STS once packed; use fewer or shorter policies"
}}

// explain words a failed exchange (an *exchange.CallError) as one sentence
// and its detail; other errors are returned as they are.
func explain(err error) error {
	var e *exchange.CallError
	if !errors.As(err, &e) {
		return err
	}
	rules := stsRules
	if e.Hop != nil {
		rules = hopRules // explain_chain.go
	}
	for _, r := range rules {
		if r.matches(e) {
			return r.explain(e)
		}
	}
	return err // unreachable: the last rule matches everything
}

func (r stsRule) matches(e *exchange.CallError) bool {
	if r.code != "" && r.code != e.Code || r.class != 0 && r.class != e.Class {
		return false
	}
	msg := strings.ToLower(e.Message)
	for _, w := range r.contains {
		if !strings.Contains(msg, strings.ToLower(w)) {
			return false
		}
	}
	return r.when == nil || r.when(e)
}

func (r stsRule) explain(e *exchange.CallError) error {
	out := &creds.Error{Kind: r.kind, Msg: r.say(e), Err: e}
	if out.Kind == 0 {
		out.Kind = e.Kind()
	}
	var detail []string
	if r.detail != nil {
		detail = append(detail, r.detail(e))
	}
	if e.Code != "" {
		detail = append(detail, fmt.Sprintf("STS said: %s: %s\n(%s; %s)", e.Code, e.Message, where(e), tries(e)))
	} else if r.cause {
		detail = append(detail, "cause: "+e.Cause)
	}
	out.Detail = strings.Join(detail, "\n")
	return out
}

func trustRefused(e *exchange.CallError) string {
	c := e.Request.Token.Claims
	return fmt.Sprintf("the trust policy of role %s does not accept this token (or the role does not exist): its aud %q or sub %q did not match", e.Request.RoleARN, c.Audience.String(), c.Subject)
}

func trustDetail(e *exchange.CallError) string {
	return "a trust-policy Condition that accepts exactly this token:\n" + trust.Condition(e.Request.Token.Claims)
}

func audienceUnknown(e *exchange.CallError) string {
	c := e.Request.Token.Claims
	return fmt.Sprintf("the identity provider for %s in this account does not list the token's audience %q; add it as a client ID (audience) of the provider, or request the token for an audience the provider lists", shown(c.Issuer), c.Audience.String())
}

func tokenExpired(e *exchange.CallError) string {
	exp := e.Request.Token.Claims.Expiry
	if exp.IsZero() {
		return "STS says the token has expired; get a fresh token from the identity provider"
	}
	return fmt.Sprintf("STS says the token expired at %s (%s ago); get a fresh token from the identity provider or check this machine's clock",
		exp.UTC().Format(time.RFC3339), token.Span(exp.Time, timeNow()))
}

func noIssuer(e *exchange.CallError) bool     { return e.Request.Token.Claims.Issuer == "" }
func answeredCode(e *exchange.CallError) bool { return e.Code != "" }

func is(target error) func(*exchange.CallError) bool {
	return func(e *exchange.CallError) bool { return errors.Is(e, target) }
}

func where(e *exchange.CallError) string {
	return fmt.Sprintf("endpoint %s, region %s", exchange.OrUnknown(e.Endpoint), exchange.OrUnknown(e.Region))
}

func tries(e *exchange.CallError) string {
	return fmt.Sprintf("%d attempt(s) in %s", e.Attempts, e.Took.Round(time.Millisecond))
}

func fmtDuration(d time.Duration) string {
	if d == 0 {
		return "1h (the default)"
	}
	return d.String()
}
