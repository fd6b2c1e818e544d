package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/oidc-creds/oidc-creds/internal/teststs"
)

// calls prints the number of STS calls, or the whole report with --json.
func calls(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("calls", stderr)
	u := urlFlag(fs)
	asJSON := fs.Bool("json", false, "print the whole report (calls and requests) as JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	base, err := needURL(fs, *u)
	if err != nil {
		return err
	}
	body, err := call(http.MethodGet, base+"/_test/calls", "", nil)
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
	_, err = fmt.Fprintln(stdout, strconv.Itoa(rep.Calls))
	return err
}

// faults injects faults and prints the pending ones.
func faults(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("faults", stderr)
	u := urlFlag(fs)
	var f teststs.Faults
	fs.IntVar(&f.Throttle, "throttle", 0, "answer N requests with 400 Throttling")
	fs.IntVar(&f.ServerErrors, "server-errors", 0, "answer N requests with 500 InternalFailure")
	fs.IntVar(&f.IDPErrors, "idp-errors", 0, "answer N requests with 400 IDPCommunicationError")
	fs.IntVar(&f.InvalidToken, "invalid-token", 0, "answer N requests with 400 InvalidIdentityToken")
	fs.IntVar(&f.Garbage, "garbage", 0, "answer N requests with 200 and a non-XML body")
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
	pending, err := call(http.MethodPost, base+"/_test/faults", "application/json", body)
	if err != nil {
		return err
	}
	_, err = stdout.Write(pending)
	return err
}

// reset clears faults, calls and requests.
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
