package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// fetch makes a request with a bearer token and returns the status and body.
func fetch(t *testing.T, method, u, bearer string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+bearer)
	req.Header.Set("X-TFS-FedAuthRedirect", "Suppress")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeCITokens(t *testing.T) {
	const gh, az = "arn:aws:iam::123456789012:role/gh", "arn:aws:iam::123456789012:role/az"
	sv := startServe(t, "--audience", "sts.amazonaws.com", "--audience", "acme",
		"--role", gh+"=repo:acme/web:*", "--role", az+"=sc://contoso/infra/prod",
		"--github-repo", "acme/web", "--azure-org", "contoso", "--azure-project", "infra", "--azure-audience", "sts.amazonaws.com",
		"--azure-connection", "c1=prod", "--azure-connection", "c2=dev")
	defer sv.stop()
	st := sv.st
	if st.Audience != "sts.amazonaws.com" || strings.Join(st.Audiences, " ") != "sts.amazonaws.com acme" ||
		st.GitHubTokenURL != st.URL+"/github/token?api-version=2.0" || st.GitHubRequestToken == "" ||
		st.AzureOIDCRequestURI != st.URL+"/azure/oidctoken" || st.AzureAccessToken == "" || st.AzureServiceConnectionID != "c1" {
		t.Errorf("state %+v", st)
	}
	status, body := fetch(t, "GET", st.GitHubTokenURL+"&audience=sts.amazonaws.com", st.GitHubRequestToken)
	var ghOut struct{ Value string }
	if err := json.Unmarshal([]byte(body), &ghOut); status != 200 || err != nil {
		t.Fatalf("github: %d %s", status, body)
	}
	if got := errorCode(assume(t, st.URL, gh, ghOut.Value)); got != "ok" {
		t.Errorf("exchange of the GitHub token: %s", got)
	}
	status, body = fetch(t, "POST", st.AzureOIDCRequestURI+"?api-version=7.1&serviceConnectionId="+st.AzureServiceConnectionID, st.AzureAccessToken)
	var azOut struct{ OIDCToken string }
	if err := json.Unmarshal([]byte(body), &azOut); status != 200 || err != nil {
		t.Fatalf("azure: %d %s", status, body)
	}
	if got := errorCode(assume(t, st.URL, az, azOut.OIDCToken)); got != "ok" {
		t.Errorf("exchange of the Azure token: %s", got)
	}
	if code, _, errOut := runCmd(t, "faults", "--url", st.URL, "--for", "GitHubToken", "--unauthorized", "1"); code != 0 {
		t.Fatalf("faults: %s", errOut)
	}
	if status, _ := fetch(t, "GET", st.GitHubTokenURL, st.GitHubRequestToken); status != 401 {
		t.Errorf("after faults --unauthorized: %d", status)
	}
	for action, want := range map[string]string{"GitHubToken": "2\n", "AzureOIDCToken": "1\n"} {
		if code, out, _ := runCmd(t, "calls", "--url", st.URL, "--action", action); code != 0 || out != want {
			t.Errorf("calls --action %s: %q", action, out)
		}
	}
	_, out, _ := runCmd(t, "calls", "--url", st.URL, "--json")
	if strings.Contains(out, ghOut.Value) || !strings.Contains(out, `"audience": "sts.amazonaws.com"`) {
		t.Errorf("calls --json: %s", out)
	}
	if code, _, _ := runCmd(t, "serve", "--azure-connection", "c1"); code != 2 {
		t.Errorf("--azure-connection without a name: exit %d", code)
	}
}
