// Command teststs runs the test-only OIDC issuer + STS emulator of package
// internal/teststs in its own process, for end-to-end tests, demo scripts and
// as the OpenID provider of a MinIO server.
//
//	teststs serve [--addr 127.0.0.1:0] [--audience acme]... [--role ARN[=SUBPATTERN]]...
//	              [--assumable-by TARGET=SOURCE[,SOURCE]...]... [--external-id TARGET=ID]...
//	              [--max-session 12h] [--credential-ttl 0] [--empty-arn]
//	              [--github-repo OWNER/REPO] [--github-sub SUB]
//	              [--azure-org ORG] [--azure-project PROJECT] [--azure-audience AUD]
//	              [--azure-connection ID=NAME]...
//	              [--state-file PATH] [-v]
//	teststs mint   [--url URL] [--sub S] [--aud A] [--iss I] [--exp-in 1h] [--nbf-in 0]
//	               [--claim k=v]... [--foreign]
//	teststs calls  [--url URL] [--action A | --json [--secrets]]
//	teststs faults [--url URL] [--for TARGET] [--throttle N] [--server-errors N] [--idp-errors N]
//	               [--invalid-token N] [--unauthorized N] [--garbage N] [--delay D]
//	teststs federation [--url URL]
//	teststs reset  [--url URL]
//
// serve prints one line of JSON (see State: url, issuer, pid, audience,
// audiences, roles, federationURL, githubTokenURL, githubRequestToken,
// azureOIDCRequestURI, azureAccessToken, azureServiceConnectionID) to stdout
// (and atomically to --state-file, removed again at exit) once it is
// listening, then serves until SIGINT or SIGTERM. The other commands talk to
// a running server at --url (default $TESTSTS_URL): mint prints a token;
// calls prints the number of STS calls (Server.Calls), of one action's
// calls with --action (Server.CallsFor), or the whole report with --json
// (the issued secrets only with --secrets); faults injects failures (for one
// action with --for) and prints the pending ones; federation prints the
// console sign-in state ({"getSigninTokenCalls","loginCalls","lastLogin"});
// reset clears faults, calls, requests and the last login.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage:
  teststs serve [--addr 127.0.0.1:0] [--audience acme]... [--role ARN[=SUBPATTERN]]...
                [--assumable-by TARGET=SOURCE[,SOURCE]...]... [--external-id TARGET=ID]...
                [--max-session 12h] [--credential-ttl 0] [--empty-arn]
                [--github-repo OWNER/REPO] [--github-sub SUB]
                [--azure-org ORG] [--azure-project PROJECT] [--azure-audience AUD] [--azure-connection ID=NAME]...
                [--state-file PATH] [-v]
  teststs mint   [--url URL] [--sub S] [--aud A] [--iss I] [--exp-in 1h] [--nbf-in 0] [--claim k=v]... [--foreign]
  teststs calls  [--url URL] [--action A | --json [--secrets]]
  teststs faults [--url URL] [--for TARGET] [--throttle N] [--server-errors N] [--idp-errors N] [--invalid-token N]
                 [--unauthorized N] [--garbage N] [--delay D]
  teststs federation [--url URL]
  teststs reset  [--url URL]
--url defaults to $TESTSTS_URL. Actions and fault targets: AssumeRoleWithWebIdentity, AssumeRole,
getSigninToken, login, GitHubToken, AzureOIDCToken. "teststs CMD -h" describes each flag.
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
	case "federation":
		err = federation(args[1:], stdout, stderr)
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

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }
