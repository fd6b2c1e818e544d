package teststs

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"
)

const (
	msgNotValidated = "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request."
	msgAccessDenied = "Not authorized to perform sts:AssumeRoleWithWebIdentity"

	msgMaxSessionDuration = "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
)

// assume runs AssumeRoleWithWebIdentity after faults and Action/Version:
// the checks of the package documentation, then it issues credentials.
func (s *Server) assume(form url.Values, rec *Request, now time.Time) (*assumeResult, *stsError) {
	if problems := validate(form); len(problems) > 0 {
		return nil, validationError(problems)
	}
	packed, serr := checkPackedPolicy(form, rec.PolicyARNs, nil)
	if serr != nil {
		return nil, serr
	}
	tok, serr := s.verifyWebIdentity(form.Get("WebIdentityToken"), now)
	if serr != nil {
		return nil, serr
	}
	auds, sub := tok.audiences(), tok.stringClaim("sub")
	role, ok := s.roles[rec.RoleARN]
	if !ok || role.NoWebIdentity || !slices.Contains(auds, role.Audience) || !globMatch(role.SubPattern, sub) {
		return nil, senderError(http.StatusForbidden, "AccessDenied", msgAccessDenied)
	}
	duration := time.Duration(rec.DurationSeconds) * time.Second
	if duration > role.MaxSessionDuration {
		return nil, senderError(http.StatusBadRequest, "ValidationError", msgMaxSessionDuration)
	}
	aud := auds[slices.IndexFunc(auds, s.accepts)] // verifyWebIdentity made sure there is one
	return s.webIdentityResult(role, form.Get("RoleSessionName"), sub, aud, duration, packed, now), nil
}

// accepts reports whether aud is one of the provider's client IDs.
func (s *Server) accepts(aud string) bool { return slices.Contains(s.accepted, aud) }

// verifyWebIdentity checks the token as STS does (see the package
// documentation, step 5) and returns it parsed.
func (s *Server) verifyWebIdentity(raw string, now time.Time) (*parsedJWT, *stsError) {
	invalid := func(msg string) *stsError { return senderError(http.StatusBadRequest, "InvalidIdentityToken", msg) }
	tok, err := parseJWT(raw)
	if err != nil {
		return nil, invalid(msgNotValidated)
	}
	if iss := tok.stringClaim("iss"); iss != s.IssuerURL {
		return nil, invalid("No OpenIDConnect provider found in your account for " + iss)
	}
	if !tok.verify(s.key) {
		return nil, invalid(msgNotValidated)
	}
	if !slices.ContainsFunc(tok.audiences(), s.accepts) {
		return nil, invalid("Incorrect token audience")
	}
	exp, ok := tok.timeClaim("exp")
	if !ok {
		return nil, invalid(msgNotValidated)
	}
	if !now.Before(exp) {
		return nil, senderError(http.StatusBadRequest, "ExpiredTokenException",
			fmt.Sprintf("Token expired: current date/time %d must be before the expiration date/time %d", now.Unix(), exp.Unix()))
	}
	if _, present := tok.claims["nbf"]; present {
		nbf, ok := tok.timeClaim("nbf")
		if !ok || now.Before(nbf) {
			return nil, invalid(msgNotValidated)
		}
	}
	return tok, nil
}

// webIdentityResult issues credentials for a session of role.
func (s *Server) webIdentityResult(role Role, session, sub, aud string, duration time.Duration, packed *int, now time.Time) *assumeResult {
	res := &assumeResult{
		SubjectFromWebIdentityToken: sub,
		Audience:                    aud,
		PackedPolicySize:            packed,
		Provider:                    s.Provider(),
	}
	if partition, account, _ := parseRoleARN(role.ARN); account != "" {
		res.Provider = "arn:" + partition + ":iam::" + account + ":oidc-provider/" + s.Provider()
	}
	res.AssumedRoleUser, res.Credentials = s.issue(role, session, duration, now, false)
	return res
}
