package token

import (
	"testing"

	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

func TestParsePulumiSubject(t *testing.T) {
	for _, tc := range []struct {
		sub  string
		want PulumiSubject
		text string
	}{
		{"pulumi:deploy:org:acme:project:web:stack:dev:operation:update:scope:write",
			PulumiSubject{Kind: "deploy", Org: "acme", Project: "web", Stack: "dev", Operation: "update", Scope: "write"},
			"Pulumi Deployments: org acme, project web, stack dev, operation update, scope write"},
		{"pulumi:environments:org:acme:env:payments/prod",
			PulumiSubject{Kind: "environments", Org: "acme", Project: "payments", Env: "prod"},
			"Pulumi ESC: org acme, project payments, environment prod"},
		{"pulumi:environments:org:acme:env:prod",
			PulumiSubject{Kind: "environments", Org: "acme", Env: "prod"},
			"Pulumi ESC: org acme, environment prod (legacy default project)"},
		{"pulumi:environments:org:acme:env:<yaml>",
			PulumiSubject{Kind: "environments", Org: "acme", Env: "<yaml>"},
			"Pulumi ESC opened from Pulumi IaC: org acme, environment <yaml>"},
		{"pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:payments/prod:pulumi.user.login:alice",
			PulumiSubject{Kind: "environments", Org: "acme", Project: "payments", Env: "prod", User: "alice"},
			"Pulumi ESC: org acme, project payments, environment prod, user alice"},
		{"pulumi:environments:pulumi.organization.login:acme:rootEnvironment.name:app/dev:currentEnvironment.name:development",
			PulumiSubject{Kind: "environments", Org: "acme", Env: "development", RootEnv: "app/dev"},
			"Pulumi ESC: org acme, environment development (legacy default project), root environment app/dev"},
		{"pulumi:environments:pulumi.organization.login:acme",
			PulumiSubject{Kind: "environments", Org: "acme"},
			"Pulumi ESC: org acme"},
		{"pulumi:org:0f6e7a1c:env:7d3c2b1a",
			PulumiSubject{Kind: "environments", OrgID: "0f6e7a1c", EnvID: "7d3c2b1a"},
			"Pulumi ESC fn::open::oidc: org id 0f6e7a1c, environment id 7d3c2b1a"},
		{"pulumi:insights:org:acme",
			PulumiSubject{Kind: "insights", Org: "acme"},
			"Pulumi insights: org acme"},
	} {
		p, ok := ParsePulumiSubject(tc.sub)
		if !ok || p != tc.want {
			t.Errorf("ParsePulumiSubject(%q) = %+v, %v; want %+v", tc.sub, p, ok, tc.want)
		}
		if s := p.String(); s != tc.text {
			t.Errorf("String() of %q = %q, want %q", tc.sub, s, tc.text)
		}
	}
	for _, sub := range []string{
		"", "repo:o/r:ref:refs/heads/main", "pulumi:deploy", "pulumi:deploy:org:", "system:serviceaccount:ns:sa",
		"pulumi:deploy:pulumi.organization.login:acme", "pulumi:org::env:x", "pulumi:org:x:env:", "pulumi:org:x:stack:y",
	} {
		if p, ok := ParsePulumiSubject(sub); ok {
			t.Errorf("ParsePulumiSubject(%q) = %+v, ok", sub, p)
		}
	}
}

func TestHeader(t *testing.T) {
	tok, err := Parse(testkit.JWT(t, testkit.PulumiClaims()), "test")
	if err != nil {
		t.Fatal(err)
	}
	if h := tok.Header(); h != (Header{Alg: "RS256", Kid: "k1", Typ: "JWT"}) {
		t.Errorf("Header() = %+v", h)
	}
	if !STSAlgorithm("ES384") || STSAlgorithm("HS256") || STSAlgorithm("none") || STSAlgorithm("") {
		t.Error("STSAlgorithm wrong")
	}
	odd := &Token{Raw: "eyJhbGciOjF9.e30.sig"} // {"alg":1}
	if h := odd.Header(); h.Alg != "" {
		t.Errorf("non-string alg decoded as %q", h.Alg)
	}
}
