package teststs

import (
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
	// can assert that no secret leaks.
	SecretAccessKey string `json:"secretAccessKey,omitempty"`
	SessionToken    string `json:"sessionToken,omitempty"`
	Subject         string `json:"subject,omitempty"` // sub of the token, when it could be parsed
}

func (r *Request) clone() Request {
	c := *r
	c.PolicyARNs = slices.Clone(r.PolicyARNs)
	return c
}

// Calls returns the number of STS requests (POST /) received, including
// refused and fault-injected ones.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
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

// Reset clears faults, calls and requests.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = Faults{}
	s.calls = 0
	s.requests = nil
}

// finish records the outcome of a request.
func (s *Server) finish(rec *Request, outcome, accessKeyID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec.Outcome = outcome
	rec.AccessKeyID = accessKeyID
}
