package cli

import (
	"errors"
	"fmt"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/format"
)

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
	return formatError(format.Env(o.Stdout, c.Format, creds))
}

// formatError words a value that --format cannot carry: bad input (exit 2),
// since another --format carries it; other errors are returned as they are.
func formatError(err error) error {
	var ue *format.UnsupportedError
	if !errors.As(err, &ue) {
		return err
	}
	return &creds.Error{Kind: creds.KindInput, Err: err,
		Msg: fmt.Sprintf("--format %s cannot carry the value of %s faithfully (%v); use --format %s", ue.Format, ue.Name, ue.Err, ue.Instead)}
}
