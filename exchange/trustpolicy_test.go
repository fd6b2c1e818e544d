package exchange

import (
	"encoding/json"
	"path"
	"strings"
	"testing"
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
	s := TrustSpec{Account: "123456789012", Audience: []string{"acme"},
		Subjects: []string{PulumiDeploySubject("acme", "web", "")}}
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
	for _, c := range []Claims{
		{Issuer: PulumiIssuer, Audience: Audience{"acme"}, Subject: "pulumi:environments:org:acme:env:<yaml>"},
		{Issuer: "https://token.actions.githubusercontent.com", Audience: Audience{"sts.amazonaws.com", "x"}, Subject: "repo:o/r:ref:refs/heads/main"},
	} {
		s := TrustSpec{Partition: "aws-cn", Account: "123456789012", Issuer: c.Issuer, Audience: c.Audience, Subjects: []string{c.Subject}}
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
		if err := json.Unmarshal([]byte("{"+TrustCondition(c)+"}"), &wrapped); err != nil {
			t.Fatal(err)
		}
		fromExplain = wrapped["Condition"]
		a, _ := json.Marshal(fromPolicy)
		b, _ := json.Marshal(fromExplain)
		if string(a) != string(b) {
			t.Errorf("policy Condition %s differs from TrustCondition %s", a, b)
		}
		if want := "arn:aws-cn:iam::123456789012:oidc-provider/" + Provider(c.Issuer); doc.Statement[0].Principal.Federated != want {
			t.Errorf("Federated = %q, want %q", doc.Statement[0].Principal.Federated, want)
		}
	}
}

func TestTrustSpecSeveralSubjects(t *testing.T) {
	s := TrustSpec{Account: "123456789012", Audience: []string{"acme"},
		Subjects: []string{PulumiESCSubject("acme", "prod"), PulumiESCSubject("acme", PulumiESCFromIaCEnv)}}
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
	good := TrustSpec{Account: "123456789012", Audience: []string{"acme"}, Subjects: []string{"*"}}
	for name, mod := range map[string]func(*TrustSpec){
		"short account":  func(s *TrustSpec) { s.Account = "12345" },
		"letter account": func(s *TrustSpec) { s.Account = "12345678901x" },
		"no audience":    func(s *TrustSpec) { s.Audience = nil },
		"empty audience": func(s *TrustSpec) { s.Audience = []string{" "} },
		"no subject":     func(s *TrustSpec) { s.Subjects = nil },
		"empty subject":  func(s *TrustSpec) { s.Subjects = []string{""} },
		"bad partition":  func(s *TrustSpec) { s.Partition = "AWS" },
		"no host":        func(s *TrustSpec) { s.Issuer = "https://" },
	} {
		s := good
		mod(&s)
		if _, err := s.Policy(); err == nil {
			t.Errorf("%s: no error", name)
		} else {
			wantKind(t, err, KindInput)
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
	tok, err := ParseToken(makeJWT(t, pulumiClaims()), "test")
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
