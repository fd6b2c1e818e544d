package cli

import (
	"os"
	"slices"
	"strings"

	"github.com/alecthomas/kong"
)

// BeforeReset runs after kong has read the command line and before it
// reads the flags' environment variables: the command line wins.
func (c *CLI) BeforeReset(kctx *kong.Context) error {
	commandLineWins(kctx)
	return nil
}

// tokenFlagNames are the flags that each name the token: one on the
// command line overrides the variables of all of them.
var tokenFlagNames = []string{"token-file", "token-env", "token-command"}

// commandLineWins makes every flag the command line gives win over its
// environment variables: kong would read a variable first and fail on a
// value it cannot parse (OIDC_CREDS_TIMEOUT=bogus with --timeout 5s), so
// the flag's variables are taken out of kong's model for this run. A token
// flag on the command line takes out the variables of the other token
// flags too: only two flags of the same level conflict. The environment
// itself is left alone (exec passes it on). With --help nothing changes,
// so that help lists every flag's variables.
func commandLineWins(kctx *kong.Context) {
	given := map[string]bool{}
	for _, p := range kctx.Path {
		if p.Flag == nil {
			continue
		}
		if p.Flag.Name == "help" {
			return
		}
		given[p.Flag.Name] = true
	}
	if slices.ContainsFunc(tokenFlagNames, func(n string) bool { return given[n] }) {
		for _, n := range tokenFlagNames {
			given[n] = true
		}
	}
	var walk func(n *kong.Node)
	walk = func(n *kong.Node) {
		for _, f := range n.Flags {
			if given[f.Name] {
				f.Tag.Envs = nil
			}
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(kctx.Model.Node)
}

// flagOrigins says where the flags' values came from, once kong has
// parsed them: the environment variable each came from; the others came
// from the command line or are defaults.
type flagOrigins struct {
	env map[string]string // flag name -> the variable its value came from
}

// originsOf reads the origins from kong's context (in an AfterApply hook).
// commandLineWins has taken the variables of the flags on the command line
// out, so a flag that still has one that is set took its value from it.
func originsOf(kctx *kong.Context) flagOrigins {
	o := flagOrigins{env: map[string]string{}}
	for _, f := range kctx.Flags() {
		for _, name := range f.Tag.Envs {
			if _, ok := os.LookupEnv(name); ok {
				o.env[f.Name] = name
				break
			}
		}
	}
	return o
}

// name is how a message names where flag's value came from: the
// environment variable that gave it, else --flag.
func (o flagOrigins) name(flag string) string {
	if e := o.env[flag]; e != "" {
		return e
	}
	return "--" + flag
}

// negativeRules are the rules of the flags whose values are never
// negative: said instead of kong's advice to write --timeout="-1s", which
// the rule would then refuse.
var negativeRules = map[string]func(string) string{"timeout": timeoutRule, "refresh-window": refreshWindowRule, "duration": durationRule}

// kongMessage rewords what kong says of a value it could not parse: "from
// the environment variable NAME" rather than kong's "(from envar
// NAME="value")", which also repeats the value; a negative value after a
// space, which kong reads as a short flag, gets the flag's rule.
func kongMessage(msg string) string {
	if name, rest, ok := strings.Cut(strings.TrimPrefix(msg, "--"), ": "); ok && strings.HasPrefix(msg, "--") &&
		strings.Contains(rest, ` but got "-`) && strings.Contains(rest, "; perhaps try ") && negativeRules[name] != nil {
		return negativeRules[name]("--" + name)
	}
	const envar = " (from envar "
	i := strings.LastIndex(msg, envar)
	if i < 0 {
		return msg
	}
	name, _, ok := strings.Cut(msg[i+len(envar):], "=")
	if !ok {
		return msg
	}
	return msg[:i] + " (from the environment variable " + name + ")"
}
