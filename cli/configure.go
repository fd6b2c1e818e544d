package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/oidc-creds/oidc-creds/awsconfig"
	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/token"
)

// ConfigureProfileCmd writes a credential_process profile.
type ConfigureProfileCmd struct {
	Profile    string `name:"profile" required:"" placeholder:"NAME" help:"AWS profile to add or update (default = [default])."`
	DryRun     bool   `name:"dry-run" help:"Print the resulting config file instead of writing it."`
	Executable string `name:"executable" placeholder:"PATH" help:"Program credential_process runs (default: the absolute path of this oidc-creds)."`
	ExchangeFlags
}

// Run validates the exchange flags, then sets credential_process in the
// profile under the config file's lock, touching nothing else in the file.
func (c *ConfigureProfileCmd) Run(o *IO) error {
	if err := checkProfileName(c.Profile, false); err != nil {
		return err
	}
	args, err := c.processArgs()
	if err != nil {
		return err
	}
	exe := c.Executable
	if exe == "" {
		if exe, err = selfPath(); err != nil {
			return &creds.Error{Kind: creds.KindInternal, Err: err, Msg: fmt.Sprintf("cannot find the path of this program: %v; pass --executable PATH", err)}
		}
	} else if exe, err = filepath.Abs(exe); err != nil {
		return usageError("--executable %s: %v", c.Executable, err)
	}
	if err := refuseTokens(exe, args); err != nil {
		return err
	}
	value, err := awsconfig.CommandLine(append([]string{exe}, args...), runtime.GOOS)
	if err != nil {
		return commandLineError(err)
	}
	path, err := awsconfig.Path()
	if err != nil {
		return usageError("%v", err)
	}
	had := false
	f := &awsFile{what: "AWS config file", path: path, mode: awsconfig.KeepMode, timeout: c.Timeout,
		edit: func(old []byte) (awsconfig.Edited, error) {
			_, had = awsconfig.ProfileValue(old, c.Profile, "credential_process")
			return awsconfig.Set(old, c.Profile, "credential_process", value)
		}}
	if err := f.update(c.DryRun); err != nil {
		return err
	}
	header := awsconfig.SectionHeader(c.Profile)
	f.warnFixes(o, header)
	c.warnOverrides(o, f.result.Data)
	switch {
	case c.DryRun:
		o.Logf("dry run: %s not written", path)
		_, err := o.Stdout.Write(f.result.Data)
		return err
	case !f.result.Changed:
		fmt.Fprintf(o.Stdout, "%s in %s is up to date\n", header, path)
	case had:
		fmt.Fprintf(o.Stdout, "updated %s in %s\n", header, path)
	default:
		fmt.Fprintf(o.Stdout, "added credential_process to %s in %s\n", header, path)
	}
	return nil
}

// processArgs are the arguments of "process" that reproduce the flags set
// now: defaults are left out (they apply anyway), relative paths made
// absolute (credential_process runs in another directory). Inputs are
// checked as process would check them; the token is not read.
func (c *ConfigureProfileCmd) processArgs() ([]string, error) {
	f := c.ExchangeFlags
	ctx, cancel := context.WithTimeout(context.Background(), cmp.Or(max(f.Timeout, 0), defaultTimeout))
	defer cancel()
	in, probs := f.check(ctx)
	if len(probs) > 0 {
		return nil, probs[0].err
	}
	a := argList{"process", "--role-arn", in.role.ARN}
	for _, r := range in.chain {
		a.add("--chain-role-arn", r.ARN)
	}
	a.addIf(in.externalID != "", "--external-id", in.externalID)
	a.addIf(f.SessionName != "", "--session-name", f.SessionName)
	for _, p := range in.policyARNs {
		a.add("--policy-arn", p)
	}
	if f.Policy != "" {
		p := f.Policy
		if file, ok := strings.CutPrefix(p, "@"); ok {
			abs, err := absPath("--policy", file)
			if err != nil {
				return nil, err
			}
			p = "@" + abs
		}
		a.add("--policy", p)
	}
	a.addIf(in.duration != defaultDuration, "--duration", f.Duration)
	if err := c.tokenArgs(&a); err != nil {
		return nil, err
	}
	a.addIf(f.Region != "", "--region", f.Region)
	a.addIf(f.EndpointURL != "", "--endpoint-url", f.EndpointURL)
	a.addIf(f.Timeout != defaultTimeout, "--timeout", f.Timeout.String())
	if f.NoCache {
		a = append(a, "--no-cache")
	}
	if f.CacheDir != "" {
		abs, err := absPath("--cache-dir", f.CacheDir)
		if err != nil {
			return nil, err
		}
		a.add("--cache-dir", abs)
	}
	a.addIf(f.RefreshWindow != defaultRefreshWindow, "--refresh-window", f.RefreshWindow.String())
	return a, nil
}

// tokenArgs adds the token flags: a file made absolute, a variable's name
// or a command; never a token, and never standard input, which
// credential_process does not get. Then the platform flags that differ
// from their defaults.
func (c *ConfigureProfileCmd) tokenArgs(a *argList) error {
	t, _, err := c.TokenFlags.chosen()
	if err != nil {
		return err
	}
	switch {
	case t.name == "token-file" && t.value == "-":
		return usageError("--token-file - (standard input) cannot work in credential_process: the AWS tools give it no token there; name a file or a variable")
	case t.name == "token-file":
		abs, err := absPath("--token-file", t.value)
		if err != nil {
			return err
		}
		a.add("--token-file", abs)
	case t.name != "":
		a.add("--"+t.name, t.value)
	}
	p := c.PlatformFlags
	a.addIf(p.Audience != token.DefaultAudience, "--audience", p.Audience)
	a.addIf(p.AzureServiceConnection != "", "--azure-service-connection", p.AzureServiceConnection)
	return nil
}

// refuseTokens refuses a credential_process line with an argument that
// looks like a token (redactTokens' detector: a JWT, a CI request token),
// such as --token-command "echo $TOKEN" or --executable "$TOKEN": the AWS
// config holds command lines that anyone who can read it sees, never a
// token. The message names the flag, never the value.
func refuseTokens(exe string, args []string) error {
	const never = "which the AWS config file must never hold (anyone who can read it could use it)"
	if redactTokens(exe) != exe {
		return usageError("--executable holds what looks like a token (a JWT), not the path of a program, %s; nothing was written", never)
	}
	for i, a := range args {
		if redactTokens(a) == a {
			continue
		}
		flag := "an argument"
		if i > 0 && strings.HasPrefix(args[i-1], "--") {
			flag = args[i-1]
		}
		advice := ""
		if strings.HasPrefix(flag, "--token-") {
			advice = ": give --token-file PATH, --token-env NAME or a --token-command that fetches the token when it runs"
		}
		return usageError("%s holds what looks like a token (a JWT), %s%s; nothing was written", flag, never, advice)
	}
	return nil
}

// argList is a command line being built.
type argList []string

func (a *argList) add(flag, value string) { *a = append(*a, flag, value) }

func (a *argList) addIf(cond bool, flag, value string) {
	if cond {
		a.add(flag, value)
	}
}

func absPath(flag, p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", usageError("%s %s: %v", flag, p, err)
	}
	return abs, nil
}

// The defaults of ExchangeFlags' --duration, --timeout and --refresh-window,
// read from their default tags, so that each default is written in one place.
var (
	defaultDuration      = flagDefault("Duration")
	defaultTimeout       = flagDefault("Timeout")
	defaultRefreshWindow = flagDefault("RefreshWindow")
)

func flagDefault(field string) time.Duration {
	sf, _ := reflect.TypeFor[ExchangeFlags]().FieldByName(field)
	d, err := time.ParseDuration(sf.Tag.Get("default"))
	if err != nil {
		panic("ExchangeFlags." + field + " has no duration default tag")
	}
	return d
}

// warnOverrides warns about settings the SDKs use before credential_process.
func (c *ConfigureProfileCmd) warnOverrides(o *IO, config []byte) {
	for _, k := range awsconfig.ProfileKeys(config, c.Profile) {
		if slices.Contains(awsconfig.Overriding, k) {
			o.Warnf("%s also sets %s, which the AWS SDKs use instead of credential_process; remove it", awsconfig.SectionHeader(c.Profile), k)
		}
	}
	p, err := awsconfig.CredentialsPath()
	if err != nil {
		return
	}
	if b := readForWarnings(p, c.Timeout); slices.Contains(awsconfig.CredentialsKeys(b, c.Profile), "aws_access_key_id") {
		o.Warnf("the credentials file %s has keys for profile %s, which the AWS SDKs use instead of credential_process; remove them", p, c.Profile)
	}
}

// selfPath is the absolute path this program was started by, symlinks
// kept (a package manager's stable link survives upgrades): argv[0] made
// absolute, or found on PATH; else the executable's resolved path.
func selfPath() (string, error) {
	arg0 := os.Args[0]
	if strings.ContainsAny(arg0, `/\`) {
		return filepath.Abs(arg0)
	}
	if p, err := exec.LookPath(arg0); err == nil {
		return filepath.Abs(p)
	}
	return os.Executable()
}

// commandLineError words awsconfig.CommandLine's refusal with the flags
// that avoid it.
func commandLineError(err error) error {
	var ae *awsconfig.ArgError
	if errors.As(err, &ae) {
		switch ae.Problem {
		case awsconfig.NotPlainOnWindows:
			return usageError("%v; use a path without spaces or special characters (or --executable), and --policy @FILE for a session policy", err)
		case awsconfig.ReadAsComment:
			return usageError("%v; avoid white space before # or ; in the arguments (use --policy @FILE for a session policy)", err)
		}
	}
	return usageError("%v", err)
}
