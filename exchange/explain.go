package exchange

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// explain turns a failed exchange into one sentence a user can act on,
// followed by the detail (claims, a trust-policy condition, STS's message).
func (x *Exchanger) explain(ctx context.Context, err error, r Request, attempts int, took time.Duration) error {
	c := r.Token.Claims
	where := fmt.Sprintf("endpoint %s, region %s", orUnknown(x.Endpoint), orUnknown(x.Region))
	tries := fmt.Sprintf("%d attempt(s) in %s", attempts, took.Round(time.Millisecond))

	var api smithy.APIError
	if errors.As(err, &api) {
		code, msg := api.ErrorCode(), redact(oneLine(api.ErrorMessage()), r.Token)
		detail := fmt.Sprintf("STS said: %s: %s\n(%s; %s)", code, msg, where, tries)
		e := &Error{Kind: KindRefused, Err: err, Detail: detail}
		switch {
		case code == "AccessDenied" || code == "IDPRejectedClaim":
			e.Msg = fmt.Sprintf("the trust policy of role %s does not accept this token (or the role does not exist): its aud %q or sub %q did not match", r.RoleARN, c.Audience.String(), c.Subject)
			e.Detail = fmt.Sprintf("a trust-policy Condition that accepts exactly this token:\n%s\n%s", TrustCondition(c), detail)
		case code == "InvalidIdentityToken" && strings.Contains(strings.ToLower(msg), "audience"),
			// MinIO: "STS JWT Token has `azp` claim invalid, `azp` must match configured OpenID Client ID".
			code == "InvalidParameterValue" && (strings.Contains(msg, "azp") || strings.Contains(msg, "Client ID")):
			e.Msg = fmt.Sprintf("the identity provider for %s in this account does not list the token's audience %q; add it as a client ID (audience) of the provider, or request the token for an audience the provider lists", c.Issuer, c.Audience.String())
		case code == "InvalidIdentityToken" && c.Issuer == "":
			e.Msg = "STS did not accept the token, which has no iss claim: an identity provider is found by the token's issuer; use an OIDC ID token from your provider"
		case code == "InvalidIdentityToken":
			e.Msg = fmt.Sprintf("STS did not accept the token: the account has no identity provider for issuer %q, or it does not list the audience %q, or the signature could not be verified; create the provider (URL %s, audience %s) in IAM", c.Issuer, c.Audience.String(), c.Issuer, c.Audience.String())
		case code == "ExpiredTokenException" || (code == "InvalidParameterValue" && strings.Contains(strings.ToLower(msg), "expired")):
			e.Kind = KindToken
			e.Msg = "STS says the token has expired; get a fresh token from the identity provider"
			if !c.Expiry.IsZero() {
				e.Msg = fmt.Sprintf("STS says the token expired at %s (%s ago); get a fresh token from the identity provider or check this machine's clock",
					c.Expiry.UTC().Format(time.RFC3339), roundAgo(timeNow().Sub(c.Expiry.Time)))
			}
		case code == "InvalidParameterValue" && strings.Contains(msg, "RoleArn") && strings.Contains(msg, "not defined"):
			// MinIO: "Error processing RoleArn parameter: RoleARN … is not defined."
			e.Msg = fmt.Sprintf("the STS server knows no role %s; check --role-arn (MinIO logs its role ARNs at start: arn:minio:iam:::role/…)", r.RoleARN)
		case code == "ValidationError" && strings.Contains(msg, "MaxSessionDuration"):
			e.Msg = fmt.Sprintf("the requested duration %s exceeds the maximum session duration of role %s; lower --duration or raise the role's MaxSessionDuration (IAM console: role, Summary, Edit)", fmtDuration(r.Duration), r.RoleARN)
		case code == "MalformedPolicyDocument":
			e.Msg = "STS rejected the inline session policy given with --policy as malformed; check it against the IAM policy grammar"
		case code == "PackedPolicyTooLarge":
			e.Msg = "the session policies given with --policy and --policy-arn are too large for STS once packed; use fewer or shorter policies"
		case code == "RegionDisabledException":
			e.Msg = fmt.Sprintf("STS is not activated in region %s for this account; activate it in IAM account settings or pick another --region", orUnknown(x.Region))
		case code == "ValidationError":
			e.Msg = "STS rejected a parameter: " + msg
		case classify(err) == classThrottle:
			e.Kind = KindUnreachable
			e.Msg = fmt.Sprintf("STS kept throttling the requests (%s); try again later, and keep the cache on so that parallel runs share one call", tries)
		case classify(err) == classServer || classify(err) == classIDP:
			e.Kind = KindUnreachable
			e.Msg = fmt.Sprintf("STS kept failing (%s); try again later", tries)
		default:
			e.Msg = fmt.Sprintf("STS refused the exchange with %s: %s", code, msg)
		}
		return e
	}
	switch classify(err) {
	case classTimeout:
		if ctx.Err() != nil {
			return &Error{Kind: KindUnreachable, Err: err,
				Msg: fmt.Sprintf("STS did not answer within the timeout (%s); check network access to the endpoint, or raise --timeout", where)}
		}
		// A timeout of the connection itself (dial, TLS handshake).
		return &Error{Kind: KindUnreachable, Err: err,
			Msg:    fmt.Sprintf("the connection to STS timed out (%s; %s); check network access, proxies and --endpoint-url", where, tries),
			Detail: "cause: " + redact(oneLine(rootCause(err).Error()), r.Token)}
	case classServer, classThrottle:
		// A 5xx or 429 whose body is not an STS error (a proxy or load balancer).
		var re *smithyhttp.ResponseError
		errors.As(err, &re)
		return &Error{Kind: KindUnreachable, Err: err,
			Msg: fmt.Sprintf("STS kept failing with HTTP status %d (%s; %s); try again later", re.HTTPStatusCode(), where, tries)}
	case classTLS:
		return &Error{Kind: KindUnreachable, Err: err,
			Msg:    fmt.Sprintf("the TLS connection to STS failed (%s); if a proxy or private CA intercepts TLS, point AWS_CA_BUNDLE at its CA certificates", where),
			Detail: "cause: " + redact(oneLine(rootCause(err).Error()), r.Token)}
	case classConnection:
		return &Error{Kind: KindUnreachable, Err: err,
			Msg:    fmt.Sprintf("cannot reach STS (%s; %s); check network access, proxies and --endpoint-url", where, tries),
			Detail: "cause: " + redact(oneLine(rootCause(err).Error()), r.Token)}
	}
	// An answer the SDK could not read. Not every such failure is a
	// DeserializationError: a truncated XML document or an unparsable
	// Expiration comes wrapped only in the ResponseError of the answer.
	var de *smithy.DeserializationError
	var answered *smithyhttp.ResponseError
	if errors.As(err, &de) || (errors.As(err, &answered) && answered.HTTPStatusCode() != 0 && ctx.Err() == nil) {
		return &Error{Kind: KindUnreachable, Err: err,
			Msg: fmt.Sprintf("the answer from %s is not an STS response; check --endpoint-url / AWS_ENDPOINT_URL_STS", where)}
	}
	if ctx.Err() != nil {
		return &Error{Kind: KindUnreachable, Err: err,
			Msg: fmt.Sprintf("STS did not answer within the timeout (%s); check network access to the endpoint, or raise --timeout", where)}
	}
	return &Error{Kind: KindInternal, Err: err, Msg: "the STS call failed: " + redact(oneLine(err.Error()), r.Token)}
}

// rootCause strips the SDK's operation wrappers, keeping the network error
// (whose url.Error names the URL that was tried).
func rootCause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue
	}
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

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

// TrustCondition is the IAM Condition block that accepts exactly the token
// with these claims.
func TrustCondition(c Claims) string {
	aud := []string{c.Audience.String()}
	if len(c.Audience) > 1 {
		aud = c.Audience
	}
	// The same shape as TrustSpec.Policy's Condition (trustpolicy.go).
	cond := map[string]any{"Condition": condition(Provider(c.Issuer), aud, []string{c.Subject})}
	s := strings.TrimSuffix(encodeJSON(cond), "\n")
	return strings.TrimSuffix(strings.TrimPrefix(s, "{\n"), "\n}")
}

func fmtDuration(d time.Duration) string {
	if d == 0 {
		return "1h (the default)"
	}
	return d.String()
}

func orUnknown(s string) string {
	if s == "" {
		return "(unknown)"
	}
	return s
}
