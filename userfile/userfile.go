// Package userfile reads the files a user names (a token file, a session
// policy, a CA bundle, the AWS config): bounded in size, and within a
// context, so that a FIFO without a writer, a device or a hung mount fails
// when the run's deadline passes instead of blocking it forever.
package userfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// TooLargeError is a file longer than the limit Read was given.
type TooLargeError struct {
	Path  string
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is larger than %d bytes", e.Path, e.Limit)
}

// Read returns the contents of the file at path, at most limit bytes (a
// longer file is a *TooLargeError), within ctx. When ctx ends first, the
// error wraps ctx.Err(): a file that blocks (a FIFO that no one writes, a
// terminal) never holds the caller past its deadline. A read still blocked
// when ctx ends goes on in the background; a later Read of the same path
// waits for that read instead of starting another, so a file that stays
// blocked holds at most one goroutine.
func Read(ctx context.Context, path string, limit int64) ([]byte, error) {
	r := start(fmt.Sprint(limit, ":", path), path, limit)
	select {
	case <-r.done:
		return r.b, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("reading %s did not finish: %w", path, ctx.Err())
	}
}

// read is one read of a path, shared by the Reads that wait for it.
type read struct {
	done chan struct{}
	b    []byte
	err  error
}

var (
	mu       sync.Mutex
	inflight = map[string]*read{}
)

// start returns the read of path in flight under key, or starts one.
func start(key, path string, limit int64) *read {
	mu.Lock()
	defer mu.Unlock()
	if r, ok := inflight[key]; ok {
		return r
	}
	r := &read{done: make(chan struct{})}
	inflight[key] = r
	go func() {
		r.b, r.err = readAll(path, limit)
		mu.Lock()
		delete(inflight, key)
		mu.Unlock()
		close(r.done)
	}()
	return r
}

func readAll(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, &TooLargeError{Path: path, Limit: limit}
	}
	return b, nil
}

// TimedOut reports whether err is a Read that ctx ended.
func TimedOut(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}
