package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// failed checks that the action stopped at step want (0 install, 1
// exchange) saying msg, and left nothing behind: no variable for the later
// steps, no output, no workflow command but the action's annotations, no
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
			if l := strings.TrimSpace(line); strings.HasPrefix(l, "::") && !strings.HasPrefix(line, "::error title=oidc-creds::") &&
				!strings.HasPrefix(line, "::warning title=oidc-creds::") {
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

// The release installed: the version input, else the one the action's
// VERSION file names, whatever the ref (a major version, a commit, a
// branch, another version); without that file (a fork), with a warning,
// the ref when it is a version, else the latest, which must be of the
// major version of a ref such as @v1. Where VERSION decides, the latest
// release is one that does not exist, so that an action that looked it up
// would fail.
func TestActionInstallRef(t *testing.T) {
	const sha = "0123456789abcdef0123456789abcdef01234567"
	for _, c := range []struct {
		name, dirRef, ref, versionFile, version string // versionFile "": none
		latest                                  bool   // the latest release is looked up
		warning, msg                            string // msg: the refusal; "" installs testVersion
	}{
		{"VERSION at a major tag", "v0", "v0", testVersion + "\n", "", false, "", ""},
		{"VERSION at a major tag of another major version", "v1", "v1", testVersion + "\n", "", false, "the action is used at v1, but its code is of release " + testVersion, ""},
		{"VERSION at a commit", sha, sha, testVersion + "\n", "", false, "", ""},
		{"VERSION at a commit, github.action_ref unset", sha, "", testVersion + "\n", "", false, "", ""},
		{"VERSION at a branch", "main", "main", testVersion + "\n", "", false, "", ""},
		{"VERSION at its own tag", testVersion, testVersion, testVersion + "\n", "", false, "", ""},
		{"VERSION with CRLF and no final line break", sha, sha, testVersion + "\r\n\r", "", false, "", ""},
		{"VERSION at another version's tag", "v9.9.9", "v9.9.9", testVersion + "\n", "", false, "the action is used at v9.9.9, but its code is of release " + testVersion + " (its VERSION file): installing " + testVersion, ""},
		{"the version input before VERSION", sha, sha, "v9.9.9\n", testVersion, false, "", ""},
		{"a VERSION that names no release", sha, sha, "v9.9.9\n", "", false, "", "could not download"},
		{"a VERSION that is not a version", sha, sha, "latest\n", "", false, "", `the action's VERSION file holds "latest", not a release such as v1.2.3: set the version input`},
		{"a VERSION of two lines", sha, sha, testVersion + "\nv1.0.0\n", "", false, "", "not a release such as v1.2.3"},
		{"no VERSION, an exact ref", testVersion, testVersion, "", "", false, "the action has no VERSION file (a fork?): installing the release its ref names, " + testVersion, ""},
		{"no VERSION, github.action_ref before the directory", "v9.9.9", testVersion, "", "", false, "no VERSION file", ""},
		{"no VERSION, a branch: the latest", "main", "", "", "", true, "the action has no VERSION file (a fork?): installing the latest release; set the version input to pin one", ""},
		{"no VERSION, the major version of the latest", "v0", "", "", "", true, "no VERSION file", ""},
		{"no VERSION, a major version the latest is not of", "main", "v1", "", "", true, "no VERSION file",
			"the latest release is " + testVersion + ", not a v1 release: use oidc-creds/oidc-creds@v0 or set the version input"},
		{"no VERSION, the version input", "main", "main", "", testVersion, false, "", ""},
		{"no such release", testVersion, "", testVersion + "\n", "v9.9.9", false, "", "could not download"},
	} {
		t.Run(c.name, func(t *testing.T) {
			j := newTestJob(t, c.dirRef, c.ref)
			j.setVersionFile(c.versionFile)
			if !c.latest {
				j.rel.do(func() { j.rel.latest = "v9.9.9" })
			}
			r := j.runStep(j.meta.steps[0], map[string]string{"version": c.version})
			warned := strings.Contains(r.stdout, "::warning title=oidc-creds::")
			if warned != (c.warning != "") || !strings.Contains(r.stdout, c.warning) {
				t.Errorf("install warned %v, want %q:\n%s", warned, c.warning, r.stdout)
			}
			if latest := strings.Contains(r.stderr, "/releases/latest"); latest != c.latest {
				t.Errorf("looked up the latest release: %v, want %v\n%s", latest, c.latest, r.stderr)
			}
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
		})
	}
}

// The repository's VERSION file names one release, as release.yml takes
// it: the action installs that release.
func TestVersionFile(t *testing.T) {
	data := string(readFile(t, filepath.Join(repoRoot(t), "VERSION")))
	if !regexp.MustCompile(`^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?\n$`).MatchString(data) {
		t.Errorf("VERSION holds %q, want one line with a release such as v1.2.3", data)
	}
}

// A release whose binary says another version than its tag is refused:
// the action installs the release it names or none.
func TestActionInstallMislabeled(t *testing.T) {
	j := newTestJob(t, "main", "main")
	const version = "v9.9.9"
	goos, goarch, _ := strings.Cut(hostTarget(t), "/")
	name := "oidc-creds_" + version + "_" + goos + "_" + goarch
	dir := filepath.Join(t.TempDir(), name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\necho 'oidc-creds v9.9.8 (go1, " + goos + "/" + goarch + ")'\n"
	if err := os.WriteFile(filepath.Join(dir, "oidc-creds"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Archive(&b, name+".tar.gz", dir, time.Unix(1700000000, 0)); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b.Bytes())
	j.rel.do(func() {
		j.rel.files[version+"/"+name+".tar.gz"] = b.Bytes()
		j.rel.files[version+"/"+sumsName(version)] = []byte(hex.EncodeToString(sum[:]) + "  " + name + ".tar.gz\n")
	})
	j.setVersionFile(version + "\n")
	r := j.runStep(j.meta.steps[0], nil)
	j.failed([]stepRun{r}, nil, 0, "the release v9.9.9 installed a binary that says it is v9.9.8")
	if len(j.path) != 0 {
		t.Errorf("GITHUB_PATH added %q", j.path)
	}
}
