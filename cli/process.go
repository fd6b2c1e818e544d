package cli

import "github.com/oidc-creds/oidc-creds/format"

// ProcessCmd prints credential_process JSON.
type ProcessCmd struct {
	ExchangeFlags
}

// Run exchanges (or reads the cache) and prints the JSON; nothing reaches
// stdout unless everything succeeded (format.Process writes all or nothing).
func (c *ProcessCmd) Run(o *IO) error {
	creds, err := c.credentials(o)
	if err != nil {
		return err
	}
	return format.Process(o.Stdout, creds)
}
