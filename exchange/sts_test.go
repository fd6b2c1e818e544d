package exchange

import (
	"context"
	"crypto/x509"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

const (
	testEndpoint = "https://sts.us-east-1.amazonaws.com"
	testRegion   = "us-east-1"
	testRole     = "arn:aws:iam::123456789012:role/deploy"
	// Secrets in the fake's responses: none may reach a message.
	testSecretKey    = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
	testSessionToken = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN+/=="
)

// opError wraps err the way the SDK returns an operation's failure,
// with the HTTP status STS answered.
func opError(status int, err error) error {
	return &smithy.OperationError{ServiceID: "STS", OperationName: "AssumeRoleWithWebIdentity",
		Err: &awshttp.ResponseError{
			ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: err},
			RequestID:     "4c1d2f3e-request-id",
		}}
}

func apiError(status int, code, msg string) error {
	return opError(status, &smithy.GenericAPIError{Code: code, Message: msg, Fault: smithy.FaultClient})
}

// sendError wraps err the way the SDK returns a failure to send.
func sendError(err error) error {
	return &smithy.OperationError{ServiceID: "STS", OperationName: "AssumeRoleWithWebIdentity",
		Err: &smithyhttp.RequestSendError{Err: &url.Error{Op: "Post", URL: testEndpoint + "/", Err: err}}}
}

func connRefused() error {
	return sendError(&net.OpError{Op: "dial", Net: "tcp", Err: &net.AddrError{Err: "connect", Addr: "127.0.0.1:443"}})
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "dial tcp 52.94.0.1:443: i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func goodOutput() *sts.AssumeRoleWithWebIdentityOutput {
	return &sts.AssumeRoleWithWebIdentityOutput{
		Credentials: &types.Credentials{
			AccessKeyId:     aws.String("ASIAEXAMPLEACCESSKEY"),
			SecretAccessKey: aws.String(testSecretKey),
			SessionToken:    aws.String(testSessionToken),
			Expiration:      aws.Time(time.Date(2030, 1, 2, 16, 4, 5, 0, time.UTC)),
		},
		AssumedRoleUser: &types.AssumedRoleUser{
			Arn:           aws.String("arn:aws:sts::123456789012:assumed-role/deploy/s"),
			AssumedRoleId: aws.String("AROAEXAMPLE:s"),
		},
	}
}

// fakeSTS answers with results in turn, the last one forever; a nil
// error answers with out (or goodOutput).
type fakeSTS struct {
	mu      sync.Mutex
	results []error
	out     *sts.AssumeRoleWithWebIdentityOutput
	inputs  []*sts.AssumeRoleWithWebIdentityInput
}

func (f *fakeSTS) client() ClientFunc {
	return func(ctx context.Context, in *sts.AssumeRoleWithWebIdentityInput, _ ...func(*sts.Options)) (*sts.AssumeRoleWithWebIdentityOutput, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.inputs = append(f.inputs, in)
		var err error
		if len(f.results) > 0 {
			i := min(len(f.inputs), len(f.results)) - 1
			err = f.results[i]
		}
		if err != nil {
			return nil, err
		}
		if f.out != nil {
			return f.out, nil
		}
		return goodOutput(), nil
	}
}

func (f *fakeSTS) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.inputs)
}

// harness is an Exchanger on a fake STS that records its sleeps and logs.
type harness struct {
	x      *Exchanger
	fake   *fakeSTS
	mu     sync.Mutex
	sleeps []time.Duration
	logs   []string
}

func newHarness(results ...error) *harness {
	h := &harness{fake: &fakeSTS{results: results}}
	h.x = &Exchanger{
		Client:   h.fake.client(),
		Endpoint: testEndpoint,
		Region:   testRegion,
		Logf: func(format string, args ...any) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.logs = append(h.logs, fmt.Sprintf(format, args...))
		},
		sleep: func(ctx context.Context, d time.Duration) error {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.sleeps = append(h.sleeps, d)
			return ctx.Err()
		},
	}
	return h
}

func testToken(t testing.TB) *Token {
	t.Helper()
	raw := makeJWT(t, pulumiClaims())
	tok, err := ParseToken(raw, "environment variable PULUMI_OIDC_TOKEN")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// withNow sets the package clock for one test.
func withNow(t *testing.T, now time.Time) {
	t.Helper()
	old := timeNow
	timeNow = func() time.Time { return now }
	t.Cleanup(func() { timeNow = old })
}

func TestExchangeErrors(t *testing.T) {
	tok := testToken(t)
	sig := testSignature
	// STS echoing the token must not put it on the screen.
	planted := "token " + tok.Raw + " signature " + sig
	// ExpiredTokenException is explained against the clock: 2 hours after exp.
	withNow(t, tok.Claims.Expiry.Add(2*time.Hour))

	throttle := apiError(400, "Throttling", "Rate exceeded "+planted)
	server := apiError(500, "InternalFailure", "internal error "+planted)
	idp := apiError(400, "IDPCommunicationError", "Couldn't retrieve verification key from your identity provider "+planted)
	invalid := apiError(400, "InvalidIdentityToken", "No OpenIDConnect provider found in your account for https://api.pulumi.com/oidc "+planted)
	audience := apiError(400, "InvalidIdentityToken", "Incorrect token audience "+planted)

	for _, tc := range []struct {
		name        string
		results     []error
		maxAttempts int
		wantCalls   int
		wantKind    Kind
		want        []string
		noClaims    bool // the token carries no iss, sub or aud
	}{
		{name: "throttling forever", results: []error{throttle}, wantCalls: DefaultMaxAttempts, wantKind: KindUnreachable,
			want: []string{"throttling", "6 attempt(s)", "Throttling", "endpoint " + testEndpoint, "region " + testRegion}},
		{name: "throttling, MaxAttempts 3", results: []error{throttle}, maxAttempts: 3, wantCalls: 3, wantKind: KindUnreachable,
			want: []string{"throttling", "3 attempt(s)"}},
		{name: "429 throttling", results: []error{apiError(429, "TooManyRequestsException", "slow down")}, wantCalls: DefaultMaxAttempts, wantKind: KindUnreachable,
			want: []string{"throttling"}},
		{name: "5xx forever", results: []error{server}, wantCalls: DefaultMaxAttempts, wantKind: KindUnreachable,
			want: []string{"STS kept failing", "try again later", "InternalFailure", "6 attempt(s)"}},
		{name: "5xx without an XML body", results: []error{opError(503, &smithy.DeserializationError{Err: io.EOF})}, wantCalls: DefaultMaxAttempts, wantKind: KindUnreachable,
			want: []string{"STS kept failing", "503", "try again later"}},
		{name: "IDPCommunicationError forever", results: []error{idp}, wantCalls: DefaultMaxAttempts, wantKind: KindUnreachable,
			want: []string{"STS kept failing", "IDPCommunicationError"}},
		{name: "InvalidIdentityToken retried once", results: []error{invalid}, wantCalls: 2, wantKind: KindRefused,
			want: []string{`"https://api.pulumi.com/oidc"`, `"acme"`, "identity provider", "No OpenIDConnect provider found"}},
		{name: "InvalidIdentityToken audience", results: []error{audience}, wantCalls: 2, wantKind: KindRefused,
			want: []string{"https://api.pulumi.com/oidc", `"acme"`, "audience", "client ID"}},
		{name: "AccessDenied", results: []error{apiError(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity "+planted)}, wantCalls: 1, wantKind: KindRefused,
			want: []string{testRole, `"acme"`, `"pulumi:deploy:org:acme:project:web:stack:dev:operation:update:scope:write"`,
				`"Condition"`, `"StringEquals"`, `"api.pulumi.com/oidc:aud": "acme"`, `"StringLike"`, `"api.pulumi.com/oidc:sub"`, "Not authorized"}},
		{name: "IDPRejectedClaim", results: []error{apiError(403, "IDPRejectedClaim", "rejected "+planted)}, wantCalls: 1, wantKind: KindRefused,
			want: []string{"trust policy", `"Condition"`}},
		{name: "ValidationError", results: []error{apiError(400, "ValidationError", "1 validation error detected: Value at 'roleSessionName' failed "+planted)}, wantCalls: 1, wantKind: KindRefused,
			want: []string{"STS rejected a parameter", "roleSessionName"}},
		{name: "ValidationError MaxSessionDuration", results: []error{apiError(400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role. "+planted)}, wantCalls: 1, wantKind: KindRefused,
			want: []string{"lower --duration", "raise the role's MaxSessionDuration", "2h0m0s", testRole}},
		{name: "ExpiredTokenException", results: []error{apiError(400, "ExpiredTokenException", "Token expired: current date/time 1900007200 must be before the expiration date/time 1900000000 "+planted)}, wantCalls: 1, wantKind: KindToken,
			want: []string{"expired at 2030-03-17T17:46:40Z", "2h0m0s ago", "fresh token"}},
		{name: "MinIO expired token", results: []error{apiError(400, "InvalidParameterValue", "Token is expired "+planted)}, wantCalls: 1, wantKind: KindToken,
			want: []string{"expired", "ago"}},
		{name: "InvalidIdentityToken without iss", noClaims: true, results: []error{invalid}, wantCalls: 2, wantKind: KindRefused,
			want: []string{"no iss claim", "OIDC ID token"}},
		{name: "MinIO wrong audience", results: []error{apiError(400, "InvalidParameterValue", "STS JWT Token has `azp` claim invalid, `azp` must match configured OpenID Client ID "+planted)}, wantCalls: 1, wantKind: KindRefused,
			want: []string{"does not list the token's audience", `"acme"`, "azp"}},
		{name: "MinIO unknown role", results: []error{apiError(400, "InvalidParameterValue", "Error processing RoleArn parameter: RoleARN "+testRole+" is not defined. "+planted)}, wantCalls: 1, wantKind: KindRefused,
			want: []string{"knows no role " + testRole, "--role-arn"}},
		{name: "MalformedPolicyDocument", results: []error{apiError(400, "MalformedPolicyDocument", "Syntax errors in policy "+planted)}, wantCalls: 1, wantKind: KindRefused,
			want: []string{"--policy", "malformed", "Syntax errors in policy"}},
		{name: "PackedPolicyTooLarge", results: []error{apiError(400, "PackedPolicyTooLarge", "Packed policy consumes 112% of allotted space "+planted)}, wantCalls: 1, wantKind: KindRefused,
			want: []string{"--policy", "--policy-arn", "too large"}},
		{name: "RegionDisabledException", results: []error{apiError(403, "RegionDisabledException", "STS is not activated in this region "+planted)}, wantCalls: 1, wantKind: KindRefused,
			want: []string{"region " + testRegion, "--region"}},
		{name: "unknown API error", results: []error{apiError(400, "SomethingNew", "what is this "+planted)}, wantCalls: 1, wantKind: KindRefused,
			want: []string{"SomethingNew", "what is this"}},
		{name: "connection refused", results: []error{sendError(syscall.ECONNREFUSED)}, wantCalls: 3, wantKind: KindUnreachable,
			want: []string{"cannot reach STS", "endpoint " + testEndpoint, "region " + testRegion, "3 attempt(s)", "connection refused", "--endpoint-url"}},
		{name: "connection refused as the SDK wraps it", results: []error{opError(0, &smithyhttp.RequestSendError{Err: &url.Error{Op: "Post", URL: testEndpoint + "/", Err: syscall.ECONNREFUSED}})},
			wantCalls: 3, wantKind: KindUnreachable, want: []string{"cannot reach STS", testEndpoint, testRegion, "3 attempt(s)"}},
		{name: "network timeout as the SDK wraps it", results: []error{opError(0, &smithyhttp.RequestSendError{Err: &url.Error{Op: "Post", URL: testEndpoint + "/", Err: timeoutErr{}}})},
			wantCalls: 1, wantKind: KindUnreachable, want: []string{"timed out", testEndpoint}},
		{name: "502 from a proxy", results: []error{opError(502, &smithy.DeserializationError{Err: errors.New("EOF")})}, wantCalls: DefaultMaxAttempts, wantKind: KindUnreachable,
			want: []string{"STS kept failing", "502"}},
		{name: "429 without an STS body", results: []error{opError(429, &smithy.DeserializationError{Err: errors.New("EOF")})}, wantCalls: DefaultMaxAttempts, wantKind: KindUnreachable,
			want: []string{"429"}},
		{name: "no route", results: []error{connRefused()}, wantCalls: 3, wantKind: KindUnreachable,
			want: []string{"cannot reach STS", testEndpoint}},
		{name: "network timeout", results: []error{sendError(timeoutErr{})}, wantCalls: 1, wantKind: KindUnreachable,
			want: []string{"STS", testEndpoint, testRegion}},
		{name: "TLS failure", results: []error{sendError(x509.UnknownAuthorityError{})}, wantCalls: 1, wantKind: KindUnreachable,
			want: []string{"TLS", "AWS_CA_BUNDLE", testEndpoint}},
		{name: "not an STS response", results: []error{opError(200, &smithy.DeserializationError{Err: errors.New("unexpected EOF " + planted)})}, wantCalls: 1, wantKind: KindUnreachable,
			want: []string{"not an STS response", "--endpoint-url", testEndpoint}},
		// The SDK wraps these in the answer's ResponseError only, not in a DeserializationError.
		{name: "truncated XML answer", results: []error{opError(200, &xml.SyntaxError{Msg: "unexpected EOF", Line: 5})}, wantCalls: 1, wantKind: KindUnreachable,
			want: []string{"not an STS response", "--endpoint-url", testEndpoint}},
		{name: "unparsable Expiration", results: []error{opError(200, fmt.Errorf("unable to parse time string, parse errors: %w", errors.New("cannot parse "+planted)))}, wantCalls: 1, wantKind: KindUnreachable,
			want: []string{"not an STS response", testEndpoint}},
		{name: "unexpected error", results: []error{errors.New("boom " + planted)}, wantCalls: 1, wantKind: KindInternal,
			want: []string{"boom", "[token]"}},
		{name: "unexpected error with the signature only", results: []error{errors.New("boom sig=" + sig)}, wantCalls: 1, wantKind: KindInternal,
			want: []string{"[signature]"}},
		{name: "throttling then AccessDenied", results: []error{throttle, throttle, apiError(403, "AccessDenied", "Not authorized "+planted)}, wantCalls: 3, wantKind: KindRefused,
			want: []string{"trust policy"}},
		{name: "InvalidIdentityToken then throttling then InvalidIdentityToken", results: []error{invalid, throttle, invalid}, wantCalls: 3, wantKind: KindRefused,
			want: []string{"identity provider"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(tc.results...)
			h.x.MaxAttempts = tc.maxAttempts
			reqTok := tok
			if tc.noClaims {
				reqTok = &Token{Raw: tok.Raw, Origin: tok.Origin, Claims: Claims{Expiry: tok.Claims.Expiry}}
			}
			creds, err := h.x.Exchange(context.Background(), Request{Token: reqTok, RoleARN: testRole, SessionName: "s", Duration: 2 * time.Hour})
			if err == nil {
				t.Fatalf("Exchange = %+v, want an error", creds)
			}
			e := wantKind(t, err, tc.wantKind)
			if got := h.fake.calls(); got != tc.wantCalls {
				t.Errorf("%d calls, want %d", got, tc.wantCalls)
			}
			if len(h.sleeps) != tc.wantCalls-1 {
				t.Errorf("%d sleeps for %d calls", len(h.sleeps), tc.wantCalls)
			}
			msg := e.Error()
			for _, want := range tc.want {
				if !strings.Contains(msg, want) {
					t.Errorf("message does not contain %q:\n%s", want, msg)
				}
			}
			if creds != (Credentials{}) {
				t.Errorf("credentials %+v along with an error", creds)
			}
			noLeak(t, "the message", msg, tok.Raw, sig, testSecretKey, testSessionToken)
			noLeak(t, "the log", strings.Join(h.logs, "\n"), tok.Raw, sig, testSecretKey, testSessionToken)
			if first, _, _ := strings.Cut(msg, "\n"); strings.HasSuffix(first, ".") || first == "" {
				t.Errorf("the first line %q is not one sentence without a trailing period", first)
			}
		})
	}
}

func TestExchangeRetriesThenSucceeds(t *testing.T) {
	tok := testToken(t)
	throttle := apiError(400, "Throttling", "Rate exceeded")
	for _, tc := range []struct {
		name      string
		results   []error
		wantCalls int
	}{
		{"three throttles", []error{throttle, throttle, throttle, nil}, 4},
		{"5xx", []error{apiError(503, "ServiceUnavailable", "try later"), nil}, 2},
		{"5xx without a body", []error{opError(502, &smithy.DeserializationError{Err: io.EOF}), nil}, 2},
		{"IDPCommunicationError", []error{apiError(400, "IDPCommunicationError", "timeout"), apiError(400, "IDPCommunicationError", "timeout"), nil}, 3},
		{"InvalidIdentityToken once", []error{apiError(400, "InvalidIdentityToken", "No OpenIDConnect provider found"), nil}, 2},
		{"connection refused twice", []error{sendError(syscall.ECONNREFUSED), sendError(syscall.ECONNREFUSED), nil}, 3},
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
			if got := h.fake.calls(); got != tc.wantCalls {
				t.Errorf("%d calls, want %d", got, tc.wantCalls)
			}
			if len(h.sleeps) != tc.wantCalls-1 {
				t.Fatalf("%d sleeps, want %d", len(h.sleeps), tc.wantCalls-1)
			}
			for i, d := range h.sleeps {
				// Full jitter over an exponential ceiling, capped.
				ceiling := min(backoffBase<<i, backoffCap)
				if d < backoffBase/2 || d >= backoffBase/2+ceiling {
					t.Errorf("sleep %d is %s, want within [%s, %s)", i+1, d, backoffBase/2, backoffBase/2+ceiling)
				}
			}
			noLeak(t, "the log", strings.Join(h.logs, "\n"), tok.Raw)
		})
	}
}

func TestExchangeBackoffIsCapped(t *testing.T) {
	h := newHarness(apiError(400, "Throttling", "Rate exceeded"))
	h.x.MaxAttempts = 20
	_, err := h.x.Exchange(context.Background(), Request{Token: testToken(t), RoleARN: testRole, SessionName: "s"})
	wantKind(t, err, KindUnreachable)
	if h.fake.calls() != 20 || len(h.sleeps) != 19 {
		t.Fatalf("%d calls, %d sleeps", h.fake.calls(), len(h.sleeps))
	}
	for _, d := range h.sleeps {
		if d <= 0 || d >= backoffBase/2+backoffCap {
			t.Errorf("sleep of %s is beyond the cap", d)
		}
	}
}

func TestExchangeDeadline(t *testing.T) {
	tok := testToken(t)
	throttle := apiError(400, "Throttling", "Rate exceeded")

	t.Run("deadline shorter than the backoff", func(t *testing.T) {
		// Every backoff is at least backoffBase/2: no sleep fits.
		ctx, cancel := context.WithTimeout(context.Background(), backoffBase/4)
		defer cancel()
		h := newHarness(throttle)
		_, err := h.x.Exchange(ctx, Request{Token: tok, RoleARN: testRole, SessionName: "s"})
		wantKind(t, err, KindUnreachable)
		if h.fake.calls() != 1 || len(h.sleeps) != 0 {
			t.Errorf("%d calls and sleeps %v; want one call and no sleep past the deadline", h.fake.calls(), h.sleeps)
		}
	})

	t.Run("sleeps never pass the deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		dl, _ := ctx.Deadline()
		h := newHarness(throttle)
		h.x.MaxAttempts = 10
		var sleeps int
		h.x.sleep = func(ctx context.Context, d time.Duration) error {
			sleeps++
			if time.Until(dl) < d {
				t.Errorf("sleep of %s goes past the deadline", d)
			}
			return nil
		}
		_, err := h.x.Exchange(ctx, Request{Token: tok, RoleARN: testRole, SessionName: "s"})
		wantKind(t, err, KindUnreachable)
		if sleeps != 9 {
			t.Errorf("%d sleeps, want 9", sleeps)
		}
	})

	t.Run("cancelled while waiting", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		h := newHarness(throttle)
		h.x.sleep = func(ctx context.Context, d time.Duration) error {
			cancel()
			return ctx.Err()
		}
		_, err := h.x.Exchange(ctx, Request{Token: tok, RoleARN: testRole, SessionName: "s"})
		wantKind(t, err, KindUnreachable)
		if h.fake.calls() != 1 {
			t.Errorf("%d calls after the context ended, want 1", h.fake.calls())
		}
	})

	t.Run("already expired", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		deadline := sendError(context.DeadlineExceeded)
		h := newHarness(deadline)
		_, err := h.x.Exchange(ctx, Request{Token: tok, RoleARN: testRole, SessionName: "s"})
		e := wantKind(t, err, KindUnreachable)
		if !strings.Contains(e.Error(), "--timeout") || h.fake.calls() != 1 || len(h.sleeps) != 0 {
			t.Errorf("%d calls, %d sleeps, message %q", h.fake.calls(), len(h.sleeps), e.Error())
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
	creds := func(mod func(*types.Credentials)) *types.Credentials {
		c := goodOutput().Credentials
		if mod != nil {
			mod(c)
		}
		return c
	}
	for _, tc := range []struct {
		name    string
		out     *sts.AssumeRoleWithWebIdentityOutput
		want    Credentials
		wantErr string
	}{
		{name: "full", out: goodOutput(),
			want: Credentials{AccessKeyID: "ASIAEXAMPLEACCESSKEY", SecretAccessKey: testSecretKey, SessionToken: testSessionToken, Expiration: exp, AccountID: "123456789012"}},
		{name: "expiration in another zone", out: &sts.AssumeRoleWithWebIdentityOutput{
			Credentials:     creds(func(c *types.Credentials) { c.Expiration = aws.Time(exp.In(time.FixedZone("CET", 3600))) }),
			AssumedRoleUser: &types.AssumedRoleUser{Arn: aws.String("arn:aws-cn:sts::210987654321:assumed-role/deploy/s")}},
			want: Credentials{AccessKeyID: "ASIAEXAMPLEACCESSKEY", SecretAccessKey: testSecretKey, SessionToken: testSessionToken, Expiration: exp, AccountID: "210987654321"}},
		{name: "empty ARN (MinIO)", out: &sts.AssumeRoleWithWebIdentityOutput{Credentials: creds(nil), AssumedRoleUser: &types.AssumedRoleUser{Arn: aws.String("")}},
			want: Credentials{AccessKeyID: "ASIAEXAMPLEACCESSKEY", SecretAccessKey: testSecretKey, SessionToken: testSessionToken, Expiration: exp}},
		{name: "nil ARN", out: &sts.AssumeRoleWithWebIdentityOutput{Credentials: creds(nil), AssumedRoleUser: &types.AssumedRoleUser{}},
			want: Credentials{AccessKeyID: "ASIAEXAMPLEACCESSKEY", SecretAccessKey: testSecretKey, SessionToken: testSessionToken, Expiration: exp}},
		{name: "nil AssumedRoleUser", out: &sts.AssumeRoleWithWebIdentityOutput{Credentials: creds(nil)},
			want: Credentials{AccessKeyID: "ASIAEXAMPLEACCESSKEY", SecretAccessKey: testSecretKey, SessionToken: testSessionToken, Expiration: exp}},
		{name: "no session token", out: &sts.AssumeRoleWithWebIdentityOutput{Credentials: creds(func(c *types.Credentials) { c.SessionToken = nil })},
			want: Credentials{AccessKeyID: "ASIAEXAMPLEACCESSKEY", SecretAccessKey: testSecretKey, Expiration: exp}},
		{name: "missing Expiration", out: &sts.AssumeRoleWithWebIdentityOutput{Credentials: creds(func(c *types.Credentials) { c.Expiration = nil })},
			wantErr: "no expiration"},
		{name: "zero Expiration", out: &sts.AssumeRoleWithWebIdentityOutput{Credentials: creds(func(c *types.Credentials) { c.Expiration = &time.Time{} })},
			wantErr: "no expiration"},
		{name: "no credentials", out: &sts.AssumeRoleWithWebIdentityOutput{}, wantErr: "without credentials"},
		{name: "empty output", out: &sts.AssumeRoleWithWebIdentityOutput{AssumedRoleUser: goodOutput().AssumedRoleUser}, wantErr: "without credentials"},
		{name: "no secret key", out: &sts.AssumeRoleWithWebIdentityOutput{Credentials: creds(func(c *types.Credentials) { c.SecretAccessKey = aws.String("") })},
			wantErr: "without credentials"},
		{name: "no access key", out: &sts.AssumeRoleWithWebIdentityOutput{Credentials: creds(func(c *types.Credentials) { c.AccessKeyId = nil })},
			wantErr: "without credentials"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness()
			h.fake.out = tc.out
			got, err := h.x.Exchange(context.Background(), Request{Token: tok, RoleARN: testRole, SessionName: "s"})
			if h.fake.calls() != 1 {
				t.Errorf("%d calls, want 1", h.fake.calls())
			}
			if tc.wantErr != "" {
				e := wantKind(t, err, KindUnreachable)
				if !strings.Contains(e.Error(), tc.wantErr) {
					t.Errorf("message %q does not contain %q", e.Error(), tc.wantErr)
				}
				noLeak(t, "the message", e.Error(), tok.Raw, testSecretKey, testSessionToken, "ASIAEXAMPLEACCESSKEY")
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
			noLeak(t, "the log", strings.Join(h.logs, "\n"), tok.Raw, testSecretKey, testSessionToken)
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
			if len(h.fake.inputs) != 1 {
				t.Fatalf("%d calls", len(h.fake.inputs))
			}
			in := h.fake.inputs[0]
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
	h := newHarness(apiError(400, "Throttling", "x"), nil)
	req := Request{Token: testToken(t), RoleARN: testRole, SessionName: "s", Duration: time.Hour, Policy: `{"Version":"2012-10-17"}`}
	if _, err := h.x.Exchange(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if len(h.fake.inputs) != 2 || h.fake.inputs[0] != h.fake.inputs[1] {
		t.Errorf("the retry sent different input")
	}
}
