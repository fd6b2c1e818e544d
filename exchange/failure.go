package exchange

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/oidc-creds/oidc-creds/token"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/oidc-creds/oidc-creds/creds"
)

// Class says how an exchange failed, for the caller to explain it.
type Class int

// The classes of failure.
const (
	ClassRefused     Class = iota + 1 // STS answered with an error a retry would not mend
	ClassThrottled                    // STS kept throttling
	ClassServer                       // STS kept failing (5xx, IDPCommunicationError)
	ClassTimeout                      // the run's deadline ended it
	ClassConnTimeout                  // a connection (dial, TLS handshake) timed out
	ClassConnection                   // STS could not be reached
	ClassTLS                          // the TLS connection failed (certificates)
	ClassBadAnswer                    // the answer was not a usable STS response
	ClassOther                        // none of these: a bug or an unexpected condition
)

// ErrNoCredentials and ErrNoExpiration are wrapped by a CallError when
// STS answered 200 without credentials, or with credentials of unknown
// lifetime: the endpoint is not STS, or not a faithful one.
var (
	ErrNoCredentials = errors.New("STS answered without credentials")
	ErrNoExpiration  = errors.New("STS answered with credentials that have no expiration")
)

// CallError is a failed exchange: what STS said, or why it could not be
// reached, with where the call went and how often it was tried. Its text
// and fields never hold the token or a secret.
type CallError struct {
	Class   Class
	Code    string // STS's error code; "" when it answered none
	Message string // STS's message on one line, the token taken out
	Status  int    // the HTTP status of the last answer; 0 when none came
	Cause   string // the network, TLS or unexpected error on one line, the token taken out

	Request          Request // what was asked (its Token is secret: never print Raw); for a hop, the hop's role, session and policies, and no token
	Hop              *Hop    // the hop of a role chain that failed; nil for the web-identity exchange
	Endpoint, Region string
	Attempts         int
	Took             time.Duration

	Err error // the last attempt's error, from the SDK

	secrets []string // to take out of Err's text
}

func (e *CallError) Error() string {
	where := fmt.Sprintf("endpoint %s, region %s", OrUnknown(e.Endpoint), OrUnknown(e.Region))
	switch {
	case e.Code != "" && e.Hop != nil:
		return fmt.Sprintf("STS refused sts:AssumeRole of role %s (hop %d of the chain) with %s: %s (%s)", e.Request.RoleARN, e.Hop.Index, e.Code, e.Message, where)
	case e.Code != "":
		return fmt.Sprintf("STS refused the exchange with %s: %s (%s)", e.Code, e.Message, where)
	case e.Cause != "":
		return fmt.Sprintf("the STS call failed (%s): %s", where, e.Cause)
	case e.Err != nil:
		return fmt.Sprintf("the STS call failed (%s): %s", where, call{req: e.Request, secrets: e.secrets}.redact(oneLine(e.Err.Error())))
	}
	return "the STS call failed (" + where + ")"
}

func (e *CallError) Unwrap() error { return e.Err }

// Kind is the kind of failure, for the exit status: STS refused, or could
// not be reached, or (ClassOther) something unexpected.
func (e *CallError) Kind() creds.Kind {
	switch e.Class {
	case ClassRefused:
		return creds.KindRefused
	case ClassOther:
		return creds.KindInternal
	}
	return creds.KindUnreachable
}

// ExitCode is the exit status of e's Kind.
func (e *CallError) ExitCode() int { return int(e.Kind()) }

// failure classifies the last attempt's error.
func failure(ctx context.Context, err error, c call, x *Exchanger, attempts int, took time.Duration) *CallError {
	e := &CallError{Err: err, Request: c.req, Hop: c.hop, Endpoint: x.Endpoint, Region: x.Region, Attempts: attempts, Took: took, secrets: c.secrets}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		e.Status = re.HTTPStatusCode()
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		e.Code, e.Message = api.ErrorCode(), c.redact(oneLine(api.ErrorMessage()))
		switch classify(err) {
		case classThrottle:
			e.Class = ClassThrottled
		case classServer, classIDP:
			e.Class = ClassServer
		default:
			e.Class = ClassRefused
		}
		return e
	}
	cause := func() { e.Cause = c.redact(oneLine(rootCause(err).Error())) }
	switch classify(err) {
	case classTimeout:
		if ctx.Err() != nil {
			e.Class = ClassTimeout
			return e
		}
		e.Class = ClassConnTimeout
		cause()
		return e
	case classServer, classThrottle:
		e.Class = ClassServer // a 5xx or 429 whose body is not an STS error
		return e
	case classTLS:
		e.Class = ClassTLS
		cause()
		return e
	case classConnection:
		e.Class = ClassConnection
		cause()
		return e
	}
	// An answer the SDK could not read. Not every such failure is a
	// DeserializationError: a truncated XML document or an unparsable
	// Expiration comes wrapped only in the ResponseError of the answer.
	var de *smithy.DeserializationError
	switch {
	case errors.As(err, &de) || errors.Is(err, ErrNoCredentials) || errors.Is(err, ErrNoExpiration) || (e.Status != 0 && ctx.Err() == nil):
		e.Class = ClassBadAnswer
	case ctx.Err() != nil:
		e.Class = ClassTimeout
	default:
		e.Class = ClassOther
		e.Cause = c.redact(oneLine(err.Error()))
	}
	return e
}

// rootCause strips the SDK's operation wrappers, keeping the network error
// (whose url.Error names the URL that was tried).
func rootCause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue
	}
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

// OrUnknown is s, or "(unknown)" when s is empty.
func OrUnknown(s string) string {
	if s == "" {
		return "(unknown)"
	}
	return s
}

// redact removes the token, its signature and the call's other secrets
// from text bound for stderr.
func (c call) redact(s string) string {
	for _, secret := range c.secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "[secret]")
		}
	}
	return redact(s, c.req.Token)
}

// redact removes the token and its signature from text bound for stderr.
func redact(s string, t *token.Token) string {
	if t == nil || t.Raw == "" {
		return s
	}
	s = strings.ReplaceAll(s, t.Raw, "[token]")
	if i := strings.LastIndexByte(t.Raw, '.'); i >= 0 && len(t.Raw)-i > 8 {
		s = strings.ReplaceAll(s, t.Raw[i+1:], "[signature]")
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
