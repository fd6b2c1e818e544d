package trust

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestParseESCEnvironment(t *testing.T) {
	for _, tc := range []struct {
		ref      string
		want     ESCEnvironment
		sub, aud string
	}{
		{"payments/prod", ESCEnvironment{"payments", "prod"}, "pulumi:environments:org:acme:env:payments/prod", "aws:acme"},
		{"prod", ESCEnvironment{"", "prod"}, "pulumi:environments:org:acme:env:prod", "acme"},
		{"default/prod", ESCEnvironment{"", "prod"}, "pulumi:environments:org:acme:env:prod", "acme"},
		{"my.proj_1/dev-2.x", ESCEnvironment{"my.proj_1", "dev-2.x"}, "pulumi:environments:org:acme:env:my.proj_1/dev-2.x", "aws:acme"},
	} {
		e, err := ParseESCEnvironment(tc.ref)
		if err != nil || e != tc.want {
			t.Errorf("ParseESCEnvironment(%q) = %+v, %v; want %+v", tc.ref, e, err, tc.want)
			continue
		}
		if e.Subject("acme") != tc.sub || e.Audience("acme") != tc.aud {
			t.Errorf("%q: sub %q aud %q, want %q %q", tc.ref, e.Subject("acme"), e.Audience("acme"), tc.sub, tc.aud)
		}
	}
	for _, bad := range []string{"", "*", "proj/*", "*/prod", "proj/pr?d", "a/b/c", "/prod", "proj/", "proj/<yaml>", "a:b", "a b", "proj/prod\n"} {
		if e, err := ParseESCEnvironment(bad); err == nil {
			t.Errorf("ParseESCEnvironment(%q) = %+v, want an error", bad, e)
		}
	}
}

// Each subject is trusted with its own audiences only: a statement per
// set of audiences, so that a subject of one project's environment is never
// accepted with the audience of the legacy default project.
func TestSpecTrustGroupsByAudience(t *testing.T) {
	s := Spec{Account: "123456789012"}
	prod, _ := ParseESCEnvironment("payments/prod")
	legacy, _ := ParseESCEnvironment("legacy")
	dev, _ := ParseESCEnvironment("payments/dev")
	for _, e := range []ESCEnvironment{prod, legacy, dev, prod} {
		s.Trust(e.Subject("acme"), e.Audience("acme"))
	}
	s.Trust(PulumiESCSubject("acme", PulumiESCFromIaCEnv), PulumiESCFromIaCAudiences("acme")...)
	want := []Grant{
		{Audience: []string{"aws:acme"}, Subjects: []string{"pulumi:environments:org:acme:env:payments/prod", "pulumi:environments:org:acme:env:payments/dev"}},
		{Audience: []string{"acme"}, Subjects: []string{"pulumi:environments:org:acme:env:legacy"}},
		{Audience: []string{"aws:acme", "acme"}, Subjects: []string{"pulumi:environments:org:acme:env:<yaml>"}},
	}
	if !reflect.DeepEqual(s.Grants, want) {
		t.Fatalf("Grants = %+v, want %+v", s.Grants, want)
	}
	if got := s.Audiences(); !reflect.DeepEqual(got, []string{"aws:acme", "acme"}) {
		t.Errorf("Audiences() = %q", got)
	}
	pol, err := s.Policy()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Statement []struct {
			Condition map[string]map[string]any
		}
	}
	if err := json.Unmarshal([]byte(pol), &doc); err != nil || len(doc.Statement) != 3 {
		t.Fatalf("policy: %v\n%s", err, pol)
	}
	for i, st := range doc.Statement {
		aud := st.Condition["StringEquals"]["api.pulumi.com/oidc:aud"]
		if a, _ := json.Marshal(aud); string(a) != mustJSON(oneOrMany(want[i].Audience)) {
			t.Errorf("statement %d: aud %s, want %q", i, a, want[i].Audience)
		}
	}
	// The audiences given are not aliased.
	auds := []string{"x"}
	var t2 Spec
	t2.Trust("s", auds...)
	auds[0] = "changed"
	if t2.Grants[0].Audience[0] != "x" {
		t.Error("Trust keeps the caller's slice")
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
