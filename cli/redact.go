package cli

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// redactTokens replaces anything in s that could be a JWT (or a JWE) with
// "[token redacted]". Messages quote what the user gave (a path, a
// variable name, an ARN, an argument), and a token passed in the wrong
// place, as in --token-env "$PULUMI_OIDC_TOKEN" or --no-cache="$TOKEN",
// must not end up in a CI log, even lowercased (kong folds the case of a
// bool flag's value) or with a header that is not the usual "eyJ" ({").
// A token is a word of base64url characters and dots (looksLikeJWT); the
// CI request tokens are taken out too (redactRequestTokens). Hand-written
// rather than a regexp: no cost at start-up.
func redactTokens(s string) string {
	s = redactRequestTokens(s)
	if strings.Count(s, ".") < 2 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && isTokenByte(s[j]) {
			j++
		}
		if j == i {
			b.WriteByte(s[i])
			i++
			continue
		}
		for _, w := range tokenWords(s[i:j]) {
			if looksLikeJWT(w) {
				w = "[token redacted]"
			}
			b.WriteString(w)
		}
		i = j
	}
	return b.String()
}

// isTokenByte reports whether c is base64url, a dot, or "=" (padding, which
// some encoders leave in).
func isTokenByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '='
}

// tokenWords cuts a run of token bytes after each "=" that assigns rather
// than pads (one followed by a base64url character), so that NAME=TOKEN is
// two words and TOKEN one.
func tokenWords(run string) []string {
	var words []string
	for {
		i := 0
		for i < len(run)-1 && !(run[i] == '=' && run[i+1] != '=' && run[i+1] != '.') {
			i++
		}
		if i >= len(run)-1 {
			return append(words, run)
		}
		words = append(words, run[:i+1])
		run = run[i+1:]
	}
}

// Sizes of the parts of the shortest JWT: a header holds at least
// {"alg":"…"} (15 characters in base64url), a payload at least {} ("e30"),
// a signature is empty (unsigned) or at least 16 bytes' worth (a JWE's
// authentication tag; an HS256 signature is 43).
const (
	minJWTHeader    = 15
	minJWTPayload   = 3
	minJWTSignature = 16
)

// looksLikeJWT reports whether w, base64url characters and dots, has the
// shape of a JWT (three parts) or a JWE (five) in either case: a header
// long enough, a part between as long as the shortest payload, and a last
// part that is empty or as long as a signature and not the letters of a
// top-level domain. Host names (sts.us-east-1.amazonaws.com, a long
// bucket.s3.amazonaws.com), versions, IP addresses, file names and the
// parts of an ARN do not.
func looksLikeJWT(w string) bool {
	parts := strings.Split(w, ".")
	n := len(parts)
	if n < 3 {
		return false
	}
	trim := func(p string) string { return strings.TrimRight(p, "=") }
	body := 0
	for _, p := range parts[1 : n-1] {
		body = max(body, len(trim(p)))
	}
	last := trim(parts[n-1])
	return len(trim(parts[0])) >= minJWTHeader && body >= minJWTPayload &&
		(last == "" || len(last) >= minJWTSignature && !isTopLevelDomain(last))
}

// isTopLevelDomain reports whether s could end a host name: letters only,
// at most 24 of them (the longest TLDs), or an IDN's xn--.
func isTopLevelDomain(s string) bool {
	if strings.HasPrefix(strings.ToLower(s), "xn--") {
		return true
	}
	if len(s) > 24 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// redactUserinfo replaces the user name and password of every URL in s
// (scheme://user:password@host) with "[userinfo redacted]".
func redactUserinfo(s string) string {
	if !strings.Contains(s, "://") || !strings.Contains(s, "@") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "://")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		i += 3
		end := i
		for end < len(s) && !strings.ContainsRune("/?#\\ \t\n\"'<>`)]", rune(s[end])) {
			end++
		}
		b.WriteString(s[:i])
		if at := strings.LastIndexByte(s[i:end], '@'); at >= 0 {
			b.WriteString("[userinfo redacted]")
			i += at
		}
		b.WriteString(s[i:end])
		s = s[end:]
	}
}

// clean makes a message safe for a terminal or a CI log: tokens redacted
// (redactTokens), a URL's user name and password too (redactUserinfo),
// and every character that is not printable escaped, line breaks and tabs
// aside, so that a claim, a path or an STS message cannot move the
// cursor, recolour the terminal or reorder the text. Every line
// oidc-creds prints for people goes through it.
func clean(s string) string { return escapeControls(redactUserinfo(redactTokens(s)), true) }

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
