//go:build !windows

package token

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

// command is c as a process: Line through sh -c, else Args.
func (c Command) command(ctx context.Context) *exec.Cmd {
	if c.Line != "" {
		return exec.CommandContext(ctx, "/bin/sh", "-c", c.Line)
	}
	return exec.CommandContext(ctx, c.Args[0], c.Args[1:]...)
}

// inGroup makes cmd the leader of a new process group, which everything
// it starts joins, and makes the end of its context kill that group.
func inGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		killGroup(cmd)
		return nil
	}
}

// killGroup kills cmd's process group, what is left of it.
func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			_ = cmd.Process.Kill()
		}
	}
}

// forwardSignals passes SIGINT, SIGTERM and SIGHUP on to cmd's process
// group until stop is called, and then raises it again for oidc-creds:
// in a group of its own, the command no longer gets the signals a
// terminal (Ctrl-C) or a CI runner sends oidc-creds' group. A signal
// ignored when oidc-creds started stays ignored.
func forwardSignals(cmd *exec.Cmd) (stop func()) {
	var sigs []os.Signal
	for _, s := range []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		if !signal.Ignored(s) {
			sigs = append(sigs, s)
		}
	}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		select {
		case s := <-ch:
			signal.Stop(ch)
			sig := s.(syscall.Signal)
			_ = syscall.Kill(-cmd.Process.Pid, sig)
			// What the signal would have done to oidc-creds, it does now
			// (unless something else in it handles the signal).
			raise(sig)
		case <-quit:
		}
	}()
	return func() {
		close(quit)
		<-done
		signal.Stop(ch)
	}
}
