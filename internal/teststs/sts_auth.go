package teststs

import (
	"crypto/hmac"
	"fmt"
	"net/http"
	"time"
)

const (
	msgInvalidClientToken = "The security token included in the request is invalid."
	msgExpiredToken       = "The security token included in the request is expired"
	msgSignatureMismatch  = "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

	// maxClockSkew is how far X-Amz-Date may be from the server's clock.
	maxClockSkew  = 15 * time.Minute
	amzDateFormat = "20060102T150405Z"
)

// authenticate verifies r's SigV4 signature (service sts, any region) with
// the secret access key this server issued for the signing access key id,
// and returns the caller's session. The X-Amz-Security-Token header must be
// the session token issued with that key, and the session unexpired.
func (s *Server) authenticate(r *http.Request, body []byte, rec *Request, now time.Time) (session, *stsError) {
	auth, serr := parseSigV4Auth(r.Header.Get("Authorization"))
	if serr != nil {
		return session{}, serr
	}
	s.update(func() { rec.CallerAccessKeyID = auth.AccessKeyID })
	amzDate, serr := checkScope(r, auth, now)
	if serr != nil {
		return session{}, serr
	}
	se, ok := s.lookup(auth.AccessKeyID)
	if !ok || !hmac.Equal([]byte(r.Header.Get("X-Amz-Security-Token")), []byte(se.sessionToken)) {
		return session{}, senderError(http.StatusForbidden, "InvalidClientTokenId", msgInvalidClientToken)
	}
	s.update(func() { rec.Caller = se.principal() })
	if !now.Before(se.expires) {
		return session{}, senderError(http.StatusForbidden, "ExpiredToken", msgExpiredToken)
	}
	want := sigV4Signature(r, body, auth, amzDate, se.secretAccessKey)
	if !hmac.Equal([]byte(want), []byte(auth.Signature)) {
		return session{}, senderError(http.StatusForbidden, "SignatureDoesNotMatch", msgSignatureMismatch)
	}
	return se, nil
}

// checkScope checks the credential scope against the request's X-Amz-Date,
// and that date against now, in AWS's words; it returns the X-Amz-Date.
func checkScope(r *http.Request, auth *sigV4Auth, now time.Time) (string, *stsError) {
	mismatch := func(format string, args ...any) *stsError {
		return senderError(http.StatusForbidden, "SignatureDoesNotMatch", fmt.Sprintf(format, args...))
	}
	amzDate := r.Header.Get("X-Amz-Date")
	t, err := time.Parse(amzDateFormat, amzDate)
	if err != nil {
		return "", senderError(http.StatusBadRequest, "IncompleteSignature",
			"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	switch {
	case auth.Service != "sts":
		return "", mismatch("Credential should be scoped to correct service: 'sts'.")
	case auth.Region == "":
		return "", mismatch("Credential should be scoped to a valid region.")
	case auth.Terminator != "aws4_request":
		return "", mismatch("Credential should be scoped with a valid terminator: 'aws4_request', not '%s'.", auth.Terminator)
	case auth.Date != amzDate[:8]:
		return "", mismatch("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			auth.Date, amzDate[:8], amzDate)
	}
	nowUTC := now.UTC()
	if t.Before(nowUTC.Add(-maxClockSkew)) {
		return "", mismatch("Signature expired: %s is now earlier than %s (%s - 15 min.)",
			amzDate, nowUTC.Add(-maxClockSkew).Format(amzDateFormat), nowUTC.Format(amzDateFormat))
	}
	if t.After(nowUTC.Add(maxClockSkew)) {
		return "", mismatch("Signature not yet current: %s is still later than %s (%s + 15 min.)",
			amzDate, nowUTC.Add(maxClockSkew).Format(amzDateFormat), nowUTC.Format(amzDateFormat))
	}
	return amzDate, nil
}
