package teststs

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
)

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

func TestAssumeRoleRecorded(t *testing.T) {
	s := chainServer(t)
	c, k := ciClient(t, s)
	in := assumeInput("arn:aws:iam::222222222222:role/tagged")
	in.DurationSeconds, in.ExternalId, in.SourceIdentity = aws.Int32(1200), aws.String("ext-1"), aws.String("alice")
	in.Tags = []types.Tag{{Key: aws.String("team"), Value: aws.String("web")}}
	out, err := c.AssumeRole(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AssumeRole(context.Background(), assumeInput(ciRole)); err == nil {
		t.Fatal("ci assumed itself")
	}
	if s.Calls() != 1 || s.CallsFor(ActionAssumeRoleWithWebIdentity) != 1 || s.CallsFor(ActionAssumeRole) != 2 || s.CallsFor("GetCallerIdentity") != 0 {
		t.Errorf("Calls() %d, CallsFor: web identity %d, AssumeRole %d", s.Calls(), s.CallsFor(ActionAssumeRoleWithWebIdentity), s.CallsFor(ActionAssumeRole))
	}
	reqs := s.Requests()
	if len(reqs) != 3 || reqs[0].AssumedRoleARN != "arn:aws:sts::111111111111:assumed-role/ci/ci-session" || reqs[0].Caller != "" {
		t.Fatalf("requests %v", reqs)
	}
	r := reqs[1]
	if r.Action != ActionAssumeRole || r.Caller != "arn:aws:sts::111111111111:assumed-role/ci/ci-session" ||
		r.CallerAccessKeyID != aws.ToString(k.AccessKeyId) || r.RoleARN != "arn:aws:iam::222222222222:role/tagged" ||
		r.RoleSessionName != "chain" || r.DurationSeconds != 1200 || r.ExternalID != "ext-1" || r.SourceIdentity != "alice" ||
		r.Tags["team"] != "web" || r.Outcome != "ok" || r.AccessKeyID != aws.ToString(out.Credentials.AccessKeyId) ||
		r.SecretAccessKey != aws.ToString(out.Credentials.SecretAccessKey) ||
		r.AssumedRoleARN != "arn:aws:sts::222222222222:assumed-role/tagged/chain" {
		t.Errorf("AssumeRole request %v", r)
	}
	if reqs[2].Outcome != "AccessDenied" || reqs[2].AccessKeyID != "" || reqs[2].DurationSeconds != 3600 {
		t.Errorf("refused request %v", reqs[2])
	}
	reqs[1].Tags["team"] = "changed"
	if s.Requests()[1].Tags["team"] != "web" {
		t.Error("Requests does not copy Tags")
	}
	s.Reset()
	if s.CallsFor(ActionAssumeRole) != 0 {
		t.Error("Reset keeps CallsFor")
	}
	if _, err := c.AssumeRole(context.Background(), assumeInput(deployRole)); err != nil {
		t.Errorf("credentials issued before Reset: %v", err)
	}
}

func TestSecretsNotPrinted(t *testing.T) {
	s := chainServer(t)
	c, k := ciClient(t, s)
	if _, err := c.AssumeRole(context.Background(), assumeInput(deployRole)); err != nil {
		t.Fatal(err)
	}
	reqs := s.Requests()
	var secrets []string
	for _, r := range reqs {
		secrets = append(secrets, r.SecretAccessKey, r.SessionToken)
	}
	var calls map[string]any
	get(t, s.URL+"/_test/calls", &calls)
	var withSecrets struct {
		Requests []struct{ SecretAccessKey, SessionToken string }
	}
	get(t, s.URL+"/_test/calls?secrets=1", &withSecrets)
	if len(withSecrets.Requests) != 2 || withSecrets.Requests[1].SecretAccessKey != reqs[1].SecretAccessKey ||
		withSecrets.Requests[0].SessionToken != aws.ToString(k.SessionToken) {
		t.Error("GET /_test/calls?secrets=1 lacks the secrets")
	}
	for _, text := range []string{
		fmt.Sprint(reqs), fmt.Sprintf("%v %+v %#v %s", reqs[0], reqs[1], reqs, reqs),
		fmt.Sprintf("%v %+v %#v", s, s, s), fmt.Sprint(calls),
	} {
		for _, secret := range secrets {
			if secret == "" || strings.Contains(text, secret) {
				t.Fatalf("a secret is printed (or missing) in %.200s", text)
			}
		}
	}
	if !strings.Contains(fmt.Sprint(reqs[1]), "SecretAccessKey:[redacted]") {
		t.Errorf("String() = %s", reqs[1])
	}
}
