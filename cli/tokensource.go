package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/alecthomas/kong"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/format"
	"github.com/oidc-creds/oidc-creds/token"
)

// AfterApply notes where the flags' values came from (see chosen).
func (f *TokenFlags) AfterApply(kctx *kong.Context) error {
	f.given = originsOf(kctx)
	return nil
}

// tokenFlag is one of the token flags with its value.
type tokenFlag struct{ name, env, value string }

func (f TokenFlags) all() []tokenFlag {
	return []tokenFlag{
		{"token-file", "OIDC_CREDS_TOKEN_FILE", f.TokenFile},
		{"token-env", "OIDC_CREDS_TOKEN_ENV", f.TokenEnv},
		{"token-command", "OIDC_CREDS_TOKEN_COMMAND", f.TokenCommand},
	}
}

// chosen is the token flag in force, if any. A flag on the command line
// wins over the others' variables (commandLineWins takes them out before
// kong reads them), so that a credential_process line works whatever the
// environment exports; two given on the same level conflict.
func (f TokenFlags) chosen() (tokenFlag, bool, error) {
	var set []tokenFlag
	for _, t := range f.all() {
		if t.value != "" {
			set = append(set, t)
		}
	}
	switch len(set) {
	case 0:
		return tokenFlag{}, false, nil
	case 1:
		return set[0], true, nil
	}
	where := ""
	if f.given.env[set[0].name] != "" {
		where = " (from the environment: " + joinNames(set, func(t tokenFlag) string { return t.env }) + " are set; unset all but one, or give one flag on the command line)"
	}
	verb := "both"
	if len(set) > 2 {
		verb = "all"
	}
	return tokenFlag{}, false, usageError("%s %s name a token; give one of them%s",
		joinNames(set, func(t tokenFlag) string { return "--" + t.name }), verb, where)
}

func joinNames(ts []tokenFlag, name func(tokenFlag) string) string {
	var s []string
	for _, t := range ts {
		s = append(s, name(t))
	}
	if len(s) == 2 {
		return s[0] + " and " + s[1]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// source is the token source of the exchange flags.
func (f *ExchangeFlags) source(o *IO) (token.Source, error) {
	return f.TokenFlags.sourceWith(o, f.PlatformFlags)
}

// sourceWith is the token source the flags name: --token-file (a file, or
// standard input for "-"), --token-env, --token-command, else the default
// places and then the CI platform detected from its variables.
func (f TokenFlags) sourceWith(o *IO, p PlatformFlags) (token.Source, error) {
	t, ok, err := f.chosen()
	if err != nil {
		return nil, err
	}
	// With a token flag, the platform is detected only to say so with -v:
	// not on the quiet path of every run.
	var d token.Detection
	if !ok || o.Verbose {
		d = token.Detect(nil)
	}
	if !ok || d.Platform != token.NoPlatform {
		o.Logf("CI platform: %s", describeDetection(d))
	}
	switch {
	case !ok:
		return token.Default(nil, "", d.Source(token.PlatformOptions{
			Audience: p.Audience, AzureServiceConnection: p.AzureServiceConnection})), nil
	case t.name == "token-file" && t.value == "-":
		var in io.Reader = os.Stdin
		if o.Stdin != nil {
			in = o.Stdin
		}
		return &token.Reader{R: in, Origin: "standard input"}, nil
	case t.name == "token-file":
		return token.File{Path: t.value}, nil
	case t.name == "token-env":
		return token.Env{Name: t.value}, nil
	}
	return token.Command{Line: t.value, Origin: tokenCommandOrigin}, nil
}

// tokenCommandOrigin names --token-command's token in messages.
const tokenCommandOrigin = "--token-command"

// load reads the token from src, wording what is missing in the flags
// that would supply it.
func (f TokenFlags) load(ctx context.Context, src token.Source) (*token.Token, error) {
	t, err := src.Token(ctx)
	return t, f.explainToken(err)
}

// resolve is token.Resolve with load's wording: src's token, or the Keyed
// source to look credentials up by before requesting one.
func (f TokenFlags) resolve(ctx context.Context, src token.Source) (token.Source, *token.Token, error) {
	s, t, err := token.Resolve(ctx, src)
	return s, t, f.explainToken(err)
}

// explainToken words a token source's failure with the flags, variables
// and pipeline settings that would fix it.
func (f TokenFlags) explainToken(err error) error {
	var absent *token.AbsentError
	var none *token.NoTokenError
	var req *token.RequestError
	var cmd *token.CommandError
	named, _, _ := f.chosen()
	switch {
	case err == nil:
		return nil
	case named.name == "token-env" && errors.As(err, &absent):
		return &creds.Error{Kind: creds.KindToken, Input: creds.InputTokenEnv, Err: err,
			Msg: fmt.Sprintf("--token-env names %s, but that environment variable is unset or empty", named.value)}
	case errors.As(err, &none):
		return &creds.Error{Kind: creds.KindToken, Err: err, Msg: none.Error() + "; " + noTokenHint(token.Detect(nil))}
	case errors.As(err, &req):
		return &creds.Error{Kind: creds.Kind(req.ExitCode()), Err: err, Msg: requestHint(req)}
	case errors.As(err, &cmd):
		return &creds.Error{Kind: creds.KindToken, Err: err, Msg: commandHint(cmd)}
	}
	return err
}

// loadToken finds the flags' source and reads the token from it.
func (f TokenFlags) loadToken(ctx context.Context, o *IO, p PlatformFlags) (*token.Token, error) {
	src, err := f.sourceWith(o, p)
	if err != nil {
		return nil, err
	}
	return f.load(ctx, src)
}

// TokenTimeout bounds reading or requesting the token in the commands that
// do not exchange it (token, trust-policy --from-token), as --timeout of
// ExchangeFlags bounds the whole run of the others.
type TokenTimeout struct {
	Timeout time.Duration `name:"timeout" env:"OIDC_CREDS_TIMEOUT" default:"30s" help:"Time limit for reading or requesting the token."`

	from string // where Timeout came from: --timeout or its variable (AfterApply)
}

// AfterApply notes where --timeout's value came from.
func (t *TokenTimeout) AfterApply(kctx *kong.Context) error {
	t.from = originsOf(kctx).name("timeout")
	return nil
}

// context is a context that ends after --timeout.
func (t TokenTimeout) context() (context.Context, context.CancelFunc, error) {
	if t.Timeout <= 0 {
		return nil, nil, usageError("%s", timeoutRule(cmp.Or(t.from, "--timeout")))
	}
	ctx, cancel := context.WithTimeout(context.Background(), t.Timeout)
	return ctx, cancel, nil
}

// platformFlagsFromEnv are the platform flags' variables, for commands
// without the flags (trust-policy, whose --audience means another thing).
func platformFlagsFromEnv() PlatformFlags {
	return PlatformFlags{Audience: cmp.Or(os.Getenv("OIDC_CREDS_AUDIENCE"), token.DefaultAudience),
		AzureServiceConnection: os.Getenv("OIDC_CREDS_AZURE_SERVICE_CONNECTION")}
}

// shellWord is s as one word of a shell command line: as is when plain,
// else quoted.
func shellWord(s string) string {
	plain := s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("_-./:=@%+,", r))
	})
	if plain {
		return s
	}
	return format.QuoteSh(s)
}
