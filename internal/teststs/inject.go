package teststs

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Inject adds faults to the pending ones that any STS request consumes.
// Counters add up; a positive Delay replaces the current delay and a
// negative one removes it.
//
// Each STS request consumes at most one fault, on arrival: first from the
// faults injected for its action (InjectFor), else from these, taking the
// first non-zero counter its action uses, in this order: Throttle,
// ServerErrors, IDPErrors, InvalidToken, Garbage. AssumeRole requests use
// only Throttle, ServerErrors and Garbage (the others stay pending);
// AssumeRoleWithWebIdentity requests, and requests without a known action,
// use all five. The delay applies to every STS request (faulted or not)
// until Reset.
func (s *Server) Inject(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.add(f)
}

// InjectFor is Inject for the requests of one target only, named by its
// action: an STS action (ActionAssumeRoleWithWebIdentity, ActionAssumeRole),
// whose own faults are consumed before the shared ones, and which waits for
// the longer of its delay and the shared one; or a federation action
// (ActionGetSigninToken: ServerErrors answer 500, Garbage 200 with a body
// that is not JSON; ActionLogin: ServerErrors), which the shared faults do
// not touch; or a CI token endpoint (ActionGitHubToken, ActionAzureOIDCToken:
// ServerErrors answer 500, Unauthorized 401, Garbage 200 with a body that is
// not JSON). InjectFor panics on an unknown target.
func (s *Server) InjectFor(target string, f Faults) {
	mustTarget(target)
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.targetFaults[target]
	if p == nil {
		p = &Faults{}
		s.targetFaults[target] = p
	}
	p.add(f)
}

// PendingFaults returns the shared faults (Inject) not yet consumed.
func (s *Server) PendingFaults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}

// PendingFaultsFor returns the faults injected for target (InjectFor) not
// yet consumed. It panics on an unknown target.
func (s *Server) PendingFaultsFor(target string) Faults {
	mustTarget(target)
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.targetFaults[target]; p != nil {
		return *p
	}
	return Faults{}
}

func (f *Faults) add(g Faults) {
	f.Throttle += max(g.Throttle, 0)
	f.ServerErrors += max(g.ServerErrors, 0)
	f.IDPErrors += max(g.IDPErrors, 0)
	f.InvalidToken += max(g.InvalidToken, 0)
	f.Garbage += max(g.Garbage, 0)
	f.Unauthorized += max(g.Unauthorized, 0)
	switch {
	case g.Delay > 0:
		f.Delay = g.Delay
	case g.Delay < 0:
		f.Delay = 0
	}
}

type fault int

const (
	faultNone fault = iota
	faultThrottle
	faultServer
	faultIDP
	faultInvalidToken
	faultUnauthorized
	faultGarbage
)

// counter is the pending count of a kind of fault.
func (f *Faults) counter(k fault) *int {
	switch k {
	case faultThrottle:
		return &f.Throttle
	case faultServer:
		return &f.ServerErrors
	case faultIDP:
		return &f.IDPErrors
	case faultInvalidToken:
		return &f.InvalidToken
	case faultUnauthorized:
		return &f.Unauthorized
	case faultGarbage:
		return &f.Garbage
	}
	panic("teststs: unknown fault")
}

// take consumes the first pending fault of kinds, if any.
func (f *Faults) take(kinds []fault) fault {
	for _, k := range kinds {
		if n := f.counter(k); *n > 0 {
			*n--
			return k
		}
	}
	return faultNone
}

// faultKinds are the faults each target uses, in the order they are taken.
var faultKinds = map[string][]fault{
	ActionAssumeRoleWithWebIdentity: {faultThrottle, faultServer, faultIDP, faultInvalidToken, faultGarbage},
	ActionAssumeRole:                {faultThrottle, faultServer, faultGarbage},
	ActionGetSigninToken:            {faultServer, faultGarbage},
	ActionLogin:                     {faultServer},
	ActionGitHubToken:               {faultServer, faultUnauthorized, faultGarbage},
	ActionAzureOIDCToken:            {faultServer, faultUnauthorized, faultGarbage},
}

func mustTarget(target string) {
	if _, ok := faultKinds[target]; !ok {
		panic(fmt.Sprintf("teststs: unknown fault target %q (want one of %s)", target, strings.Join(faultTargets(), ", ")))
	}
}

// faultTargets lists the targets of InjectFor, sorted.
func faultTargets() []string {
	var out []string
	for t := range faultKinds {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// takeFaultLocked consumes the fault of a request to target: from the
// target's faults first, then (when shared, for STS requests) from the
// shared ones. It returns the delay to wait too.
func (s *Server) takeFaultLocked(target string, shared bool) (fault, time.Duration) {
	kinds, ok := faultKinds[target]
	if !ok { // an STS request without a known action
		kinds = faultKinds[ActionAssumeRoleWithWebIdentity]
	}
	var delay time.Duration
	if shared {
		delay = s.faults.Delay
	}
	if p := s.targetFaults[target]; p != nil {
		delay = max(delay, p.Delay)
		if k := p.take(kinds); k != faultNone {
			return k, delay
		}
	}
	if shared {
		return s.faults.take(kinds), delay
	}
	return faultNone, delay
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

// enter counts a request to a target other than STS, waits for its delay and
// answers its injected fault; it reports whether the handler should go on.
// When it answers or the client goes away during the delay, it calls done
// (if not nil) with the outcome: "500", "401", "garbage" or "canceled".
func (s *Server) enter(w http.ResponseWriter, r *http.Request, target string, done func(outcome string)) bool {
	s.mu.Lock()
	s.callsBy[target]++
	f, delay := s.takeFaultLocked(target, false)
	s.mu.Unlock()
	report := func(outcome string) {
		if done != nil {
			done(outcome)
		}
	}
	if !sleep(r.Context(), delay) {
		report("canceled")
		panic(http.ErrAbortHandler) // as handleSTS: no answer rather than an empty 200
	}
	switch f {
	case faultServer:
		http.Error(w, "teststs: injected server error", http.StatusInternalServerError)
		report("500")
	case faultUnauthorized:
		http.Error(w, "teststs: injected 401", http.StatusUnauthorized)
		report("401")
	case faultGarbage:
		writeGarbage(w, "JSON")
		report("garbage")
	default:
		return true
	}
	return false
}
