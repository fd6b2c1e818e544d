//go:build unix

package token

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

// bgPID runs c with PIDFILE set to a file the command writes the PID of
// a background process to ($!), and returns Token's result and that PID.
func bgPID(t *testing.T, ctx context.Context, line string) (*Token, error, int) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("PIDFILE", filepath.Join(dir, "bg.pid"))
	t.Setenv("TOK_PATH", filepath.Join(dir, "t.jwt"))
	if err := os.WriteFile(filepath.Join(dir, "t.jwt"), []byte(testkit.JWT(t, `{"sub":"bg"}`)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tok, err := Command{Line: line, Origin: "the token command"}.Token(ctx)
	b, rerr := os.ReadFile(os.Getenv("PIDFILE"))
	pid, perr := strconv.Atoi(strings.TrimSpace(string(b)))
	if rerr != nil || perr != nil {
		t.Fatalf("the command wrote no PID (%v, %v); Token: %v", rerr, perr, err)
	}
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
	return tok, err, pid
}

// gone reports whether process pid has ended (a zombie no one reaped has:
// the parent it was left to may never reap it).
func gone(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return true
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return errors.Is(err, os.ErrNotExist) && runtimeHasProc()
	}
	_, rest, _ := strings.Cut(string(b), ") ")
	return strings.HasPrefix(rest, "Z") || strings.HasPrefix(rest, "X")
}

func runtimeHasProc() bool { _, err := os.Stat("/proc/self/stat"); return err == nil }

// wantGone fails unless pid ends soon (SIGKILL is not instant).
func wantGone(t *testing.T, pid int, what string) {
	t.Helper()
	for range 100 {
		if gone(pid) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("%s (pid %d) is still running after the run", what, pid)
}

// At the deadline the command's whole process group is killed, not only
// the shell: a child it waits for is gone when Token returns.
func TestCommandTimeoutKillsItsChildren(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err, pid := bgPID(t, ctx, `echo started >&2; sleep 30 & echo $! > "$PIDFILE"; wait`)
	var ce *CommandError
	if !errors.As(err, &ce) || !ce.TimedOut || ce.Stderr != "started" {
		t.Fatalf("error %v (%+v), want a timeout with its standard error", err, ce)
	}
	wantGone(t, pid, "the command's child")
}

// A process the command leaves running with its standard output open does
// not turn a token into a failure; without a token, the error says what
// held the output. Either way that process is killed. One that redirected
// its output is none of the run's business and is left alone.
func TestCommandBackgroundChild(t *testing.T) {
	tok, err, pid := bgPID(t, context.Background(), `sleep 30 & echo $! > "$PIDFILE"; cat "$TOK_PATH"`)
	if err != nil || tok.Claims.Subject != "bg" {
		t.Fatalf("Token: %v, %v", tok, err)
	}
	wantGone(t, pid, "the background process holding stdout")

	_, err, pid = bgPID(t, context.Background(), `sleep 30 & echo $! > "$PIDFILE"; echo not yet`)
	var ce *CommandError
	if !errors.As(err, &ce) || !ce.OutputHeld || ce.ExitCode() != 3 {
		t.Fatalf("error %v (%T), want OutputHeld", err, err)
	}
	if want := "the token command exited without printing a token while a process it started kept its standard output open"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	wantGone(t, pid, "the background process holding stdout")

	// A failure stays a failure, with its status.
	_, err, pid = bgPID(t, context.Background(), `sleep 30 & echo $! > "$PIDFILE"; echo no session >&2; exit 4`)
	if err == nil || !strings.HasPrefix(err.Error(), "the token command failed: exit status 4\nits standard error:\nno session") {
		t.Errorf("error %v", err)
	}
	wantGone(t, pid, "the background process holding stdout")

	tok, err, pid = bgPID(t, context.Background(), `sleep 30 >/dev/null 2>&1 & echo $! > "$PIDFILE"; cat "$TOK_PATH"`)
	if err != nil || tok.Claims.Subject != "bg" {
		t.Fatalf("Token: %v, %v", tok, err)
	}
	if gone(pid) {
		t.Errorf("a background process with its output redirected was killed")
	}
}

// A signal that would end oidc-creds reaches the command's group too, as
// it did when the command shared oidc-creds' group: the terminal's
// Ctrl-C, a runner's SIGTERM. oidc-creds still dies of it.
func TestCommandForwardsSignals(t *testing.T) {
	if os.Getenv("TOKEN_COMMAND_HELPER") != "" {
		_, err := Command{Line: os.Getenv("TOKEN_COMMAND_HELPER"), Origin: "helper"}.Token(context.Background())
		t.Fatalf("Token returned: %v", err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			pidFile := filepath.Join(t.TempDir(), "bg.pid")
			cmd := exec.Command(os.Args[0], "-test.run=^TestCommandForwardsSignals$")
			cmd.Env = append(os.Environ(), "PIDFILE="+pidFile,
				// A child in the foreground: a shell's "&" ignores SIGINT.
				`TOKEN_COMMAND_HELPER=sh -c 'echo $$ > "$PIDFILE.tmp"; mv "$PIDFILE.tmp" "$PIDFILE"; exec sleep 30'; echo after`)
			// No controlling terminal, and its own group: only it gets sig.
			cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			var pid int
			for range 250 {
				if b, err := os.ReadFile(pidFile); err == nil {
					pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			if pid == 0 {
				t.Fatal("the helper's command wrote no PID")
			}
			defer syscall.Kill(pid, syscall.SIGKILL)
			_ = cmd.Process.Signal(sig)
			err := cmd.Wait()
			ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
			if !ws.Signaled() || ws.Signal() != sig {
				t.Errorf("helper ended with %v, want killed by %v", err, sig)
			}
			wantGone(t, pid, "the command's child")
		})
	}
}
