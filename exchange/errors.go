package exchange

import (
	"fmt"
	"strings"
)

// Kind classifies a failure; each kind has its own exit status.
type Kind int

// The kinds of failure, in the order of their exit codes.
const (
	KindInternal    Kind = iota + 1 // exit 1: a bug or an unexpected condition
	KindInput                       // exit 2: a flag or variable is malformed or missing
	KindToken                       // exit 3: no token, not a JWT, expired or not yet valid
	KindRefused                     // exit 4: STS answered and refused the exchange
	KindUnreachable                 // exit 5: STS could not be reached or kept failing
)

// Error is a failure explained for the person running the program: one
// sentence that says what is wrong and what to do, then optional detail.
type Error struct {
	Kind   Kind
	Msg    string // one sentence, lowercase, no trailing period
	Detail string // further lines: the claims, a policy condition, the STS message
	Err    error  // the underlying error, if any
}

func (e *Error) Error() string {
	if e.Detail == "" {
		return e.Msg
	}
	return e.Msg + "\n" + strings.TrimRight(e.Detail, "\n")
}

func (e *Error) Unwrap() error { return e.Err }

// ExitCode is the process exit status for this error (kong's ExitCoder).
func (e *Error) ExitCode() int { return int(e.Kind) }

func inputError(format string, args ...any) *Error {
	return &Error{Kind: KindInput, Msg: fmt.Sprintf(format, args...)}
}

func tokenError(format string, args ...any) *Error {
	return &Error{Kind: KindToken, Msg: fmt.Sprintf(format, args...)}
}
