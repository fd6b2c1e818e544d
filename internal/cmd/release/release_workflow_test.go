package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// workflowJob is what the tests read of one job of a workflow.
type workflowJob struct {
	needs, uses string
	steps       []workflowStep
}

type workflowStep struct{ name, run string }

var (
	wfJob     = regexp.MustCompile(`^  ([a-z][a-z0-9_-]*):$`)
	wfJobKey  = regexp.MustCompile(`^    (needs|uses): (.+)$`)
	wfStep    = regexp.MustCompile(`^      - (name|uses): (.+)$`)
	wfStepRun = regexp.MustCompile(`^        run: (.*)$`)
)

// readWorkflow reads the jobs of .github/workflows/NAME: each job's needs
// and uses, and its steps' names (or uses) and run: scripts (a one-line
// scalar or a | block). It knows only the shapes the workflows use.
func readWorkflow(t *testing.T, name string) map[string]*workflowJob {
	t.Helper()
	jobs := map[string]*workflowJob{}
	var job *workflowJob
	var block *strings.Builder // the run: | block being read
	inJobs := false
	lines := strings.Split(string(readFile(t, filepath.Join(repoRoot(t), ".github", "workflows", name))), "\n")
	for _, line := range lines {
		if block != nil {
			if rest, ok := strings.CutPrefix(line, "          "); ok || strings.TrimSpace(line) == "" {
				block.WriteString(rest + "\n")
				continue
			}
			job.steps[len(job.steps)-1].run, block = block.String(), nil
		}
		switch {
		case !strings.HasPrefix(line, " ") && line != "" && !strings.HasPrefix(line, "#"):
			inJobs = line == "jobs:"
		case !inJobs:
		case wfJob.MatchString(line):
			job = &workflowJob{}
			jobs[wfJob.FindStringSubmatch(line)[1]] = job
		case job == nil:
		case wfJobKey.MatchString(line):
			m := wfJobKey.FindStringSubmatch(line)
			if m[1] == "needs" {
				job.needs = m[2]
			} else {
				job.uses = m[2]
			}
		case wfStep.MatchString(line):
			job.steps = append(job.steps, workflowStep{name: wfStep.FindStringSubmatch(line)[2]})
		case wfStepRun.MatchString(line) && len(job.steps) > 0:
			switch v := wfStepRun.FindStringSubmatch(line)[1]; {
			case v == "|":
				block = &strings.Builder{}
			case strings.HasPrefix(v, `"`) || strings.HasPrefix(v, "'"):
				job.steps[len(job.steps)-1].run = yamlScalar(t, v)
			case strings.Contains(v, " #") || strings.HasPrefix(v, "|") || strings.HasPrefix(v, ">"):
				t.Fatalf("%s: a run: this reader does not read: %s", name, v)
			default: // a plain scalar
				job.steps[len(job.steps)-1].run = v
			}
		}
	}
	if block != nil {
		job.steps[len(job.steps)-1].run = block.String()
	}
	return jobs
}

// stepScript is the run: script of the step named name of a job.
func (j *workflowJob) stepScript(t *testing.T, name string) string {
	t.Helper()
	for _, s := range j.steps {
		if s.name == name && s.run != "" {
			return s.run
		}
	}
	t.Fatalf("no step %q with a run: script", name)
	return ""
}

// runScript runs a workflow step's script as GitHub's runner runs a bash
// step, in dir with env added.
func runScript(t *testing.T, script, dir string, env ...string) (string, error) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "step.sh")
	if err := os.WriteFile(f, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "--noprofile", "--norc", "-eo", "pipefail", f)
	cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// release.yml publishes a tag only when VERSION names it, after the tests
// (ci.yml, which runs scripts/test.sh) passed and release.sh's archives
// are checked, in that order.
func TestReleaseWorkflowOrder(t *testing.T) {
	jobs := readWorkflow(t, "release.yml")
	test, rel := jobs["test"], jobs["release"]
	if jobs["version"] == nil || test == nil || rel == nil {
		t.Fatalf("release.yml: want the jobs version, test and release, have %v", slices.Sorted(maps.Keys(jobs)))
	}
	if test.uses != "./.github/workflows/ci.yml" || test.needs != "version" || rel.needs != "[version, test]" {
		t.Errorf("release.yml: test uses %q and needs %q, release needs %q", test.uses, test.needs, rel.needs)
	}
	ci := string(readFile(t, filepath.Join(repoRoot(t), ".github", "workflows", "ci.yml")))
	if !regexp.MustCompile(`(?m)^  workflow_call:$`).MatchString(ci) || !strings.Contains(allScripts(readWorkflow(t, "ci.yml")), "scripts/test.sh") {
		t.Error("ci.yml is not a reusable workflow (workflow_call) that runs scripts/test.sh")
	}
	var names []string
	for _, s := range rel.steps {
		names = append(names, s.name)
	}
	at := func(name string) int {
		i := slices.Index(names, name)
		if i < 0 {
			t.Fatalf("release.yml: no step %q in the release job (%q)", name, names)
		}
		return i
	}
	if !(at("scripts/release.sh") < at("Check the archives") && at("Check the archives") < at("Publish the release")) {
		t.Errorf("release.yml: the release job's steps run in the order %q", names)
	}
	if !strings.Contains(rel.stepScript(t, "Publish the release"), "gh release create") {
		t.Error("release.yml: Publish the release does not run gh release create")
	}
}

// allScripts joins every run: script of a workflow.
func allScripts(jobs map[string]*workflowJob) string {
	var b strings.Builder
	for _, j := range jobs {
		for _, s := range j.steps {
			b.WriteString(s.run)
		}
	}
	return b.String()
}

// The version job's check passes when VERSION is exactly the tag's
// version, and fails, saying what to do, otherwise.
func TestReleaseWorkflowVersion(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("a bash step")
	}
	script := readWorkflow(t, "release.yml")["version"].stepScript(t, "The tag is the release VERSION names")
	for _, c := range []struct {
		name, file, tag string // file "": none
		ok              bool
	}{
		{"the tag", "v1.2.3\n", "v1.2.3", true},
		{"a pre-release", "v1.2.3-rc.1\n", "v1.2.3-rc.1", true},
		{"the last release", "v1.2.2\n", "v1.2.3", false},
		{"another pre-release", "v1.2.3-rc.1\n", "v1.2.3", false},
		{"CRLF", "v1.2.3\r\n", "v1.2.3", false},
		{"two lines", "v1.2.3\nv1.2.4\n", "v1.2.3", false},
		{"no VERSION", "", "v1.2.3", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if c.file != "" {
				if err := os.WriteFile(filepath.Join(dir, "VERSION"), []byte(c.file), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			out, err := runScript(t, script, dir, "GITHUB_REF_NAME="+c.tag)
			if ok := err == nil; ok != c.ok {
				t.Errorf("passed %v, want %v:\n%s", ok, c.ok, out)
			}
			if !c.ok && !strings.Contains(out, "::error title=release::") || !c.ok && !strings.Contains(out, "into VERSION, commit, and tag that commit") {
				t.Errorf("the refusal does not say what to do:\n%s", out)
			}
		})
	}
}

// The release job's check of release.sh's output passes on what release.sh
// wrote, and fails on a tampered archive, a file the checksums file does
// not list, a listed archive that is missing, and a binary that says
// another version than the tag.
func TestReleaseWorkflowCheck(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("the check runs the linux/amd64 binary, as on the runner")
	}
	r := sharedRelease(t)
	script := readWorkflow(t, "release.yml")["release"].stepScript(t, "Check the archives")
	sums, linux := sumsName(testVersion), archiveName(testVersion, "linux/amd64")
	for _, c := range []struct {
		name, tag string
		edit      func(t *testing.T, dist string)
		msg       string // what the refusal says; "" passes
	}{
		{"release.sh's", testVersion, func(*testing.T, string) {}, ""},
		{"a tampered archive", testVersion, func(t *testing.T, dist string) {
			p := filepath.Join(dist, archiveName(testVersion, "darwin/arm64"))
			b := readFile(t, p)
			b[len(b)/2] ^= 1
			putFile(t, p, b)
		}, archiveName(testVersion, "darwin/arm64") + ": FAILED"},
		{"a file not listed", testVersion, func(t *testing.T, dist string) {
			putFile(t, filepath.Join(dist, "notes.txt"), []byte("x\n"))
		}, sums + " lists other files than dist/ holds"},
		{"a listed archive missing", testVersion, func(t *testing.T, dist string) {
			if err := os.Remove(filepath.Join(dist, archiveName(testVersion, "windows/arm64"))); err != nil {
				t.Fatal(err)
			}
		}, archiveName(testVersion, "windows/arm64") + ": FAILED open or read"},
		{"a binary of another version", "v9.9.9", func(t *testing.T, dist string) { relabel(t, dist, r.dir, "v9.9.9") },
			`the linux/amd64 binary says "oidc-creds ` + testVersion + ` (`},
	} {
		t.Run(c.name, func(t *testing.T) {
			work := t.TempDir()
			dist := filepath.Join(work, "dist")
			if err := os.Mkdir(dist, 0o755); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{sums, linux, archiveName(testVersion, "darwin/amd64"), archiveName(testVersion, "darwin/arm64"),
				archiveName(testVersion, "linux/arm64"), archiveName(testVersion, "windows/amd64"), archiveName(testVersion, "windows/arm64")} {
				putFile(t, filepath.Join(dist, f), readFile(t, filepath.Join(r.dir, f)))
			}
			c.edit(t, dist)
			temp := filepath.Join(work, "runner-temp")
			if err := os.Mkdir(temp, 0o755); err != nil {
				t.Fatal(err)
			}
			out, err := runScript(t, script, work, "GITHUB_REF_NAME="+c.tag, "RUNNER_TEMP="+temp)
			if (err == nil) != (c.msg == "") || !strings.Contains(out, c.msg) {
				t.Errorf("the check: %v, want a refusal saying %q:\n%s", err, c.msg, out)
			}
		})
	}
}

// relabel makes dist a release of version whose linux/amd64 archive holds
// the test release's binary (which says testVersion), with a checksums
// file that matches its files (the other archives stand-ins: only that
// binary is run).
func relabel(t *testing.T, dist, from, version string) {
	t.Helper()
	des, err := os.ReadDir(dist)
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range des {
		if err := os.Remove(filepath.Join(dist, de.Name())); err != nil {
			t.Fatal(err)
		}
	}
	var list bytes.Buffer
	for _, target := range targets {
		file := archiveName(version, target)
		data := []byte("a stand-in for " + file + "\n")
		if target == "linux/amd64" {
			dir := filepath.Join(t.TempDir(), "oidc-creds_"+version+"_linux_amd64")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "oidc-creds"), binaryOf(t, from, target), 0o755); err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := Archive(&b, file, dir, time.Unix(1700000000, 0)); err != nil {
				t.Fatal(err)
			}
			data = b.Bytes()
		}
		putFile(t, filepath.Join(dist, file), data)
		sum := sha256.Sum256(data)
		list.WriteString(hex.EncodeToString(sum[:]) + "  " + file + "\n")
	}
	putFile(t, filepath.Join(dist, sumsName(version)), list.Bytes())
}

func putFile(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
