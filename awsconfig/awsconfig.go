// Package awsconfig edits the AWS shared config and credentials files
// (~/.aws/config, ~/.aws/credentials): it sets keys of one profile and leaves
// every other byte — comments, blank lines, other profiles and keys, line
// endings — as it was. It reads the files exactly as botocore (the AWS CLI,
// boto3) does, and refuses to write one that botocore could not read; edits
// of one file are serialized across processes by a lock file beside it.
package awsconfig

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Path is the AWS config file the SDKs read: $AWS_CONFIG_FILE (a leading
// ~/ is the home directory), else ~/.aws/config.
func Path() (string, error) {
	if p := os.Getenv("AWS_CONFIG_FILE"); p != "" {
		return expandHome(p)
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("cannot find the home directory for ~/.aws/config (%v); set AWS_CONFIG_FILE", err)
	}
	return filepath.Join(home, ".aws", "config"), nil
}

// CredentialsPath is the shared credentials file: $AWS_SHARED_CREDENTIALS_FILE,
// else ~/.aws/credentials.
func CredentialsPath() (string, error) {
	if p := os.Getenv("AWS_SHARED_CREDENTIALS_FILE"); p != "" {
		return expandHome(p)
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".aws", "credentials"), nil
}

func expandHome(p string) (string, error) {
	if p == "~" || strings.HasPrefix(p, "~/") || strings.HasPrefix(p, `~\`) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(home, p[1:]), nil
	}
	return p, nil
}

// ValidProfileName reports whether name can be written as a section header
// that botocore and aws-sdk-go-v2 both read back as that name: [profile
// NAME] in the config file, [NAME] in the credentials file. botocore splits
// "profile NAME" with shlex.split and aws-sdk-go-v2 cuts headers at # and ;
// and at white space, so a name holds none of white space, control
// characters, quotes, backslashes, # or ;. (In the credentials file DEFAULT
// is configparser's section of defaults, not a profile.)
func ValidProfileName(name string) bool {
	return name != "" && utf8.ValidString(name) && !strings.ContainsAny(name, "'\\\"#;") &&
		strings.IndexFunc(name, func(r rune) bool { return pySpace(r) || unicode.IsControl(r) }) < 0
}

// SectionHeader is the header of profile name in the config file:
// [default] or [profile NAME].
func SectionHeader(name string) string {
	if name == "default" {
		return "[default]"
	}
	return "[profile " + name + "]"
}
