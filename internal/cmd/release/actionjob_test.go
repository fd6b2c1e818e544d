package main

// The job the action's tests run in: a host-only release served on
// loopback for the install step, the test STS and its GitHub token
// endpoint for the exchange step, and a later step that resolves
// credentials with aws-sdk-go-v2 as any program of the job would.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/oidc-creds/oidc-creds/internal/teststs"
)

// hostReleaseDir builds, once, the release of this machine's target only
// (the action installs nothing else here), with a fixed commit and time
// so that git is not needed.
var hostRel struct {
	once sync.Once
	dir  string
	err  error
}

func hostReleaseDir(t *testing.T) string {
	t.Helper()
	needScripts(t, "curl", "sh")
	target := hostTarget(t)
	root := repoRoot(t)
	hostRel.once.Do(func() {
		dir := filepath.Join(tmpRoot, "action-release")
		took, err := release(root, dir, "OIDC_CREDS_TARGETS="+target, "OIDC_CREDS_COMMIT=actiontest", "SOURCE_DATE_EPOCH=1700000000")
		hostRel.dir, hostRel.err = dir, err
		t.Logf("release.sh for %s only: %v", target, took)
	})
	if hostRel.err != nil {
		t.Fatal(hostRel.err)
	}
	return hostRel.dir
}

// The roles of the action's tests: GitHub's jobs of octo-org/app assume
// github (audience sts.amazonaws.com) or github-aud (audience octo-aud);
// github's sessions assume deploy in 222222222222, whose sessions assume
// app in 333333333333.
var actionRoles = []teststs.Role{
	{ARN: "arn:aws:iam::123456789012:role/github", Audience: "sts.amazonaws.com", SubPattern: "repo:octo-org/app:*", MaxSessionDuration: 12 * time.Hour},
	{ARN: "arn:aws:iam::123456789012:role/github-aud", Audience: "octo-aud", SubPattern: "repo:octo-org/app:*", MaxSessionDuration: 12 * time.Hour},
	{ARN: "arn:aws:iam::222222222222:role/deploy", TrustedRoles: []string{"arn:aws:iam::123456789012:role/github"}, NoWebIdentity: true},
	{ARN: "arn:aws:iam::333333333333:role/app", TrustedRoles: []string{"arn:aws:iam::222222222222:role/deploy"}, NoWebIdentity: true},
}

// actionTools are the commands the job's PATH holds: what action.sh and
// install.sh run, and nothing named oidc-creds.
var actionTools = append([]string{"bash", "sh", "dirname", "basename", "curl"}, installTools...)

// testJob is a job on a stand-in runner, with its directories.
type testJob struct {
	*actionJob
	sts                   *teststs.Server
	rel                   *releaseServer
	home, workspace, temp string
	actionPath            string // GITHUB_ACTION_PATH
}

// newTestJob sets up a job whose steps reach a host-only release and a
// fresh test STS. The action is at _actions/oidc-creds/oidc-creds/DIRREF,
// as the runner unpacks it: the repository's action.yml and scripts, and a
// VERSION file naming the test release (setVersionFile changes it); ref is
// github.action_ref. drop lists variables of the job's environment to leave
// out.
func newTestJob(t *testing.T, dirRef, ref string, drop ...string) *testJob {
	t.Helper()
	rel := serveRelease(t, hostReleaseDir(t))
	sts, err := teststs.Start(teststs.Options{Roles: actionRoles, Audiences: []string{"sts.amazonaws.com", "octo-aud"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sts.Close)
	work := t.TempDir()
	j := &testJob{sts: sts, rel: rel, home: filepath.Join(work, "home"), workspace: filepath.Join(work, "workspace"), temp: filepath.Join(work, "runner-temp")}
	tools := filepath.Join(work, "tools")
	for _, d := range []string{j.home, j.workspace, j.temp, tools} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	for _, tool := range actionTools {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Skipf("%s is not installed", tool)
		}
		link(t, tools, tool, p)
	}
	actionPath := filepath.Join(work, "_actions", "oidc-creds", "oidc-creds", dirRef)
	if err := os.MkdirAll(actionPath, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"action.yml", "scripts"} {
		link(t, actionPath, f, filepath.Join(repoRoot(t), f))
	}
	j.actionPath = actionPath
	base := []string{
		"PATH=" + tools, "HOME=" + j.home, "RUNNER_TEMP=" + j.temp, "GITHUB_WORKSPACE=" + j.workspace,
		"GITHUB_ACTIONS=true", "CI=true", "GITHUB_ACTION_PATH=" + actionPath,
		"OIDC_CREDS_BASE_URL=" + rel.URL + "/releases/download",
		"ACTIONS_ID_TOKEN_REQUEST_URL=" + sts.GitHubTokenURL, "ACTIONS_ID_TOKEN_REQUEST_TOKEN=" + sts.GitHubRequestToken,
		"AWS_ENDPOINT_URL_STS=" + sts.URL, "AWS_EC2_METADATA_DISABLED=true",
	}
	base = slices.DeleteFunc(base, func(kv string) bool {
		for _, d := range drop {
			if strings.HasPrefix(kv, d+"=") {
				return true
			}
		}
		return false
	})
	j.actionJob = &actionJob{t: t, meta: readAction(t, repoRoot(t)), actionRef: ref, base: base,
		outputs: map[string]map[string]string{}, temp: j.temp}
	j.setVersionFile(testVersion + "\n")
	return j
}

// setVersionFile writes the action's VERSION file, or removes it when
// data is "".
func (j *testJob) setVersionFile(data string) {
	j.t.Helper()
	p := filepath.Join(j.actionPath, "VERSION")
	if data == "" {
		if err := os.Remove(p); err != nil {
			j.t.Fatal(err)
		}
		return
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		j.t.Fatal(err)
	}
}

// issued is the last credentials the test STS issued (of action, or of
// either action when action is "").
func (j *testJob) issued(action string) teststs.Request {
	j.t.Helper()
	reqs := j.sts.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Outcome == "ok" && (action == "" || reqs[i].Action == action) {
			return reqs[i]
		}
	}
	j.t.Fatal("the test STS issued no credentials")
	return teststs.Request{}
}

// secrets are every secret of the job: the request token, the tokens the
// GitHub endpoint issued, and the credentials STS issued.
func (j *testJob) secrets() []string {
	s := []string{j.sts.GitHubRequestToken}
	for _, r := range j.sts.TokenRequests() {
		if r.Token != "" {
			s = append(s, r.Token, r.Token[strings.LastIndexByte(r.Token, '.')+1:])
		}
	}
	for _, r := range j.sts.Requests() {
		s = append(s, r.SecretAccessKey, r.SessionToken)
	}
	return slices.DeleteFunc(s, func(v string) bool { return v == "" })
}

// noSecret fails when text, named what, holds a secret of the job.
func (j *testJob) noSecret(what, text string) {
	j.t.Helper()
	for _, s := range j.secrets() {
		if strings.Contains(text, s) {
			j.t.Errorf("%s holds a secret", what)
			return
		}
	}
}

// laterStepVar makes the test binary a later step of the job (TestMain).
const laterStepVar = "OIDC_CREDS_TEST_LATER_STEP"

// laterStep is a program a later step runs: it resolves credentials with
// aws-sdk-go-v2's defaults from its environment, as any Go program would,
// and prints them as JSON.
func laterStep() int {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err == nil {
		var c struct{ AccessKeyId, SecretAccessKey, SessionToken, Source string }
		creds, err := cfg.Credentials.Retrieve(ctx)
		if err == nil {
			c.AccessKeyId, c.SecretAccessKey, c.SessionToken, c.Source = creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken, creds.Source
			err = json.NewEncoder(os.Stdout).Encode(c)
		}
		if err == nil {
			return 0
		}
	}
	fmt.Fprintln(os.Stderr, err)
	return 1
}

// runLaterStep runs laterStep as a later step of the job and checks that
// it resolves the credentials want.
func (j *testJob) runLaterStep(want teststs.Request) (source string) {
	j.t.Helper()
	exe, err := os.Executable()
	if err != nil {
		j.t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env, cmd.Dir = append(j.env(nil), laterStepVar+"=1"), j.workspace
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		j.t.Fatalf("a later step's SDK: %v\n%s", err, stderr.String())
	}
	var got struct{ AccessKeyId, SecretAccessKey, SessionToken, Source string }
	if err := json.Unmarshal(out, &got); err != nil {
		j.t.Fatal(err)
	}
	if got.AccessKeyId != want.AccessKeyID || got.SecretAccessKey != want.SecretAccessKey || got.SessionToken != want.SessionToken {
		j.t.Errorf("a later step's SDK resolved access key %s, not the %s STS issued", got.AccessKeyId, want.AccessKeyID)
	}
	j.noSecret("a later step's stderr", stderr.String())
	return got.Source
}

// planted lists the files named pwned* anywhere in the job's directories,
// or where the action is.
func (j *testJob) planted() []string {
	found, _ := filepath.Glob(filepath.Join(repoRoot(j.t), "pwned*"))
	for _, d := range []string{j.home, j.workspace, j.temp, filepath.Dir(j.home)} {
		filepath.WalkDir(d, func(p string, de fs.DirEntry, err error) error {
			if err == nil && strings.HasPrefix(de.Name(), "pwned") {
				found = append(found, p)
			}
			return nil
		})
	}
	return found
}
