package cli

import (
	"errors"
	"fmt"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/format"
)

// EnvCmd prints shell statements that set the credentials.
type EnvCmd struct {
	Format string `name:"format" short:"f" env:"OIDC_CREDS_FORMAT" default:"sh" enum:"sh,fish,powershell,cmd,dotenv,github" help:"Output syntax: sh (bash, zsh, dash, ksh), fish, powershell, cmd, dotenv, or github (GitHub Actions: ::add-mask:: lines on stdout, the variables appended to the file GITHUB_ENV names, for the later steps of the job)."`
	ExchangeFlags
}

// Run exchanges (or reads the cache) and prints the statements (format.Env
// writes all or nothing). With --format github it checks GITHUB_ENV before
// the exchange, then prints the masks and appends the variables there.
func (c *EnvCmd) Run(o *IO) error {
	var gh *githubEnv
	if c.Format == format.GitHub {
		var err error
		if gh, err = openGitHubEnv(); err != nil {
			return err
		}
		defer gh.close()
	}
	creds, err := c.credentials(o)
	if err != nil {
		return err
	}
	if gh == nil {
		return formatError(format.Env(o.Stdout, c.Format, creds))
	}
	out, err := format.GitHubEnv(creds)
	if err != nil {
		return formatError(err)
	}
	return gh.write(o, out)
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
