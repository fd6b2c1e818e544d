package main

import (
	"strings"
	"testing"
)

// failed checks that the action stopped at step want (0 install, 1
// exchange) saying msg, and left nothing behind: no variable for the later
// steps, no output, no workflow command but its error annotation, no
// secret on stderr.
func (j *testJob) failed(runs []stepRun, out map[string]string, want int, msg string) {
	j.t.Helper()
	if len(runs) != want+1 || runs[want].err == nil {
		for _, r := range runs {
			j.t.Logf("step %q: %v\nstdout:\n%s\nstderr:\n%s", r.name, r.err, r.stdout, r.stderr)
		}
		j.t.Fatalf("want step %d to fail, and the action to stop there", want)
	}
	r := runs[want]
	if !strings.Contains(r.stdout+r.stderr, msg) {
		j.t.Errorf("step %q does not say %q:\nstdout:\n%s\nstderr:\n%s", r.name, msg, r.stdout, r.stderr)
	}
	if got := j.exported(); len(got) > 0 {
		j.t.Errorf("the action exported %q", keys(got))
	}
	for name, v := range out {
		if v != "" {
			j.t.Errorf("output %s is %q", name, v)
		}
	}
	for _, r := range runs {
		for _, line := range strings.Split(r.stdout+"\n"+r.stderr, "\n") {
			if l := strings.TrimSpace(line); strings.HasPrefix(l, "::") && !strings.HasPrefix(line, "::error title=oidc-creds::") {
				j.t.Errorf("step %q printed a workflow command: %q", r.name, line)
			}
		}
		j.noSecret("stderr of "+r.name, r.stderr)
	}
}

func keys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// A job without `permissions: id-token: write`, or without role-arn, fails
// in the exchange step with the setting to add, before any request.
func TestActionMissing(t *testing.T) {
	t.Run("no id-token permission", func(t *testing.T) {
		j := newTestJob(t, testVersion, "", "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN")
		runs, out := j.runAction(map[string]string{"role-arn": githubRole})
		j.failed(runs, out, 1, "this job cannot request an OIDC token from GitHub: give it permissions: id-token: write")
		if runs[1].stdout != "::error title=oidc-creds::this job cannot request an OIDC token from GitHub: give it permissions: id-token: write\n" {
			t.Errorf("stdout %q", runs[1].stdout)
		}
		if len(j.sts.TokenRequests()) != 0 || j.sts.Calls() != 0 {
			t.Error("a request was made")
		}
	})
	t.Run("no role-arn", func(t *testing.T) {
		j := newTestJob(t, testVersion, "")
		runs, out := j.runAction(map[string]string{})
		j.failed(runs, out, 1, "::error title=oidc-creds::the role-arn input is required")
		if len(j.sts.TokenRequests()) != 0 {
			t.Error("a token was requested")
		}
	})
}

// An input that tries to inject a command or a variable is refused, runs
// nothing and adds no line to GITHUB_ENV: inputs reach the steps as
// environment variables, are checked before they reach GITHUB_ENV, and a
// refusal's annotation is escaped.
func TestActionInjection(t *testing.T) {
	for _, c := range []struct {
		name, input, value string
		step               int // the step that refuses it
		msg                string
	}{
		{"session-name $()", "session-name", "$(touch pwned)", 1, `session name "$(touch pwned)" is not valid for STS`},
		{"session-name backquotes and a line", "session-name", "`touch pwned`\n::warning::injected", 1, `session name "` + "`touch pwned`" + `\n::warning::injected" is not valid`},
		{"region with a line", "region", "eu-west-1\nAWS_ACCESS_KEY_ID=AKIAINJECTED", 1,
			`::error title=oidc-creds::region "eu-west-1%0AAWS_ACCESS_KEY_ID=AKIAINJECTED" is not a region name`},
		{"region with a workflow command", "region", "x\n::warning::injected\r::add-mask::%", 1, `region "x%0A::warning::injected%0D::add-mask::%25" is not`},
		{"region $()", "region", "$(touch pwned)", 1, "is not a region name"},
		{"profile with a line", "profile", "ci\nAWS_ACCESS_KEY_ID=AKIAINJECTED", 1, `profile "ci%0AAWS_ACCESS_KEY_ID=AKIAINJECTED" is not usable`},
		{"profile $()", "profile", "$(touch pwned)", 1, "is not usable"},
		{"role-arn with a line", "role-arn", githubRole + "\n::warning::injected", 1, "is not an IAM role ARN"},
		{"role-arn ;", "role-arn", githubRole + ";touch pwned", 1, "is not an IAM role ARN"},
		{"policy-arns $()", "policy-arns", "$(touch pwned)", 1, "is not an IAM policy ARN"},
		{"chain-role-arns backquotes", "chain-role-arns", "`touch pwned`", 1, "--chain-role-arn"},
		{"duration $()", "duration", "1h$(touch pwned)", 1, `duration "1h$(touch pwned)" is not in the XhYmZs form`},
		{"audience $()", "audience", "$(touch pwned)", 1, "audience"},
		{"version $()", "version", "v1.2.3$(touch pwned)", 0, "is not a release tag"},
	} {
		t.Run(c.name, func(t *testing.T) {
			j := newTestJob(t, testVersion, "")
			inputs := map[string]string{"role-arn": githubRole, c.input: c.value}
			runs, out := j.runAction(inputs)
			j.failed(runs, out, c.step, c.msg)
			if p := j.planted(); len(p) > 0 {
				t.Errorf("the input ran a command: %q", p)
			}
		})
	}
}

// The release installed: the version input, else the ref the action was
// used at when it is a version, else the latest, which must be of the
// major version of a ref such as @v1.
func TestActionInstallRef(t *testing.T) {
	for _, c := range []struct {
		name, dirRef, ref, version string
		msg                        string // the refusal; "" installs testVersion
	}{
		{"the major version of the latest", "v0", "", "", ""},
		{"a branch: the latest", "main", "", "", ""},
		{"github.action_ref before the directory", "v9.9.9", testVersion, "", ""},
		{"the version input before the ref", "v9.9.9", "v9.9.9", testVersion, ""},
		{"a major version the latest is not of", "main", "v1", "", "the latest release is " + testVersion + ", not a v1 release: use oidc-creds/oidc-creds@v0 or set the version input"},
		{"no such release", testVersion, "", "v9.9.9", "could not download"},
	} {
		t.Run(c.name, func(t *testing.T) {
			j := newTestJob(t, c.dirRef, c.ref)
			r := j.runStep(j.meta.steps[0], map[string]string{"version": c.version})
			if c.msg != "" {
				j.failed([]stepRun{r}, nil, 0, c.msg)
				if len(j.path) != 0 {
					t.Errorf("GITHUB_PATH added %q", j.path)
				}
				return
			}
			if r.err != nil {
				t.Fatalf("install: %v\nstdout:\n%s\nstderr:\n%s", r.err, r.stdout, r.stderr)
			}
			j.installed()
			latest := strings.Contains(r.stderr, "/releases/latest")
			if wantLatest := c.version == "" && !strings.HasPrefix(c.ref+c.dirRef, "v0.0.0"); latest != wantLatest {
				t.Errorf("looked up the latest release: %v, want %v\n%s", latest, wantLatest, r.stderr)
			}
		})
	}
}
