package setup

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/trust"
)

// IssuerURL reads an issuer URL as IAM takes it: https, a host, an optional
// path; "api.pulumi.com/oidc" is taken as https://api.pulumi.com/oidc.
func IssuerURL(s string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if s != "" && !strings.Contains(s, "://") {
		s = "https://" + s
	}
	if trust.HasUserinfo(s) {
		// Never repeated: it holds a password.
		return nil, &creds.Error{Kind: creds.KindInput, Msg: "the issuer URL holds a user name or password (USER:PASSWORD@ before the host); give the issuer URL, the token's iss, such as " + trust.PulumiIssuer}
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, &creds.Error{Kind: creds.KindInput, Msg: fmt.Sprintf("issuer %q is not a URL such as %s", s, trust.PulumiIssuer)}
	}
	if u.Scheme != "https" {
		return nil, &creds.Error{Kind: creds.KindInput, Msg: fmt.Sprintf("issuer %s is not https; IAM identity providers and thumbprints are for https issuers", u)}
	}
	if !validHost(u.Hostname()) {
		// Not repeated: what stands where a host belongs may be a token.
		return nil, &creds.Error{Kind: creds.KindInput, Msg: fmt.Sprintf("the issuer URL's host cannot be a host name (dot-separated labels of 1 to 63 letters, digits and hyphens) nor an IP address; give the issuer URL, the token's iss, such as %s", trust.PulumiIssuer)}
	}
	return u, nil
}

// validHost reports whether h can be looked up: an IP address, or a DNS
// name of at most 253 characters whose labels are 1 to 63 letters, digits
// and hyphens, not starting or ending with a hyphen.
func validHost(h string) bool {
	if net.ParseIP(h) != nil {
		return true
	}
	h = strings.TrimSuffix(h, ".")
	if h == "" || len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			if c := label[i] | 0x20; !('a' <= c && c <= 'z' || '0' <= label[i] && label[i] <= '9' || label[i] == '-') {
				return false
			}
		}
	}
	return true
}
