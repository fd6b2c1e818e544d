package token

import (
	"fmt"
	"strings"
)

// PulumiSubject is a Pulumi OIDC subject taken apart:
// pulumi:deploy:org:ORG:project:PROJECT:stack:STACK:operation:OP:scope:SCOPE
// (Deployments) or pulumi:environments:org:ORG:env:ENV (ESC).
type PulumiSubject struct {
	Kind      string `json:"kind"` // "deploy" or "environments" (or another kind Pulumi adds)
	Org       string `json:"org"`
	Project   string `json:"project,omitempty"`
	Stack     string `json:"stack,omitempty"`
	Operation string `json:"operation,omitempty"`
	Scope     string `json:"scope,omitempty"`
	Env       string `json:"env,omitempty"`
}

// ParsePulumiSubject reads a Pulumi subject; ok is false for any other.
func ParsePulumiSubject(sub string) (p PulumiSubject, ok bool) {
	f := strings.Split(sub, ":")
	if len(f) < 4 || f[0] != "pulumi" || f[2] != "org" || f[1] == "" || f[3] == "" {
		return p, false
	}
	p.Kind = f[1]
	for i := 2; i+1 < len(f); i += 2 {
		v := f[i+1]
		switch f[i] {
		case "org":
			p.Org = v
		case "project":
			p.Project = v
		case "stack":
			p.Stack = v
		case "operation":
			p.Operation = v
		case "scope":
			p.Scope = v
		case "env":
			// An environment reference may hold a colon-free project/env
			// path; the rest of the subject is the environment.
			p.Env = strings.Join(f[i+1:], ":")
			i = len(f)
		}
	}
	return p, true
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
	add("project", p.Project)
	add("stack", p.Stack)
	add("operation", p.Operation)
	add("scope", p.Scope)
	add("environment", p.Env)
	what := "Pulumi " + p.Kind
	switch p.Kind {
	case "deploy":
		what = "Pulumi Deployments"
	case "environments":
		what = "Pulumi ESC"
		if p.Env == "<yaml>" {
			what = "Pulumi ESC opened from Pulumi IaC"
		}
	}
	return fmt.Sprintf("%s: %s", what, strings.Join(parts, ", "))
}
