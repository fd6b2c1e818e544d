package creds

import (
	"fmt"
	"strings"
)

// Kind classifies a failure; each kind has its own exit status.
type Kind int

// The kinds of failure, in the order of their exit codes.
const (
	KindInternal    Kind = iota + 1 // exit 1: a bug or an unexpected condition
	KindInput                       // exit 2: an input is malformed or missing
	KindToken                       // exit 3: no token, not a JWT, expired or not yet valid
	KindRefused                     // exit 4: STS answered and refused
	KindUnreachable                 // exit 5: STS or a CI token endpoint could not be reached or kept failing
)

// Input names an input whose value was wrong, in the library's terms; the
// command line says which flag or variable gave it.
type Input string

// The inputs errors name.
const (
	InputRoleARN    Input = "role ARN"
	InputSession    Input = "session name"
	InputPolicyARNs Input = "policy ARNs"
	InputPolicy     Input = "session policy"
	InputDuration   Input = "duration"
	InputExternalID Input = "external id"
	InputTokenFile  Input = "token file"
	InputTokenEnv   Input = "token variable"
	InputAccountID  Input = "account id"
	InputPartition  Input = "partition"
	InputIssuer     Input = "issuer"
	InputAudience   Input = "audience"
	InputSubject    Input = "subject"
	InputCAFile     Input = "CA file"
)

// Error is a failure explained for the person running the program: one
// sentence that says what is wrong and what to do, then optional detail.
type Error struct {
	Kind   Kind
	Input  Input  // the input at fault, if one is
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

// InputErrorf returns a KindInput *Error about input in.
func InputErrorf(in Input, format string, args ...any) *Error {
	return &Error{Kind: KindInput, Input: in, Msg: fmt.Sprintf(format, args...)}
}

// Clip shortens a value quoted in a message to at most 80 bytes.
func Clip(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}
