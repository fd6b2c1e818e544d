package main

// A stand-in for the GitHub Actions runner that runs action.yml's composite
// steps as the runner does: each `shell: bash` step's run: text in a script
// file under `bash --noprofile --norc -eo pipefail`, its env: block
// evaluated from the action's inputs (or their defaults), fresh GITHUB_ENV,
// GITHUB_PATH and GITHUB_OUTPUT files for each step, read back after it by
// the runner's rules into the environment and PATH of the later steps and
// into the action's outputs. Everything is read from action.yml itself, so
// that the tests break when the steps and the inputs drift apart.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

// actionStep is one of action.yml's runs.steps.
type actionStep struct {
	name, id, shell, run string
	env                  [][2]string // NAME and the expression inside ${{ }}, in order
}

// actionMeta is what the runner takes from action.yml.
type actionMeta struct {
	defaults map[string]string // input → default
	outputs  map[string]string // output → STEP_ID.OUTPUT_NAME its value is
	steps    []actionStep
}

var (
	stepItem  = regexp.MustCompile(`^    - name: (.+)$`)
	stepKey   = regexp.MustCompile(`^      (id|shell|run|env):(?: (.*))?$`)
	stepEnv   = regexp.MustCompile(`^        ([A-Z][A-Z0-9_]*): \$\{\{ ([a-z_.-]+) \}\}$`)
	inputName = regexp.MustCompile(`^  ([a-z][a-z0-9-]*):$`)
	inputDef  = regexp.MustCompile(`^    default: (.*)$`)
	outputVal = regexp.MustCompile(`^    value: \$\{\{ steps\.([a-z-]+)\.outputs\.([a-z-]+) \}\}$`)
)

// readAction parses action.yml's inputs, outputs and steps. It knows only
// the shapes action.yml uses and fails on any other line in runs.steps, so
// that a change it cannot follow fails the test instead of being skipped.
func readAction(t *testing.T, root string) actionMeta {
	t.Helper()
	m := actionMeta{defaults: map[string]string{}, outputs: map[string]string{}}
	section, name := "", ""
	for i, line := range strings.Split(string(readFile(t, filepath.Join(root, "action.yml"))), "\n") {
		if line == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if !strings.HasPrefix(line, " ") {
			section, _, _ = strings.Cut(line, ":")
			continue
		}
		switch {
		case section == "inputs" && inputName.MatchString(line):
			name = inputName.FindStringSubmatch(line)[1]
			m.defaults[name] = ""
		case section == "inputs" && inputDef.MatchString(line):
			m.defaults[name] = yamlScalar(t, inputDef.FindStringSubmatch(line)[1])
		case section == "outputs" && inputName.MatchString(line):
			name = inputName.FindStringSubmatch(line)[1]
		case section == "outputs" && outputVal.MatchString(line):
			v := outputVal.FindStringSubmatch(line)
			m.outputs[name] = v[1] + "." + v[2]
		case section == "runs" && (line == "  using: composite" || line == "  steps:"):
		case section == "runs":
			m.steps = stepLine(t, m.steps, i+1, line)
		}
	}
	if len(m.steps) == 0 {
		t.Fatal("action.yml: no runs.steps")
	}
	return m
}

// stepLine adds one line of runs.steps to steps.
func stepLine(t *testing.T, steps []actionStep, n int, line string) []actionStep {
	t.Helper()
	if v := stepItem.FindStringSubmatch(line); v != nil {
		return append(steps, actionStep{name: v[1]})
	}
	if len(steps) == 0 {
		t.Fatalf("action.yml:%d: not in a step: %s", n, line)
	}
	s := &steps[len(steps)-1]
	if v := stepEnv.FindStringSubmatch(line); v != nil {
		s.env = append(s.env, [2]string{v[1], v[2]})
		return steps
	}
	v := stepKey.FindStringSubmatch(line)
	if v == nil {
		t.Fatalf("action.yml:%d: a line of a step this runner stand-in does not know: %s", n, line)
	}
	switch v[1] {
	case "id":
		s.id = v[2]
	case "shell":
		s.shell = v[2]
	case "run":
		s.run = yamlScalar(t, v[2])
	}
	return steps
}

// yamlScalar is a one-line YAML scalar: plain, 'single' or "double" quoted
// (without escapes but \\ and \").
func yamlScalar(t *testing.T, s string) string {
	t.Helper()
	switch {
	case len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'':
		return strings.ReplaceAll(s[1:len(s)-1], "''", "'")
	case len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"':
		u, err := strconv.Unquote(s)
		if err != nil {
			t.Fatalf("action.yml: a double-quoted scalar this stand-in does not read: %s", s)
		}
		return u
	case strings.ContainsAny(s, `'"|>&*!%@`+"`"):
		t.Fatalf("action.yml: a scalar this stand-in does not read: %s", s)
	}
	return s
}

// actionJob is one job's runner state: the environment every step starts
// from, what earlier steps added to it through GITHUB_ENV and GITHUB_PATH,
// and the steps' outputs.
type actionJob struct {
	t         *testing.T
	meta      actionMeta
	actionRef string   // github.action_ref
	base      []string // the job's environment, PATH included
	setEnv    []testkit.EnvVar
	path      []string // GITHUB_PATH entries, the latest first
	outputs   map[string]map[string]string
	temp      string // RUNNER_TEMP
	steps     int
}

// stepRun is what one step did.
type stepRun struct {
	name           string
	stdout, stderr string
	err            error
}

// env is the environment of a step with the given step env: the job's,
// then what GITHUB_ENV set (a later line wins), with PATH prefixed by
// GITHUB_PATH's entries, then the step's own env.
func (j *actionJob) env(step [][2]string) []string {
	vars := map[string]string{}
	var order []string
	set := func(k, v string) {
		if _, ok := vars[k]; !ok {
			order = append(order, k)
		}
		vars[k] = v
	}
	for _, kv := range j.base {
		k, v, _ := strings.Cut(kv, "=")
		set(k, v)
	}
	for _, v := range j.setEnv {
		set(v.Name, v.Value)
	}
	if len(j.path) > 0 {
		set("PATH", strings.Join(j.path, string(os.PathListSeparator))+string(os.PathListSeparator)+vars["PATH"])
	}
	for _, kv := range step {
		set(kv[0], kv[1])
	}
	env := make([]string, 0, len(order))
	for _, k := range order {
		env = append(env, k+"="+vars[k])
	}
	return env
}

// expr evaluates the expression of a step's env: entry.
func (j *actionJob) expr(e string, inputs map[string]string) string {
	if name, ok := strings.CutPrefix(e, "inputs."); ok {
		def, known := j.meta.defaults[name]
		if !known {
			j.t.Fatalf("action.yml: ${{ %s }}: no such input", e)
		}
		if v, given := inputs[name]; given {
			return v
		}
		return def
	}
	if e == "github.action_ref" {
		return j.actionRef
	}
	j.t.Fatalf("action.yml: ${{ %s }}: an expression this stand-in does not evaluate", e)
	return ""
}

// runAction runs the action's steps with inputs until one fails, and
// returns what each did and the action's outputs.
func (j *actionJob) runAction(inputs map[string]string) ([]stepRun, map[string]string) {
	j.t.Helper()
	for name := range inputs {
		if _, ok := j.meta.defaults[name]; !ok {
			j.t.Fatalf("the test gives input %s, which action.yml does not have", name)
		}
	}
	var runs []stepRun
	for _, s := range j.meta.steps {
		r := j.runStep(s, inputs)
		runs = append(runs, r)
		if r.err != nil {
			break
		}
	}
	out := map[string]string{}
	for name, ref := range j.meta.outputs {
		id, o, _ := strings.Cut(ref, ".")
		out[name] = j.outputs[id][o]
	}
	return runs, out
}

// runStep runs one bash step and takes in its file commands.
func (j *actionJob) runStep(s actionStep, inputs map[string]string) stepRun {
	t := j.t
	t.Helper()
	if s.shell != "bash" || s.run == "" {
		t.Fatalf("action.yml: step %q is not a run: step with shell: bash", s.name)
	}
	j.steps++
	files := filepath.Join(j.temp, "_runner_file_commands")
	if err := os.MkdirAll(files, 0o755); err != nil {
		t.Fatal(err)
	}
	cmdFile := func(kind string) string {
		p := filepath.Join(files, fmt.Sprintf("%s_%d", kind, j.steps))
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	envFile, pathFile, outFile := cmdFile("set_env"), cmdFile("add_path"), cmdFile("set_output")
	script := filepath.Join(j.temp, fmt.Sprintf("step_%d.sh", j.steps))
	if err := os.WriteFile(script, []byte(s.run+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stepEnv := [][2]string{{"GITHUB_ENV", envFile}, {"GITHUB_PATH", pathFile}, {"GITHUB_OUTPUT", outFile}}
	for _, kv := range s.env {
		stepEnv = append(stepEnv, [2]string{kv[0], j.expr(kv[1], inputs)})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	env := j.env(stepEnv)
	cmd := exec.CommandContext(ctx, lookIn(t, env, "bash"), "--noprofile", "--norc", "-eo", "pipefail", script)
	cmd.Env, cmd.Dir = env, envValue(env, "GITHUB_WORKSPACE")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	r := stepRun{name: s.name, err: cmd.Run(), stdout: stdout.String(), stderr: stderr.String()}
	j.fileCommands(s, envFile, pathFile, outFile)
	return r
}

// fileCommands reads a step's GITHUB_ENV, GITHUB_PATH and GITHUB_OUTPUT
// as the runner does when the step ends.
func (j *actionJob) fileCommands(s actionStep, envFile, pathFile, outFile string) {
	t := j.t
	vars, err := testkit.ParseGitHubEnv(string(readFile(t, envFile)), false)
	if err != nil {
		t.Fatalf("step %q: GITHUB_ENV: %v", s.name, err)
	}
	j.setEnv = append(j.setEnv, vars...)
	for _, line := range strings.Split(string(readFile(t, pathFile)), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			j.path = append([]string{line}, j.path...)
		}
	}
	outs, err := testkit.ParseGitHubEnv(string(readFile(t, outFile)), false)
	if err != nil {
		t.Fatalf("step %q: GITHUB_OUTPUT: %v", s.name, err)
	}
	if s.id != "" {
		m := map[string]string{}
		for _, o := range outs {
			m[o.Name] = o.Value
		}
		j.outputs[s.id] = m
	} else if len(outs) > 0 {
		t.Errorf("step %q has no id but sets outputs", s.name)
	}
}

// exported is what the action exported to the later steps through
// GITHUB_ENV: the last value of each name.
func (j *actionJob) exported() map[string]string {
	m := map[string]string{}
	for _, v := range j.setEnv {
		m[v.Name] = v.Value
	}
	return m
}

func envValue(env []string, name string) string {
	for _, kv := range slices.Backward(env) {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			return v
		}
	}
	return ""
}

// lookIn finds name on env's PATH, as the runner finds the shell.
func lookIn(t *testing.T, env []string, name string) string {
	t.Helper()
	for _, dir := range filepath.SplitList(envValue(env, "PATH")) {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	t.Fatalf("%s is not on the step's PATH", name)
	return ""
}
