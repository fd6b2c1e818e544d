package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// When TESTSTS_RUN_MAIN is set the test binary is the teststs command.
func TestMain(m *testing.M) {
	if os.Getenv("TESTSTS_RUN_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// runCmd runs a one-shot command in process.
func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func assume(t *testing.T, url, roleARN, token string) error {
	t.Helper()
	c := sts.New(sts.Options{Region: "us-east-1", BaseEndpoint: aws.String(url), Credentials: aws.AnonymousCredentials{}, Retryer: aws.NopRetryer{}})
	_, err := c.AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
		RoleArn:          aws.String(roleARN),
		RoleSessionName:  aws.String("cmd-test"),
		WebIdentityToken: aws.String(token),
	})
	return err
}

func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	if err != nil {
		return err.Error()
	}
	return "ok"
}

func TestServeState(t *testing.T) {
	sv := startServe(t, "--audience", "org", "--role", "arn:aws:iam::111122223333:role/ci=pulumi:deploy:org:org:project:web:*",
		"--role", "arn:aws:iam::111122223333:role/any", "--max-session", "2h", "--credential-ttl", "90s", "-v")
	st := sv.st
	if line := sv.stdout.String(); !strings.HasSuffix(line, "\n") || strings.Count(line, "\n") != 1 {
		t.Errorf("stdout %q: want one line", line)
	}
	var printed State
	if err := json.Unmarshal([]byte(sv.stdout.String()), &printed); err != nil || printed.URL != st.URL {
		t.Errorf("stdout %q, state %+v: %v", sv.stdout.String(), st, err)
	}
	if !strings.HasPrefix(st.URL, "http://127.0.0.1:") || st.Issuer != st.URL+"/oidc" || st.PID != os.Getpid() ||
		st.Audience != "org" || len(st.Roles) != 2 {
		t.Errorf("state %+v", st)
	}
	_, tok, _ := runCmd(t, "mint", "--url", st.URL, "--sub", "pulumi:deploy:org:org:project:web:stack:dev")
	if err := assume(t, st.URL, "arn:aws:iam::111122223333:role/ci", strings.TrimSpace(tok)); err != nil {
		t.Errorf("assume with a minted token: %v", err)
	}
	sv.waitLog(t, "-> ok ASIA")
	sv.stop()
	if _, err := os.Stat(sv.stateFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("state file left behind: %v", err)
	}
	if log := sv.stderr.String(); !strings.Contains(log, "AssumeRoleWithWebIdentity role=arn:aws:iam::111122223333:role/ci") {
		t.Errorf("verbose log:\n%s", log)
	}
}

func TestMintCommand(t *testing.T) {
	sv := startServe(t, "--audience", "org", "--role", "arn:aws:iam::111122223333:role/ci=pulumi:deploy:org:org:project:web:*",
		"--role", "arn:aws:iam::111122223333:role/any")
	defer sv.stop()
	for _, tc := range []struct {
		args []string
		role string
		want string
	}{
		{[]string{"--sub", "pulumi:deploy:org:org:project:web:stack:dev", "--claim", "custom=[1,2]"}, "arn:aws:iam::111122223333:role/ci", "ok"},
		{[]string{"--sub", "pulumi:deploy:org:org:project:api:stack:dev"}, "arn:aws:iam::111122223333:role/ci", "AccessDenied"},
		{[]string{"--sub", "anything"}, "arn:aws:iam::111122223333:role/any", "ok"},
		{[]string{"--exp-in", "-1m"}, "arn:aws:iam::111122223333:role/any", "ExpiredTokenException"},
		{[]string{"--nbf-in", "10m"}, "arn:aws:iam::111122223333:role/any", "InvalidIdentityToken"},
		{[]string{"--aud", "other"}, "arn:aws:iam::111122223333:role/any", "InvalidIdentityToken"},
		{[]string{"--iss", "https://api.pulumi.com/oidc"}, "arn:aws:iam::111122223333:role/any", "InvalidIdentityToken"},
		{[]string{"--claim", "exp=null"}, "arn:aws:iam::111122223333:role/any", "InvalidIdentityToken"},
		{[]string{"--foreign"}, "arn:aws:iam::111122223333:role/any", "InvalidIdentityToken"},
	} {
		code, tok, errOut := runCmd(t, append([]string{"mint", "--url", sv.st.URL}, tc.args...)...)
		if code != 0 {
			t.Fatalf("mint %v: %d %s", tc.args, code, errOut)
		}
		if got := errorCode(assume(t, sv.st.URL, tc.role, strings.TrimSpace(tok))); got != tc.want {
			t.Errorf("mint %v: %s, want %s", tc.args, got, tc.want)
		}
	}
	if code, out, _ := runCmd(t, "calls", "--url", sv.st.URL); code != 0 || out != "9\n" {
		t.Errorf("calls: %d %q", code, out)
	}
}

func TestControlCommands(t *testing.T) {
	sv := startServe(t)
	defer sv.stop()
	_, tok, _ := runCmd(t, "mint", "--url", sv.st.URL)
	tok = strings.TrimSpace(tok)
	if err := assume(t, sv.st.URL, "arn:aws:iam::123456789012:role/deploy", tok); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCmd(t, "faults", "--url", sv.st.URL, "--throttle", "1", "--delay", "1ms")
	if code != 0 || !strings.Contains(out, `"throttle": 1`) || !strings.Contains(out, `"delay": "1ms"`) {
		t.Errorf("faults: %d %s %s", code, out, errOut)
	}
	if got := errorCode(assume(t, sv.st.URL, "arn:aws:iam::123456789012:role/deploy", tok)); got != "Throttling" {
		t.Errorf("after faults: %s", got)
	}
	t.Setenv("TESTSTS_URL", sv.st.URL)
	code, out, _ = runCmd(t, "calls", "--json")
	var rep struct {
		Calls    int
		Requests []struct{ Outcome, AccessKeyID string }
	}
	if err := json.Unmarshal([]byte(out), &rep); code != 0 || err != nil || rep.Calls != 2 || rep.Requests[0].Outcome != "ok" {
		t.Errorf("calls --json: %d %s %v", code, out, err)
	}
	if code, _, errOut := runCmd(t, "reset"); code != 0 {
		t.Errorf("reset: %s", errOut)
	}
	if code, out, _ := runCmd(t, "calls"); code != 0 || out != "0\n" {
		t.Errorf("calls after reset: %q", out)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Setenv("TESTSTS_URL", "")
	for _, args := range [][]string{
		nil,
		{"bogus"},
		{"mint"},
		{"calls"},
		{"reset", "extra"},
		{"mint", "--url", "http://127.0.0.1:1", "--claim", "novalue"},
		{"serve", "--bogus"},
	} {
		if code, _, errOut := runCmd(t, args...); code != 2 || errOut == "" {
			t.Errorf("%q: exit %d, stderr %q; want 2 and a message", args, code, errOut)
		}
	}
	if code, _, errOut := runCmd(t, "calls", "--url", "http://127.0.0.1:1"); code != 1 || !strings.Contains(errOut, "teststs calls:") {
		t.Errorf("unreachable server: %d %q", code, errOut)
	}
	if code, _, errOut := runCmd(t, "serve", "--role", "arn:aws:iam::1:role/x", "--role", "arn:aws:iam::1:role/x"); code != 1 || errOut == "" {
		t.Errorf("duplicate role: %d %q", code, errOut)
	}
	if code, out, _ := runCmd(t, "help"); code != 0 || !strings.Contains(out, "teststs serve") {
		t.Errorf("help: %d %q", code, out)
	}
}

// TestSignal runs the command as a process and stops it with SIGTERM.
func TestSignal(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM on Windows")
	}
	stateFile := filepath.Join(t.TempDir(), "state.json")
	cmd := exec.Command(os.Args[0], "serve", "--state-file", stateFile)
	cmd.Env = append(os.Environ(), "TESTSTS_RUN_MAIN=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		t.Fatalf("reading the start-up line: %v; stderr: %s", err, stderr.String())
	}
	var st State
	if err := json.Unmarshal([]byte(line), &st); err != nil || st.PID != cmd.Process.Pid {
		t.Errorf("start-up line %q: %v", line, err)
	}
	if _, err := os.Stat(stateFile); err != nil {
		t.Errorf("state file: %v", err)
	}
	if code, tok, _ := runCmd(t, "mint", "--url", st.URL); code != 0 || assume(t, st.URL, "arn:aws:iam::123456789012:role/deploy", strings.TrimSpace(tok)) != nil {
		t.Error("the default role does not work")
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit: %v; stderr: %s", err, stderr.String())
	}
	if _, err := os.Stat(stateFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("state file left behind: %v", err)
	}
}
