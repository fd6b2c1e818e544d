package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/oidc-creds/oidc-creds/backoff"
	"github.com/oidc-creds/oidc-creds/cli"
	"github.com/oidc-creds/oidc-creds/internal/teststs"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"oidc-creds": func() {
			// The scripts test which failures are retried and how often, not
			// how long the waits are (exchange's tests do): do not sleep
			// through real back-off (one setting: the waits of the STS calls
			// and of the CI platforms' token requests).
			backoff.Default = backoff.Backoff{Base: 2 * time.Millisecond, Cap: 20 * time.Millisecond}
			os.Exit(cli.Run())
		},
		"buildkite-agent": func() { os.Exit(buildkiteAgent()) },
		"sdkcreds":        sdkCredsMain, // chain_test.go
	})
}

// TestScripts runs the end-to-end scripts in testdata/script against the
// built binary and a test STS started for each script.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup:               setupScript,
		Condition:           scriptCondition,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"mint":       cmdMint,
			"stscalls":   cmdSTSCalls,
			"stsfault":   cmdSTSFault,
			"stslast":    cmdSTSLast,
			"nosecrets":  cmdNoSecrets,
			"parallel":   cmdParallel,
			"sdkprofile": cmdSDKProfile,
			"evalsh":     cmdEvalSh,
			"status":     cmdStatus,
			"stsissued":  cmdSTSIssued,
			"tlsissuer":  cmdTLSIssuer,
			"githubenv":  cmdGitHubEnv,
			// faults_test.go
			"waitfor":    cmdWaitFor,
			"stswait":    cmdSTSWait,
			"tlssts":     cmdTLSSTS,
			"rawsts":     cmdRawSTS,
			"cachefiles": cmdCacheFiles,
			"fulldisk":   cmdFullDisk,
			// ci_test.go
			"cireqs":  cmdCIReqs,
			"cilast":  cmdCILast,
			"cifault": cmdCIFault,
			// chain_test.go
			"stscallsfor":  cmdSTSCallsFor,
			"stsfaultfor":  cmdSTSFaultFor,
			"stsexpire":    cmdSTSExpire,
			"consolelogin": cmdConsoleLogin,
			"cacheage":     cmdCacheAge,
			"stswaitfor":   cmdSTSWaitFor,
			// awsfiles_test.go
			"fanout":    cmdFanout,
			"botocore":  cmdBotocore,
			"bindmount": cmdBindMount,
			"holdlock":  cmdHoldLock,
		},
	})
}

var (
	serversMu sync.Mutex
	servers   = map[*testscript.TestScript]*teststs.Server{}
	minted    = map[string][]string{} // by work dir
)

func setupScript(env *testscript.Env) error {
	opts := teststs.Options{
		Roles: []teststs.Role{
			{ARN: "arn:aws:iam::123456789012:role/deploy", SubPattern: "pulumi:deploy:org:acme:project:*", MaxSessionDuration: 12 * time.Hour},
			{ARN: "arn:aws:iam::123456789012:role/short", SubPattern: "*", MaxSessionDuration: time.Hour},
			{ARN: "arn:aws:iam::123456789012:role/esc", SubPattern: "pulumi:environments:org:acme:env:*", MaxSessionDuration: 12 * time.Hour},
			{ARN: "arn:minio:iam:::role/minio-like", SubPattern: "*", MaxSessionDuration: 12 * time.Hour},
			{ARN: "arn:aws:iam::123456789012:role/github", Audience: "sts.amazonaws.com", SubPattern: "repo:octo-org/app:*", MaxSessionDuration: 12 * time.Hour},
			{ARN: "arn:aws:iam::123456789012:role/azure", Audience: teststs.DefaultAzureAudience, SubPattern: "sc://octo-org/app/*", MaxSessionDuration: 12 * time.Hour},
			{ARN: "arn:aws:iam::123456789012:role/buildkite", Audience: "sts.amazonaws.com", SubPattern: "organization:acme:pipeline:deploy:*", MaxSessionDuration: 12 * time.Hour},
		},
		Audiences: []string{"sts.amazonaws.com", teststs.DefaultAzureAudience},
	}
	opts.Roles = append(opts.Roles, chainRoles...) // chain_test.go
	s, err := teststs.Start(opts)
	if err != nil {
		return err
	}
	env.Defer(s.Close)
	env.Values["sts"] = s
	env.Setenv("STS_URL", s.URL)
	env.Setenv("ISSUER", s.IssuerURL)
	env.Setenv("GITHUB_TOKEN_URL", s.GitHubTokenURL)
	env.Setenv("GITHUB_REQUEST_TOKEN", s.GitHubRequestToken)
	env.Setenv("AZURE_OIDC_URI", s.AzureOIDCRequestURI)
	env.Setenv("AZURE_ACCESS_TOKEN", s.AzureAccessToken)
	env.Setenv("AZURE_CONNECTION", teststs.DefaultAzureServiceConnectionID)
	env.Setenv("SIGNIN_URL", s.FederationURL)
	env.Setenv("HOME", env.WorkDir)
	env.Setenv("XDG_CACHE_HOME", filepath.Join(env.WorkDir, ".cache"))
	env.Setenv("AWS_CONFIG_FILE", filepath.Join(env.WorkDir, "aws-config"))
	env.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(env.WorkDir, "aws-credentials"))
	env.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	// Under -race every process sleeps 1 s at exit by default, in case
	// another goroutine's report is still coming; the scripts run hundreds.
	env.Setenv("GORACE", "atexit_sleep_ms=0")
	return nil
}

func server(ts *testscript.TestScript) *teststs.Server {
	return ts.Value("sts").(*teststs.Server)
}

// mint [-sub S] [-aud A] [-iss I] [-exp-in D] [-nbf-in D] [-no-claims] [-claim NAME=JSON]... FILE
// writes a signed token to FILE (relative to $WORK); with -env NAME instead
// of FILE, it sets the variable NAME to the token.
func cmdMint(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! mint")
	}
	claims := map[string]any{}
	var file, envName string
	for i := 0; i < len(args); i++ {
		a := args[i]
		next := func() string {
			i++
			if i >= len(args) {
				ts.Fatalf("mint: %s needs a value", a)
			}
			return args[i]
		}
		switch a {
		case "-sub":
			claims["sub"] = next()
		case "-aud":
			claims["aud"] = next()
		case "-iss":
			claims["iss"] = next()
		case "-exp-in":
			d, err := time.ParseDuration(next())
			ts.Check(err)
			claims["exp"] = time.Now().Add(d)
		case "-nbf-in":
			d, err := time.ParseDuration(next())
			ts.Check(err)
			claims["nbf"] = time.Now().Add(d)
		case "-env":
			envName = next()
		case "-no-claims":
			claims["sub"], claims["aud"], claims["iss"] = nil, nil, nil
		case "-claim": // NAME=JSON, e.g. -claim 'https://aws.amazon.com/tags={"principal_tags":{}}'
			name, value, ok := strings.Cut(next(), "=")
			var v any
			d := json.NewDecoder(strings.NewReader(value))
			d.UseNumber()
			if !ok || d.Decode(&v) != nil {
				ts.Fatalf("mint: -claim wants NAME=JSON")
			}
			claims[name] = v
		default:
			file = a
		}
	}
	if (file == "") == (envName == "") {
		ts.Fatalf("usage: mint [flags] FILE | mint [flags] -env NAME")
	}
	tok := server(ts).Mint(claims)
	serversMu.Lock()
	minted[ts.Getenv("WORK")] = append(minted[ts.Getenv("WORK")], tok)
	serversMu.Unlock()
	if envName != "" {
		ts.Setenv(envName, tok)
		return
	}
	ts.Check(os.WriteFile(ts.MkAbs(file), []byte(tok+"\n"), 0o600))
}

// stscalls N asserts how many AssumeRoleWithWebIdentity calls the test STS received.
func cmdSTSCalls(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: stscalls N")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := server(ts).Calls()
	if (got == want) == neg {
		ts.Fatalf("STS calls: got %d, want %s%d", got, map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// stsfault throttle=N server=N idp=N invalid=N garbage=N delay=D | reset
func cmdSTSFault(ts *testscript.TestScript, neg bool, args []string) {
	var faults []string
	for _, a := range args {
		if a == "reset" {
			rememberIssued(ts) // nosecrets keeps checking them
			server(ts).Reset()
			continue
		}
		faults = append(faults, a)
	}
	server(ts).Inject(parseFaults(ts, "stsfault", faults, "throttle", "server", "idp", "invalid", "garbage", "delay"))
}

// parseFaults reads NAME=VALUE arguments into teststs.Faults; a name not in
// allowed fails the script (cmd names the command for the message).
func parseFaults(ts *testscript.TestScript, cmd string, args []string, allowed ...string) teststs.Faults {
	var f teststs.Faults
	counts := map[string]*int{"throttle": &f.Throttle, "server": &f.ServerErrors, "idp": &f.IDPErrors,
		"invalid": &f.InvalidToken, "garbage": &f.Garbage, "unauthorized": &f.Unauthorized}
	for _, a := range args {
		k, v, _ := strings.Cut(a, "=")
		if !slices.Contains(allowed, k) {
			ts.Fatalf("%s: unknown fault %q (want one of %s)", cmd, k, strings.Join(allowed, ", "))
		}
		if k == "delay" {
			d, err := time.ParseDuration(v)
			ts.Check(err)
			f.Delay = d
			continue
		}
		n, err := strconv.Atoi(v)
		ts.Check(err)
		*counts[k] = n
	}
	return f
}

// stslast FIELD REGEXP checks the last request the test STS received:
// FIELD is session, duration, policy, policyarns, outcome or arn (the
// assumed-role ARN issued).
func cmdSTSLast(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: stslast FIELD REGEXP")
	}
	reqs := server(ts).Requests()
	if len(reqs) == 0 {
		ts.Fatalf("stslast: no request received")
	}
	r := reqs[len(reqs)-1]
	var got string
	switch args[0] {
	case "session":
		got = r.RoleSessionName
	case "duration":
		got = strconv.Itoa(r.DurationSeconds)
	case "policy":
		got = r.Policy
	case "policyarns":
		got = strings.Join(r.PolicyARNs, ",")
	case "outcome":
		got = r.Outcome
	case "arn":
		got = r.AssumedRoleARN
	default:
		ts.Fatalf("stslast: unknown field %q", args[0])
	}
	ok := regexp.MustCompile(args[1]).MatchString(got)
	if ok == neg {
		ts.Fatalf("stslast %s: %q does not match %q (neg=%v)", args[0], got, args[1], neg)
	}
}

// nosecrets asserts that stderr of the last command holds no token, no
// token signature and no secret access key or session token that any
// command printed so far on stdout. "nosecrets stdout" checks stdout instead
// (for commands that must never print a secret there either).
func cmdNoSecrets(ts *testscript.TestScript, neg bool, args []string) {
	name := "stderr"
	if len(args) == 1 {
		name = args[0]
	}
	stderr := ts.ReadFile(name)
	serversMu.Lock()
	toks := append([]string(nil), minted[ts.Getenv("WORK")]...)
	serversMu.Unlock()
	for _, tok := range toks {
		if strings.Contains(stderr, tok) {
			ts.Fatalf("stderr contains a token")
		}
		if sig := tok[strings.LastIndexByte(tok, '.')+1:]; strings.Contains(stderr, sig) {
			ts.Fatalf("stderr contains a token signature")
		}
		if payload := strings.Split(tok, ".")[1]; strings.Contains(stderr, payload) {
			ts.Fatalf("stderr contains a token payload")
		}
	}
	for _, r := range server(ts).Requests() {
		for _, s := range []string{r.SecretAccessKey, r.SessionToken} {
			if s != "" && strings.Contains(stderr, s) {
				ts.Fatalf("stderr contains an issued secret")
			}
		}
	}
	for _, s := range issuedBefore(ts) {
		if strings.Contains(stderr, s) {
			ts.Fatalf("stderr contains a secret issued before the last stsfault reset")
		}
	}
	for _, s := range ciSecrets(ts) {
		if s != "" && strings.Contains(stderr, s) {
			ts.Fatalf("stderr contains a CI request token or a token a CI platform issued")
		}
	}
	noSignin(ts, name, stderr) // chain_test.go
}

// parallel N PREFIX PROGRAM ARGS... runs N copies at once; each must succeed,
// and all must print the same stdout, which is written to PREFIX.out.
func cmdParallel(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 3 {
		ts.Fatalf("usage: parallel N PREFIX PROGRAM ARGS...")
	}
	n, err := strconv.Atoi(args[0])
	ts.Check(err)
	prog, err := lookPath(ts, args[2])
	ts.Check(err)
	outs := make([][]byte, n)
	errs := make([]error, n)
	stderrs := make([]bytes.Buffer, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(prog, args[3:]...)
			cmd.Dir = ts.Getenv("WORK")
			cmd.Env = scriptEnv(ts)
			cmd.Stderr = &stderrs[i]
			outs[i], errs[i] = cmd.Output()
		}()
	}
	wg.Wait()
	var all strings.Builder
	for i := range n {
		all.Write(stderrs[i].Bytes())
		if errs[i] != nil {
			ts.Fatalf("run %d failed: %v\n%s", i, errs[i], stderrs[i].String())
		}
		if !bytes.Equal(outs[i], outs[0]) {
			ts.Fatalf("run %d printed other credentials than run 0", i)
		}
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]+".out"), outs[0], 0o600))
	ts.Check(os.WriteFile(ts.MkAbs(args[1]+".err"), []byte(all.String()), 0o600))
}

func scriptEnv(ts *testscript.TestScript) []string {
	// testscript does not expose its whole environment: pass on the
	// variables the scripts use.
	var env []string
	for _, k := range []string{"PATH", "HOME", "XDG_CACHE_HOME", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
		"AWS_EC2_METADATA_DISABLED", "STS_URL", "ISSUER", "PULUMI_OIDC_TOKEN", "OIDC_CREDS_TOKEN_FILE",
		"OIDC_CREDS_ROLE_ARN", "OIDC_CREDS_CACHE_DIR", "OIDC_CREDS_ENDPOINT_URL", "AWS_REGION", "TMPDIR",
		"GITHUB_ACTIONS", "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "TF_BUILD", "SYSTEM_OIDCREQUESTURI",
		"SYSTEM_ACCESSTOKEN", "OIDC_CREDS_AZURE_SERVICE_CONNECTION", "BUILDKITE"} {
		if v := ts.Getenv(k); v != "" {
			env = append(env, k+"="+v)
		}
	}
	return env
}

func lookPath(ts *testscript.TestScript, name string) (string, error) {
	for _, dir := range filepath.SplitList(ts.Getenv("PATH")) {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found on the script's PATH", name)
}

// sdkprofile PROFILE resolves the profile's credentials with
// aws-sdk-go-v2's config.LoadDefaultConfig, as any Go program would, and
// prints them as JSON on stdout.
func cmdSDKProfile(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: sdkprofile PROFILE")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithSharedConfigFiles([]string{ts.Getenv("AWS_CONFIG_FILE")}),
		config.WithSharedCredentialsFiles([]string{ts.Getenv("AWS_SHARED_CREDENTIALS_FILE")}),
		config.WithSharedConfigProfile(args[0]),
		config.WithRegion("us-east-1"),
	)
	ts.Check(err)
	creds, err := cfg.Credentials.Retrieve(ctx)
	if (err != nil) != neg {
		ts.Fatalf("retrieve: %v", err)
	}
	if err != nil {
		fmt.Fprintln(ts.Stderr(), err)
		return
	}
	out, _ := json.Marshal(map[string]any{
		"AccessKeyId": creds.AccessKeyID, "SecretAccessKey": creds.SecretAccessKey,
		"SessionToken": creds.SessionToken, "Expiration": creds.Expires.UTC().Format(time.RFC3339),
		"AccountId": creds.AccountID, "CanExpire": creds.CanExpire, "Source": creds.Source,
	})
	fmt.Fprintln(ts.Stdout(), string(out))
}

// evalsh SHELL FILE evaluates FILE (env output) in SHELL and checks that
// the variables it sets equal, byte for byte, the ones in the process
// JSON of the same credentials in FILE.json.
func cmdEvalSh(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: evalsh SHELL FILE")
	}
	sh, err := exec.LookPath(args[0])
	if err != nil {
		ts.Logf("%s not installed: skipped", args[0])
		return
	}
	script := `eval "$(cat "$1")"; for v in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION; do eval "printf '%s\0' \"\$$v\""; done`
	out, err := exec.Command(sh, "-c", script, "sh", ts.MkAbs(args[1])).Output()
	ts.Check(err)
	var want struct{ AccessKeyId, SecretAccessKey, SessionToken, Expiration string }
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[1]+".json")), &want))
	got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	exp := []string{want.AccessKeyId, want.SecretAccessKey, want.SessionToken, want.Expiration}
	if len(got) != 4 || strings.Join(got, "|") != strings.Join(exp, "|") {
		ts.Fatalf("%s set %q, want %q", args[0], got, exp)
	}
}

// status N PROGRAM ARGS... runs PROGRAM like exec and asserts its exit status.
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 || neg {
		ts.Fatalf("usage: status N PROGRAM ARGS...")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	if ee, ok := err.(*exec.ExitError); ok {
		got = ee.ExitCode()
	} else if err != nil {
		ts.Fatalf("%s: %v", args[1], err)
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d\nstderr: %s", args[1], got, want, ts.ReadFile("stderr"))
	}
}

// stsissued FILE asserts that FILE (stdout, or a file) holds JSON with
// exactly the credentials of the test STS's last successful answer.
func cmdSTSIssued(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		ts.Fatalf("usage: stsissued FILE")
	}
	var got struct{ AccessKeyId, SecretAccessKey, SessionToken string }
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &got))
	reqs := server(ts).Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		r := reqs[i]
		if r.Outcome != "ok" {
			continue
		}
		if got.AccessKeyId != r.AccessKeyID || got.SecretAccessKey != r.SecretAccessKey || got.SessionToken != r.SessionToken {
			ts.Fatalf("%s holds other credentials than STS issued last (access key %s, want %s)", args[0], got.AccessKeyId, r.AccessKeyID)
		}
		return
	}
	ts.Fatalf("the test STS issued no credentials")
}
