package exchange

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
	"github.com/oidc-creds/oidc-creds/token"
)

func TestValidateSessionName(t *testing.T) {
	for _, ok := range []string{
		"ab", "oidc-creds", "pulumi-acme-web-dev-update", "a+b=c,d.e@f_g-h", "A1",
		strings.Repeat("x", 64),
	} {
		if err := ValidateSessionName(ok); err != nil {
			t.Errorf("ValidateSessionName(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{
		"", "a", strings.Repeat("x", 65), "has space", "colon:s", "slash/es", "é-accent", "tab\t", "new\nline", "star*",
	} {
		err := ValidateSessionName(bad)
		e := testkit.WantKind(t, err, creds.KindInput)
		if !strings.Contains(e.Error(), "2 to 64") {
			t.Errorf("message %q does not state the rule", e.Error())
		}
	}
}

func TestSessionNameFor(t *testing.T) {
	for _, tc := range []struct {
		name, sub, want string
	}{
		{"pulumi deploy", "pulumi:deploy:org:acme:project:web:stack:dev:operation:update:scope:write", "pulumi-acme-web-dev-update"},
		{"pulumi deploy preview", "pulumi:deploy:org:acme:project:web:stack:prod:operation:preview:scope:write", "pulumi-acme-web-prod-preview"},
		{"pulumi esc", "pulumi:environments:org:acme:env:prod", "pulumi-acme-env-prod"},
		{"pulumi esc from iac", "pulumi:environments:org:acme:env:<yaml>", "pulumi-acme-env-yaml"},
		{"pulumi esc, colon in env", "pulumi:environments:org:acme:env:proj:dev", "pulumi-acme-env-proj-dev"},
		{"pulumi esc project/env", "pulumi:environments:org:acme:env:payments/prod", "pulumi-acme-env-payments-prod"},
		{"pulumi esc subject attributes", "pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:payments/prod:pulumi.user.login:alice",
			"pulumi-acme-env-payments-prod-by-alice"},
		{"pulumi esc subject attributes, root only", "pulumi:environments:pulumi.organization.login:acme:rootEnvironment.name:payments/base",
			"pulumi-acme-env-payments-base"},
		{"pulumi esc subject attributes, both", "pulumi:environments:pulumi.organization.login:acme:rootEnvironment.name:app/dev:currentEnvironment.name:shared/aws",
			"pulumi-acme-env-shared-aws"},
		{"pulumi esc subject attributes, user only", "pulumi:environments:pulumi.organization.login:acme:pulumi.user.login:bob@example.com", "pulumi-acme-env-by-bob@example.com"},
		{"pulumi esc subject attributes, default project", "pulumi:environments:pulumi.organization.login:acme:currentEnvironment.name:development", "pulumi-acme-env-development"},
		{"pulumi esc fn::open::oidc", "pulumi:org:0f6e7a1c-61d2-4c1e-9c38-5b2d3f6c8a10:env:7d3c2b1a-aaaa-4bbb-8ccc-1234567890ab", "pulumi-env-7d3c2b1a-aaaa-4bbb-8ccc-1234567890ab"},
		{"pulumi other", "pulumi:insights:org:acme", "pulumi-acme-insights"},
		{"github", "repo:octo/app:ref:refs/heads/main", "repo-octo-app-ref-refs-heads-main"},
		{"gitlab", "project_path:group/proj:ref_type:branch:ref:main", "project_path-group-proj-ref_type-branch-ref-main"},
		{"empty", "", DefaultSessionName},
		{"one char", "x", DefaultSessionName},
		{"only invalid", "::://", DefaultSessionName},
		{"plain", "system:serviceaccount:ns:sa", "system-serviceaccount-ns-sa"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := SessionNameFor(token.Claims{Subject: tc.sub})
			if tc.want != "" && got != tc.want {
				t.Errorf("SessionNameFor(%q) = %q, want %q", tc.sub, got, tc.want)
			}
			if err := ValidateSessionName(got); err != nil {
				t.Errorf("SessionNameFor(%q) = %q, which STS refuses: %v", tc.sub, got, err)
			}
		})
	}
}

func TestSessionNameForLongSubjects(t *testing.T) {
	a := strings.Repeat("abcdefghij", 20) // 200 characters
	b := a[:199] + "z"
	c := "repo:" + strings.Repeat("o/", 97) + "x" // 200 characters, mostly invalid ones
	seen := map[string]string{}
	for _, sub := range []string{a, b, c} {
		if len(sub) != 200 {
			t.Fatalf("test subject is %d characters", len(sub))
		}
		got := SessionNameFor(token.Claims{Subject: sub})
		if len(got) > 64 {
			t.Errorf("SessionNameFor(200 characters) = %q, %d characters", got, len(got))
		}
		if err := ValidateSessionName(got); err != nil {
			t.Errorf("SessionNameFor(200 characters) = %q: %v", got, err)
		}
		if other, dup := seen[got]; dup {
			t.Errorf("subjects %q and %q both give the session name %q", other, sub, got)
		}
		seen[got] = sub
		if SessionNameFor(token.Claims{Subject: sub}) != got {
			t.Errorf("SessionNameFor is not deterministic")
		}
	}
	if !strings.HasPrefix(SessionNameFor(token.Claims{Subject: a}), "abcdefghij") {
		t.Errorf("a long name does not keep its start")
	}
	// A long Pulumi subject is shortened too.
	long := "pulumi:deploy:org:" + strings.Repeat("o", 40) + ":project:" + strings.Repeat("p", 40) + ":stack:dev:operation:update:scope:write"
	got := SessionNameFor(token.Claims{Subject: long})
	if err := ValidateSessionName(got); err != nil || !strings.HasPrefix(got, "pulumi-ooo") {
		t.Errorf("SessionNameFor(long pulumi subject) = %q (%v)", got, err)
	}
}

// Every derived name passes STS's rule, whatever the subject.
func TestSessionNameForRandomSubjects(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("abcXYZ019_+=,.@-:/<>*# \t\néßü日本\x00\x7f~|\\\"'")
	for i := 0; i < 5000; i++ {
		n := r.IntN(150)
		var sb strings.Builder
		switch r.IntN(6) {
		case 0:
			sb.WriteString("pulumi:")
			sb.WriteString([]string{"deploy:", "environments:", "x:", ""}[r.IntN(4)])
			sb.WriteString("org:")
		case 1:
			sb.WriteString("pulumi:environments:pulumi.organization.login:")
		case 2:
			sb.WriteString("pulumi:org:")
		}
		for j := 0; j < n; j++ {
			sb.WriteRune(alphabet[r.IntN(len(alphabet))])
		}
		sub := sb.String()
		got := SessionNameFor(token.Claims{Subject: sub})
		if err := ValidateSessionName(got); err != nil {
			t.Fatalf("SessionNameFor(%q) = %q: %v", sub, got, err)
		}
	}
}
