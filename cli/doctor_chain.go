package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/exchange"
)

// checkHops walks the role chain after the web-identity exchange: one
// check per hop, each signed with the previous hop's credentials; after a
// failure the later hops are skipped.
func (c *DoctorCmd) checkHops(ctx context.Context, ck *checklist, x *exchange.Exchanger, hops []exchange.Hop, signer creds.Credentials) {
	for i, h := range hops {
		name := hopCheck(h)
		cr, err := x.AssumeRole(ctx, h, signer)
		err = explain(err)
		if err == nil {
			err = issuedExpired(cr, "")
		}
		if err != nil {
			ck.fail(name, withHint(err, hopHint(err)))
			c.skipHops(ck, hops[i+1:], fmt.Sprintf("not tried: hop %d failed", h.Index))
			return
		}
		ck.ok(name, "STS issued credentials for role %s as %s: %s", h.RoleARN, exchange.OrUnknown(cr.ARN), issued(cr))
		signer = cr
	}
}

func (c *DoctorCmd) skipHops(ck *checklist, hops []exchange.Hop, why string) {
	for _, h := range hops {
		ck.skip(hopCheck(h), "%s", why)
	}
}

// hopCheck names the check of one hop.
func hopCheck(h exchange.Hop) string {
	return fmt.Sprintf("hop %d (sts:AssumeRole)", h.Index)
}

// hopHint says what to run after a refused hop.
func hopHint(err error) string {
	ce := callError(err)
	if ce == nil || ce.Hop == nil || ce.Code != "AccessDenied" {
		return ""
	}
	return fmt.Sprintf("the whole trust policy for role %s: oidc-creds trust-policy --trust-role %s%s", ce.Request.RoleARN, ce.Hop.CallerRole, externalIDArg(ce.Hop.ExternalID))
}

// issued describes credentials without a secret: account and expiry.
func issued(cr creds.Credentials) string {
	acct := cr.AccountID
	if acct == "" {
		acct = "(not reported)"
	}
	return fmt.Sprintf("account %s, valid until %s (%s)", acct, cr.Expiration.UTC().Format(time.RFC3339), roundLeft(cr.Expiration.Sub(timeNow())))
}

// callError is the *exchange.CallError in err's chain, or nil.
func callError(err error) *exchange.CallError {
	var ce *exchange.CallError
	if errors.As(err, &ce) {
		return ce
	}
	return nil
}
