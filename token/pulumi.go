package token

import (
	"fmt"
	"strings"
)

// PulumiSubject is a Pulumi OIDC subject taken apart. The shapes:
//
//	pulumi:deploy:org:ORG:project:PROJECT:stack:STACK:operation:OP:scope:SCOPE   Deployments
//	pulumi:environments:org:ORG:env:PROJECT/ENV                                  ESC (aws-login and the other vendor logins)
//	pulumi:environments:org:ORG:env:ENV                                          ESC, legacy default project
//	pulumi:environments:org:ORG:env:<yaml>                                       ESC opened from Pulumi IaC
//	pulumi:environments:pulumi.organization.login:ORG[:ATTRIBUTE:VALUE]...       ESC with subjectAttributes
//	pulumi:org:ORG_ID:env:ENV_ID                                                 ESC fn::open::oidc (issuer …/oidc/v2)
//
// The subjectAttributes are currentEnvironment.name (Project, Env),
// rootEnvironment.name (RootEnv) and pulumi.user.login (User).
type PulumiSubject struct {
	Kind      string `json:"kind"` // "deploy" or "environments" (or another kind Pulumi adds)
	Org       string `json:"org,omitempty"`
	OrgID     string `json:"org_id,omitempty"` // fn::open::oidc
	Project   string `json:"project,omitempty"`
	Stack     string `json:"stack,omitempty"`
	Operation string `json:"operation,omitempty"`
	Scope     string `json:"scope,omitempty"`
	Env       string `json:"env,omitempty"`      // ESC: the environment's name within Project
	EnvID     string `json:"env_id,omitempty"`   // fn::open::oidc
	RootEnv   string `json:"root_env,omitempty"` // subjectAttributes: the environment opened, as written
	User      string `json:"user,omitempty"`     // subjectAttributes: who opened it
}

// PulumiYAMLEnv is the environment of the subjects of ESC opened from
// Pulumi IaC: the literal "<yaml>", whatever the environments are.
const PulumiYAMLEnv = "<yaml>"

// ParsePulumiSubject reads a Pulumi subject; ok is false for any other.
func ParsePulumiSubject(sub string) (p PulumiSubject, ok bool) {
	f := strings.Split(sub, ":")
	if len(f) < 4 || f[0] != "pulumi" || f[1] == "" || f[3] == "" {
		return p, false
	}
	switch {
	case f[1] == "org" && len(f) == 5 && f[3] == "env" && f[2] != "" && f[4] != "":
		return PulumiSubject{Kind: "environments", OrgID: f[2], EnvID: f[4]}, true
	case f[2] == "org", f[1] == "environments" && f[2] == "pulumi.organization.login":
	default:
		return p, false
	}
	p.Kind = f[1]
	for i := 2; i+1 < len(f); i += 2 {
		v := f[i+1]
		switch f[i] {
		case "org", "pulumi.organization.login":
			p.Org = v
		case "project":
			p.Project = v
		case "stack":
			p.Stack = v
		case "operation":
			p.Operation = v
		case "scope":
			p.Scope = v
		case "currentEnvironment.name":
			p.Project, p.Env = splitEnv(v)
		case "rootEnvironment.name":
			p.RootEnv = v
		case "pulumi.user.login":
			p.User = v
		case "env":
			// Environment names hold no colon: the rest of the subject is
			// the environment, whatever it holds.
			p.Project, p.Env = splitEnv(strings.Join(f[i+1:], ":"))
			i = len(f)
		}
	}
	return p, true
}

// splitEnv splits an ESC environment reference PROJECT/ENV; a reference
// without a project (the legacy default project's, or <yaml>) is all ENV.
func splitEnv(ref string) (project, env string) {
	if p, e, ok := strings.Cut(ref, "/"); ok && p != "" && e != "" {
		return p, e
	}
	return "", ref
}

// String describes the subject in words, e.g. "Pulumi Deployments: org
// acme, project web, stack dev, operation update, scope write".
func (p PulumiSubject) String() string {
	var parts []string
	add := func(name, v string) {
		if v != "" {
			parts = append(parts, name+" "+v)
		}
	}
	add("org", p.Org)
	add("org id", p.OrgID)
	add("project", p.Project)
	add("stack", p.Stack)
	add("operation", p.Operation)
	add("scope", p.Scope)
	env := p.Env
	if p.Kind == "environments" && p.Project == "" && env != "" && env != PulumiYAMLEnv {
		env += " (legacy default project)"
	}
	add("environment", env)
	add("environment id", p.EnvID)
	add("root environment", p.RootEnv)
	add("user", p.User)
	return fmt.Sprintf("%s: %s", p.kindName(), strings.Join(parts, ", "))
}

func (p PulumiSubject) kindName() string {
	switch {
	case p.Kind == "deploy":
		return "Pulumi Deployments"
	case p.Kind != "environments":
		return "Pulumi " + p.Kind
	case p.EnvID != "":
		return "Pulumi ESC fn::open::oidc"
	case p.Env == PulumiYAMLEnv:
		return "Pulumi ESC opened from Pulumi IaC"
	}
	return "Pulumi ESC"
}
