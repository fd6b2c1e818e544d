package exchange

import (
	"context"
	"errors"
	"io"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
	"github.com/oidc-creds/oidc-creds/backoff"
	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
	"github.com/oidc-creds/oidc-creds/token"
)

const testRole = "arn:aws:iam::123456789012:role/deploy"

// harness is an Exchanger on a fake STS that records its sleeps and logs.
type harness struct {
	x      *Exchanger
	fake   *testkit.FakeSTS
	sleeps testkit.Sleeps
	log    testkit.Recorder
}

func newHarness(results ...error) *harness {
	h := &harness{fake: &testkit.FakeSTS{Results: results}}
	h.x = &Exchanger{
		Client:   h.fake,
		Endpoint: testkit.STSEndpoint,
		Region:   testkit.STSRegion,
		Logf:     h.log.Logf,
		Sleep:    h.sleeps.Sleep,
	}
	return h
}

func testToken(t testing.TB) *token.Token {
	t.Helper()
	raw := testkit.JWT(t, testkit.PulumiClaims())
	tok, err := token.Parse(raw, "environment variable PULUMI_OIDC_TOKEN")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestExchangeRetriesThenSucceeds(t *testing.T) {
	tok := testToken(t)
	throttle := testkit.APIError(400, "Throttling", "Rate exceeded")
	for _, tc := range []struct {
		name      string
		results   []error
		wantCalls int
	}{
		{"three throttles", []error{throttle, throttle, throttle, nil}, 4},
		{"5xx", []error{testkit.APIError(503, "ServiceUnavailable", "try later"), nil}, 2},
		{"5xx without a body", []error{testkit.OpError(502, &smithy.DeserializationError{Err: io.EOF}), nil}, 2},
		{"IDPCommunicationError", []error{testkit.APIError(400, "IDPCommunicationError", "timeout"), testkit.APIError(400, "IDPCommunicationError", "timeout"), nil}, 3},
		{"InvalidIdentityToken once", []error{testkit.APIError(400, "InvalidIdentityToken", "No OpenIDConnect provider found"), nil}, 2},
		{"connection refused twice", []error{testkit.SendError(syscall.ECONNREFUSED), testkit.SendError(syscall.ECONNREFUSED), nil}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(tc.results...)
			creds, err := h.x.Exchange(context.Background(), Request{Token: tok, RoleARN: testRole, SessionName: "s"})
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			if creds.AccessKeyID != "ASIAEXAMPLEACCESSKEY" {
				t.Errorf("credentials %+v", creds)
			}
			if got := h.fake.Calls(); got != tc.wantCalls {
				t.Errorf("%d calls, want %d", got, tc.wantCalls)
			}
			if len(h.sleeps.Waits()) != tc.wantCalls-1 {
				t.Fatalf("%d sleeps, want %d", len(h.sleeps.Waits()), tc.wantCalls-1)
			}
			for i, d := range h.sleeps.Waits() {
				// Full jitter over an exponential ceiling, capped.
				ceiling := min(backoff.Default.Base<<i, backoff.Default.Cap)
				if d < backoff.Default.Base/2 || d >= backoff.Default.Base/2+ceiling {
					t.Errorf("sleep %d is %s, want within [%s, %s)", i+1, d, backoff.Default.Base/2, backoff.Default.Base/2+ceiling)
				}
			}
			testkit.NoLeak(t, "the log", h.log.String(), tok.Raw)
		})
	}
}

func TestExchangeBackoffIsCapped(t *testing.T) {
	h := newHarness(testkit.APIError(400, "Throttling", "Rate exceeded"))
	h.x.MaxAttempts = 20
	_, err := h.x.Exchange(context.Background(), Request{Token: testToken(t), RoleARN: testRole, SessionName: "s"})
	wantCallError(t, err, creds.KindUnreachable)
	if h.fake.Calls() != 20 || len(h.sleeps.Waits()) != 19 {
		t.Fatalf("%d calls, %d sleeps", h.fake.Calls(), len(h.sleeps.Waits()))
	}
	for _, d := range h.sleeps.Waits() {
		if d <= 0 || d >= backoff.Default.Base/2+backoff.Default.Cap {
			t.Errorf("sleep of %s is beyond the cap", d)
		}
	}
}

func TestExchangeDeadline(t *testing.T) {
	tok := testToken(t)
	throttle := testkit.APIError(400, "Throttling", "Rate exceeded")

	t.Run("deadline shorter than the backoff", func(t *testing.T) {
		// Every backoff is at least backoff.Default.Base/2: no sleep fits.
		ctx, cancel := context.WithTimeout(context.Background(), backoff.Default.Base/4)
		defer cancel()
		h := newHarness(throttle)
		_, err := h.x.Exchange(ctx, Request{Token: tok, RoleARN: testRole, SessionName: "s"})
		wantCallError(t, err, creds.KindUnreachable)
		if h.fake.Calls() != 1 || len(h.sleeps.Waits()) != 0 {
			t.Errorf("%d calls and sleeps %v; want one call and no sleep past the deadline", h.fake.Calls(), h.sleeps.Waits())
		}
	})

	t.Run("sleeps never pass the deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		dl, _ := ctx.Deadline()
		h := newHarness(throttle)
		h.x.MaxAttempts = 10
		var sleeps int
		h.x.Sleep = func(ctx context.Context, d time.Duration) error {
			sleeps++
			if time.Until(dl) < d {
				t.Errorf("sleep of %s goes past the deadline", d)
			}
			return nil
		}
		_, err := h.x.Exchange(ctx, Request{Token: tok, RoleARN: testRole, SessionName: "s"})
		wantCallError(t, err, creds.KindUnreachable)
		if sleeps != 9 {
			t.Errorf("%d sleeps, want 9", sleeps)
		}
	})

	t.Run("cancelled while waiting", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		h := newHarness(throttle)
		h.x.Sleep = func(ctx context.Context, d time.Duration) error {
			cancel()
			return ctx.Err()
		}
		_, err := h.x.Exchange(ctx, Request{Token: tok, RoleARN: testRole, SessionName: "s"})
		wantCallError(t, err, creds.KindUnreachable)
		if h.fake.Calls() != 1 {
			t.Errorf("%d calls after the context ended, want 1", h.fake.Calls())
		}
	})

	t.Run("already expired", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		deadline := testkit.SendError(context.DeadlineExceeded)
		h := newHarness(deadline)
		_, err := h.x.Exchange(ctx, Request{Token: tok, RoleARN: testRole, SessionName: "s"})
		e := wantCallError(t, err, creds.KindUnreachable)
		if e.Class != ClassTimeout || h.fake.Calls() != 1 || len(h.sleeps.Waits()) != 0 {
			t.Errorf("%d calls, %d sleeps, message %q", h.fake.Calls(), len(h.sleeps.Waits()), e.Error())
		}
	})

	t.Run("default wait honours the context", func(t *testing.T) {
		// The real timer, cut short by a context already done.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		x := &Exchanger{}
		if err := x.wait(ctx, time.Hour); !errors.Is(err, context.Canceled) {
			t.Errorf("wait = %v, want context.Canceled", err)
		}
		if err := x.wait(context.Background(), time.Nanosecond); err != nil {
			t.Errorf("wait = %v", err)
		}
	})
}

func TestExchangeCredentials(t *testing.T) {
	tok := testToken(t)
	exp := time.Date(2030, 1, 2, 16, 4, 5, 0, time.UTC)
	mkCreds := func(mod func(*types.Credentials)) *types.Credentials {
		c := testkit.GoodOutput().Credentials
		if mod != nil {
			mod(c)
		}
		return c
	}
	for _, tc := range []struct {
		name    string
		out     *sts.AssumeRoleWithWebIdentityOutput
		want    creds.Credentials
		wantErr string
	}{
		{name: "full", out: testkit.GoodOutput(),
			want: creds.Credentials{AccessKeyID: "ASIAEXAMPLEACCESSKEY", SecretAccessKey: testkit.STSSecretKey, SessionToken: testkit.STSSessionToken, Expiration: exp, AccountID: "123456789012", ARN: "arn:aws:sts::123456789012:assumed-role/deploy/s"}},
		{name: "expiration in another zone", out: &sts.AssumeRoleWithWebIdentityOutput{
			Credentials:     mkCreds(func(c *types.Credentials) { c.Expiration = aws.Time(exp.In(time.FixedZone("CET", 3600))) }),
			AssumedRoleUser: &types.AssumedRoleUser{Arn: aws.String("arn:aws-cn:sts::210987654321:assumed-role/deploy/s")}},
			want: creds.Credentials{AccessKeyID: "ASIAEXAMPLEACCESSKEY", SecretAccessKey: testkit.STSSecretKey, SessionToken: testkit.STSSessionToken, Expiration: exp, AccountID: "210987654321", ARN: "arn:aws-cn:sts::210987654321:assumed-role/deploy/s"}},
		{name: "empty ARN (MinIO)", out: &sts.AssumeRoleWithWebIdentityOutput{Credentials: mkCreds(nil), AssumedRoleUser: &types.AssumedRoleUser{Arn: aws.String("")}},
			want: creds.Credentials{AccessKeyID: "ASIAEXAMPLEACCESSKEY", SecretAccessKey: testkit.STSSecretKey, SessionToken: testkit.STSSessionToken, Expiration: exp}},
		{name: "nil ARN", out: &sts.AssumeRoleWithWebIdentityOutput{Credentials: mkCreds(nil), AssumedRoleUser: &types.AssumedRoleUser{}},
			want: creds.Credentials{AccessKeyID: "ASIAEXAMPLEACCESSKEY", SecretAccessKey: testkit.STSSecretKey, SessionToken: testkit.STSSessionToken, Expiration: exp}},
		{name: "nil AssumedRoleUser", out: &sts.AssumeRoleWithWebIdentityOutput{Credentials: mkCreds(nil)},
			want: creds.Credentials{AccessKeyID: "ASIAEXAMPLEACCESSKEY", SecretAccessKey: testkit.STSSecretKey, SessionToken: testkit.STSSessionToken, Expiration: exp}},
		{name: "no session token", out: &sts.AssumeRoleWithWebIdentityOutput{Credentials: mkCreds(func(c *types.Credentials) { c.SessionToken = nil })},
			want: creds.Credentials{AccessKeyID: "ASIAEXAMPLEACCESSKEY", SecretAccessKey: testkit.STSSecretKey, Expiration: exp}},
		{name: "missing Expiration", out: &sts.AssumeRoleWithWebIdentityOutput{Credentials: mkCreds(func(c *types.Credentials) { c.Expiration = nil })},
			wantErr: "no expiration"},
		{name: "zero Expiration", out: &sts.AssumeRoleWithWebIdentityOutput{Credentials: mkCreds(func(c *types.Credentials) { c.Expiration = &time.Time{} })},
			wantErr: "no expiration"},
		{name: "no credentials", out: &sts.AssumeRoleWithWebIdentityOutput{}, wantErr: "without credentials"},
		{name: "empty output", out: &sts.AssumeRoleWithWebIdentityOutput{AssumedRoleUser: testkit.GoodOutput().AssumedRoleUser}, wantErr: "without credentials"},
		{name: "no secret key", out: &sts.AssumeRoleWithWebIdentityOutput{Credentials: mkCreds(func(c *types.Credentials) { c.SecretAccessKey = aws.String("") })},
			wantErr: "without credentials"},
		{name: "no access key", out: &sts.AssumeRoleWithWebIdentityOutput{Credentials: mkCreds(func(c *types.Credentials) { c.AccessKeyId = nil })},
			wantErr: "without credentials"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness()
			h.fake.Out = tc.out
			got, err := h.x.Exchange(context.Background(), Request{Token: tok, RoleARN: testRole, SessionName: "s"})
			if h.fake.Calls() != 1 {
				t.Errorf("%d calls, want 1", h.fake.Calls())
			}
			if tc.wantErr != "" {
				e := wantCallError(t, err, creds.KindUnreachable)
				if !strings.Contains(e.Error(), tc.wantErr) {
					t.Errorf("message %q does not contain %q", e.Error(), tc.wantErr)
				}
				testkit.NoLeak(t, "the message", e.Error(), tok.Raw, testkit.STSSecretKey, testkit.STSSessionToken, "ASIAEXAMPLEACCESSKEY")
				return
			}
			if err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			if got != tc.want {
				t.Errorf("credentials\n got %+v\nwant %+v", got, tc.want)
			}
			if got.Expiration.Location() != time.UTC {
				t.Errorf("expiration %s is not in UTC", got.Expiration)
			}
			testkit.NoLeak(t, "the log", h.log.String(), tok.Raw, testkit.STSSecretKey, testkit.STSSessionToken)
		})
	}
}

func TestExchangeInput(t *testing.T) {
	tok := testToken(t)
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	arns := []string{"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::123456789012:policy/ci/extra"}
	for _, tc := range []struct {
		name string
		req  Request
	}{
		{"everything", Request{Token: tok, RoleARN: testRole, SessionName: "pulumi-acme-web-dev-update", PolicyARNs: arns, Policy: policy, Duration: 90 * time.Minute}},
		{"defaults", Request{Token: tok, RoleARN: "arn:minio:iam:::role/dummy-internal", SessionName: "oidc-creds"}},
		{"12h", Request{Token: tok, RoleARN: testRole, SessionName: "s-1", Duration: MaxDuration}},
		{"15m", Request{Token: tok, RoleARN: testRole, SessionName: "s-1", Duration: MinDuration, PolicyARNs: arns[:1]}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness()
			if _, err := h.x.Exchange(context.Background(), tc.req); err != nil {
				t.Fatalf("Exchange: %v", err)
			}
			if len(h.fake.Inputs()) != 1 {
				t.Fatalf("%d calls", len(h.fake.Inputs()))
			}
			in := h.fake.Inputs()[0]
			r := tc.req
			if aws.ToString(in.RoleArn) != r.RoleARN || aws.ToString(in.RoleSessionName) != r.SessionName || aws.ToString(in.WebIdentityToken) != tok.Raw {
				t.Errorf("RoleArn %q, RoleSessionName %q, token sent %v", aws.ToString(in.RoleArn), aws.ToString(in.RoleSessionName), aws.ToString(in.WebIdentityToken) == tok.Raw)
			}
			if r.Duration == 0 {
				if in.DurationSeconds != nil {
					t.Errorf("DurationSeconds = %d, want unset (STS's default)", *in.DurationSeconds)
				}
			} else if in.DurationSeconds == nil || *in.DurationSeconds != int32(r.Duration/time.Second) {
				t.Errorf("DurationSeconds = %v, want %d", in.DurationSeconds, int32(r.Duration/time.Second))
			}
			if r.Policy == "" {
				if in.Policy != nil {
					t.Errorf("Policy = %q, want unset", *in.Policy)
				}
			} else if aws.ToString(in.Policy) != r.Policy {
				t.Errorf("Policy = %q, want %q", aws.ToString(in.Policy), r.Policy)
			}
			if len(in.PolicyArns) != len(r.PolicyARNs) {
				t.Fatalf("PolicyArns = %v, want %q", in.PolicyArns, r.PolicyARNs)
			}
			for i, p := range in.PolicyArns {
				if aws.ToString(p.Arn) != r.PolicyARNs[i] {
					t.Errorf("PolicyArns[%d] = %q, want %q", i, aws.ToString(p.Arn), r.PolicyARNs[i])
				}
			}
			if in.ProviderId != nil {
				t.Errorf("ProviderId = %q, want unset (OIDC, not OAuth 2.0)", *in.ProviderId)
			}
		})
	}
}

// Retries resend the same input.
func TestExchangeRetrySendsSameInput(t *testing.T) {
	h := newHarness(testkit.APIError(400, "Throttling", "x"), nil)
	req := Request{Token: testToken(t), RoleARN: testRole, SessionName: "s", Duration: time.Hour, Policy: `{"Version":"2012-10-17"}`}
	if _, err := h.x.Exchange(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if len(h.fake.Inputs()) != 2 || h.fake.Inputs()[0] != h.fake.Inputs()[1] {
		t.Errorf("the retry sent different input")
	}
}

// wantCallError fails unless err is a *CallError of kind k, and returns it.
func wantCallError(t testing.TB, err error, k creds.Kind) *CallError {
	t.Helper()
	var e *CallError
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *CallError", err, err)
	}
	if e.Kind() != k || e.ExitCode() != int(k) {
		t.Fatalf("error %q has kind %d, want %d", err, e.Kind(), k)
	}
	return e
}
