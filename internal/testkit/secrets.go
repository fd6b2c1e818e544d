package testkit

import (
	"strings"
	"testing"
)

// NoLeak fails the test when text contains the token, any of its
// dot-separated segments of 6 characters or more, or any of the other
// secrets. what names the text in the failure.
func NoLeak(t testing.TB, what, text, token string, secrets ...string) {
	t.Helper()
	check := append([]string{}, secrets...)
	if tok := strings.TrimSpace(token); tok != "" {
		check = append(check, tok)
		for _, seg := range strings.Split(tok, ".") {
			if len(seg) >= 6 {
				check = append(check, seg)
			}
		}
	}
	for _, s := range check {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s leaks a secret %.20q...:\n%s", what, s, text)
		}
	}
}
