//go:build unix

package cli

import (
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"syscall"
)

// forwardedSignals are passed on to the command. A signal ignored when
// oidc-creds started (nohup, a background job of a script) stays ignored,
// for the command too.
var forwardedSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2}

// stopSignals end serve.
var stopSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}

// runChild starts cmd, forwards signals to it until it exits and returns
// its exit status: 128+N when signal N killed it, as shells report it. On
// Linux the command gets SIGTERM if oidc-creds dies first, even by SIGKILL
// (setParentDeathSignal); elsewhere it keeps running.
//
// SIGINT and SIGQUIT are not forwarded when oidc-creds runs in the
// foreground of its terminal: the terminal sent them to the command as
// well (it is in oidc-creds' process group), and programs such as pulumi
// take a second Ctrl-C as "stop at once".
func runChild(cmd *exec.Cmd, o *IO) (int, error) {
	var sigs []os.Signal
	for _, s := range forwardedSignals {
		if !signal.Ignored(s) {
			sigs = append(sigs, s)
		}
	}
	ch := make(chan os.Signal, 16)
	signal.Notify(ch, sigs...)
	defer signal.Stop(ch)
	setParentDeathSignal(cmd)
	started, done := make(chan error, 1), make(chan error, 1)
	go func() {
		// The parent-death signal (Linux) is sent when the thread that
		// started the command ends, not the process: this goroutine keeps
		// its thread, and so the thread lives, until the command has exited
		// (it never unlocks, so the runtime ends the thread with it).
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		done <- cmd.Wait()
	}()
	if err := <-started; err != nil {
		return 0, err
	}
	for {
		select {
		case sig := <-ch:
			if (sig == syscall.SIGINT || sig == syscall.SIGQUIT) && inTerminalForeground() {
				o.Logf("%v from the terminal: the command received it too", sig)
				continue
			}
			o.Logf("forwarding %v to the command", sig)
			_ = cmd.Process.Signal(sig)
		case err := <-done:
			if cmd.ProcessState == nil {
				return 0, err
			}
			if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				return 128 + int(ws.Signal()), nil
			}
			return cmd.ProcessState.ExitCode(), nil
		}
	}
}
