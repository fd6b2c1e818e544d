package token

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

func TestParseTokenClaims(t *testing.T) {
	for _, tc := range []struct {
		name   string
		claims string
		want   Claims
	}{
		{
			name:   "aud string",
			claims: `{"iss":"https://api.pulumi.com/oidc","sub":"pulumi:environments:org:acme:env:prod","aud":"acme","exp":1900000000,"nbf":1899990000,"iat":1899996400}`,
			want: Claims{Issuer: "https://api.pulumi.com/oidc", Subject: "pulumi:environments:org:acme:env:prod", Audience: Audience{"acme"},
				Expiry: NumericDate{time.Unix(1900000000, 0).UTC()}, NotBefore: NumericDate{time.Unix(1899990000, 0).UTC()}, IssuedAt: NumericDate{time.Unix(1899996400, 0).UTC()}},
		},
		{
			name:   "aud array",
			claims: `{"iss":"https://token.actions.githubusercontent.com","sub":"repo:octo/app:ref:refs/heads/main","aud":["sts.amazonaws.com","acme"]}`,
			want:   Claims{Issuer: "https://token.actions.githubusercontent.com", Subject: "repo:octo/app:ref:refs/heads/main", Audience: Audience{"sts.amazonaws.com", "acme"}},
		},
		{
			name:   "aud an empty array",
			claims: `{"sub":"x","aud":[]}`,
			want:   Claims{Subject: "x"},
		},
		{
			name:   "fractional dates",
			claims: `{"exp":1900000000.25,"iat":1899996400.5,"nbf":1.8999964e9}`,
			want: Claims{Expiry: NumericDate{time.Unix(1900000000, 250_000_000).UTC()}, IssuedAt: NumericDate{time.Unix(1899996400, 500_000_000).UTC()},
				NotBefore: NumericDate{time.Unix(1899996400, 0).UTC()}},
		},
		{
			name:   "unknown claims ignored",
			claims: `{"sub":"x","groups":["a"],"nested":{"k":1},"email_verified":true}`,
			want:   Claims{Subject: "x"},
		},
		{
			name:   "no claims",
			claims: `{}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := testkit.JWT(t, tc.claims)
			tok, err := Parse("\n  "+raw+"\r\n", "test")
			if err != nil {
				t.Fatalf("ParseToken: %v", err)
			}
			if tok.Raw != raw {
				t.Errorf("Raw is not the trimmed token")
			}
			if tok.Origin != "test" {
				t.Errorf("Origin = %q", tok.Origin)
			}
			c := tok.Claims
			if c.Issuer != tc.want.Issuer || c.Subject != tc.want.Subject || c.Audience.String() != tc.want.Audience.String() ||
				len(c.Audience) != len(tc.want.Audience) ||
				!c.Expiry.Equal(tc.want.Expiry.Time) || !c.NotBefore.Equal(tc.want.NotBefore.Time) || !c.IssuedAt.Equal(tc.want.IssuedAt.Time) {
				t.Errorf("claims = %+v, want %+v", c, tc.want)
			}
			d := tok.Describe()
			testkit.NoLeak(t, "Describe()", d, raw)
			if !strings.Contains(d, "sub="+`"`+tc.want.Subject+`"`) {
				t.Errorf("Describe() = %q does not show the subject", d)
			}
		})
	}
}

func TestParseTokenPadded(t *testing.T) {
	// Some issuers pad their segments; decoding tolerates it.
	enc := base64.URLEncoding.EncodeToString
	raw := enc([]byte(testkit.Header)) + "." + enc([]byte(`{"sub":"padded"}`)) + "." + testkit.Signature
	tok, err := Parse(raw, "test")
	if err != nil {
		t.Fatalf("ParseToken: %v", err)
	}
	if tok.Claims.Subject != "padded" {
		t.Errorf("sub = %q", tok.Claims.Subject)
	}
}

func TestParseTokenRefused(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	h := enc([]byte(testkit.Header))
	p := enc([]byte(`{"iss":"https://api.pulumi.com/oidc","sub":"pulumi:deploy:org:acme:project:web:stack:dev"}`))
	claims := func(s string) string { return h + "." + enc([]byte(s)) + "." + testkit.Signature }
	for _, tc := range []struct {
		name, raw, want string
	}{
		{"empty", "", "is empty"},
		{"white space", " \n\t ", "is empty"},
		{"one part", h + p + testkit.Signature, "found 1"},
		{"two parts", h + "." + p, "found 2"},
		{"four parts", h + "." + p + "." + testkit.Signature + "." + testkit.Signature, "found 4"},
		{"JWE-like five parts", strings.Repeat(testkit.Signature+".", 4) + testkit.Signature, "found 5"},
		{"an AWS access key", "AKIAIOSFODNN7EXAMPLEwJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY", "found 1"},
		{"header not base64", "!!" + h + "!!." + p + "." + testkit.Signature, `not a JWT: it holds '!' at character 1`},
		{"header not base64url", "A." + p + "." + testkit.Signature, "header is not base64url-encoded JSON"},
		{"header a JSON array", enc([]byte(`["RS256"]`)) + "." + p + "." + testkit.Signature, "header is not base64url-encoded JSON (it is not a JSON object)"},
		{"header names alg twice", enc([]byte(`{"alg":"RS256","alg":"none"}`)) + "." + p + "." + testkit.Signature, `it names "alg" twice`},
		{"header not JSON", enc([]byte("this is not json at all")) + "." + p + "." + testkit.Signature, "header is not base64url-encoded JSON"},
		{"payload not base64", h + ".%%" + p + "%%." + testkit.Signature, "holds '%' at character"},
		{"payload not base64url", h + ".A" + "." + testkit.Signature, "payload is not base64url"},
		{"payload standard base64 with +/", h + "." + base64.StdEncoding.EncodeToString([]byte(`{"sub":"ÿÿÿ???>>>"}`)) + "." + testkit.Signature, "standard base64, not base64url"},
		{"payload not JSON", claims("definitely-not-json-claims"), "claims do not decode"},
		{"payload JSON array", claims(`["iss","sub"]`), "claims do not decode"},
		{"iss a number", claims(`{"iss":12345,"sub":"secret-subject-value"}`), "its iss claim is a JSON number, not a string"},
		{"sub an object", claims(`{"sub":{"k":"v"}}`), "its sub claim is a JSON object, not a string"},
		{"aud a number", claims(`{"aud":42}`), "its aud claim is a JSON number, neither a string nor an array of strings"},
		{"aud array of numbers", claims(`{"aud":[1,2]}`), "its aud claim is an array that holds a JSON number, not only strings"},
		// A registered claim given as null is not an absent one.
		{"exp null", claims(`{"sub":"x","exp":null}`), "its exp claim is a JSON null, not a number of seconds since 1970"},
		{"nbf null", claims(`{"sub":"x","nbf":null}`), "its nbf claim is a JSON null"},
		{"iat null", claims(`{"sub":"x","iat":null}`), "its iat claim is a JSON null"},
		{"iss null", claims(`{"iss":null,"sub":"x"}`), "its iss claim is a JSON null, not a string"},
		{"sub null", claims(`{"sub":null}`), "its sub claim is a JSON null, not a string"},
		{"aud null", claims(`{"sub":"x","aud":null}`), "its aud claim is a JSON null, neither a string nor an array of strings"},
		{"aud holding null", claims(`{"sub":"x","aud":["sts.amazonaws.com",null]}`), "its aud claim is an array that holds a JSON null, not only strings"},
		{"jti null", claims(`{"sub":"x","jti":null}`), "its jti claim is a JSON null, not a string"},
		{"jti a number", claims(`{"sub":"x","jti":7}`), "its jti claim is a JSON number, not a string"},
		{"exp a word", claims(`{"exp":"tomorrow"}`), "its exp claim is a JSON string, not a number of seconds"},
		{"exp a bool", claims(`{"exp":true}`), "its exp claim is a JSON boolean"},
		{"exp out of range", claims(`{"exp":1e400}`), "its exp claim (1e400) is not a date from 1970 to 9999"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := Parse(tc.raw, "environment variable PULUMI_OIDC_TOKEN")
			if err == nil {
				t.Fatalf("ParseToken = %+v, want an error", tok)
			}
			e := testkit.WantKind(t, err, creds.KindToken)
			msg := e.Error()
			if !strings.Contains(msg, tc.want) {
				t.Errorf("message %q does not contain %q", msg, tc.want)
			}
			if !strings.Contains(msg, "environment variable PULUMI_OIDC_TOKEN") {
				t.Errorf("message %q does not say where the token came from", msg)
			}
			testkit.NoLeak(t, "the message", msg, tc.raw, p, testkit.Signature, "secret-subject-value", "tomorrow")
			if e.Err != nil {
				testkit.NoLeak(t, "the wrapped error", e.Err.Error(), tc.raw, p, testkit.Signature, "secret-subject-value", "tomorrow")
			}
		})
	}
}

func TestCheckTime(t *testing.T) {
	exp := time.Date(2030, 1, 2, 15, 4, 5, 0, time.UTC)
	now := exp.Add(5 * time.Minute)
	tok := func(c Claims) *Token { return &Token{Raw: "x.y.z", Origin: "file /tmp/t", Claims: c} }
	for _, tc := range []struct {
		name    string
		claims  Claims
		now     time.Time
		wantErr []string
	}{
		{"valid", Claims{Expiry: NumericDate{exp}}, exp.Add(-time.Minute), nil},
		{"no exp", Claims{}, now, nil},
		{"no exp, far future", Claims{}, now.Add(100 * 365 * 24 * time.Hour), nil},
		{"exactly at exp", Claims{Expiry: NumericDate{exp}}, exp, nil},
		{"expired within skew", Claims{Expiry: NumericDate{exp}}, exp.Add(ClockSkew - time.Second), nil},
		{"expired at the skew", Claims{Expiry: NumericDate{exp}}, exp.Add(ClockSkew), nil},
		{"expired beyond skew", Claims{Expiry: NumericDate{exp}}, exp.Add(5 * time.Minute), []string{"expired at 2030-01-02T15:04:05Z", "5m0s ago", "file /tmp/t", "fresh token"}},
		{"expired hours ago", Claims{Expiry: NumericDate{exp}}, exp.Add(3*time.Hour + 20*time.Minute + 17*time.Second), []string{"2030-01-02T15:04:05Z", "3h20m0s ago"}},
		{"expired, exp in another zone", Claims{Expiry: NumericDate{exp.In(time.FixedZone("X", 3600))}}, exp.Add(time.Hour), []string{"2030-01-02T15:04:05Z", "1h0m0s ago"}},
		{"nbf past", Claims{NotBefore: NumericDate{exp.Add(-time.Hour)}, Expiry: NumericDate{exp}}, exp.Add(-time.Minute), nil},
		{"nbf within skew", Claims{NotBefore: NumericDate{exp.Add(ClockSkew - time.Second)}}, exp, nil},
		{"nbf in future", Claims{NotBefore: NumericDate{exp.Add(10 * time.Minute)}}, exp, []string{"not valid until 2030-01-02T15:14:05Z", "10m0s from now", "clock"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tok(tc.claims).CheckTime(tc.now)
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("CheckTime: %v", err)
				}
				return
			}
			e := testkit.WantKind(t, err, creds.KindToken)
			for _, want := range tc.wantErr {
				if !strings.Contains(e.Error(), want) {
					t.Errorf("message %q does not contain %q", e.Error(), want)
				}
			}
		})
	}
}

func TestIdentity(t *testing.T) {
	withClaims := &Token{Raw: testkit.JWT(t, testkit.PulumiClaims()), Claims: Claims{Issuer: "https://api.pulumi.com/oidc", Subject: "s", Audience: Audience{"acme", "b"}}}
	iss, sub, aud, h := withClaims.Identity()
	if iss != "https://api.pulumi.com/oidc" || sub != "s" || strings.Join(aud, ",") != "acme,b" || h != "" {
		t.Errorf("Identity() = %q %q %q %q", iss, sub, aud, h)
	}
	// Any one of iss, sub, aud is enough to name the identity.
	for _, c := range []Claims{{Issuer: "i"}, {Subject: "s"}, {Audience: Audience{"a"}}} {
		if _, _, _, h := (&Token{Raw: "r1", Claims: c}).Identity(); h != "" {
			t.Errorf("Identity() of %+v is a hash", c)
		}
	}

	anon1 := &Token{Raw: testkit.JWT(t, `{"exp":1900000000}`)}
	anon2 := &Token{Raw: testkit.JWT(t, `{"exp":1900000001}`)}
	iss, sub, aud, h1 := anon1.Identity()
	if iss != "" || sub != "" || aud != nil || len(h1) != 64 {
		t.Errorf("Identity() of a token without iss/sub/aud = %q %q %q %q, want a sha256 hex hash", iss, sub, aud, h1)
	}
	_, _, _, h2 := anon2.Identity()
	if h1 == h2 {
		t.Errorf("two different anonymous tokens share the identity %s", h1)
	}
	if _, _, _, again := anon1.Identity(); again != h1 {
		t.Errorf("Identity() is not deterministic")
	}
	testkit.NoLeak(t, "the identity hash", h1, anon1.Raw)
}
