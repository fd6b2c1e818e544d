package exchange

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/userfile"
)

// The variables that name the files LoadDefaultConfig reads.
const (
	ConfigFileVar      = "AWS_CONFIG_FILE"
	CredentialsFileVar = "AWS_SHARED_CREDENTIALS_FILE"
	CABundleVar        = "AWS_CA_BUNDLE"
)

// MaxSDKFileSize bounds the SDK's files when oidc-creds reads them: no AWS
// config, credentials file or CA bundle comes near it.
const MaxSDKFileSize = 16 << 20

// SDKFile is one of the files the AWS SDK reads: the variable that names
// it and the path it names, the variable's value or, when it is unset, the
// default under ~/.aws ("" when there is no home directory).
type SDKFile struct {
	Variable string
	Path     string
	Default  bool // Path is the default, not the variable's value
}

// SharedFile is the shared config file (ConfigFileVar, name "config") or
// the shared credentials file (CredentialsFileVar, "credentials").
func SharedFile(variable, name string) SDKFile {
	if p := os.Getenv(variable); p != "" {
		return SDKFile{Variable: variable, Path: p}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return SDKFile{Variable: variable, Default: true}
	}
	return SDKFile{Variable: variable, Path: filepath.Join(home, ".aws", name), Default: true}
}

// ReadSDKFile reads f within ctx, bounded in size. A shared file that does
// not exist is nil (the SDK reads it as empty); anything else the SDK would
// fail on, or that would block it, is a *ConfigError: not a regular file (a
// FIFO, a directory), unreadable, too large, or still blocked when ctx
// ends.
func ReadSDKFile(ctx context.Context, f SDKFile) ([]byte, error) {
	if f.Path == "" {
		return nil, nil
	}
	fail := func(p ConfigProblem, err error) error {
		return &ConfigError{Setting: f.Variable, Value: f.Path, Default: f.Default, Problem: p, Err: err}
	}
	b, err := userfile.ReadRegular(ctx, f.Path, MaxSDKFileSize)
	var nr *userfile.NotRegularError
	switch {
	case err == nil:
		return b, nil
	case errors.Is(err, fs.ErrNotExist) && f.Variable != CABundleVar:
		return nil, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, fail(ConfigMissing, err)
	case errors.As(err, &nr):
		return nil, notRegular(f, nr.Mode)
	}
	return nil, fail(ConfigUnreadable, err)
}

func notRegular(f SDKFile, mode fs.FileMode) *ConfigError {
	return &ConfigError{Setting: f.Variable, Value: f.Path, Default: f.Default, Problem: ConfigNotRegular, Mode: mode}
}

// CheckSharedFiles fails with a *ConfigError when the shared config or
// credentials file (named or default) exists and is not a regular file:
// the SDK would block on a FIFO, and fail on a directory. Its stats end
// with ctx.
func CheckSharedFiles(ctx context.Context) error {
	for _, f := range []SDKFile{SharedFile(ConfigFileVar, "config"), SharedFile(CredentialsFileVar, "credentials")} {
		if f.Path == "" {
			continue
		}
		if fi, err := userfile.Stat(ctx, f.Path); err == nil && !fi.Mode().IsRegular() {
			return notRegular(f, fi.Mode().Type())
		}
	}
	return nil
}

// ConfigProblem is what was wrong with a setting of the AWS SDK.
type ConfigProblem int

const (
	ConfigUnknown    ConfigProblem = iota // the SDK's own error (Err), of no known kind
	ConfigMissing                         // the file the setting names does not exist
	ConfigNotRegular                      // the file is a FIFO, a directory, a device (Mode)
	ConfigUnreadable                      // the file cannot be read: permissions, size, or it blocked past the deadline
	ConfigNotPEM                          // the CA bundle holds no PEM certificate
	ConfigNoProfile                       // the profile is in neither shared file
	ConfigBadValue                        // the variable's value is not one the SDK reads
	ConfigBadFile                         // the SDK could not read the shared file
	ConfigBlocked                         // loading the configuration did not finish before the deadline
)

// ConfigError is an AWS SDK setting that LoadDefaultConfig (or oidc-creds
// before calling it) refused: which setting, its value, what was wrong.
type ConfigError struct {
	Setting string // the variable (AWS_CA_BUNDLE, AWS_PROFILE, AWS_MAX_ATTEMPTS…) or "ca_bundle" (the profile's); "" when unknown
	Value   string // the variable's value: a path, a profile name, the text
	Default bool   // Value is the default path of a shared file, its variable unset
	Problem ConfigProblem
	Mode    fs.FileMode // ConfigNotRegular: the file's type
	Files   []string    // ConfigNoProfile: the config and the credentials file the SDK looked in
	Err     error
}

func (e *ConfigError) Error() string {
	what := "the AWS configuration"
	if e.Setting != "" {
		what = e.Setting + "=" + e.Value
	}
	if e.Problem == ConfigNotRegular {
		return fmt.Sprintf("%s: not a regular file (%s)", what, e.Mode)
	}
	return fmt.Sprintf("%s: %v", what, e.Err)
}

func (e *ConfigError) Unwrap() error { return e.Err }

// ExitCode is that of bad input.
func (e *ConfigError) ExitCode() int { return int(creds.KindInput) }

// classifyConfig turns LoadDefaultConfig's error into a *ConfigError that
// says which setting failed.
func classifyConfig(err error, caBundle bool) *ConfigError {
	var noProfile config.SharedConfigProfileNotExistError
	var load config.SharedConfigLoadError
	var pe *fs.PathError
	switch {
	case errors.As(err, &noProfile):
		files := []string{SharedFile(ConfigFileVar, "config").Path, SharedFile(CredentialsFileVar, "credentials").Path}
		return &ConfigError{Setting: "AWS_PROFILE", Value: noProfile.Profile, Problem: ConfigNoProfile, Files: files, Err: err}
	case errors.As(err, &load):
		v := sharedFileVar(load.Filename)
		return &ConfigError{Setting: v, Value: load.Filename, Default: os.Getenv(v) == "", Problem: ConfigBadFile, Err: err}
	case errors.As(err, &pe) && !errors.Is(err, fs.ErrNotExist):
		return &ConfigError{Setting: "ca_bundle", Value: pe.Path, Problem: ConfigUnreadable, Err: err}
	case errors.As(err, &pe):
		// The only file the SDK reads that must exist is a CA bundle:
		// AWS_CA_BUNDLE is read here, so this is the profile's ca_bundle.
		return &ConfigError{Setting: "ca_bundle", Value: pe.Path, Problem: ConfigMissing, Err: err}
	case strings.Contains(err.Error(), "CA bundle"):
		setting := "ca_bundle"
		if caBundle {
			setting = CABundleVar
		}
		return &ConfigError{Setting: setting, Value: os.Getenv(setting), Problem: ConfigNotPEM, Err: err}
	}
	return &ConfigError{Problem: ConfigUnknown, Err: err}
}

// envConfigError is config.NewEnvConfig's error as a *ConfigError: the
// SDK's message names the variable (AWS_MAX_ATTEMPTS=abc), found here
// among the AWS_ variables that are set, the longest name first.
func envConfigError(err error) *ConfigError {
	msg := err.Error()
	var names []string
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "AWS_") {
			names = append(names, name)
		}
	}
	sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	for _, name := range names {
		if strings.Contains(msg, name+"=") || strings.Contains(msg, name+" ") {
			return &ConfigError{Setting: name, Value: os.Getenv(name), Problem: ConfigBadValue, Err: err}
		}
	}
	return &ConfigError{Problem: ConfigBadValue, Err: err}
}

// sharedFileVar names the variable of the shared file at path.
func sharedFileVar(path string) string {
	if f := SharedFile(CredentialsFileVar, "credentials"); f.Path == path {
		return CredentialsFileVar
	}
	return ConfigFileVar
}
