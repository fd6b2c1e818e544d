package teststs

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

const (
	stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"
	stsVersion   = "2011-06-15"
)

// handleSTS answers POST /: records the request, applies faults, then runs
// the action.
func (s *Server) handleSTS(w http.ResponseWriter, r *http.Request) {
	body, parseErr := readForm(r)
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
		writeGarbage(w, "XML")
		s.finish(rec, "garbage", "")
		return
	}
	var serr *stsError
	var doc any
	var creds *credentials
	switch {
	case fault != faultNone:
		serr = s.faultError(fault)
	case parseErr != nil:
		serr = senderError(http.StatusBadRequest, "MalformedQueryString", "The request body could not be parsed: "+parseErr.Error())
	default:
		doc, creds, serr = s.runAction(r, body, rec, requestID)
	}
	if serr != nil {
		writeSTSError(w, serr, requestID)
		s.finish(rec, serr.code, "")
		return
	}
	writeXML(w, http.StatusOK, doc)
	se, _ := s.lookup(creds.AccessKeyID)
	s.update(func() {
		rec.SecretAccessKey, rec.SessionToken = creds.SecretAccessKey, creds.SessionToken
		rec.AssumedRoleARN = se.assumedRoleARN
	})
	s.finish(rec, "ok", creds.AccessKeyID)
}

// readForm reads the body (kept for the signature check) and parses the
// form from it and the query, as r.ParseForm does.
func readForm(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 10<<20+1)) // ParseForm's own limit, so it still refuses more
	r.Body = io.NopCloser(bytes.NewReader(body))
	if perr := r.ParseForm(); perr != nil {
		return body, perr
	}
	return body, err
}

// runAction runs the request's STS action and returns the answer document
// and the credentials it issued.
func (s *Server) runAction(r *http.Request, body []byte, rec *Request, requestID string) (any, *credentials, *stsError) {
	if serr := checkAction(r.Form); serr != nil {
		return nil, nil, serr
	}
	now := time.Now()
	if r.Form.Get("Action") == ActionAssumeRole {
		res, serr := s.assumeRole(r, body, rec, now)
		if serr != nil {
			return nil, nil, serr
		}
		return assumeRoleResponse{Xmlns: stsNamespace, Result: *res, RequestID: requestID}, &res.Credentials, nil
	}
	res, serr := s.assume(r.Form, rec, now)
	if serr != nil {
		return nil, nil, serr
	}
	return assumeResponse{Xmlns: stsNamespace, Result: *res, RequestID: requestID}, &res.Credentials, nil
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
		ExternalID:      form.Get("ExternalId"),
		SourceIdentity:  form.Get("SourceIdentity"),
	}
	if form.Has("DurationSeconds") {
		rec.DurationSeconds, _ = strconv.Atoi(form.Get("DurationSeconds"))
	}
	if tok, err := parseJWT(form.Get("WebIdentityToken")); err == nil {
		rec.Subject = tok.stringClaim("sub")
	}
	for _, t := range sessionTags(form) {
		if rec.Tags == nil {
			rec.Tags = map[string]string{}
		}
		rec.Tags[t.key] = t.value
	}
	return rec
}

// arrive counts and records an STS request, and takes its fault and delay.
func (s *Server) arrive(rec *Request) (fault, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rec.Action != ActionAssumeRole {
		s.calls++
	}
	s.callsBy[rec.Action]++
	s.requests = append(s.requests, rec)
	return s.takeFaultLocked(rec.Action, true)
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

// writeGarbage answers 200 with a body no client can parse as what (XML, JSON).
func writeGarbage(w http.ResponseWriter, what string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("teststs injected garbage: this is not " + what + " {\n"))
}

// checkAction answers the errors of a missing or unknown Action or Version.
func checkAction(form url.Values) *stsError {
	action, version := form.Get("Action"), form.Get("Version")
	switch {
	case action == "":
		return senderError(http.StatusBadRequest, "MissingAction", "Missing Action")
	case !form.Has("Version"):
		return senderError(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter Version")
	case (action != ActionAssumeRoleWithWebIdentity && action != ActionAssumeRole) || version != stsVersion:
		return senderError(http.StatusBadRequest, "InvalidAction",
			fmt.Sprintf("Could not find operation %s for version %s", action, version))
	}
	return nil
}
