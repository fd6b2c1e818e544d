package trust

import (
	"strings"

	"github.com/oidc-creds/oidc-creds/token"
)

// GitHub Actions' OIDC issuer, and the audience AWS's own action asks for:
// the one oidc-creds requests (token.DefaultAudience), which the trust
// policy must name.
const (
	GitHubIssuer   = "https://token.actions.githubusercontent.com"
	GitHubAudience = token.DefaultAudience
)

// GitHub's name rules: owners (users and organizations, managed users with
// their _SHORTCODE) and repositories as GitHub accepts them; none holds *,
// ?, :, or white space.
var (
	githubOwner = nameRule{"GitHub owner", "letters, digits, '-' and '_' (managed users), starting and ending with a letter or digit", 100, "-_", true}
	githubRepo  = nameRule{"GitHub repository", "1 to 100 letters, digits, '-', '_' and '.', not . or ..", 100, "-_.", false}
)

// CheckGitHubRepo checks a repository named OWNER/REPO.
func CheckGitHubRepo(repo string) error {
	owner, name, ok := strings.Cut(repo, "/")
	if !ok {
		return &NameError{Kind: "GitHub repository", Name: repo, Rule: "give it as OWNER/REPO, e.g. octo-org/app"}
	}
	if err := githubOwner.check(owner); err != nil {
		return err
	}
	if name == "." || name == ".." {
		return &NameError{Kind: githubRepo.kind, Name: name, Rule: githubRepo.rule}
	}
	return githubRepo.check(name)
}

// GitHubRef returns the full name of ref, which is a full ref
// (refs/heads/main, refs/tags/v1) or a branch name (main, for
// refs/heads/main), checked by Git's rules (git check-ref-format), which
// allow no *, ?, [, :, white space or control characters. It also refuses
// "${", which IAM would read as a policy variable.
func GitHubRef(ref string) (string, error) {
	full := ref
	if !strings.HasPrefix(ref, "refs/") {
		full = "refs/heads/" + ref
	}
	if ref == "@" || !validGitRef(full) || strings.Contains(full, "${") {
		return "", &NameError{Kind: "Git ref", Name: ref, Rule: "a branch name or a full ref such as refs/tags/v1, by Git's rules: no *, ?, [, :, ~, ^, \\, .., @{, white space or control characters"}
	}
	return full, nil
}

func validGitRef(ref string) bool {
	if strings.HasSuffix(ref, ".") || strings.Contains(ref, "..") || strings.Contains(ref, "@{") {
		return false
	}
	for i := 0; i < len(ref); i++ {
		if c := ref[i]; c < 0x20 || c == 0x7f || strings.IndexByte(" ~^:?*[\\", c) >= 0 {
			return false
		}
	}
	for _, comp := range strings.Split(ref, "/") {
		if comp == "" || strings.HasPrefix(comp, ".") || strings.HasSuffix(comp, ".lock") {
			return false
		}
	}
	return true
}

// CheckGitHubEnvironment checks the name of a GitHub deployment
// environment: up to 255 characters, none of them a control character, *
// or ? (which StringLike would expand), and no "${" (an IAM policy
// variable).
func CheckGitHubEnvironment(env string) error {
	ok := env != "" && len(env) <= 255 && !strings.ContainsAny(env, "*?") && !strings.Contains(env, "${")
	for i := 0; ok && i < len(env); i++ {
		ok = env[i] >= 0x20 && env[i] != 0x7f
	}
	if !ok {
		return &NameError{Kind: "GitHub environment", Name: env, Rule: "1 to 255 characters, without *, ?, ${ or control characters"}
	}
	return nil
}

// GitHubRefSubject is the sub of a GitHub Actions job of repository
// OWNER/REPO on ref (a full ref, see GitHubRef), when the job names no
// environment. Every GitHub subject here assumes the default subject
// template.
func GitHubRefSubject(repo, ref string) string { return "repo:" + repo + ":ref:" + ref }

// GitHubEnvironmentSubject is the sub of a job for deployment environment
// env.
func GitHubEnvironmentSubject(repo, env string) string { return "repo:" + repo + ":environment:" + env }

// GitHubPullRequestSubject is the sub of a job a pull request triggered.
func GitHubPullRequestSubject(repo string) string { return "repo:" + repo + ":pull_request" }

// GitHubRepoSubject is the pattern of every job of the repository.
func GitHubRepoSubject(repo string) string { return "repo:" + repo + ":*" }
