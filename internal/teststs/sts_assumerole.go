package teststs

import (
	"net/http"
	"net/url"
	"time"
)

const msgChainingLimit = "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."

// assumeRole runs AssumeRole after faults and Action/Version: it
// authenticates the caller (SigV4 with credentials this server issued),
// validates the input, checks the target role's trust policy and the
// session duration, then issues credentials.
//
// Every credential this server issues is a role session, so every
// AssumeRole is role chaining: DurationSeconds (default 3600) may not exceed
// one hour, nor the target's MaxSessionDuration.
func (s *Server) assumeRole(r *http.Request, body []byte, rec *Request, now time.Time) (*assumeRoleResult, *stsError) {
	caller, serr := s.authenticate(r, body, rec, now)
	if serr != nil {
		return nil, serr
	}
	form := r.Form
	if problems := validateAssumeRole(form); len(problems) > 0 {
		return nil, validationError(problems)
	}
	tags := sessionTags(form)
	packed, serr := checkPackedPolicy(form, rec.PolicyARNs, tags)
	if serr != nil {
		return nil, serr
	}
	role, serr := s.authorize(caller, form, len(tags) > 0)
	if serr != nil {
		return nil, serr
	}
	duration := time.Duration(rec.DurationSeconds) * time.Second
	if duration > time.Hour {
		return nil, senderError(http.StatusBadRequest, "ValidationError", msgChainingLimit)
	}
	if duration > role.MaxSessionDuration {
		return nil, senderError(http.StatusBadRequest, "ValidationError", msgMaxSessionDuration)
	}
	res := &assumeRoleResult{SourceIdentity: form.Get("SourceIdentity"), PackedPolicySize: packed}
	res.AssumedRoleUser, res.Credentials = s.issue(role, form.Get("RoleSessionName"), duration, now, true)
	return res, nil
}

// authorize checks the target role's trust policy for the caller: the role
// must exist and trust the caller's role, the ExternalId must match when
// the role requires one, and tags and a source identity need their own
// permissions. Every refusal is AccessDenied in AWS's words.
func (s *Server) authorize(caller session, form url.Values, tagged bool) (Role, *stsError) {
	target := form.Get("RoleArn")
	deny := func(action string) (Role, *stsError) {
		return Role{}, senderError(http.StatusForbidden, "AccessDenied",
			"User: "+caller.principal()+" is not authorized to perform: "+action+" on resource: "+target)
	}
	role, ok := s.roles[target]
	switch {
	case !ok, !role.trusts(caller.roleARN), role.ExternalID != "" && form.Get("ExternalId") != role.ExternalID:
		return deny("sts:AssumeRole")
	case (tagged || len(transitiveTagKeys(form)) > 0) && !role.AllowTagSession:
		return deny("sts:TagSession")
	case form.Has("SourceIdentity") && !role.AllowSetSourceIdentity:
		return deny("sts:SetSourceIdentity")
	}
	return role, nil
}
