package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/trust"
)

// nameError words a name that flag gave (value) and no platform could
// issue: the policy would trust nothing, or, with * or ?, more than the
// name.
func nameError(flag, value string, err error) error {
	msg := flag + " " + err.Error()
	var ne *trust.NameError
	if errors.As(err, &ne) && ne.Name != value {
		msg = fmt.Sprintf("%s %q: %v", flag, creds.Clip(value), err)
	}
	if strings.ContainsAny(value, "*?") {
		msg += "; a deliberate pattern goes through --subject"
	}
	return &creds.Error{Kind: creds.KindInput, Err: err, Msg: msg}
}

// pulumiSubjects adds the subjects of Pulumi's tokens that the flags name,
// each with the audience its tokens carry (or with --audience).
func (c *TrustPolicyCmd) pulumiSubjects(s *trust.Spec) error {
	if c.Org == "" {
		return usageError("--org ORG is required: the Pulumi organization, which is part of the tokens' subject and audience")
	}
	if trust.Provider(c.Issuer) == trust.Provider(trust.PulumiIssuerV2) {
		return usageError("the tokens of %s (ESC's fn::open::oidc) name the org and the environment by ID (sub pulumi:org:ORG_ID:env:ENV_ID), not by name; use --from-token, or --subject pulumi:org:ORG_ID:env:ENV_ID --audience AUD", trust.PulumiIssuerV2)
	}
	org := c.Org
	if c.Project != "" {
		if err := trust.CheckPulumiProject(c.Project); err != nil {
			return nameError("--project", c.Project, err)
		}
		if c.Stack != "" {
			if err := trust.CheckPulumiStack(c.Stack); err != nil {
				return nameError("--stack", c.Stack, err)
			}
		}
		c.trust(s, trust.PulumiDeploySubject(org, c.Project, c.Stack), org)
		return nil
	}
	for _, ref := range c.Environment {
		env, err := trust.ParseESCEnvironment(ref)
		if err != nil {
			return nameError("--environment", ref, err)
		}
		c.trust(s, env.Subject(org), env.Audience(org))
	}
	if c.ESCFromIaC {
		c.trust(s, trust.PulumiESCSubject(org, trust.PulumiESCFromIaCEnv), trust.PulumiESCFromIaCAudiences(org)...)
	}
	return nil
}

// githubSubjects adds the subjects of the GitHub Actions jobs the flags
// name.
func (c *TrustPolicyCmd) githubSubjects(s *trust.Spec) error {
	repo := c.GitHubRepo
	if err := trust.CheckGitHubRepo(repo); err != nil {
		return nameError("--github-repo", repo, err)
	}
	if s.Issuer == "" {
		s.Issuer = trust.GitHubIssuer
	}
	var subs []string
	for _, r := range c.Ref {
		ref, err := trust.GitHubRef(r)
		if err != nil {
			return nameError("--ref", r, err)
		}
		subs = append(subs, trust.GitHubRefSubject(repo, ref))
	}
	for _, env := range c.GitHubEnv {
		if err := trust.CheckGitHubEnvironment(env); err != nil {
			return nameError("--github-environment", env, err)
		}
		subs = append(subs, trust.GitHubEnvironmentSubject(repo, env))
	}
	if c.PullRequest {
		subs = append(subs, trust.GitHubPullRequestSubject(repo))
	}
	if len(subs) == 0 {
		subs = []string{trust.GitHubRepoSubject(repo)}
	}
	for _, sub := range subs {
		c.trust(s, sub, trust.GitHubAudience)
	}
	return nil
}

// trust adds sub with the audiences its tokens carry, or with every
// --audience when given.
func (c *TrustPolicyCmd) trust(s *trust.Spec, sub string, auds ...string) {
	if len(c.Audience) > 0 {
		auds = c.Audience
	}
	s.Trust(sub, auds...)
}
