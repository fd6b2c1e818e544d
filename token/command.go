package token

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"

	"github.com/oidc-creds/oidc-creds/creds"
)

// Command is the token a command prints on standard output, run afresh on
// every call (its output may change identity): Line through the system
// shell (sh -c; cmd /c on Windows), or else Args without one. Its standard
// input is empty and its standard error is kept for the error when it
// fails; the run ends with ctx.
type Command struct {
	Line   string
	Args   []string
	Origin string // for messages, e.g. "the token command"
}

// CommandError is a command that failed or printed no token. Stderr is its
// standard error, cut to its last lines: it may hold secrets, so the
// caller redacts it before showing it.
type CommandError struct {
	Origin   string
	Stderr   string
	Err      error // the run's failure; nil when it succeeded without output
	TimedOut bool
	NotFound bool
}

func (e *CommandError) Error() string {
	var s string
	switch {
	case e.TimedOut:
		s = fmt.Sprintf("%s did not finish in time", e.Origin)
	case e.NotFound:
		s = fmt.Sprintf("%s cannot be run: %v", e.Origin, e.Err)
	case e.Err != nil:
		s = fmt.Sprintf("%s failed: %v", e.Origin, e.Err)
	default:
		s = fmt.Sprintf("%s printed no token", e.Origin)
	}
	if e.Stderr != "" {
		s += "\nits standard error:\n" + e.Stderr
	}
	return s
}

func (e *CommandError) Unwrap() error { return e.Err }

// ExitCode is the status of a token problem.
func (e *CommandError) ExitCode() int { return int(creds.KindToken) }

// commandWaitDelay bounds how long a command's output is waited for once
// it has been killed (a child it left behind may hold the pipes open).
const commandWaitDelay = time.Second

// maxStderr is how much of a command's standard error an error keeps.
const maxStderr = 2048

// Token runs the command and decodes its trimmed standard output.
func (c Command) Token(ctx context.Context) (*Token, error) {
	cmd := c.command(ctx)
	var stdout limitedBuffer
	var stderr tailBuffer
	stdout.max = maxTokenFile
	cmd.Stdout, cmd.Stderr, cmd.Stdin = &stdout, &stderr, nil
	cmd.WaitDelay = commandWaitDelay
	err := cmd.Run()
	fail := &CommandError{Origin: c.Origin, Stderr: stderr.String(), Err: err}
	switch {
	case err != nil && ctx.Err() != nil:
		fail.TimedOut, fail.Err = true, ctx.Err()
		return nil, fail
	case errors.Is(err, exec.ErrNotFound), errors.Is(err, exec.ErrDot):
		fail.NotFound = true
		return nil, fail
	case err != nil:
		return nil, fail
	case stdout.over:
		return nil, tooLarge("the output of " + c.Origin)
	case strings.TrimSpace(stdout.String()) == "":
		return nil, fail
	}
	return parse(stdout.String(), c.Origin)
}

// limitedBuffer keeps the first max bytes written and notes any more. (It
// does not embed bytes.Buffer: io.Copy would use its ReadFrom, unbounded.)
type limitedBuffer struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.buf.Len(); len(p) > room {
		b.over = true
		b.buf.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return b.buf.Write(p)
}

func (b *limitedBuffer) String() string { return b.buf.String() }

// tailBuffer keeps the last maxStderr bytes written.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 2*maxStderr {
		t.b = append(t.b[:0], t.b[len(t.b)-maxStderr:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	b := t.b
	if len(b) > maxStderr {
		b = b[len(b)-maxStderr:]
	}
	return strings.TrimSpace(strings.ToValidUTF8(string(b), "?"))
}

var _ io.Writer = (*tailBuffer)(nil)
