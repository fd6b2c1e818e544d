package token

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"sync"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/userfile"
)

// A Source loads an OIDC token. Token reads it afresh on every call
// (platforms rotate tokens), within ctx, trims white space and decodes the
// claims; the token's Origin says where it came from. It does not check
// exp or nbf: see Token.CheckTime.
//
// A Source that holds no token at all (an unset variable, a missing file)
// fails with an *AbsentError, so that a Chain can try the next one.
type Source interface {
	Token(ctx context.Context) (*Token, error)
}

// PulumiTokenFile is where Pulumi Deployments mount the OIDC token.
const PulumiTokenFile = "/mnt/pulumi/pulumi.oidc"

// Default is where a token is looked for when none is named:
// $PULUMI_OIDC_TOKEN, then pulumiFile (PulumiTokenFile when ""), then the
// file named by $AWS_WEB_IDENTITY_TOKEN_FILE, then platform (the CI
// platform's source, see Detection.Source; nil = none). getenv nil is
// os.Getenv.
func Default(getenv func(string) string, pulumiFile string, platform Source) Chain {
	if pulumiFile == "" {
		pulumiFile = PulumiTokenFile
	}
	c := Chain{
		Env{Name: "PULUMI_OIDC_TOKEN", Getenv: getenv},
		File{Path: pulumiFile},
		EnvFile{Name: "AWS_WEB_IDENTITY_TOKEN_FILE", Getenv: getenv},
	}
	if platform != nil {
		c = append(c, platform)
	}
	return c
}

// AbsentError is a Source's failure when it holds no token at all.
type AbsentError struct {
	Msg    string // the sentence when the source was named on its own
	Reason string // the clause when it was one of several, e.g. "PULUMI_OIDC_TOKEN is unset"
}

func (e *AbsentError) Error() string { return e.Msg }

// ExitCode is the status of a token problem.
func (e *AbsentError) ExitCode() int { return int(creds.KindToken) }

// NoTokenError is a Chain's failure when none of its sources holds a token.
type NoTokenError struct {
	Reasons []string // each source's AbsentError.Reason, in order
}

func (e *NoTokenError) Error() string {
	return "no OIDC token found: " + joinAnd(e.Reasons)
}

// ExitCode is the status of a token problem.
func (e *NoTokenError) ExitCode() int { return int(creds.KindToken) }

func joinAnd(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// Chain is the first of its sources that holds a token.
type Chain []Source

// Token loads from the first source that does not fail with an
// *AbsentError; when all do, the error is a *NoTokenError.
func (c Chain) Token(ctx context.Context) (*Token, error) {
	var reasons []string
	for _, s := range c {
		t, err := s.Token(ctx)
		var absent *AbsentError
		if !errors.As(err, &absent) {
			return t, err
		}
		reasons = append(reasons, absent.Reason)
	}
	return nil, &NoTokenError{Reasons: reasons}
}

// Keyed is a Source whose token comes from a request whose inputs stay the
// same for a whole CI job (GitHub Actions', Azure DevOps'). Key identifies
// those inputs — a hash, never the inputs — so that credentials can be
// looked up before any request is made.
type Keyed interface {
	Source
	Key() string
}

// Resolve finds the source that will give the token without making a
// request: a Keyed source is returned unread (tok nil), as is a Chain's
// first Keyed source once the sources before it hold no token; any other
// source is read, and returned with its token.
func Resolve(ctx context.Context, src Source) (Source, *Token, error) {
	c, ok := src.(Chain)
	if !ok {
		if k, ok := src.(Keyed); ok {
			return k, nil, nil
		}
		t, err := src.Token(ctx)
		return src, t, err
	}
	var reasons []string
	for _, s := range c {
		if k, ok := s.(Keyed); ok {
			return k, nil, nil
		}
		t, err := s.Token(ctx)
		var absent *AbsentError
		if !errors.As(err, &absent) {
			return s, t, err
		}
		reasons = append(reasons, absent.Reason)
	}
	return nil, nil, &NoTokenError{Reasons: reasons}
}

// Env is the token in an environment variable.
type Env struct {
	Name   string
	Getenv func(string) string // nil = os.Getenv
}

// Token reads the variable; unset or empty, it is an *AbsentError.
func (e Env) Token(ctx context.Context) (*Token, error) {
	v := getenv(e.Getenv)(e.Name)
	if v == "" {
		return nil, &AbsentError{Msg: fmt.Sprintf("the environment variable %s is unset or empty", e.Name), Reason: e.Name + " is unset"}
	}
	return parse(v, "environment variable "+e.Name)
}

// File is the token in a file.
type File struct {
	Path   string
	Origin string // for messages; "" = "file PATH"
}

// Token reads the file; a missing one is an *AbsentError.
func (f File) Token(ctx context.Context) (*Token, error) {
	origin := f.Origin
	if origin == "" {
		origin = "file " + f.Path
	}
	raw, err := readTokenFile(ctx, f.Path)
	if err != nil {
		return nil, err
	}
	return parse(raw, origin)
}

// EnvFile is the token in the file an environment variable names, as
// AWS_WEB_IDENTITY_TOKEN_FILE does (Kubernetes rotates that file).
type EnvFile struct {
	Name   string
	Getenv func(string) string // nil = os.Getenv
}

// Token reads the file the variable names; an unset variable is an
// *AbsentError, a missing file is not (the variable promised one).
func (e EnvFile) Token(ctx context.Context) (*Token, error) {
	path := getenv(e.Getenv)(e.Name)
	if path == "" {
		return nil, &AbsentError{Msg: fmt.Sprintf("the environment variable %s is unset or empty", e.Name), Reason: e.Name + " is unset"}
	}
	t, err := File{Path: path, Origin: "file " + path + " (" + e.Name + ")"}.Token(ctx)
	var absent *AbsentError
	if errors.As(err, &absent) {
		return nil, tokenError("%s", absent.Msg)
	}
	return t, err
}

// Reader is a token read once from a stream, such as standard input, and
// served again on every later call: a stream cannot be re-read.
type Reader struct {
	R      io.Reader
	Origin string // for messages, e.g. "standard input"

	once sync.Once
	done chan struct{}
	raw  string
	err  error
}

// Token reads R on the first call and decodes the same bytes every time.
// A stream that gives nothing before ctx ends fails; the read goes on, and
// a later call waits for it again.
func (r *Reader) Token(ctx context.Context) (*Token, error) {
	r.once.Do(func() {
		r.done = make(chan struct{})
		go func() {
			defer close(r.done)
			b, err := io.ReadAll(io.LimitReader(r.R, maxTokenFile+1))
			switch {
			case err != nil:
				r.err = &creds.Error{Kind: creds.KindToken, Msg: fmt.Sprintf("cannot read the token from %s: %v", r.Origin, err), Err: err}
			case len(b) > maxTokenFile:
				r.err = tooLarge(r.Origin)
			}
			r.raw = string(b)
		}()
	})
	select {
	case <-r.done:
	case <-ctx.Done():
		return nil, &creds.Error{Kind: creds.KindToken, Err: ctx.Err(),
			Msg: fmt.Sprintf("no token came from %s in time; pass the token on it, or name a file or variable instead", r.Origin)}
	}
	if r.err != nil {
		return nil, r.err
	}
	return parse(r.raw, r.Origin)
}

func getenv(f func(string) string) func(string) string {
	if f == nil {
		return os.Getenv
	}
	return f
}

// maxTokenFile bounds what is read of a file or stream; more is an error
// (STS takes at most MaxLength characters).
const maxTokenFile = 1 << 20

// MaxLength is the longest token STS accepts (WebIdentityToken).
const MaxLength = 20000

// parse decodes raw after checking its length.
func parse(raw, origin string) (*Token, error) {
	if n := len(strings.TrimSpace(raw)); n > MaxLength {
		return nil, tokenError("the token from %s is %d characters long; STS accepts at most %d: check that it holds only the OIDC token", origin, n, MaxLength)
	}
	return Parse(raw, origin)
}

func tooLarge(origin string) error {
	return tokenError("%s holds more than 1 MiB; an OIDC token is at most %d characters (STS's limit): check that it holds only the token", origin, MaxLength)
}

func readTokenFile(ctx context.Context, path string) (string, error) {
	b, err := userfile.Read(ctx, path, maxTokenFile)
	var tl *userfile.TooLargeError
	switch {
	case err == nil:
		return string(b), nil
	case errors.Is(err, fs.ErrNotExist):
		return "", &AbsentError{Msg: fmt.Sprintf("the token file %s does not exist; check the path", path), Reason: path + " does not exist"}
	case errors.As(err, &tl):
		return "", tooLarge("the token file " + path)
	case userfile.TimedOut(err):
		return "", &creds.Error{Kind: creds.KindToken, Err: err,
			Msg: fmt.Sprintf("cannot read the token file %s: it gave nothing in time (a FIFO or device that no one writes to?)", path)}
	}
	return "", &creds.Error{Kind: creds.KindToken, Msg: fmt.Sprintf("cannot read the token file %s: %v", path, userfile.PathCause(err)), Err: err}
}
