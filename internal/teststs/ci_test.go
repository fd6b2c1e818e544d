package teststs

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// tokenCall makes a request to a CI token endpoint with a bearer token
// (none when "") and extra headers, and decodes a JSON answer into v.
func tokenCall(t *testing.T, method, u, bearer string, header map[string]string, v any) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	for k, val := range header {
		req.Header.Set(k, val)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if v != nil && resp.StatusCode == 200 {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s %s: %s: %v", method, u, b, err)
		}
	}
	return resp.StatusCode, string(b)
}

// claimsOf decodes a JWT's claims (after checking this server signed it).
func claimsOf(t *testing.T, s *Server, tok string) map[string]any {
	t.Helper()
	p, err := parseJWT(tok)
	if err != nil || !p.verify(s.key) {
		t.Fatalf("token %q does not verify: %v", tok, err)
	}
	return p.claims
}

// exchange trades a token for credentials of roleARN and returns the
// Audience STS answered.
func exchange(t *testing.T, s *Server, roleARN, tok string) string {
	t.Helper()
	in := input(s, tok)
	in.RoleArn = aws.String(roleARN)
	out, err := client(s).AssumeRoleWithWebIdentity(context.Background(), in)
	if err != nil {
		t.Fatalf("exchange for %s: %v", roleARN, err)
	}
	return aws.ToString(out.Audience)
}

const ghRole = "arn:aws:iam::123456789012:role/github"

func TestGitHubToken(t *testing.T) {
	s := NewForTest(t, Options{Audiences: []string{"sts.amazonaws.com"}, Roles: []Role{
		{ARN: ghRole, Audience: "sts.amazonaws.com", SubPattern: "repo:octo-org/app:*"}}})
	var out struct {
		Count int
		Value string
	}
	status, body := tokenCall(t, "GET", s.GitHubTokenURL+"&audience=sts.amazonaws.com", s.GitHubRequestToken, nil, &out)
	if status != 200 || out.Count != len(out.Value) || out.Value == "" {
		t.Fatalf("%d %s", status, body)
	}
	c := claimsOf(t, s, out.Value)
	iat, _ := c["iat"].(json.Number).Int64()
	exp, _ := c["exp"].(json.Number).Int64()
	if c["iss"] != s.IssuerURL || c["aud"] != "sts.amazonaws.com" || c["sub"] != DefaultGitHubSubject ||
		c["repository"] != "octo-org/app" || c["repository_owner"] != "octo-org" || exp-iat != 300 {
		t.Errorf("claims %v", c)
	}
	if aud := exchange(t, s, ghRole, out.Value); aud != "sts.amazonaws.com" {
		t.Errorf("STS answered Audience %q", aud)
	}
	tokenCall(t, "GET", s.GitHubTokenURL, s.GitHubRequestToken, nil, &out)
	if aud := claimsOf(t, s, out.Value)["aud"]; aud != "https://github.com/octo-org" {
		t.Errorf("default aud %v", aud)
	}
	tokenCall(t, "GET", s.GitHubTokenURL+"&audience="+url.QueryEscape("api://a b&c"), s.GitHubRequestToken, nil, &out)
	if aud := claimsOf(t, s, out.Value)["aud"]; aud != "api://a b&c" {
		t.Errorf("encoded aud %v", aud)
	}
	for _, tc := range []struct {
		method, url, bearer string
		status              int
	}{
		{"GET", s.GitHubTokenURL, "", 401},
		{"GET", s.GitHubTokenURL, "x" + s.GitHubRequestToken, 401},
		{"GET", s.URL + "/github/token?audience=x", s.GitHubRequestToken, 400},
		{"POST", s.GitHubTokenURL, s.GitHubRequestToken, 405},
	} {
		if status, body := tokenCall(t, tc.method, tc.url, tc.bearer, nil, nil); status != tc.status {
			t.Errorf("%s %s bearer %t: %d %s, want %d", tc.method, tc.url, tc.bearer != "", status, body, tc.status)
		}
	}
	reqs := s.TokenRequests()
	if s.CallsFor(ActionGitHubToken) != 6 || len(reqs) != 6 || reqs[0].Audience != "sts.amazonaws.com" || reqs[1].Audience != "" ||
		reqs[0].Outcome != "ok" || reqs[0].Subject != DefaultGitHubSubject || reqs[0].Token == "" || reqs[3].Outcome != "401" ||
		reqs[5].Outcome != "400" || reqs[2].Audience != "api://a b&c" {
		t.Errorf("CallsFor %d, requests %v", s.CallsFor(ActionGitHubToken), reqs)
	}
	if strings.Contains(fmt.Sprint(reqs), reqs[0].Token) {
		t.Error("TokenRequests print the token")
	}
}

func TestGitHubTokenOptionsAndFaults(t *testing.T) {
	s := NewForTest(t, Options{GitHub: GitHubOptions{Repository: "acme/web", Subject: "repo:acme/web:environment:prod",
		Claims: map[string]any{"environment": "prod", "workflow": nil}}})
	s.Inject(Faults{ServerErrors: 1}) // STS only
	s.InjectFor(ActionGitHubToken, Faults{ServerErrors: 2, Unauthorized: 1, Garbage: 1})
	var out struct{ Value string }
	for _, want := range []int{500, 500, 401, 200, 200} {
		if status, body := tokenCall(t, "GET", s.GitHubTokenURL, s.GitHubRequestToken, nil, nil); status != want {
			t.Errorf("%d %s, want %d", status, body, want)
		}
	}
	tokenCall(t, "GET", s.GitHubTokenURL, s.GitHubRequestToken, nil, &out)
	c := claimsOf(t, s, out.Value)
	if c["sub"] != "repo:acme/web:environment:prod" || c["aud"] != "https://github.com/acme" || c["environment"] != "prod" ||
		c["workflow"] != nil || c["repository"] != "acme/web" {
		t.Errorf("claims %v", c)
	}
	var outcomes []string
	for _, r := range s.TokenRequests() {
		outcomes = append(outcomes, r.Outcome)
	}
	if got := strings.Join(outcomes, " "); got != "500 500 401 garbage ok ok" || s.PendingFaults() != (Faults{ServerErrors: 1}) {
		t.Errorf("outcomes %s, shared faults %+v", got, s.PendingFaults())
	}
}
