package awsconfig

import (
	"strings"
	"unicode"
)

// The rules of Python (3.11, the AWS CLI's) that botocore's reading of the
// files rests on: str.isspace, str.strip, str.lower and shlex.split.

// pySpace is str.isspace for one character: Go's unicode.IsSpace plus the
// information separators U+001C..U+001F, which Python counts as white space.
func pySpace(r rune) bool { return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f }

func pyStrip(s string) string  { return strings.TrimFunc(s, pySpace) }
func pyRstrip(s string) string { return strings.TrimRightFunc(s, pySpace) }

// pyLower is str.lower: the simple lowercase mapping, except that U+0130 (İ)
// becomes "i̇" and a capital sigma ending a word becomes ς. (Python's "cased"
// and "case-ignorable" are approximated by Go's letter categories.)
func pyLower(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		switch {
		case r == 'İ':
			b.WriteString("i\u0307")
		case r == 'Σ' && finalSigma(rs, i):
			b.WriteRune('ς')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// finalSigma is Python's rule for rs[i] == Σ: a cased letter before it and
// none after it, skipping case-ignorable characters.
func finalSigma(rs []rune, i int) bool {
	before := false
	for j := i - 1; j >= 0; j-- {
		if !caseIgnorable(rs[j]) {
			before = cased(rs[j])
			break
		}
	}
	if !before {
		return false
	}
	for j := i + 1; j < len(rs); j++ {
		if !caseIgnorable(rs[j]) {
			return !cased(rs[j])
		}
	}
	return true
}

func cased(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r) ||
		unicode.Is(unicode.Other_Lowercase, r) || unicode.Is(unicode.Other_Uppercase, r)
}

func caseIgnorable(r rune) bool {
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk) ||
		strings.ContainsRune("'.:^`\u00b7\u2018\u2019\u2024\u2027", r)
}

// shlexSplit is shlex.split(s) (POSIX mode, no comments): words split at
// ' ', '\t', '\r', '\n'; '…' and "…" quote; \ escapes, within "…" only " and
// \. ok is false where shlex raises ValueError (an unclosed quote, or a
// trailing backslash).
func shlexSplit(s string) (words []string, ok bool) {
	const escape = '\\'
	var tok strings.Builder
	state, escaped := ' ', ' '
	quoted := false
	emit := func() {
		if tok.Len() > 0 || quoted {
			words = append(words, tok.String())
		}
		tok.Reset()
		quoted = false
	}
	for _, c := range s {
		switch {
		case state == ' ' || state == 'a':
			switch {
			case strings.ContainsRune(" \t\r\n", c):
				emit()
				state = ' '
			case c == escape:
				escaped, state = 'a', escape
			case c == '\'' || c == '"':
				state = c
			default:
				tok.WriteRune(c)
				state = 'a'
			}
		case state == escape:
			if (escaped == '\'' || escaped == '"') && c != escape && c != escaped {
				tok.WriteRune(escape)
			}
			tok.WriteRune(c)
			state = escaped
		default: // in quotes
			quoted = true
			switch {
			case c == state:
				state = 'a'
			case c == escape && state == '"':
				escaped, state = state, escape
			default:
				tok.WriteRune(c)
			}
		}
	}
	if state != ' ' && state != 'a' {
		return nil, false
	}
	emit()
	return words, true
}

// botoProfile is the profile that botocore's build_profile_map makes of a
// config file section: "default" for [default]; for a section whose name
// starts with "profile" and that shlex.split cuts into exactly two words, the
// second; else none.
func botoProfile(section string) (string, bool) {
	if strings.HasPrefix(section, "profile") {
		if w, ok := shlexSplit(section); ok && len(w) == 2 {
			return w[1], true
		}
		return "", false
	}
	return section, section == "default"
}
