package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/exchange"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

// hopFailure is the explained failure of hop 2 (ci → deploy → app), the
// last unless middle, when STS answers err, signed by credentials whose
// assumed-role ARN is caller.
func hopFailure(t *testing.T, err error, caller, externalID string, middle bool) *creds.Error {
	t.Helper()
	x := &exchange.Exchanger{Endpoint: testkit.STSEndpoint, Region: testkit.STSRegion,
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
		Assumer: exchange.RoleAssumerFunc(func(context.Context, *sts.AssumeRoleInput, ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
			return nil, err
		})}
	signer := creds.Credentials{AccessKeyID: "ASIASIGNER", SecretAccessKey: testkit.STSSecretKey, SessionToken: testkit.STSSessionToken, ARN: caller}
	h := exchange.Hop{Index: 2, RoleARN: "arn:aws:iam::333333333333:role/app", SessionName: "s1", ExternalID: externalID,
		CallerRole: "arn:aws:iam::222222222222:role/team/deploy", Duration: time.Hour, Last: !middle}
	_, got := x.AssumeRole(context.Background(), h, signer)
	e, ok := explain(got).(*creds.Error)
	if !ok {
		t.Fatalf("explain(%v) is not a *creds.Error", got)
	}
	testkit.NoLeak(t, "the explanation", e.Error(), testkit.STSSecretKey, testkit.STSSessionToken)
	return e
}

func TestExplainHop(t *testing.T) {
	const caller = "arn:aws:sts::222222222222:assumed-role/deploy/s1"
	denied := testkit.APIError(403, "AccessDenied", "User: "+caller+" is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::333333333333:role/app")
	for _, tc := range []struct {
		name, caller, ext string
		err               error
		kind              creds.Kind
		want              []string
		middle            bool
	}{
		// Without --external-id: the trust policy, or an external id the
		// role requires; "(or the role does not exist)" once.
		{"access denied", caller, "", denied, creds.KindRefused, []string{
			"role arn:aws:iam::333333333333:role/app (hop 2 of the chain) refused sts:AssumeRole for " + caller + " (or the role does not exist): its trust policy does not allow arn:aws:iam::222222222222:role/team/deploy, or the role requires an external id: pass --external-id\n",
			`"AWS": "arn:aws:iam::222222222222:role/team/deploy"`, "trust-policy --trust-role arn:aws:iam::222222222222:role/team/deploy prints",
			"across accounts, the policies of arn:aws:iam::222222222222:role/team/deploy must also allow sts:AssumeRole on arn:aws:iam::333333333333:role/app"}, false},
		// A middle hop gets no external id: --external-id cannot help.
		{"access denied, middle hop", caller, "", denied, creds.KindRefused, []string{
			"its trust policy does not allow arn:aws:iam::222222222222:role/team/deploy, or the role requires an external id, which --external-id gives only to the last --chain-role-arn\n"}, true},
		// With --external-id: the trust policy or the id, and the statement
		// with its condition.
		{"external id", caller, "ext-9", denied, creds.KindRefused, []string{
			"(or the role does not exist): its trust policy does not allow arn:aws:iam::222222222222:role/team/deploy or the external id given with --external-id does not match its sts:ExternalId condition\n",
			`"sts:ExternalId": "ext-9"`, "--trust-role arn:aws:iam::222222222222:role/team/deploy --external-id ext-9 prints"}, false},
		{"no caller ARN (MinIO)", "", "", denied, creds.KindRefused, []string{"refused sts:AssumeRole for the session of role arn:aws:iam::222222222222:role/team/deploy (or the role does not exist):"}, false},
		{"expired signer", caller, "", testkit.APIError(403, "ExpiredToken", "The security token included in the request is expired"), creds.KindRefused,
			[]string{"the credentials of " + caller + " had expired when STS received the sts:AssumeRole of role arn:aws:iam::333333333333:role/app (hop 2 of the chain)"}, false},
		{"unknown signer", caller, "", testkit.APIError(403, "InvalidClientTokenId", "The security token included in the request is invalid."), creds.KindRefused,
			[]string{"STS did not recognise the credentials of " + caller}, false},
		{"clock skew", caller, "", testkit.APIError(403, "SignatureDoesNotMatch", "Signature expired"), creds.KindRefused, []string{"clock is most likely off"}, false},
		{"chaining limit", caller, "", testkit.APIError(400, "ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."), creds.KindRefused,
			[]string{"a session reached by role chaining lasts at most 1 hour"}, false},
		{"no such role", caller, "", testkit.APIError(400, "InvalidParameterValue", "Error processing RoleArn parameter: RoleARN arn:… is not defined."), creds.KindRefused,
			[]string{"the STS server knows no role arn:aws:iam::333333333333:role/app (hop 2 of the chain)"}, false},
		{"no such entity", caller, "", testkit.APIError(404, "NoSuchEntity", "The role with name app cannot be found."), creds.KindRefused,
			[]string{"the STS server knows no role arn:aws:iam::333333333333:role/app (hop 2 of the chain); check that --chain-role-arn names an existing role\n"}, false},
		{"other refusal", caller, "", testkit.APIError(400, "InvalidIdentityToken", "odd"), creds.KindRefused, []string{"STS refused the sts:AssumeRole of role arn:aws:iam::333333333333:role/app (hop 2 of the chain) with InvalidIdentityToken: odd"}, false},
		{"throttled", caller, "", testkit.APIError(400, "Throttling", "Rate exceeded"), creds.KindUnreachable, []string{"STS kept throttling"}, false},
		{"unreachable", caller, "", testkit.ConnRefused(), creds.KindUnreachable, []string{"cannot reach STS"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := hopFailure(t, tc.err, tc.caller, tc.ext, tc.middle)
			if e.Kind != tc.kind {
				t.Errorf("kind %d, want %d", e.Kind, tc.kind)
			}
			if strings.Contains(e.Msg, "\n") {
				t.Errorf("the sentence has a line break: %q", e.Msg)
			}
			if n := strings.Count(e.Msg, "does not exist"); n > 1 {
				t.Errorf("the sentence says %d times that the role may not exist: %q", n, e.Msg)
			}
			if tc.ext == "" && strings.Contains(e.Error(), "ExternalId\"") {
				t.Errorf("a statement with an sts:ExternalId condition, and no --external-id: %q", e.Error())
			}
			for _, w := range tc.want {
				if !strings.Contains(e.Error(), w) {
					t.Errorf("%q\ndoes not contain %q", e.Error(), w)
				}
			}
		})
	}
}

// Within one account the trust policy is enough: no line about the asking
// role's own policies.
func TestExplainHopSameAccount(t *testing.T) {
	x := &exchange.Exchanger{Endpoint: testkit.STSEndpoint, Region: testkit.STSRegion,
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
		Assumer: exchange.RoleAssumerFunc(func(context.Context, *sts.AssumeRoleInput, ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
			return nil, testkit.APIError(403, "AccessDenied", "denied")
		})}
	h := exchange.Hop{Index: 1, Last: true, RoleARN: "arn:aws:iam::222222222222:role/app", SessionName: "s1", CallerRole: "arn:aws:iam::222222222222:role/deploy"}
	_, err := x.AssumeRole(context.Background(), h, creds.Credentials{AccessKeyID: "ASIA", SecretAccessKey: "s", SessionToken: "t"})
	if got := explain(err).Error(); strings.Contains(got, "across accounts") || !strings.Contains(got, "pass --external-id") {
		t.Errorf("%q", got)
	}
}

// plan moves the session policies, the duration and the external id to
// the last hop, and asks the default hour of the others.
func TestPlan(t *testing.T) {
	f := ExchangeFlags{RoleARN: "arn:aws:iam::111111111111:role/ci", Duration: "45m", PolicyARNs: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"},
		ChainFlags: ChainFlags{ChainRoleARNs: []string{"arn:aws:iam::222222222222:role/a", "arn:aws:iam::333333333333:role/b"}, ExternalID: "e-1"},
		Timeout:    time.Second}
	in, probs := f.check(context.Background())
	if len(probs) > 0 {
		t.Fatal(probs[0].err)
	}
	first, hops := in.plan(exchangeRequest(in, "s1"))
	if first.Duration != time.Hour || first.PolicyARNs != nil || len(hops) != 2 {
		t.Fatalf("first %+v, %d hops", first, len(hops))
	}
	a, b := hops[0], hops[1]
	if a.Index != 1 || a.Last || a.CallerRole != f.RoleARN || a.Duration != time.Hour || a.ExternalID != "" || a.PolicyARNs != nil || a.SessionName != "s1" {
		t.Errorf("hop 1 %+v", a)
	}
	if b.Index != 2 || !b.Last || b.CallerRole != a.RoleARN || b.Duration != 45*time.Minute || b.ExternalID != "e-1" || len(b.PolicyARNs) != 1 || b.SessionName != "s1" {
		t.Errorf("hop 2 %+v", b)
	}
	in.chain = nil
	if r, hops := in.plan(exchangeRequest(in, "s1")); hops != nil || r.Duration != 45*time.Minute || len(r.PolicyARNs) != 1 {
		t.Errorf("without a chain: %+v, %v", r, hops)
	}
}

func exchangeRequest(in inputs, session string) exchange.Request {
	return exchange.Request{RoleARN: in.role.ARN, Duration: in.duration, PolicyARNs: in.policyARNs, Policy: in.policy, SessionName: session}
}
