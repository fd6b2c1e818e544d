package token

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
)

// GitHub is the token of a GitHub Actions job, requested from the runner:
// GET URL (ACTIONS_ID_TOKEN_REQUEST_URL) with the audience parameter and
// "Authorization: Bearer RequestToken" (ACTIONS_ID_TOKEN_REQUEST_TOKEN);
// the answer's "value" field is the token. Both are set only in jobs with
// "permissions: id-token: write". RequestToken is a secret, like the token.
type GitHub struct {
	URL          string
	RequestToken string
	Audience     string // "" = DefaultAudience
	Client       *http.Client
	Retry        Retry
}

func gitHubFromEnv(get func(string) string, aud string, client *http.Client) Source {
	u, t := get("ACTIONS_ID_TOKEN_REQUEST_URL"), get("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
	switch {
	case u == "" && t == "":
		return Absent{Reason: "GitHub Actions set neither ACTIONS_ID_TOKEN_REQUEST_URL nor ACTIONS_ID_TOKEN_REQUEST_TOKEN"}
	case u == "":
		return Absent{Reason: "GitHub Actions set no ACTIONS_ID_TOKEN_REQUEST_URL"}
	case t == "":
		return Absent{Reason: "GitHub Actions set no ACTIONS_ID_TOKEN_REQUEST_TOKEN"}
	}
	return GitHub{URL: u, RequestToken: t, Audience: aud, Client: client}
}

func (g GitHub) audience() string {
	if g.Audience == "" {
		return DefaultAudience
	}
	return g.Audience
}

// Origin names the source for messages; never a secret.
func (g GitHub) Origin() string {
	return "GitHub Actions token request (ACTIONS_ID_TOKEN_REQUEST_URL, audience " + g.audience() + ")"
}

// Key identifies the request's inputs, which stay the same for the whole
// job: a hash of the URL, the request token and the audience.
func (g GitHub) Key() string {
	return inputsKey("github", g.URL, g.RequestToken, g.audience())
}

// Token requests a token, retrying transient failures within ctx.
func (g GitHub) Token(ctx context.Context) (*Token, error) {
	u, err := url.Parse(g.URL)
	if err != nil || u.Host == "" {
		return nil, &RequestError{Platform: GitHubActions, Message: "ACTIONS_ID_TOKEN_REQUEST_URL is not a URL"}
	}
	q := "audience=" + url.QueryEscape(g.audience())
	if u.RawQuery != "" {
		q = u.RawQuery + "&" + q
	}
	u.RawQuery = q
	raw, err := tokenRequest{
		platform: GitHubActions, client: g.Client, retry: g.Retry, secret: g.RequestToken, field: "value",
		newReq: func() (*http.Request, error) {
			req, err := http.NewRequest(http.MethodGet, u.String(), nil)
			if err == nil {
				req.Header.Set("Authorization", "Bearer "+g.RequestToken)
				req.Header.Set("Accept", "application/json")
			}
			return req, err
		},
	}.do(ctx)
	if err != nil {
		return nil, err
	}
	return parse(raw, g.Origin())
}

// inputsKey hashes a request's inputs; the hash holds none of them.
func inputsKey(kind string, inputs ...string) string {
	h := sha256.New()
	h.Write([]byte(kind))
	for _, s := range inputs {
		h.Write([]byte{0})
		h.Write([]byte(s))
	}
	return hex.EncodeToString(h.Sum(nil))
}
