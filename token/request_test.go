package token

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

// endpoint is a CI token endpoint for these tests: it records what came
// and answers the statuses queued in faults first.
type endpoint struct {
	mu     sync.Mutex
	reqs   []*http.Request
	faults []int
	answer func(w http.ResponseWriter, r *http.Request)
}

func (e *endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	e.reqs = append(e.reqs, r.Clone(context.Background()))
	var fault int
	if len(e.faults) > 0 {
		fault, e.faults = e.faults[0], e.faults[1:]
	}
	e.mu.Unlock()
	if fault != 0 {
		w.WriteHeader(fault)
		w.Write([]byte(`{"message":"injected ` + http.StatusText(fault) + `, Bearer req-secret"}`))
		return
	}
	e.answer(w, r)
}

func (e *endpoint) requests() []*http.Request {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]*http.Request(nil), e.reqs...)
}

var fastRetry = Retry{Attempts: 4, Base: time.Millisecond, Cap: 2 * time.Millisecond}

func startEndpoint(t *testing.T, field, tok string) (*endpoint, *httptest.Server) {
	e := &endpoint{answer: func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{field: tok, "count": len(tok)})
	}}
	s := httptest.NewServer(e)
	t.Cleanup(s.Close)
	return e, s
}

// GitHub: a GET of the request URL, its query kept, with the audience
// and the bearer; transient failures are retried, a refusal is not.
func TestGitHub(t *testing.T) {
	tok := testkit.JWT(t, `{"sub":"repo:octo/app:ref:refs/heads/main","aud":"sts.amazonaws.com"}`)
	e, s := startEndpoint(t, "value", tok)
	g := GitHub{URL: s.URL + "/idtoken?api-version=2.0", RequestToken: "req-secret", Client: s.Client(), Retry: fastRetry}

	got, err := g.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.Raw != tok || got.Origin != "GitHub Actions token request (ACTIONS_ID_TOKEN_REQUEST_URL, audience sts.amazonaws.com)" {
		t.Errorf("token %q from %q", got.Claims.Subject, got.Origin)
	}
	r := e.requests()[0]
	if r.Method != http.MethodGet || r.URL.Path != "/idtoken" || r.URL.RawQuery != "api-version=2.0&audience=sts.amazonaws.com" {
		t.Errorf("request %s %s", r.Method, r.URL)
	}
	if h := r.Header.Get("Authorization"); h != "Bearer req-secret" {
		t.Errorf("Authorization %q", h)
	}

	g.Audience = "a b&c"
	if _, err := g.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if q := e.requests()[1].URL.Query(); q.Get("audience") != "a b&c" || q.Get("api-version") != "2.0" {
		t.Errorf("query %v", q)
	}

	e.faults = []int{500, 502}
	if _, err := g.Token(context.Background()); err != nil {
		t.Fatalf("after two 5xx: %v", err)
	}
	if n := len(e.requests()); n != 5 {
		t.Errorf("%d requests, want 5 (two retried 5xx)", n)
	}

	for _, status := range []int{401, 403} {
		e.faults = []int{status, status}
		before := len(e.requests())
		_, err := g.Token(context.Background())
		var re *RequestError
		if !errors.As(err, &re) || !re.Refused() || re.ExitCode() != 3 {
			t.Fatalf("HTTP %d: %v (%T), want a refused *RequestError", status, err, err)
		}
		if n := len(e.requests()) - before; n != 1 {
			t.Errorf("HTTP %d was tried %d times, want once", status, n)
		}
		if !strings.Contains(err.Error(), "GitHub Actions token request refused (HTTP") || !strings.Contains(err.Error(), "Bearer [redacted]") {
			t.Errorf("message %q", err)
		}
		testkit.NoLeak(t, "the message", err.Error(), tok, "req-secret")
		e.faults = nil
	}

	e.faults = []int{500, 500, 500, 500, 500}
	_, err = g.Token(context.Background())
	if err == nil || !strings.Contains(err.Error(), "failed with HTTP 500") || !strings.Contains(err.Error(), "after 4 attempts") {
		t.Errorf("after 4 5xx: %v", err)
	}
	e.faults = nil
}

// The key changes with every input and holds none of them.
func TestGitHubKey(t *testing.T) {
	g := GitHub{URL: "https://gh/x", RequestToken: "req-secret", Audience: "a"}
	seen := map[string]bool{g.Key(): true}
	for _, h := range []GitHub{
		{URL: "https://gh/y", RequestToken: "req-secret", Audience: "a"},
		{URL: "https://gh/x", RequestToken: "other", Audience: "a"},
		{URL: "https://gh/x", RequestToken: "req-secret", Audience: "b"},
		{URL: "https://gh/x", RequestToken: "req-secret"},
	} {
		if seen[h.Key()] {
			t.Errorf("%+v shares a key", h)
		}
		seen[h.Key()] = true
	}
	if g.Key() != (GitHub{URL: "https://gh/x", RequestToken: "req-secret", Audience: "a"}).Key() {
		t.Error("the key is not stable")
	}
	if (GitHub{URL: "u", RequestToken: "t"}).Key() != (GitHub{URL: "u", RequestToken: "t", Audience: DefaultAudience}).Key() {
		t.Error("the default audience keys differently from itself spelt out")
	}
	testkit.NoLeak(t, "the key", g.Key(), "", "req-secret", "https://gh/x")
}

// Answers that hold no token, and a server that does not answer.
func TestGitHubBadAnswers(t *testing.T) {
	for _, tc := range []struct {
		name, body, want string
	}{
		{"not JSON", "<html>", "answered without a token: the answer is not a JSON object"},
		{"no value", `{"count":0}`, `answered without a token: no "value" field in the answer`},
		{"null value", `{"value":null}`, `answered without a token: no "value" field in the answer`},
		{"empty value", `{"value":""}`, `answered without a token: the "value" field of the answer is empty`},
		{"blank value", `{"value":" \n"}`, `answered without a token: the "value" field of the answer is empty`},
		{"number value", `{"value":42}`, `answered without a token: the "value" field of the answer is not a string`},
		{"not a JWT", `{"value":"opaque"}`, "is not a JWT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(tc.body)) }))
			defer s.Close()
			_, err := GitHub{URL: s.URL, RequestToken: "req-secret", Retry: fastRetry}.Token(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
	s := httptest.NewServer(http.NotFoundHandler())
	s.Close()
	_, err := GitHub{URL: s.URL, RequestToken: "req-secret", Retry: fastRetry}.Token(context.Background())
	var re *RequestError
	if !errors.As(err, &re) || re.Status != 0 || re.Attempts != 4 || strings.Contains(err.Error(), s.URL) {
		t.Errorf("nothing listening: %v", err)
	}
	_, err = GitHub{URL: "::", RequestToken: "x"}.Token(context.Background())
	if err == nil || err.Error() != "GitHub Actions token request cannot be made: ACTIONS_ID_TOKEN_REQUEST_URL is not a URL" {
		t.Errorf("a bad URL: %v", err)
	}
}

// An endpoint that could not be reached or kept failing is exit 5, as an
// unreachable STS is; a refusal, another 4xx or an answer without a token
// is a token problem, exit 3.
func TestRequestExitCodes(t *testing.T) {
	tok := testkit.JWT(t, `{"sub":"repo:octo/app:ref:refs/heads/main"}`)
	e, s := startEndpoint(t, "value", tok)
	g := GitHub{URL: s.URL, RequestToken: "req-secret", Client: s.Client(), Retry: fastRetry}
	for _, tc := range []struct {
		faults []int
		want   int
	}{
		{[]int{500, 500, 500, 500}, 5},
		{[]int{503, 502, 504, 500}, 5},
		{[]int{429, 429, 429, 429}, 5},
		{[]int{401}, 3},
		{[]int{403}, 3},
		{[]int{404}, 3},
		{[]int{400}, 3},
		{[]int{203}, 3},
	} {
		e.faults = tc.faults
		_, err := g.Token(context.Background())
		var re *RequestError
		if !errors.As(err, &re) || re.ExitCode() != tc.want || re.Unreachable() != (tc.want == 5) {
			t.Errorf("HTTP %v: %v, exit %d, want %d", tc.faults, err, exitCode(err), tc.want)
		}
	}
	e.faults = nil
	e.answer = func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"value":""}`)) }
	if _, err := g.Token(context.Background()); exitCode(err) != 3 {
		t.Errorf("an empty value: %v, exit %d, want 3", err, exitCode(err))
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	if _, err := (GitHub{URL: closed.URL, RequestToken: "x", Retry: fastRetry}).Token(context.Background()); exitCode(err) != 5 {
		t.Errorf("nothing listening: %v, exit %d, want 5", err, exitCode(err))
	}
	if _, err := (AzureDevOps{URL: closed.URL, AccessToken: "x", ServiceConnection: "c", Retry: fastRetry}).Token(context.Background()); exitCode(err) != 5 {
		t.Errorf("Azure DevOps, nothing listening: %v, exit %d, want 5", err, exitCode(err))
	}
	if _, err := (GitHub{URL: "::", RequestToken: "x"}).Token(context.Background()); exitCode(err) != 3 {
		t.Errorf("not a URL: %v, exit %d, want 3", err, exitCode(err))
	}
}

func exitCode(err error) int {
	var ec interface{ ExitCode() int }
	if !errors.As(err, &ec) {
		return 0
	}
	return ec.ExitCode()
}

// A request never outlives ctx, retries included.
func TestRequestDeadline(t *testing.T) {
	block := make(chan struct{})
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer s.Close()
	defer close(block)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err := GitHub{URL: s.URL, RequestToken: "x", Retry: Retry{Attempts: 100, Base: time.Millisecond, Cap: time.Millisecond}}.Token(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || exitCode(err) != 5 {
		t.Errorf("error %v (exit %d), want the deadline, exit 5", err, exitCode(err))
	}
}

// Azure DevOps: a POST with api-version, the service connection, the
// bearer and the header that suppresses the sign-in redirect.
func TestAzureDevOps(t *testing.T) {
	tok := testkit.JWT(t, `{"sub":"sc://org/proj/aws","aud":"api://AzureADTokenExchange"}`)
	e, s := startEndpoint(t, "oidcToken", tok)
	a := AzureDevOps{URL: s.URL + "/oidctoken", AccessToken: "az-secret", ServiceConnection: "conn-id", Client: s.Client(), Retry: fastRetry}
	got, err := a.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.Raw != tok || got.Origin != "Azure DevOps token request (SYSTEM_OIDCREQUESTURI, service connection conn-id)" {
		t.Errorf("token from %q", got.Origin)
	}
	r := e.requests()[0]
	q := r.URL.Query()
	if r.Method != http.MethodPost || q.Get("api-version") != "7.1" || q.Get("serviceConnectionId") != "conn-id" {
		t.Errorf("request %s %s", r.Method, r.URL)
	}
	if r.Header.Get("Authorization") != "Bearer az-secret" || r.Header.Get("X-TFS-FedAuthRedirect") != "Suppress" {
		t.Errorf("headers %v", r.Header)
	}
	e.faults = []int{401}
	_, err = a.Token(context.Background())
	var re *RequestError
	if !errors.As(err, &re) || !re.Refused() || re.Platform != AzurePipelines {
		t.Errorf("401: %v", err)
	}
	if a.Key() == (AzureDevOps{URL: a.URL, AccessToken: "other", ServiceConnection: "conn-id"}).Key() ||
		a.Key() == (AzureDevOps{URL: a.URL, AccessToken: "az-secret", ServiceConnection: "other"}).Key() {
		t.Error("the key does not cover every input")
	}
}
