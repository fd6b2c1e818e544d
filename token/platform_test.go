package token

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

func envOf(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		env  []string
		want Detection
	}{
		{nil, Detection{}},
		{[]string{"GITHUB_ACTIONS", "true"}, Detection{GitHubActions, "GITHUB_ACTIONS=true"}},
		{[]string{"GITHUB_ACTIONS", "false"}, Detection{}},
		{[]string{"ACTIONS_ID_TOKEN_REQUEST_URL", "http://x", "GITHUB_ACTIONS", "true"}, Detection{GitHubActions, "ACTIONS_ID_TOKEN_REQUEST_URL"}},
		{[]string{"GITLAB_CI", "true"}, Detection{GitLabCI, "GITLAB_CI=true"}},
		{[]string{"TF_BUILD", "True"}, Detection{AzurePipelines, "TF_BUILD=True"}},
		{[]string{"SYSTEM_OIDCREQUESTURI", "http://x"}, Detection{AzurePipelines, "SYSTEM_OIDCREQUESTURI"}},
		{[]string{"BUILDKITE", "true"}, Detection{Buildkite, "BUILDKITE=true"}},
		{[]string{"CIRCLECI", "true"}, Detection{CircleCI, "CIRCLECI=true"}},
		{[]string{"CIRCLE_OIDC_TOKEN", "x"}, Detection{CircleCI, "CIRCLE_OIDC_TOKEN"}},
		{[]string{"BITBUCKET_BUILD_NUMBER", "7"}, Detection{BitbucketPipelines, "BITBUCKET_BUILD_NUMBER"}},
		{[]string{"TFC_WORKLOAD_IDENTITY_TOKEN", "x"}, Detection{HCPTerraform, "TFC_WORKLOAD_IDENTITY_TOKEN"}},
	} {
		if got := Detect(envOf(tc.env...)); got != tc.want {
			t.Errorf("Detect(%q) = %+v, want %+v", tc.env, got, tc.want)
		}
	}
}

// In the whole environment, a tagged HCP Terraform token gives the
// platform away too (after every other platform, and after the untagged
// token); its source then says that only tagged ones are set.
func TestDetectEnv(t *testing.T) {
	for _, tc := range []struct {
		env  []string
		want Detection
	}{
		{nil, Detection{}},
		{[]string{"TFC_WORKLOAD_IDENTITY_TOKEN_AWS=x"}, Detection{HCPTerraform, "TFC_WORKLOAD_IDENTITY_TOKEN_AWS"}},
		{[]string{"TFC_WORKLOAD_IDENTITY_TOKEN_GCP=y", "TFC_WORKLOAD_IDENTITY_TOKEN_AWS=x"}, Detection{HCPTerraform, "TFC_WORKLOAD_IDENTITY_TOKEN_AWS"}},
		{[]string{"TFC_WORKLOAD_IDENTITY_TOKEN_AWS=x", "TFC_WORKLOAD_IDENTITY_TOKEN=t"}, Detection{HCPTerraform, "TFC_WORKLOAD_IDENTITY_TOKEN"}},
		{[]string{"TFC_WORKLOAD_IDENTITY_TOKEN_AWS=x", "GITLAB_CI=true"}, Detection{GitLabCI, "GITLAB_CI=true"}},
		{[]string{"TFC_WORKLOAD_IDENTITY_TOKEN_AWS=", "TFC_WORKLOAD_IDENTITY_TOKEN_=x", "TFC_WORKLOAD_IDENTITY_AUDIENCE_AWS=sts.amazonaws.com"}, Detection{}},
	} {
		if got := DetectEnv(tc.env); got != tc.want {
			t.Errorf("DetectEnv(%q) = %+v, want %+v", tc.env, got, tc.want)
		}
	}
	env := []string{"TFC_WORKLOAD_IDENTITY_TOKEN_GCP=y", "TFC_WORKLOAD_IDENTITY_TOKEN_AWS=x", "TFC_WORKLOAD_IDENTITY_TOKEN_EMPTY=", "PATH=/bin"}
	if got := HCPTaggedTokens(env); !reflect.DeepEqual(got, []string{"TFC_WORKLOAD_IDENTITY_TOKEN_AWS", "TFC_WORKLOAD_IDENTITY_TOKEN_GCP"}) {
		t.Errorf("HCPTaggedTokens = %q", got)
	}
	d := DetectEnv(env)
	_, err := d.Source(PlatformOptions{Getenv: envOf("TFC_WORKLOAD_IDENTITY_TOKEN_AWS", "x")}).Token(context.Background())
	var a *AbsentError
	if !errors.As(err, &a) || a.Reason != "HCP Terraform set no TFC_WORKLOAD_IDENTITY_TOKEN, only tagged ones" {
		t.Errorf("tagged only: %v", err)
	}
}

// Each platform's source is where it puts the token; what a job lacks is
// an *AbsentError that says what.
func TestDetectionSource(t *testing.T) {
	gh := envOf("ACTIONS_ID_TOKEN_REQUEST_URL", "https://gh/idtoken?api-version=2.0", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "req-secret")
	az := envOf("SYSTEM_OIDCREQUESTURI", "https://az/oidctoken", "SYSTEM_ACCESSTOKEN", "az-secret")
	none := envOf()
	for _, tc := range []struct {
		name   string
		p      Platform
		o      PlatformOptions
		want   Source
		absent string
	}{
		{"GitHub", GitHubActions, PlatformOptions{Getenv: gh},
			GitHub{URL: "https://gh/idtoken?api-version=2.0", RequestToken: "req-secret", Audience: DefaultAudience}, ""},
		{"GitHub, audience", GitHubActions, PlatformOptions{Getenv: gh, Audience: "my-aud"},
			GitHub{URL: "https://gh/idtoken?api-version=2.0", RequestToken: "req-secret", Audience: "my-aud"}, ""},
		{"GitHub without id-token: write", GitHubActions, PlatformOptions{Getenv: none}, nil,
			"GitHub Actions set neither ACTIONS_ID_TOKEN_REQUEST_URL nor ACTIONS_ID_TOKEN_REQUEST_TOKEN"},
		{"Azure", AzurePipelines, PlatformOptions{Getenv: az, AzureServiceConnection: "conn"},
			AzureDevOps{URL: "https://az/oidctoken", AccessToken: "az-secret", ServiceConnection: "conn"}, ""},
		{"Azure without connection", AzurePipelines, PlatformOptions{Getenv: az}, nil, "no Azure DevOps service connection was named"},
		{"Azure without access token", AzurePipelines, PlatformOptions{Getenv: envOf("SYSTEM_OIDCREQUESTURI", "https://az"), AzureServiceConnection: "c"}, nil,
			"SYSTEM_ACCESSTOKEN is unset"},
		{"Buildkite", Buildkite, PlatformOptions{Audience: "a"},
			Command{Args: []string{"buildkite-agent", "oidc", "request-token", "--audience", "a"}, Origin: "Buildkite (buildkite-agent oidc request-token --audience a)"}, ""},
		{"GitLab", GitLabCI, PlatformOptions{}, nil, "GitLab CI puts tokens only in the variables id_tokens declares"},
		{"none", NoPlatform, PlatformOptions{}, nil, "no CI platform was detected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := Detection{Platform: tc.p}.Source(tc.o)
			if tc.absent != "" {
				_, err := src.Token(context.Background())
				var a *AbsentError
				if !errors.As(err, &a) || a.Reason != tc.absent {
					t.Fatalf("Token: %v (%T), want an *AbsentError %q", err, err, tc.absent)
				}
				return
			}
			if !reflect.DeepEqual(src, tc.want) {
				t.Errorf("source %#v, want %#v", src, tc.want)
			}
		})
	}
}

// The variables of CircleCI (V2 first), Bitbucket and HCP Terraform.
func TestPlatformVariables(t *testing.T) {
	for _, tc := range []struct {
		p      Platform
		env    []string
		origin string
	}{
		{CircleCI, []string{"CIRCLE_OIDC_TOKEN_V2", jwtFor(t, "v2"), "CIRCLE_OIDC_TOKEN", jwtFor(t, "v1")}, "environment variable CIRCLE_OIDC_TOKEN_V2"},
		{CircleCI, []string{"CIRCLE_OIDC_TOKEN", jwtFor(t, "v1")}, "environment variable CIRCLE_OIDC_TOKEN"},
		{BitbucketPipelines, []string{"BITBUCKET_STEP_OIDC_TOKEN", jwtFor(t, "bb")}, "environment variable BITBUCKET_STEP_OIDC_TOKEN"},
		{HCPTerraform, []string{"TFC_WORKLOAD_IDENTITY_TOKEN", jwtFor(t, "tfc")}, "environment variable TFC_WORKLOAD_IDENTITY_TOKEN"},
	} {
		tok, err := Detection{Platform: tc.p}.Source(PlatformOptions{Getenv: envOf(tc.env...)}).Token(context.Background())
		if err != nil {
			t.Fatalf("%v: %v", tc.p, err)
		}
		if tok.Origin != tc.origin {
			t.Errorf("%v: origin %q, want %q", tc.p, tok.Origin, tc.origin)
		}
	}
	for p, want := range map[Platform]string{
		CircleCI:           "CircleCI set neither CIRCLE_OIDC_TOKEN_V2 nor CIRCLE_OIDC_TOKEN",
		BitbucketPipelines: "Bitbucket Pipelines set no BITBUCKET_STEP_OIDC_TOKEN",
	} {
		_, err := Detection{Platform: p}.Source(PlatformOptions{Getenv: envOf()}).Token(context.Background())
		var a *AbsentError
		if !errors.As(err, &a) || a.Reason != want {
			t.Errorf("%v without a token: %v, want the reason %q", p, err, want)
		}
	}
}

func jwtFor(t *testing.T, sub string) string {
	return testkit.JWT(t, map[string]string{"sub": sub})
}

// Resolve reads the sources before a Keyed one, and stops there.
func TestResolve(t *testing.T) {
	gh := GitHub{URL: "http://127.0.0.1:1/unused", RequestToken: "x"}
	tok := jwtFor(t, "pulumi")
	src, got, err := Resolve(context.Background(), Default(envOf("PULUMI_OIDC_TOKEN", tok), "/nonexistent", gh))
	if e, ok := src.(Env); err != nil || got == nil || got.Raw != tok || !ok || e.Name != "PULUMI_OIDC_TOKEN" {
		t.Fatalf("Resolve = %v, %v, %v", src, got, err)
	}
	src, got, err = Resolve(context.Background(), Default(envOf(), "/nonexistent", gh))
	if err != nil || got != nil || src != Source(gh) {
		t.Fatalf("Resolve = %#v, %v, %v; want the GitHub source unread", src, got, err)
	}
	_, _, err = Resolve(context.Background(), Default(envOf(), "/nonexistent", Absent{Reason: "no CI platform was detected"}))
	var none *NoTokenError
	if !errors.As(err, &none) || len(none.Reasons) != 4 {
		t.Fatalf("Resolve with nothing: %v", err)
	}
}
