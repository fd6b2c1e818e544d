package cli

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/format"
)

// ExecCmd runs a command with credentials in its environment: fixed keys,
// or with --refresh a loopback endpoint that keeps them fresh.
type ExecCmd struct {
	Refresh bool     `name:"refresh" env:"OIDC_CREDS_REFRESH" help:"Instead of fixed keys, give the command a loopback endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI, AWS_CONTAINER_AUTHORIZATION_TOKEN) that exchanges again before the credentials lapse: for jobs that may outlive the session."`
	Command []string `arg:"" passthrough:"partial" name:"command" placeholder:"CMD" help:"The command to run and its arguments, after --."`
	ExchangeFlags
}

// childEnvRemoved lists the variables exec removes from the command's
// environment, so that the credentials it gives are the only ones the SDKs
// find: a profile (aws-sdk-go-v2 prefers AWS_PROFILE's credentials to
// AWS_ACCESS_KEY_ID), older or other names for keys, another credentials
// endpoint (the SDKs prefer RELATIVE_URI to FULL_URI and a token file to a
// token), and web identity (the SDKs try it before a credentials endpoint).
// Everything else, AWS_REGION and AWS_ENDPOINT_URL included, is passed on.
var childEnvRemoved = []string{
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION",
	"AWS_SECURITY_TOKEN", "AWS_ACCESS_KEY", "AWS_SECRET_KEY",
	"AWS_PROFILE", "AWS_DEFAULT_PROFILE",
	"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
	"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
}

// Run checks the command, obtains credentials (or starts the endpoint),
// runs the command, forwarding signals, and exits with its status.
func (c *ExecCmd) Run(o *IO) error {
	// The command writes to oidc-creds' standard error itself: a file (a
	// terminal) is inherited as it is, so that it stays a terminal and a
	// background process the command leaves does not hold a pipe open that
	// oidc-creds would wait for. Only another writer, which exec copies to
	// from a goroutine, goes through the lock the endpoint's logging takes.
	childStderr := o.Stderr
	o = o.serialized()
	if _, ok := childStderr.(*os.File); !ok {
		childStderr = o.Stderr
	}
	argv := c.Command
	if len(argv) > 0 && argv[0] == "--" {
		argv = argv[1:]
	}
	if len(argv) == 0 || argv[0] == "" {
		return &creds.Error{Kind: creds.KindInput, Msg: "no command to run: oidc-creds exec [flags] -- CMD [ARGS...]"}
	}
	path, err := exec.LookPath(argv[0])
	if err != nil && !errors.Is(err, exec.ErrDot) {
		return commandError(argv[0], err)
	}
	env, removed := childEnv(os.Environ())
	if len(removed) > 0 {
		o.Logf("not passed to the command: %s", strings.Join(removed, ", "))
	}
	env, stop, err := c.withCredentials(o, env)
	if err != nil {
		return err
	}
	defer stop()
	warnDroppedProfile(o)
	cmd := &exec.Cmd{Path: path, Args: argv, Env: env, Stdin: o.Stdin, Stdout: o.Stdout, Stderr: childStderr}
	if cmd.Stdin == nil {
		cmd.Stdin = os.Stdin
	}
	o.Logf("running %s", path)
	status, err := runChild(cmd, o)
	if err != nil {
		return commandError(argv[0], err)
	}
	o.Logf("the command exited with status %d", status)
	if status != 0 {
		return exitStatus(status)
	}
	return nil
}

// withCredentials adds the credentials to env: fixed keys, or with
// --refresh the variables of a loopback endpoint, which stop closes.
func (c *ExecCmd) withCredentials(o *IO, env []string) (_ []string, stop func(), err error) {
	if c.Refresh {
		s, err := c.startEndpoint(o, "")
		if err != nil {
			return nil, nil, err
		}
		for _, v := range endpointVars(s) {
			env = append(env, v.Name+"="+v.Value)
		}
		return env, func() { s.Close() }, nil
	}
	cr, err := c.credentials(o)
	if err != nil {
		return nil, nil, err
	}
	env = append(env,
		format.VarAccessKeyID+"="+cr.AccessKeyID,
		format.VarSecretAccessKey+"="+cr.SecretAccessKey)
	if cr.SessionToken != "" {
		env = append(env, format.VarSessionToken+"="+cr.SessionToken)
	}
	exp := cr.Expiration.UTC().Format(time.RFC3339)
	env = append(env, format.VarExpiration+"="+exp)
	o.Logf("the credentials expire at %s; --refresh keeps a longer job supplied", exp)
	return env, func() {}, nil
}

// warnDroppedProfile warns when the command may have taken its region from
// the profile exec does not pass on.
func warnDroppedProfile(o *IO) {
	if os.Getenv("AWS_REGION") != "" || os.Getenv("AWS_DEFAULT_REGION") != "" {
		return
	}
	for _, name := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE"} {
		if v := os.Getenv(name); v != "" {
			o.Warnf("%s=%s is not passed to the command (the profile's credentials would win over these); set AWS_REGION if the command took its region from that profile", name, v)
		}
	}
}

// childEnv returns environ without the variables in childEnvRemoved, and
// the names it removed.
func childEnv(environ []string) (env, removed []string) {
	for _, kv := range environ {
		name, _, ok := strings.Cut(kv, "=")
		if ok && name != "" && isRemoved(name) {
			removed = append(removed, name)
			continue
		}
		env = append(env, kv)
	}
	return env, removed
}

func isRemoved(name string) bool {
	for _, r := range childEnvRemoved {
		if name == r || runtime.GOOS == "windows" && strings.EqualFold(name, r) {
			return true
		}
	}
	return false
}

// exitStatus is the command's exit status: Main exits with it and prints
// nothing (the command has said what it had to).
type exitStatus int

func (s exitStatus) Error() string { return fmt.Sprintf("the command exited with status %d", int(s)) }

// ExitCode is the status oidc-creds exits with.
func (s exitStatus) ExitCode() int { return int(s) }

// runError is a command that could not be run: 127 when it is not found,
// 126 otherwise, as in shells.
type runError struct {
	status int
	msg    string
	err    error
}

func (e *runError) Error() string { return e.msg }
func (e *runError) Unwrap() error { return e.err }

// ExitCode is the status oidc-creds exits with.
func (e *runError) ExitCode() int { return e.status }

func commandError(name string, err error) error {
	if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
		return &runError{status: 127, err: err, msg: fmt.Sprintf("cannot run %q: command not found; check the name and PATH", name)}
	}
	return &runError{status: 126, err: err, msg: fmt.Sprintf("cannot run %q: %v", name, unwrapOpError(err))}
}
