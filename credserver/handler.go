package credserver

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// credentialsResponse is the document of the container credentials
// protocol, as ECS and EKS serve it and as aws-sdk-go-v2's endpointcreds,
// botocore's ContainerProvider and the JavaScript SDK's fromHttp read it.
type credentialsResponse struct {
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	Token           string `json:"Token"`
	Expiration      string `json:"Expiration"`
	AccountID       string `json:"AccountId,omitempty"`
}

// errorResponse is the protocol's error document (aws-sdk-go-v2 decodes it
// when the Content-Type is exactly application/json).
type errorResponse struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// getTimeout bounds how long a request waits for an exchange when there
// are no valid credentials to serve.
const getTimeout = time.Minute

// NewHandler returns the HTTP handler of the endpoint: a GET of path whose
// Authorization header equals authorization gets the Refresher's
// credentials as JSON (Expiration in RFC 3339 UTC, Cache-Control no-store).
// A request without Authorization gets 401; one with another value, to
// another path, or naming a host that is not loopback gets 403; another
// method 405; and when no valid credentials can be had, 503 with a JSON
// error that holds no secret. logf (may be nil) gets one line per request,
// never the authorization value, the path or a secret.
func NewHandler(r *Refresher, path, authorization string, logf func(format string, args ...any)) http.Handler {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	want := sha256.Sum256([]byte(authorization))
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		status, code, msg := checkRequest(req, path, want)
		if status != http.StatusOK {
			logf("credentials endpoint: %s from %s refused: %d %s", req.Method, req.RemoteAddr, status, msg)
			if status == http.StatusMethodNotAllowed {
				w.Header().Set("Allow", http.MethodGet)
			}
			writeJSON(w, status, errorResponse{Code: code, Message: msg})
			return
		}
		ctx, cancel := context.WithTimeout(req.Context(), getTimeout)
		defer cancel()
		c, err := r.Get(ctx)
		if err != nil {
			logf("credentials endpoint: GET from %s: 503 %v", req.RemoteAddr, err)
			writeJSON(w, http.StatusServiceUnavailable, errorResponse{Code: "CredentialsUnavailable", Message: err.Error()})
			return
		}
		logf("credentials endpoint: GET from %s: 200, expiring at %s", req.RemoteAddr, c.Expiration.UTC().Format(time.RFC3339))
		writeJSON(w, http.StatusOK, credentialsResponse{
			AccessKeyID:     c.AccessKeyID,
			SecretAccessKey: c.SecretAccessKey,
			Token:           c.SessionToken,
			Expiration:      c.Expiration.UTC().Format(time.RFC3339),
			AccountID:       c.AccountID,
		})
	})
}

// checkRequest returns 200, or the refusal's status, code and message.
func checkRequest(req *http.Request, path string, want [sha256.Size]byte) (int, string, string) {
	auth := req.Header.Values("Authorization")
	switch {
	case len(auth) == 0, len(auth) == 1 && auth[0] == "":
		return http.StatusUnauthorized, "Unauthorized", "missing Authorization header: send the value of AWS_CONTAINER_AUTHORIZATION_TOKEN"
	case len(auth) > 1:
		return http.StatusForbidden, "Forbidden", "more than one Authorization header"
	}
	got := sha256.Sum256([]byte(auth[0]))
	if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
		return http.StatusForbidden, "Forbidden", "wrong Authorization value"
	}
	if !loopbackHost(req.Host) {
		return http.StatusForbidden, "Forbidden", "the request names a host that is not loopback"
	}
	if req.URL.Path != path || req.URL.RawQuery != "" {
		return http.StatusForbidden, "Forbidden", "no credentials at this path: use AWS_CONTAINER_CREDENTIALS_FULL_URI"
	}
	if req.Method != http.MethodGet {
		return http.StatusMethodNotAllowed, "MethodNotAllowed", "only GET is allowed"
	}
	return http.StatusOK, "", ""
}

// loopbackHost reports whether the Host header names a loopback address or
// localhost: it refuses requests a web page could send through DNS
// rebinding (which could not carry the Authorization header anyway).
func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil { // not with these types
		status, body = http.StatusInternalServerError, []byte(`{"code":"InternalError","message":"cannot encode the answer"}`)
	}
	body = append(body, '\n')
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
