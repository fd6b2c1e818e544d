package teststs

import (
	"bytes"
	"compress/flate"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Request is one STS request as the server saw it.
type Request struct {
	Time            time.Time `json:"time"`
	Action          string    `json:"action"`
	RoleARN         string    `json:"roleArn"`
	RoleSessionName string    `json:"roleSessionName"`
	Policy          string    `json:"policy,omitempty"`
	PolicyARNs      []string  `json:"policyArns,omitempty"`
	DurationSeconds int       `json:"durationSeconds"` // 3600 when absent, 0 when not a number
	// Outcome is "ok", the error code returned, "garbage" for an injected
	// non-XML answer, "canceled" when the client went away (or the server
	// closed) during an injected delay, or "pending" while being answered.
	Outcome     string `json:"outcome"`
	AccessKeyID string `json:"accessKeyId,omitempty"` // of issued credentials when ok
	// SecretAccessKey and SessionToken of issued credentials, so that tests
	// can assert that no secret leaks.
	SecretAccessKey string `json:"secretAccessKey,omitempty"`
	SessionToken    string `json:"sessionToken,omitempty"`
	Subject         string `json:"subject,omitempty"` // sub of the token, when it could be parsed
}

func (r *Request) clone() Request {
	c := *r
	c.PolicyARNs = slices.Clone(r.PolicyARNs)
	return c
}

const (
	stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"
	stsVersion   = "2011-06-15"
	stsAction    = "AssumeRoleWithWebIdentity"

	msgNotValidated = "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request."
	msgAccessDenied = "Not authorized to perform sts:AssumeRoleWithWebIdentity"

	// packedPolicyLimit is the emulated packed-policy budget in bytes.
	packedPolicyLimit = 1024
)

// stsError is an error answer of STS.
type stsError struct {
	status int
	typ    string // Sender or Receiver
	code   string
	msg    string
}

func senderError(status int, code, msg string) *stsError {
	return &stsError{status: status, typ: "Sender", code: code, msg: msg}
}

func (s *Server) handleSTS(w http.ResponseWriter, r *http.Request) {
	parseErr := r.ParseForm()
	form := r.Form
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

	s.mu.Lock()
	s.calls++
	s.requests = append(s.requests, rec)
	fault := s.takeFaultLocked()
	delay := s.faults.Delay
	s.mu.Unlock()

	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			s.finish(rec, "canceled", "")
			// Drop the connection without an answer (the client is gone, or
			// the server is closing): an empty 200 would read as success.
			panic(http.ErrAbortHandler)
		}
	}

	requestID := newRequestID()
	w.Header().Set("x-amzn-RequestId", requestID)

	var serr *stsError
	var res *assumeResult
	switch {
	case fault == faultGarbage:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("teststs injected garbage: this is not XML {\n"))
		s.finish(rec, "garbage", "")
		return
	case fault != faultNone:
		serr = s.faultError(fault)
	case parseErr != nil:
		serr = senderError(http.StatusBadRequest, "MalformedQueryString", "The request body could not be parsed: "+parseErr.Error())
	default:
		res, serr = s.assume(form, rec)
	}
	if serr != nil {
		writeXML(w, serr.status, errorResponse{
			Xmlns:     stsNamespace,
			Error:     errorBody{Type: serr.typ, Code: serr.code, Message: serr.msg},
			RequestID: requestID,
		})
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

func (s *Server) finish(rec *Request, outcome, accessKeyID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec.Outcome = outcome
	rec.AccessKeyID = accessKeyID
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

// policyARNs collects PolicyArns.member.N.arn in order of N.
func policyARNs(form url.Values) []string {
	type member struct {
		n   int
		arn string
	}
	var ms []member
	for k, v := range form {
		rest, ok := strings.CutPrefix(k, "PolicyArns.member.")
		if !ok {
			continue
		}
		num, field, ok := strings.Cut(rest, ".")
		n, err := strconv.Atoi(num)
		if !ok || field != "arn" || err != nil || len(v) == 0 {
			continue
		}
		ms = append(ms, member{n, v[0]})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].n < ms[j].n })
	var out []string
	for _, m := range ms {
		out = append(out, m.arn)
	}
	return out
}

var (
	sessionNameRE = regexp.MustCompile(`^[\w+=,.@-]*$`)
	policyRE      = regexp.MustCompile(`^[\x{0009}\x{000A}\x{000D}\x{0020}-\x{00FF}]+$`)
)

// validate checks the input limits of the STS API model and returns the
// violations in AWS's wording.
func validate(form url.Values) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	value := func(v string, sensitive bool) string {
		if sensitive {
			return "Value"
		}
		return "Value '" + v + "'"
	}
	length := func(field, v string, minLen, maxLen int, sensitive bool) {
		n := utf8.RuneCountInString(v)
		if n < minLen {
			add("%s at '%s' failed to satisfy constraint: Member must have length greater than or equal to %d", value(v, sensitive), field, minLen)
		}
		if n > maxLen {
			add("%s at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", value(v, sensitive), field, maxLen)
		}
	}
	required := func(param, field string, minLen, maxLen int, sensitive bool) (string, bool) {
		if !form.Has(param) {
			add("Value null at '%s' failed to satisfy constraint: Member must not be null", field)
			return "", false
		}
		v := form.Get(param)
		length(field, v, minLen, maxLen, sensitive)
		return v, true
	}

	required("RoleArn", "roleArn", 20, 2048, false)
	if name, ok := required("RoleSessionName", "roleSessionName", 2, 64, false); ok && !sessionNameRE.MatchString(name) {
		add("Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", name)
	}
	required("WebIdentityToken", "webIdentityToken", 4, 20000, true)

	arns := policyARNs(form)
	for i, arn := range arns {
		length(fmt.Sprintf("policyArns.%d.member.arn", i+1), arn, 20, 2048, false)
	}
	if len(arns) > 10 {
		descs := make([]string, len(arns))
		for i, arn := range arns {
			descs[i] = "PolicyDescriptorType(arn=" + arn + ")"
		}
		add("Value '[%s]' at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10", strings.Join(descs, ", "))
	}

	if form.Has("Policy") {
		p := form.Get("Policy")
		length("policy", p, 1, 2048, false)
		if p != "" && !policyRE.MatchString(p) {
			add("Value '%s' at 'policy' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+", p)
		}
	}

	if form.Has("DurationSeconds") {
		v := form.Get("DurationSeconds")
		d, err := strconv.Atoi(v)
		switch {
		case err != nil:
			add("Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must be an integer", v)
		case d < 900:
			add("Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", d)
		case d > 43200:
			add("Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200", d)
		}
	}
	return problems
}

func validationError(problems []string) *stsError {
	plural := "s"
	if len(problems) == 1 {
		plural = ""
	}
	return senderError(http.StatusBadRequest, "ValidationError",
		fmt.Sprintf("%d validation error%s detected: %s", len(problems), plural, strings.Join(problems, "; ")))
}

// packedPolicyPercent emulates how much of the packed-policy budget the
// session policies use (see the package documentation).
func packedPolicyPercent(policy string, arns []string) int {
	size := 16 * len(arns)
	if policy != "" {
		var compact bytes.Buffer
		if err := json.Compact(&compact, []byte(policy)); err != nil {
			compact.Reset()
			compact.WriteString(policy)
		}
		var z bytes.Buffer
		fw, _ := flate.NewWriter(&z, flate.BestCompression)
		_, _ = fw.Write(compact.Bytes())
		_ = fw.Close()
		size += z.Len()
	}
	return (size*100 + packedPolicyLimit - 1) / packedPolicyLimit
}

// assume runs the checks after faults and Action/Version, and issues credentials.
func (s *Server) assume(form url.Values, rec *Request) (*assumeResult, *stsError) {
	action, version := form.Get("Action"), form.Get("Version")
	switch {
	case action == "":
		return nil, senderError(http.StatusBadRequest, "MissingAction", "Missing Action")
	case !form.Has("Version"):
		return nil, senderError(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter Version")
	case action != stsAction || version != stsVersion:
		return nil, senderError(http.StatusBadRequest, "InvalidAction",
			fmt.Sprintf("Could not find operation %s for version %s", action, version))
	}

	if problems := validate(form); len(problems) > 0 {
		return nil, validationError(problems)
	}

	var packed *int
	if form.Has("Policy") || len(rec.PolicyARNs) > 0 {
		if form.Has("Policy") {
			var doc map[string]any
			if err := json.Unmarshal([]byte(form.Get("Policy")), &doc); err != nil || doc == nil {
				return nil, senderError(http.StatusBadRequest, "MalformedPolicyDocument", "The policy is not in the valid JSON format.")
			}
		}
		pct := packedPolicyPercent(form.Get("Policy"), rec.PolicyARNs)
		if pct > 100 {
			return nil, senderError(http.StatusBadRequest, "PackedPolicyTooLarge",
				fmt.Sprintf("Packed policy consumes %d%% of allotted space, please use smaller policy for session.", pct))
		}
		packed = &pct
	}

	now := time.Now()
	tok, err := parseJWT(form.Get("WebIdentityToken"))
	if err != nil {
		return nil, senderError(http.StatusBadRequest, "InvalidIdentityToken", msgNotValidated)
	}
	if iss := tok.stringClaim("iss"); iss != s.IssuerURL {
		return nil, senderError(http.StatusBadRequest, "InvalidIdentityToken", "No OpenIDConnect provider found in your account for "+iss)
	}
	if !tok.verify(s.key) {
		return nil, senderError(http.StatusBadRequest, "InvalidIdentityToken", msgNotValidated)
	}
	auds := tok.audiences()
	if !slices.Contains(auds, s.audience) {
		return nil, senderError(http.StatusBadRequest, "InvalidIdentityToken", "Incorrect token audience")
	}
	exp, ok := tok.timeClaim("exp")
	if !ok {
		return nil, senderError(http.StatusBadRequest, "InvalidIdentityToken", msgNotValidated)
	}
	if !now.Before(exp) {
		return nil, senderError(http.StatusBadRequest, "ExpiredTokenException",
			fmt.Sprintf("Token expired: current date/time %d must be before the expiration date/time %d", now.Unix(), exp.Unix()))
	}
	if _, present := tok.claims["nbf"]; present {
		nbf, ok := tok.timeClaim("nbf")
		if !ok || now.Before(nbf) {
			return nil, senderError(http.StatusBadRequest, "InvalidIdentityToken", msgNotValidated)
		}
	}

	sub := tok.stringClaim("sub")
	role, ok := s.roles[rec.RoleARN]
	if !ok || !slices.Contains(auds, role.Audience) || !globMatch(role.SubPattern, sub) {
		return nil, senderError(http.StatusForbidden, "AccessDenied", msgAccessDenied)
	}
	duration := time.Duration(rec.DurationSeconds) * time.Second
	if duration > role.MaxSessionDuration {
		return nil, senderError(http.StatusBadRequest, "ValidationError",
			"The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}

	ttl := duration
	if s.ttl > 0 {
		ttl = s.ttl
	}
	res := &assumeResult{
		SubjectFromWebIdentityToken: sub,
		Audience:                    s.audience,
		Credentials: credentials{
			SessionToken:    newSessionToken(),
			SecretAccessKey: newSecretAccessKey(),
			Expiration:      now.Add(ttl).UTC().Truncate(time.Second).Format(time.RFC3339),
			AccessKeyID:     newAccessKeyID(),
		},
		PackedPolicySize: packed,
		Provider:         s.Provider(),
	}
	partition, account, roleName := parseRoleARN(role.ARN)
	if account != "" {
		res.Provider = "arn:" + partition + ":iam::" + account + ":oidc-provider/" + s.Provider()
	}
	if !s.emptyARN && account != "" {
		session := form.Get("RoleSessionName")
		res.AssumedRoleUser.Arn = "arn:" + partition + ":sts::" + account + ":assumed-role/" + roleName + "/" + session
		res.AssumedRoleUser.AssumedRoleID = roleID(role.ARN) + ":" + session
	}
	return res, nil
}

// parseRoleARN splits arn:PARTITION:iam::ACCOUNT:role/PATH/NAME.
func parseRoleARN(arn string) (partition, account, name string) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return "", "", ""
	}
	resource := parts[5]
	if i := strings.LastIndexByte(resource, '/'); i >= 0 {
		name = resource[i+1:]
	}
	return parts[1], parts[4], name
}

// globMatch reports whether s matches an IAM StringLike pattern: '*' matches
// any run of characters (also none), '?' exactly one; case-sensitive.
func globMatch(pattern, s string) bool {
	p, str := []rune(pattern), []rune(s)
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(str) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == str[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// Credential material shaped like AWS's.

func newAccessKeyID() string {
	return "ASIA" + rand.Text()[:16] // rand.Text is 26 characters of A-Z2-7
}

func newSecretAccessKey() string {
	b := make([]byte, 30)
	_, _ = rand.Read(b)
	s := []byte(base64.StdEncoding.EncodeToString(b)) // 40 characters
	ensureChars(s, 0, len(s))
	return string(s)
}

// sessionTokenPrefix is how real session tokens start ("IQoJb3JpZ2luX2Vj").
const sessionTokenPrefix = "!\n\torigin_ec"

func newSessionToken() string {
	b := make([]byte, len(sessionTokenPrefix)+640) // length ≡ 1 (mod 3): ends in "=="
	copy(b, sessionTokenPrefix)
	_, _ = rand.Read(b[len(sessionTokenPrefix):])
	s := []byte(base64.StdEncoding.EncodeToString(b))
	ensureChars(s, 16, len(s)-4)
	return string(s)
}

// ensureChars makes sure s[from:to] holds a '+' and a '/' (so tests see the
// characters that shells and URL encoders break), replacing random positions.
func ensureChars(s []byte, from, to int) {
	pos := func() int {
		var b [2]byte
		_, _ = rand.Read(b[:])
		return from + (int(b[0])<<8|int(b[1]))%(to-from)
	}
	if !bytes.ContainsRune(s[from:to], '+') {
		s[pos()] = '+'
	}
	if !bytes.ContainsRune(s[from:to], '/') {
		for {
			if i := pos(); s[i] != '+' {
				s[i] = '/'
				break
			}
		}
	}
}

func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// XML documents of the STS API.

type assumeResponse struct {
	XMLName   xml.Name     `xml:"AssumeRoleWithWebIdentityResponse"`
	Xmlns     string       `xml:"xmlns,attr"`
	Result    assumeResult `xml:"AssumeRoleWithWebIdentityResult"`
	RequestID string       `xml:"ResponseMetadata>RequestId"`
}

type assumeResult struct {
	SubjectFromWebIdentityToken string          `xml:"SubjectFromWebIdentityToken"`
	Audience                    string          `xml:"Audience"`
	AssumedRoleUser             assumedRoleUser `xml:"AssumedRoleUser"`
	Credentials                 credentials     `xml:"Credentials"`
	PackedPolicySize            *int            `xml:"PackedPolicySize,omitempty"`
	Provider                    string          `xml:"Provider"`
}

type assumedRoleUser struct {
	Arn           string `xml:"Arn"`
	AssumedRoleID string `xml:"AssumedRoleId"`
}

type credentials struct {
	SessionToken    string `xml:"SessionToken"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	Expiration      string `xml:"Expiration"`
	AccessKeyID     string `xml:"AccessKeyId"`
}

type errorResponse struct {
	XMLName   xml.Name  `xml:"ErrorResponse"`
	Xmlns     string    `xml:"xmlns,attr"`
	Error     errorBody `xml:"Error"`
	RequestID string    `xml:"RequestId"`
}

type errorBody struct {
	Type    string `xml:"Type"`
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

func writeXML(w http.ResponseWriter, status int, v any) {
	body, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
