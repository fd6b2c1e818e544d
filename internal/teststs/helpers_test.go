package teststs

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awscreds "github.com/aws/aws-sdk-go-v2/credentials"
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

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
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

type noBackoff struct{}

func (noBackoff) BackoffDelay(int, error) (time.Duration, error) { return 0, nil }

// retryNoBackoff is the SDK's standard retryer (3 attempts) without waiting.
func retryNoBackoff(*sts.Options) aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) { o.Backoff = noBackoff{} })
}

// checkAPIError fails unless err is an STS error answer with this code and
// HTTP status whose message contains msg.
func checkAPIError(t *testing.T, err error, code string, status int, msg string) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v (%T) is not a smithy.APIError", err, err)
	}
	if apiErr.ErrorCode() != code {
		t.Errorf("ErrorCode() = %q (%v), want %q", apiErr.ErrorCode(), err, code)
	}
	if !strings.Contains(apiErr.ErrorMessage(), msg) {
		t.Errorf("ErrorMessage() = %q, want it to contain %q", apiErr.ErrorMessage(), msg)
	}
	var respErr *awshttp.ResponseError
	if !errors.As(err, &respErr) {
		t.Fatalf("error %v is not an awshttp.ResponseError", err)
	}
	if respErr.HTTPStatusCode() != status {
		t.Errorf("status %d, want %d (%v)", respErr.HTTPStatusCode(), status, err)
	}
}

// signedClient is an STS client that signs with static credentials.
func signedClient(s *Server, keyID, secret, token string) *sts.Client {
	return sts.New(sts.Options{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(s.URL),
		Credentials:  awscreds.NewStaticCredentialsProvider(keyID, secret, token),
		Retryer:      aws.NopRetryer{},
	})
}

// chainFrom exchanges a token minted with claims for credentials of roleARN
// and returns a client signing with them.
func chainFrom(t *testing.T, s *Server, roleARN string, claims map[string]any) (*sts.Client, *types.Credentials) {
	t.Helper()
	in := input(s, s.Mint(claims))
	in.RoleArn = aws.String(roleARN)
	in.RoleSessionName = aws.String("ci-session")
	out, err := client(s).AssumeRoleWithWebIdentity(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	return signedClient(s, aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken)), c
}
