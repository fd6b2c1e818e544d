package cli

import (
	"bytes"

	"github.com/oidc-creds/oidc-creds/format"
)

// EnvCmd prints shell statements that set the credentials.
type EnvCmd struct {
	Format string `name:"format" short:"f" env:"OIDC_CREDS_FORMAT" default:"sh" enum:"sh,fish,powershell,cmd,dotenv" help:"Output syntax: sh (bash, zsh, dash, ksh), fish, powershell, cmd or dotenv."`
	ExchangeFlags
}

// Run exchanges (or reads the cache) and prints the statements.
func (c *EnvCmd) Run(o *IO) error {
	creds, err := c.credentials(o)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := format.Env(&b, c.Format, creds); err != nil {
		return err
	}
	_, err = o.Stdout.Write(b.Bytes())
	return err
}
