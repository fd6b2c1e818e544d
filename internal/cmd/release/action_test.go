package main

// The action's steps (action.yml, scripts/action.sh) run as the runner
// runs them (actionrun_test.go) in a job on loopback (actionjob_test.go):
// the install step really runs install.sh against a release that
// release.sh built; the exchange step exchanges a token of the test STS's
// GitHub endpoint.

import (
	"maps"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/oidc-creds/oidc-creds/internal/testkit"
	"github.com/oidc-creds/oidc-creds/internal/teststs"
)

const (
	githubRole = "arn:aws:iam::123456789012:role/github"
	sessionOf  = "repo-octo-org-app-ref-refs-heads-main" // the session name derived from the GitHub endpoint's sub
)

// succeeded fails the test unless every step ran and succeeded, checks
// that the install step put the release's binary on the job's PATH, and
// that no step printed a secret on stderr.
func (j *testJob) succeeded(runs []stepRun) {
	j.t.Helper()
	for _, r := range runs {
		if r.err != nil {
			j.t.Fatalf("step %q: %v\nstdout:\n%s\nstderr:\n%s", r.name, r.err, r.stdout, r.stderr)
		}
	}
	if len(runs) != len(j.meta.steps) {
		j.t.Fatalf("%d of %d steps ran", len(runs), len(j.meta.steps))
	}
	j.installed()
	for _, r := range runs {
		j.noSecret("stderr of "+r.name, r.stderr)
	}
}

// installed checks that the install step put the release's binary on the
// job's PATH, and nothing else.
func (j *testJob) installed() {
	j.t.Helper()
	bin := filepath.Join(j.temp, "oidc-creds", "bin")
	if !slices.Equal(j.path, []string{bin}) {
		j.t.Errorf("GITHUB_PATH added %q, want %s", j.path, bin)
	}
	out, err := exec.Command(filepath.Join(bin, "oidc-creds"), "version").Output()
	if err != nil || !strings.HasPrefix(string(out), "oidc-creds "+testVersion+" ") {
		j.t.Errorf("the installed oidc-creds version: %q, %v", out, err)
	}
}

// outputsAre checks the action's outputs against what STS issued.
func (j *testJob) outputsAre(out map[string]string, issued teststs.Request, account string) {
	j.t.Helper()
	want := map[string]string{"aws-account-id": account, "assumed-role-arn": issued.AssumedRoleARN}
	if !maps.Equal(out, want) || issued.AssumedRoleARN == "" {
		j.t.Errorf("outputs %q, want %q", out, want)
	}
}

// exportsAre checks what the action exported to the later steps: exactly
// want's names, with want's values ("" = the value of issued's credential).
func (j *testJob) exportsAre(want map[string]string, issued teststs.Request) {
	j.t.Helper()
	creds := map[string]string{"AWS_ACCESS_KEY_ID": issued.AccessKeyID, "AWS_SECRET_ACCESS_KEY": issued.SecretAccessKey, "AWS_SESSION_TOKEN": issued.SessionToken}
	got := j.exported()
	for name, v := range want {
		if c, ok := creds[name]; ok && v == "" {
			v = c
		}
		if got[name] != v || v == "" {
			j.t.Errorf("GITHUB_ENV sets %s to other bytes than STS issued or the input gave (or not at all)", name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			j.t.Errorf("GITHUB_ENV also sets %s", name)
		}
	}
}

// Without a profile: the four variables, masked, the region, the outputs;
// every input reaches STS as given.
func TestActionEnv(t *testing.T) {
	j := newTestJob(t, testVersion, "")
	runs, out := j.runAction(map[string]string{
		"role-arn": githubRole, "session-name": "gha-1.run@octo=1", "duration": "2h", "region": "eu-west-1",
		"policy-arns": "arn:aws:iam::aws:policy/ReadOnlyAccess, arn:aws:iam::123456789012:policy/b",
	})
	j.succeeded(runs)
	issued := j.issued(teststs.ActionAssumeRoleWithWebIdentity)
	if issued.RoleARN != githubRole || issued.RoleSessionName != "gha-1.run@octo=1" || issued.DurationSeconds != 7200 ||
		!slices.Equal(issued.PolicyARNs, []string{"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::123456789012:policy/b"}) {
		t.Errorf("STS was asked %v", issued)
	}
	if n := j.sts.Calls(); n != 1 {
		t.Errorf("%d STS calls, want 1 (identity after env a cache hit)", n)
	}
	if reqs := j.sts.TokenRequests(); len(reqs) != 1 || reqs[0].Audience != "sts.amazonaws.com" {
		t.Errorf("GitHub token requests %v, want one for sts.amazonaws.com", reqs)
	}
	j.exportsAre(map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "",
		"AWS_CREDENTIAL_EXPIRATION": j.exported()["AWS_CREDENTIAL_EXPIRATION"], "AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1"}, issued)
	if !strings.HasPrefix(j.exported()["AWS_CREDENTIAL_EXPIRATION"], "20") {
		t.Errorf("AWS_CREDENTIAL_EXPIRATION %q", j.exported()["AWS_CREDENTIAL_EXPIRATION"])
	}
	masks, other := testkit.ParseGitHubMasks(runs[1].stdout)
	if want := []string{issued.AccessKeyID, issued.SecretAccessKey, issued.SessionToken}; !slices.Equal(masks, want) || len(other) > 0 {
		t.Errorf("the exchange step printed %d masks and %q, want a mask of each secret and nothing else", len(masks), other)
	}
	j.outputsAre(out, issued, "123456789012")
	if src := j.runLaterStep(issued); !strings.Contains(src, "EnvConfig") {
		t.Errorf("a later step's credentials came from %s, not the environment", src)
	}
}

// chain-role-arns, one a line as a YAML list gives them: the last role's
// credentials and identity.
func TestActionChain(t *testing.T) {
	j := newTestJob(t, testVersion, "")
	runs, out := j.runAction(map[string]string{"role-arn": githubRole,
		"chain-role-arns": "arn:aws:iam::222222222222:role/deploy\narn:aws:iam::333333333333:role/app\n"})
	j.succeeded(runs)
	issued := j.issued(teststs.ActionAssumeRole)
	if issued.RoleARN != "arn:aws:iam::333333333333:role/app" || issued.RoleSessionName != sessionOf {
		t.Errorf("the last call: %v", issued)
	}
	if n := j.sts.CallsFor(teststs.ActionAssumeRole); n != 2 {
		t.Errorf("%d AssumeRole calls, want 2", n)
	}
	j.exportsAre(map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "",
		"AWS_CREDENTIAL_EXPIRATION": j.exported()["AWS_CREDENTIAL_EXPIRATION"]}, issued)
	j.outputsAre(out, issued, "333333333333")
	if out["assumed-role-arn"] != "arn:aws:sts::333333333333:assumed-role/app/"+sessionOf {
		t.Errorf("assumed-role-arn %q", out["assumed-role-arn"])
	}
}
