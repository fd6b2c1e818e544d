package teststs

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"strconv"
	"strings"
)

// handleMint mints a token from a JSON object of claims (an empty body gives
// the defaults). With ?foreign=1 the token is signed by another key.
func (s *Server) handleMint(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var claims map[string]any
	if len(bytes.TrimSpace(body)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&claims); err != nil {
			http.Error(w, "claims must be a JSON object: "+err.Error(), http.StatusBadRequest)
			return
		}
	}
	foreign, _ := strconv.ParseBool(r.URL.Query().Get("foreign"))
	tok, err := s.mint(claims, foreign)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, tok)
}

// CallsReport is the answer of GET /_test/calls: Calls and CallsFor, the
// STS requests and the CI token requests. Their secrets (issued secret
// access keys, session tokens and CI tokens) are left out unless the query
// has secrets=1.
type CallsReport struct {
	Calls         int            `json:"calls"`
	ByAction      map[string]int `json:"byAction"`
	Requests      []Request      `json:"requests"`
	TokenRequests []TokenRequest `json:"tokenRequests"`
}

// requestWithSecrets is a Request with its secrets, for ?secrets=1.
type requestWithSecrets struct {
	Request
	SecretAccessKey string `json:"secretAccessKey,omitempty"`
	SessionToken    string `json:"sessionToken,omitempty"`
}

// tokenRequestWithSecret is a TokenRequest with its token, for ?secrets=1.
type tokenRequestWithSecret struct {
	TokenRequest
	Token string `json:"token,omitempty"`
}

func (s *Server) handleCalls(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	rep := CallsReport{Calls: s.calls, ByAction: maps.Clone(s.callsBy), Requests: s.requestsLocked()}
	s.mu.Unlock()
	rep.TokenRequests = s.TokenRequests()
	if secrets, _ := strconv.ParseBool(r.URL.Query().Get("secrets")); !secrets {
		writeJSON(w, http.StatusOK, rep)
		return
	}
	reqs := make([]requestWithSecrets, len(rep.Requests))
	for i, req := range rep.Requests {
		reqs[i] = requestWithSecrets{Request: req, SecretAccessKey: req.SecretAccessKey, SessionToken: req.SessionToken}
	}
	toks := make([]tokenRequestWithSecret, len(rep.TokenRequests))
	for i, tr := range rep.TokenRequests {
		toks[i] = tokenRequestWithSecret{TokenRequest: tr, Token: tr.Token}
	}
	writeJSON(w, http.StatusOK, struct {
		Calls         int                      `json:"calls"`
		ByAction      map[string]int           `json:"byAction"`
		Requests      []requestWithSecrets     `json:"requests"`
		TokenRequests []tokenRequestWithSecret `json:"tokenRequests"`
	}{rep.Calls, rep.ByAction, reqs, toks})
}

// faultTarget is the ?target= of the faults endpoints: "" for the shared
// faults, else a target of InjectFor; ok is false (and 400 answered) for an
// unknown one.
func faultTarget(w http.ResponseWriter, r *http.Request) (target string, ok bool) {
	target = r.URL.Query().Get("target")
	if _, known := faultKinds[target]; target != "" && !known {
		http.Error(w, "unknown fault target "+strconv.Quote(target)+"; want one of "+strings.Join(faultTargets(), ", "), http.StatusBadRequest)
		return "", false
	}
	return target, true
}

func (s *Server) pendingFaults(target string) Faults {
	if target == "" {
		return s.PendingFaults()
	}
	return s.PendingFaultsFor(target)
}

func (s *Server) handleGetFaults(w http.ResponseWriter, r *http.Request) {
	if target, ok := faultTarget(w, r); ok {
		writeJSON(w, http.StatusOK, s.pendingFaults(target))
	}
}

// handleFaults injects faults (like Inject, or InjectFor with ?target=) and
// answers the pending ones.
func (s *Server) handleFaults(w http.ResponseWriter, r *http.Request) {
	target, ok := faultTarget(w, r)
	if !ok {
		return
	}
	var f Faults
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		http.Error(w, "faults must be a JSON object: "+err.Error(), http.StatusBadRequest)
		return
	}
	if target == "" {
		s.Inject(f)
	} else {
		s.InjectFor(target, f)
	}
	writeJSON(w, http.StatusOK, s.pendingFaults(target))
}

func (s *Server) handleReset(w http.ResponseWriter, r *http.Request) {
	s.Reset()
	w.WriteHeader(http.StatusNoContent)
}
