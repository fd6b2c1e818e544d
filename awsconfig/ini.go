package awsconfig

import (
	"bytes"
	"strings"
)

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
	if !found {
		out = insertKey(out, insertAt, name, newLine, eol)
	}
	b := joinLines(out)
	return b, !bytes.Equal(b, in)
}

// insertKey adds newLine after out[insertAt], the last property of the
// profile's section, or when the profile has no section (insertAt < 0) a new
// section for it at the end.
func insertKey(out []line, insertAt int, name string, newLine line, eol string) []line {
	if insertAt >= 0 {
		if out[insertAt].eol == "" {
			out[insertAt].eol = eol
			newLine.eol = ""
		}
		return append(out[:insertAt+1], append([]line{newLine}, out[insertAt+1:]...)...)
	}
	if n := len(out); n > 0 {
		if out[n-1].eol == "" {
			out[n-1].eol = eol
		}
		if strings.TrimSpace(out[n-1].text) != "" {
			out = append(out, line{eol: eol})
		}
	}
	return append(out, line{text: SectionHeader(name), eol: eol}, newLine)
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
