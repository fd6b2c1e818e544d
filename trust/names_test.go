package trust

import (
	"errors"
	"strings"
	"testing"
)

// Every name a platform can issue is accepted; the rest, wildcards first,
// are refused with a NameError that states the rule.
func TestNames(t *testing.T) {
	long := strings.Repeat("a", 101)
	for _, tc := range []struct {
		what  string
		check func(string) error
		ok    []string
		bad   []string
	}{
		{"org", CheckPulumiOrg, []string{"acme", "a", "Acme-Corp_2", strings.Repeat("o", 40)},
			[]string{"", "*", "ac*", "ac?e", "-acme", "acme-", "_acme", "ac.me", "ac me", "ac:me", "ac/me", "ac$me", strings.Repeat("o", 41), "é"}},
		{"project", CheckPulumiProject, []string{"web", "my.web-app_2", ".", strings.Repeat("p", 100)},
			[]string{"", "*", "web*", "w?b", "a:b", "a/b", "a b", long, "web\n"}},
		{"stack", CheckPulumiStack, []string{"dev", "feature-x.1_2"},
			[]string{"", "*", "de?", "org/proj/dev", "dev:1"}},
		{"repo", CheckGitHubRepo, []string{"octo-org/app", "a/b", "octocat_acme/.github", "o/my.repo_x-1", "O-1/R"},
			[]string{"", "octo", "*/app", "octo/*", "octo/a?p", "octo/app/x", "-octo/app", "octo-/app", "octo/.", "octo/..", "octo/ap p", "octo/app:x", "octo/" + long, "/app", "octo/"}},
		{"github environment", CheckGitHubEnvironment, []string{"prod", "Production (EU)", "review/pr-1", "a:b", strings.Repeat("e", 255)},
			[]string{"", "*", "pro?", "prod*", "a${aws:username}", "tab\there", "new\nline", strings.Repeat("e", 256)}},
	} {
		for _, n := range tc.ok {
			if err := tc.check(n); err != nil {
				t.Errorf("%s %q: %v", tc.what, n, err)
			}
		}
		for _, n := range tc.bad {
			err := tc.check(n)
			var ne *NameError
			if !errors.As(err, &ne) || ne.Rule == "" || !strings.Contains(err.Error(), "is not a ") {
				t.Errorf("%s %q: %v, want a NameError", tc.what, n, err)
			}
		}
	}
}

func TestGitHubRef(t *testing.T) {
	for in, want := range map[string]string{
		"main":               "refs/heads/main",
		"release/1.x":        "refs/heads/release/1.x",
		"refs/heads/main":    "refs/heads/main",
		"refs/tags/v1.2.3":   "refs/tags/v1.2.3",
		"refs/pull/7/merge":  "refs/pull/7/merge",
		"feature$x":          "refs/heads/feature$x",
		"heads/main":         "refs/heads/heads/main",
		"日本":                 "refs/heads/日本",
		"dependabot/npm/x-1": "refs/heads/dependabot/npm/x-1",
	} {
		if got, err := GitHubRef(in); err != nil || got != want {
			t.Errorf("GitHubRef(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{
		"", "*", "release/*", "ma?n", "[ab]", "a b", "a:b", "a~1", "a^", `a\b`, "a..b", "a@{1}", "@",
		"a.", ".hidden", "a/.b", "x.lock", "a//b", "a/", "/a", "refs/heads/", "refs/heads/*", "tab\t", "a${aws:x}", "\x7f",
	} {
		if got, err := GitHubRef(bad); err == nil {
			t.Errorf("GitHubRef(%q) = %q, want an error", bad, got)
		}
	}
}
