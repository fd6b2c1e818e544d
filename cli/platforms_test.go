package cli

import (
	"strings"
	"testing"

	"github.com/oidc-creds/oidc-creds/token"
)

// The Azure DevOps advice is about the first thing the job lacks, in the
// order the source looks: the request URI, the access token, the service
// connection.
func TestNoTokenHintAzure(t *testing.T) {
	for _, tc := range []struct{ uri, access, want, not string }{
		{"", "", "its agent sets SYSTEM_OIDCREQUESTURI", "SYSTEM_ACCESSTOKEN"},
		{"", "secret", "its agent sets SYSTEM_OIDCREQUESTURI", "SYSTEM_ACCESSTOKEN"},
		{"https://az/x", "", "SYSTEM_ACCESSTOKEN only when the step maps it", "SYSTEM_OIDCREQUESTURI"},
		{"https://az/x", "secret", "pass --azure-service-connection ID", "SYSTEM_"},
	} {
		t.Setenv("SYSTEM_OIDCREQUESTURI", tc.uri)
		t.Setenv("SYSTEM_ACCESSTOKEN", tc.access)
		got := noTokenHint(token.Detection{Platform: token.AzurePipelines})
		if !strings.Contains(got, tc.want) || strings.Contains(got, tc.not) {
			t.Errorf("URI %q, access token %q: %q, want %q without %q", tc.uri, tc.access, got, tc.want, tc.not)
		}
	}
}

func TestHCPTaggedHint(t *testing.T) {
	if got, want := hcpTaggedHint([]string{"TFC_WORKLOAD_IDENTITY_TOKEN_AWS"}),
		"the token is in TFC_WORKLOAD_IDENTITY_TOKEN_AWS (from the tagged audience TFC_WORKLOAD_IDENTITY_AUDIENCE_AWS): pass --token-env TFC_WORKLOAD_IDENTITY_TOKEN_AWS"; got != want {
		t.Errorf("one: %q, want %q", got, want)
	}
	got := hcpTaggedHint([]string{"TFC_WORKLOAD_IDENTITY_TOKEN_AWS", "TFC_WORKLOAD_IDENTITY_TOKEN_GCP"})
	if !strings.Contains(got, "pass --token-env TFC_WORKLOAD_IDENTITY_TOKEN_<TAG>") || !strings.Contains(got, "(set: TFC_WORKLOAD_IDENTITY_TOKEN_AWS, TFC_WORKLOAD_IDENTITY_TOKEN_GCP)") {
		t.Errorf("two: %q", got)
	}
}

// The advice to redirect a background process's output is for
// --token-command, whose shell line the user writes; not for Buildkite's
// agent.
func TestCommandHintOutputHeld(t *testing.T) {
	e := &token.CommandError{Origin: tokenCommandOrigin, OutputHeld: true, Stderr: "warming up"}
	got := commandHint(e)
	want := "--token-command exited without printing a token while a process it started kept its standard output open; redirect the output of what it starts in the background, e.g. " + backgroundExample() + "\nits standard error:\nwarming up"
	if got != want {
		t.Errorf("%q\nwant %q", got, want)
	}
	e.Origin = "Buildkite (buildkite-agent oidc request-token --audience a)"
	if got := commandHint(e); strings.Contains(got, "redirect") {
		t.Errorf("Buildkite: %q", got)
	}
}
