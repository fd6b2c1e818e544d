package teststs

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

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
}

// The SDK's standard retryer retries throttling and 5xx.
func TestFaultsRetried(t *testing.T) {
	s := NewForTest(t, Options{})
	tok := s.Mint(nil)
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

// chainCalls returns a server with a ci session, and functions that make a
// web-identity call and an AssumeRole call with it.
func chainCalls(t *testing.T) (s *Server, c *sts.Client, web, chain func() error) {
	s = chainServer(t)
	c, _ = ciClient(t, s)
	web = func() error {
		in := input(s, s.Mint(map[string]any{"sub": ciSubject}))
		in.RoleArn = aws.String(ciRole)
		_, err := client(s).AssumeRoleWithWebIdentity(context.Background(), in)
		return err
	}
	chain = func() error {
		_, err := c.AssumeRole(context.Background(), assumeInput(deployRole))
		return err
	}
	return s, c, web, chain
}

// Shared faults: AssumeRole takes Throttle, leaves the web-identity ones.
func TestAssumeRoleSharedFaults(t *testing.T) {
	s, _, web, chain := chainCalls(t)
	s.Inject(Faults{IDPErrors: 1, Throttle: 1})
	checkAPIError(t, chain(), "Throttling", 400, "Rate exceeded")
	if err := chain(); err != nil {
		t.Errorf("AssumeRole took a web-identity fault: %v", err)
	}
	if s.PendingFaults() != (Faults{IDPErrors: 1}) {
		t.Errorf("pending %+v", s.PendingFaults())
	}
	checkAPIError(t, web(), "IDPCommunicationError", 400, "")
}

// Targeted faults hit their action only.
func TestAssumeRoleTargetedFaults(t *testing.T) {
	s, c, web, chain := chainCalls(t)
	s.InjectFor(ActionAssumeRole, Faults{ServerErrors: 1, Garbage: 1})
	s.InjectFor(ActionAssumeRoleWithWebIdentity, Faults{Throttle: 1})
	if err := web(); err == nil {
		t.Error("web identity escaped its targeted fault")
	}
	if err := web(); err != nil {
		t.Errorf("web identity took an AssumeRole fault: %v", err)
	}
	if got := s.PendingFaultsFor(ActionAssumeRole); got != (Faults{ServerErrors: 1, Garbage: 1}) {
		t.Errorf("PendingFaultsFor = %+v", got)
	}
	checkAPIError(t, chain(), "InternalFailure", 500, "")
	var de *smithy.DeserializationError
	if err := chain(); !errors.As(err, &de) {
		t.Errorf("garbage: %v", err)
	}

	// A targeted delay, and the SDK's retries of a throttled AssumeRole.
	s.InjectFor(ActionAssumeRole, Faults{Delay: 150 * time.Millisecond, Throttle: 1})
	retrying := sts.New(c.Options(), func(o *sts.Options) { o.Retryer = retryNoBackoff(o) })
	start, before := time.Now(), s.CallsFor(ActionAssumeRole)
	if _, err := retrying.AssumeRole(context.Background(), assumeInput(deployRole)); err != nil {
		t.Errorf("with retries: %v", err)
	}
	if d, n := time.Since(start), s.CallsFor(ActionAssumeRole)-before; d < 300*time.Millisecond || n != 2 {
		t.Errorf("with retries and a delay: %v, %d calls", d, n)
	}
	s.Reset()
	if s.PendingFaultsFor(ActionAssumeRole) != (Faults{}) {
		t.Error("Reset keeps targeted faults")
	}
	defer func() {
		if recover() == nil {
			t.Error("InjectFor accepts an unknown target")
		}
	}()
	s.InjectFor("assumerole", Faults{Throttle: 1})
}

func TestTargetedFaultsEndpoint(t *testing.T) {
	s := NewForTest(t, Options{})
	resp, body := post(t, s.URL+"/_test/faults?target=AssumeRole", "application/json", `{"throttle":2}`)
	var got Faults
	if err := json.Unmarshal([]byte(body), &got); resp.StatusCode != 200 || err != nil || got != (Faults{Throttle: 2}) {
		t.Errorf("POST: %s %s", resp.Status, body)
	}
	get(t, s.URL+"/_test/faults?target=AssumeRole", &got)
	if got != (Faults{Throttle: 2}) || s.PendingFaults() != (Faults{}) {
		t.Errorf("GET: %+v, shared %+v", got, s.PendingFaults())
	}
	if resp, body := post(t, s.URL+"/_test/faults?target=nope", "application/json", `{}`); resp.StatusCode != 400 ||
		!strings.Contains(body, "AssumeRole, AssumeRoleWithWebIdentity") {
		t.Errorf("unknown target: %s %s", resp.Status, body)
	}
}
