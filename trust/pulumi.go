package trust

import (
	"fmt"
	"strings"

	"github.com/oidc-creds/oidc-creds/token"
)

// PulumiIssuerV2 is the issuer of the tokens ESC's fn::open::oidc mints,
// whose subjects name the org and the environment by ID
// (pulumi:org:ORG_ID:env:ENV_ID), not by name.
const PulumiIssuerV2 = "https://api.pulumi.com/oidc/v2"

// PulumiDeploySubject is the StringLike pattern that trusts the
// Deployments of a project, or of one stack when stack is not empty.
// Deployments tokens carry the audience ORG.
func PulumiDeploySubject(org, project, stack string) string {
	if stack == "" {
		return fmt.Sprintf("pulumi:deploy:org:%s:project:%s:*", org, project)
	}
	return fmt.Sprintf("pulumi:deploy:org:%s:project:%s:stack:%s:*", org, project, stack)
}

// PulumiESCSubject is the subject of ESC's aws-login tokens for
// environment ref as it appears there: PROJECT/ENV, or ENV for the legacy
// default project (see ESCEnvironment.Subject).
func PulumiESCSubject(org, ref string) string {
	return fmt.Sprintf("pulumi:environments:org:%s:env:%s", org, ref)
}

// PulumiESCFromIaCEnv is the environment in the subject of the tokens ESC
// issues when it is opened from Pulumi IaC (a known Pulumi issue): the
// literal "<yaml>", whatever the environment.
const PulumiESCFromIaCEnv = token.PulumiYAMLEnv

// PulumiDefaultProject is the legacy ESC project whose environments' tokens
// keep the old claims: audience ORG, and no project in the subject.
const PulumiDefaultProject = "default"

// ESCEnvironment is a Pulumi ESC environment. Project "" is the legacy
// default project.
type ESCEnvironment struct{ Project, Name string }

// ParseESCEnvironment reads an environment reference: PROJECT/ENV, or a
// bare ENV of the legacy default project (default/ENV is the same one).
func ParseESCEnvironment(ref string) (ESCEnvironment, error) {
	project, name, ok := strings.Cut(ref, "/")
	if !ok {
		project, name = "", ref
	}
	if ok {
		if err := escProject.check(project); err != nil {
			return ESCEnvironment{}, err
		}
	}
	if err := escEnv.check(name); err != nil {
		return ESCEnvironment{}, err
	}
	if project == PulumiDefaultProject {
		project = ""
	}
	return ESCEnvironment{Project: project, Name: name}, nil
}

// Subject is the sub of ESC's aws-login tokens for e (without
// subjectAttributes): pulumi:environments:org:ORG:env:PROJECT/ENV, or
// …:env:ENV in the legacy default project.
func (e ESCEnvironment) Subject(org string) string {
	if e.Project == "" {
		return PulumiESCSubject(org, e.Name)
	}
	return PulumiESCSubject(org, e.Project+"/"+e.Name)
}

// Audience is the aud of ESC's aws-login tokens for e: aws:ORG, or ORG in
// the legacy default project.
func (e ESCEnvironment) Audience(org string) string {
	if e.Project == "" {
		return org
	}
	return PulumiESCAudience(org)
}

// PulumiESCAudience is the audience of ESC's aws-login tokens for the
// environments of org outside the legacy default project.
func PulumiESCAudience(org string) string { return "aws:" + org }

// PulumiESCFromIaCAudiences are the audiences trusted with the subject of
// ESC opened from Pulumi IaC. Pulumi does not document which its tokens
// carry (the environment that opens is anonymous, in no project), so both
// of the org's ESC audiences are: either is the org's own.
func PulumiESCFromIaCAudiences(org string) []string {
	return []string{PulumiESCAudience(org), org}
}
