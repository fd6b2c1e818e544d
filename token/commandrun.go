package token

import (
	"context"
	"io"
	"os"
	"os/exec"
	"sync"
	"time"
)

// The waits of a run once the command itself has ended.
const (
	// outputGrace bounds how long a command's output is waited for once
	// it has exited: a process it started may hold the pipes open.
	outputGrace = time.Second
	// settleTime is how long stdout must stay unchanged before a token in
	// it is taken while a process the command started still holds it open.
	settleTime = 50 * time.Millisecond
	// drainTime bounds how long what is left in the pipes is read once
	// the command's process group has been killed.
	drainTime = 100 * time.Millisecond
)

// outcome is what one run of a command gave.
type outcome struct {
	stdout   string
	over     bool // stdout held more than maxTokenFile
	stderr   string
	err      error // from starting or waiting for the command
	timedOut bool  // ctx ended while it ran
	held     bool  // it exited, but a process it started kept stdout open
}

// run runs cmd in a process group of its own with empty stdin and its
// output in pipes, and waits for it: until it exits and its stdout ends,
// or, when a process it started holds stdout open, until a token
// (complete) is in it or outputGrace has passed. When ctx ends, or when it
// stops waiting for held output, it kills the whole group, so that nothing
// the command started outlives the run (on Windows only the process
// itself is killed; see killGroup).
func run(ctx context.Context, cmd *exec.Cmd, complete func(string) bool) outcome {
	outR, outW, err := os.Pipe()
	if err != nil {
		return outcome{err: err}
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return outcome{err: err}
	}
	inGroup(cmd)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, outW, errW
	err = cmd.Start()
	outW.Close()
	errW.Close()
	if err != nil {
		outR.Close()
		errR.Close()
		return outcome{err: err}
	}
	stop := forwardSignals(cmd)
	stdout, stderr := &capture{buf: limitedBuffer{max: maxTokenFile}}, &tailBuffer{}
	outDone, errDone := copyAll(stdout, outR), copyAll(stderr, errR)
	o := outcome{err: cmd.Wait()}
	stop()
	switch {
	case o.err != nil && ctx.Err() != nil:
		o.timedOut = true
	case o.err == nil:
		o.held = waitOutput(ctx, stdout, outDone, complete)
	default:
		o.held = waitOutput(ctx, stdout, outDone, nil)
	}
	if o.timedOut || o.held {
		killGroup(cmd)
		waitAll(drainTime, outDone, errDone)
	} else if s, _, _ := stdout.snapshot(); o.err != nil || !complete(s) {
		// Its standard error is part of the message.
		waitAll(outputGrace, errDone)
	}
	outR.Close()
	errR.Close()
	<-outDone
	<-errDone
	o.stdout, _, o.over = stdout.snapshot()
	o.stderr = stderr.String()
	return o
}

// waitOutput waits, once the command exited, for its stdout to end; it
// reports whether a process the command started still held stdout open
// when it stopped waiting: after outputGrace, when ctx ended, or, if
// complete is not nil, as soon as stdout holds what complete accepts and
// has not changed for settleTime.
func waitOutput(ctx context.Context, out *capture, done <-chan struct{}, complete func(string) bool) bool {
	grace := time.NewTimer(outputGrace)
	defer grace.Stop()
	tick := time.NewTicker(settleTime)
	defer tick.Stop()
	last := -1
	for {
		select {
		case <-done:
			return false
		default:
		}
		select {
		case <-done:
			return false
		case <-ctx.Done():
			return true
		case <-grace.C:
			return true
		case <-tick.C:
			s, n, _ := out.snapshot()
			if complete != nil && n == last && complete(s) {
				return true
			}
			last = n
		}
	}
}

// waitAll waits for every channel to close, for at most d in all.
func waitAll(d time.Duration, chans ...<-chan struct{}) {
	t := time.NewTimer(d)
	defer t.Stop()
	for _, c := range chans {
		select {
		case <-c:
		case <-t.C:
			return
		}
	}
}

// copyAll copies r to w until r ends or is closed, then closes the
// channel it returns.
func copyAll(w io.Writer, r io.Reader) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = io.Copy(w, r)
	}()
	return done
}

// capture is a limitedBuffer that can be read while it is written.
type capture struct {
	mu  sync.Mutex
	buf limitedBuffer
}

func (c *capture) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.Write(p)
}

// snapshot is what was kept so far, its length, and whether more came.
func (c *capture) snapshot() (s string, n int, over bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String(), c.buf.buf.Len(), c.buf.over
}
