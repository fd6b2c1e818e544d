// Package format writes AWS credentials for the programs that consume them:
// the JSON an AWS SDK reads from a credential_process helper (Process), and
// statements that set environment variables in a shell or an env file (Env,
// and WriteVars for any variables), and the masks and GITHUB_ENV block that
// set them in GitHub Actions (GitHubEnv, GitHubVars).
//
// Every writer builds its whole output before writing anything, so an error
// never leaves half a set of statements behind. Error messages name the
// variable that could not be written, never its value.
package format

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/oidc-creds/oidc-creds/creds"
)

// The environment variables Env sets; AWS_CREDENTIAL_EXPIRATION is the name
// `aws configure export-credentials` uses.
const (
	VarAccessKeyID     = "AWS_ACCESS_KEY_ID"
	VarSecretAccessKey = "AWS_SECRET_ACCESS_KEY"
	VarSessionToken    = "AWS_SESSION_TOKEN"
	VarExpiration      = "AWS_CREDENTIAL_EXPIRATION"
)

// Var is an environment variable to set.
type Var struct {
	Name  string
	Value string
}

// ErrUnsupportedValue is wrapped by the errors of QuoteCmd and QuoteDotenv,
// and so of WriteVars and Env (which also refuse invalid UTF-8 for
// powershell), when a value holds characters the syntax cannot carry
// faithfully.
var ErrUnsupportedValue = errors.New("value cannot be carried by this syntax")

// UnsupportedError is WriteVars' and Env's refusal of a value the chosen
// format cannot carry faithfully; another format (Instead) can. It wraps
// ErrUnsupportedValue. Choosing the format is the caller's input, so it
// exits as bad input (2), not as an internal error.
type UnsupportedError struct {
	Name    string // the variable, never its value
	Format  string // the format that refused it
	Instead string // a format that carries it
	Err     error  // why, wrapping ErrUnsupportedValue
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("cannot write %s in format %s: %v; use format %s for such values", e.Name, e.Format, e.Err, e.Instead)
}

func (e *UnsupportedError) Unwrap() error { return e.Err }

// ExitCode is the status of bad input.
func (e *UnsupportedError) ExitCode() int { return int(creds.KindInput) }

type syntax struct {
	name string
	// statement returns one statement setting name to value (without the
	// trailing newline).
	statement func(name, value string) (string, error)
	// instead is the format suggested when statement refuses a value.
	instead string
}

var syntaxes = []syntax{
	{name: "sh", statement: func(n, v string) (string, error) {
		return "export " + n + "=" + QuoteSh(v), nil
	}},
	{name: "fish", statement: func(n, v string) (string, error) {
		return "set -gx " + n + " " + QuoteFish(v) + ";", nil
	}},
	{name: "powershell", instead: "sh", statement: func(n, v string) (string, error) {
		if !utf8.ValidString(v) {
			return "", fmt.Errorf("%w: PowerShell strings are Unicode and cannot carry invalid UTF-8", ErrUnsupportedValue)
		}
		return "$Env:" + n + " = " + QuotePowerShell(v), nil
	}},
	{name: "cmd", instead: "powershell", statement: func(n, v string) (string, error) {
		q, err := QuoteCmd(n + "=" + v)
		if err != nil {
			return "", err
		}
		return "set " + q, nil
	}},
	{name: "dotenv", instead: "sh", statement: func(n, v string) (string, error) {
		q, err := QuoteDotenv(v)
		if err != nil {
			return "", err
		}
		return n + "=" + q, nil
	}},
}

// Formats returns the names of the formats Env and WriteVars accept:
//
//   - sh: `export NAME='value'`, for bash, zsh, dash, ksh and other POSIX
//     shells (eval "$(oidc-creds …)").
//   - fish: `set -gx NAME 'value';` (oidc-creds … | source).
//   - powershell: `$Env:NAME = 'value'`, one statement per line even when a
//     value holds line breaks, so `| Invoke-Expression` works line by line;
//     refuses invalid UTF-8.
//   - cmd: `set "NAME=value"`; refuses values cmd cannot carry (see QuoteCmd).
//   - dotenv: `NAME="value"` for docker compose, python-dotenv and node's
//     dotenv; refuses values they would read differently (see QuoteDotenv).
//
// The GitHub Actions format (GitHub) is built by GitHubVars instead.
func Formats() []string {
	names := make([]string, len(syntaxes))
	for i, s := range syntaxes {
		names[i] = s.name
	}
	return names
}

func lookup(format string) (syntax, error) {
	for _, s := range syntaxes {
		if s.name == format {
			return s, nil
		}
	}
	if format == GitHub {
		return syntax{}, fmt.Errorf("format %s has two outputs (masks and GITHUB_ENV): use GitHubVars", GitHub)
	}
	return syntax{}, &creds.Error{Kind: creds.KindInput, Msg: fmt.Sprintf("unknown format %q: use one of %s", creds.Clip(format), strings.Join(Formats(), ", "))}
}

// checkVar refuses what no environment variable can be, in any format: a
// name not of [A-Za-z_][A-Za-z0-9_]*, a value holding NUL.
func checkVar(v Var) error {
	if !validName(v.Name) {
		return fmt.Errorf("invalid environment variable name %q: use letters, digits and _, not starting with a digit", v.Name)
	}
	if strings.IndexByte(v.Value, 0) >= 0 {
		return fmt.Errorf("the value of %s contains a NUL byte, which no environment variable can hold", v.Name)
	}
	return nil
}

// WriteVars writes one statement per variable, in order, each ending in
// "\n", in the syntax of format (one of Formats). Names must be of the form
// [A-Za-z_][A-Za-z0-9_]*; values must not contain NUL, which no environment
// variable can hold. Nothing is written when any variable is refused.
//
// The other formats set a variable with an empty value to the empty
// string; cmd, and PowerShell, may remove it instead.
func WriteVars(w io.Writer, format string, vars []Var) error {
	s, err := lookup(format)
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, v := range vars {
		if err := checkVar(v); err != nil {
			return err
		}
		stmt, err := s.statement(v.Name, v.Value)
		if err != nil {
			return &UnsupportedError{Name: v.Name, Format: format, Instead: s.instead, Err: err}
		}
		b.WriteString(stmt)
		b.WriteByte('\n')
	}
	_, err = io.WriteString(w, b.String())
	return err
}

// Env writes statements in the syntax of format (one of Formats) that set
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and
// AWS_CREDENTIAL_EXPIRATION (RFC 3339 in UTC, e.g. 2026-11-25T20:00:00Z).
//
// All four are always written, so that evaluating the output over an earlier
// one leaves nothing stale behind: an empty SessionToken is written as an
// empty value. c must be valid now (creds.Credentials.Valid): nothing is
// written for incomplete or expired credentials.
func Env(w io.Writer, format string, c creds.Credentials) error {
	if err := c.Valid(timeNow(), 0); err != nil {
		return err
	}
	return WriteVars(w, format, envVars(c))
}

// envVars are the variables Env sets, in order.
func envVars(c creds.Credentials) []Var {
	return []Var{
		{VarAccessKeyID, c.AccessKeyID},
		{VarSecretAccessKey, c.SecretAccessKey},
		{VarSessionToken, c.SessionToken},
		{VarExpiration, expiration(c.Expiration)},
	}
}

// expiration formats t as RFC 3339 in UTC with seconds precision (any
// fraction is dropped), or "" for the zero time.
func expiration(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// timeNow is the clock; tests replace it.
var timeNow = time.Now

func validName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_', 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
