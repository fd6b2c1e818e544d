package cli

import "strings"

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
