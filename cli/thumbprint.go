package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/setup"
	"github.com/oidc-creds/oidc-creds/userfile"
)

// ThumbprintCmd prints the thumbprint IAM asks for when an OIDC identity
// provider is created.
type ThumbprintCmd struct {
	Issuer  string        `arg:"" optional:"" name:"issuer-url" default:"https://api.pulumi.com/oidc" help:"OIDC issuer URL (default: ${default})."`
	CAFile  string        `name:"ca-file" placeholder:"PEM" help:"Also trust these CA certificates (a private CA)."`
	Timeout time.Duration `name:"timeout" default:"30s" help:"Time limit for the whole run."`
}

// Run prints 40 lowercase hex digits and a newline.
func (c *ThumbprintCmd) Run(o *IO) error {
	if c.Timeout <= 0 {
		return &creds.Error{Kind: creds.KindInput, Msg: "--timeout must be positive, e.g. 30s"}
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.Timeout)
	defer cancel()
	opts := setup.ThumbprintOptions{Logf: o.Logf}
	if c.CAFile != "" {
		// A CA bundle is small; a file that blocks fails at --timeout.
		pem, err := userfile.Read(ctx, c.CAFile, 16<<20)
		if err != nil {
			return &creds.Error{Kind: creds.KindInput, Input: creds.InputCAFile, Err: err, Msg: fmt.Sprintf("cannot read --ca-file %s: %v", c.CAFile, err)}
		}
		pool, ok := setup.CertPool(pem)
		if !ok {
			return usageError("--ca-file %s holds no PEM certificate", c.CAFile)
		}
		opts.RootCAs = pool
	}
	res, err := setup.Thumbprint(ctx, c.Issuer, opts)
	if err != nil {
		return fetchRemedy(err)
	}
	if res.JWKSStatus/100 != 2 {
		o.Warnf("the jwks_uri %s answered HTTP %d; STS will not be able to fetch the issuer's keys", res.JWKSURI, res.JWKSStatus)
	}
	o.Logf("thumbprint of %q, the last of the %d certificate(s) the jwks_uri host sent", res.Certificate.Subject.String(), len(res.Chain))
	_, err = fmt.Fprintln(o.Stdout, res.Thumbprint)
	return err
}

// fetchRemedy adds to a failed request to the issuer what to do about it.
func fetchRemedy(err error) error {
	var fe *setup.FetchError
	if !errors.As(err, &fe) {
		return err
	}
	remedy := ""
	switch fe.Problem {
	case setup.UnknownAuthority:
		remedy = "if a private CA or a TLS-inspecting proxy signs it, pass its certificate with --ca-file (a thumbprint taken through an inspecting proxy is the proxy's, not the issuer's)"
	case setup.Timeout:
		remedy = "check network access and proxies, or raise --timeout"
	}
	return &creds.Error{Kind: creds.KindUnreachable, Err: err, Msg: fe.Msg + "; " + remedy}
}
