package teststs

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// AWS Signature Version 4, verified from scratch (not with the SDK's signer)
// so that the emulator checks what clients really send.

const sigV4Algorithm = "AWS4-HMAC-SHA256"

// sigV4Auth is a parsed SigV4 Authorization header.
type sigV4Auth struct {
	AccessKeyID   string
	Date          string // YYYYMMDD of the credential scope
	Region        string
	Service       string
	Terminator    string // "aws4_request" when well-formed
	SignedHeaders []string
	Signature     string // lowercase hex
}

// Scope is the credential scope DATE/REGION/SERVICE/TERMINATOR.
func (a *sigV4Auth) Scope() string {
	return a.Date + "/" + a.Region + "/" + a.Service + "/" + a.Terminator
}

// parseSigV4Auth parses "AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request,
// SignedHeaders=a;b, Signature=HEX". An empty header is
// MissingAuthenticationToken, a malformed one IncompleteSignature.
func parseSigV4Auth(h string) (*sigV4Auth, *stsError) {
	if h == "" {
		return nil, senderError(http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token")
	}
	incomplete := func(msg string) *stsError { return senderError(http.StatusBadRequest, "IncompleteSignature", msg) }
	alg, rest, _ := strings.Cut(h, " ")
	if alg != sigV4Algorithm {
		return nil, incomplete("Unsupported AWS 'algorithm': '" + alg + "'")
	}
	params := map[string]string{}
	for _, p := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		params[k] = v
	}
	var missing []string
	for _, k := range []string{"Credential", "Signature", "SignedHeaders"} {
		if params[k] == "" {
			missing = append(missing, "Authorization header requires '"+k+"' parameter.")
		}
	}
	if len(missing) > 0 {
		return nil, incomplete(strings.Join(missing, " "))
	}
	cred := strings.Split(params["Credential"], "/")
	if len(cred) != 5 {
		return nil, incomplete("Credential should have 5 parts: ACCESS_KEY_ID/DATE/REGION/SERVICE/aws4_request.")
	}
	return &sigV4Auth{
		AccessKeyID: cred[0], Date: cred[1], Region: cred[2], Service: cred[3], Terminator: cred[4],
		SignedHeaders: strings.Split(params["SignedHeaders"], ";"),
		Signature:     params["Signature"],
	}, nil
}

// sigV4Signature computes the signature of r (with its body) under auth's
// credential scope and signed headers, at amzDate (the X-Amz-Date value).
func sigV4Signature(r *http.Request, body []byte, auth *sigV4Auth, amzDate, secret string) string {
	canonical := canonicalRequest(r, body, auth.SignedHeaders)
	sum := sha256.Sum256([]byte(canonical))
	toSign := sigV4Algorithm + "\n" + amzDate + "\n" + auth.Scope() + "\n" + hex.EncodeToString(sum[:])
	key := sigV4Key(secret, auth.Date, auth.Region, auth.Service)
	return hex.EncodeToString(hmacSHA256(key, toSign))
}

// sigV4Key derives the signing key: HMAC chain over date, region, service
// and "aws4_request", starting from "AWS4" + the secret access key.
func sigV4Key(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, "aws4_request")
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// canonicalRequest is SigV4's canonical form of r for the given signed headers.
func canonicalRequest(r *http.Request, body []byte, signed []string) string {
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	payload := sha256.Sum256(body)
	var b strings.Builder
	b.WriteString(r.Method + "\n")
	b.WriteString(uriEncode(path, false) + "\n") // non-S3 services encode the path twice
	b.WriteString(canonicalQuery(r.URL.RawQuery) + "\n")
	for _, name := range signed {
		b.WriteString(name + ":" + canonicalHeaderValue(r, name) + "\n")
	}
	b.WriteString("\n" + strings.Join(signed, ";") + "\n")
	b.WriteString(hex.EncodeToString(payload[:]))
	return b.String()
}

// canonicalQuery sorts the query's parameters by URI-encoded name, then
// value, and joins them as NAME=VALUE with '&'.
func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	type param struct{ k, v string }
	var params []param
	for _, p := range strings.Split(raw, "&") {
		k, v, _ := strings.Cut(p, "=")
		k, _ = url.QueryUnescape(k)
		v, _ = url.QueryUnescape(v)
		params = append(params, param{uriEncode(k, true), uriEncode(v, true)})
	}
	sort.Slice(params, func(i, j int) bool {
		if params[i].k != params[j].k {
			return params[i].k < params[j].k
		}
		return params[i].v < params[j].v
	})
	pairs := make([]string, len(params))
	for i, p := range params {
		pairs[i] = p.k + "=" + p.v
	}
	return strings.Join(pairs, "&")
}

// canonicalHeaderValue is the header's values, trimmed, inner runs of spaces
// collapsed, joined by commas. Go's server keeps Host (and may keep the
// length) outside the header map.
func canonicalHeaderValue(r *http.Request, name string) string {
	switch {
	case name == "host":
		return r.Host
	case name == "content-length" && r.Header.Get("Content-Length") == "" && r.ContentLength >= 0:
		return strconv.FormatInt(r.ContentLength, 10)
	}
	var values []string
	for _, v := range r.Header.Values(name) {
		values = append(values, strings.Join(strings.Fields(v), " "))
	}
	return strings.Join(values, ",")
}

// uriEncode percent-encodes every byte but the unreserved characters
// (A-Z a-z 0-9 - _ . ~) and, unless encodeSlash, '/'.
func uriEncode(s string, encodeSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		case c == '/' && !encodeSlash:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}
