package trust

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/oidc-creds/oidc-creds/token"
)

// hostile holds every kind of character a terminal hides or obeys: C0 and
// C1 controls (ESC, U+009B CSI), DEL, a bidirectional override, a zero-width
// space, a byte-order mark, a tag character (a format character beyond
// U+FFFF) and the line and paragraph separators.
const hostile = "a\x1b[2J\u009b31m\x7f\u202e\u200b\ufeff\U000E0041\u2028\u2029z"

// invisible is a character strconv.IsPrint rejects, other than the line
// break and the space of indented JSON.
func invisible(r rune) bool { return r != '\n' && r != ' ' && !strconv.IsPrint(r) }

// noInvisible fails if s holds a control or format character other than
// the line breaks of indented JSON.
func noInvisible(t *testing.T, what, s string) {
	t.Helper()
	if i := strings.IndexFunc(s, invisible); i >= 0 {
		t.Errorf("%s holds %q raw at byte %d:\n%s", what, []rune(s[i:])[0], i, s)
	}
}

// The policy and the Condition show every such character of a claim as a \u
// escape, and the JSON decodes to the claim itself.
func TestInvisibleCharactersEscaped(t *testing.T) {
	c := token.Claims{Issuer: GitHubIssuer, Audience: token.Audience{"aud" + hostile}, Subject: "repo:o/r" + hostile}
	spec := Spec{Account: "123456789012", Issuer: c.Issuer, Grants: []Grant{{Audience: c.Audience, Subjects: []string{c.Subject}, Exact: true}}}
	pol, err := spec.Policy()
	if err != nil {
		t.Fatal(err)
	}
	noInvisible(t, "the policy", pol)
	for _, esc := range []string{`\u001b`, `\u009b`, `\u007f`, `\u202e`, `\u200b`, `\ufeff`, `\udb40\udc41`, `\u2028`, `\u2029`} {
		if !strings.Contains(pol, esc) {
			t.Errorf("the policy lacks %s:\n%s", esc, pol)
		}
	}
	var doc struct {
		Statement []struct{ Condition map[string]map[string]string }
	}
	if err := json.Unmarshal([]byte(pol), &doc); err != nil {
		t.Fatalf("the policy is not JSON: %v\n%s", err, pol)
	}
	cond := doc.Statement[0].Condition
	if cond["StringLike"][Provider(c.Issuer)+":sub"] != c.Subject || cond["StringEquals"][Provider(c.Issuer)+":aud"] != c.Audience[0] {
		t.Errorf("the policy does not decode to the claims: %q", cond)
	}
	cs := Condition(c)
	noInvisible(t, "Condition", cs)
	var v map[string]map[string]map[string]string
	if err := json.Unmarshal([]byte("{"+cs+"}"), &v); err != nil {
		t.Fatalf("Condition is not a JSON member: %v\n%s", err, cs)
	}
	if v["Condition"]["StringLike"][Provider(c.Issuer)+":sub"] != c.Subject {
		t.Errorf("Condition does not decode to the subject: %q", v)
	}
	// An issuer of a refused token (the explanation prints it as a key) too.
	c.Issuer = "https://x" + hostile
	noInvisible(t, "Condition with a hostile issuer", Condition(c))
}

// IAM replaces policy variables in condition values: a value taken from a
// token writes "${" so that IAM reads it literally (${$} is a literal $). A
// pattern the user wrote keeps its variables.
func TestLiteralPolicyVariables(t *testing.T) {
	sub, aud := "repo:o/r:${aws:userid}:$${x}", "a${aws:username}"
	want := map[string]string{sub: "repo:o/r:${$}{aws:userid}:$${$}{x}", aud: "a${$}{aws:username}"}
	c := token.Claims{Issuer: GitHubIssuer, Audience: token.Audience{aud}, Subject: sub}
	exact := Spec{Account: "123456789012", Issuer: GitHubIssuer, Grants: []Grant{{Audience: c.Audience, Subjects: []string{sub}, Exact: true}}}
	pol, err := exact.Policy()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{pol, Condition(c)} {
		for raw, lit := range want {
			if strings.Contains(s, `"`+raw+`"`) || !strings.Contains(s, `"`+lit+`"`) {
				t.Errorf("%q is not written as %q:\n%s", raw, lit, s)
			}
		}
	}
	pattern := Spec{Account: "123456789012", Issuer: GitHubIssuer, Grants: []Grant{{Audience: []string{"a"}, Subjects: []string{"repo:o/${aws:PrincipalTag/repo}:*"}}}}
	if pol, err := pattern.Policy(); err != nil || !strings.Contains(pol, `"repo:o/${aws:PrincipalTag/repo}:*"`) {
		t.Errorf("a pattern's variable was changed (%v):\n%s", err, pol)
	}
}

func TestCheckIssuer(t *testing.T) {
	for _, tc := range []struct {
		issuer   string
		problem  string // "" = accepted
		loopback bool
	}{
		{PulumiIssuer, "", false},
		{"https://token.actions.githubusercontent.com", "", false},
		{"https://ghe.example.com/_services/token", "", false},
		{"https://oidc.eks.us-east-1.amazonaws.com/id/ABC", "", false},
		{"https://[::1]:8443/oidc", "", false},
		{"http://127.0.0.1:43210/oidc", "", true},
		{"http://localhost:8080", "", true},
		{"http://[::1]:1/x", "", true},
		{"*", "holds *", false},
		{"https://*.example.com", "holds *", false},
		{"https://x/${aws:userid}", "holds *, $, { or }", false},
		{"not a url", "white space", false},
		{"https://x\x1b[1m", "a control", false},
		{"https://x\u202e", "invisible", false},
		{"https://x\u00a0y", "white space", false},
		{"ftp://x", "is not an https URL", false},
		{"api.pulumi.com/oidc", "is not an https URL", false},
		{"https://", "has no host", false},
		{"https:x", "has no host", false},
		{"https://:443/x", "has no host", false},
		{"https://u:p@x", "user name", false},
		{"https://x/?a=b", "query or fragment", false},
		{"https://x/?", "query or fragment", false},
		{"https://x/#f", "query or fragment", false},
		{"http://example.com", "is http, not https", false},
		{"http://127.0.0.1.example.com", "is http, not https", false},
		{"https://x/" + strings.Repeat("a", 250), "longer than 255", false},
	} {
		lb, err := CheckIssuer(tc.issuer)
		var ie *IssuerError
		switch {
		case tc.problem == "" && (err != nil || lb != tc.loopback):
			t.Errorf("CheckIssuer(%q) = %v, %v; want %v, nil", tc.issuer, lb, err, tc.loopback)
		case tc.problem != "" && (!errors.As(err, &ie) || !strings.Contains(ie.Problem, tc.problem)):
			t.Errorf("CheckIssuer(%q) = %v; want an *IssuerError that %s", tc.issuer, err, tc.problem)
		case err != nil && strings.IndexFunc(err.Error(), invisible) >= 0:
			t.Errorf("CheckIssuer(%q)'s error holds a control character: %q", tc.issuer, err)
		}
	}
}
