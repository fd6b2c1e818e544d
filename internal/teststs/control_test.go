package teststs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go"
)

func TestMintEndpoint(t *testing.T) {
	s := NewForTest(t, Options{})
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
	if _, err := client(s).AssumeRoleWithWebIdentity(context.Background(), input(s, defTok)); err != nil {
		t.Fatal(err)
	}
}

func TestFaultsCallsResetEndpoints(t *testing.T) {
	s := NewForTest(t, Options{})
	c := client(s)
	defTok := s.Mint(nil)
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
	_, err := c.AssumeRoleWithWebIdentity(context.Background(), input(s, defTok))
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
