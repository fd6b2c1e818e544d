// Command teststs runs the test-only OIDC issuer + STS emulator of package
// internal/teststs in its own process, for end-to-end tests, demo scripts and
// as the OpenID provider of a MinIO server.
//
//	teststs serve [--addr 127.0.0.1:0] [--audience acme] [--role ARN[=SUBPATTERN]]...
//	              [--max-session 12h] [--credential-ttl 0] [--empty-arn]
//	              [--state-file PATH] [-v]
//	teststs mint   [--url URL] [--sub S] [--aud A] [--iss I] [--exp-in 1h] [--nbf-in 0]
//	               [--claim k=v]... [--foreign]
//	teststs calls  [--url URL] [--json]
//	teststs faults [--url URL] [--throttle N] [--server-errors N] [--idp-errors N]
//	               [--invalid-token N] [--garbage N] [--delay D]
//	teststs reset  [--url URL]
//
// serve prints one line of JSON, {"url":…,"issuer":…,"pid":…,"audience":…,
// "roles":[…]}, to stdout (and atomically to --state-file, removed again at
// exit) once it is listening, then serves until SIGINT or SIGTERM. The other
// commands talk to a running server at --url (default $TESTSTS_URL).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/oidc-creds/oidc-creds/internal/teststs"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage:
  teststs serve [--addr 127.0.0.1:0] [--audience acme] [--role ARN[=SUBPATTERN]]...
                [--max-session 12h] [--credential-ttl 0] [--empty-arn] [--state-file PATH] [-v]
  teststs mint   [--url URL] [--sub S] [--aud A] [--iss I] [--exp-in 1h] [--nbf-in 0] [--claim k=v]... [--foreign]
  teststs calls  [--url URL] [--json]
  teststs faults [--url URL] [--throttle N] [--server-errors N] [--idp-errors N] [--invalid-token N] [--garbage N] [--delay D]
  teststs reset  [--url URL]
--url defaults to $TESTSTS_URL.
`

// errUsage reports a usage error already explained to the user.
var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, args[1:], stdout, stderr)
	case "mint":
		err = mint(args[1:], stdout, stderr)
	case "calls":
		err = calls(args[1:], stdout, stderr)
	case "faults":
		err = faults(args[1:], stdout, stderr)
	case "reset":
		err = reset(args[1:], stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "teststs: unknown command %q\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	default:
		fmt.Fprintf(stderr, "teststs %s: %v\n", args[0], err)
		return 1
	}
}

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("teststs "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parse parses flags and refuses positional arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage // the flag package has explained it
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return errUsage
	}
	return nil
}

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// State is what serve prints and writes to --state-file.
type State struct {
	URL      string   `json:"url"`
	Issuer   string   `json:"issuer"`
	PID      int      `json:"pid"`
	Audience string   `json:"audience"`
	Roles    []string `json:"roles"`
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	addr := fs.String("addr", teststs.DefaultAddr, "listen address")
	audience := fs.String("audience", teststs.DefaultAudience, "the accepted token audience (the provider's client ID)")
	var roles listFlag
	fs.Var(&roles, "role", "a `role` as ARN[=SUBPATTERN] (split at the first '='; no pattern means any subject); repeatable; default "+
		teststs.DefaultRoleARN+"="+teststs.DefaultSubPattern)
	maxSession := fs.Duration("max-session", 12*time.Hour, "MaxSessionDuration of every role")
	ttl := fs.Duration("credential-ttl", 0, "when >0, issued credentials expire after this instead of DurationSeconds")
	emptyARN := fs.Bool("empty-arn", false, "answer with an empty AssumedRoleUser Arn, as MinIO does")
	stateFile := fs.String("state-file", "", "also write the start-up JSON line to this `file`, atomically")
	verbose := fs.Bool("v", false, "log every STS request to stderr")
	if err := parse(fs, args); err != nil {
		return err
	}

	opts := teststs.Options{Addr: *addr, Audience: *audience, CredentialTTL: *ttl, EmptyAssumedRoleARN: *emptyARN}
	if len(roles) == 0 {
		roles = listFlag{teststs.DefaultRoleARN + "=" + teststs.DefaultSubPattern}
	}
	for _, r := range roles {
		arn, pattern, _ := strings.Cut(r, "=")
		opts.Roles = append(opts.Roles, teststs.Role{ARN: arn, SubPattern: pattern, MaxSessionDuration: *maxSession})
	}
	s, err := teststs.Start(opts)
	if err != nil {
		return err
	}
	defer s.Close()

	st := State{URL: s.URL, Issuer: s.IssuerURL, PID: os.Getpid(), Audience: s.Audience()}
	for _, r := range opts.Roles {
		st.Roles = append(st.Roles, r.ARN)
	}
	line, err := json.Marshal(st)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	if *stateFile != "" {
		if err := writeFileAtomic(*stateFile, line); err != nil {
			return err
		}
		defer os.Remove(*stateFile)
	}
	if _, err := stdout.Write(line); err != nil {
		return err
	}

	if *verbose {
		go logRequests(ctx, s, stderr)
	}
	<-ctx.Done()
	return nil
}

// logRequests prints each STS request once it has been answered.
func logRequests(ctx context.Context, s *teststs.Server, w io.Writer) {
	logged := 0
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		reqs := s.Requests()
		if len(reqs) < logged {
			logged = 0 // reset
		}
		for ; logged < len(reqs) && reqs[logged].Outcome != "pending"; logged++ {
			r := reqs[logged]
			fmt.Fprintf(w, "teststs: %s %s role=%s session=%s duration=%d sub=%q -> %s %s\n",
				r.Time.Format(time.RFC3339), r.Action, r.RoleARN, r.RoleSessionName, r.DurationSeconds, r.Subject, r.Outcome, r.AccessKeyID)
		}
	}
}

// writeFileAtomic writes data to a temporary file beside path and renames it
// into place, so a reader sees either nothing or the whole content.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}

func urlFlag(fs *flag.FlagSet) *string {
	return fs.String("url", os.Getenv("TESTSTS_URL"), "the server's `URL` (default $TESTSTS_URL)")
}

func needURL(fs *flag.FlagSet, u string) (string, error) {
	if u == "" {
		fmt.Fprintf(fs.Output(), "%s: --url (or $TESTSTS_URL) is required\n", fs.Name())
		return "", errUsage
	}
	return strings.TrimRight(u, "/"), nil
}

var httpClient = &http.Client{Timeout: 30 * time.Second}

// call makes a request to a control endpoint and returns the body of a 2xx answer.
func call(method, u, contentType string, body []byte) ([]byte, error) {
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s %s: %s: %s", method, u, resp.Status, strings.TrimSpace(string(b)))
	}
	return b, nil
}

func mint(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("mint", stderr)
	u := urlFlag(fs)
	sub := fs.String("sub", "", "subject (default: the server's default subject)")
	aud := fs.String("aud", "", "audience (default: the server's audience)")
	iss := fs.String("iss", "", "issuer (default: the server's issuer URL)")
	expIn := fs.Duration("exp-in", time.Hour, "exp relative to now; negative for an expired token")
	nbfIn := fs.Duration("nbf-in", 0, "nbf relative to now; positive for a token not yet valid")
	foreign := fs.Bool("foreign", false, "sign with a key the server does not publish (the signature will not verify)")
	var extra listFlag
	fs.Var(&extra, "claim", "an extra claim `k=v`; v is parsed as JSON when it can be (null removes the claim), else taken as a string; repeatable")
	if err := parse(fs, args); err != nil {
		return err
	}
	base, err := needURL(fs, *u)
	if err != nil {
		return err
	}

	now := time.Now()
	issued := now
	nbfSet := false
	fs.Visit(func(f *flag.Flag) { nbfSet = nbfSet || f.Name == "nbf-in" })
	if *expIn <= 0 && !nbfSet {
		issued = now.Add(*expIn - time.Hour) // an expired token was issued before it expired
	}
	claims := map[string]any{
		"iat": issued.Unix(),
		"nbf": issued.Add(*nbfIn).Unix(),
		"exp": now.Add(*expIn).Unix(),
	}
	for name, v := range map[string]string{"sub": *sub, "aud": *aud, "iss": *iss} {
		if v != "" {
			claims[name] = v
		}
	}
	for _, kv := range extra {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			fmt.Fprintf(stderr, "%s: --claim wants k=v, got %q\n", fs.Name(), kv)
			return errUsage
		}
		var parsed any
		dec := json.NewDecoder(strings.NewReader(v))
		dec.UseNumber()
		if err := dec.Decode(&parsed); err != nil || dec.More() {
			parsed = v
		}
		claims[k] = parsed
	}
	body, err := json.Marshal(claims)
	if err != nil {
		return err
	}
	endpoint := base + "/_test/mint"
	if *foreign {
		endpoint += "?foreign=1"
	}
	tok, err := call(http.MethodPost, endpoint, "application/json", body)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", tok)
	return err
}

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
