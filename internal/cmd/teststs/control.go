package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/oidc-creds/oidc-creds/internal/teststs"
)

// calls prints the number of STS calls (Server.Calls), of one action's
// calls with --action (Server.CallsFor), or the whole report with --json.
func calls(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("calls", stderr)
	u := urlFlag(fs)
	action := fs.String("action", "", "count the calls of this `action` only (AssumeRoleWithWebIdentity, AssumeRole, GitHubToken, …)")
	asJSON := fs.Bool("json", false, "print the whole report (calls, calls by action, STS and CI token requests) as JSON")
	secrets := fs.Bool("secrets", false, "with --json: include the issued secret access keys, session tokens and CI tokens")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *secrets && !*asJSON {
		fmt.Fprintf(stderr, "%s: --secrets needs --json\n", fs.Name())
		return errUsage
	}
	base, err := needURL(fs, *u)
	if err != nil {
		return err
	}
	endpoint := base + "/_test/calls"
	if *secrets {
		endpoint += "?secrets=1"
	}
	body, err := call(http.MethodGet, endpoint, "", nil)
	if err != nil {
		return err
	}
	if *asJSON {
		_, err = stdout.Write(body)
		return err
	}
	var rep teststs.CallsReport
	if err := json.Unmarshal(body, &rep); err != nil {
		return err
	}
	n := rep.Calls
	if *action != "" {
		n = rep.ByAction[*action]
	}
	_, err = fmt.Fprintln(stdout, strconv.Itoa(n))
	return err
}

// faults injects faults and prints the pending ones.
func faults(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("faults", stderr)
	u := urlFlag(fs)
	target := fs.String("for", "", "inject for this `target` only (an action: AssumeRoleWithWebIdentity, AssumeRole, getSigninToken, login, GitHubToken, "+
		"AzureOIDCToken); default: any STS request")
	var f teststs.Faults
	fs.IntVar(&f.Throttle, "throttle", 0, "answer N requests with 400 Throttling")
	fs.IntVar(&f.ServerErrors, "server-errors", 0, "answer N requests with 500 (STS: InternalFailure)")
	fs.IntVar(&f.IDPErrors, "idp-errors", 0, "answer N requests with 400 IDPCommunicationError")
	fs.IntVar(&f.InvalidToken, "invalid-token", 0, "answer N requests with 400 InvalidIdentityToken")
	fs.IntVar(&f.Garbage, "garbage", 0, "answer N requests with 200 and a body that is not XML (STS) or JSON (the others)")
	fs.IntVar(&f.Unauthorized, "unauthorized", 0, "answer N requests with 401 (CI token endpoints only)")
	fs.DurationVar(&f.Delay, "delay", 0, "delay every following answer (negative: no more delay)")
	if err := parse(fs, args); err != nil {
		return err
	}
	base, err := needURL(fs, *u)
	if err != nil {
		return err
	}
	body, err := json.Marshal(f)
	if err != nil {
		return err
	}
	endpoint := base + "/_test/faults"
	if *target != "" {
		endpoint += "?target=" + url.QueryEscape(*target)
	}
	pending, err := call(http.MethodPost, endpoint, "application/json", body)
	if err != nil {
		return err
	}
	_, err = stdout.Write(pending)
	return err
}

// reset clears faults, calls, requests and the last login.
func reset(args []string, stderr io.Writer) error {
	fs := newFlagSet("reset", stderr)
	u := urlFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	base, err := needURL(fs, *u)
	if err != nil {
		return err
	}
	_, err = call(http.MethodPost, base+"/_test/reset", "", nil)
	return err
}

// federation prints the console sign-in state: calls and the last login.
func federation(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("federation", stderr)
	u := urlFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	base, err := needURL(fs, *u)
	if err != nil {
		return err
	}
	body, err := call(http.MethodGet, base+"/_test/federation", "", nil)
	if err != nil {
		return err
	}
	_, err = stdout.Write(body)
	return err
}
