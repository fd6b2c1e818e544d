package format

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// dotenvFile writes every hostile value QuoteDotenv accepts as V00, V01, …
// and returns the file and the values expected for each name.
func dotenvFile(t *testing.T) (string, map[string]string) {
	t.Helper()
	var vars []Var
	want := map[string]string{}
	for i, h := range hostile {
		if _, err := QuoteDotenv(h.value); err != nil {
			continue
		}
		name := fmt.Sprintf("V%02d", i)
		vars = append(vars, Var{name, h.value})
		want[name] = h.value
	}
	var b strings.Builder
	if err := WriteVars(&b, "dotenv", vars); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "test.env")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, want
}

// checkDotenvParser runs a real dotenv parser that prints the file's
// variables as a JSON object, and compares.
func checkDotenvParser(t *testing.T, run *exec.Cmd, want map[string]string) {
	t.Helper()
	out, err := run.Output()
	if err != nil {
		t.Fatalf("%v: %v", run.Args, err)
	}
	got := map[string]*string{}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(got) != len(want) {
		t.Errorf("parsed %d variables, want %d", len(got), len(want))
	}
	for name, w := range want {
		if g := got[name]; g == nil || *g != w {
			t.Errorf("%s: got %v, want %q", name, quoteOrNil(g), w)
		}
	}
}

// probe runs a command that tells whether a parser is available, and
// returns its output; it skips the test when the command fails.
func probe(t *testing.T, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s is not installed", name)
	}
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		t.Skipf("the parser is not available: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func quoteOrNil(s *string) string {
	if s == nil {
		return "nothing"
	}
	return fmt.Sprintf("%q", *s)
}

// interpolationBait holds variables a parser could wrongly interpolate.
var interpolationBait = []string{"HOME=EXPANDED", "x=EXPANDED", "_x=EXPANDED", "home=EXPANDED"}

// TestDotenvPythonDotenv reads the dotenv output with python-dotenv, when
// it is importable, with its default interpolation on.
func TestDotenvPythonDotenv(t *testing.T) {
	python := probe(t, "python3", "-c", "import sys, dotenv; print(sys.executable)")
	file, want := dotenvFile(t)
	run := exec.Command(python, "-c",
		"import json, sys; from dotenv import dotenv_values; print(json.dumps(dotenv_values(sys.argv[1])))", file)
	run.Env = append(os.Environ(), interpolationBait...)
	checkDotenvParser(t, run, want)
}

// TestDotenvNode reads the dotenv output with node's dotenv, when node can
// require it.
func TestDotenvNode(t *testing.T) {
	probe(t, "node", "-e", `require("dotenv")`)
	file, want := dotenvFile(t)
	run := exec.Command("node", "-e",
		`process.stdout.write(JSON.stringify(require("dotenv").parse(require("fs").readFileSync(process.argv[1]))))`, file)
	run.Env = append(os.Environ(), interpolationBait...)
	checkDotenvParser(t, run, want)
}
