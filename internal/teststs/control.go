package teststs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Faults are failures to inject into the following STS requests. Counters
// are consumed one per request (see Server.Inject for the order).
//
// In JSON (POST /_test/faults, GET /_test/faults) the fields are throttle,
// serverErrors, idpErrors, invalidToken, garbage and delay; names match
// case-insensitively, and delay is a Go duration string such as "2s" (a bare
// number is taken as seconds).
type Faults struct {
	Throttle     int           // answer 400 Throttling "Rate exceeded"
	ServerErrors int           // answer 500 InternalFailure (STS error XML)
	IDPErrors    int           // answer 400 IDPCommunicationError
	InvalidToken int           // answer 400 InvalidIdentityToken (as a freshly created provider does)
	Delay        time.Duration // sleep this long before answering every following request (0 = none); respects request context cancellation
	Garbage      int           // answer 200 with a non-XML body
}

type faultsJSON struct {
	Throttle     int             `json:"throttle"`
	ServerErrors int             `json:"serverErrors"`
	IDPErrors    int             `json:"idpErrors"`
	InvalidToken int             `json:"invalidToken"`
	Delay        json.RawMessage `json:"delay,omitempty"`
	Garbage      int             `json:"garbage"`
}

// MarshalJSON writes the delay as a Go duration string.
func (f Faults) MarshalJSON() ([]byte, error) {
	d, _ := json.Marshal(f.Delay.String())
	return json.Marshal(faultsJSON{
		Throttle: f.Throttle, ServerErrors: f.ServerErrors, IDPErrors: f.IDPErrors,
		InvalidToken: f.InvalidToken, Delay: d, Garbage: f.Garbage,
	})
}

// UnmarshalJSON reads the delay as a Go duration string or a number of seconds.
func (f *Faults) UnmarshalJSON(b []byte) error {
	var j faultsJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*f = Faults{Throttle: j.Throttle, ServerErrors: j.ServerErrors, IDPErrors: j.IDPErrors,
		InvalidToken: j.InvalidToken, Garbage: j.Garbage}
	if len(j.Delay) == 0 || string(j.Delay) == "null" {
		return nil
	}
	var str string
	if err := json.Unmarshal(j.Delay, &str); err == nil {
		d, err := time.ParseDuration(str)
		if err != nil {
			return fmt.Errorf("delay: %w", err)
		}
		f.Delay = d
		return nil
	}
	var secs float64
	if err := json.Unmarshal(j.Delay, &secs); err != nil {
		return errors.New(`delay: want a duration string such as "2s" or a number of seconds`)
	}
	f.Delay = time.Duration(secs * float64(time.Second))
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// discovery is the OpenID Provider Metadata (OpenID Connect Discovery 1.0).
type discovery struct {
	Issuer                            string   `json:"issuer"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	JWKSURI                           string   `json:"jwks_uri"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	SubjectTypesSupported             []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
	ScopesSupported                   []string `json:"scopes_supported"`
	ClaimsSupported                   []string `json:"claims_supported"`
	GrantTypesSupported               []string `json:"grant_types_supported"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
}

func (s *Server) handleDiscovery(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, discovery{
		Issuer:                            s.IssuerURL,
		AuthorizationEndpoint:             s.IssuerURL + "/authorize",
		TokenEndpoint:                     s.IssuerURL + "/token",
		JWKSURI:                           s.IssuerURL + "/keys",
		ResponseTypesSupported:            []string{"id_token"},
		SubjectTypesSupported:             []string{"public"},
		IDTokenSigningAlgValuesSupported:  []string{"RS256"},
		ScopesSupported:                   []string{"openid"},
		ClaimsSupported:                   []string{"aud", "exp", "iat", "iss", "jti", "nbf", "sub"},
		GrantTypesSupported:               []string{"authorization_code", "client_credentials"},
		TokenEndpointAuthMethodsSupported: []string{"client_secret_basic", "client_secret_post"},
	})
}

func (s *Server) handleKeys(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string][]jwk{"keys": {s.key.jwk()}})
}

// handleOAuthPlaceholder answers the authorization and token endpoints named
// in the discovery document: this issuer only mints tokens for tests.
func handleOAuthPlaceholder(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusBadRequest, map[string]string{
		"error":             "unsupported_grant_type",
		"error_description": "teststs is a test issuer: mint tokens with POST /_test/mint",
	})
}

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
	rep := CallsReport{Calls: s.calls, Requests: make([]Request, len(s.requests))}
	for i, req := range s.requests {
		rep.Requests[i] = req.clone()
	}
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
