package cli

import (
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/exchange"
	"github.com/oidc-creds/oidc-creds/trust"
)

// checkRegion applies the AWS SDK's rule for a region (its endpoint rules'
// IsValidHostLabel with subdomains): dot-separated labels of 1 to 63
// letters, digits and hyphens, none starting or ending with a hyphen.
// source names where the region came from, e.g. "--region".
func checkRegion(region, source string) error {
	for _, label := range strings.Split(region, ".") {
		ok := len(label) >= 1 && len(label) <= 63 && label[0] != '-' && label[len(label)-1] != '-'
		for i := 0; ok && i < len(label); i++ {
			c := label[i]
			ok = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-'
		}
		if !ok {
			return &creds.Error{Kind: creds.KindInput, Msg: "the region " + strconv.Quote(creds.Clip(region)) + " (" + source +
				") is not a region name; write one such as us-east-1 or eu-west-1: letters, digits and hyphens"}
		}
	}
	return nil
}

// checkEndpointURL applies what the AWS SDK accepts as an endpoint: a URL
// that parses, with the scheme http or https and a host name; a port, if
// any, from 1 to 65535. source names where it came from.
func checkEndpointURL(s, source string) error {
	bad := func(why string) error {
		return &creds.Error{Kind: creds.KindInput, Msg: "the endpoint URL " + strconv.Quote(creds.Clip(s)) + " (" + source + ") " + why}
	}
	u, err := url.Parse(s)
	switch {
	case trust.HasUserinfo(s):
		// Never repeated: the URL holds a password.
		return &creds.Error{Kind: creds.KindInput, Msg: "the endpoint URL (" + source + ") holds a user name or password (USER:PASSWORD@ before the host), which STS takes none of and oidc-creds never prints; remove it"}
	case !strings.Contains(s, "://"):
		if looksLikeHost(s) {
			return bad("has no scheme; write it as http://" + s + " or https://" + s)
		}
		return bad("is not a URL; write one such as https://sts.eu-west-1.amazonaws.com or http://127.0.0.1:9000")
	case err != nil:
		return bad("is not a URL; write one such as https://sts.eu-west-1.amazonaws.com or http://127.0.0.1:9000")
	case u.Scheme != "http" && u.Scheme != "https":
		return bad("has the scheme " + strconv.Quote(u.Scheme) + "; STS is reached over http:// or https://")
	case u.Hostname() == "":
		return bad("has no host name; write one such as https://sts.eu-west-1.amazonaws.com or http://127.0.0.1:9000")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return bad("has the port " + p + "; a port is a number from 1 to 65535")
		}
	}
	return nil
}

// looksLikeHost reports whether s could be a host with an optional port
// and path, as in 127.0.0.1:9000 or sts.example.com/x.
func looksLikeHost(s string) bool {
	if s == "" || strings.HasPrefix(s, "/") || strings.HasPrefix(s, ":") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._:/[]", c) >= 0) {
			return false
		}
	}
	return true
}

// checkResolved applies the same rules to the region and endpoint the SDK
// resolved from its environment and profile, before anything is sent, and
// refuses the combinations its endpoint rules refuse (a FIPS or dual-stack
// endpoint with a custom endpoint URL).
func (f *ExchangeFlags) checkResolved(x *exchange.Exchanger) error {
	c, ok := x.Client.(*sts.Client)
	if !ok {
		return nil
	}
	o := c.Options()
	if err := checkRegion(o.Region, f.settingSource("--region", o.Region, "AWS_REGION", "AWS_DEFAULT_REGION")); err != nil {
		return err
	}
	if o.BaseEndpoint == nil {
		return nil
	}
	source := f.settingSource("--endpoint-url", *o.BaseEndpoint, "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL")
	if err := checkEndpointURL(*o.BaseEndpoint, source); err != nil {
		return err
	}
	fips := o.EndpointOptions.UseFIPSEndpoint == aws.FIPSEndpointStateEnabled || strings.HasPrefix(o.Region, "fips-") ||
		strings.Contains(o.Region, "-fips-") || strings.HasSuffix(o.Region, "-fips")
	dual := o.EndpointOptions.UseDualStackEndpoint == aws.DualStackEndpointStateEnabled
	if fips || dual {
		what := "a FIPS endpoint (AWS_USE_FIPS_ENDPOINT, use_fips_endpoint or a fips region)"
		if !fips {
			what = "a dual-stack endpoint (AWS_USE_DUALSTACK_ENDPOINT or use_dualstack_endpoint)"
		}
		return usageError("the endpoint URL %q (%s) cannot be combined with %s, which the SDK refuses; drop one of them", creds.Clip(*o.BaseEndpoint), source, what)
	}
	return nil
}

// settingSource names where the SDK took value from: the flag, else the first of
// the environment variables that holds it, else the AWS profile.
func (f *ExchangeFlags) settingSource(flag, value string, envs ...string) string {
	if flag == "--region" && f.Region != "" || flag == "--endpoint-url" && f.EndpointURL != "" {
		return f.given.name(strings.TrimPrefix(flag, "--"))
	}
	for _, e := range envs {
		if os.Getenv(e) == value {
			return e
		}
	}
	return "the AWS profile"
}
