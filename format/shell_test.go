package format

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oidc-creds/oidc-creds/creds"
)

// A shell that can run the output of a format: argv runs the script given
// as the next argument.
type shell struct {
	name string
	argv []string
	// evalAll runs the file $IN and writes each of the four Env variables
	// to $OUT/1 … $OUT/4.
	evalAll string
	// printVar prints $MY_VAR to stdout; it is appended to a statement.
	printVar string
}

const posixEvalAll = `eval "$(cat "$IN")"
printf '%s' "$AWS_ACCESS_KEY_ID" >"$OUT/1"
printf '%s' "$AWS_SECRET_ACCESS_KEY" >"$OUT/2"
printf '%s' "$AWS_SESSION_TOKEN" >"$OUT/3"
printf '%s' "$AWS_CREDENTIAL_EXPIRATION" >"$OUT/4"
`

var posixShells = []shell{
	{name: "sh", argv: []string{"sh", "-c"}},
	{name: "bash", argv: []string{"bash", "--norc", "--noprofile", "-c"}},
	{name: "dash", argv: []string{"dash", "-c"}},
	{name: "zsh", argv: []string{"zsh", "-f", "-c"}},
	{name: "ksh", argv: []string{"ksh", "-c"}},
}

var fishShell = shell{
	name: "fish",
	argv: []string{"fish", "--no-config", "-c"},
	evalAll: `source $IN
printf '%s' "$AWS_ACCESS_KEY_ID" >$OUT/1
printf '%s' "$AWS_SECRET_ACCESS_KEY" >$OUT/2
printf '%s' "$AWS_SESSION_TOKEN" >$OUT/3
printf '%s' "$AWS_CREDENTIAL_EXPIRATION" >$OUT/4
`,
	printVar: `; printf '%s' "$MY_VAR"`,
}

func init() {
	for i := range posixShells {
		posixShells[i].evalAll = posixEvalAll
		posixShells[i].printVar = `; printf '%s' "$MY_VAR"`
	}
}

// shellEnv is the environment the shells run in: no start-up files, a
// UTF-8 locale, no inherited AWS variables.
func shellEnv(t *testing.T, extra ...string) []string {
	home := t.TempDir()
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case name == "BASH_ENV", name == "ENV", name == "HOME", name == "MY_VAR",
			strings.HasPrefix(name, "LC_"), name == "LANG",
			strings.HasPrefix(name, "XDG_"), strings.HasPrefix(name, "AWS_"), strings.HasPrefix(name, "fish_"):
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "HOME="+home, "XDG_CONFIG_HOME="+home, "XDG_DATA_HOME="+home, "XDG_CACHE_HOME="+home,
		"LC_ALL=C.UTF-8")
	return append(env, extra...)
}

func lookShell(t *testing.T, sh shell) {
	t.Helper()
	if _, err := exec.LookPath(sh.argv[0]); err != nil {
		t.Skipf("%s is not installed", sh.argv[0])
	}
}

// hostileCredentials puts value in every field Env writes. The keys must
// not be empty, so they get a suffix.
func hostileCredentials(value string) (creds.Credentials, [4]string) {
	c := creds.Credentials{
		AccessKeyID:     "AKIA" + value,
		SecretAccessKey: value + "+/=",
		SessionToken:    value,
		Expiration:      time.Date(2026, 11, 25, 15, 0, 0, 0, time.FixedZone("EST", -5*3600)),
		AccountID:       "123456789012",
	}
	return c, [4]string{c.AccessKeyID, c.SecretAccessKey, c.SessionToken, "2026-11-25T20:00:00Z"}
}

// evalRoundTrip writes Env output for the hostile values to a file, has the
// shell evaluate the whole file and compares the four variables byte for
// byte.
func evalRoundTrip(t *testing.T, sh shell, format string, skip func(string) bool) {
	lookShell(t, sh)
	for _, h := range hostile {
		if skip != nil && skip(h.value) {
			continue
		}
		t.Run(h.name, func(t *testing.T) {
			dir := t.TempDir()
			c, want := hostileCredentials(h.value)
			var out bytes.Buffer
			if err := Env(&out, format, c); err != nil {
				t.Fatal(err)
			}
			in := filepath.Join(dir, "in")
			if err := os.WriteFile(in, out.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(sh.argv[0], append(sh.argv[1:], sh.evalAll)...)
			cmd.Env = shellEnv(t, "IN="+in, "OUT="+dir)
			if b, err := cmd.CombinedOutput(); err != nil || len(b) > 0 {
				t.Fatalf("%s failed: %v\n%s\ninput:\n%s", sh.name, err, b, out.Bytes())
			}
			for i, w := range want {
				got, err := os.ReadFile(filepath.Join(dir, string(rune('1'+i))))
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != w {
					t.Errorf("variable %d: %s read back %q, want %q\ninput:\n%s", i+1, sh.name, got, w, out.Bytes())
				}
			}
		})
	}
}

// statementRoundTrip runs each single statement directly as the script of
// `shell -c`, followed by a command printing the variable.
func statementRoundTrip(t *testing.T, sh shell, format string, skip func(string) bool) {
	lookShell(t, sh)
	for _, h := range hostile {
		if skip != nil && skip(h.value) {
			continue
		}
		t.Run(h.name, func(t *testing.T) {
			stmt, err := statement(format, "MY_VAR", h.value)
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(sh.argv[0], append(sh.argv[1:], stmt+sh.printVar)...)
			cmd.Env = shellEnv(t)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			got, err := cmd.Output()
			if err != nil || stderr.Len() > 0 {
				t.Fatalf("%s failed: %v\n%s\nstatement: %q", sh.name, err, stderr.Bytes(), stmt)
			}
			if string(got) != h.value {
				t.Errorf("%s read back %q from %q, want %q", sh.name, got, stmt, h.value)
			}
		})
	}
}

func TestShRoundTrip(t *testing.T) {
	for _, sh := range posixShells {
		t.Run(sh.name+"/eval", func(t *testing.T) {
			t.Parallel()
			evalRoundTrip(t, sh, "sh", nil)
		})
		t.Run(sh.name+"/statement", func(t *testing.T) {
			t.Parallel()
			statementRoundTrip(t, sh, "sh", nil)
		})
	}
}

func TestFishRoundTrip(t *testing.T) {
	t.Run("source", func(t *testing.T) {
		t.Parallel()
		evalRoundTrip(t, fishShell, "fish", nil)
	})
	t.Run("statement", func(t *testing.T) {
		t.Parallel()
		statementRoundTrip(t, fishShell, "fish", nil)
	})
}

// TestPowerShellRoundTrip runs the output line by line through
// Invoke-Expression, the way `oidc-creds … | Invoke-Expression` does. It
// needs pwsh on PATH.
func TestPowerShellRoundTrip(t *testing.T) {
	pwsh := shell{
		name: "pwsh",
		argv: []string{"pwsh", "-NoLogo", "-NoProfile", "-NonInteractive", "-Command"},
		evalAll: `$ErrorActionPreference = 'Stop'
Get-Content -LiteralPath $Env:IN -Encoding utf8 | ForEach-Object { Invoke-Expression $_ }
$enc = New-Object System.Text.UTF8Encoding $false
[IO.File]::WriteAllText("$Env:OUT/1", "$Env:AWS_ACCESS_KEY_ID", $enc)
[IO.File]::WriteAllText("$Env:OUT/2", "$Env:AWS_SECRET_ACCESS_KEY", $enc)
[IO.File]::WriteAllText("$Env:OUT/3", "$Env:AWS_SESSION_TOKEN", $enc)
[IO.File]::WriteAllText("$Env:OUT/4", "$Env:AWS_CREDENTIAL_EXPIRATION", $enc)
`,
	}
	// PowerShell strings are UTF-16: invalid UTF-8 cannot survive.
	evalRoundTrip(t, pwsh, "powershell", func(v string) bool { return !validUTF8(v) })
}
