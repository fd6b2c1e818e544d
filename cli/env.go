package cli

import "github.com/oidc-creds/oidc-creds/format"

// EnvCmd prints shell statements that set the credentials.
type EnvCmd struct {
	Format string `name:"format" short:"f" env:"OIDC_CREDS_FORMAT" default:"sh" enum:"sh,fish,powershell,cmd,dotenv" help:"Output syntax: sh (bash, zsh, dash, ksh), fish, powershell, cmd or dotenv."`
	ExchangeFlags
}

// Run exchanges (or reads the cache) and prints the statements (format.Env
// writes all or nothing).
func (c *EnvCmd) Run(o *IO) error {
	creds, err := c.credentials(o)
	if err != nil {
		return err
	}
	return format.Env(o.Stdout, c.Format, creds)
}
