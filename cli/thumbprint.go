package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/oidc-creds/oidc-creds/exchange"
	"github.com/oidc-creds/oidc-creds/setup"
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
		return &exchange.Error{Kind: exchange.KindInput, Msg: "--timeout must be positive, e.g. 30s"}
	}
	opts := setup.ThumbprintOptions{Logf: o.Logf}
	if c.CAFile != "" {
		pool, err := setup.LoadCAFile(c.CAFile)
		if err != nil {
			return err
		}
		opts.RootCAs = pool
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.Timeout)
	defer cancel()
	res, err := setup.Thumbprint(ctx, c.Issuer, opts)
	if err != nil {
		return err
	}
	if res.JWKSStatus/100 != 2 {
		o.Warnf("the jwks_uri %s answered HTTP %d; STS will not be able to fetch the issuer's keys", res.JWKSURI, res.JWKSStatus)
	}
	o.Logf("thumbprint of %q, the last of the %d certificate(s) the jwks_uri host sent", res.Certificate.Subject.String(), len(res.Chain))
	_, err = fmt.Fprintln(o.Stdout, res.Thumbprint)
	return err
}
