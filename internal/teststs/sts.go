package teststs

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

const (
	stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"
	stsVersion   = "2011-06-15"
	stsAction    = "AssumeRoleWithWebIdentity"
)

// handleSTS answers POST /: records the request, applies faults, then runs
// the action.
func (s *Server) handleSTS(w http.ResponseWriter, r *http.Request) {
	parseErr := r.ParseForm()
	rec := newRecord(r.Form)
	fault, delay := s.arrive(rec)
	if !sleep(r.Context(), delay) {
		s.finish(rec, "canceled", "")
		// Drop the connection without an answer (the client is gone, or
		// the server is closing): an empty 200 would read as success.
		panic(http.ErrAbortHandler)
	}

	requestID := newRequestID()
	w.Header().Set("x-amzn-RequestId", requestID)
	if fault == faultGarbage {
		writeGarbage(w)
		s.finish(rec, "garbage", "")
		return
	}
	var serr *stsError
	var res *assumeResult
	switch {
	case fault != faultNone:
		serr = s.faultError(fault)
	case parseErr != nil:
		serr = senderError(http.StatusBadRequest, "MalformedQueryString", "The request body could not be parsed: "+parseErr.Error())
	default:
		res, serr = s.assume(r.Form, rec)
	}
	if serr != nil {
		writeSTSError(w, serr, requestID)
		s.finish(rec, serr.code, "")
		return
	}
	writeXML(w, http.StatusOK, assumeResponse{
		Xmlns:     stsNamespace,
		Result:    *res,
		RequestID: requestID,
	})
	s.mu.Lock()
	rec.SecretAccessKey, rec.SessionToken = res.Credentials.SecretAccessKey, res.Credentials.SessionToken
	s.mu.Unlock()
	s.finish(rec, "ok", res.Credentials.AccessKeyID)
}

// newRecord is the record of a request with this form, still pending.
func newRecord(form url.Values) *Request {
	rec := &Request{
		Time:            time.Now(),
		Action:          form.Get("Action"),
		RoleARN:         form.Get("RoleArn"),
		RoleSessionName: form.Get("RoleSessionName"),
		Policy:          form.Get("Policy"),
		PolicyARNs:      policyARNs(form),
		DurationSeconds: DefaultDurationSeconds,
		Outcome:         "pending",
	}
	if form.Has("DurationSeconds") {
		rec.DurationSeconds, _ = strconv.Atoi(form.Get("DurationSeconds"))
	}
	if tok, err := parseJWT(form.Get("WebIdentityToken")); err == nil {
		rec.Subject = tok.stringClaim("sub")
	}
	return rec
}

// arrive counts and records a request, and takes its fault and the delay.
func (s *Server) arrive(rec *Request) (fault, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	s.requests = append(s.requests, rec)
	return s.takeFaultLocked(), s.faults.Delay
}

// sleep waits for d; it reports false when ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// writeGarbage answers 200 with a body no STS client can parse.
func writeGarbage(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("teststs injected garbage: this is not XML {\n"))
}

// checkAction answers the errors of a missing or unknown Action or Version.
func checkAction(form url.Values) *stsError {
	action, version := form.Get("Action"), form.Get("Version")
	switch {
	case action == "":
		return senderError(http.StatusBadRequest, "MissingAction", "Missing Action")
	case !form.Has("Version"):
		return senderError(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter Version")
	case action != stsAction || version != stsVersion:
		return senderError(http.StatusBadRequest, "InvalidAction",
			fmt.Sprintf("Could not find operation %s for version %s", action, version))
	}
	return nil
}
