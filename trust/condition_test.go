package trust

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/oidc-creds/oidc-creds/token"
)

func TestProvider(t *testing.T) {
	for in, want := range map[string]string{
		"https://api.pulumi.com/oidc":                 "api.pulumi.com/oidc",
		"https://api.pulumi.com/oidc/":                "api.pulumi.com/oidc",
		"https://token.actions.githubusercontent.com": "token.actions.githubusercontent.com",
		"http://127.0.0.1:8080/":                      "127.0.0.1:8080",
		"oidc.eks.us-east-1.amazonaws.com/id/ABC":     "oidc.eks.us-east-1.amazonaws.com/id/ABC",
		"":         "PROVIDER",
		"https://": "PROVIDER",
	} {
		if got := Provider(in); got != want {
			t.Errorf("Provider(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTrustCondition(t *testing.T) {
	for _, tc := range []struct {
		name    string
		claims  token.Claims
		wantAud any
	}{
		{"deploy", token.Claims{Issuer: "https://api.pulumi.com/oidc", Audience: token.Audience{"acme"},
			Subject: "pulumi:deploy:org:acme:project:web:stack:dev:operation:update:scope:write"}, "acme"},
		{"esc from iac", token.Claims{Issuer: "https://api.pulumi.com/oidc", Audience: token.Audience{"acme"},
			Subject: "pulumi:environments:org:acme:env:<yaml>"}, "acme"},
		{"two audiences", token.Claims{Issuer: "https://api.pulumi.com/oidc", Audience: token.Audience{"acme", "sts.amazonaws.com"},
			Subject: "pulumi:environments:org:acme:env:prod"}, []any{"acme", "sts.amazonaws.com"}},
		{"quotes and ampersands", token.Claims{Issuer: "https://api.pulumi.com/oidc", Audience: token.Audience{`a"b`}, Subject: `x&y>z`}, `a"b`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Condition(tc.claims)
			if !strings.HasPrefix(strings.TrimSpace(s), `"Condition"`) {
				t.Errorf("Condition does not start with \"Condition\":\n%s", s)
			}
			for _, esc := range []string{`\u003c`, `\u003e`, `\u0026`} {
				if strings.Contains(s, esc) {
					t.Errorf("Condition escapes HTML (%s):\n%s", esc, s)
				}
			}
			if !strings.Contains(s, tc.claims.Subject) && !strings.Contains(tc.claims.Subject, `"`) {
				t.Errorf("Condition does not show the subject literally:\n%s", s)
			}
			// It is a fragment to paste into a statement: wrapped in braces, it is JSON.
			var v struct {
				Condition map[string]map[string]any
			}
			if err := json.Unmarshal([]byte("{"+s+"}"), &v); err != nil {
				t.Fatalf("Condition is not a JSON member: %v\n%s", err, s)
			}
			eq, like := v.Condition["StringEquals"], v.Condition["StringLike"]
			if len(v.Condition) != 2 || len(eq) != 1 || len(like) != 1 {
				t.Fatalf("unexpected condition shape: %+v", v.Condition)
			}
			gotAud, _ := json.Marshal(eq["api.pulumi.com/oidc:aud"])
			wantAud, _ := json.Marshal(tc.wantAud)
			if string(gotAud) != string(wantAud) {
				t.Errorf("StringEquals api.pulumi.com/oidc:aud = %s, want %s", gotAud, wantAud)
			}
			if like["api.pulumi.com/oidc:sub"] != tc.claims.Subject {
				t.Errorf("StringLike api.pulumi.com/oidc:sub = %v, want %q", like["api.pulumi.com/oidc:sub"], tc.claims.Subject)
			}
		})
	}
}
