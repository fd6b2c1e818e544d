package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/oidc-creds/oidc-creds/internal/teststs"
)

// chainRoles are the test STS's roles for role chaining: web identities
// assume ci (account 111111111111), whose sessions assume the deploy
// roles of accounts 222222222222 (one with an external id) and, through
// it, 333333333333.
var chainRoles = []teststs.Role{
	{ARN: "arn:aws:iam::111111111111:role/ci", SubPattern: "*", MaxSessionDuration: 12 * time.Hour},
	{ARN: "arn:aws:iam::222222222222:role/deploy", TrustedRoles: []string{"arn:aws:iam::111111111111:role/ci"}, NoWebIdentity: true, MaxSessionDuration: 12 * time.Hour},
	{ARN: "arn:aws:iam::222222222222:role/ext", TrustedRoles: []string{"arn:aws:iam::111111111111:role/ci"}, ExternalID: "ext-123", NoWebIdentity: true},
	{ARN: "arn:aws:iam::222222222222:role/locked", NoWebIdentity: true},
	{ARN: "arn:aws:iam::222222222222:role/from-github", TrustedRoles: []string{"arn:aws:iam::123456789012:role/github"}, NoWebIdentity: true},
	{ARN: "arn:aws:iam::333333333333:role/app", TrustedRoles: []string{"arn:aws:iam::222222222222:role/deploy"}, NoWebIdentity: true},
}

// stscallsfor ACTION N asserts how many requests for ACTION (AssumeRole,
// AssumeRoleWithWebIdentity, getSigninToken, login) the test STS received.
func cmdSTSCallsFor(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: stscallsfor ACTION N")
	}
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	if got := server(ts).CallsFor(args[0]); (got == want) == neg {
		ts.Fatalf("%s calls: got %d, want %s%d", args[0], got, map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// stsfaultfor ACTION throttle=N server=N delay=D injects faults into the
// requests for ACTION only.
func cmdSTSFaultFor(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 || neg {
		ts.Fatalf("usage: stsfaultfor ACTION throttle=N server=N delay=D")
	}
	f := parseFaults(ts, "stsfaultfor", args[1:], "throttle", "server", "delay")
	server(ts).InjectFor(args[0], f)
}

// stsexpire ROLE expires, at the test STS, every credential it issued for
// ROLE, as if their sessions had lapsed early.
func cmdSTSExpire(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		ts.Fatalf("usage: stsexpire ROLE")
	}
	n := 0
	for _, r := range server(ts).Requests() {
		if r.RoleARN == args[0] && r.Outcome == "ok" && server(ts).ExpireCredentials(r.AccessKeyID) {
			n++
		}
	}
	if n == 0 {
		ts.Fatalf("stsexpire: no credentials issued for %s", args[0])
	}
}

var signinTokens = map[string][]string{} // by work dir, under serversMu

// recordSignin remembers the sign-in tokens of the login URLs in text.
func recordSignin(ts *testscript.TestScript, text string) []string {
	var found []string
	for _, m := range regexp.MustCompile(`https?://\S+`).FindAllString(text, -1) {
		if u, err := url.Parse(m); err == nil && u.Query().Get("SigninToken") != "" {
			found = append(found, u.Query().Get("SigninToken"))
		}
	}
	serversMu.Lock()
	defer serversMu.Unlock()
	signinTokens[ts.Getenv("WORK")] = append(signinTokens[ts.Getenv("WORK")], found...)
	return found
}

// noSignin is nosecrets' part for console sign-in: text (the last
// command's stderr, or its stdout when name is "stdout") holds no sign-in
// token seen so far, in the last command's stdout included, and (stderr) no
// login or getSigninToken URL.
func noSignin(ts *testscript.TestScript, name, text string) {
	if name != "stdout" {
		recordSignin(ts, ts.ReadFile("stdout"))
		for _, s := range []string{"SigninToken", "Action=login", "getSigninToken", "sessionKey"} {
			if strings.Contains(text, s) {
				ts.Fatalf("%s contains %q", name, s)
			}
		}
	}
	serversMu.Lock()
	toks := append([]string(nil), signinTokens[ts.Getenv("WORK")]...)
	serversMu.Unlock()
	for _, tok := range toks {
		if strings.Contains(text, tok) || strings.Contains(text, url.QueryEscape(tok)) {
			ts.Fatalf("%s contains a sign-in token", name)
		}
	}
}

// consolelogin FILE follows the login URL in FILE as a browser would (one
// GET, no redirect followed), asserts that the test federation endpoint
// signed it in, and prints the login: role=ASSUMED-ROLE-ARN issuer=…
// destination=… duration=SECONDS.
func cmdConsoleLogin(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: consolelogin FILE")
	}
	toks := recordSignin(ts, ts.ReadFile(args[0]))
	login := strings.TrimSpace(ts.ReadFile(args[0]))
	if len(toks) != 1 || strings.Contains(login, "\n") {
		ts.Fatalf("consolelogin: %s holds %d login URLs, want exactly one line with one", args[0], len(toks))
	}
	client := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(login)
	ts.Check(err)
	resp.Body.Close()
	if (resp.StatusCode == http.StatusFound) == neg {
		ts.Fatalf("consolelogin: status %d", resp.StatusCode)
	}
	if neg {
		return
	}
	l, ok := server(ts).LastLogin()
	if !ok || resp.Header.Get("Location") != l.Destination {
		ts.Fatalf("consolelogin: no login recorded (Location %q)", resp.Header.Get("Location"))
	}
	fmt.Fprintf(ts.Stdout(), "role=%s issuer=%s destination=%s duration=%d\n", l.AssumedRoleARN, l.Issuer, l.Destination, l.SessionDuration)
}

// cacheage ROLE D makes the cached credentials of ROLE (in
// $XDG_CACHE_HOME/oidc-creds) expire D from now, as if they had aged.
func cmdCacheAge(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 || neg {
		ts.Fatalf("usage: cacheage ROLE DURATION")
	}
	d, err := time.ParseDuration(args[1])
	ts.Check(err)
	files, err := filepath.Glob(filepath.Join(ts.Getenv("XDG_CACHE_HOME"), "oidc-creds", "*.json"))
	ts.Check(err)
	n := 0
	for _, f := range files {
		var e map[string]any
		ts.Check(json.Unmarshal([]byte(ts.ReadFile(f)), &e))
		if e["Role"] != args[0] {
			continue
		}
		e["Credentials"].(map[string]any)["Expiration"] = time.Now().Add(d).UTC().Format(time.RFC3339)
		b, err := json.Marshal(e)
		ts.Check(err)
		ts.Check(os.WriteFile(f, b, 0o600))
		n++
	}
	if n == 0 {
		ts.Fatalf("cacheage: no cache entry for %s", args[0])
	}
}

// stswaitfor ACTION N waits until the test STS has received N requests for
// ACTION (answered or still pending).
func cmdSTSWaitFor(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 || neg {
		ts.Fatalf("usage: stswaitfor ACTION N")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	deadline := time.Now().Add(waitLimit)
	for server(ts).CallsFor(args[0]) < n {
		if time.Now().After(deadline) {
			ts.Fatalf("the test STS received %d %s requests within %s, want %d", server(ts).CallsFor(args[0]), args[0], waitLimit, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// sdkCredsMain is the program sdkcreds [ENVFILE]: it resolves credentials
// with aws-sdk-go-v2's default chain (after setting the variables of the
// sh-format ENVFILE, e.g. serve's output) and prints them as JSON, as
// stsissued reads them, with their AccountId and source.
func sdkCredsMain() {
	if len(os.Args) > 1 {
		b, err := os.ReadFile(os.Args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "="); ok {
				os.Setenv(k, strings.Trim(v, "'"))
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"))
	if err == nil {
		var c aws.Credentials
		if c, err = cfg.Credentials.Retrieve(ctx); err == nil {
			out, _ := json.Marshal(map[string]string{"AccessKeyId": c.AccessKeyID, "SecretAccessKey": c.SecretAccessKey,
				"SessionToken": c.SessionToken, "AccountId": c.AccountID, "Source": c.Source})
			fmt.Println(string(out))
			os.Exit(0)
		}
	}
	fmt.Fprintln(os.Stderr, "sdkcreds:", err)
	os.Exit(1)
}
