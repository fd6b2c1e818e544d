package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

// githubenv [-creds JSON] [-masks FILE] [-fetch OUT] ENVFILE reads ENVFILE
// (what a step left in GITHUB_ENV) the way the GitHub Actions runner does,
// on Linux and on Windows runners alike, and prints each variable it sets as
// NAME="value" (Go quoting) on stdout. With -creds, the last values of the
// four AWS_* variables must equal, byte for byte, those in the
// credential_process JSON file; with -masks, FILE (a step's stdout) must
// hold nothing but ::add-mask:: lines, whose values, decoded as the runner
// decodes them, are exactly the access key id, secret access key and session
// token (or, for serve, the authorization value); with -fetch, the endpoint
// the file points to is asked for credentials with its authorization value,
// and the answer is written to OUT (with SessionToken for Token, as
// stsissued reads it).
func cmdGitHubEnv(ts *testscript.TestScript, neg bool, args []string) {
	opts := map[string]string{}
	for len(args) > 1 && strings.HasPrefix(args[0], "-") {
		opts[args[0]], args = args[1], args[2:]
	}
	if len(args) != 1 || neg {
		ts.Fatalf("usage: githubenv [-creds JSON] [-masks FILE] [-fetch OUT] ENVFILE")
	}
	text := ts.ReadFile(args[0])
	vars, err := testkit.ParseGitHubEnv(text, false)
	ts.Check(err)
	win, err := testkit.ParseGitHubEnv(text, true)
	ts.Check(err)
	if !slices.Equal(vars, win) {
		ts.Fatalf("a Windows runner reads %q, a Linux runner %q", win, vars)
	}
	last := map[string]string{}
	for _, v := range vars {
		fmt.Fprintf(ts.Stdout(), "%s=%q\n", v.Name, v.Value)
		last[v.Name] = v.Value
	}
	secrets := []string{last["AWS_CONTAINER_AUTHORIZATION_TOKEN"]}
	if f, ok := opts["-creds"]; ok {
		secrets = checkGitHubCreds(ts, f, last)
	}
	if f, ok := opts["-masks"]; ok {
		masks, other := testkit.ParseGitHubMasks(ts.ReadFile(f))
		if len(other) > 0 {
			ts.Fatalf("%s holds other lines than masks: %q", f, other)
		}
		if !slices.Equal(masks, secrets) {
			ts.Fatalf("%s masks %d values, not exactly the %d secrets", f, len(masks), len(secrets))
		}
	}
	if out, ok := opts["-fetch"]; ok {
		fetchEndpoint(ts, last["AWS_CONTAINER_CREDENTIALS_FULL_URI"], last["AWS_CONTAINER_AUTHORIZATION_TOKEN"], out)
	}
}

// checkGitHubCreds compares the AWS_* variables with the credentials in
// the JSON file and returns the values that must be masked.
func checkGitHubCreds(ts *testscript.TestScript, file string, last map[string]string) []string {
	var c struct{ AccessKeyId, SecretAccessKey, SessionToken, Expiration string }
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(file)), &c))
	for name, want := range map[string]string{
		"AWS_ACCESS_KEY_ID": c.AccessKeyId, "AWS_SECRET_ACCESS_KEY": c.SecretAccessKey,
		"AWS_SESSION_TOKEN": c.SessionToken, "AWS_CREDENTIAL_EXPIRATION": c.Expiration,
	} {
		if got, ok := last[name]; !ok || got != want || want == "" {
			ts.Fatalf("GITHUB_ENV sets %s to other bytes than %s holds (or not at all)", name, file)
		}
	}
	return []string{c.AccessKeyId, c.SecretAccessKey, c.SessionToken}
}

func fetchEndpoint(ts *testscript.TestScript, url, auth, out string) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	ts.Check(err)
	req.Header.Set("Authorization", auth)
	resp, err := http.DefaultClient.Do(req)
	ts.Check(err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	ts.Check(err)
	if resp.StatusCode != http.StatusOK {
		ts.Fatalf("the endpoint answered %s", resp.Status)
	}
	// In the shape stsissued reads.
	var c struct{ AccessKeyId, SecretAccessKey, Token string }
	ts.Check(json.Unmarshal(body, &c))
	b, err := json.Marshal(map[string]string{"AccessKeyId": c.AccessKeyId, "SecretAccessKey": c.SecretAccessKey, "SessionToken": c.Token})
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(out), b, 0o600))
}
