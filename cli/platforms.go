package cli

import (
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/oidc-creds/oidc-creds/token"
)

// describeDetection is the platform line of token and doctor.
func describeDetection(d token.Detection) string {
	if d.Platform == token.NoPlatform {
		return "none detected"
	}
	return fmt.Sprintf("%s (detected from %s)", d.Platform, d.By)
}

const otherSources = "pass --token-file PATH, --token-env NAME or --token-command CMD"

// noTokenHint says how to get a token where none was found, for the
// platform the job runs on.
func noTokenHint(d token.Detection) string {
	switch d.Platform {
	case token.GitHubActions:
		return "GitHub Actions hands a job its token only with `permissions: id-token: write` (in the workflow or the job); add it, or " + otherSources
	case token.GitLabCI:
		return "in GitLab CI, declare a token in .gitlab-ci.yml (id_tokens: AWS_TOKEN: aud: sts.amazonaws.com) and pass --token-env AWS_TOKEN"
	case token.AzurePipelines:
		// In the order the Azure DevOps source looks for what it needs.
		switch {
		case os.Getenv("SYSTEM_OIDCREQUESTURI") == "":
			return "Azure DevOps hands a job OIDC tokens only where its agent sets SYSTEM_OIDCREQUESTURI (System.OidcRequestUri), and this one did not; run the job on a current Azure Pipelines agent, or " + otherSources
		case os.Getenv("SYSTEM_ACCESSTOKEN") == "":
			return "Azure DevOps gives a script SYSTEM_ACCESSTOKEN only when the step maps it (env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)); or " + otherSources
		default:
			return "pass --azure-service-connection ID (or set OIDC_CREDS_AZURE_SERVICE_CONNECTION): the ID of the service connection whose token to request"
		}
	case token.CircleCI:
		return "CircleCI sets CIRCLE_OIDC_TOKEN_V2 only in jobs that use a context; add one to the job, or " + otherSources
	case token.BitbucketPipelines:
		return "Bitbucket Pipelines sets BITBUCKET_STEP_OIDC_TOKEN only on steps with `oidc: true`; add it, or " + otherSources
	case token.HCPTerraform:
		return hcpTaggedHint(token.HCPTaggedTokens(os.Environ()))
	}
	return otherSources
}

// hcpTaggedHint says which --token-env takes an HCP Terraform run's
// tagged token (TFC_WORKLOAD_IDENTITY_AUDIENCE_TAG gives
// TFC_WORKLOAD_IDENTITY_TOKEN_TAG, which oidc-creds does not pick alone).
func hcpTaggedHint(tagged []string) string {
	switch len(tagged) {
	case 0:
		return otherSources
	case 1:
		aud := "TFC_WORKLOAD_IDENTITY_AUDIENCE" + strings.TrimPrefix(tagged[0], "TFC_WORKLOAD_IDENTITY_TOKEN")
		return "the token is in " + tagged[0] + " (from the tagged audience " + aud + "): pass --token-env " + tagged[0]
	}
	return "the workspace's audiences are tagged: pass --token-env TFC_WORKLOAD_IDENTITY_TOKEN_<TAG> with the tag of the audience the AWS identity provider lists (set: " + strings.Join(tagged, ", ") + ")"
}

// requestHint words a failed token request.
func requestHint(e *token.RequestError) string {
	switch {
	case e.Unreachable() && e.Status == 0:
		return e.Error() + "; check the job's network access and proxy settings (HTTPS_PROXY, NO_PROXY)"
	case e.Unreachable():
		return e.Error() + "; " + e.Platform.String() + " kept failing to hand out the token: run the job again later"
	case !e.Refused():
		return e.Error()
	}
	switch e.Platform {
	case token.GitHubActions:
		return e.Error() + "; the job needs `permissions: id-token: write`, and ACTIONS_ID_TOKEN_REQUEST_TOKEN must be the one GitHub Actions set for it"
	case token.AzurePipelines:
		return e.Error() + "; SYSTEM_ACCESSTOKEN must be $(System.AccessToken) of this job, and the pipeline must be allowed to use the service connection"
	}
	return e.Error()
}

// commandHint words a token command that failed; its standard error may
// hold secrets: redacted.
func commandHint(e *token.CommandError) string {
	msg := e.Error()
	switch {
	case e.TimedOut:
		msg = strings.Replace(msg, "did not finish in time", "did not finish within --timeout", 1)
	case e.NotFound && strings.HasPrefix(e.Origin, "Buildkite"):
		msg += "; in a Buildkite job, buildkite-agent must be on PATH"
	case e.OutputHeld && e.Origin == tokenCommandOrigin:
		msg, _, _ = strings.Cut(msg, "\n")
		msg += "; redirect the output of what it starts in the background, e.g. " + backgroundExample()
		if e.Stderr != "" {
			msg += "\nits standard error:\n" + e.Stderr
		}
	}
	return redactRequestTokens(msg)
}

// backgroundExample starts a process in the background with its output
// redirected, in the system shell's words.
func backgroundExample() string {
	if runtime.GOOS == "windows" {
		return "`start /b cmd >NUL 2>&1`"
	}
	return "`cmd >/dev/null 2>&1 &`"
}

// requestTokenVars hold the credentials of CI token requests: secrets like
// the tokens themselves.
var requestTokenVars = []string{"ACTIONS_ID_TOKEN_REQUEST_TOKEN", "SYSTEM_ACCESSTOKEN", "BUILDKITE_AGENT_ACCESS_TOKEN"}

// redactRequestTokens replaces the values of requestTokenVars in s (those
// long enough not to be a word of the message).
func redactRequestTokens(s string) string {
	for _, name := range requestTokenVars {
		if v := os.Getenv(name); len(v) >= 8 && strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, "["+name+" redacted]")
		}
	}
	return s
}
