package teststs

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// signinTokenTTL is how long a sign-in token can be used, as AWS's.
const signinTokenTTL = 15 * time.Minute

// Login is a successful Action=login of the federation endpoint.
type Login struct {
	Time            time.Time `json:"time"`
	Issuer          string    `json:"issuer"`      // as given, "" when absent
	Destination     string    `json:"destination"` // where the browser was sent (302 Location)
	AccessKeyID     string    `json:"accessKeyId"` // of the credentials the sign-in token was made from
	AssumedRoleARN  string    `json:"assumedRoleArn"`
	SessionDuration int       `json:"sessionDuration,omitempty"` // of getSigninToken, 0 when not given
}

// signin is an issued sign-in token.
type signin struct {
	issued          time.Time
	used            bool
	accessKeyID     string
	assumedRoleARN  string
	sessionDuration int
}

// LastLogin returns the last successful login, if any since Start or Reset.
func (s *Server) LastLogin() (Login, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lastLogin == nil {
		return Login{}, false
	}
	return *s.lastLogin, true
}

// handleFederation answers GET /federation, AWS's console sign-in
// federation endpoint: Action=getSigninToken or Action=login.
func (s *Server) handleFederation(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	action := q.Get("Action")
	if action != ActionGetSigninToken && action != ActionLogin {
		http.Error(w, "teststs federation: Action must be getSigninToken or login", http.StatusBadRequest)
		return
	}
	if !s.enter(w, r, action, nil) {
		return
	}
	if action == ActionGetSigninToken {
		s.getSigninToken(w, q)
	} else {
		s.login(w, r, q)
	}
}

// sessionJSON is the Session parameter of getSigninToken.
type sessionJSON struct {
	SessionID    string `json:"sessionId"`
	SessionKey   string `json:"sessionKey"`
	SessionToken string `json:"sessionToken"`
}

// getSigninToken answers 200 {"SigninToken":…} for credentials this server
// issued and that have not expired; 400 for a malformed request or a
// SessionDuration out of 900–43200 or given for credentials that are not an
// assumed role's, or (as AWS) for the credentials of a chained role; 403
// for credentials it did not issue or that expired.
func (s *Server) getSigninToken(w http.ResponseWriter, q url.Values) {
	var sess sessionJSON
	if err := json.Unmarshal([]byte(q.Get("Session")), &sess); err != nil || sess.SessionID == "" {
		http.Error(w, "teststs federation: Session must be a JSON object with sessionId, sessionKey and sessionToken", http.StatusBadRequest)
		return
	}
	se, ok := s.lookup(sess.SessionID)
	if !ok || !equal(sess.SessionKey, se.secretAccessKey) || !equal(sess.SessionToken, se.sessionToken) || !time.Now().Before(se.expires) {
		http.Error(w, "teststs federation: the session credentials are invalid or expired", http.StatusForbidden)
		return
	}
	duration := 0
	if q.Has("SessionDuration") {
		d, err := strconv.Atoi(q.Get("SessionDuration"))
		if err != nil || d < 900 || d > 43200 || se.assumedRoleARN == "" {
			http.Error(w, "teststs federation: SessionDuration must be 900 to 43200 seconds, for assumed-role credentials only", http.StatusBadRequest)
			return
		}
		if se.chained {
			http.Error(w, "Invalid credentials parameter", http.StatusBadRequest)
			return
		}
		duration = d
	}
	token := newSigninToken()
	s.update(func() {
		s.signins[token] = &signin{issued: time.Now(), accessKeyID: sess.SessionID, assumedRoleARN: se.assumedRoleARN, sessionDuration: duration}
	})
	writeJSON(w, http.StatusOK, map[string]string{"SigninToken": token})
}

// login answers 302 to Destination for a sign-in token issued less than 15
// minutes ago and not used yet; 400 otherwise.
func (s *Server) login(w http.ResponseWriter, r *http.Request, q url.Values) {
	dest, err := url.Parse(q.Get("Destination"))
	if err != nil || (dest.Scheme != "https" && dest.Scheme != "http") || dest.Host == "" {
		http.Error(w, "teststs federation: Destination must be an absolute http(s) URL", http.StatusBadRequest)
		return
	}
	var in *signin
	s.update(func() {
		in = s.signins[q.Get("SigninToken")]
		if in == nil || in.used || time.Since(in.issued) > signinTokenTTL {
			in = nil
			return
		}
		in.used = true
		s.lastLogin = &Login{Time: time.Now(), Issuer: q.Get("Issuer"), Destination: dest.String(),
			AccessKeyID: in.accessKeyID, AssumedRoleARN: in.assumedRoleARN, SessionDuration: in.sessionDuration}
	})
	if in == nil {
		http.Error(w, "teststs federation: the sign-in token is invalid, used or expired", http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, dest.String(), http.StatusFound)
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// newSigninToken is 640 random URL-safe characters.
func newSigninToken() string {
	b := make([]byte, 480)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// FederationReport is the answer of GET /_test/federation.
type FederationReport struct {
	GetSigninTokenCalls int    `json:"getSigninTokenCalls"`
	LoginCalls          int    `json:"loginCalls"`
	LastLogin           *Login `json:"lastLogin"` // null when none
}

func (s *Server) handleFederationReport(w http.ResponseWriter, r *http.Request) {
	rep := FederationReport{GetSigninTokenCalls: s.CallsFor(ActionGetSigninToken), LoginCalls: s.CallsFor(ActionLogin)}
	if l, ok := s.LastLogin(); ok {
		rep.LastLogin = &l
	}
	writeJSON(w, http.StatusOK, rep)
}
