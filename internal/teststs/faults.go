package teststs

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
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

// Inject adds faults to the pending ones. Counters add up; a positive Delay
// replaces the current delay and a negative one removes it.
//
// Each STS request consumes at most one fault, on arrival, taking the first
// non-zero counter in this order: Throttle, ServerErrors, IDPErrors,
// InvalidToken, Garbage. The delay applies to every request (faulted or not)
// until Reset.
func (s *Server) Inject(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.Throttle += max(f.Throttle, 0)
	s.faults.ServerErrors += max(f.ServerErrors, 0)
	s.faults.IDPErrors += max(f.IDPErrors, 0)
	s.faults.InvalidToken += max(f.InvalidToken, 0)
	s.faults.Garbage += max(f.Garbage, 0)
	switch {
	case f.Delay > 0:
		s.faults.Delay = f.Delay
	case f.Delay < 0:
		s.faults.Delay = 0
	}
}

// PendingFaults returns the faults not yet consumed.
func (s *Server) PendingFaults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}

type fault int

const (
	faultNone fault = iota
	faultThrottle
	faultServer
	faultIDP
	faultInvalidToken
	faultGarbage
)

// takeFaultLocked consumes one pending fault counter, if any.
func (s *Server) takeFaultLocked() fault {
	f := &s.faults
	for _, c := range []struct {
		n    *int
		kind fault
	}{
		{&f.Throttle, faultThrottle},
		{&f.ServerErrors, faultServer},
		{&f.IDPErrors, faultIDP},
		{&f.InvalidToken, faultInvalidToken},
		{&f.Garbage, faultGarbage},
	} {
		if *c.n > 0 {
			*c.n--
			return c.kind
		}
	}
	return faultNone
}

// faultError is the STS error answer of an injected fault.
func (s *Server) faultError(f fault) *stsError {
	switch f {
	case faultThrottle:
		return senderError(http.StatusBadRequest, "Throttling", "Rate exceeded")
	case faultServer:
		return &stsError{status: http.StatusInternalServerError, typ: "Receiver", code: "InternalFailure",
			msg: "The request processing has failed because of an unknown error, exception or failure."}
	case faultIDP:
		return senderError(http.StatusBadRequest, "IDPCommunicationError",
			"Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements")
	case faultInvalidToken:
		// What AWS answers for a while after the IAM OIDC provider is created.
		return senderError(http.StatusBadRequest, "InvalidIdentityToken",
			"No OpenIDConnect provider found in your account for "+s.IssuerURL)
	}
	panic("teststs: unknown fault")
}
