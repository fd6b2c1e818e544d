package teststs

import (
	"testing"
)

func TestGlobMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"*", "anything", true},
		{"", "", true},
		{"", "a", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"a?c", "abbc", false},
		{"pulumi:deploy:org:acme:*", "pulumi:deploy:org:acme:project:web", true},
		{"pulumi:deploy:org:acme:*", "pulumi:deploy:org:acme", false},
		{"pulumi:deploy:org:acme:*", "pulumi:deploy:org:ACME:project", false},
		{"*:stack:prod:*", "pulumi:deploy:org:acme:project:web:stack:prod:operation:update", true},
		{"*:stack:prod:*", "pulumi:deploy:org:acme:project:web:stack:dev:operation:update", false},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXbYbZ", false},
		{"**?", "x", true},
		{"é?", "éü", true},
	} {
		if got := globMatch(tc.pattern, tc.s); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v", tc.pattern, tc.s, got)
		}
	}
}
