package cli

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// redactTokens replaces anything in s that looks like a JWT (or a JWE) with
// "[token redacted]". Messages quote what the user gave (a path, a variable
// name, an ARN, an argument), and a token passed in the wrong place, as in
// --token-env "$PULUMI_OIDC_TOKEN" or --token-file "$TOKEN", must not end up
// in a CI log. A JWT's header is base64url JSON, so it starts with "eyJ"
// ({"), and at least two dots follow. Hand-written rather than a regexp: no
// cost at start-up. The CI request tokens are taken out too
// (redactRequestTokens).
func redactTokens(s string) string {
	s = redactRequestTokens(s)
	if !strings.Contains(s, "eyJ") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "eyJ")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		// "eyJ" are token bytes themselves, so end >= i+3: s always shrinks.
		end, dots := i, 0
		for end < len(s) && isTokenByte(s[end]) {
			if s[end] == '.' {
				dots++
			}
			end++
		}
		if dots >= 2 {
			b.WriteString(s[:i])
			b.WriteString("[token redacted]")
		} else {
			b.WriteString(s[:end])
		}
		s = s[end:]
	}
}

func isTokenByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.'
}

// clean makes a message safe for a terminal or a CI log: tokens redacted
// (redactTokens) and every character that is not printable escaped, line
// breaks and tabs aside, so that a claim, a path or an STS message cannot
// move the cursor, recolour the terminal or reorder the text. Every line
// oidc-creds prints for people goes through it.
func clean(s string) string { return escapeControls(redactTokens(s), true) }

// shown is one value (a claim, a name, a path) as it is when every
// character in it is printable, else quoted with Go escapes (line breaks
// included), so that it can never pass for several lines or other text.
func shown(s string) string {
	if s == escapeControls(s, false) {
		return s
	}
	return strconv.Quote(s)
}

// escapeControls escapes the characters of s that strconv.IsPrint rejects
// (C0 and C1 controls, DEL, bidirectional and other format characters,
// invalid UTF-8), keeping line breaks and tabs when keepLines.
func escapeControls(s string, keepLines bool) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' && !(keepLines && (c == '\n' || c == '\t')) || c >= 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case keepLines && (r == '\n' || r == '\t'), r == ' ', strconv.IsPrint(r):
			b.WriteString(s[i : i+size])
		case r < utf8.RuneSelf:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
		i += size
	}
	return b.String()
}
