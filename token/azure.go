package token

import (
	"context"
	"net/http"
	"net/url"
)

// AzureDevOps is the token of an Azure Pipelines job for a service
// connection, requested from Azure DevOps: POST URL (SYSTEM_OIDCREQUESTURI)
// with api-version=7.1 and serviceConnectionId, "Authorization: Bearer
// AccessToken" (SYSTEM_ACCESSTOKEN, which a pipeline maps into the job's
// environment explicitly); the answer's "oidcToken" field is the token.
// AccessToken is a secret, like the token.
type AzureDevOps struct {
	URL               string
	AccessToken       string
	ServiceConnection string // the service connection's ID
	Client            *http.Client
	Retry             Retry
}

func azureFromEnv(get func(string) string, conn string, client *http.Client) Source {
	u, t := get("SYSTEM_OIDCREQUESTURI"), get("SYSTEM_ACCESSTOKEN")
	switch {
	case u == "":
		return Absent{Reason: "Azure DevOps set no SYSTEM_OIDCREQUESTURI"}
	case t == "":
		return Absent{Reason: "SYSTEM_ACCESSTOKEN is unset"}
	case conn == "":
		return Absent{Reason: "no Azure DevOps service connection was named"}
	}
	return AzureDevOps{URL: u, AccessToken: t, ServiceConnection: conn, Client: client}
}

// Origin names the source for messages; never a secret.
func (a AzureDevOps) Origin() string {
	return "Azure DevOps token request (SYSTEM_OIDCREQUESTURI, service connection " + a.ServiceConnection + ")"
}

// Key identifies the request's inputs, which stay the same for the whole
// job: a hash of the URL, the access token and the service connection.
func (a AzureDevOps) Key() string {
	return inputsKey("azure-devops", a.URL, a.AccessToken, a.ServiceConnection)
}

// Token requests a token, retrying transient failures within ctx.
func (a AzureDevOps) Token(ctx context.Context) (*Token, error) {
	u, err := url.Parse(a.URL)
	if err != nil || u.Host == "" {
		return nil, &RequestError{Platform: AzurePipelines, Message: "SYSTEM_OIDCREQUESTURI is not a URL"}
	}
	q := u.Query()
	q.Set("api-version", "7.1")
	q.Set("serviceConnectionId", a.ServiceConnection)
	u.RawQuery = q.Encode()
	raw, err := tokenRequest{
		platform: AzurePipelines, client: a.Client, retry: a.Retry, secret: a.AccessToken, field: "oidcToken",
		newReq: func() (*http.Request, error) {
			req, err := http.NewRequest(http.MethodPost, u.String(), http.NoBody)
			if err == nil {
				req.Header.Set("Authorization", "Bearer "+a.AccessToken)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Accept", "application/json")
				// Answer 401, not 203 with a sign-in page, when refused.
				req.Header.Set("X-TFS-FedAuthRedirect", "Suppress")
			}
			return req, err
		},
	}.do(ctx)
	if err != nil {
		return nil, err
	}
	return parse(raw, a.Origin())
}
