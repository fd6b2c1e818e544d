package token

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/oidc-creds/oidc-creds/backoff"
	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/urlerr"
)

// Retry is how a token request is retried after a transient failure (a
// 5xx, 429, a lost connection): up to Attempts tries, waiting as a
// backoff.Backoff of Base and Cap does (a zero Base is backoff.Default),
// never past the context's deadline. A refusal (401, 403) or another 4xx
// is not retried.
type Retry struct {
	Attempts  int
	Base, Cap time.Duration
}

// DefaultRetry is the Retry of a request whose Retry is zero: its waits are
// backoff.Default's, which tests of the whole program shorten.
var DefaultRetry = Retry{Attempts: 5}

func (r Retry) orDefault() Retry {
	if r.Attempts <= 0 {
		return DefaultRetry
	}
	return r
}

func (r Retry) wait(attempt int) time.Duration {
	return backoff.Backoff{Base: r.Base, Cap: r.Cap}.Wait(attempt)
}

// RequestError is a token request that failed: refused (401, 403),
// answered with another status, answered without a token, not answered at
// all (Status 0, Err set), or not made (Status 0, Err nil: Message says
// why). It never holds the request's credential or a token.
type RequestError struct {
	Platform Platform
	Status   int    // the HTTP status; 0 = no answer
	Message  string // the server's own message, cut short, or what was wrong with the answer
	Attempts int
	Err      error // the transport's error when there was no answer
}

func (e *RequestError) Error() string {
	what := e.Platform.String() + " token request"
	var s string
	switch {
	case e.Refused():
		s = fmt.Sprintf("%s refused (HTTP %d)", what, e.Status)
	case e.Status == 0 && e.Err != nil:
		s = fmt.Sprintf("%s failed: %v", what, e.Err)
	case e.Status == 0:
		s = what + " cannot be made"
	case e.Status != http.StatusOK:
		s = fmt.Sprintf("%s failed with HTTP %d", what, e.Status)
	default:
		s = what + " answered without a token"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Attempts > 1 {
		s += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	return s
}

func (e *RequestError) Unwrap() error { return e.Err }

// ExitCode is the status of an endpoint that could not be reached or kept
// failing (see Unreachable), else of a token problem.
func (e *RequestError) ExitCode() int {
	if e.Unreachable() {
		return int(creds.KindUnreachable)
	}
	return int(creds.KindToken)
}

// Refused reports whether the platform refused the request's credential
// (401, 403; 203 is Azure DevOps' sign-in page).
func (e *RequestError) Refused() bool {
	return e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden || e.Status == http.StatusNonAuthoritativeInfo
}

// Unreachable reports whether the platform's token endpoint could not be
// reached or kept failing: no answer (a connection refused or lost, TLS,
// the deadline), a 5xx or a 429, where a retry may succeed (and was made,
// as far as the Retry and the deadline allowed). A refusal, another 4xx or
// an answer without a token is not.
func (e *RequestError) Unreachable() bool {
	return e.Status == 0 && e.Err != nil || e.Status >= 500 || e.Status == http.StatusTooManyRequests
}

// transient reports whether a retry may succeed.
func (e *RequestError) transient() bool { return e.Unreachable() }

// tokenRequest is one platform's request for a token.
type tokenRequest struct {
	platform Platform
	client   *http.Client
	retry    Retry
	secret   string                        // the request's credential: never echoed
	field    string                        // the JSON field of the answer that holds the token
	newReq   func() (*http.Request, error) // a fresh request for each attempt
}

// maxAnswer bounds what is read of an answer.
const maxAnswer = 1 << 20

// do makes the request, retrying transient failures within ctx, and
// returns the token's text.
func (t tokenRequest) do(ctx context.Context) (string, error) {
	retry := t.retry.orDefault()
	for attempt := 1; ; attempt++ {
		raw, err := t.once(ctx)
		if err == nil {
			return raw, nil
		}
		err.Attempts = attempt
		if !err.transient() || attempt >= retry.Attempts || ctx.Err() != nil {
			return "", err
		}
		if backoff.Sleep(ctx, retry.wait(attempt)) != nil {
			return "", err
		}
	}
}

func (t tokenRequest) once(ctx context.Context) (string, *RequestError) {
	fail := &RequestError{Platform: t.platform}
	req, err := t.newReq()
	if err != nil {
		fail.Message = err.Error()
		return "", fail
	}
	client := t.client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req.WithContext(ctx))
	if err != nil {
		fail.Err = urlerr.Cause(err)
		return "", fail
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	fail.Status = resp.StatusCode
	if resp.StatusCode != http.StatusOK {
		fail.Message = t.clean(serverMessage(body))
		return "", fail
	}
	if err != nil {
		fail.Status, fail.Err = 0, urlerr.Cause(err)
		return "", fail
	}
	var doc map[string]json.RawMessage
	var raw string
	if len(body) > maxAnswer || json.Unmarshal(body, &doc) != nil {
		fail.Message = "the answer is not a JSON object"
		return "", fail
	}
	field, ok := doc[t.field]
	switch {
	case !ok || string(field) == "null":
		fail.Message = fmt.Sprintf("no %q field in the answer", t.field)
	case json.Unmarshal(field, &raw) != nil:
		fail.Message = fmt.Sprintf("the %q field of the answer is not a string", t.field)
	case strings.TrimSpace(raw) == "":
		fail.Message = fmt.Sprintf("the %q field of the answer is empty", t.field)
	default:
		return raw, nil
	}
	return "", fail
}

// clean takes the request's credential out of a server's message.
func (t tokenRequest) clean(msg string) string {
	if t.secret != "" {
		msg = strings.ReplaceAll(msg, t.secret, "[redacted]")
	}
	return msg
}

// serverMessage is the "message" of a JSON error answer, cut to one short
// line; "" when there is none (an HTML page, say).
func serverMessage(body []byte) string {
	var doc struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return ""
	}
	msg, _, _ := strings.Cut(strings.TrimSpace(doc.Message), "\n")
	msg = strings.TrimSpace(msg)
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	return msg
}
