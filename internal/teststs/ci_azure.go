package teststs

import (
	"net/http"
	"strings"
	"time"
)

// azureTokenTTL is how long the emulated Azure DevOps tokens are valid.
const azureTokenTTL = 10 * time.Minute

// handleAzureToken answers POST /azure/oidctoken?api-version=7.1&serviceConnectionId=ID,
// Azure DevOps' SYSTEM_OIDCREQUESTURI: with "Authorization: Bearer
// AzureAccessToken", 200 {"oidcToken":JWT}, signed by this issuer: iss
// IssuerURL, aud AzureOptions.Audience, sub sc://ORGANIZATION/PROJECT/NAME
// with the connection's name (as Azure DevOps does).
//
// Refusals: a wrong or missing bearer is 401 when the request has
// "X-TFS-FedAuthRedirect: Suppress", else 203 with an HTML sign-in page (as
// Azure DevOps answers clients that do not suppress the redirect); an
// api-version other than 7.1 (or 7.1-preview.N) or no serviceConnectionId is
// 400; a connection not in AzureOptions.Connections is 404 with Azure's
// ServiceEndpointNotFoundException JSON.
func (s *Server) handleAzureToken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	id := q.Get("serviceConnectionId")
	rec := &TokenRequest{Action: ActionAzureOIDCToken, ServiceConnectionID: id}
	s.serveToken(w, r, rec, func() tokenAnswer {
		v := q.Get("api-version")
		name, known := s.azure.Connections[id]
		authorized := hasBearer(r, s.AzureAccessToken)
		switch {
		case !authorized && !strings.EqualFold(r.Header.Get("X-TFS-FedAuthRedirect"), "Suppress"):
			return tokenAnswer{status: http.StatusNonAuthoritativeInfo, html: azureSigninPage}
		case !authorized:
			return azureError(http.StatusUnauthorized, "UnauthorizedRequestException", "TF400813: The user is not authorized to access this resource.")
		case v != "7.1" && !strings.HasPrefix(v, "7.1-preview"):
			return azureError(http.StatusBadRequest, "VssVersionOutOfRangeException", "The requested REST API version of "+v+" is out of range for this server.")
		case id == "":
			return azureError(http.StatusBadRequest, "ArgumentNullException", "Value cannot be null.\r\nParameter name: serviceConnectionId")
		case !known:
			return azureError(http.StatusNotFound, "ServiceEndpointNotFoundException", "Service connection "+id+" not found.")
		}
		a := s.azure
		sub := "sc://" + a.Organization + "/" + a.Project + "/" + name
		tok, err := s.mintCI(map[string]any{"iss": s.IssuerURL, "aud": a.Audience, "sub": sub}, azureTokenTTL)
		if err != nil {
			return azureError(http.StatusInternalServerError, "InternalServerError", err.Error())
		}
		return tokenAnswer{status: http.StatusOK, doc: map[string]string{"oidcToken": tok}, subject: sub, token: tok}
	})
}

// azureSigninPage stands for the sign-in page Azure DevOps answers
// unauthenticated clients that do not suppress the redirect.
const azureSigninPage = "<!DOCTYPE html><html><head><title>Azure DevOps Services | Sign In</title></head><body>Sign in</body></html>"

// azureError is an Azure DevOps error answer.
func azureError(status int, typeKey, msg string) tokenAnswer {
	return tokenAnswer{status: status, doc: map[string]any{
		"$id": "1", "innerException": nil, "message": msg,
		"typeName": "Microsoft.TeamFoundation." + typeKey + ", Microsoft.TeamFoundation.Framework.Server",
		"typeKey":  typeKey, "errorCode": 0, "eventId": 3000,
	}}
}
