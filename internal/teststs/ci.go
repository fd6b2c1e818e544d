package teststs

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// TokenRequest is one request to a CI token endpoint (GitHub Actions,
// Azure DevOps) as the server saw it.
type TokenRequest struct {
	Time                time.Time `json:"time"`
	Action              string    `json:"action"`                        // ActionGitHubToken or ActionAzureOIDCToken
	Audience            string    `json:"audience,omitempty"`            // GitHub: the audience parameter as sent, "" when absent
	ServiceConnectionID string    `json:"serviceConnectionId,omitempty"` // Azure: the serviceConnectionId parameter
	// Outcome is "ok", the HTTP status of a refusal or injected fault
	// ("400", "401", "404", "500", or "203" for Azure's sign-in page),
	// "garbage", "canceled", or "pending" while being answered.
	Outcome string `json:"outcome"`
	Subject string `json:"subject,omitempty"` // sub of the issued token, when ok
	// Token is the issued JWT, so that tests can assert it never leaks;
	// String redacts it and JSON leaves it out.
	Token string `json:"-"`
}

// String formats the request like %+v does, with Token redacted.
func (t TokenRequest) String() string {
	type plain TokenRequest
	p := plain(t)
	p.Token = redact(p.Token)
	return fmt.Sprintf("%+v", p)
}

// GoString is String, for %#v.
func (t TokenRequest) GoString() string { return "teststs.TokenRequest" + t.String() }

// TokenRequests returns copies of the CI token requests received, in
// arrival order; the last one is the latest.
func (s *Server) TokenRequests() []TokenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]TokenRequest, len(s.tokenReqs))
	for i, r := range s.tokenReqs {
		out[i] = *r
	}
	return out
}

// tokenAnswer is what a CI endpoint answers: a status and a JSON document
// (or an HTML page), with the sub and the JWT it issued when ok.
type tokenAnswer struct {
	status  int
	doc     any
	html    string
	subject string
	token   string
}

// serveToken records a CI token request, applies its faults, then answers
// what answer decides.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request, rec *TokenRequest, answer func() tokenAnswer) {
	rec.Time, rec.Outcome = time.Now(), "pending"
	s.update(func() { s.tokenReqs = append(s.tokenReqs, rec) })
	finish := func(outcome string) { s.update(func() { rec.Outcome = outcome }) }
	if !s.enter(w, r, rec.Action, finish) {
		return
	}
	a := answer()
	if a.html != "" {
		writeBody(w, a.status, "text/html; charset=utf-8", []byte(a.html))
	} else {
		writeJSON(w, a.status, a.doc)
	}
	if a.status != http.StatusOK {
		finish(fmt.Sprint(a.status))
		return
	}
	s.update(func() { rec.Outcome, rec.Subject, rec.Token = "ok", a.subject, a.token })
}

// hasBearer reports whether r carries "Authorization: Bearer TOKEN".
func hasBearer(r *http.Request, token string) bool {
	scheme, got, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	return ok && strings.EqualFold(scheme, "Bearer") && subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
}

// mintCI mints a token of this issuer valid for ttl with these claims.
func (s *Server) mintCI(claims map[string]any, ttl time.Duration) (string, error) {
	now := time.Now()
	full := map[string]any{"jti": newRequestID(), "iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(ttl).Unix()}
	for k, v := range claims {
		full[k] = v
	}
	return s.mint(full, false)
}
