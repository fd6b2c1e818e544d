package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// actionlint is run through the Go module proxy, not required in go.mod.
const actionlint = "github.com/rhysd/actionlint/cmd/actionlint@v1.7.12"

// The workflows pass actionlint, and so does action.yml, which actionlint
// checks through the workflows' `uses: ./` (it does not check the steps of an
// action: TestActionMetadata does). With shellcheck installed, actionlint
// runs it on every run: script of the workflows.
func TestWorkflows(t *testing.T) {
	skipUnlessReleaseTests(t)
	root := repoRoot(t)
	uses := false
	files, _ := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.yml"))
	for _, f := range files {
		uses = uses || regexp.MustCompile(`(?m)^\s*(- )?uses: \./\s*$`).Match(readFile(t, f))
	}
	if len(files) < 2 || !uses {
		t.Fatalf("want the CI and release workflows and one that uses ./ (the action), got %q", files)
	}
	shellcheck, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Log("SKIP shellcheck of the workflows' run: scripts: shellcheck is not installed")
	}
	cmd := exec.Command("go", "run", actionlint, "-shellcheck="+shellcheck, "-pyflakes=")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("actionlint: %v\n%s", err, out)
	}
}

// The shell scripts of the release parse in the shells they are for and
// pass shellcheck (when installed); install.sh as POSIX sh.
func TestShellScripts(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX shells")
	}
	root := repoRoot(t)
	for _, c := range []struct {
		script  string
		shells  []string
		dialect string
	}{
		{"install.sh", []string{"dash", "busybox sh", "bash --posix"}, "sh"},
		{"release.sh", []string{"bash"}, "bash"},
		{"action.sh", []string{"bash"}, "bash"},
	} {
		path := filepath.Join(root, "scripts", c.script)
		if fi, err := os.Stat(path); err != nil || fi.Mode()&0o111 == 0 {
			t.Errorf("%s: not an executable file (%v)", c.script, err)
		}
		for _, sh := range c.shells {
			args := strings.Fields(sh)
			if _, err := exec.LookPath(args[0]); err != nil {
				t.Logf("SKIP %s -n %s: %s is not installed", sh, c.script, args[0])
				continue
			}
			if out, err := exec.Command(args[0], append(args[1:], "-n", path)...).CombinedOutput(); err != nil {
				t.Errorf("%s -n %s: %v\n%s", sh, c.script, err, out)
			}
		}
		if _, err := exec.LookPath("shellcheck"); err != nil {
			t.Logf("SKIP shellcheck %s: shellcheck is not installed", c.script)
			continue
		}
		if out, err := exec.Command("shellcheck", "-s", c.dialect, path).CombinedOutput(); err != nil {
			t.Errorf("shellcheck -s %s %s: %v\n%s", c.dialect, c.script, err, out)
		}
	}
}

// action.yml has the inputs and outputs of the issue, passes every input to
// its steps in an environment variable, and has no ${{ }} anywhere else
// than in env: and output values: none in a script's text, where an input
// would be a script injection.
func TestActionMetadata(t *testing.T) {
	root := repoRoot(t)
	text := string(readFile(t, filepath.Join(root, "action.yml")))
	section := func(name string) []string {
		m := regexp.MustCompile(`(?ms)^` + name + `:\n(.*?)(?:^\S|\z)`).FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("action.yml has no %s:", name)
		}
		var keys []string
		for _, k := range regexp.MustCompile(`(?m)^  ([a-z][a-z0-9-]*):\s*$`).FindAllStringSubmatch(m[1], -1) {
			keys = append(keys, k[1])
		}
		return keys
	}
	inputs, outputs := section("inputs"), section("outputs")
	for _, want := range []string{"role-arn", "session-name", "duration", "policy-arns", "chain-role-arns", "audience", "region", "profile"} {
		if !slices.Contains(inputs, want) {
			t.Errorf("no input %s (inputs: %q)", want, inputs)
		}
	}
	for _, want := range []string{"aws-account-id", "assumed-role-arn"} {
		if !slices.Contains(outputs, want) {
			t.Errorf("no output %s (outputs: %q)", want, outputs)
		}
	}
	if !regexp.MustCompile(`(?m)^  role-arn:\n(    .*\n)*    required: true\n`).MatchString(text) {
		t.Error("role-arn is not required")
	}
	if !regexp.MustCompile(`(?m)^  using: composite$`).MatchString(text) {
		t.Error("not a composite action")
	}

	passed := map[string]bool{}
	envLine := regexp.MustCompile(`^ +([A-Z][A-Z0-9_]*): \$\{\{ ([a-z_.-]+) \}\}$`)
	valueLine := regexp.MustCompile(`^    value: \$\{\{ steps\.exchange\.outputs\.([a-z-]+) \}\}$`)
	for i, line := range strings.Split(text, "\n") {
		if !strings.Contains(line, "${{") {
			continue
		}
		if m := valueLine.FindStringSubmatch(line); m != nil {
			continue
		}
		m := envLine.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("action.yml:%d: ${{ }} outside an env: variable or an output's value: %s", i+1, line)
			continue
		}
		expr := m[2]
		if name, ok := strings.CutPrefix(expr, "inputs."); ok {
			if !slices.Contains(inputs, name) {
				t.Errorf("action.yml:%d: no input %s", i+1, name)
			}
			passed[name] = true
		} else if expr != "github.action_ref" {
			t.Errorf("action.yml:%d: unexpected expression %s", i+1, expr)
		}
	}
	for _, in := range inputs {
		if !passed[in] {
			t.Errorf("input %s reaches no step", in)
		}
	}
	for _, sub := range []string{"install", "exchange"} {
		if !strings.Contains(text, `run: '"$GITHUB_ACTION_PATH/scripts/action.sh" `+sub+`'`) {
			t.Errorf("no step runs scripts/action.sh %s", sub)
		}
	}
}
