package token

import (
	"context"
	"os"
	"os/exec"
	"syscall"
)

// command is c as a process: Line through cmd /c (given to it verbatim,
// as a shell would), else Args.
func (c Command) command(ctx context.Context) *exec.Cmd {
	if c.Line == "" {
		return exec.CommandContext(ctx, c.Args[0], c.Args[1:]...)
	}
	shell := os.Getenv("ComSpec")
	if shell == "" {
		shell = "cmd.exe"
	}
	cmd := exec.CommandContext(ctx, shell)
	cmd.SysProcAttr = &syscall.SysProcAttr{CmdLine: `cmd /d /s /c "` + c.Line + `"`}
	return cmd
}

// inGroup does nothing on Windows: the end of the context kills the
// command's own process (exec's default), not the processes it started.
// Those may outlive the run; the run itself still ends on time, since it
// stops reading the output they hold.
func inGroup(cmd *exec.Cmd) {}

// killGroup kills the command's process if it still runs; see inGroup.
func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}

// forwardSignals does nothing on Windows: a console's Ctrl-C reaches
// every process attached to it, the command's children included.
func forwardSignals(cmd *exec.Cmd) (stop func()) { return func() {} }
