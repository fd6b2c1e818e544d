package teststs

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
)

const consoleURL = "https://console.aws.amazon.com/console/home?region=eu-west-1"

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// federation makes a GET of the federation endpoint with query q.
func federation(t *testing.T, s *Server, q url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := noRedirect.Get(s.FederationURL + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func sessionParam(c *types.Credentials) string {
	b, _ := json.Marshal(map[string]string{"sessionId": aws.ToString(c.AccessKeyId), "sessionKey": aws.ToString(c.SecretAccessKey),
		"sessionToken": aws.ToString(c.SessionToken)})
	return string(b)
}

func issue(t *testing.T, s *Server, roleARN string) *types.Credentials {
	t.Helper()
	in := input(s, s.Mint(nil))
	in.RoleArn = aws.String(roleARN)
	out, err := client(s).AssumeRoleWithWebIdentity(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return out.Credentials
}

// signinToken gets a sign-in token for c, failing the test unless it is 200.
func signinToken(t *testing.T, s *Server, c *types.Credentials, extra url.Values) string {
	t.Helper()
	q := url.Values{"Action": {"getSigninToken"}, "Session": {sessionParam(c)}}
	for k, v := range extra {
		q[k] = v
	}
	resp, body := federation(t, s, q)
	var out struct{ SigninToken string }
	if err := json.Unmarshal([]byte(body), &out); resp.StatusCode != 200 || err != nil || len(out.SigninToken) < 600 ||
		resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("getSigninToken: %s %.100s", resp.Status, body)
	}
	return out.SigninToken
}

func TestGetSigninToken(t *testing.T) {
	const minio = "arn:minio:iam:::role/console"
	s := NewForTest(t, Options{Roles: []Role{{ARN: DefaultRoleARN}, {ARN: minio}}})
	c := issue(t, s, DefaultRoleARN)
	if a, b := signinToken(t, s, c, nil), signinToken(t, s, c, url.Values{"SessionDuration": {"43200"}}); a == b {
		t.Error("the same sign-in token twice")
	}
	signinToken(t, s, issue(t, s, minio), nil)
	wrong := *c
	wrong.SecretAccessKey = aws.String("x" + aws.ToString(c.SecretAccessKey)[1:])
	otherToken := *c
	otherToken.SessionToken = issue(t, s, DefaultRoleARN).SessionToken
	unknown := *c
	unknown.AccessKeyId = aws.String("ASIAAAAAAAAAAAAAAAAA")
	for _, tc := range []struct {
		name   string
		q      url.Values
		status int
	}{
		{"no Action", url.Values{"Session": {sessionParam(c)}}, 400},
		{"unknown Action", url.Values{"Action": {"GetSigninToken"}, "Session": {sessionParam(c)}}, 400},
		{"no Session", url.Values{"Action": {"getSigninToken"}}, 400},
		{"Session not JSON", url.Values{"Action": {"getSigninToken"}, "Session": {"{"}}, 400},
		{"duration short", url.Values{"Action": {"getSigninToken"}, "Session": {sessionParam(c)}, "SessionDuration": {"899"}}, 400},
		{"duration long", url.Values{"Action": {"getSigninToken"}, "Session": {sessionParam(c)}, "SessionDuration": {"43201"}}, 400},
		{"duration not a number", url.Values{"Action": {"getSigninToken"}, "Session": {sessionParam(c)}, "SessionDuration": {"1h"}}, 400},
		{"duration without an assumed role", url.Values{"Action": {"getSigninToken"}, "Session": {sessionParam(issue(t, s, minio))},
			"SessionDuration": {"3600"}}, 400},
		{"wrong secret", url.Values{"Action": {"getSigninToken"}, "Session": {sessionParam(&wrong)}}, 403},
		{"another session token", url.Values{"Action": {"getSigninToken"}, "Session": {sessionParam(&otherToken)}}, 403},
		{"not issued here", url.Values{"Action": {"getSigninToken"}, "Session": {sessionParam(&unknown)}}, 403},
	} {
		if resp, body := federation(t, s, tc.q); resp.StatusCode != tc.status || strings.Contains(body, aws.ToString(c.SecretAccessKey)) {
			t.Errorf("%s: %s %s, want %d", tc.name, resp.Status, body, tc.status)
		}
	}
	s.ExpireCredentials(aws.ToString(c.AccessKeyId))
	if resp, _ := federation(t, s, url.Values{"Action": {"getSigninToken"}, "Session": {sessionParam(c)}}); resp.StatusCode != 403 {
		t.Errorf("expired credentials: %s", resp.Status)
	}
	if resp, _ := post(t, s.FederationURL, "application/x-www-form-urlencoded", "Action=getSigninToken"); resp.StatusCode != 405 {
		t.Errorf("POST: %s", resp.Status)
	}
	if n := s.CallsFor(ActionGetSigninToken); n != 13 || s.Calls() != 4 {
		t.Errorf("CallsFor(getSigninToken) = %d, Calls() = %d", n, s.Calls())
	}
}

func TestFederationLogin(t *testing.T) {
	s := chainServer(t)
	c, _ := ciClient(t, s)
	out, err := c.AssumeRole(context.Background(), assumeInput(deployRole))
	if err != nil {
		t.Fatal(err)
	}
	// AWS refuses SessionDuration for a chained role's credentials.
	if resp, body := federation(t, s, url.Values{"Action": {"getSigninToken"}, "Session": {sessionParam(out.Credentials)}, "SessionDuration": {"3600"}}); resp.StatusCode != 400 ||
		!strings.Contains(body, "Invalid credentials parameter") {
		t.Errorf("SessionDuration for chained credentials: %s %s", resp.Status, body)
	}
	token := signinToken(t, s, out.Credentials, nil)
	login := func(token, dest string) (*http.Response, string) {
		return federation(t, s, url.Values{"Action": {"login"}, "Issuer": {"https://example.com/ci"}, "Destination": {dest}, "SigninToken": {token}})
	}
	if resp, body := login(token, "console"); resp.StatusCode != 400 {
		t.Errorf("relative Destination: %s %s", resp.Status, body)
	}
	if _, ok := s.LastLogin(); ok {
		t.Error("a LastLogin before any login")
	}
	resp, body := login(token, consoleURL)
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != consoleURL {
		t.Fatalf("login: %s %s %s", resp.Status, resp.Header.Get("Location"), body)
	}
	l, ok := s.LastLogin()
	if !ok || l.Destination != consoleURL || l.Issuer != "https://example.com/ci" || l.SessionDuration != 0 ||
		l.AccessKeyID != aws.ToString(out.Credentials.AccessKeyId) || l.AssumedRoleARN != "arn:aws:sts::222222222222:assumed-role/deploy/chain" {
		t.Errorf("LastLogin() = %+v, %v", l, ok)
	}
	if resp, _ := login(token, consoleURL); resp.StatusCode != 400 {
		t.Errorf("second use of a sign-in token: %s", resp.Status)
	}
	if resp, _ := login("nope", consoleURL); resp.StatusCode != 400 {
		t.Errorf("unknown sign-in token: %s", resp.Status)
	}
	old := signinToken(t, s, out.Credentials, nil)
	s.mu.Lock()
	s.signins[old].issued = time.Now().Add(-signinTokenTTL - time.Second)
	s.mu.Unlock()
	if resp, _ := login(old, consoleURL); resp.StatusCode != 400 {
		t.Errorf("sign-in token older than 15 minutes: %s", resp.Status)
	}

	var rep FederationReport
	get(t, s.URL+"/_test/federation", &rep)
	if rep.GetSigninTokenCalls != 3 || rep.LoginCalls != 5 || rep.LastLogin == nil || rep.LastLogin.Destination != consoleURL {
		t.Errorf("report %+v", rep)
	}
	fresh := signinToken(t, s, out.Credentials, nil)
	s.Reset()
	if _, ok := s.LastLogin(); ok || s.CallsFor(ActionLogin) != 0 {
		t.Error("Reset keeps the last login")
	}
	if resp, _ := login(fresh, consoleURL); resp.StatusCode != http.StatusFound {
		t.Errorf("a sign-in token issued before Reset: %s", resp.Status)
	}
}

func TestFederationFaults(t *testing.T) {
	s := NewForTest(t, Options{})
	c := issue(t, s, DefaultRoleARN)
	s.Inject(Faults{Throttle: 1, ServerErrors: 1}) // STS only
	s.InjectFor(ActionGetSigninToken, Faults{ServerErrors: 1, Garbage: 1})
	q := url.Values{"Action": {"getSigninToken"}, "Session": {sessionParam(c)}}
	for _, want := range []struct {
		status int
		body   string
	}{{500, "injected"}, {200, "not JSON"}, {200, `"SigninToken"`}} {
		resp, body := federation(t, s, q)
		if resp.StatusCode != want.status || !strings.Contains(body, want.body) {
			t.Errorf("%s %s, want %d %s", resp.Status, body, want.status, want.body)
		}
	}
	if s.PendingFaultsFor(ActionGetSigninToken) != (Faults{}) || s.PendingFaults() != (Faults{Throttle: 1, ServerErrors: 1}) {
		t.Errorf("pending: %+v, shared %+v", s.PendingFaultsFor(ActionGetSigninToken), s.PendingFaults())
	}
	s.InjectFor(ActionLogin, Faults{ServerErrors: 1})
	if resp, _ := federation(t, s, url.Values{"Action": {"login"}}); resp.StatusCode != 500 {
		t.Errorf("login fault: %s", resp.Status)
	}
}
