package cli

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/alecthomas/kong"
)

// leafCommands are the command paths of the model under n, e.g. "cache list".
func leafCommands(n *kong.Node, path []string) [][]string {
	if n.Type == kong.CommandNode {
		path = append(append([]string{}, path...), n.Name)
	}
	var out [][]string
	for _, c := range n.Children {
		if c.Type == kong.CommandNode {
			out = append(out, leafCommands(c, path)...)
		}
	}
	if len(out) == 0 && len(path) > 0 {
		out = append(out, path)
	}
	return out
}

// flagValue is a valid value for f on the command line, and what its
// field then holds.
func flagValue(f *kong.Flag) (arg, want string) {
	switch {
	case f.IsBool():
		return "", "true"
	case f.Enum != "":
		v := strings.Split(f.Enum, ",")[0]
		return v, v
	case f.Target.Type() == reflect.TypeOf(time.Duration(0)):
		return "7s", "7s"
	case f.Target.Kind() == reflect.Slice:
		return "from-the-command-line", "[from-the-command-line]"
	}
	return "from-the-command-line", "from-the-command-line"
}

// Every flag with an environment variable, in every command, long and
// short: a value on the command line wins over the variable, even one kong
// cannot parse (OIDC_CREDS_TIMEOUT=bogus --timeout 5s exited 2).
func TestCommandLineWinsOverEnvironment(t *testing.T) {
	var root CLI
	all, err := newParser(&root, nil, io.Discard, io.Discard, func(int) {})
	if err != nil {
		t.Fatal(err)
	}
	tested := 0
	for _, path := range leafCommands(all.Model.Node, nil) {
		var c CLI
		p, err := newParser(&c, path, io.Discard, io.Discard, func(int) {})
		if err != nil {
			t.Fatal(err)
		}
		node := p.Model.Node
		for _, name := range path {
			for _, ch := range node.Children {
				if ch.Name == name {
					node = ch
				}
			}
		}
		for _, group := range node.AllFlags(false) {
			for _, f := range group {
				if len(f.Tag.Envs) == 0 {
					continue
				}
				arg, want := flagValue(f)
				forms := [][]string{{"--" + f.Name}}
				if f.Short != 0 {
					forms = append(forms, []string{"-" + string(f.Short)})
				}
				for _, form := range forms {
					if arg != "" {
						form = append(form, arg)
					}
					args := append(append([]string{}, path...), form...)
					for _, gs := range node.AllFlags(false) {
						for _, g := range gs {
							if g.Required && g != f {
								v, _ := flagValue(g)
								args = append(args, "--"+g.Name, v)
							}
						}
					}
					if path[0] == "exec" {
						args = append(args, "--", "true")
					}
					t.Run(strings.Join(args, " "), func(t *testing.T) {
						for _, e := range f.Tag.Envs {
							t.Setenv(e, "bogus")
						}
						var c CLI
						p, err := newParser(&c, args, io.Discard, io.Discard, func(int) {})
						if err != nil {
							t.Fatal(err)
						}
						kctx, err := p.Parse(args)
						if err != nil {
							t.Fatalf("parse: %v", err)
						}
						for _, g := range kctx.Flags() {
							if g.Name == f.Name {
								if got := fmt.Sprint(g.Target.Interface()); got != want {
									t.Errorf("--%s holds %q, want %q", f.Name, got, want)
								}
							}
						}
					})
					tested++
				}
			}
		}
	}
	if tested < 40 {
		t.Errorf("only %d flags tested", tested)
	}
}

// A value kong cannot parse that came from a variable names the variable,
// in words, without repeating the value twice.
func TestEnvironmentValueMessage(t *testing.T) {
	t.Setenv("OIDC_CREDS_TIMEOUT", "bogus")
	var stdout, stderr strings.Builder
	status := Main([]string{"process"}, strings.NewReader(""), &stdout, &stderr)
	want := `oidc-creds: --timeout: expected duration but got "bogus": time: invalid duration "bogus" (from the environment variable OIDC_CREDS_TIMEOUT)` + "\n"
	if status != exitUsage || !strings.HasPrefix(stderr.String(), want) {
		t.Errorf("status %d, stderr %q, want %q", status, stderr.String(), want)
	}
	for in, want := range map[string]string{
		`x (from envar A="b=c)")`: "x (from the environment variable A)",
		"no variable":             "no variable",
	} {
		if got := kongMessage(in); got != want {
			t.Errorf("kongMessage(%q) = %q, want %q", in, got, want)
		}
	}
}
