package cli

import (
	"bytes"
	"context"
	"os/signal"

	"github.com/oidc-creds/oidc-creds/credserver"
	"github.com/oidc-creds/oidc-creds/format"
)

// ServeCmd serves refreshing credentials on a loopback endpoint that the
// AWS SDKs and CLI read through AWS_CONTAINER_CREDENTIALS_FULL_URI and
// AWS_CONTAINER_AUTHORIZATION_TOKEN, until SIGINT or SIGTERM.
type ServeCmd struct {
	Format string `name:"format" short:"f" env:"OIDC_CREDS_FORMAT" default:"sh" enum:"sh,fish,powershell,cmd,dotenv,github" help:"Syntax of the printed variables: sh (bash, zsh, dash, ksh), fish, powershell, cmd, dotenv, or github (GitHub Actions: a mask of the authorization value on stdout, the two variables appended to the file GITHUB_ENV names, for the later steps of the job)."`
	Listen string `name:"listen" env:"OIDC_CREDS_LISTEN" default:"127.0.0.1:0" placeholder:"ADDR" help:"Loopback address to listen on: 127.0.0.1:PORT, [::1]:PORT or localhost:PORT; port 0 picks a free one; default ${default}. Other addresses are refused."`
	ExchangeFlags
}

// Run obtains the first credentials, prints the two variables and serves
// until stopped; once serving, it exits 0 on SIGINT or SIGTERM.
func (c *ServeCmd) Run(o *IO) error {
	o = o.serialized()
	var gh *githubEnv
	if c.Format == format.GitHub {
		var err error
		if gh, err = openGitHubEnv(); err != nil {
			return err
		}
		defer gh.close()
	}
	s, err := c.startEndpoint(o, c.Listen)
	if err != nil {
		return err
	}
	defer s.Close()
	// Only from here on does a signal mean "stop serving, exit 0": one that
	// comes during the first exchange ends oidc-creds as it would any
	// program, before it prints anything.
	ctx, stop := signal.NotifyContext(context.Background(), stopSignals...)
	defer stop()
	if err := c.printVars(o, gh, endpointVars(s)); err != nil {
		return err
	}
	o.Logf("serving credentials until SIGINT or SIGTERM")
	<-ctx.Done()
	o.Logf("stopping the credentials endpoint")
	return nil
}

// printVars prints vars in --format; for github, it masks the
// authorization value and appends both to the GITHUB_ENV file.
func (c *ServeCmd) printVars(o *IO, gh *githubEnv, vars []format.Var) error {
	if gh != nil {
		out, err := format.GitHubVars(vars, credserver.VarAuthorization)
		if err != nil {
			return formatError(err)
		}
		return gh.write(o, out)
	}
	var b bytes.Buffer
	if err := format.WriteVars(&b, c.Format, vars); err != nil {
		return formatError(err)
	}
	_, err := o.Stdout.Write(b.Bytes())
	return err
}
