package credserver

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"
	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

func startTestServer(t *testing.T, ttl time.Duration) (*Server, *Refresher, *issuer, *testkit.Clock) {
	t.Helper()
	r, is, clk, _ := newTestRefresher(t, ttl, 15*time.Minute)
	ln, err := Listen("")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Serve(ln, r, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s, r, is, clk
}

func request(t *testing.T, method, url string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestServerAnswers(t *testing.T) {
	s, r, is, clk := startTestServer(t, time.Hour)
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") || !strings.Contains(s.URL, "/creds/") || len(s.Authorization) != 43 {
		t.Fatalf("URL %q, authorization of %d characters", s.URL, len(s.Authorization))
	}
	resp, body := request(t, "GET", s.URL, map[string]string{"Authorization": s.Authorization})
	if resp.StatusCode != 200 {
		t.Fatalf("GET: %d %s", resp.StatusCode, body)
	}
	if ct, cc := resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"); ct != "application/json" || cc != "no-store" {
		t.Fatalf("Content-Type %q, Cache-Control %q", ct, cc)
	}
	var got map[string]string
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"AccessKeyId":     "ASIAKEY0000000000001",
		"SecretAccessKey": "secret/1+" + strings.Repeat("x", 30),
		"Token":           "token1",
		"Expiration":      clk.Now().Add(time.Hour).Format(time.RFC3339),
		"AccountId":       "123456789012",
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("%s: got %q, want %q", k, got[k], v)
		}
	}
	if n := r.Fetches(); n != 1 {
		t.Fatalf("%d fetches", n)
	}

	refusals := []struct {
		name   string
		method string
		url    string
		header map[string]string
		status int
	}{
		{"no authorization", "GET", s.URL, nil, 401},
		{"empty authorization", "GET", s.URL, map[string]string{"Authorization": ""}, 401},
		{"wrong authorization", "GET", s.URL, map[string]string{"Authorization": otherFirst(s.Authorization)}, 403},
		{"authorization prefix", "GET", s.URL, map[string]string{"Authorization": s.Authorization[:42]}, 403},
		{"bearer", "GET", s.URL, map[string]string{"Authorization": "Bearer " + s.Authorization}, 403},
		{"other path", "GET", s.URL + "x", map[string]string{"Authorization": s.Authorization}, 403},
		{"root", "GET", s.URL[:strings.Index(s.URL, "/creds/")] + "/", map[string]string{"Authorization": s.Authorization}, 403},
		{"query", "GET", s.URL + "?a=b", map[string]string{"Authorization": s.Authorization}, 403},
		{"foreign host", "GET", s.URL, map[string]string{"Authorization": s.Authorization, "Host": "evil.example:80"}, 403},
		{"post without authorization", "POST", s.URL, nil, 401},
		{"post", "POST", s.URL, map[string]string{"Authorization": s.Authorization}, 405},
		{"put", "PUT", s.URL, map[string]string{"Authorization": s.Authorization}, 405},
		{"head", "HEAD", s.URL, map[string]string{"Authorization": s.Authorization}, 405},
	}
	for _, tc := range refusals {
		resp, body := request(t, tc.method, tc.url, tc.header)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.name, resp.StatusCode, body, tc.status)
		}
		if strings.Contains(body, "secret/") || strings.Contains(body, "token1") || strings.Contains(body, "ASIAKEY") {
			t.Errorf("%s: the refusal holds credentials: %s", tc.name, body)
		}
	}

	// Expired, and the exchange fails: 503 with a JSON error and no secret.
	is.setFail(errors.New("the token expired; get a fresh token"))
	clk.Advance(2 * time.Hour)
	resp, body = request(t, "GET", s.URL, map[string]string{"Authorization": s.Authorization})
	if resp.StatusCode != 503 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET with expired credentials: %d %s", resp.StatusCode, body)
	}
	var e struct{ Code, Message string }
	if err := json.Unmarshal([]byte(body), &e); err != nil || e.Code != "CredentialsUnavailable" || !strings.Contains(e.Message, "the token expired") {
		t.Fatalf("503 body %s (%v)", body, err)
	}
	if strings.Contains(body, "secret/") || strings.Contains(body, "token1") {
		t.Fatalf("the 503 holds a secret: %s", body)
	}
}

// TestSDKReadsTheEndpoint resolves credentials with aws-sdk-go-v2: its
// endpointcreds provider directly, and config.LoadDefaultConfig from the
// two environment variables, as a child of oidc-creds would.
func TestSDKReadsTheEndpoint(t *testing.T) {
	s, _, _, _ := startTestServer(t, time.Hour)
	ctx := context.Background()
	p := endpointcreds.New(s.URL, func(o *endpointcreds.Options) { o.AuthorizationToken = s.Authorization })
	c, err := p.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessKeyID != "ASIAKEY0000000000001" || c.SessionToken != "token1" || !c.CanExpire || c.AccountID != "123456789012" {
		t.Fatalf("endpointcreds: %+v", c)
	}
	bad := endpointcreds.New(s.URL, func(o *endpointcreds.Options) { o.AuthorizationToken = "wrong" })
	if _, err := bad.Retrieve(ctx); err == nil || !strings.Contains(err.Error(), "wrong Authorization value") {
		t.Fatalf("wrong token: %v", err)
	}

	dir := t.TempDir()
	for k, v := range map[string]string{
		VarFullURI: s.URL, VarAuthorization: s.Authorization,
		"AWS_CONFIG_FILE": dir + "/config", "AWS_SHARED_CREDENTIALS_FILE": dir + "/credentials",
		"AWS_PROFILE": "", "AWS_DEFAULT_PROFILE": "", "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "",
		"AWS_SESSION_TOKEN": "", "AWS_WEB_IDENTITY_TOKEN_FILE": "", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "", "AWS_EC2_METADATA_DISABLED": "true", "AWS_REGION": "us-east-1",
	} {
		t.Setenv(k, v)
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err = cfg.Credentials.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessKeyID != "ASIAKEY0000000000001" || c.Source != endpointcreds.ProviderName {
		t.Fatalf("LoadDefaultConfig: %s from %s", c.AccessKeyID, c.Source)
	}
}

func TestParseAddr(t *testing.T) {
	for in, want := range map[string]string{
		"":                "127.0.0.1:0",
		"127.0.0.1:8080":  "127.0.0.1:8080",
		"127.0.0.1":       "127.0.0.1:0",
		"127.1.2.3:9":     "127.1.2.3:9",
		"localhost:9911":  "127.0.0.1:9911",
		"LOCALHOST":       "127.0.0.1:0",
		"[::1]:80":        "[::1]:80",
		"::1":             "[::1]:0",
		"127.0.0.1:00080": "127.0.0.1:80",
	} {
		got, err := ParseAddr(in)
		if err != nil || got != want {
			t.Errorf("ParseAddr(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"0.0.0.0:80", ":8080", "192.168.1.2:80", "[::]:80", "example.com:80", "127.0.0.1:http", "127.0.0.1:70000", "127.0.0.1:-1"} {
		if got, err := ParseAddr(in); err == nil {
			t.Errorf("ParseAddr(%q) = %q, want an error", in, got)
		}
	}
	if _, err := ParseAddr("0.0.0.0:1"); !errors.Is(err, ErrNotLoopback) {
		t.Errorf("0.0.0.0: %v", err)
	}
}

func TestServeRefusesAnotherListener(t *testing.T) {
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	s, err := Serve(ln, NewRefresher(Options{Fetch: func(context.Context) (creds.Credentials, error) {
		return creds.Credentials{}, errors.New("x")
	}}), nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s.Close() // twice is fine
}

// otherFirst is s with its first character changed, so that it never equals s.
func otherFirst(s string) string {
	if s[0] == 'x' {
		return "y" + s[1:]
	}
	return "x" + s[1:]
}
