package cli

import "github.com/oidc-creds/oidc-creds/format"

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
		return format.Env(o.Stdout, c.Format, creds)
	}
	out, err := format.GitHubEnv(creds)
	if err != nil {
		return err
	}
	return gh.write(o, out)
}
