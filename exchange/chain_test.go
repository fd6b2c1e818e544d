package exchange

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
	"github.com/oidc-creds/oidc-creds/internal/teststs"
	"github.com/oidc-creds/oidc-creds/token"
)

const (
	ciRole     = "arn:aws:iam::111111111111:role/ci"
	deployRole = "arn:aws:iam::222222222222:role/deploy"
)

// chainSTS is a test STS where web identities assume ci, and ci sessions
// deploy (and ext with an external id); an Exchanger on it, with the ci
// credentials of one exchange.
func chainSTS(t *testing.T) (*teststs.Server, *Exchanger, creds.Credentials) {
	t.Helper()
	hermeticAWS(t)
	s := teststs.NewForTest(t, teststs.Options{Roles: []teststs.Role{
		{ARN: ciRole, MaxSessionDuration: 12 * time.Hour},
		{ARN: deployRole, TrustedRoles: []string{ciRole}, NoWebIdentity: true},
		{ARN: "arn:aws:iam::222222222222:role/ext", TrustedRoles: []string{ciRole}, ExternalID: "ext-1"},
	}})
	x, err := NewExchanger(context.Background(), ClientOptions{Region: "us-east-1", EndpointURL: s.URL})
	if err != nil {
		t.Fatal(err)
	}
	x.Sleep = func(ctx context.Context, d time.Duration) error { return ctx.Err() }
	tok, err := token.Parse(s.Mint(nil), "test")
	if err != nil {
		t.Fatal(err)
	}
	ci, err := x.Exchange(context.Background(), Request{Token: tok, RoleARN: ciRole, SessionName: "s1"})
	if err != nil {
		t.Fatal(err)
	}
	if ci.ARN != "arn:aws:sts::111111111111:assumed-role/ci/s1" {
		t.Fatalf("ci ARN %q", ci.ARN)
	}
	return s, x, ci
}

// A hop signed with the previous hop's credentials gets the target role's,
// with its account; the test STS verifies the SigV4 signature.
func TestAssumeRoleSigned(t *testing.T) {
	s, x, ci := chainSTS(t)
	h := Hop{Index: 1, RoleARN: deployRole, SessionName: "s1", CallerRole: ciRole, Duration: 30 * time.Minute}
	got, err := x.AssumeRole(context.Background(), h, ci)
	if err != nil {
		t.Fatal(err)
	}
	if got.AccountID != "222222222222" || got.ARN != "arn:aws:sts::222222222222:assumed-role/deploy/s1" || got.Valid(time.Now(), 29*time.Minute) != nil {
		t.Errorf("credentials %+v", got)
	}
	reqs := s.Requests()
	last := reqs[len(reqs)-1]
	if last.Action != teststs.ActionAssumeRole || last.Caller != ci.ARN || last.DurationSeconds != 1800 || last.Outcome != "ok" {
		t.Errorf("request %v", last)
	}
}

// Throttling is retried as for the web-identity call; a refusal is not,
// and its CallError names the hop without a secret of the signer.
func TestAssumeRoleRetriesAndRefusals(t *testing.T) {
	s, x, ci := chainSTS(t)
	s.InjectFor(teststs.ActionAssumeRole, teststs.Faults{Throttle: 2})
	if _, err := x.AssumeRole(context.Background(), Hop{Index: 1, RoleARN: deployRole, SessionName: "s1"}, ci); err != nil {
		t.Fatal(err)
	}
	if n := s.CallsFor(teststs.ActionAssumeRole); n != 3 {
		t.Errorf("%d AssumeRole calls, want 3", n)
	}
	for _, tc := range []struct {
		name, role, ext, code string
	}{
		{"not trusted", "arn:aws:iam::222222222222:role/nope", "", "AccessDenied"},
		{"wrong external id", "arn:aws:iam::222222222222:role/ext", "ext-2", "AccessDenied"},
	} {
		before := s.CallsFor(teststs.ActionAssumeRole)
		_, err := x.AssumeRole(context.Background(), Hop{Index: 2, RoleARN: tc.role, SessionName: "s1", ExternalID: tc.ext, CallerRole: ciRole}, ci)
		e := wantCallError(t, err, creds.KindRefused)
		if e.Code != tc.code || e.Hop == nil || e.Hop.Index != 2 || e.Hop.Caller != ci.ARN || e.Hop.CallerRole != ciRole || e.Request.RoleARN != tc.role {
			t.Errorf("%s: %+v hop %+v", tc.name, e, e.Hop)
		}
		if n := s.CallsFor(teststs.ActionAssumeRole) - before; n != 1 {
			t.Errorf("%s: %d calls, want 1 (no retry of a refusal)", tc.name, n)
		}
		if !strings.Contains(e.Error(), "hop 2") {
			t.Errorf("%s: %q", tc.name, e.Error())
		}
		testkit.NoLeak(t, tc.name, e.Error(), ci.SecretAccessKey, ci.SessionToken)
	}
	if !s.ExpireCredentials(ci.AccessKeyID) {
		t.Fatal("ExpireCredentials")
	}
	_, err := x.AssumeRole(context.Background(), Hop{Index: 1, RoleARN: deployRole, SessionName: "s1"}, ci)
	if e := wantCallError(t, err, creds.KindRefused); e.Code != "ExpiredToken" {
		t.Errorf("expired signer: %v", e)
	}
}

// The input carries the hop's parameters, and the call is signed with
// the previous hop's credentials through a per-call option.
func TestAssumeRoleInput(t *testing.T) {
	var got *sts.AssumeRoleInput
	var opts sts.Options
	x := &Exchanger{Assumer: RoleAssumerFunc(func(_ context.Context, in *sts.AssumeRoleInput, fns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
		got = in
		for _, f := range fns {
			f(&opts)
		}
		out := testkit.GoodOutput()
		return &sts.AssumeRoleOutput{Credentials: out.Credentials, AssumedRoleUser: out.AssumedRoleUser}, nil
	})}
	signer := creds.Credentials{AccessKeyID: "ASIASIGNER", SecretAccessKey: "sekrit", SessionToken: "tok", Expiration: time.Now().Add(time.Hour)}
	h := Hop{Index: 1, RoleARN: deployRole, SessionName: "s1", ExternalID: "e-1", PolicyARNs: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}, Policy: `{"Version":"2012-10-17"}`, Duration: 45 * time.Minute}
	if _, err := x.AssumeRole(context.Background(), h, signer); err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.RoleArn) != deployRole || aws.ToString(got.RoleSessionName) != "s1" || aws.ToString(got.ExternalId) != "e-1" ||
		aws.ToInt32(got.DurationSeconds) != 2700 || aws.ToString(got.Policy) != h.Policy || len(got.PolicyArns) != 1 {
		t.Errorf("input %+v", got)
	}
	c, err := opts.Credentials.Retrieve(context.Background())
	if err != nil || c.AccessKeyID != "ASIASIGNER" || c.SecretAccessKey != "sekrit" || c.SessionToken != "tok" {
		t.Errorf("signed with %+v, %v", c, err)
	}
	_, err = (&Exchanger{}).AssumeRole(context.Background(), h, signer)
	if e := wantCallError(t, err, creds.KindInternal); !errors.Is(e, ErrNoAssumer) {
		t.Errorf("no assumer: %v", e)
	}
}
