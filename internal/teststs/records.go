package teststs

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// Request is one STS request as the server saw it.
type Request struct {
	Time            time.Time `json:"time"`
	Action          string    `json:"action"`
	RoleARN         string    `json:"roleArn"`
	RoleSessionName string    `json:"roleSessionName"`
	Policy          string    `json:"policy,omitempty"`
	PolicyARNs      []string  `json:"policyArns,omitempty"`
	DurationSeconds int       `json:"durationSeconds"` // 3600 when absent, 0 when not a number
	// Outcome is "ok", the error code returned, "garbage" for an injected
	// non-XML answer, "canceled" when the client went away (or the server
	// closed) during an injected delay, or "pending" while being answered.
	Outcome     string `json:"outcome"`
	AccessKeyID string `json:"accessKeyId,omitempty"` // of issued credentials when ok
	// SecretAccessKey and SessionToken of issued credentials, so that tests
	// can assert that no secret leaks. String redacts them, and the JSON of
	// GET /_test/calls holds them only when asked (?secrets=1).
	SecretAccessKey string `json:"-"`
	SessionToken    string `json:"-"`
	Subject         string `json:"subject,omitempty"` // sub of the token, when it could be parsed

	// AssumeRole only.
	CallerAccessKeyID string            `json:"callerAccessKeyId,omitempty"` // the access key id the request was signed with
	Caller            string            `json:"caller,omitempty"`            // assumed-role ARN of the signing credentials (their role ARN when it has no account), once recognised
	ExternalID        string            `json:"externalId,omitempty"`
	SourceIdentity    string            `json:"sourceIdentity,omitempty"`
	Tags              map[string]string `json:"tags,omitempty"` // session tags, Key → Value
	// AssumedRoleARN of issued credentials when ok (both actions; "" when the
	// role ARN has no account).
	AssumedRoleARN string `json:"assumedRoleArn,omitempty"`
}

func (r *Request) clone() Request {
	c := *r
	c.PolicyARNs = slices.Clone(r.PolicyARNs)
	c.Tags = maps.Clone(r.Tags)
	return c
}

// String formats the request like %+v does, with SecretAccessKey and
// SessionToken redacted, so that printing a Request never shows a secret.
func (r Request) String() string {
	type plain Request // without methods: no recursion
	p := plain(r)
	p.SecretAccessKey, p.SessionToken = redact(p.SecretAccessKey), redact(p.SessionToken)
	return fmt.Sprintf("%+v", p)
}

// GoString is String, for %#v.
func (r Request) GoString() string { return "teststs.Request" + r.String() }

func redact(secret string) string {
	if secret == "" {
		return ""
	}
	return "[redacted]"
}

// Calls returns the number of STS requests (POST /) received other than
// AssumeRole ones: AssumeRoleWithWebIdentity requests and those without a
// known Action, refused and fault-injected ones included. This is what it
// counted before AssumeRole existed; CallsFor counts by action.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// CallsFor returns the number of requests received for action (see the
// Action constants; for STS, the Action parameter as sent, "" when absent),
// refused and fault-injected ones included.
func (s *Server) CallsFor(action string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callsBy[action]
}

// Requests returns copies of the STS requests received, in arrival order. A
// request still being answered has Outcome "pending".
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requestsLocked()
}

func (s *Server) requestsLocked() []Request {
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = r.clone()
	}
	return out
}

// Reset clears faults, calls, requests and the last login. Issued
// credentials and sign-in tokens stay valid.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = Faults{}
	clear(s.targetFaults)
	s.calls = 0
	clear(s.callsBy)
	s.requests = nil
	s.lastLogin = nil
	s.tokenReqs = nil
}

// update changes a request record under the lock that Requests takes.
func (s *Server) update(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
}

// finish records the outcome of a request.
func (s *Server) finish(rec *Request, outcome, accessKeyID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec.Outcome = outcome
	rec.AccessKeyID = accessKeyID
}
