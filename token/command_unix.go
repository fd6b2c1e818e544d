//go:build !windows

package token

import (
	"context"
	"os/exec"
)

// command is c as a process: Line through sh -c, else Args.
func (c Command) command(ctx context.Context) *exec.Cmd {
	if c.Line != "" {
		return exec.CommandContext(ctx, "/bin/sh", "-c", c.Line)
	}
	return exec.CommandContext(ctx, c.Args[0], c.Args[1:]...)
}
