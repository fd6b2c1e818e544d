package teststs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// webIdentityServer has roles for every trust-policy shape the tests need.
func webIdentityServer(t *testing.T) *Server {
	return NewForTest(t, Options{Roles: []Role{
		{ARN: DefaultRoleARN, SubPattern: DefaultSubPattern, MaxSessionDuration: 12 * time.Hour},
		{ARN: "arn:aws:iam::123456789012:role/short", MaxSessionDuration: time.Hour},
		{ARN: "arn:aws:iam::123456789012:role/other-aud", Audience: "other"},
		{ARN: "arn:aws:iam::123456789012:role/path/to/esc", SubPattern: "pulumi:environments:org:acme:env:<yaml>"},
		{ARN: "arn:aws:iam::123456789012:role/q", SubPattern: "a?c"},
		{ARN: "arn:minio:iam:::role/dfOalvmGW6PfTM1cn4qXxqXqIaw"},
	}})
}

// wiCase is an AssumeRoleWithWebIdentity call: success when code is "".
type wiCase struct {
	name    string
	edit    func(in *sts.AssumeRoleWithWebIdentityInput)
	code    string // "" = success
	status  int
	msg     string // substring of the error message
	arn     string // expected AssumedRoleUser Arn on success
	ttl     time.Duration
	subject string
}

// runWebIdentity runs the cases with the default input and token tok.
func runWebIdentity(t *testing.T, s *Server, tok string, cases []wiCase) {
	t.Helper()
	c := client(s)
	for _, tc := range cases {
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
			checkAPIError(t, err, tc.code, tc.status, tc.msg)
			if strings.Contains(err.Error(), aws.ToString(in.WebIdentityToken)) {
				t.Errorf("the message echoes the token: %v", err)
			}
			var respErr *awshttp.ResponseError
			if errors.As(err, &respErr) && respErr.ServiceRequestID() == "" {
				t.Error("no request ID")
			}
		})
	}
}

func TestAssumeRoleWithWebIdentity(t *testing.T) {
	s := webIdentityServer(t)
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
	runWebIdentity(t, s, s.Mint(nil), []wiCase{
		{name: "ok", arn: "arn:aws:sts::123456789012:assumed-role/deploy/oidc-creds", ttl: time.Hour, subject: DefaultSubject},
		{name: "ok max duration", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.DurationSeconds = aws.Int32(43200)
		}, arn: "arn:aws:sts::123456789012:assumed-role/deploy/oidc-creds", ttl: 12 * time.Hour},
		{name: "ok session policies", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.Policy = aws.String(policy)
			in.PolicyArns = policyARNList(10)
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
	})
}

// policyARNList is n managed policy ARNs.
func policyARNList(n int) []types.PolicyDescriptorType {
	out := make([]types.PolicyDescriptorType, n)
	for i := range out {
		out[i].Arn = aws.String(fmt.Sprintf("arn:aws:iam::aws:policy/Policy%d", i))
	}
	return out
}

func TestWebIdentityValidation(t *testing.T) {
	s := webIdentityServer(t)
	runWebIdentity(t, s, s.Mint(nil), []wiCase{
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
	})
}

func TestWebIdentitySessionPolicies(t *testing.T) {
	s := webIdentityServer(t)
	incompressible := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::` +
		randomAlnum(1900) + `"}]}`
	runWebIdentity(t, s, s.Mint(nil), []wiCase{
		{name: "too many policy arns", edit: func(in *sts.AssumeRoleWithWebIdentityInput) {
			in.PolicyArns = policyARNList(11)
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
	})
}

func TestWebIdentityToken(t *testing.T) {
	s := webIdentityServer(t)
	now := time.Now()
	tok := s.Mint(nil)
	runWebIdentity(t, s, tok, []wiCase{
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
	})
}

func TestWebIdentityTrust(t *testing.T) {
	s := webIdentityServer(t)
	runWebIdentity(t, s, s.Mint(nil), []wiCase{
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
	})
}

// The SDK maps the modelled errors to their types.
func TestWebIdentityErrorTypes(t *testing.T) {
	s := webIdentityServer(t)
	c := client(s)
	now := time.Now()
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

// rawForm is an AssumeRoleWithWebIdentity form as the SDKs send it.
func rawForm(s *Server) url.Values {
	return url.Values{
		"Action":           {"AssumeRoleWithWebIdentity"},
		"Version":          {"2011-06-15"},
		"RoleArn":          {DefaultRoleARN},
		"RoleSessionName":  {"raw"},
		"WebIdentityToken": {s.Mint(nil)},
	}
}

func TestRawProtocol(t *testing.T) {
	s := NewForTest(t, Options{})
	resp, body := post(t, s.URL, "application/x-www-form-urlencoded", rawForm(s).Encode())
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
}

func TestRawProtocolErrors(t *testing.T) {
	s := NewForTest(t, Options{})
	form := rawForm(s)
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
	if s.Calls() != 6 {
		t.Errorf("Calls() = %d, want 6", s.Calls())
	}
}
