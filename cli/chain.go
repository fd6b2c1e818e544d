package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/oidc-creds/oidc-creds/arn"
	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/exchange"
)

// checkChain is check's part for the role chain: the ARNs, the external id,
// and a duration the chain's last session can have. It fills in in.chain
// and in.externalID.
func (f *ExchangeFlags) checkChain(in *inputs, fail func(check string, err error)) {
	for i, a := range f.ChainRoleARNs {
		// "A, B" is A and B, as for --policy-arn (arn.ValidatePolicies).
		r, err := arn.ParseRole(strings.TrimSpace(a))
		if err != nil {
			fail("role ARN", flagError(fmt.Sprintf("--chain-role-arn (role %d of the chain)", i+1), err))
			continue
		}
		in.chain = append(in.chain, r)
	}
	if err := chainPartitions(in.role, in.chain); err != nil {
		fail("role ARN", err)
	}
	if f.ExternalID != "" {
		if err := exchange.ValidateExternalID(f.ExternalID); err != nil {
			fail("session", flagError("--external-id", err))
		} else if len(f.ChainRoleARNs) == 0 {
			fail("session", usageError("--external-id is sent with the sts:AssumeRole of the last --chain-role-arn, and no --chain-role-arn is given; add the role that requires it"))
		}
		in.externalID = f.ExternalID
	}
	if len(f.ChainRoleARNs) > 0 && in.duration > exchange.ChainedMaxDuration {
		fail("session", creds.InputErrorf(creds.InputDuration, "--duration %s is longer than the 1 hour AWS allows for a session reached by role chaining (--chain-role-arn); use at most 1h", f.Duration))
	}
}

// chainPartitions refuses a chain that leaves the partition of its first
// role (first, "" when --role-arn was not valid): a role session can
// assume roles of its own partition only, so such a chain fails at the
// hop, whatever the trust policies say.
func chainPartitions(first arn.Role, chain []arn.Role) error {
	prev := first
	for _, r := range chain {
		if prev.ARN != "" && r.Partition != prev.Partition {
			return usageError("--chain-role-arn %s is in partition %s, and the role before it in the chain, %s, in partition %s: a session can assume only roles of its own partition; chain roles of one partition (another partition needs its own chain, from a --role-arn there)",
				r.ARN, r.Partition, prev.ARN, prev.Partition)
		}
		prev = r
	}
	return nil
}

// flagError prefixes a library's input error with the flag that gave it.
func flagError(flag string, err error) error {
	if e, ok := err.(*creds.Error); ok {
		c := *e
		c.Msg = flag + ": " + c.Msg
		return &c
	}
	return usageError("%s: %v", flag, err)
}

// plan splits the exchange r into the web-identity request and the
// sts:AssumeRole hops after it. Without a chain, it is r and no hops.
// With one, every hop has r's session name; the last gets r's session
// policies, duration and the external id; the others (and the
// web-identity exchange) ask for the default hour, which every role
// grants, so that a chain and a plain exchange for the same role share
// the first cache entry.
func (in inputs) plan(r exchange.Request) (exchange.Request, []exchange.Hop) {
	if len(in.chain) == 0 {
		return r, nil
	}
	first := r
	first.PolicyARNs, first.Policy, first.Duration = nil, "", time.Hour
	hops := make([]exchange.Hop, len(in.chain))
	caller := r.RoleARN
	for i, role := range in.chain {
		hops[i] = exchange.Hop{Index: i + 1, RoleARN: role.ARN, SessionName: r.SessionName, CallerRole: caller, Duration: exchange.ChainedMaxDuration}
		caller = role.ARN
	}
	last := &hops[len(hops)-1]
	last.PolicyARNs, last.Policy, last.Duration, last.ExternalID = r.PolicyARNs, r.Policy, r.Duration, in.externalID
	last.Last = true
	return first, hops
}

// baseInputs checks every input: the request without its token, and the
// checked inputs (for plan).
func (f *ExchangeFlags) baseInputs(ctx context.Context) (exchange.Request, inputs, error) {
	in, probs := f.check(ctx)
	if len(probs) > 0 {
		return exchange.Request{}, in, probs[0].err
	}
	return exchange.Request{RoleARN: in.role.ARN, Duration: in.duration, PolicyARNs: in.policyARNs, Policy: in.policy, SessionName: in.sessionName}, in, nil
}
