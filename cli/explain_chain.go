package cli

import (
	"fmt"
	"strings"

	"github.com/oidc-creds/oidc-creds/arn"
	"github.com/oidc-creds/oidc-creds/exchange"
	"github.com/oidc-creds/oidc-creds/trust"
)

// hopRules explain a failed sts:AssumeRole of a role chain (CallError.Hop
// set): its refusals here, then the rules of every STS call that do not
// depend on the web-identity token (throttling, the network, the answer).
var hopRules = append([]stsRule{
	{code: "AccessDenied", say: hopDenied, detail: hopTrustDetail},
	// AWS answers AccessDenied for a role that does not exist; other STS
	// servers say so (MinIO: "RoleARN … is not defined").
	{code: "NoSuchEntity", say: hopNoRole},
	{code: "InvalidParameterValue", contains: []string{"rolearn", "not defined"}, say: hopNoRole},
	{code: "ExpiredToken", say: func(e *exchange.CallError) string {
		return fmt.Sprintf("the credentials of %s had expired when STS received the sts:AssumeRole of role %s (hop %d of the chain); run again to renew them, and check this machine's clock",
			hopCaller(e), e.Request.RoleARN, e.Hop.Index)
	}},
	{code: "InvalidClientTokenId", say: func(e *exchange.CallError) string {
		return fmt.Sprintf("STS did not recognise the credentials of %s that signed the sts:AssumeRole of role %s (hop %d of the chain): they were revoked, or issued by another STS (check --endpoint-url and --region)",
			hopCaller(e), e.Request.RoleARN, e.Hop.Index)
	}},
	{code: "SignatureDoesNotMatch", say: func(e *exchange.CallError) string {
		return fmt.Sprintf("STS refused the signature of the sts:AssumeRole of role %s (hop %d of the chain): this machine's clock is most likely off by more than 5 minutes (sync it with NTP), or a proxy altered the request",
			e.Request.RoleARN, e.Hop.Index)
	}},
	{code: "ValidationError", contains: []string{"role chaining"}, say: func(e *exchange.CallError) string {
		return fmt.Sprintf("STS refused the duration %s of role %s: a session reached by role chaining lasts at most 1 hour; lower --duration to 1h or less", fmtDuration(e.Request.Duration), e.Request.RoleARN)
	}},
	{code: "ValidationError", contains: []string{"MaxSessionDuration"}, say: func(e *exchange.CallError) string {
		return fmt.Sprintf("the requested duration %s exceeds the maximum session duration of role %s (hop %d of the chain); lower --duration or raise the role's MaxSessionDuration", fmtDuration(e.Request.Duration), e.Request.RoleARN, e.Hop.Index)
	}},
	{code: "MalformedPolicyDocument", say: func(e *exchange.CallError) string {
		return fmt.Sprintf("STS rejected the inline session policy given with --policy for role %s, the last of the chain, as malformed; check it against the IAM policy grammar", e.Request.RoleARN)
	}},
	packedPolicyTooLarge,
	{code: "RegionDisabledException", say: func(e *exchange.CallError) string {
		return fmt.Sprintf("STS is not activated in region %s for the account of role %s; activate it in IAM account settings or pick another --region", exchange.OrUnknown(e.Region), e.Request.RoleARN)
	}},
	{class: exchange.ClassRefused, say: func(e *exchange.CallError) string {
		return fmt.Sprintf("STS refused the sts:AssumeRole of role %s (hop %d of the chain) with %s: %s", e.Request.RoleARN, e.Hop.Index, e.Code, e.Message)
	}},
}, tokenFreeRules()...)

// tokenFreeRules are the rules of stsRules for failures without a refusal.
func tokenFreeRules() []stsRule {
	var out []stsRule
	for _, r := range stsRules {
		if r.code == "" && r.class != exchange.ClassRefused {
			out = append(out, r)
		}
	}
	return out
}

// hopDenied words an AccessDenied of a chained hop. AWS answers the same
// for a trust policy that does not list the asking role, an external id
// that does not match (or is missing), and a role that does not exist, so
// the sentence follows what was given: with an external id, it or the
// trust policy; without one, the trust policy or an external id the role
// requires.
func hopDenied(e *exchange.CallError) string {
	h := e.Hop
	var why string
	switch {
	case h.ExternalID != "":
		why = "its trust policy does not allow " + h.CallerRole + " or the external id given with --external-id does not match its sts:ExternalId condition"
	case h.Last:
		why = "its trust policy does not allow " + h.CallerRole + ", or the role requires an external id: pass --external-id"
	default:
		why = "its trust policy does not allow " + h.CallerRole + ", or the role requires an external id, which --external-id gives only to the last --chain-role-arn"
	}
	return fmt.Sprintf("role %s (hop %d of the chain) refused sts:AssumeRole for %s (or the role does not exist): %s",
		e.Request.RoleARN, h.Index, hopCaller(e), why)
}

func hopNoRole(e *exchange.CallError) string {
	return fmt.Sprintf("the STS server knows no role %s (hop %d of the chain); check that --chain-role-arn names an existing role", e.Request.RoleARN, e.Hop.Index)
}

// hopTrustDetail is the trust-policy statement the refusing role needs,
// and, across accounts, the permission the asking role needs too.
func hopTrustDetail(e *exchange.CallError) string {
	st := trust.RoleStatement([]string{e.Hop.CallerRole}, e.Hop.ExternalID)
	out := fmt.Sprintf("the trust-policy statement role %s needs (oidc-creds trust-policy --trust-role %s%s prints the whole policy):\n%s",
		e.Request.RoleARN, e.Hop.CallerRole, externalIDArg(e.Hop.ExternalID), st)
	target, err1 := arn.ParseRole(e.Request.RoleARN)
	caller, err2 := arn.ParseRole(e.Hop.CallerRole)
	if err1 == nil && err2 == nil && target.Account != caller.Account {
		out += fmt.Sprintf("\nacross accounts, the policies of %s must also allow sts:AssumeRole on %s", e.Hop.CallerRole, e.Request.RoleARN)
	}
	return out
}

func externalIDArg(id string) string {
	if id == "" {
		return ""
	}
	return " --external-id " + id
}

// hopCaller names the session that signed the hop: its assumed-role ARN,
// else (MinIO gives none) its role.
func hopCaller(e *exchange.CallError) string {
	if e.Hop.Caller != "" {
		return strings.TrimSpace(e.Hop.Caller)
	}
	return "the session of role " + e.Hop.CallerRole
}
