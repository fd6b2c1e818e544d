package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/oidc-creds/oidc-creds/internal/teststs"
)

func TestFederationCommand(t *testing.T) {
	sv := startServe(t)
	defer sv.stop()
	st := sv.st
	if st.FederationURL != st.URL+"/federation" {
		t.Errorf("federationURL %q", st.FederationURL)
	}
	_, tok, _ := runCmd(t, "mint", "--url", st.URL)
	anon := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(st.URL), Credentials: aws.AnonymousCredentials{}, Retryer: aws.NopRetryer{}})
	out, err := anon.AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(teststs.DefaultRoleARN), RoleSessionName: aws.String("console"), WebIdentityToken: aws.String(strings.TrimSpace(tok))})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	session, _ := json.Marshal(map[string]string{"sessionId": *c.AccessKeyId, "sessionKey": *c.SecretAccessKey, "sessionToken": *c.SessionToken})
	resp, err := http.Get(st.FederationURL + "?" + url.Values{"Action": {"getSigninToken"}, "Session": {string(session)}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	var signin struct{ SigninToken string }
	err = json.NewDecoder(resp.Body).Decode(&signin)
	resp.Body.Close()
	if err != nil || signin.SigninToken == "" {
		t.Fatalf("getSigninToken: %s %v", resp.Status, err)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = noRedirect.Get(st.FederationURL + "?" + url.Values{"Action": {"login"}, "Issuer": {"https://ci.example"},
		"Destination": {"https://console.aws.amazon.com/"}, "SigninToken": {signin.SigninToken}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Errorf("login: %s", resp.Status)
	}
	code, outText, errOut := runCmd(t, "federation", "--url", st.URL)
	var rep teststs.FederationReport
	if err := json.Unmarshal([]byte(outText), &rep); code != 0 || err != nil || rep.GetSigninTokenCalls != 1 || rep.LoginCalls != 1 ||
		rep.LastLogin == nil || rep.LastLogin.Destination != "https://console.aws.amazon.com/" || rep.LastLogin.Issuer != "https://ci.example" {
		t.Errorf("federation: %d %s %s", code, outText, errOut)
	}
	if strings.Contains(outText, *c.SecretAccessKey) || strings.Contains(outText, *c.SessionToken) {
		t.Error("federation prints a secret")
	}
}
