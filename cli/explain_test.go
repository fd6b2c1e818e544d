package cli

import (
	"context"
	"crypto/x509"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/exchange"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
	"github.com/oidc-creds/oidc-creds/token"
)

const testRole = "arn:aws:iam::123456789012:role/deploy"

// harness is an Exchanger on a fake STS that records its sleeps and logs.
type harness struct {
	x      *exchange.Exchanger
	fake   *testkit.FakeSTS
	sleeps testkit.Sleeps
	log    testkit.Recorder
}

func newHarness(results ...error) *harness {
	h := &harness{fake: &testkit.FakeSTS{Results: results}}
	h.x = &exchange.Exchanger{
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
	tok, err := token.Parse(testkit.JWT(t, testkit.PulumiClaims()), "environment variable PULUMI_OIDC_TOKEN")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// withNow stops the package clock at now for one test.
func withNow(t *testing.T, now time.Time) {
	t.Helper()
	testkit.UseClock(t, &timeNow, testkit.NewClock(now))
}

// TestExplain runs Exchange against a fake STS and words its failure: the
// sentence, the exit status, the attempts, and no secret anywhere.
func TestExplain(t *testing.T) {
	tok := testToken(t)
	sig := testkit.Signature
	// STS echoing the token must not put it on the screen.
	planted := "token " + tok.Raw + " signature " + sig
	// ExpiredTokenException is explained against the clock: 2 hours after exp.
	withNow(t, tok.Claims.Expiry.Add(2*time.Hour))

	throttle := testkit.APIError(400, "Throttling", "Rate exceeded "+planted)
	server := testkit.APIError(500, "InternalFailure", "internal error "+planted)
	idp := testkit.APIError(400, "IDPCommunicationError", "Couldn't retrieve verification key from your identity provider "+planted)
	invalid := testkit.APIError(400, "InvalidIdentityToken", "No OpenIDConnect provider found in your account for https://api.pulumi.com/oidc "+planted)
	audience := testkit.APIError(400, "InvalidIdentityToken", "Incorrect token audience "+planted)

	for _, tc := range []struct {
		name        string
		results     []error
		maxAttempts int
		wantCalls   int
		wantKind    creds.Kind
		want        []string
		noClaims    bool // the token carries no iss, sub or aud
	}{
		{name: "throttling forever", results: []error{throttle}, wantCalls: exchange.DefaultMaxAttempts, wantKind: creds.KindUnreachable,
			want: []string{"throttling", "6 attempt(s)", "Throttling", "endpoint " + testkit.STSEndpoint, "region " + testkit.STSRegion}},
		{name: "throttling, MaxAttempts 3", results: []error{throttle}, maxAttempts: 3, wantCalls: 3, wantKind: creds.KindUnreachable,
			want: []string{"throttling", "3 attempt(s)"}},
		{name: "429 throttling", results: []error{testkit.APIError(429, "TooManyRequestsException", "slow down")}, wantCalls: exchange.DefaultMaxAttempts, wantKind: creds.KindUnreachable,
			want: []string{"throttling"}},
		{name: "5xx forever", results: []error{server}, wantCalls: exchange.DefaultMaxAttempts, wantKind: creds.KindUnreachable,
			want: []string{"STS kept failing", "try again later", "InternalFailure", "6 attempt(s)"}},
		{name: "5xx without an XML body", results: []error{testkit.OpError(503, &smithy.DeserializationError{Err: io.EOF})}, wantCalls: exchange.DefaultMaxAttempts, wantKind: creds.KindUnreachable,
			want: []string{"STS kept failing", "503", "try again later"}},
		{name: "IDPCommunicationError forever", results: []error{idp}, wantCalls: exchange.DefaultMaxAttempts, wantKind: creds.KindUnreachable,
			want: []string{"STS kept failing", "IDPCommunicationError"}},
		{name: "InvalidIdentityToken retried once", results: []error{invalid}, wantCalls: 2, wantKind: creds.KindRefused,
			want: []string{`"https://api.pulumi.com/oidc"`, `"acme"`, "identity provider", "No OpenIDConnect provider found"}},
		{name: "InvalidIdentityToken audience", results: []error{audience}, wantCalls: 2, wantKind: creds.KindRefused,
			want: []string{"https://api.pulumi.com/oidc", `"acme"`, "audience", "client ID"}},
		{name: "AccessDenied", results: []error{testkit.APIError(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity "+planted)}, wantCalls: 1, wantKind: creds.KindRefused,
			want: []string{testRole, `"acme"`, `"pulumi:deploy:org:acme:project:web:stack:dev:operation:update:scope:write"`,
				`"Condition"`, `"StringEquals"`, `"api.pulumi.com/oidc:aud": "acme"`, `"StringLike"`, `"api.pulumi.com/oidc:sub"`, "Not authorized"}},
		{name: "IDPRejectedClaim", results: []error{testkit.APIError(403, "IDPRejectedClaim", "rejected "+planted)}, wantCalls: 1, wantKind: creds.KindRefused,
			want: []string{"trust policy", `"Condition"`}},
		{name: "ValidationError", results: []error{testkit.APIError(400, "ValidationError", "1 validation error detected: Value at 'roleSessionName' failed "+planted)}, wantCalls: 1, wantKind: creds.KindRefused,
			want: []string{"STS rejected a parameter", "roleSessionName"}},
		{name: "ValidationError MaxSessionDuration", results: []error{testkit.APIError(400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role. "+planted)}, wantCalls: 1, wantKind: creds.KindRefused,
			want: []string{"lower --duration", "raise the role's MaxSessionDuration", "2h0m0s", testRole}},
		{name: "ExpiredTokenException", results: []error{testkit.APIError(400, "ExpiredTokenException", "Token expired: current date/time 1900007200 must be before the expiration date/time 1900000000 "+planted)}, wantCalls: 1, wantKind: creds.KindToken,
			want: []string{"expired at 2030-03-17T17:46:40Z", "2h0m0s ago", "fresh token"}},
		{name: "MinIO expired token", results: []error{testkit.APIError(400, "InvalidParameterValue", "Token is expired "+planted)}, wantCalls: 1, wantKind: creds.KindToken,
			want: []string{"expired", "ago"}},
		{name: "InvalidIdentityToken without iss", noClaims: true, results: []error{invalid}, wantCalls: 2, wantKind: creds.KindRefused,
			want: []string{"no iss claim", "OIDC ID token"}},
		{name: "MinIO wrong audience", results: []error{testkit.APIError(400, "InvalidParameterValue", "STS JWT Token has `azp` claim invalid, `azp` must match configured OpenID Client ID "+planted)}, wantCalls: 1, wantKind: creds.KindRefused,
			want: []string{"does not list the token's audience", `"acme"`, "azp"}},
		{name: "MinIO unknown role", results: []error{testkit.APIError(400, "InvalidParameterValue", "Error processing RoleArn parameter: RoleARN "+testRole+" is not defined. "+planted)}, wantCalls: 1, wantKind: creds.KindRefused,
			want: []string{"knows no role " + testRole, "--role-arn"}},
		{name: "MalformedPolicyDocument", results: []error{testkit.APIError(400, "MalformedPolicyDocument", "Syntax errors in policy "+planted)}, wantCalls: 1, wantKind: creds.KindRefused,
			want: []string{"--policy", "malformed", "Syntax errors in policy"}},
		{name: "PackedPolicyTooLarge", results: []error{testkit.APIError(400, "PackedPolicyTooLarge", "Packed policy consumes 112% of allotted space "+planted)}, wantCalls: 1, wantKind: creds.KindRefused,
			want: []string{"--policy", "--policy-arn", "too large"}},
		{name: "RegionDisabledException", results: []error{testkit.APIError(403, "RegionDisabledException", "STS is not activated in this region "+planted)}, wantCalls: 1, wantKind: creds.KindRefused,
			want: []string{"region " + testkit.STSRegion, "--region"}},
		{name: "unknown API error", results: []error{testkit.APIError(400, "SomethingNew", "what is this "+planted)}, wantCalls: 1, wantKind: creds.KindRefused,
			want: []string{"SomethingNew", "what is this"}},
		{name: "connection refused", results: []error{testkit.SendError(syscall.ECONNREFUSED)}, wantCalls: 3, wantKind: creds.KindUnreachable,
			want: []string{"cannot reach STS", "endpoint " + testkit.STSEndpoint, "region " + testkit.STSRegion, "3 attempt(s)", "connection refused", "--endpoint-url"}},
		{name: "connection refused as the SDK wraps it", results: []error{testkit.OpError(0, &smithyhttp.RequestSendError{Err: &url.Error{Op: "Post", URL: testkit.STSEndpoint + "/", Err: syscall.ECONNREFUSED}})},
			wantCalls: 3, wantKind: creds.KindUnreachable, want: []string{"cannot reach STS", testkit.STSEndpoint, testkit.STSRegion, "3 attempt(s)"}},
		{name: "network timeout as the SDK wraps it", results: []error{testkit.OpError(0, &smithyhttp.RequestSendError{Err: &url.Error{Op: "Post", URL: testkit.STSEndpoint + "/", Err: testkit.TimeoutErr{}}})},
			wantCalls: 1, wantKind: creds.KindUnreachable, want: []string{"timed out", testkit.STSEndpoint}},
		{name: "502 from a proxy", results: []error{testkit.OpError(502, &smithy.DeserializationError{Err: errors.New("EOF")})}, wantCalls: exchange.DefaultMaxAttempts, wantKind: creds.KindUnreachable,
			want: []string{"STS kept failing", "502"}},
		{name: "429 without an STS body", results: []error{testkit.OpError(429, &smithy.DeserializationError{Err: errors.New("EOF")})}, wantCalls: exchange.DefaultMaxAttempts, wantKind: creds.KindUnreachable,
			want: []string{"429"}},
		{name: "no route", results: []error{testkit.ConnRefused()}, wantCalls: 3, wantKind: creds.KindUnreachable,
			want: []string{"cannot reach STS", testkit.STSEndpoint}},
		{name: "network timeout", results: []error{testkit.SendError(testkit.TimeoutErr{})}, wantCalls: 1, wantKind: creds.KindUnreachable,
			want: []string{"STS", testkit.STSEndpoint, testkit.STSRegion}},
		{name: "TLS failure", results: []error{testkit.SendError(x509.UnknownAuthorityError{})}, wantCalls: 1, wantKind: creds.KindUnreachable,
			want: []string{"TLS", "AWS_CA_BUNDLE", testkit.STSEndpoint}},
		{name: "not an STS response", results: []error{testkit.OpError(200, &smithy.DeserializationError{Err: errors.New("unexpected EOF " + planted)})}, wantCalls: 1, wantKind: creds.KindUnreachable,
			want: []string{"not an STS response", "--endpoint-url", testkit.STSEndpoint}},
		// The SDK wraps these in the answer's ResponseError only, not in a DeserializationError.
		{name: "truncated XML answer", results: []error{testkit.OpError(200, &xml.SyntaxError{Msg: "unexpected EOF", Line: 5})}, wantCalls: 1, wantKind: creds.KindUnreachable,
			want: []string{"not an STS response", "--endpoint-url", testkit.STSEndpoint}},
		{name: "unparsable Expiration", results: []error{testkit.OpError(200, fmt.Errorf("unable to parse time string, parse errors: %w", errors.New("cannot parse "+planted)))}, wantCalls: 1, wantKind: creds.KindUnreachable,
			want: []string{"not an STS response", testkit.STSEndpoint}},
		{name: "unexpected error", results: []error{errors.New("boom " + planted)}, wantCalls: 1, wantKind: creds.KindInternal,
			want: []string{"boom", "[token]"}},
		{name: "unexpected error with the signature only", results: []error{errors.New("boom sig=" + sig)}, wantCalls: 1, wantKind: creds.KindInternal,
			want: []string{"[signature]"}},
		{name: "throttling then AccessDenied", results: []error{throttle, throttle, testkit.APIError(403, "AccessDenied", "Not authorized "+planted)}, wantCalls: 3, wantKind: creds.KindRefused,
			want: []string{"trust policy"}},
		{name: "InvalidIdentityToken then throttling then InvalidIdentityToken", results: []error{invalid, throttle, invalid}, wantCalls: 3, wantKind: creds.KindRefused,
			want: []string{"identity provider"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(tc.results...)
			h.x.MaxAttempts = tc.maxAttempts
			reqTok := tok
			if tc.noClaims {
				reqTok = &token.Token{Raw: tok.Raw, Origin: tok.Origin, Claims: token.Claims{Expiry: tok.Claims.Expiry}}
			}
			got, err := h.x.Exchange(context.Background(), exchange.Request{Token: reqTok, RoleARN: testRole, SessionName: "s", Duration: 2 * time.Hour})
			if err == nil {
				t.Fatalf("Exchange = %+v, want an error", got)
			}
			err = explain(err)
			e := testkit.WantKind(t, err, tc.wantKind)
			if got := h.fake.Calls(); got != tc.wantCalls {
				t.Errorf("%d calls, want %d", got, tc.wantCalls)
			}
			if len(h.sleeps.Waits()) != tc.wantCalls-1 {
				t.Errorf("%d sleeps for %d calls", len(h.sleeps.Waits()), tc.wantCalls)
			}
			msg := e.Error()
			for _, want := range tc.want {
				if !strings.Contains(msg, want) {
					t.Errorf("message does not contain %q:\n%s", want, msg)
				}
			}
			if got != (creds.Credentials{}) {
				t.Errorf("credentials %+v along with an error", got)
			}
			testkit.NoLeak(t, "the message", msg, tok.Raw, sig, testkit.STSSecretKey, testkit.STSSessionToken)
			testkit.NoLeak(t, "the log", h.log.String(), tok.Raw, sig, testkit.STSSecretKey, testkit.STSSessionToken)
			if first, _, _ := strings.Cut(msg, "\n"); strings.HasSuffix(first, ".") || first == "" {
				t.Errorf("the first line %q is not one sentence without a trailing period", first)
			}
		})
	}
}
