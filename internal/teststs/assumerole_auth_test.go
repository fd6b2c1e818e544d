package teststs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
)

func TestAssumeRoleAuthentication(t *testing.T) {
	s := chainServer(t)
	_, k := ciClient(t, s)
	key, secret, token := aws.ToString(k.AccessKeyId), aws.ToString(k.SecretAccessKey), aws.ToString(k.SessionToken)
	_, other := ciClient(t, s)
	for _, tc := range []struct {
		name, key, secret, token string
		code                     string
		status                   int
		msg                      string
	}{
		{"unknown access key", "ASIAAAAAAAAAAAAAAAAA", secret, token, "InvalidClientTokenId", 403, msgInvalidClientToken},
		{"no session token", key, secret, "", "InvalidClientTokenId", 403, msgInvalidClientToken},
		{"another session's token", key, secret, aws.ToString(other.SessionToken), "InvalidClientTokenId", 403, msgInvalidClientToken},
		{"wrong secret", key, aws.ToString(other.SecretAccessKey), token, "SignatureDoesNotMatch", 403, msgSignatureMismatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := signedClient(s, tc.key, tc.secret, tc.token).AssumeRole(context.Background(), assumeInput(deployRole))
			checkAPIError(t, err, tc.code, tc.status, tc.msg)
		})
	}
	t.Run("unsigned", func(t *testing.T) {
		c := client(s) // anonymous credentials: no Authorization header
		_, err := c.AssumeRole(context.Background(), assumeInput(deployRole))
		checkAPIError(t, err, "MissingAuthenticationToken", 403, "Request is missing Authentication Token")
	})
	t.Run("expired session", func(t *testing.T) {
		if !s.ExpireCredentials(key) || s.ExpireCredentials("ASIAAAAAAAAAAAAAAAAA") {
			t.Fatal("ExpireCredentials reports wrongly")
		}
		_, err := signedClient(s, key, secret, token).AssumeRole(context.Background(), assumeInput(deployRole))
		checkAPIError(t, err, "ExpiredToken", 403, "The security token included in the request is expired")
	})
	reqs := s.Requests()
	if r := reqs[len(reqs)-1]; r.CallerAccessKeyID != key || r.Caller != "arn:aws:sts::111111111111:assumed-role/ci/ci-session" || r.Outcome != "ExpiredToken" {
		t.Errorf("last request %v", r)
	}
}

// signedPost posts an AssumeRole form signed by the SDK's signer for
// service at a given time; tamper may change the request after signing.
func signedPost(t *testing.T, s *Server, k *types.Credentials, form url.Values, service string, at time.Time, tamper func(*http.Request)) (int, string) {
	t.Helper()
	body := form.Encode()
	req, err := http.NewRequest(http.MethodPost, s.URL+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: aws.ToString(k.AccessKeyId), SecretAccessKey: aws.ToString(k.SecretAccessKey), SessionToken: aws.ToString(k.SessionToken)}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, "us-east-1", at); err != nil {
		t.Fatal(err)
	}
	if tamper != nil {
		tamper(req)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestAssumeRoleSignatureScope(t *testing.T) {
	s := chainServer(t)
	_, k := ciClient(t, s)
	form := url.Values{"Action": {"AssumeRole"}, "Version": {"2011-06-15"}, "RoleArn": {deployRole}, "RoleSessionName": {"raw"},
		"Policy": {`{"Version":"2012-10-17","Statement":[]}`}}
	now := time.Now()
	status, body := signedPost(t, s, k, form, "sts", now, nil)
	for _, want := range []string{`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">`, "<AssumeRoleResult>",
		"<Arn>arn:aws:sts::222222222222:assumed-role/deploy/raw</Arn>", "<AssumedRoleId>AROA", "<PackedPolicySize>", "<RequestId>"} {
		if status != 200 || !strings.Contains(body, want) {
			t.Errorf("%d, body lacks %s:\n%s", status, want, body)
		}
	}
	setHeader := func(k, v string) func(*http.Request) { return func(r *http.Request) { r.Header.Set(k, v) } }
	for _, tc := range []struct {
		name    string
		service string
		at      time.Time
		tamper  func(*http.Request)
		status  int
		want    string
	}{
		{"another service", "iam", now, nil, 403, "<Code>SignatureDoesNotMatch</Code>\n    <Message>Credential should be scoped to correct service: &#39;sts&#39;.</Message>"},
		{"signed 20 minutes ago", "sts", now.Add(-20 * time.Minute), nil, 403, "<Message>Signature expired: "},
		{"signed 20 minutes ahead", "sts", now.Add(20 * time.Minute), nil, 403, "<Message>Signature not yet current: "},
		{"body changed", "sts", now, func(r *http.Request) {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			f.Set("RoleSessionName", "other")
			r.Body, r.ContentLength = io.NopCloser(strings.NewReader(f.Encode())), int64(len(f.Encode()))
		}, 403, "<Code>SignatureDoesNotMatch</Code>"},
		{"signed header changed", "sts", now, setHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), 403, "<Code>SignatureDoesNotMatch</Code>"},
		{"not SigV4", "sts", now, setHeader("Authorization", "Bearer x"), 400, "<Code>IncompleteSignature</Code>"},
		{"no signature", "sts", now, func(r *http.Request) {
			a := r.Header.Get("Authorization")
			r.Header.Set("Authorization", a[:strings.Index(a, ", Signature=")])
		}, 400, "Authorization header requires &#39;Signature&#39; parameter."},
		{"no date", "sts", now, setHeader("X-Amz-Date", ""), 400, "<Code>IncompleteSignature</Code>"},
		{"date not the scope's", "sts", now, setHeader("X-Amz-Date", now.UTC().Add(-24*time.Hour).Format(amzDateFormat)), 403,
			"<Message>Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "},
	} {
		if status, body := signedPost(t, s, k, form, tc.service, tc.at, tc.tamper); status != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d, want %d with %s:\n%s", tc.name, status, tc.status, tc.want, body)
		}
	}
}
