package trust

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/oidc-creds/oidc-creds/creds"
)

// maxIssuerLength is IAM's limit on an OpenID Connect provider's URL.
const maxIssuerLength = 255

// IssuerError is an issuer that no IAM identity provider can have: its
// condition keys and Federated ARN would name nothing, or something else.
type IssuerError struct {
	Issuer  string
	Problem string // what is wrong, e.g. "is not an https URL"
}

func (e *IssuerError) Error() string {
	if HasUserinfo(e.Issuer) {
		// Never repeated: it holds a password.
		return "the issuer URL holds a user name or password (USER:PASSWORD@ before the host), which no identity provider's URL has; give the token's iss, e.g. " + PulumiIssuer
	}
	return fmt.Sprintf("issuer %s %s; an issuer is an https URL with a host (no user, query or fragment), as IAM requires of an identity provider, e.g. %s", quoted(e.Issuer), e.Problem, PulumiIssuer)
}

// quoted is s in Go quotes, clipped: it may hold anything.
func quoted(s string) string { return strconv.Quote(creds.Clip(s)) }

// CheckIssuer checks that issuer can be an IAM OpenID Connect provider's
// URL, which the trust policy's Federated ARN and condition keys are made
// of: https, a host, no user information, query or fragment (OpenID
// Connect issuers have none), at most 255 characters, and nothing IAM would
// read as a wildcard or a policy variable (*, $, {, }) or that is not
// visible (white space, control and format characters). http is accepted
// for a loopback host (a local test issuer, which IAM itself would not
// take): loopbackHTTP reports it, so that the caller can say so.
func CheckIssuer(issuer string) (loopbackHTTP bool, err error) {
	bad := func(problem string) (bool, error) { return false, &IssuerError{Issuer: issuer, Problem: problem} }
	for _, r := range issuer {
		if unicode.IsSpace(r) || !unicode.IsGraphic(r) || unicode.Is(unicode.Cf, r) {
			return bad("holds white space, a control or an invisible character")
		}
	}
	if strings.ContainsAny(issuer, "*${}") {
		return bad("holds *, $, { or }, which IAM reads as a wildcard or a policy variable")
	}
	if len(issuer) > maxIssuerLength {
		return bad(fmt.Sprintf("is longer than %d characters, IAM's limit", maxIssuerLength))
	}
	u, err := url.Parse(issuer)
	switch {
	case err != nil || u.Scheme != "https" && u.Scheme != "http":
		return bad("is not an https URL")
	case u.Opaque != "" || u.Host == "" || u.Hostname() == "":
		return bad("has no host")
	case u.User != nil:
		return bad("holds a user name")
	case u.ForceQuery || u.RawQuery != "" || strings.Contains(issuer, "#"):
		return bad("has a query or fragment")
	case u.Scheme == "http" && !loopback(u.Hostname()):
		return bad("is http, not https")
	}
	return u.Scheme == "http", nil
}

// loopback is whether host names this machine: localhost or a loopback IP.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
