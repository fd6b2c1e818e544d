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
