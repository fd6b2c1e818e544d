package testkit

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
)

// Python runs Python code that imports botocore, to check files and
// credentials the way the AWS CLI and boto3 read them.
type Python struct {
	Exe     string // the interpreter
	Prelude string // code that makes botocore importable
}

var (
	pyOnce  sync.Once
	pyFound *Python
)

// Botocore is FindBotocore's botocore; it skips the test when there is
// none (scripts/test.sh installs the AWS CLI as root).
func Botocore(t testing.TB) *Python {
	t.Helper()
	p := FindBotocore()
	if p == nil {
		t.Skip("no botocore: install the AWS CLI (apt-get install awscli) or pip install botocore")
	}
	return p
}

// FindBotocore finds a botocore: the Debian AWS CLI v2's (/usr/bin/aws runs
// /usr/bin/python3, whose awscli package carries its own botocore, which
// "import awscli" makes importable), else a python3 on PATH that has one;
// nil when neither is installed.
func FindBotocore() *Python {
	pyOnce.Do(func() {
		candidates := []Python{{Exe: "/usr/bin/python3", Prelude: "import awscli\n"}}
		if p, err := exec.LookPath("python3"); err == nil {
			candidates = append(candidates, Python{Exe: p})
		}
		for _, c := range candidates {
			cmd := exec.Command(c.Exe, "-c", c.Prelude+"import botocore.configloader")
			cmd.Env = pythonEnv()
			if cmd.Run() == nil {
				pyFound = &c
				return
			}
		}
	})
	return pyFound
}

// Run runs script with stdin and returns its stdout; a failure fails t.
func (p *Python) Run(t testing.TB, script string, stdin []byte, env ...string) []byte {
	t.Helper()
	out, stderr, err := p.Try(script, stdin, env...)
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderr)
	}
	return out
}

// Try runs script with stdin and returns its stdout, stderr and error.
func (p *Python) Try(script string, stdin []byte, env ...string) (stdout, stderr []byte, err error) {
	cmd := exec.Command(p.Exe, "-c", p.Prelude+script)
	cmd.Env = append(pythonEnv(), env...)
	cmd.Stdin = bytes.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	return o.Bytes(), e.Bytes(), err
}

// pythonEnv is the environment without the variables that would point
// botocore at other files or profiles, and with UTF-8 text files, as on any
// machine with a UTF-8 locale.
func pythonEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "PYTHON") {
			env = append(env, kv)
		}
	}
	return append(env, "PYTHONUTF8=1", "PYTHONDONTWRITEBYTECODE=1")
}
