package trust

import (
	"encoding/json"
	"path"
	"strings"
	"testing"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
	"github.com/oidc-creds/oidc-creds/token"
)

// stringLike is IAM's StringLike for these tests: * any run, ? one
// character (path.Match does that for subjects without '/', '[' or '\').
func stringLike(t *testing.T, pattern, s string) bool {
	t.Helper()
	ok, err := path.Match(pattern, s)
	if err != nil {
		t.Fatalf("pattern %q: %v", pattern, err)
	}
	return ok
}

func TestTrustSpecPolicy(t *testing.T) {
	s := Spec{Account: "123456789012", Grants: []Grant{{Audience: []string{"acme"},
		Subjects: []string{PulumiDeploySubject("acme", "web", "")}}}}
	got, err := s.Policy()
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Federated": "arn:aws:iam::123456789012:oidc-provider/api.pulumi.com/oidc"
      },
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": {
          "api.pulumi.com/oidc:aud": "acme"
        },
        "StringLike": {
          "api.pulumi.com/oidc:sub": "pulumi:deploy:org:acme:project:web:*"
        }
      }
    }
  ]
}
`
	if got != want {
		t.Errorf("Policy() =\n%s\nwant\n%s", got, want)
	}
}

// The Condition of a policy built from a token's claims is the one the
// AccessDenied explanation prints for that token.
func TestTrustSpecMatchesTrustCondition(t *testing.T) {
	for _, c := range []token.Claims{
		{Issuer: PulumiIssuer, Audience: token.Audience{"acme"}, Subject: "pulumi:environments:org:acme:env:<yaml>"},
		{Issuer: "https://token.actions.githubusercontent.com", Audience: token.Audience{"sts.amazonaws.com", "x"}, Subject: "repo:o/r:ref:refs/heads/main"},
	} {
		s := Spec{Partition: "aws-cn", Account: "123456789012", Issuer: c.Issuer, Grants: []Grant{{Audience: c.Audience, Subjects: []string{c.Subject}}}}
		pol, err := s.Policy()
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Statement []struct {
				Principal struct{ Federated string }
				Condition json.RawMessage
			}
		}
		if err := json.Unmarshal([]byte(pol), &doc); err != nil {
			t.Fatal(err)
		}
		var fromPolicy, fromExplain any
		_ = json.Unmarshal(doc.Statement[0].Condition, &fromPolicy)
		var wrapped map[string]any
		if err := json.Unmarshal([]byte("{"+Condition(c)+"}"), &wrapped); err != nil {
			t.Fatal(err)
		}
		fromExplain = wrapped["Condition"]
		a, _ := json.Marshal(fromPolicy)
		b, _ := json.Marshal(fromExplain)
		if string(a) != string(b) {
			t.Errorf("policy Condition %s differs from Condition %s", a, b)
		}
		if want := "arn:aws-cn:iam::123456789012:oidc-provider/" + Provider(c.Issuer); doc.Statement[0].Principal.Federated != want {
			t.Errorf("Federated = %q, want %q", doc.Statement[0].Principal.Federated, want)
		}
	}
}

func TestTrustSpecSeveralSubjects(t *testing.T) {
	s := Spec{Account: "123456789012"}
	s.Trust(PulumiESCSubject("acme", "prod"), "acme")
	s.Trust(PulumiESCSubject("acme", PulumiESCFromIaCEnv), "acme")
	pol, err := s.Policy()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(pol, `"api.pulumi.com/oidc:sub": [
            "pulumi:environments:org:acme:env:prod",
            "pulumi:environments:org:acme:env:<yaml>"
          ]`) {
		t.Errorf("subjects not listed literally:\n%s", pol)
	}
}

func TestTrustSpecValidate(t *testing.T) {
	grant := func(aud, sub []string) []Grant {
		return []Grant{{Audience: []string{"x"}, Subjects: []string{"y"}}, {Audience: aud, Subjects: sub}}
	}
	good := Spec{Account: "123456789012", Grants: grant([]string{"acme"}, []string{"*"})}
	for name, mod := range map[string]func(*Spec){
		"short account":  func(s *Spec) { s.Account = "12345" },
		"letter account": func(s *Spec) { s.Account = "12345678901x" },
		"no grant":       func(s *Spec) { s.Grants = nil },
		"no audience":    func(s *Spec) { s.Grants = grant(nil, []string{"*"}) },
		"empty audience": func(s *Spec) { s.Grants = grant([]string{" "}, []string{"*"}) },
		"no subject":     func(s *Spec) { s.Grants = grant([]string{"acme"}, nil) },
		"empty subject":  func(s *Spec) { s.Grants = grant([]string{"acme"}, []string{""}) },
		"bad partition":  func(s *Spec) { s.Partition = "AWS" },
		"no host":        func(s *Spec) { s.Issuer = "https://" },
	} {
		s := good
		mod(&s)
		if _, err := s.Policy(); err == nil {
			t.Errorf("%s: no error", name)
		} else {
			testkit.WantKind(t, err, creds.KindInput)
		}
	}
	if _, err := good.Policy(); err != nil {
		t.Errorf("valid spec: %v", err)
	}
}

func TestPulumiSubjects(t *testing.T) {
	deploy := "pulumi:deploy:org:acme:project:web:stack:dev:operation:update:scope:write"
	for _, tc := range []struct {
		pattern, sub string
		match        bool
	}{
		{PulumiDeploySubject("acme", "web", ""), deploy, true},
		{PulumiDeploySubject("acme", "web", "dev"), deploy, true},
		{PulumiDeploySubject("acme", "web", "prod"), deploy, false},
		{PulumiDeploySubject("acme", "api", ""), deploy, false},
		{PulumiDeploySubject("other", "web", ""), deploy, false},
		{PulumiESCSubject("acme", "prod"), "pulumi:environments:org:acme:env:prod", true},
		{PulumiESCSubject("acme", PulumiESCFromIaCEnv), "pulumi:environments:org:acme:env:<yaml>", true},
	} {
		if got := stringLike(t, tc.pattern, tc.sub); got != tc.match {
			t.Errorf("%q StringLike %q = %v, want %v", tc.pattern, tc.sub, got, tc.match)
		}
	}
}

// A subject taken from a token is a value: when it holds * or ?, which
// StringLike would expand, it is matched with StringEquals. A pattern
// stays a pattern.
func TestExactSubjectWithWildcards(t *testing.T) {
	sub := "repo:o/r:environment:prod*?"
	c := token.Claims{Issuer: GitHubIssuer, Audience: token.Audience{"sts.amazonaws.com"}, Subject: sub}
	exact := Spec{Account: "123456789012", Issuer: GitHubIssuer, Grants: []Grant{{Audience: c.Audience, Subjects: []string{sub}, Exact: true}}}
	pol, err := exact.Policy()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Statement []struct{ Condition map[string]map[string]any }
	}
	if err := json.Unmarshal([]byte(pol), &doc); err != nil {
		t.Fatal(err)
	}
	cond := doc.Statement[0].Condition
	if len(cond) != 1 || cond["StringEquals"]["token.actions.githubusercontent.com:sub"] != sub {
		t.Errorf("exact subject with wildcards: %v", cond)
	}
	var fromExplain map[string]map[string]map[string]any
	if err := json.Unmarshal([]byte("{"+Condition(c)+"}"), &fromExplain); err != nil {
		t.Fatal(err)
	}
	if a, b := mustJSON(fromExplain["Condition"]), mustJSON(cond); a != b {
		t.Errorf("Condition %s differs from the policy's %s", a, b)
	}
	// Without wildcards, and for patterns, the usual StringLike.
	for _, g := range []Grant{{Audience: []string{"a"}, Subjects: []string{"repo:o/r:ref:refs/heads/main"}, Exact: true}, {Audience: []string{"a"}, Subjects: []string{"repo:o/r:*"}}} {
		if got := condition("p", g.Audience, g.Subjects, g.Exact); got["StringLike"]["p:sub"] == nil || got["StringEquals"]["p:sub"] != nil {
			t.Errorf("%+v: %v", g, got)
		}
	}
}
