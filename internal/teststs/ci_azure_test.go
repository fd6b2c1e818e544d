package teststs

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestAzureOIDCToken(t *testing.T) {
	const azRole = "arn:aws:iam::123456789012:role/azure"
	s := NewForTest(t, Options{Audiences: []string{DefaultAzureAudience}, Roles: []Role{
		{ARN: azRole, Audience: DefaultAzureAudience, SubPattern: "sc://octo-org/app/*"}}})
	suppress := map[string]string{"X-TFS-FedAuthRedirect": "Suppress"}
	base := s.AzureOIDCRequestURI + "?api-version=7.1&serviceConnectionId="
	var out struct{ OIDCToken string }
	status, body := tokenCall(t, "POST", base+DefaultAzureServiceConnectionID, s.AzureAccessToken, suppress, &out)
	if status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	c := claimsOf(t, s, out.OIDCToken)
	if c["iss"] != s.IssuerURL || c["aud"] != DefaultAzureAudience || c["sub"] != "sc://octo-org/app/aws" {
		t.Errorf("claims %v", c)
	}
	if aud := exchange(t, s, azRole, out.OIDCToken); aud != DefaultAzureAudience {
		t.Errorf("STS answered Audience %q", aud)
	}
	for _, tc := range []struct {
		name, method, url, bearer string
		header                    map[string]string
		status                    int
		body                      string
	}{
		{"preview version", "POST", strings.Replace(base, "7.1", "7.1-preview.1", 1) + DefaultAzureServiceConnectionID, s.AzureAccessToken, nil, 200, "oidcToken"},
		{"wrong bearer", "POST", base + DefaultAzureServiceConnectionID, "x", suppress, 401, "UnauthorizedRequestException"},
		{"no bearer", "POST", base + DefaultAzureServiceConnectionID, "", suppress, 401, "TF400813"},
		{"no bearer, redirect not suppressed", "POST", base + DefaultAzureServiceConnectionID, "", nil, 203, "<html>"},
		{"unknown connection", "POST", base + "nope", s.AzureAccessToken, suppress, 404, `"typeKey": "ServiceEndpointNotFoundException"`},
		{"no connection", "POST", s.AzureOIDCRequestURI + "?api-version=7.1", s.AzureAccessToken, suppress, 400, "serviceConnectionId"},
		{"old api-version", "POST", strings.Replace(base, "7.1", "6.0", 1) + DefaultAzureServiceConnectionID, s.AzureAccessToken, suppress, 400, "6.0"},
		{"GET", "GET", base + DefaultAzureServiceConnectionID, s.AzureAccessToken, suppress, 405, ""},
	} {
		if status, body := tokenCall(t, tc.method, tc.url, tc.bearer, tc.header, nil); status != tc.status || !strings.Contains(body, tc.body) {
			t.Errorf("%s: %d %s, want %d with %s", tc.name, status, body, tc.status, tc.body)
		}
	}
	var outcomes []string
	for _, r := range s.TokenRequests() {
		outcomes = append(outcomes, r.Outcome+":"+r.ServiceConnectionID)
	}
	if got := strings.Join(outcomes, " "); s.CallsFor(ActionAzureOIDCToken) != 8 ||
		got != "ok:"+DefaultAzureServiceConnectionID+" ok:"+DefaultAzureServiceConnectionID+" 401:"+DefaultAzureServiceConnectionID+" 401:"+
			DefaultAzureServiceConnectionID+" 203:"+DefaultAzureServiceConnectionID+" 404:nope 400: 400:"+DefaultAzureServiceConnectionID {
		t.Errorf("CallsFor %d, outcomes %s", s.CallsFor(ActionAzureOIDCToken), got)
	}
}

func TestAzureOIDCTokenOptionsAndFaults(t *testing.T) {
	s := NewForTest(t, Options{Azure: AzureOptions{Organization: "contoso", Project: "infra", Audience: "sts.amazonaws.com",
		Connections: map[string]string{"c1": "deploy-prod"}}})
	u := s.AzureOIDCRequestURI + "?api-version=7.1&serviceConnectionId=c1"
	s.InjectFor(ActionAzureOIDCToken, Faults{ServerErrors: 1, Unauthorized: 1})
	for _, want := range []int{500, 401, 200} {
		if status, body := tokenCall(t, "POST", u, s.AzureAccessToken, nil, nil); status != want {
			t.Errorf("%d %s, want %d", status, body, want)
		}
	}
	var out struct{ OIDCToken string }
	tokenCall(t, "POST", u, s.AzureAccessToken, nil, &out)
	if c := claimsOf(t, s, out.OIDCToken); c["sub"] != "sc://contoso/infra/deploy-prod" || c["aud"] != "sts.amazonaws.com" {
		t.Errorf("claims %v", c)
	}
	var calls CallsReport
	get(t, s.URL+"/_test/calls", &calls)
	raw, _ := json.Marshal(calls)
	if len(calls.TokenRequests) != 4 || calls.ByAction[ActionAzureOIDCToken] != 4 || strings.Contains(string(raw), out.OIDCToken) {
		t.Errorf("GET /_test/calls: %s", raw)
	}
	var withToken struct{ TokenRequests []struct{ Token string } }
	get(t, s.URL+"/_test/calls?secrets=1", &withToken)
	if withToken.TokenRequests[3].Token != out.OIDCToken {
		t.Error("?secrets=1 lacks the CI token")
	}
	s.Reset()
	if len(s.TokenRequests()) != 0 || s.CallsFor(ActionAzureOIDCToken) != 0 {
		t.Error("Reset keeps token requests")
	}
}
