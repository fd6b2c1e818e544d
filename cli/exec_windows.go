//go:build windows

package cli

import (
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

// stopSignals end serve.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

// runChild starts cmd and returns its exit status. The console sends
// Ctrl-C and Ctrl-Break to every process attached to it, the command
// included, so oidc-creds only keeps waiting for it.
func runChild(cmd *exec.Cmd, o *IO) (int, error) {
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, os.Interrupt)
	defer signal.Stop(ch)
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case <-ch:
			o.Logf("interrupt: waiting for the command, which received it too")
		case err := <-done:
			if cmd.ProcessState == nil {
				return 0, err
			}
			return cmd.ProcessState.ExitCode(), nil
		}
	}
}
