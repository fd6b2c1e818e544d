package cache

import (
	"strings"
	"testing"
	"time"
)

func fullKeyParts() KeyParts {
	return KeyParts{
		RoleARN:     "arn:aws:iam::123456789012:role/deploy",
		SessionName: "pulumi-deploy",
		PolicyARNs:  []string{"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"},
		Policy:      `{"Version":"2012-10-17","Statement":[]}`,
		Duration:    time.Hour,
		Region:      "us-east-1",
		Endpoint:    "https://sts.us-east-1.amazonaws.com",
		Environment: "env-fingerprint",
		Issuer:      "https://api.pulumi.com/oidc",
		Subject:     "pulumi:deploy:org:acme:project:web:stack:prod:operation:update:scope:write",
		Audience:    []string{"acme", "other"},
		Claims:      "claims-digest",
		TokenHash:   "",
	}
}

func TestKeyEachFieldMatters(t *testing.T) {
	mutations := map[string]func(*KeyParts){
		"RoleARN":          func(k *KeyParts) { k.RoleARN += "x" },
		"SessionName":      func(k *KeyParts) { k.SessionName += "x" },
		"PolicyARNs":       func(k *KeyParts) { k.PolicyARNs = append(k.PolicyARNs, "arn:aws:iam::aws:policy/x") },
		"PolicyARNs-empty": func(k *KeyParts) { k.PolicyARNs = nil },
		"Policy":           func(k *KeyParts) { k.Policy += " " },
		"Duration":         func(k *KeyParts) { k.Duration += time.Second },
		"Region":           func(k *KeyParts) { k.Region = "us-west-2" },
		"Endpoint":         func(k *KeyParts) { k.Endpoint = "https://sts.amazonaws.com" },
		"Environment":      func(k *KeyParts) { k.Environment += "x" },
		"Issuer":           func(k *KeyParts) { k.Issuer += "/" },
		"Subject":          func(k *KeyParts) { k.Subject += "x" },
		"Audience":         func(k *KeyParts) { k.Audience = k.Audience[:1] },
		"TokenHash":        func(k *KeyParts) { k.TokenHash = "abc" },
		"Source":           func(k *KeyParts) { k.Source = "abc" },
		"Parent":           func(k *KeyParts) { k.Parent = strings.Repeat("a", 64) },
		"ExternalID":       func(k *KeyParts) { k.ExternalID = "ext" },
		"Claims":           func(k *KeyParts) { k.Claims = "def" },
	}
	seen := map[string]string{fullKeyParts().Key(): "base"}
	for name, mutate := range mutations {
		k := fullKeyParts()
		mutate(&k)
		key := k.Key()
		if !validKey(key) {
			t.Errorf("%s: key %q is not 64 hex digits", name, key)
		}
		if other, dup := seen[key]; dup {
			t.Errorf("changing %s gives the same key as %s", name, other)
		}
		seen[key] = name
	}
}

func TestKeyOrderInsensitiveLists(t *testing.T) {
	a := fullKeyParts()
	b := fullKeyParts()
	b.PolicyARNs = []string{a.PolicyARNs[1], a.PolicyARNs[0]}
	b.Audience = []string{a.Audience[1], a.Audience[0]}
	if a.Key() != b.Key() {
		t.Error("the order of PolicyARNs or Audience changed the key")
	}
	// Sorting for the key must not reorder the caller's slices.
	if b.PolicyARNs[0] != a.PolicyARNs[1] || b.Audience[0] != a.Audience[1] {
		t.Error("Key reordered the caller's slices")
	}
	// nil and empty lists are the same request.
	c, d := fullKeyParts(), fullKeyParts()
	c.Audience, d.Audience = nil, []string{}
	if c.Key() != d.Key() {
		t.Error("nil and empty Audience give different keys")
	}
}

func TestKeyDifferentSubjectsNeverShare(t *testing.T) {
	a, b := fullKeyParts(), fullKeyParts()
	a.Subject = "pulumi:environments:org:acme:env:prod"
	b.Subject = "pulumi:environments:org:acme:env:dev"
	if a.Key() == b.Key() {
		t.Fatal("two subjects share a key")
	}
}

func TestKeyUnambiguous(t *testing.T) {
	pairs := [][2]KeyParts{
		{{RoleARN: "a", SessionName: "bc"}, {RoleARN: "ab", SessionName: "c"}},
		{{PolicyARNs: []string{"a,b"}}, {PolicyARNs: []string{"a", "b"}}},
		{{PolicyARNs: []string{"ab"}}, {PolicyARNs: []string{"a", "b"}}},
		{{Audience: []string{"a"}}, {Audience: []string{"a", "a"}}},
		{{Audience: []string{""}}, {}},
		{{Issuer: "x"}, {Subject: "x"}},
		{{Policy: "x"}, {PolicyARNs: []string{"x"}}},
		{{Region: "us-east-1"}, {Endpoint: "us-east-1"}},
		{{Subject: "a\x00b"}, {Subject: "a", Audience: []string{"b"}}},
	}
	for i, p := range pairs {
		if p[0].Key() == p[1].Key() {
			t.Errorf("pair %d: %+v and %+v share a key", i, p[0], p[1])
		}
	}
}

// TestKeyGolden pins the encoding: if it changes, bump keyVersion (old
// entries must not be misread) and update the value.
func TestKeyGolden(t *testing.T) {
	const want = "99c3a0d73e0bb31e26721d37c545c0c2a6d3887669d227cd01b213d90c81db88"
	if got := fullKeyParts().Key(); got != want {
		t.Errorf("Key() = %s, want %s", got, want)
	}
	// A hop of a role chain: Parent and ExternalID are encoded when set
	// (and only then, so the key above did not change when they came).
	chained := KeyParts{Parent: strings.Repeat("ab", 32), RoleARN: "arn:aws:iam::222222222222:role/deploy", SessionName: "s", ExternalID: "ext"}
	if got, want := chained.Key(), "82dcc3ae88b70efe7d3e92dd3995f608b3daf3d0d005aed83abbd54131a4ddb3"; got != want {
		t.Errorf("chained Key() = %s, want %s", got, want)
	}
}

func TestIdentity(t *testing.T) {
	k := KeyParts{Issuer: "https://api.pulumi.com/oidc", Subject: "pulumi:environments:org:acme:env:prod", Audience: []string{"b", "acme"}, TokenHash: "deadbeef"}
	got := k.Identity()
	want := "iss=https://api.pulumi.com/oidc sub=pulumi:environments:org:acme:env:prod aud=acme,b"
	if got != want {
		t.Errorf("Identity() = %q, want %q", got, want)
	}
	if got := (KeyParts{TokenHash: "deadbeef"}).Identity(); strings.Contains(got, "deadbeef") {
		t.Errorf("Identity() = %q shows the token hash", got)
	}
	k.Claims = "0123456789abcdef0123"
	if got := k.Identity(); got != want+" claims=0123456789ab" {
		t.Errorf("Identity() with other claims = %q", got)
	}
}

func TestValidKey(t *testing.T) {
	for _, k := range []string{"", "../x", strings.Repeat("A", 64), strings.Repeat("a", 63), strings.Repeat("g", 64), strings.Repeat("a", 63) + "/"} {
		if validKey(k) {
			t.Errorf("validKey(%q) = true", k)
		}
	}
	if !validKey(strings.Repeat("0f", 32)) {
		t.Error("validKey rejects a hex key")
	}
}
