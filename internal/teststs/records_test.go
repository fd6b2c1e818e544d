package teststs

import (
	"context"
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
