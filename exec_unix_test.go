//go:build unix

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"

	"github.com/oidc-creds/oidc-creds/internal/testkit"
	"github.com/oidc-creds/oidc-creds/internal/teststs"
)

// These tests run the oidc-creds binary that TestMain puts on PATH, as a
// separate process, against a test STS.

// oidcCredsCmd returns a command running oidc-creds with args, in an
// environment of its own: a fresh token, cache and AWS configuration.
func oidcCredsCmd(t *testing.T, s *teststs.Server, args ...string) *exec.Cmd {
	t.Helper()
	bin, err := exec.LookPath("oidc-creds")
	if err != nil {
		t.Fatalf("oidc-creds is not on PATH (TestMain puts it there): %v", err)
	}
	dir := t.TempDir()
	token := filepath.Join(dir, "token")
	if err := os.WriteFile(token, []byte(s.Mint(nil)), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"TMPDIR=" + os.TempDir(),
		"XDG_CACHE_HOME=" + filepath.Join(dir, "cache"),
		"AWS_CONFIG_FILE=" + filepath.Join(dir, "aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "aws-credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_REGION=us-east-1",
		"OIDC_CREDS_TOKEN_FILE=" + token,
		"OIDC_CREDS_ENDPOINT_URL=" + s.URL,
		"OIDC_CREDS_ROLE_ARN=" + teststs.DefaultRoleARN,
	}
	return cmd
}

// issued reports whether the test STS issued credentials with this access key ID.
func issued(s *teststs.Server, accessKeyID string) bool {
	for _, r := range s.Requests() {
		if r.Outcome == "ok" && r.AccessKeyID == accessKeyID {
			return true
		}
	}
	return false
}

// checkNoSecrets fails if text holds a secret the test STS issued.
func checkNoSecrets(t *testing.T, s *teststs.Server, what, text string) {
	t.Helper()
	var secrets []string
	for _, r := range s.Requests() {
		secrets = append(secrets, r.SecretAccessKey, r.SessionToken)
	}
	testkit.NoLeak(t, what, text, "", secrets...)
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	t.Fatalf("run: %v", err)
	return -1
}

// sdkHelperEnv makes TestSDKHelper act: the test binary, run by
// oidc-creds exec --refresh, is the long job.
const sdkHelperEnv = "OIDC_CREDS_TEST_SDK_HELPER"

// TestSDKHelper is not a test: run as a child of oidc-creds exec --refresh,
// it resolves credentials with aws-sdk-go-v2's config.LoadDefaultConfig, as
// any Go program would, waits until the first ones have lapsed (they were
// issued before it started and live helperTTL) and resolves them again
// through the same aws.Config; it prints one SDKCREDS line of JSON each
// time.
func TestSDKHelper(t *testing.T) {
	if os.Getenv(sdkHelperEnv) != "1" {
		t.Skip("runs only as the child of TestExecRefreshKeepsALongJobSupplied")
	}
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if i == 1 {
			time.Sleep(time.Until(start.Add(helperTTL + 100*time.Millisecond)))
		}
		c, err := cfg.Credentials.Retrieve(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := json.Marshal(sdkResult{AccessKeyId: c.AccessKeyID, Source: c.Source, CanExpire: c.CanExpire, Retrieved: time.Now()})
		fmt.Printf("SDKCREDS %s\n", out)
	}
}

// helperTTL is how long the test STS's credentials live in
// TestExecRefreshKeepsALongJobSupplied.
const helperTTL = 2 * time.Second

type sdkResult struct {
	AccessKeyId string
	Source      string
	CanExpire   bool
	Retrieved   time.Time
}

// TestExecRefreshKeepsALongJobSupplied runs a Go program using the AWS SDK
// under exec --refresh with credentials that lapse after 2s: after the lapse
// the SDK gets new credentials from the endpoint, and each time they were
// still valid when the SDK got them.
func TestExecRefreshKeepsALongJobSupplied(t *testing.T) {
	t.Parallel()
	s := teststs.NewForTest(t, teststs.Options{CredentialTTL: helperTTL})
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := oidcCredsCmd(t, s, "exec", "--refresh", "--", self, "-test.run=^TestSDKHelper$", "-test.count=1")
	cmd.Env = append(cmd.Env, sdkHelperEnv+"=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("exec --refresh: %v\nstdout:\n%s\nstderr:\n%s", err, out, stderr.String())
	}
	var got []sdkResult
	for _, line := range strings.Split(string(out), "\n") {
		if rest, ok := strings.CutPrefix(line, "SDKCREDS "); ok {
			var r sdkResult
			if err := json.Unmarshal([]byte(rest), &r); err != nil {
				t.Fatal(err)
			}
			got = append(got, r)
		}
	}
	if len(got) != 2 {
		t.Fatalf("want 2 SDKCREDS lines, got:\n%s\nstderr:\n%s", out, stderr.String())
	}
	issuedAt := map[string]time.Time{}
	for _, r := range s.Requests() {
		if r.Outcome == "ok" {
			issuedAt[r.AccessKeyID] = r.Time
		}
	}
	for i, r := range got {
		at, ok := issuedAt[r.AccessKeyId]
		if r.Source != endpointcreds.ProviderName || !r.CanExpire || !ok {
			t.Errorf("retrieval %d: %+v; want credentials the STS issued, from %s", i, r, endpointcreds.ProviderName)
			continue
		}
		if !r.Retrieved.Before(at.Add(helperTTL)) {
			t.Errorf("retrieval %d: got %s at %s, after it lapsed (issued %s, valid %s)", i, r.AccessKeyId, r.Retrieved, at, helperTTL)
		}
	}
	if got[0].AccessKeyId == got[1].AccessKeyId {
		t.Errorf("the SDK got %s before and after the lapse: not renewed", got[0].AccessKeyId)
	}
	checkNoSecrets(t, s, "stderr", stderr.String())
}

// TestServe runs serve, reads the two variables it prints, and checks what
// the endpoint answers: the SDK's provider, refusals, renewal after the
// credentials lapse, and exit status 0 on SIGTERM.
func TestServe(t *testing.T) {
	t.Parallel()
	s := teststs.NewForTest(t, teststs.Options{CredentialTTL: 2 * time.Second})
	cmd := oidcCredsCmd(t, s, "serve")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	vars := map[string]string{}
	sc := bufio.NewScanner(stdout)
	for len(vars) < 2 && sc.Scan() {
		name, value, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "=")
		if !ok || !strings.HasPrefix(value, "'") || !strings.HasSuffix(value, "'") {
			t.Fatalf("serve printed %q", sc.Text())
		}
		vars[name] = strings.Trim(value, "'")
	}
	uri, auth := vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"], vars["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
	if !strings.HasPrefix(uri, "http://127.0.0.1:") || auth == "" {
		t.Fatalf("serve printed %v; stderr:\n%s", vars, stderr.String())
	}

	ctx := context.Background()
	p := endpointcreds.New(uri, func(o *endpointcreds.Options) { o.AuthorizationToken = auth })
	first, err := p.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !issued(s, first.AccessKeyID) || !first.Expires.After(time.Now()) {
		t.Fatalf("first credentials: %s expiring %s", first.AccessKeyID, first.Expires)
	}

	for _, tc := range []struct {
		method, auth string
		status       int
	}{
		{"GET", "", 401},
		{"GET", "wrong", 403},
		{"GET", auth + "x", 403},
		{"POST", "", 401},
		{"POST", auth, 405},
	} {
		req, _ := http.NewRequest(tc.method, uri, nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s with Authorization %q: %d %s, want %d", tc.method, tc.auth, resp.StatusCode, body, tc.status)
		}
		if strings.Contains(string(body), first.AccessKeyID) || strings.Contains(string(body), first.SecretAccessKey) {
			t.Errorf("%s with Authorization %q: the refusal holds the credentials", tc.method, tc.auth)
		}
	}

	for !time.Now().After(first.Expires) {
		time.Sleep(20 * time.Millisecond)
	}
	second, err := p.Retrieve(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if second.AccessKeyID == first.AccessKeyID || !issued(s, second.AccessKeyID) || !second.Expires.After(time.Now()) {
		t.Fatalf("after the lapse: %s expiring %s (first %s)", second.AccessKeyID, second.Expires, first.AccessKeyID)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := exitCode(t, cmd.Wait()); code != 0 {
		t.Fatalf("serve exited with %d on SIGTERM, want 0; stderr:\n%s", code, stderr.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("serve wrote on stderr without -v:\n%s", stderr.String())
	}
	if strings.Contains(stderr.String(), auth) {
		t.Error("stderr holds the authorization value")
	}
}

// TestExecForwardsSignals sends signals to oidc-creds exec and checks that
// the command receives them and oidc-creds exits with the command's status
// (128+N when signal N killed it), leaving no process behind.
func TestExecForwardsSignals(t *testing.T) {
	t.Parallel()
	s := teststs.NewForTest(t, teststs.Options{})
	for _, tc := range []struct {
		sig    syscall.Signal
		script string
		want   int
		stdout string
	}{
		{syscall.SIGTERM, `echo $$; exec sleep 30`, 143, ""},
		{syscall.SIGINT, `echo $$; exec sleep 30`, 130, ""},
		{syscall.SIGHUP, `trap 'echo trapped; exit 3' HUP; echo $$; while :; do sleep 0.05; done`, 3, "trapped\n"},
	} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			t.Parallel()
			if signal.Ignored(tc.sig) {
				t.Skipf("%v is ignored in this test process, so oidc-creds leaves it ignored for the command", tc.sig)
			}
			cmd := oidcCredsCmd(t, s, "exec", "--", "sh", "-c", tc.script)
			// A session of its own: no controlling terminal, so oidc-creds
			// forwards SIGINT too.
			cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			r := bufio.NewReader(stdout)
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("reading the command's pid: %v; stderr:\n%s", err, stderr.String())
			}
			pid, err := strconv.Atoi(strings.TrimSpace(line))
			if err != nil {
				t.Fatal(err)
			}
			// The command runs, so oidc-creds already handles the signals.
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			rest, _ := io.ReadAll(r)
			code := exitCode(t, cmd.Wait())
			if code != tc.want {
				t.Errorf("exit status %d after %v, want %d; stderr:\n%s", code, tc.sig, tc.want, stderr.String())
			}
			if string(rest) != tc.stdout {
				t.Errorf("the command printed %q, want %q", rest, tc.stdout)
			}
			if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
				syscall.Kill(pid, syscall.SIGKILL)
				t.Errorf("the command (pid %d) is still there after oidc-creds exited: %v", pid, err)
			}
			if stderr.Len() != 0 {
				t.Errorf("stderr:\n%s", stderr.String())
			}
		})
	}
}

// TestExecGivesTheCommandItsOwnStderr checks that the command inherits
// oidc-creds' standard error as it is, not a pipe that oidc-creds copies:
// a terminal stays a terminal for it, and a background process it leaves
// behind does not keep oidc-creds waiting for the pipe to close.
func TestExecGivesTheCommandItsOwnStderr(t *testing.T) {
	t.Parallel()
	s := teststs.NewForTest(t, teststs.Options{})
	for _, refresh := range []bool{false, true} {
		args := []string{"exec", "--", "sh", "-c", `if [ -p /dev/stderr ]; then echo pipe >&2; exit 9; fi; echo ok >&2`}
		if refresh {
			args = append([]string{"exec", "--refresh"}, args[1:]...)
		}
		cmd := oidcCredsCmd(t, s, args...)
		f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = f
		err = cmd.Run()
		f.Close()
		got, _ := os.ReadFile(f.Name())
		if code := exitCode(t, err); code != 0 || string(got) != "ok\n" {
			t.Errorf("%v: exit status %d, stderr %q; want 0 and \"ok\\n\"", args, code, got)
		}
	}
}

// TestServeStoppedBeforeServing sends SIGTERM to serve while its first
// exchange is under way: it must not go on to print the variables of an
// endpoint it then closes and exit 0 as if it had served.
func TestServeStoppedBeforeServing(t *testing.T) {
	t.Parallel()
	s := teststs.NewForTest(t, teststs.Options{})
	s.Inject(teststs.Faults{Delay: 3 * time.Second})
	cmd := oidcCredsCmd(t, s, "serve")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	time.Sleep(500 * time.Millisecond) // serve is waiting for STS
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("serve took %v to stop", took)
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ProcessState.Sys().(syscall.WaitStatus).Signal() != syscall.SIGTERM {
		t.Errorf("serve ended with %v, want to be killed by SIGTERM; stderr:\n%s", err, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("serve printed %q", stdout.String())
	}
}
