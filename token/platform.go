package token

import (
	"context"
	"net/http"
	"os"
	"slices"
	"strings"
)

// Platform is a CI platform whose jobs oidc-creds can get a token in.
type Platform int

// The platforms Detect knows, in the order it tries them.
const (
	NoPlatform Platform = iota
	GitHubActions
	GitLabCI
	AzurePipelines
	Buildkite
	CircleCI
	BitbucketPipelines
	HCPTerraform
)

func (p Platform) String() string {
	switch p {
	case GitHubActions:
		return "GitHub Actions"
	case GitLabCI:
		return "GitLab CI"
	case AzurePipelines:
		return "Azure DevOps"
	case Buildkite:
		return "Buildkite"
	case CircleCI:
		return "CircleCI"
	case BitbucketPipelines:
		return "Bitbucket Pipelines"
	case HCPTerraform:
		return "HCP Terraform"
	}
	return "none"
}

// DefaultAudience is the audience requested where the platform lets the
// job choose (GitHub Actions, Buildkite): what AWS's own GitHub action asks
// for, and what the IAM identity provider lists as its client ID.
const DefaultAudience = "sts.amazonaws.com"

// Detection is the CI platform a job runs on, as its own variables say.
type Detection struct {
	Platform Platform
	By       string // what gave it away, e.g. "GITHUB_ACTIONS=true"; "" for NoPlatform
}

// signs are, per platform in Detect's order, the variables that give it
// away: a name alone means set and not empty, NAME=V means equal to V
// (case-insensitively).
var signs = []struct {
	p    Platform
	vars []string
}{
	{GitHubActions, []string{"ACTIONS_ID_TOKEN_REQUEST_URL", "GITHUB_ACTIONS=true"}},
	{GitLabCI, []string{"GITLAB_CI=true"}},
	{AzurePipelines, []string{"SYSTEM_OIDCREQUESTURI", "TF_BUILD=true"}},
	{Buildkite, []string{"BUILDKITE=true"}},
	{CircleCI, []string{"CIRCLE_OIDC_TOKEN_V2", "CIRCLE_OIDC_TOKEN", "CIRCLECI=true"}},
	{BitbucketPipelines, []string{"BITBUCKET_STEP_OIDC_TOKEN", "BITBUCKET_BUILD_NUMBER"}},
	{HCPTerraform, []string{hcpToken}},
}

// Detect finds the CI platform from its variables (lookup nil is the
// process's environment, as DetectEnv(os.Environ()): the tagged HCP
// Terraform variables are looked for only then); NoPlatform when none
// matches.
func Detect(lookup func(string) string) Detection {
	if lookup == nil {
		return DetectEnv(os.Environ())
	}
	return detect(lookup)
}

// DetectEnv is Detect in environ (NAME=VALUE entries), where a tagged HCP
// Terraform token, TFC_WORKLOAD_IDENTITY_TOKEN_TAG (see HCPTaggedTokens),
// gives HCP Terraform away too.
func DetectEnv(environ []string) Detection {
	d := detect(func(name string) string {
		for _, kv := range environ {
			if k, v, _ := strings.Cut(kv, "="); k == name {
				return v
			}
		}
		return ""
	})
	if tagged := HCPTaggedTokens(environ); d.Platform == NoPlatform && len(tagged) > 0 {
		return Detection{Platform: HCPTerraform, By: tagged[0]}
	}
	return d
}

// HCPTaggedTokens are the names of the tagged HCP Terraform tokens set in
// environ, sorted: a workspace variable TFC_WORKLOAD_IDENTITY_AUDIENCE_TAG
// gives runs TFC_WORKLOAD_IDENTITY_TOKEN_TAG (and no untagged token
// unless TFC_WORKLOAD_IDENTITY_AUDIENCE is set as well).
func HCPTaggedTokens(environ []string) []string {
	var names []string
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		if tag, ok := strings.CutPrefix(k, hcpToken+"_"); ok && tag != "" && v != "" {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// hcpToken is HCP Terraform's untagged token variable.
const hcpToken = "TFC_WORKLOAD_IDENTITY_TOKEN"

func detect(get func(string) string) Detection {
	for _, s := range signs {
		for _, v := range s.vars {
			name, want, eq := strings.Cut(v, "=")
			got := get(name)
			if got != "" && (!eq || strings.EqualFold(got, want)) {
				if !eq {
					return Detection{Platform: s.p, By: name}
				}
				return Detection{Platform: s.p, By: name + "=" + got}
			}
		}
	}
	return Detection{}
}

// PlatformOptions are what the platforms that hand out tokens on request
// need besides their own variables.
type PlatformOptions struct {
	Getenv                 func(string) string // nil = os.Getenv
	Audience               string              // GitHub Actions, Buildkite; "" = DefaultAudience
	AzureServiceConnection string              // Azure DevOps: the service connection's ID
	Client                 *http.Client        // nil = http.DefaultClient
}

// Source is where the detected platform puts the job's token: a request
// (GitHub Actions, Azure DevOps), a command (Buildkite), a variable
// (CircleCI, Bitbucket Pipelines, HCP Terraform). When the job lacks what
// that needs, or the platform leaves the variable's name to the user
// (GitLab CI), or none was detected, it is a Source that fails with an
// *AbsentError saying so.
func (d Detection) Source(o PlatformOptions) Source {
	get := getenv(o.Getenv)
	aud := o.Audience
	if aud == "" {
		aud = DefaultAudience
	}
	switch d.Platform {
	case GitHubActions:
		return gitHubFromEnv(get, aud, o.Client)
	case AzurePipelines:
		return azureFromEnv(get, o.AzureServiceConnection, o.Client)
	case Buildkite:
		return Command{Args: []string{"buildkite-agent", "oidc", "request-token", "--audience", aud},
			Origin: "Buildkite (buildkite-agent oidc request-token --audience " + aud + ")"}
	case CircleCI:
		return platformEnv(get, CircleCI, "CIRCLE_OIDC_TOKEN_V2", "CIRCLE_OIDC_TOKEN")
	case BitbucketPipelines:
		return platformEnv(get, BitbucketPipelines, "BITBUCKET_STEP_OIDC_TOKEN")
	case HCPTerraform:
		if get(hcpToken) == "" && strings.HasPrefix(d.By, hcpToken+"_") {
			return Absent{Reason: "HCP Terraform set no " + hcpToken + ", only tagged ones"}
		}
		return platformEnv(get, HCPTerraform, hcpToken)
	case GitLabCI:
		return Absent{Reason: "GitLab CI puts tokens only in the variables id_tokens declares"}
	}
	return Absent{Reason: "no CI platform was detected"}
}

// platformEnv is the first of the variables that is set, else Absent.
func platformEnv(get func(string) string, p Platform, names ...string) Source {
	for _, n := range names {
		if get(n) != "" {
			return Env{Name: n, Getenv: get}
		}
	}
	if len(names) == 1 {
		return Absent{Reason: p.String() + " set no " + names[0]}
	}
	return Absent{Reason: p.String() + " set neither " + strings.Join(names, " nor ")}
}

// Absent is a Source that holds no token: its Token fails with an
// *AbsentError of this Reason.
type Absent struct{ Reason string }

// Token fails with an *AbsentError.
func (a Absent) Token(ctx context.Context) (*Token, error) {
	return nil, &AbsentError{Msg: "no OIDC token: " + a.Reason, Reason: a.Reason}
}
