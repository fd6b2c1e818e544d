package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/format"
)

// githubEnv is the file GITHUB_ENV names, open for appending. The runner
// creates it for each step and reads it when the step ends.
type githubEnv struct {
	f    *os.File
	path string
}

// openGitHubEnv opens the file GITHUB_ENV names for appending. It refuses,
// as bad input, an unset GITHUB_ENV, a missing file and anything that is
// not a regular file (a FIFO, a device, a directory), before any exchange.
func openGitHubEnv() (*githubEnv, error) {
	path := os.Getenv("GITHUB_ENV")
	if path == "" {
		return nil, usageError("--format github appends the variables to the file that GITHUB_ENV names, but GITHUB_ENV is not set; run it in a step of a GitHub Actions job, or pick another --format")
	}
	fi, err := os.Stat(path)
	if err == nil && !fi.Mode().IsRegular() {
		return nil, notRegular(path, fi)
	}
	if err != nil {
		return nil, githubEnvError(path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|openNonBlocking, 0)
	if err != nil {
		return nil, githubEnvError(path, err)
	}
	// It may have been replaced between the two looks.
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		if err != nil {
			return nil, githubEnvError(path, err)
		}
		return nil, notRegular(path, fi)
	}
	return &githubEnv{f: f, path: path}, nil
}

func notRegular(path string, fi fs.FileInfo) error {
	return usageError("GITHUB_ENV names %s, which %s; the runner makes it a plain file for each step", path, notRegularKind(fi.Mode()))
}

// notRegularKind says what a file that is not a regular file is.
func notRegularKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "is a directory"
	case m&fs.ModeNamedPipe != 0:
		return "is a named pipe (FIFO), not a regular file"
	case m&fs.ModeDevice != 0:
		return "is a device, not a regular file"
	case m&fs.ModeSocket != 0:
		return "is a socket, not a regular file"
	}
	return "is not a regular file"
}

func githubEnvError(path string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return usageError("GITHUB_ENV names %s, which does not exist; the runner creates it for each step", path)
	}
	return &creds.Error{Kind: creds.KindInput, Err: err, Msg: fmt.Sprintf("cannot open the file GITHUB_ENV names for appending: %v", unwrapOpError(err))}
}

// write prints out's masks on stdout, then appends its variables to the
// file in one write(2): with O_APPEND, the block lands whole at the end of
// the file even when another process of the step appends at the same time.
// The masks come first so that the runner hides the values before any later
// step can print them. It closes the file.
func (g *githubEnv) write(o *IO, out format.GitHubOutput) error {
	if _, err := io.WriteString(o.Stdout, out.Masks); err != nil {
		return err
	}
	_, err := g.f.Write([]byte(out.Env))
	if cerr := g.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return &creds.Error{Kind: creds.KindInternal, Err: err, Msg: fmt.Sprintf("cannot append the variables to %s (GITHUB_ENV): %v", g.path, unwrapOpError(err))}
	}
	o.Logf("appended the variables to %s (GITHUB_ENV), their values masked", g.path)
	return nil
}

// close closes the file if write did not.
func (g *githubEnv) close() { _ = g.f.Close() }
