// Package awsconfig edits the AWS shared config file (~/.aws/config) in
// place: it sets one key of one profile and leaves every other byte —
// comments, blank lines, other profiles and keys, line endings — as it was.
package awsconfig

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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

// line is one line of the file with its line ending.
type line struct {
	text, eol string
}

func splitLines(b []byte) []line {
	var ls []line
	s := string(b)
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			ls = append(ls, line{text: s})
			break
		}
		text, eol := s[:i], "\n"
		if strings.HasSuffix(text, "\r") {
			text, eol = text[:len(text)-1], "\r\n"
		}
		ls = append(ls, line{text: text, eol: eol})
		s = s[i+1:]
	}
	return ls
}

func joinLines(ls []line) []byte {
	var b bytes.Buffer
	for _, l := range ls {
		b.WriteString(l.text)
		b.WriteString(l.eol)
	}
	return b.Bytes()
}

// eolOf is the file's line ending: that of its first line break, else LF.
func eolOf(ls []line) string {
	for _, l := range ls {
		if l.eol != "" {
			return l.eol
		}
	}
	return "\n"
}

// sectionName reads a section header line: "[profile x] ; c" → ("profile x", true).
func sectionName(text string) (string, bool) {
	t := strings.TrimSpace(strings.TrimPrefix(text, "\ufeff"))
	if !strings.HasPrefix(t, "[") {
		return "", false
	}
	end := strings.IndexByte(t, ']')
	if end < 0 {
		return "", false
	}
	if rest := strings.TrimSpace(t[end+1:]); rest != "" && rest[0] != '#' && rest[0] != ';' {
		return "", false
	}
	return strings.Join(strings.Fields(t[1:end]), " "), true
}

// isProfile reports whether the section name is profile name's.
func isProfile(section, name string) bool {
	return section == "profile "+name || (name == "default" && section == "default")
}

// keyOf reads a property line "key = value" that starts in column 0
// (indented lines continue the previous value); "" when it is none.
func keyOf(text string) string {
	if text == "" || text[0] == ' ' || text[0] == '\t' || text[0] == '#' || text[0] == ';' || text[0] == '[' {
		return ""
	}
	i := strings.IndexAny(text, "=:")
	if i <= 0 {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(text[:i]))
}

// isContinuation reports whether a line continues the previous value: it is
// indented and not blank.
func isContinuation(text string) bool {
	return text != "" && (text[0] == ' ' || text[0] == '\t') && strings.TrimSpace(text) != ""
}

// Set sets key = value in profile name's section of the config file
// contents in, and returns the new contents and whether they differ. The
// first key line of the profile is replaced in place (with its indented
// continuation lines), later ones of the same key are removed; a missing
// key is added after the section's last property; a missing section is
// appended at the end. Everything else is kept byte for byte.
func Set(in []byte, name, key, value string) ([]byte, bool) {
	ls := splitLines(in)
	eol := eolOf(ls)
	newLine := line{text: key + " = " + value, eol: eol}
	key = strings.ToLower(key)

	var out []line
	found, inProfile := false, false
	matched := 0   // sections of the profile seen so far
	insertAt := -1 // index in out after which a missing key goes: in the first section of the profile
	for i := 0; i < len(ls); i++ {
		l := ls[i]
		if sec, ok := sectionName(l.text); ok {
			inProfile = isProfile(sec, name)
			out = append(out, l)
			if inProfile {
				matched++
				if matched == 1 {
					insertAt = len(out) - 1
				}
			}
			continue
		}
		if inProfile && keyOf(l.text) == key {
			for i+1 < len(ls) && isContinuation(ls[i+1].text) {
				i++ // its continuation lines go with it
			}
			if !found {
				found = true
				if ls[i].eol == "" {
					newLine.eol = "" // it ended the file without a line break
				}
				out = append(out, newLine)
			}
			continue
		}
		out = append(out, l)
		if inProfile && matched == 1 && (keyOf(l.text) != "" || isContinuation(l.text)) {
			insertAt = len(out) - 1
		}
	}
	switch {
	case found:
	case insertAt >= 0:
		// The section exists without the key: add it after its last property.
		if out[insertAt].eol == "" {
			out[insertAt].eol = eol
			newLine.eol = ""
		}
		out = append(out[:insertAt+1], append([]line{newLine}, out[insertAt+1:]...)...)
	default:
		if n := len(out); n > 0 {
			if out[n-1].eol == "" {
				out[n-1].eol = eol
			}
			if strings.TrimSpace(out[n-1].text) != "" {
				out = append(out, line{eol: eol})
			}
		}
		out = append(out, line{text: SectionHeader(name), eol: eol}, newLine)
	}
	b := joinLines(out)
	return b, !bytes.Equal(b, in)
}

// Get returns the value of key in profile name's section (the first one),
// and whether it is there.
func Get(in []byte, name, key string) (string, bool) {
	key = strings.ToLower(key)
	inProfile := false
	for _, l := range splitLines(in) {
		if sec, ok := sectionName(l.text); ok {
			inProfile = isProfile(sec, name)
			continue
		}
		if inProfile && keyOf(l.text) == key {
			i := strings.IndexAny(l.text, "=:")
			return strings.TrimSpace(l.text[i+1:]), true
		}
	}
	return "", false
}

// Keys lists the keys set in profile name's sections, in order. With
// bare, a section [NAME] counts too (the credentials file's form).
func Keys(in []byte, name string, bare bool) []string {
	var keys []string
	inProfile := false
	for _, l := range splitLines(in) {
		if sec, ok := sectionName(l.text); ok {
			inProfile = isProfile(sec, name) || (bare && sec == name)
			continue
		}
		if k := keyOf(l.text); inProfile && k != "" {
			keys = append(keys, k)
		}
	}
	return keys
}

// Overriding lists keys in a profile that the SDKs use before
// credential_process, so that it would never run.
var Overriding = []string{
	"aws_access_key_id", "aws_secret_access_key", "aws_session_token",
	"role_arn", "source_profile", "credential_source", "web_identity_token_file",
	"sso_session", "sso_start_url", "sso_account_id", "sso_role_name", "login_session",
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
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	defer os.Remove(name) // after a successful rename there is nothing to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(name, mode); err != nil {
		return err
	}
	return os.Rename(name, path)
}
