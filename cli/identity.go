package cli

import (
	"bytes"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/oidc-creds/oidc-creds/cache"
	"github.com/oidc-creds/oidc-creds/printjson"
	"github.com/oidc-creds/oidc-creds/token"
)

// IdentityCmd reports whose credentials an exchange gives, as
// `aws sts get-caller-identity` does, without any secret.
type IdentityCmd struct {
	JSON bool `name:"json" help:"Print a JSON object (Account, Arn, Role, SessionName, Expiration) for scripts."`
	ExchangeFlags
}

// identityReport is what identity prints: nothing secret. Account and Arn
// are STS's (empty when it returned no assumed-role ARN, as MinIO does);
// Role and SessionName are what was asked for, the last of the chain.
type identityReport struct {
	Account     string    `json:"Account"`
	Arn         string    `json:"Arn"`
	Role        string    `json:"Role"`
	SessionName string    `json:"SessionName"`
	Expiration  time.Time `json:"Expiration"`
}

// Run obtains the credentials exactly as process does (the cache first:
// after process, env or a profile's credential_process it is a hit, with no
// STS call) and prints their identity.
func (c *IdentityCmd) Run(o *IO) error {
	e, err := c.session(o)
	if err != nil {
		return err
	}
	r := newIdentityReport(e)
	var b bytes.Buffer
	if c.JSON {
		js, err := printjson.Indent(r)
		if err != nil {
			return err
		}
		_, err = o.Stdout.Write(js)
		return err
	}
	r.writeText(&b, timeNow())
	_, err = io.WriteString(o.Stdout, b.String())
	return err
}

func newIdentityReport(e *cache.Entry) identityReport {
	c := e.Credentials
	return identityReport{Account: c.AccountID, Arn: c.ARN, Role: e.Role, SessionName: e.Session, Expiration: c.Expiration.UTC()}
}

// writeText writes the report for people, one value a line; each value
// (from STS or a cache file) is shown, escaped when it holds a control
// character, so that none can pass for another line.
func (r identityReport) writeText(w *bytes.Buffer, now time.Time) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "%s\t%s\n", k, v) }
	none := "(none: STS returned no assumed-role ARN)"
	row("account", orText(r.Account, none))
	row("arn", orText(r.Arn, none))
	row("role", orText(r.Role, "(none)"))
	row("session name", orText(r.SessionName, "(none)"))
	row("expires", fmt.Sprintf("%s (in %s)", r.Expiration.Format(time.RFC3339), token.Span(now, r.Expiration)))
	tw.Flush() // a bytes.Buffer does not fail
}

// orText shows s, or instead when s is empty.
func orText(s, instead string) string {
	if s == "" {
		return instead
	}
	return shown(s)
}
