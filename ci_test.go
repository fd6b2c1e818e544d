package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/oidc-creds/oidc-creds/internal/teststs"
)

// Commands and stand-ins for the CI platform scripts (ci_*.txtar).

// ciAction is the teststs action of a CI token endpoint named in a script.
func ciAction(ts *testscript.TestScript, name string) string {
	switch name {
	case "github":
		return teststs.ActionGitHubToken
	case "azure":
		return teststs.ActionAzureOIDCToken
	}
	ts.Fatalf("unknown CI endpoint %q (github or azure)", name)
	return ""
}

// cireqs github|azure N asserts how many token requests the endpoint received.
func cmdCIReqs(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 || neg {
		ts.Fatalf("usage: cireqs github|azure N")
	}
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	got := len(ciRequests(ts, ciAction(ts, args[0])))
	if got != want {
		ts.Fatalf("%s token requests: got %d, want %d", args[0], got, want)
	}
}

func ciRequests(ts *testscript.TestScript, action string) []teststs.TokenRequest {
	var out []teststs.TokenRequest
	for _, r := range server(ts).TokenRequests() {
		if r.Action == action {
			out = append(out, r)
		}
	}
	return out
}

// cilast github|azure FIELD REGEXP checks the endpoint's last request:
// FIELD is audience, connection or outcome.
func cmdCILast(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: cilast github|azure FIELD REGEXP")
	}
	reqs := ciRequests(ts, ciAction(ts, args[0]))
	if len(reqs) == 0 {
		ts.Fatalf("cilast: no %s token request received", args[0])
	}
	r := reqs[len(reqs)-1]
	got := map[string]string{"audience": r.Audience, "connection": r.ServiceConnectionID, "outcome": r.Outcome}[args[1]]
	if ok := regexp.MustCompile(args[2]).MatchString(got); ok == neg {
		ts.Fatalf("cilast %s %s: %q does not match %q (neg=%v)", args[0], args[1], got, args[2], neg)
	}
}

// cifault github|azure server=N unauthorized=N garbage=N injects faults
// into the endpoint's next requests.
func cmdCIFault(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 || neg {
		ts.Fatalf("usage: cifault github|azure server=N unauthorized=N garbage=N")
	}
	f := parseFaults(ts, "cifault", args[1:], "server", "unauthorized", "garbage")
	server(ts).InjectFor(ciAction(ts, args[0]), f)
}

// ciSecrets are what nosecrets checks besides minted tokens and issued
// credentials: the endpoints' request credentials, the tokens they issued
// and those the stand-in buildkite-agent printed.
func ciSecrets(ts *testscript.TestScript) []string {
	s := server(ts)
	out := []string{s.GitHubRequestToken, s.AzureAccessToken}
	for _, r := range s.TokenRequests() {
		if r.Token != "" {
			out = append(out, r.Token, r.Token[strings.LastIndexByte(r.Token, '.')+1:])
		}
	}
	if b, err := os.ReadFile(ts.MkAbs(buildkiteTokens)); err == nil {
		for _, tok := range strings.Fields(string(b)) {
			out = append(out, tok, tok[strings.LastIndexByte(tok, '.')+1:])
		}
	}
	return out
}

// buildkiteTokens is where the stand-in buildkite-agent notes the tokens
// it printed (relative to $WORK, which is its working directory).
const buildkiteTokens = "buildkite.tokens"

// buildkiteAgent stands in for `buildkite-agent oidc request-token
// --audience AUD`: it appends its arguments to buildkite.args, mints a
// token for AUD through the test issuer ($STS_URL/_test/mint) and prints
// it. With BUILDKITE_AGENT_FAIL set it fails as a refused agent does,
// echoing BUILDKITE_AGENT_ACCESS_TOKEN and a token on stderr (which
// oidc-creds must redact).
func buildkiteAgent() int {
	args := os.Args[1:]
	f, _ := os.OpenFile("buildkite.args", os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	fmt.Fprintln(f, strings.Join(args, " "))
	f.Close()
	if len(args) != 4 || args[0] != "oidc" || args[1] != "request-token" || args[2] != "--audience" {
		fmt.Fprintln(os.Stderr, "buildkite-agent: usage: buildkite-agent oidc request-token --audience AUD")
		return 2
	}
	claims := fmt.Sprintf(`{"aud":%q,"sub":"organization:acme:pipeline:deploy:ref:refs/heads/main:commit:abc:step:deploy"}`, args[3])
	resp, err := http.Post(os.Getenv("STS_URL")+"/_test/mint", "application/json", strings.NewReader(claims))
	if err != nil {
		fmt.Fprintln(os.Stderr, "buildkite-agent:", err)
		return 1
	}
	defer resp.Body.Close()
	var tok bytes.Buffer
	tok.ReadFrom(resp.Body)
	f, _ = os.OpenFile(buildkiteTokens, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	fmt.Fprintln(f, tok.String())
	f.Close()
	if os.Getenv("BUILDKITE_AGENT_FAIL") != "" {
		fmt.Fprintf(os.Stderr, "fatal: failed to get OIDC token: POST with token %s: 403 Forbidden\nlast token %s\n", os.Getenv("BUILDKITE_AGENT_ACCESS_TOKEN"), tok.String())
		return 1
	}
	fmt.Println(tok.String())
	return 0
}
