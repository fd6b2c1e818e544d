package cli

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/exchange"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

// These tests run the real SDK client against a local server, so that the
// errors Exchange classifies are the ones the SDK really builds.

const stsErrorXML = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>%CODE%</Code><Message>%MSG%</Message></Error>
  <RequestId>4c1d2f3e-0000-0000-0000-000000000000</RequestId>
</ErrorResponse>`

const stsSuccessXML = `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>pulumi:deploy:org:acme</SubjectFromWebIdentityToken>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/deploy/s</Arn>
      <AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>` + testkit.STSSessionToken + `</SessionToken>
      <SecretAccessKey>` + testkit.STSSecretKey + `</SecretAccessKey>
      <Expiration>2030-01-02T16:04:05Z</Expiration>
      <AccessKeyId>ASIAEXAMPLEACCESSKEY</AccessKeyId>
    </Credentials>
    <Audience>acme</Audience>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>4c1d2f3e-0000-0000-0000-000000000001</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`

type answer struct {
	status int
	body   string
}

// sdkExchanger is an Exchanger whose real STS client talks to a server
// giving answers in turn, the last one forever.
func sdkExchanger(t *testing.T, answers ...answer) (*exchange.Exchanger, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		a := answers[min(i, len(answers)-1)]
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(a.status)
		_, _ = w.Write([]byte(a.body))
	}))
	t.Cleanup(srv.Close)
	client := sts.New(sts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  aws.AnonymousCredentials{},
		Retryer:      aws.NopRetryer{},
	})
	x := &exchange.Exchanger{Client: client, Endpoint: srv.URL, Region: "us-east-1",
		Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() }}
	return x, &n
}

func stsError(code, msg string) string {
	return strings.NewReplacer("%CODE%", code, "%MSG%", msg).Replace(stsErrorXML)
}

func TestExchangeWithSDK(t *testing.T) {
	tok := testToken(t)
	withNow(t, tok.Claims.Expiry.Add(time.Hour))
	for _, tc := range []struct {
		name      string
		answers   []answer
		wantCalls int32
		wantKind  creds.Kind // 0: success
		want      []string
	}{
		{"success", []answer{{200, stsSuccessXML}}, 1, 0, nil},
		{"throttled then success", []answer{{400, stsError("Throttling", "Rate exceeded")}, {200, stsSuccessXML}}, 2, 0, nil},
		{"503 with an empty body then success", []answer{{503, ""}, {200, stsSuccessXML}}, 2, 0, nil},
		{"503 with an empty body forever", []answer{{503, ""}}, exchange.DefaultMaxAttempts, creds.KindUnreachable, []string{"STS kept failing", "503"}},
		{"502 with HTML forever", []answer{{502, "<html><body>Bad Gateway</body></html>"}}, exchange.DefaultMaxAttempts, creds.KindUnreachable, []string{"STS kept failing", "502"}},
		{"500 InternalFailure forever", []answer{{500, stsError("InternalFailure", "oops")}}, exchange.DefaultMaxAttempts, creds.KindUnreachable, []string{"STS kept failing"}},
		{"AccessDenied", []answer{{403, stsError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")}}, 1, creds.KindRefused, []string{`"Condition"`, `"acme"`}},
		{"InvalidIdentityToken", []answer{{400, stsError("InvalidIdentityToken", "No OpenIDConnect provider found in your account for https://api.pulumi.com/oidc")}}, 2, creds.KindRefused, []string{"https://api.pulumi.com/oidc"}},
		{"ExpiredTokenException", []answer{{400, stsError("ExpiredTokenException", "Token expired")}}, 1, creds.KindToken, []string{"1h0m0s ago"}},
		{"MaxSessionDuration", []answer{{400, stsError("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")}}, 1, creds.KindRefused, []string{"lower --duration"}},
		{"STS echoes the token", []answer{{400, stsError("ValidationError", "bad token "+tok.Raw)}}, 1, creds.KindRefused, []string{"[token]"}},
		{"200 that is not STS", []answer{{200, "<html>captive portal</html>"}}, 1, creds.KindUnreachable, []string{"not an STS response"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, n := sdkExchanger(t, tc.answers...)
			got, err := x.Exchange(context.Background(), exchange.Request{Token: tok, RoleARN: testRole, SessionName: "s", Duration: 2 * time.Hour})
			err = explain(err)
			if got := n.Load(); got != tc.wantCalls {
				t.Errorf("%d requests, want %d", got, tc.wantCalls)
			}
			if tc.wantKind == 0 {
				if err != nil {
					t.Fatalf("Exchange: %v", err)
				}
				if got.AccessKeyID != "ASIAEXAMPLEACCESSKEY" || got.SecretAccessKey != testkit.STSSecretKey || got.AccountID != "123456789012" ||
					!got.Expiration.Equal(time.Date(2030, 1, 2, 16, 4, 5, 0, time.UTC)) {
					t.Errorf("credentials %+v", got)
				}
				return
			}
			e := testkit.WantKind(t, err, tc.wantKind)
			for _, want := range tc.want {
				if !strings.Contains(e.Error(), want) {
					t.Errorf("message does not contain %q:\n%s", want, e.Error())
				}
			}
			testkit.NoLeak(t, "the message", e.Error(), tok.Raw, testkit.STSSecretKey, testkit.STSSessionToken)
		})
	}
}

// Nothing listening: few attempts, and the message names where.
func TestExchangeWithSDKConnectionRefused(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // the port is now closed
	client := sts.New(sts.Options{Region: "eu-west-1", BaseEndpoint: aws.String(url), Credentials: aws.AnonymousCredentials{}, Retryer: aws.NopRetryer{}})
	var sleeps int
	x := &exchange.Exchanger{Client: client, Endpoint: url, Region: "eu-west-1",
		Sleep: func(ctx context.Context, d time.Duration) error { sleeps++; return nil }}
	tok := testToken(t)
	_, err := x.Exchange(context.Background(), exchange.Request{Token: tok, RoleARN: testRole, SessionName: "s"})
	err = explain(err)
	e := testkit.WantKind(t, err, creds.KindUnreachable)
	for _, want := range []string{"cannot reach STS", url, "eu-west-1", "3 attempt(s)"} {
		if !strings.Contains(e.Error(), want) {
			t.Errorf("message does not contain %q:\n%s", want, e.Error())
		}
	}
	if sleeps != 2 {
		t.Errorf("%d sleeps, want 2", sleeps)
	}
	testkit.NoLeak(t, "the message", e.Error(), tok.Raw)
}
