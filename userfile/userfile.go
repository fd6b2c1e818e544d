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
	"io/fs"
	"os"
	"sync"
	"sync/atomic"
)

// TooLargeError is a file longer than the limit Read was given.
type TooLargeError struct {
	Path  string
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s is larger than %d bytes", e.Path, e.Limit)
}

// NoEndError is a read that got N bytes but no end of file before the
// context ended: a FIFO whose writer wrote and keeps it open, say. What
// arrived is not used, since nothing says it is all there is. Read returns
// it inside an *fs.PathError.
type NoEndError struct{ N int64 }

func (e *NoEndError) Error() string {
	return fmt.Sprintf("it sent %d bytes but no end of file in time (a FIFO whose writer keeps it open?)", e.N)
}

// Read returns the contents of the file at path, at most limit bytes (a
// longer file is a *TooLargeError), within ctx. When ctx ends first, the
// error wraps ctx.Err() if nothing arrived (TimedOut), else it is a
// *NoEndError: a file that blocks (a FIFO that no one writes, a terminal)
// never holds the caller past its deadline.
//
// A read still blocked when ctx ends goes on in the background. A later Read
// of the same file waits for it instead of starting another, so a file that
// stays blocked holds at most one goroutine; "the same" is the same file (a
// stat, which does not block on a FIFO, gives its device and inode), not
// the same path: a path whose blocked file was replaced (a regular file
// put back where a FIFO was) is read afresh.
func Read(ctx context.Context, path string, limit int64) ([]byte, error) {
	fi, err := stat(ctx, path)
	if err != nil {
		return nil, err
	}
	return readFile(ctx, path, fi, limit)
}

// NotRegularError is a file ReadRegular refused: a FIFO, a directory, a
// device. ReadRegular returns it inside an *fs.PathError.
type NotRegularError struct {
	Mode fs.FileMode // the file's type bits
}

func (e *NotRegularError) Error() string { return "not a regular file" }

// ReadRegular is Read of a regular file: the one stat of path, within ctx,
// gives its type, and a file of another type is not read (an error
// wrapping a *NotRegularError). A missing file is the stat's error
// (fs.ErrNotExist).
func ReadRegular(ctx context.Context, path string, limit int64) ([]byte, error) {
	fi, err := stat(ctx, path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: path, Err: &NotRegularError{Mode: fi.Mode().Type()}}
	}
	return readFile(ctx, path, fi, limit)
}

// Stat is os.Stat(path) within ctx: a hung mount fails when ctx ends.
func Stat(ctx context.Context, path string) (fs.FileInfo, error) { return stat(ctx, path) }

// readFile reads the file fi found at path, as Read does.
func readFile(ctx context.Context, path string, fi fs.FileInfo, limit int64) ([]byte, error) {
	r := start(path, fi, limit)
	select {
	case <-r.done:
		return r.b, r.err
	case <-ctx.Done():
		if n := r.got.Load(); n > 0 {
			return nil, &fs.PathError{Op: "read", Path: path, Err: &NoEndError{N: n}}
		}
		return nil, fmt.Errorf("reading %s did not finish: %w", path, ctx.Err())
	}
}

// read is one read of a file, shared by the Reads that wait for it.
type read struct {
	fi    fs.FileInfo // the file, as a stat of the path found it
	limit int64
	got   atomic.Int64 // bytes read so far
	done  chan struct{}
	b     []byte
	err   error
}

// statCall is one stat of a path, shared in the same way: a stat blocks
// only where the file system hangs, and then every stat of the path would.
type statCall struct {
	done chan struct{}
	fi   fs.FileInfo
	err  error
}

var (
	mu       sync.Mutex
	inflight = map[string][]*read{} // by path
	stats    = map[string]*statCall{}
)

// osStat is os.Stat; tests make it hang, as a hung mount does.
var osStat = os.Stat

// stat is os.Stat(path), within ctx.
func stat(ctx context.Context, path string) (fs.FileInfo, error) {
	mu.Lock()
	s, ok := stats[path]
	if !ok {
		s = &statCall{done: make(chan struct{})}
		stats[path] = s
		statFn := osStat
		go func() {
			s.fi, s.err = statFn(path)
			mu.Lock()
			delete(stats, path)
			mu.Unlock()
			close(s.done)
		}()
	}
	mu.Unlock()
	select {
	case <-s.done:
		return s.fi, s.err
	case <-ctx.Done():
		return nil, fmt.Errorf("reading %s did not finish: %w", path, ctx.Err())
	}
}

// start returns the read of file fi at path in flight, or starts one.
func start(path string, fi fs.FileInfo, limit int64) *read {
	mu.Lock()
	defer mu.Unlock()
	for _, r := range inflight[path] {
		if r.limit == limit && os.SameFile(r.fi, fi) {
			return r
		}
	}
	r := &read{fi: fi, limit: limit, done: make(chan struct{})}
	inflight[path] = append(inflight[path], r)
	go func() {
		r.b, r.err = r.readAll(path)
		mu.Lock()
		rs := inflight[path]
		for i := range rs {
			if rs[i] == r {
				rs = append(rs[:i], rs[i+1:]...)
				break
			}
		}
		if len(rs) == 0 {
			delete(inflight, path)
		} else {
			inflight[path] = rs
		}
		mu.Unlock()
		close(r.done)
	}()
	return r
}

func (r *read) readAll(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(&counter{io.LimitReader(f, r.limit+1), &r.got})
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > r.limit {
		return nil, &TooLargeError{Path: path, Limit: r.limit}
	}
	return b, nil
}

// counter counts what passes through it.
type counter struct {
	r io.Reader
	n *atomic.Int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// PathCause drops the path an *fs.PathError repeats (the caller's message
// names the file already).
func PathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// TimedOut reports whether err is a Read that ctx ended before anything
// arrived (a *NoEndError is not: something did).
func TimedOut(err error) bool {
	var ne *NoEndError
	if errors.As(err, &ne) {
		return false
	}
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}
