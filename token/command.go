package token

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"

	"github.com/oidc-creds/oidc-creds/creds"
)

// Command is the token a command prints on standard output, run afresh on
// every call (its output may change identity): Line through the system
// shell (sh -c; cmd /c on Windows), or else Args without one. Its standard
// input is empty and its standard error is kept for the error when it
// fails. The run ends with ctx: on unix the command has a process group of
// its own, killed whole then (on Windows, only the command's process), and
// SIGINT, SIGTERM and SIGHUP are passed on to that group.
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
	// OutputHeld: it exited without printing a token while a process it
	// started kept its standard output open.
	OutputHeld bool
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
	case e.OutputHeld:
		s = fmt.Sprintf("%s exited without printing a token while a process it started kept its standard output open", e.Origin)
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

// maxStderr is how much of a command's standard error an error keeps.
const maxStderr = 2048

// Token runs the command and decodes its trimmed standard output. A
// process the command leaves running with its standard output open does
// not hold the run up: once the command has exited, a token it printed is
// taken (and what it left running is killed), else the run fails saying
// so.
func (c Command) Token(ctx context.Context) (*Token, error) {
	complete := func(s string) bool {
		_, err := parse(s, c.Origin)
		return strings.TrimSpace(s) != "" && err == nil
	}
	o := run(ctx, c.command(ctx), complete)
	fail := &CommandError{Origin: c.Origin, Stderr: o.stderr, Err: o.err}
	switch {
	case o.timedOut:
		fail.TimedOut, fail.Err = true, ctx.Err()
		return nil, fail
	case errors.Is(o.err, exec.ErrNotFound), errors.Is(o.err, exec.ErrDot):
		fail.NotFound = true
		return nil, fail
	case o.err != nil:
		return nil, fail
	case o.over:
		return nil, tooLarge("the output of " + c.Origin)
	case o.held && !complete(o.stdout):
		fail.OutputHeld = true
		return nil, fail
	case strings.TrimSpace(o.stdout) == "":
		return nil, fail
	}
	return parse(o.stdout, c.Origin)
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

// tailBuffer keeps the last maxStderr bytes written, from the start of a
// line: a line cut by the limit is left out (the last line is kept cut,
// marked "…", when it alone is longer).
type tailBuffer struct {
	b   []byte
	cut bool // bytes before b were dropped
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 2*maxStderr {
		t.b, t.cut = append(t.b[:0], t.b[len(t.b)-maxStderr:]...), true
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	b, cut := t.b, t.cut
	if len(b) > maxStderr {
		b, cut = b[len(b)-maxStderr:], true
	}
	if cut {
		if i := bytes.IndexByte(b, '\n'); i >= 0 && len(bytes.TrimSpace(b[i+1:])) > 0 {
			b = b[i+1:]
		} else {
			for len(b) > 0 && b[0]&0xc0 == 0x80 { // not in the middle of a character
				b = b[1:]
			}
			b = append([]byte("…"), b...)
		}
	}
	return strings.TrimSpace(strings.ToValidUTF8(string(b), "?"))
}

var _ io.Writer = (*tailBuffer)(nil)
