package teststs

import (
	"cmp"
	"net/http"
	"strings"
	"time"
)

// gitHubTokenTTL is how long GitHub's job tokens are valid.
const gitHubTokenTTL = 5 * time.Minute

// handleGitHubToken answers GET /github/token?api-version=2.0[&audience=AUD],
// GitHub Actions' ACTIONS_ID_TOKEN_REQUEST_URL: with "Authorization: Bearer
// GitHubRequestToken", 200 {"count":N,"value":JWT} (count is the length of
// value, as GitHub's). The JWT is signed by this issuer: iss IssuerURL, aud
// the audience parameter (default https://github.com/OWNER), sub
// GitHubOptions.Subject, GitHub's other claims for the repository. A wrong
// or missing bearer is 401, another api-version 400.
func (s *Server) handleGitHubToken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	rec := &TokenRequest{Action: ActionGitHubToken, Audience: q.Get("audience")}
	s.serveToken(w, r, rec, func() tokenAnswer {
		if !hasBearer(r, s.GitHubRequestToken) {
			return tokenAnswer{status: http.StatusUnauthorized, doc: map[string]string{"message": "Bad credentials"}}
		}
		if q.Get("api-version") != "2.0" {
			return tokenAnswer{status: http.StatusBadRequest, doc: map[string]string{"message": "api-version=2.0 is required"}}
		}
		claims := s.gitHubClaims(rec.Audience)
		tok, err := s.mintCI(claims, gitHubTokenTTL)
		if err != nil {
			return tokenAnswer{status: http.StatusInternalServerError, doc: map[string]string{"message": err.Error()}}
		}
		return tokenAnswer{status: http.StatusOK, doc: map[string]any{"count": len(tok), "value": tok},
			subject: s.github.Subject, token: tok}
	})
}

// gitHubClaims are the claims of a GitHub Actions job token for aud.
func (s *Server) gitHubClaims(aud string) map[string]any {
	g := s.github
	owner, _, _ := strings.Cut(g.Repository, "/")
	claims := map[string]any{
		"iss":                   s.IssuerURL,
		"aud":                   cmp.Or(aud, "https://github.com/"+owner),
		"sub":                   g.Subject,
		"repository":            g.Repository,
		"repository_owner":      owner,
		"ref":                   "refs/heads/main",
		"ref_type":              "branch",
		"event_name":            "push",
		"workflow":              "ci",
		"actor":                 "octocat",
		"run_id":                "1",
		"run_attempt":           "1",
		"repository_visibility": "private",
		"runner_environment":    "github-hosted",
	}
	for k, v := range g.Claims {
		if v == nil {
			delete(claims, k)
		} else {
			claims[k] = v
		}
	}
	return claims
}
