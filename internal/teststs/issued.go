package teststs

import "time"

// session is what the server remembers of credentials it issued, so that
// requests signed with them (AssumeRole) and console sign-in can be checked.
type session struct {
	secretAccessKey string
	sessionToken    string
	expires         time.Time
	roleARN         string // the role this is a session of
	assumedRoleARN  string // arn:PARTITION:sts::ACCOUNT:assumed-role/NAME/SESSION; "" when the role ARN has no account or with EmptyAssumedRoleARN
	chained         bool   // issued by AssumeRole to another role's session (role chaining)
}

// principal is the session's assumed-role ARN, or its role's ARN when it
// has none: the "User" of AccessDenied messages.
func (se session) principal() string {
	if se.assumedRoleARN != "" {
		return se.assumedRoleARN
	}
	return se.roleARN
}

// issue makes and remembers credentials for a session of role, chained
// when AssumeRole issues them, and returns them with the AssumedRoleUser
// to answer (empty when the role ARN has no account, or with
// EmptyAssumedRoleARN).
func (s *Server) issue(role Role, session string, duration time.Duration, now time.Time, chained bool) (assumedRoleUser, credentials) {
	expires := now.Add(duration)
	if s.ttl > 0 {
		expires = now.Add(s.ttl)
	}
	c := newCredentials(expires)
	var u assumedRoleUser
	if partition, account, roleName := parseRoleARN(role.ARN); account != "" {
		u.Arn = "arn:" + partition + ":sts::" + account + ":assumed-role/" + roleName + "/" + session
		u.AssumedRoleID = roleID(role.ARN) + ":" + session
	}
	s.remember(c, expires, role.ARN, u.Arn, chained)
	if s.emptyARN {
		u = assumedRoleUser{}
	}
	return u, c
}

// remember stores issued credentials. Reset keeps them: they stay valid
// until they expire, as AWS's do.
func (s *Server) remember(c credentials, expires time.Time, roleARN, assumedRoleARN string, chained bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions[c.AccessKeyID] = &session{
		secretAccessKey: c.SecretAccessKey,
		sessionToken:    c.SessionToken,
		expires:         expires,
		roleARN:         roleARN,
		assumedRoleARN:  assumedRoleARN,
		chained:         chained,
	}
}

// lookup returns the session of an access key id this server issued.
func (s *Server) lookup(accessKeyID string) (session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	se, ok := s.sessions[accessKeyID]
	if !ok {
		return session{}, false
	}
	return *se, true
}

// ExpireCredentials makes credentials this server issued expire now: a
// request signed with them is then refused with ExpiredToken, and console
// sign-in refuses them. It reports whether accessKeyID was issued here.
func (s *Server) ExpireCredentials(accessKeyID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	se, ok := s.sessions[accessKeyID]
	if ok {
		se.expires = time.Now().Add(-time.Second)
	}
	return ok
}
