// Package cli holds oidc-creds' commands, each a kong struct with a Run
// method, and every sentence that names a flag or an environment variable.
// main.go only calls Run.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/alecthomas/kong"
	"github.com/oidc-creds/oidc-creds/creds"
)

// CLI holds the global flags; the commands are in commands.
type CLI struct {
	Verbose bool `short:"v" env:"OIDC_CREDS_VERBOSE" help:"Print diagnostics on stderr: where the token came from, its claims, the endpoint, the attempts, the cache. Never a secret."`
}

// command is one top-level command: a kong struct with a Run method.
type command struct {
	name, help string
	new        func() any
}

// commands lists the top-level commands, in the order help shows them.
var commands = []command{
	{"process", "Print credentials as credential_process JSON (for credential_process in ~/.aws/config).", func() any { return &ProcessCmd{} }},
	{"env", "Print credentials as shell statements for eval (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION).", func() any { return &EnvCmd{} }},
	{"identity", "Print the account, assumed-role ARN, role, session name and expiration of the credentials (as aws sts get-caller-identity; never a secret).", func() any { return &IdentityCmd{} }},
	{"cache", "Show or clear the credential cache.", func() any { return &CacheCmd{} }},
	{"token", "Show where the OIDC token comes from and its claims (never the token itself).", func() any { return &TokenCmd{} }},
	{"trust-policy", "Print an IAM role trust policy for AssumeRoleWithWebIdentity (Pulumi Deployments, ESC, GitHub Actions, the current token, any issuer).", func() any { return &TrustPolicyCmd{} }},
	{"thumbprint", "Print the thumbprint IAM asks for when creating an OIDC identity provider.", func() any { return &ThumbprintCmd{} }},
	{"doctor", "Check every step from the token to credentials and explain what fails.", func() any { return &DoctorCmd{} }},
	{"configure-profile", "Add or update an AWS profile whose credential_process runs oidc-creds.", func() any { return &ConfigureProfileCmd{} }},
	{"write-credentials", "Write credentials into a profile of ~/.aws/credentials, for tools that read only that file (they do not renew).", func() any { return &WriteCredentialsCmd{} }},
	{"exec", "Run a command with credentials in its environment; with --refresh, through a local endpoint that renews them.", func() any { return &ExecCmd{} }},
	{"console", "Open the AWS console signed in as the role (the last of --chain-role-arn), or print the sign-in URL with --print.", func() any { return &ConsoleCmd{} }},
	{"serve", "Serve renewing credentials on a loopback endpoint the AWS SDKs and CLI read; print its two variables.", func() any { return &ServeCmd{} }},
	{"version", "Print the version.", func() any { return &VersionCmd{} }},
}

// commandOptions registers the command that args name or, when they name
// none, all of them. Building kong's model costs more than a whole cache
// hit, so a run builds only the command it runs.
func commandOptions(args []string) []kong.Option {
	name := firstWord(args)
	var opts []kong.Option
	for _, c := range commands {
		if c.name == name {
			return []kong.Option{kong.DynamicCommand(c.name, c.help, "", c.new())}
		}
		opts = append(opts, kong.DynamicCommand(c.name, c.help, "", c.new()))
	}
	return opts
}

// IO is what commands print to and log with; kong binds it into Run.
type IO struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Verbose        bool
}

// Logf prints a -v diagnostic line on stderr.
func (o *IO) Logf(format string, args ...any) {
	if o.Verbose {
		fmt.Fprint(o.Stderr, clean(fmt.Sprintf("oidc-creds: "+format+"\n", args...)))
	}
}

// Warnf prints a warning line on stderr.
func (o *IO) Warnf(format string, args ...any) {
	fmt.Fprint(o.Stderr, clean(fmt.Sprintf("oidc-creds: warning: "+format+"\n", args...)))
}

// Exit statuses besides those of creds.Kind.
const (
	exitOK    = 0
	exitUsage = int(creds.KindInput)
)

// Main runs the command line args (without the program name) and returns
// the exit status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) (status int) {
	var c CLI
	exited := false
	parser, err := newParser(&c, args, stdout, stderr, func(code int) { exited, status = true, code; panic(exitPanic{}) })
	if err != nil {
		fmt.Fprintf(stderr, "oidc-creds: internal error: %v\n", err)
		return int(creds.KindInternal)
	}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(exitPanic); !ok {
				panic(r)
			}
		}
	}()
	ctx, err := parser.Parse(args)
	if exited {
		return status
	}
	if err != nil {
		fmt.Fprintf(stderr, "oidc-creds: %s\n%s\n", clean(kongMessage(err.Error())), usageHint(err, args))
		return exitUsage
	}
	o := &IO{Stdin: stdin, Stdout: stdout, Stderr: stderr, Verbose: c.Verbose}
	if err := ctx.Run(o); err != nil {
		return report(stderr, err)
	}
	return exitOK
}

// newParser is kong's parser of the command args name into c, its empty
// variables dropped (dropEmptyEnv); exit is called instead of os.Exit.
func newParser(c *CLI, args []string, stdout, stderr io.Writer, exit func(int)) (*kong.Kong, error) {
	parser, err := kong.New(c, append(commandOptions(args),
		kong.Name("oidc-creds"),
		kong.Description("Exchange an OIDC token (Pulumi, GitHub Actions, GitLab, Kubernetes…) for temporary AWS credentials with STS AssumeRoleWithWebIdentity.\n\nExit status: 0 success, 1 internal error, 2 bad input, 3 token problem, 4 STS refused, 5 STS unreachable."),
		kong.UsageOnError(),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true, NoExpandSubcommands: true}),
		kong.Writers(stdout, stderr),
		kong.Exit(exit),
	)...)
	if err != nil {
		return nil, err
	}
	dropEmptyEnv(parser.Model.Node)
	return parser, nil
}

type exitPanic struct{}

// firstWord is the first argument that is not a flag, or "".
func firstWord(args []string) string {
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			return a
		}
	}
	return ""
}

// usageHint says where the usage of a command line that did not parse is
// shown. It names only a command that exists (the one kong reached, else
// a command name among args) and never repeats other words of the
// command line: a flag's value, or a token given where a command belongs.
func usageHint(err error, args []string) string {
	var pe *kong.ParseError
	if errors.As(err, &pe) && pe.Context != nil {
		if path := commandPath(pe.Context.Selected()); path != "" {
			return "run 'oidc-creds " + path + " --help' for usage"
		}
	}
	for i, a := range args {
		for _, c := range commands {
			if a != c.name {
				continue
			}
			if i > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-v" && args[0] != "--verbose" {
				return "run 'oidc-creds " + a + " --help' for usage; a command's flags go after its name"
			}
			return "run 'oidc-creds " + a + " --help' for usage"
		}
	}
	return "run 'oidc-creds --help' for usage"
}

// commandPath is the names of the commands from the top down to n, e.g.
// "cache list"; "" when n is no command.
func commandPath(n *kong.Node) string {
	var names []string
	for ; n != nil; n = n.Parent {
		if n.Type == kong.CommandNode {
			names = append([]string{n.Name}, names...)
		}
	}
	return strings.Join(names, " ")
}

// report prints err on stderr and returns its exit status.
func report(stderr io.Writer, err error) int {
	var s exitStatus
	if errors.As(err, &s) { // exec: the command's own status
		return int(s)
	}
	msg := clean(err.Error())
	fmt.Fprintf(stderr, "oidc-creds: %s\n", strings.ReplaceAll(msg, "\n", "\n  "))
	var ec interface{ ExitCode() int }
	if errors.As(err, &ec) {
		return ec.ExitCode()
	}
	return int(creds.KindInternal)
}

// Run runs the program with os.Args and the standard streams, and returns
// the exit status: all that main does.
func Run() int {
	return Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
}

// dropEmptyEnv unsets the flags' environment variables that are set but
// empty: as in the AWS CLI and SDKs, an empty variable counts as unset, so
// that OIDC_CREDS_ROLE_ARN= lets AWS_ROLE_ARN through.
func dropEmptyEnv(n *kong.Node) {
	for _, f := range n.Flags {
		for _, name := range f.Tag.Envs {
			if v, ok := os.LookupEnv(name); ok && v == "" {
				os.Unsetenv(name)
			}
		}
	}
	for _, c := range n.Children {
		dropEmptyEnv(c)
	}
}
