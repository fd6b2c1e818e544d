package token

import (
	"strings"
	"testing"

	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

func TestParsePulumiSubject(t *testing.T) {
	p, ok := ParsePulumiSubject("pulumi:deploy:org:acme:project:web:stack:dev:operation:update:scope:write")
	if !ok || p != (PulumiSubject{Kind: "deploy", Org: "acme", Project: "web", Stack: "dev", Operation: "update", Scope: "write"}) {
		t.Errorf("deploy: %+v %v", p, ok)
	}
	if s := p.String(); s != "Pulumi Deployments: org acme, project web, stack dev, operation update, scope write" {
		t.Errorf("String() = %q", s)
	}
	p, ok = ParsePulumiSubject("pulumi:environments:org:acme:env:<yaml>")
	if !ok || p.Env != "<yaml>" || p.Org != "acme" || !strings.HasPrefix(p.String(), "Pulumi ESC opened from Pulumi IaC: ") {
		t.Errorf("esc: %+v %v %q", p, ok, p.String())
	}
	for _, sub := range []string{"", "repo:o/r:ref:refs/heads/main", "pulumi:deploy", "pulumi:deploy:org:", "system:serviceaccount:ns:sa"} {
		if _, ok := ParsePulumiSubject(sub); ok {
			t.Errorf("ParsePulumiSubject(%q) ok", sub)
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
