package teststs

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
)

func client(s *Server) *sts.Client {
	return sts.New(sts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(s.URL),
		Credentials:  aws.AnonymousCredentials{},
		Retryer:      aws.NopRetryer{},
	})
}

func input(s *Server, token string) *sts.AssumeRoleWithWebIdentityInput {
	return &sts.AssumeRoleWithWebIdentityInput{
		RoleArn:          aws.String(DefaultRoleARN),
		RoleSessionName:  aws.String("oidc-creds"),
		WebIdentityToken: aws.String(token),
	}
}

var (
	accessKeyRE    = regexp.MustCompile(`^ASIA[A-Z0-9]{16}$`)
	secretKeyRE    = regexp.MustCompile(`^[A-Za-z0-9+/]{40}$`)
	sessionTokenRE = regexp.MustCompile(`^IQoJb3JpZ2luX2Vj[A-Za-z0-9+/]+={1,2}$`)
)

func checkCredentials(t *testing.T, c *types.Credentials, wantTTL time.Duration) {
	t.Helper()
	if !accessKeyRE.MatchString(aws.ToString(c.AccessKeyId)) {
		t.Errorf("AccessKeyId %q", aws.ToString(c.AccessKeyId))
	}
	secret := aws.ToString(c.SecretAccessKey)
	if !secretKeyRE.MatchString(secret) || !strings.ContainsAny(secret, "+") || !strings.ContainsAny(secret, "/") {
		t.Errorf("SecretAccessKey %q: want 40 base64 characters including + and /", secret)
	}
	tok := aws.ToString(c.SessionToken)
	if !sessionTokenRE.MatchString(tok) || !strings.Contains(tok, "+") || !strings.Contains(tok, "/") || len(tok) < 600 {
		t.Errorf("SessionToken %q", tok)
	}
	if c.Expiration == nil {
		t.Fatal("no Expiration")
	}
	got := time.Until(*c.Expiration)
	if got > wantTTL || got < wantTTL-5*time.Second {
		t.Errorf("Expiration %v is %v away, want about %v", c.Expiration, got, wantTTL)
	}
	if c.Expiration.Location() != time.UTC {
		t.Errorf("Expiration %v not in UTC", c.Expiration)
	}
}

func TestAssumeRoleWithWebIdentity(t *testing.T) {
	s := NewForTest(t, Options{Roles: []Role{
		{ARN: DefaultRoleARN, SubPattern: DefaultSubPattern, MaxSessionDuration: 12 * time.Hour},
		{ARN: "arn:aws:iam::123456789012:role/short", MaxSessionDuration: time.Hour},
		{ARN: "arn:aws:iam::123456789012:role/other-aud", Audience: "other"},
		{ARN: "arn:aws:iam::123456789012:role/path/to/esc", SubPattern: "pulumi:environments:org:acme:env:<yaml>"},
		{ARN: "arn:aws:iam::123456789012:role/q", SubPattern: "a?c"},
		{ARN: "arn:minio:iam:::role/dfOalvmGW6PfTM1cn4qXxqXqIaw"},
	}})
	c := client(s)
	now := time.Now()
	tok := s.Mint(nil)
	incompressible := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` +
		randomAlnum(1900) + `"}]}`
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	arns := func(n int) []types.PolicyDescriptorType {
		out := make([]types.PolicyDescriptorType, n)
		for i := range out {
			out[i].Arn = aws.String(fmt.Sprintf("arn:aws:iam::aws:policy/Policy%d", i))
		}
		return out
	}

	for _, tc := range []struct {
		name    string
		edit    func(in *sts.AssumeRoleWithWebIdentityInput)
		code    string // "" = success
		status  int
		msg     string // substring of the error message
		arn     string // expected AssumedRoleUser Arn on success
		ttl     time.Duration
		subject string
	}{
		{name: "ok", arn: "arn:aws:sts::123456789012:assumed-role/deploy/oidc-creds", ttl: time.Hour, subject: DefaultSubject},
		{name: "ok max duration", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.DurationSeconds = aws.Int32(43200)
		}, arn: "arn:aws:sts::123456789012:assumed-role/deploy/oidc-creds", ttl: 12 * time.Hour},
		{name: "ok session policies", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.Policy = aws.String(policy)
			in.PolicyArns = arns(10)
			in.DurationSeconds = aws.Int32(900)
		}, arn: "arn:aws:sts::123456789012:assumed-role/deploy/oidc-creds", ttl: 15 * time.Minute},
		{name: "ok role path", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.RoleArn = aws.String("arn:aws:iam::123456789012:role/path/to/esc")
			in.WebIdentityToken = aws.String(s.Mint(map[string]any{"sub": "pulumi:environments:org:acme:env:<yaml>"}))
			in.RoleSessionName = aws.String("a=b,c.d@e-f+g_h")
		}, arn: "arn:aws:sts::123456789012:assumed-role/esc/a=b,c.d@e-f+g_h", ttl: time.Hour},
		{name: "ok question mark pattern", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.RoleArn = aws.String("arn:aws:iam::123456789012:role/q")
			in.WebIdentityToken = aws.String(s.Mint(map[string]any{"sub": "abc"}))
		}, arn: "arn:aws:sts::123456789012:assumed-role/q/oidc-creds", ttl: time.Hour},
		{name: "ok audience list", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.WebIdentityToken = aws.String(s.Mint(map[string]any{"aud": []string{"x", "acme"}}))
		}, arn: "arn:aws:sts::123456789012:assumed-role/deploy/oidc-creds", ttl: time.Hour},
		{name: "ok role without account", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.RoleArn = aws.String("arn:minio:iam:::role/dfOalvmGW6PfTM1cn4qXxqXqIaw")
		}, arn: "", ttl: time.Hour},

		{name: "no action version check needed by SDK; session name pattern", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.RoleSessionName = aws.String("bad name")
		}, code: "ValidationError", status: 400,
			msg: `1 validation error detected: Value 'bad name' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`},
		{name: "session name short", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.RoleSessionName = aws.String("a")
		}, code: "ValidationError", status: 400, msg: "Member must have length greater than or equal to 2"},
		{name: "session name long", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.RoleSessionName = aws.String(strings.Repeat("a", 65))
		}, code: "ValidationError", status: 400, msg: "at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{name: "role arn short", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.RoleArn = aws.String("arn:aws:iam::1:role")
		}, code: "ValidationError", status: 400, msg: "at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20"},
		{name: "token short", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.WebIdentityToken = aws.String("xyz")
		}, code: "ValidationError", status: 400, msg: "Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4"},
		{name: "token long", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.WebIdentityToken = aws.String(strings.Repeat("x", 20001))
		}, code: "ValidationError", status: 400, msg: "Member must have length less than or equal to 20000"},
		{name: "two errors", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.RoleSessionName = aws.String("a")
			in.DurationSeconds = aws.Int32(60)
		}, code: "ValidationError", status: 400, msg: "2 validation errors detected: "},
		{name: "duration short", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.DurationSeconds = aws.Int32(899)
		}, code: "ValidationError", status: 400, msg: "Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		{name: "duration long", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.DurationSeconds = aws.Int32(43201)
		}, code: "ValidationError", status: 400, msg: "Member must have value less than or equal to 43200"},
		{name: "too many policy arns", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.PolicyArns = arns(11)
		}, code: "ValidationError", status: 400, msg: "at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10"},
		{name: "policy long", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.Policy = aws.String(`{"x":"` + strings.Repeat("a", 2043) + `"}`)
		}, code: "ValidationError", status: 400, msg: "at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048"},
		{name: "policy empty", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.Policy = aws.String("")
		}, code: "ValidationError", status: 400, msg: "at 'policy' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{name: "policy not JSON", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.Policy = aws.String(`{"Version":`)
		}, code: "MalformedPolicyDocument", status: 400},
		{name: "policy not an object", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.Policy = aws.String(`["s3:*"]`)
		}, code: "MalformedPolicyDocument", status: 400},
		{name: "policy packs too large", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.Policy = aws.String(incompressible)
		}, code: "PackedPolicyTooLarge", status: 400, msg: "% of allotted space"},

		{name: "token not a JWT", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.WebIdentityToken = aws.String("not-a-jwt-at-all")
		}, code: "InvalidIdentityToken", status: 400, msg: msgNotValidated},
		{name: "token wrong issuer", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.WebIdentityToken = aws.String(s.Mint(map[string]any{"iss": "https://api.pulumi.com/oidc"}))
		}, code: "InvalidIdentityToken", status: 400, msg: "No OpenIDConnect provider found in your account for https://api.pulumi.com/oidc"},
		{name: "token bad signature", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.WebIdentityToken = aws.String(s.MintForeign(nil))
		}, code: "InvalidIdentityToken", status: 400, msg: msgNotValidated},
		{name: "token tampered", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			parts := strings.Split(tok, ".")
			claims, _ := json.Marshal(map[string]any{"iss": s.IssuerURL, "aud": "acme", "sub": DefaultSubject, "exp": now.Add(time.Hour).Unix()})
			in.WebIdentityToken = aws.String(parts[0] + "." + b64url.EncodeToString(claims) + "." + parts[2])
		}, code: "InvalidIdentityToken", status: 400, msg: msgNotValidated},
		{name: "token wrong audience", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.WebIdentityToken = aws.String(s.Mint(map[string]any{"aud": "other"}))
		}, code: "InvalidIdentityToken", status: 400, msg: "Incorrect token audience"},
		{name: "token expired", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.WebIdentityToken = aws.String(s.Mint(map[string]any{"exp": now.Add(-time.Minute), "iat": now.Add(-time.Hour), "nbf": now.Add(-time.Hour)}))
		}, code: "ExpiredTokenException", status: 400,
			msg: fmt.Sprintf("must be before the expiration date/time %d", now.Add(-time.Minute).Unix())},
		{name: "token without exp", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.WebIdentityToken = aws.String(s.Mint(map[string]any{"exp": nil}))
		}, code: "InvalidIdentityToken", status: 400},
		{name: "token not yet valid", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.WebIdentityToken = aws.String(s.Mint(map[string]any{"nbf": now.Add(10 * time.Minute)}))
		}, code: "InvalidIdentityToken", status: 400},
		{name: "unknown role", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.RoleArn = aws.String("arn:aws:iam::123456789012:role/nope")
		}, code: "AccessDenied", status: 403, msg: msgAccessDenied},
		{name: "subject not trusted", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.WebIdentityToken = aws.String(s.Mint(map[string]any{"sub": "pulumi:deploy:org:evil:project:web"}))
		}, code: "AccessDenied", status: 403, msg: msgAccessDenied},
		{name: "question mark needs one character", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.RoleArn = aws.String("arn:aws:iam::123456789012:role/q")
			in.WebIdentityToken = aws.String(s.Mint(map[string]any{"sub": "ac"}))
		}, code: "AccessDenied", status: 403},
		{name: "role audience not in token", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.RoleArn = aws.String("arn:aws:iam::123456789012:role/other-aud")
		}, code: "AccessDenied", status: 403},
		{name: "duration above role maximum", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.RoleArn = aws.String("arn:aws:iam::123456789012:role/short")
			in.DurationSeconds = aws.Int32(3601)
		}, code: "ValidationError", status: 400, msg: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := input(s, tok)
			if tc.edit != nil {
				tc.edit(in)
			}
			out, err := c.AssumeRoleWithWebIdentity(context.Background(), in)
			if tc.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				checkCredentials(t, out.Credentials, tc.ttl)
				if got := aws.ToString(out.AssumedRoleUser.Arn); got != tc.arn {
					t.Errorf("Arn = %q, want %q", got, tc.arn)
				}
				if tc.arn != "" && !strings.HasPrefix(aws.ToString(out.AssumedRoleUser.AssumedRoleId), "AROA") {
					t.Errorf("AssumedRoleId = %q", aws.ToString(out.AssumedRoleUser.AssumedRoleId))
				}
				if tc.subject != "" && aws.ToString(out.SubjectFromWebIdentityToken) != tc.subject {
					t.Errorf("SubjectFromWebIdentityToken = %q", aws.ToString(out.SubjectFromWebIdentityToken))
				}
				if aws.ToString(out.Audience) != "acme" {
					t.Errorf("Audience = %q", aws.ToString(out.Audience))
				}
				if (in.Policy != nil || in.PolicyArns != nil) != (out.PackedPolicySize != nil) {
					t.Errorf("PackedPolicySize = %v", out.PackedPolicySize)
				}
				return
			}
			var apiErr smithy.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v (%T) is not a smithy.APIError", err, err)
			}
			if apiErr.ErrorCode() != tc.code {
				t.Errorf("ErrorCode() = %q (%v), want %q", apiErr.ErrorCode(), err, tc.code)
			}
			if !strings.Contains(apiErr.ErrorMessage(), tc.msg) {
				t.Errorf("ErrorMessage() = %q, want it to contain %q", apiErr.ErrorMessage(), tc.msg)
			}
			if strings.Contains(apiErr.ErrorMessage(), aws.ToString(in.WebIdentityToken)) {
				t.Errorf("the message echoes the token: %q", apiErr.ErrorMessage())
			}
			var respErr *awshttp.ResponseError
			if !errors.As(err, &respErr) {
				t.Fatalf("error %v is not an awshttp.ResponseError", err)
			}
			if respErr.HTTPStatusCode() != tc.status {
				t.Errorf("status %d, want %d", respErr.HTTPStatusCode(), tc.status)
			}
			if respErr.ServiceRequestID() == "" {
				t.Error("no request ID")
			}
		})
	}

	// The SDK maps the modelled errors to their types.
	_, err := c.AssumeRoleWithWebIdentity(context.Background(), input(s, s.Mint(map[string]any{"exp": now.Add(-time.Second)})))
	var expired *types.ExpiredTokenException
	if !errors.As(err, &expired) {
		t.Errorf("expired token: %v (%T), want *types.ExpiredTokenException", err, err)
	}
	_, err = c.AssumeRoleWithWebIdentity(context.Background(), input(s, s.MintForeign(nil)))
	var invalid *types.InvalidIdentityTokenException
	if !errors.As(err, &invalid) {
		t.Errorf("foreign token: %v (%T), want *types.InvalidIdentityTokenException", err, err)
	}
}

func randomAlnum(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	var b strings.Builder
	for b.Len() < n {
		sum := sha256.Sum256([]byte(fmt.Sprint(b.Len())))
		for _, c := range sum {
			b.WriteByte(alphabet[int(c)%len(alphabet)])
		}
	}
	return b.String()[:n]
}

func TestEmptyAssumedRoleARNAndCredentialTTL(t *testing.T) {
	s := NewForTest(t, Options{EmptyAssumedRoleARN: true, CredentialTTL: 3 * time.Second, Audience: "minio"})
	out, err := client(s).AssumeRoleWithWebIdentity(context.Background(), input(s, s.Mint(nil)))
	if err != nil {
		t.Fatal(err)
	}
	if arn := aws.ToString(out.AssumedRoleUser.Arn); arn != "" {
		t.Errorf("Arn = %q, want empty", arn)
	}
	if aws.ToString(out.Audience) != "minio" {
		t.Errorf("Audience = %q", aws.ToString(out.Audience))
	}
	checkCredentials(t, out.Credentials, 3*time.Second)
}

func TestRequestsRecorded(t *testing.T) {
	s := NewForTest(t, Options{})
	c := client(s)
	in := input(s, s.Mint(nil))
	in.Policy = aws.String(`{"Version":"2012-10-17","Statement":[]}`)
	in.PolicyArns = []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}, {Arn: aws.String("arn:aws:iam::aws:policy/AdminAccess")}}
	in.DurationSeconds = aws.Int32(1800)
	out, err := c.AssumeRoleWithWebIdentity(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AssumeRoleWithWebIdentity(context.Background(), input(s, s.Mint(map[string]any{"sub": "x"}))); err == nil {
		t.Fatal("untrusted subject succeeded")
	}
	reqs := s.Requests()
	if s.Calls() != 2 || len(reqs) != 2 {
		t.Fatalf("Calls() = %d, %d requests; want 2", s.Calls(), len(reqs))
	}
	r := reqs[0]
	if r.RoleARN != DefaultRoleARN || r.RoleSessionName != "oidc-creds" || r.Policy != aws.ToString(in.Policy) ||
		strings.Join(r.PolicyARNs, ",") != "arn:aws:iam::aws:policy/ReadOnlyAccess,arn:aws:iam::aws:policy/AdminAccess" ||
		r.DurationSeconds != 1800 || r.Outcome != "ok" || r.AccessKeyID != aws.ToString(out.Credentials.AccessKeyId) ||
		r.Subject != DefaultSubject || r.Action != "AssumeRoleWithWebIdentity" || time.Since(r.Time) > time.Minute {
		t.Errorf("request 0 = %+v", r)
	}
	if reqs[1].Outcome != "AccessDenied" || reqs[1].DurationSeconds != 3600 || reqs[1].Subject != "x" || reqs[1].AccessKeyID != "" {
		t.Errorf("request 1 = %+v", reqs[1])
	}
	reqs[0].PolicyARNs[0] = "changed"
	if s.Requests()[0].PolicyARNs[0] == "changed" {
		t.Error("Requests does not return copies")
	}
	s.Reset()
	if s.Calls() != 0 || len(s.Requests()) != 0 {
		t.Error("Reset did not clear calls")
	}
}

func TestFaults(t *testing.T) {
	s := NewForTest(t, Options{})
	c := client(s)
	s.Inject(Faults{Throttle: 1, ServerErrors: 1, IDPErrors: 1})
	s.Inject(Faults{InvalidToken: 1, Garbage: 1, Throttle: 1})
	if got := s.PendingFaults(); got != (Faults{Throttle: 2, ServerErrors: 1, IDPErrors: 1, InvalidToken: 1, Garbage: 1}) {
		t.Fatalf("PendingFaults() = %+v", got)
	}
	tok := s.Mint(nil)
	for i, want := range []struct {
		code   string
		status int
	}{
		{"Throttling", 400}, {"Throttling", 400}, {"InternalFailure", 500}, {"IDPCommunicationError", 400},
		{"InvalidIdentityToken", 400}, {"garbage", 200}, {"", 200},
	} {
		_, err := c.AssumeRoleWithWebIdentity(context.Background(), input(s, tok))
		switch want.code {
		case "":
			if err != nil {
				t.Errorf("call %d: %v", i, err)
			}
		case "garbage":
			var de *smithy.DeserializationError
			if !errors.As(err, &de) {
				t.Errorf("call %d: %v (%T), want a DeserializationError", i, err, err)
			}
		default:
			var apiErr smithy.APIError
			var respErr *awshttp.ResponseError
			if !errors.As(err, &apiErr) || apiErr.ErrorCode() != want.code || !errors.As(err, &respErr) || respErr.HTTPStatusCode() != want.status {
				t.Errorf("call %d: %v, want %s (%d)", i, err, want.code, want.status)
			}
		}
	}
	if got := s.PendingFaults(); got != (Faults{}) {
		t.Errorf("faults left: %+v", got)
	}
	var outcomes []string
	for _, r := range s.Requests() {
		outcomes = append(outcomes, r.Outcome)
	}
	if got := strings.Join(outcomes, " "); got != "Throttling Throttling InternalFailure IDPCommunicationError InvalidIdentityToken garbage ok" {
		t.Errorf("outcomes %s", got)
	}
	if s.Calls() != 7 {
		t.Errorf("Calls() = %d, want 7", s.Calls())
	}

	// The SDK's standard retryer retries throttling and 5xx.
	s.Reset()
	s.Inject(Faults{Throttle: 1, ServerErrors: 1})
	retrying := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(s.URL), Credentials: aws.AnonymousCredentials{}},
		func(o *sts.Options) {
			o.Retryer = retryNoBackoff(o)
		})
	if _, err := retrying.AssumeRoleWithWebIdentity(context.Background(), input(s, tok)); err != nil {
		t.Errorf("with retries: %v", err)
	}
	if s.Calls() != 3 {
		t.Errorf("with retries: %d calls, want 3", s.Calls())
	}
}

func TestDelay(t *testing.T) {
	s := NewForTest(t, Options{})
	c := client(s)
	tok := s.Mint(nil)

	s.Inject(Faults{Delay: 200 * time.Millisecond})
	start := time.Now()
	if _, err := c.AssumeRoleWithWebIdentity(context.Background(), input(s, tok)); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("answered after %v, want at least the delay", d)
	}

	// The client giving up ends the delay on the server side too.
	s.Inject(Faults{Delay: time.Minute, Throttle: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err := c.AssumeRoleWithWebIdentity(ctx, input(s, tok))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("gave up after %v", d)
	}
	waitFor(t, func() bool { return s.Requests()[1].Outcome == "canceled" })
	if s.Calls() != 2 || s.PendingFaults().Throttle != 0 {
		t.Errorf("calls %d, faults %+v: the delayed request should count and consume its fault", s.Calls(), s.PendingFaults())
	}

	s.Inject(Faults{Delay: -1})
	if s.PendingFaults().Delay != 0 {
		t.Error("a negative Delay does not clear the delay")
	}

	// Close ends pending delays.
	s.Inject(Faults{Delay: time.Minute})
	done := make(chan error, 1)
	go func() {
		_, err := c.AssumeRoleWithWebIdentity(context.Background(), input(s, tok))
		done <- err
	}()
	waitFor(t, func() bool { return s.Calls() == 3 })
	start = time.Now()
	s.Close()
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Close took %v", d)
	}
	if err := <-done; err == nil {
		t.Error("the request delayed across Close succeeded")
	}
	s.Close() // idempotent
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
	}
}

func TestConcurrent(t *testing.T) {
	s := NewForTest(t, Options{})
	c := client(s)
	tok := s.Mint(nil)
	const n = 20
	var wg sync.WaitGroup
	keys := make(chan string, n)
	for range n {
		wg.Go(func() {
			out, err := c.AssumeRoleWithWebIdentity(context.Background(), input(s, tok))
			if err != nil {
				t.Error(err)
				return
			}
			keys <- aws.ToString(out.Credentials.AccessKeyId)
		})
		wg.Go(func() {
			s.Inject(Faults{})
			_ = s.Requests()
			_ = s.Calls()
		})
	}
	wg.Wait()
	close(keys)
	seen := map[string]bool{}
	for k := range keys {
		if seen[k] {
			t.Errorf("access key %s issued twice", k)
		}
		seen[k] = true
	}
	if s.Calls() != n || len(seen) != n {
		t.Errorf("Calls() = %d, %d keys; want %d", s.Calls(), len(seen), n)
	}
}

func TestWebIdentityRoleProvider(t *testing.T) {
	s := NewForTest(t, Options{})
	tok := s.Mint(nil)
	p := stscreds.NewWebIdentityRoleProvider(client(s), DefaultRoleARN, tokenString(tok), func(o *stscreds.WebIdentityRoleOptions) {
		o.RoleSessionName = "provider"
	})
	creds, err := aws.NewCredentialsCache(p).Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !creds.CanExpire || time.Until(creds.Expires) < 59*time.Minute || creds.AccountID != "123456789012" {
		t.Errorf("credentials %+v", creds)
	}
}

type tokenString string

func (t tokenString) GetIdentityToken() ([]byte, error) { return []byte(t), nil }

func post(t *testing.T, u, contentType, body string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Post(u, contentType, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func get(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
}

func TestRawProtocol(t *testing.T) {
	s := NewForTest(t, Options{})
	form := url.Values{
		"Action":           {"AssumeRoleWithWebIdentity"},
		"Version":          {"2011-06-15"},
		"RoleArn":          {DefaultRoleARN},
		"RoleSessionName":  {"raw"},
		"WebIdentityToken": {s.Mint(nil)},
	}
	resp, body := post(t, s.URL, "application/x-www-form-urlencoded", form.Encode())
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/xml" || resp.Header.Get("X-Amzn-Requestid") == "" {
		t.Fatalf("%s %v\n%s", resp.Status, resp.Header, body)
	}
	for _, want := range []string{
		`<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">`,
		`<AssumeRoleWithWebIdentityResult>`,
		`<SubjectFromWebIdentityToken>` + DefaultSubject + `</SubjectFromWebIdentityToken>`,
		`<Arn>arn:aws:sts::123456789012:assumed-role/deploy/raw</Arn>`,
		`<Provider>arn:aws:iam::123456789012:oidc-provider/` + strings.TrimPrefix(s.IssuerURL, "http://") + `</Provider>`,
		`<RequestId>` + resp.Header.Get("X-Amzn-Requestid") + `</RequestId>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("response lacks %s:\n%s", want, body)
		}
	}

	for _, tc := range []struct {
		edit   func(url.Values)
		status int
		code   string
	}{
		{func(v url.Values) { v.Del("Action") }, 400, "MissingAction"},
		{func(v url.Values) { v.Set("Action", "GetCallerIdentity") }, 400, "InvalidAction"},
		{func(v url.Values) { v.Set("Version", "2011-06-16") }, 400, "InvalidAction"},
		{func(v url.Values) { v.Del("Version") }, 400, "MissingParameter"},
		{func(v url.Values) { v.Del("RoleArn") }, 400, "ValidationError"},
		{func(v url.Values) { v.Set("DurationSeconds", "soon") }, 400, "ValidationError"},
	} {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		tc.edit(f)
		resp, body := post(t, s.URL, "application/x-www-form-urlencoded", f.Encode())
		if resp.StatusCode != tc.status || !strings.Contains(body, "<Code>"+tc.code+"</Code>") ||
			!strings.Contains(body, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">`) ||
			!strings.Contains(body, "<Type>Sender</Type>") || !strings.Contains(body, "<RequestId>"+resp.Header.Get("X-Amzn-Requestid")+"</RequestId>") {
			t.Errorf("want %d %s, got %s\n%s", tc.status, tc.code, resp.Status, body)
		}
	}

	resp, err := http.Get(s.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /: %s", resp.Status)
	}
	if s.Calls() != 7 {
		t.Errorf("Calls() = %d, want 7", s.Calls())
	}
}

func TestIssuer(t *testing.T) {
	s := NewForTest(t, Options{})
	var doc map[string]any
	get(t, s.IssuerURL+"/.well-known/openid-configuration", &doc)
	if doc["issuer"] != s.IssuerURL || doc["jwks_uri"] != s.IssuerURL+"/keys" ||
		doc["authorization_endpoint"] != s.IssuerURL+"/authorize" || doc["token_endpoint"] != s.IssuerURL+"/token" {
		t.Errorf("discovery %v", doc)
	}
	for _, k := range []string{"response_types_supported", "subject_types_supported", "id_token_signing_alg_values_supported", "claims_supported"} {
		if l, ok := doc[k].([]any); !ok || len(l) == 0 {
			t.Errorf("discovery %s = %v", k, doc[k])
		}
	}
	var rootDoc map[string]any
	get(t, s.URL+"/.well-known/openid-configuration", &rootDoc)
	if rootDoc["issuer"] != s.IssuerURL {
		t.Errorf("root discovery %v", rootDoc)
	}

	var jwks struct {
		Keys []jwk `json:"keys"`
	}
	get(t, doc["jwks_uri"].(string), &jwks)
	if len(jwks.Keys) != 1 {
		t.Fatalf("jwks %+v", jwks)
	}
	k := jwks.Keys[0]
	if k.Kty != "RSA" || k.Alg != "RS256" || k.Use != "sig" || k.Kid == "" {
		t.Errorf("jwk %+v", k)
	}
	n, _ := b64url.DecodeString(k.N)
	e, _ := b64url.DecodeString(k.E)
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}

	// A minted token verifies with the published key and carries the defaults.
	before := time.Now().Unix()
	tok := s.Mint(map[string]any{"extra": "x", "iat": nil})
	parts := strings.Split(tok, ".")
	sig, _ := b64url.DecodeString(parts[2])
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
		t.Errorf("token does not verify with the JWKS key: %v", err)
	}
	var header, claims map[string]any
	h, _ := b64url.DecodeString(parts[0])
	c, _ := b64url.DecodeString(parts[1])
	_ = json.Unmarshal(h, &header)
	_ = json.Unmarshal(c, &claims)
	if header["alg"] != "RS256" || header["kid"] != k.Kid {
		t.Errorf("header %v", header)
	}
	exp, _ := claims["exp"].(float64)
	nbf, _ := claims["nbf"].(float64)
	if claims["iss"] != s.IssuerURL || claims["aud"] != "acme" || claims["sub"] != DefaultSubject || claims["extra"] != "x" ||
		claims["iat"] != nil || int64(nbf) < before || int64(exp) != int64(nbf)+3600 {
		t.Errorf("claims %v", claims)
	}

	// The placeholder OAuth endpoints answer, in JSON.
	resp, body := post(t, s.IssuerURL+"/token", "application/x-www-form-urlencoded", "grant_type=client_credentials")
	if resp.StatusCode != 400 || !strings.Contains(body, "unsupported_grant_type") {
		t.Errorf("token endpoint: %s %s", resp.Status, body)
	}
}

func TestControlEndpoints(t *testing.T) {
	s := NewForTest(t, Options{})
	c := client(s)

	exp := time.Now().Add(10 * time.Minute).Unix()
	resp, tok := post(t, s.URL+"/_test/mint", "application/json", fmt.Sprintf(`{"sub":"pulumi:deploy:org:acme:x","exp":%d,"nbf":null}`, exp))
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("mint: %s %s", resp.Status, tok)
	}
	p, err := parseJWT(tok)
	if err != nil || !p.verify(s.key) || p.stringClaim("sub") != "pulumi:deploy:org:acme:x" || p.claims["nbf"] != nil {
		t.Fatalf("minted token %v %v", p.claims, err)
	}
	if got, _ := p.timeClaim("exp"); got.Unix() != exp {
		t.Errorf("exp %v", got)
	}
	resp, rfcTok := post(t, s.URL+"/_test/mint", "application/json", `{"exp":"2001-02-03T04:05:06Z"}`)
	if p, err := parseJWT(rfcTok); resp.StatusCode != 200 || err != nil || p.claims["exp"] != json.Number("981173106") {
		t.Errorf("mint with an RFC 3339 exp: %s %s", resp.Status, rfcTok)
	}
	if resp, body := post(t, s.URL+"/_test/mint", "application/json", `[1]`); resp.StatusCode != 400 {
		t.Errorf("mint with an array: %s %s", resp.Status, body)
	}
	if resp, body := post(t, s.URL+"/_test/mint", "application/json", `{"exp":true}`); resp.StatusCode != 400 {
		t.Errorf("mint with a boolean exp: %s %s", resp.Status, body)
	}
	_, foreign := post(t, s.URL+"/_test/mint?foreign=1", "application/json", "")
	if p, err := parseJWT(foreign); err != nil || p.verify(s.key) {
		t.Errorf("foreign token verifies")
	}
	_, defTok := post(t, s.URL+"/_test/mint", "application/json", "")
	if _, err := c.AssumeRoleWithWebIdentity(context.Background(), input(s, defTok)); err != nil {
		t.Fatal(err)
	}

	resp, body := post(t, s.URL+"/_test/faults", "application/json", `{"throttle":1,"ServerErrors":2,"delay":"10ms"}`)
	var pending Faults
	if err := json.Unmarshal([]byte(body), &pending); resp.StatusCode != 200 || err != nil ||
		pending != (Faults{Throttle: 1, ServerErrors: 2, Delay: 10 * time.Millisecond}) {
		t.Fatalf("faults: %s %s %v", resp.Status, body, err)
	}
	if resp, body := post(t, s.URL+"/_test/faults", "application/json", `{"delay":"soon"}`); resp.StatusCode != 400 {
		t.Errorf("bad delay: %s %s", resp.Status, body)
	}
	post(t, s.URL+"/_test/faults", "application/json", `{"delay":0.5}`)
	var got Faults
	get(t, s.URL+"/_test/faults", &got)
	if got.Delay != 500*time.Millisecond {
		t.Errorf("delay in seconds: %+v", got)
	}
	post(t, s.URL+"/_test/faults", "application/json", `{"delay":"-1s"}`)
	_, err = c.AssumeRoleWithWebIdentity(context.Background(), input(s, defTok))
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "Throttling" {
		t.Errorf("after POST /_test/faults: %v", err)
	}

	var calls CallsReport
	get(t, s.URL+"/_test/calls", &calls)
	if calls.Calls != 2 || len(calls.Requests) != 2 || calls.Requests[0].Outcome != "ok" || calls.Requests[1].Outcome != "Throttling" ||
		calls.Requests[0].RoleARN != DefaultRoleARN {
		t.Errorf("calls %+v", calls)
	}
	var raw map[string]any
	get(t, s.URL+"/_test/calls", &raw)
	if _, ok := raw["calls"]; !ok {
		t.Errorf("calls JSON %v", raw)
	}

	resp, _ = post(t, s.URL+"/_test/reset", "", "")
	if resp.StatusCode != http.StatusNoContent || s.Calls() != 0 || s.PendingFaults() != (Faults{}) {
		t.Errorf("reset: %s, %d calls, %+v", resp.Status, s.Calls(), s.PendingFaults())
	}
}

func TestFaultsJSON(t *testing.T) {
	b, err := json.Marshal(Faults{Throttle: 1, Delay: 2 * time.Second})
	if err != nil || !strings.Contains(string(b), `"delay":"2s"`) || !strings.Contains(string(b), `"throttle":1`) {
		t.Fatalf("%s %v", b, err)
	}
	var f Faults
	if err := json.Unmarshal(b, &f); err != nil || f != (Faults{Throttle: 1, Delay: 2 * time.Second}) {
		t.Errorf("%+v %v", f, err)
	}
	if err := json.Unmarshal([]byte(`{"Throttle":3,"IDPErrors":1,"InvalidToken":2,"Garbage":4}`), &f); err != nil ||
		f != (Faults{Throttle: 3, IDPErrors: 1, InvalidToken: 2, Garbage: 4}) {
		t.Errorf("Go field names: %+v %v", f, err)
	}
}

func TestGlobMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"*", "anything", true},
		{"", "", true},
		{"", "a", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"a?c", "abbc", false},
		{"pulumi:deploy:org:acme:*", "pulumi:deploy:org:acme:project:web", true},
		{"pulumi:deploy:org:acme:*", "pulumi:deploy:org:acme", false},
		{"pulumi:deploy:org:acme:*", "pulumi:deploy:org:ACME:project", false},
		{"*:stack:prod:*", "pulumi:deploy:org:acme:project:web:stack:prod:operation:update", true},
		{"*:stack:prod:*", "pulumi:deploy:org:acme:project:web:stack:dev:operation:update", false},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXbYbZ", false},
		{"**?", "x", true},
		{"é?", "éü", true},
	} {
		if got := globMatch(tc.pattern, tc.s); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v", tc.pattern, tc.s, got)
		}
	}
}

func TestStartErrors(t *testing.T) {
	if _, err := Start(Options{Roles: []Role{{}}}); err == nil {
		t.Error("a role without ARN was accepted")
	}
	if _, err := Start(Options{Roles: []Role{{ARN: DefaultRoleARN}, {ARN: DefaultRoleARN}}}); err == nil {
		t.Error("a duplicate role was accepted")
	}
	if _, err := Start(Options{Addr: "256.0.0.1:0"}); err == nil {
		t.Error("a bad address was accepted")
	}
	s := NewForTest(t, Options{Addr: "0.0.0.0:0"})
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") || s.IssuerURL != s.URL+"/oidc" || s.Provider() != strings.TrimPrefix(s.URL, "http://")+"/oidc" {
		t.Errorf("URL %s, IssuerURL %s, Provider %s", s.URL, s.IssuerURL, s.Provider())
	}
}

type noBackoff struct{}

func (noBackoff) BackoffDelay(int, error) (time.Duration, error) { return 0, nil }

// retryNoBackoff is the SDK's standard retryer (3 attempts) without waiting.
func retryNoBackoff(*sts.Options) aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) { o.Backoff = noBackoff{} })
}
