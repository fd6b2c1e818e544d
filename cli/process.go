package cli

import (
	"bytes"

	"github.com/oidc-creds/oidc-creds/format"
)

// ProcessCmd prints credential_process JSON.
type ProcessCmd struct {
	ExchangeFlags
}

// Run exchanges (or reads the cache) and prints the JSON; nothing reaches
// stdout unless everything succeeded.
func (c *ProcessCmd) Run(o *IO) error {
	creds, err := c.credentials(o)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := format.Process(&b, creds); err != nil {
		return err
	}
	_, err = o.Stdout.Write(b.Bytes())
	return err
}
