// Package awsconfig edits the AWS shared config file (~/.aws/config) in
// place: it sets one key of one profile and leaves every other byte —
// comments, blank lines, other profiles and keys, line endings — as it was.
package awsconfig

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/oidc-creds/oidc-creds/atomicfile"
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

// ValidProfileName reports whether name can be written as a section
// header that every SDK reads back as that name.
func ValidProfileName(name string) bool {
	return name != "" && !strings.ContainsAny(name, " \t\r\n[]#;=\"'") && name != "profile"
}

// SectionHeader is the header of profile name in the config file:
// [default] or [profile NAME].
func SectionHeader(name string) string {
	if name == "default" {
		return "[default]"
	}
	return "[profile " + name + "]"
}

// WriteFile replaces path's contents atomically: it writes a temporary
// file next to it and renames it over path, keeping path's mode. A symlink
// is followed, so the file it points to is replaced. A missing file is
// created 0600, and a missing directory 0700.
func WriteFile(path string, data []byte) error {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	mode := os.FileMode(0o600)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	} else if !os.IsNotExist(err) {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return atomicfile.Write(path, data, mode)
}
