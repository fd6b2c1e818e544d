package teststs

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
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

// CallsReport is the answer of GET /_test/calls.
type CallsReport struct {
	Calls    int       `json:"calls"`
	Requests []Request `json:"requests"`
}

func (s *Server) handleCalls(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	rep := CallsReport{Calls: s.calls, Requests: s.requestsLocked()}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, rep)
}

func (s *Server) handleGetFaults(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.PendingFaults())
}

// handleFaults injects faults (like Inject) and answers the pending ones.
func (s *Server) handleFaults(w http.ResponseWriter, r *http.Request) {
	var f Faults
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		http.Error(w, "faults must be a JSON object: "+err.Error(), http.StatusBadRequest)
		return
	}
	s.Inject(f)
	writeJSON(w, http.StatusOK, s.PendingFaults())
}

func (s *Server) handleReset(w http.ResponseWriter, r *http.Request) {
	s.Reset()
	w.WriteHeader(http.StatusNoContent)
}
