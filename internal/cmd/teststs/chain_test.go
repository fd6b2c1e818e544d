package main

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestServeRoleChaining(t *testing.T) {
	const ci, deploy = "arn:aws:iam::111111111111:role/ci", "arn:aws:iam::222222222222:role/deploy"
	sv := startServe(t, "--role", ci+"=repo:octo-org/*", "--assumable-by", deploy+"="+ci, "--external-id", deploy+"=xyz", "-v")
	st, stderr := sv.st, sv.stderr
	if strings.Join(st.Roles, " ") != ci+" "+deploy {
		t.Errorf("roles %v", st.Roles)
	}
	_, tok, _ := runCmd(t, "mint", "--url", st.URL, "--sub", "repo:octo-org/app:ref:refs/heads/main")
	anon := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(st.URL), Credentials: aws.AnonymousCredentials{}, Retryer: aws.NopRetryer{}})
	web, err := anon.AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn: aws.String(ci), RoleSessionName: aws.String("job"), WebIdentityToken: aws.String(strings.TrimSpace(tok))})
	if err != nil {
		t.Fatal(err)
	}
	if got := errorCode(assume(t, st.URL, deploy, strings.TrimSpace(tok))); got != "AccessDenied" {
		t.Errorf("web identity for an --assumable-by role: %s", got)
	}
	k := web.Credentials
	c := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(st.URL), Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider(*k.AccessKeyId, *k.SecretAccessKey, *k.SessionToken)})
	chain := func(extID string) error {
		_, err := c.AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(deploy), RoleSessionName: aws.String("chain"), ExternalId: aws.String(extID)})
		return err
	}
	if got := errorCode(chain("xyz")); got != "ok" {
		t.Errorf("AssumeRole: %s", got)
	}
	if got := errorCode(chain("abc")); got != "AccessDenied" {
		t.Errorf("AssumeRole with a wrong external id: %s", got)
	}
	if code, out, errOut := runCmd(t, "faults", "--url", st.URL, "--for", "AssumeRole", "--throttle", "1"); code != 0 || !strings.Contains(out, `"throttle": 1`) {
		t.Errorf("faults --for: %d %s %s", code, out, errOut)
	}
	if got := errorCode(chain("xyz")); got != "Throttling" {
		t.Errorf("after faults --for AssumeRole: %s", got)
	}
	for args, want := range map[string]string{"": "2\n", "--action AssumeRole": "3\n", "--action AssumeRoleWithWebIdentity": "2\n"} {
		if code, out, _ := runCmd(t, append([]string{"calls", "--url", st.URL}, strings.Fields(args)...)...); code != 0 || out != want {
			t.Errorf("calls %s: %d %q, want %q", args, code, out, want)
		}
	}
	code, out, _ := runCmd(t, "calls", "--url", st.URL, "--json")
	if code != 0 || strings.Contains(out, *k.SecretAccessKey) || !strings.Contains(out, `"AssumeRole": 3`) {
		t.Errorf("calls --json: %d %s", code, out)
	}
	if code, out, _ := runCmd(t, "calls", "--url", st.URL, "--json", "--secrets"); code != 0 || !strings.Contains(out, *k.SecretAccessKey) {
		t.Errorf("calls --json --secrets: %d", code)
	}
	sv.waitLog(t, "-> Throttling")
	sv.stop()
	if log := stderr.String(); !strings.Contains(log, "AssumeRole role="+deploy+" session=chain duration=3600 caller=arn:aws:sts::111111111111:assumed-role/ci/job -> ok ASIA") ||
		strings.Contains(log, *k.SecretAccessKey) || strings.Contains(log, *k.SessionToken) {
		t.Errorf("verbose log:\n%s", log)
	}
}

func TestServeChainingUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--assumable-by", "arn:aws:iam::1:role/x"},
		{"serve", "--external-id", "arn:aws:iam::1:role/unknown=x"},
		{"calls", "--url", "http://127.0.0.1:1", "--secrets"},
	} {
		if code, _, errOut := runCmd(t, args...); code != 2 || errOut == "" {
			t.Errorf("%q: exit %d, stderr %q; want 2 and a message", args, code, errOut)
		}
	}
}
