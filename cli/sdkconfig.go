package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/exchange"
	"github.com/oidc-creds/oidc-creds/userfile"
)

// explainConfig words an *exchange.ConfigError, an AWS SDK setting that
// failed, in one sentence that names the setting and what to do; timeout
// names where the run's time limit came from. Other errors pass as they are.
func explainConfig(err error, timeout string) error {
	var ce *exchange.ConfigError
	if !errors.As(err, &ce) {
		return err
	}
	return &creds.Error{Kind: creds.KindInput, Err: err, Msg: configSentence(ce, timeout)}
}

func configSentence(e *exchange.ConfigError, timeout string) string {
	what := settingFile(e)
	switch e.Problem {
	case exchange.ConfigNotRegular:
		return fmt.Sprintf("%s is %s, not a regular file; %s", what, fileKind(e.Mode), fileRemedy(e))
	case exchange.ConfigMissing:
		return fmt.Sprintf("%s does not exist; %s", what, fileRemedy(e))
	case exchange.ConfigNotPEM:
		return fmt.Sprintf("%s holds no PEM certificate; %s", what, fileRemedy(e))
	case exchange.ConfigUnreadable:
		var tl *userfile.TooLargeError
		switch {
		case userfile.TimedOut(e.Err):
			return fmt.Sprintf("%s gave nothing within %s (a FIFO no one writes to, or a hung mount?); %s", what, timeout, fileRemedy(e))
		case errors.As(e.Err, &tl):
			return fmt.Sprintf("%s is larger than %d MiB, more than any AWS file; %s", what, tl.Limit>>20, fileRemedy(e))
		}
		return fmt.Sprintf("%s cannot be read (%s); fix its permissions, or %s", what, pathErrText(e.Err), fileRemedy(e))
	case exchange.ConfigBadFile:
		return fmt.Sprintf("the AWS SDK cannot read %s: %v; fix the file, or point %s at another", what, e.Err, e.Setting)
	case exchange.ConfigNoProfile:
		return fmt.Sprintf("the AWS profile %s, which AWS_PROFILE names, is in neither the config file %s nor the credentials file %s; set AWS_PROFILE to a profile that exists (aws configure list-profiles), or unset it",
			strconv.Quote(creds.Clip(e.Value)), orNone(e.Files[0]), orNone(e.Files[1]))
	case exchange.ConfigBadValue:
		return badValueSentence(e)
	case exchange.ConfigBlocked:
		return fmt.Sprintf("loading the AWS configuration did not finish within %s: a file the AWS SDK reads blocks (%s, %s or a profile's ca_bundle: a FIFO, a hung mount?); fix or unset the variable that names it",
			timeout, exchange.ConfigFileVar, exchange.CredentialsFileVar)
	}
	return fmt.Sprintf("the AWS SDK cannot load its configuration (the AWS_ variables, the config and credentials files): %v", e.Err)
}

// settingFile names the file of a setting as the subject of a sentence:
// "the file PATH that AWS_CA_BUNDLE names".
func settingFile(e *exchange.ConfigError) string {
	switch {
	case e.Setting == "ca_bundle":
		return "the CA bundle " + e.Value + " that the AWS profile's ca_bundle names"
	case e.Setting == exchange.ConfigFileVar && e.Default:
		return "the AWS config file " + e.Value + " (" + exchange.ConfigFileVar + " is unset)"
	case e.Setting == exchange.CredentialsFileVar && e.Default:
		return "the AWS credentials file " + e.Value + " (" + exchange.CredentialsFileVar + " is unset)"
	}
	return "the file " + e.Value + " that " + e.Setting + " names"
}

// fileRemedy says what to do about a setting's file.
func fileRemedy(e *exchange.ConfigError) string {
	switch {
	case e.Setting == "ca_bundle":
		return "point ca_bundle at a file of PEM CA certificates, or remove it from the profile"
	case e.Setting == exchange.CABundleVar:
		return "point " + exchange.CABundleVar + " at a file of PEM CA certificates, or unset it"
	case e.Default:
		return "make it a plain file, or set " + e.Setting + " to one"
	}
	return "point " + e.Setting + " at a plain file, or unset it"
}

// fileKind names a file type in words.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "a special file"
}

// pathErrText is the reason of a file error without its path.
func pathErrText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// sdkValueRules are what the SDK's variables that it parses accept.
var sdkValueRules = map[string]string{
	"AWS_MAX_ATTEMPTS":                    "a whole number of attempts, such as 3",
	"AWS_RETRY_MODE":                      "standard or adaptive",
	"AWS_USE_FIPS_ENDPOINT":               "true or false",
	"AWS_USE_DUALSTACK_ENDPOINT":          "true or false",
	"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true or false",
	"AWS_DEFAULTS_MODE":                   "standard, in-region, cross-region, mobile, auto or legacy",
	"AWS_ACCOUNT_ID_ENDPOINT_MODE":        "preferred, required or disabled",
	"AWS_REQUEST_CHECKSUM_CALCULATION":    "when_supported or when_required",
	"AWS_RESPONSE_CHECKSUM_VALIDATION":    "when_supported or when_required",
}

// badValueSentence words a variable the SDK could not parse.
func badValueSentence(e *exchange.ConfigError) string {
	if e.Setting == "" {
		return fmt.Sprintf("the AWS SDK cannot read one of the AWS_ environment variables (%v); fix or unset it", e.Err)
	}
	value := strconv.Quote(creds.Clip(e.Value))
	if rule := sdkValueRules[e.Setting]; rule != "" {
		return fmt.Sprintf("the environment variable %s is %s, which the AWS SDK does not read; set it to %s, or unset it", e.Setting, value, rule)
	}
	return fmt.Sprintf("the environment variable %s is %s, which the AWS SDK does not read (%v); fix or unset it", e.Setting, value, e.Err)
}
