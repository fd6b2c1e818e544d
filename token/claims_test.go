package token

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

// Claims are taken by their exact names, as STS reads them: encoding/json
// would match "SUB", "Sub" or "ſub" (U+017F folds to s) as sub.
func TestParseClaimsExactNames(t *testing.T) {
	for _, tc := range []struct {
		name, claims, iss, sub, aud string
	}{
		{"upper case after", `{"sub":"real","SUB":"other","iss":"https://i","ISS":"https://evil"}`, "https://i", "real", ""},
		{"upper case before", `{"SUB":"other","sub":"real","Aud":"evil","aud":"acme"}`, "", "real", "acme"},
		{"upper case only", `{"SUB":"other","Iss":"https://evil","AUD":"evil"}`, "", "", ""},
		{"look-alike long s", `{"ſub":"other","sub":"real"}`, "", "real", ""},
		{"look-alike only", `{"ſub":"other","ﬁss":"x"}`, "", "", ""},
		{"Kelvin sign", `{"aud":"acme","\u212aid":"x"}`, "", "", "acme"},
		{"escaped name is the name", `{"s\u0075b":"real"}`, "", "real", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := Parse(testkit.JWT(t, tc.claims), "test")
			if err != nil {
				t.Fatal(err)
			}
			c := tok.Claims
			if c.Issuer != tc.iss || c.Subject != tc.sub || c.Audience.String() != tc.aud {
				t.Errorf("iss %q sub %q aud %q, want %q %q %q", c.Issuer, c.Subject, c.Audience, tc.iss, tc.sub, tc.aud)
			}
		})
	}
}

// A claim named twice is refused: decoders disagree on which one counts.
func TestParseClaimsDuplicate(t *testing.T) {
	for _, claims := range []string{`{"sub":"a","sub":"b"}`, `{"exp":1,"iss":"i","exp":2}`, `{"https://aws.amazon.com/tags":{},"https://aws.amazon.com/tags":{}}`} {
		_, err := Parse(testkit.JWT(t, claims), "test")
		e := testkit.WantKind(t, err, creds.KindToken)
		if !strings.Contains(e.Msg, "twice") {
			t.Errorf("%s: %q does not say a name is given twice", claims, e.Msg)
		}
	}
}

// Dates are JSON numbers from 1970 to 9999: a string holding a number is
// not one, and a value past year 9999 or beyond int64 is refused rather
// than read as expired or failing later.
func TestParseDates(t *testing.T) {
	for _, tc := range []struct{ claims, want string }{
		{`{"exp":"1900000000"}`, "its exp claim is a JSON string, not a number of seconds since 1970"},
		{`{"nbf":"0"}`, "its nbf claim is a JSON string"},
		{`{"iat":[1]}`, "its iat claim is a JSON array"},
		{`{"exp":253402300800}`, "its exp claim (253402300800) is not a date from 1970 to 9999"},
		{`{"exp":9300000000000000000}`, "its exp claim (9300000000000000000) is not a date"},
		{`{"exp":1e19}`, "its exp claim (1e19) is not a date"},
		{`{"iat":-1}`, "its iat claim (-1) is not a date"},
		{`{"nbf":99999999999999999999999999999999999999999999999999}`, "its nbf claim (9999999999999999999999999999999999999...) is not a date"},
	} {
		_, err := Parse(testkit.JWT(t, tc.claims), "file t")
		e := testkit.WantKind(t, err, creds.KindToken)
		if !strings.Contains(e.Msg, tc.want) || !strings.HasPrefix(e.Msg, "the token from file t is not usable: ") {
			t.Errorf("%s: message %q, want %q", tc.claims, e.Msg, tc.want)
		}
	}
	tok, err := Parse(testkit.JWT(t, `{"exp":253402300799,"nbf":0,"iat":1.5}`), "t")
	if err != nil {
		t.Fatal(err)
	}
	if got := tok.Claims.Expiry.Format(time.RFC3339); got != "9999-12-31T23:59:59Z" {
		t.Errorf("exp = %s", got)
	}
	if !tok.Claims.NotBefore.Equal(time.Unix(0, 0)) || !tok.Claims.IssuedAt.Equal(time.Unix(1, 5e8)) {
		t.Errorf("nbf %v iat %v", tok.Claims.NotBefore, tok.Claims.IssuedAt)
	}
}

// Text that cannot be a JWT is named for what it is, never repeated.
func TestParseText(t *testing.T) {
	jwt := testkit.JWT(t, testkit.PulumiClaims())
	for _, tc := range []struct{ name, raw, want string }{
		{"UTF-8 byte-order mark", "\uFEFF" + jwt, "starts with a UTF-8 byte-order mark (U+FEFF)"},
		{"UTF-16 little endian", "\xff\xfe" + jwt, "is UTF-16 text"},
		{"UTF-16 big endian", "\xfe\xff" + jwt, "is UTF-16 text"},
		{"line break inside", jwt[:10] + "\n" + jwt[10:], "holds a line break at character 11"},
		{"space inside", jwt[:20] + " " + jwt[20:], "holds a space at character 21"},
		{"zero-width space", jwt[:5] + "\u200b" + jwt[5:], "holds U+200B at character 6"},
		{"invalid UTF-8", jwt[:7] + "\xc3" + jwt[7:], "holds the byte 0xc3 (not UTF-8) at character 8"},
		{"NUL", jwt[:3] + "\x00" + jwt[3:], "holds U+0000 at character 4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.raw, "file t")
			e := testkit.WantKind(t, err, creds.KindToken)
			if !strings.Contains(e.Msg, tc.want) {
				t.Errorf("message %q does not contain %q", e.Msg, tc.want)
			}
			testkit.NoLeak(t, "the message", e.Error(), jwt, strings.Split(jwt, ".")[1], testkit.Signature)
		})
	}
}

// The payload is one JSON object of UTF-8 text.
func TestParsePayloadShape(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	for _, tc := range []struct{ payload, want string }{
		{`{"sub":"x"} {"sub":"y"}`, "not valid JSON"},
		{` {"a":{"b":[1,"]}\"",{"c":null}]},"sub":"x","sub" : "y"}`, `it names "sub" twice`},
		{`{"s\u0075b":"x","sub":"y"}`, `it names "sub" twice`},
		{"{\"sub\":\"\xff\"}", "not UTF-8 text"},
		{`null`, "not a JSON object"},
		{`{"sub":"x"`, "not valid JSON"},
	} {
		raw := enc([]byte(testkit.Header)) + "." + enc([]byte(tc.payload)) + "." + testkit.Signature
		_, err := Parse(raw, "t")
		e := testkit.WantKind(t, err, creds.KindToken)
		if !strings.Contains(e.Msg, tc.want) {
			t.Errorf("%q: message %q does not contain %q", tc.payload, e.Msg, tc.want)
		}
	}
}

// githubClaims are those of a GitHub Actions token of one job: a token
// requested again differs in jti, iat, nbf and exp only.
func githubClaims(jti string, iat int64) map[string]any {
	return map[string]any{
		"jti": jti, "iat": iat, "nbf": iat - 5, "exp": iat + 300,
		"iss": "https://token.actions.githubusercontent.com", "aud": "sts.amazonaws.com",
		"sub": "repo:octo/app:ref:refs/heads/main", "repository": "octo/app", "repository_owner": "octo",
		"run_id": "123", "run_attempt": "1", "sha": "abc", "ref": "refs/heads/main", "workflow": "deploy",
		"actor": "octocat", "event_name": "push", "job_workflow_ref": "octo/app/.github/workflows/d.yml@refs/heads/main",
	}
}

// ClaimsDigest stays the same for a rotated token of the same identity (a
// real GitHub or Pulumi token, whose jti and times change every time) and
// changes with any other claim, session tags first of all.
func TestClaimsDigest(t *testing.T) {
	digest := func(claims any) string {
		t.Helper()
		tok, err := Parse(testkit.JWT(t, claims), "t")
		if err != nil {
			t.Fatal(err)
		}
		return tok.ClaimsDigest()
	}
	base := digest(githubClaims("a", 1900000000))
	if got := digest(githubClaims("b", 1900000600)); got != base {
		t.Error("a GitHub token requested again (new jti, iat, nbf, exp) has another digest")
	}
	pulumi := testkit.PulumiClaims()
	p1 := digest(pulumi)
	pulumi["exp"], pulumi["iat"], pulumi["jti"] = 1900003600, 1900000000, "x"
	if digest(pulumi) != p1 {
		t.Error("a rotated Pulumi token has another digest")
	}
	// iss, sub and aud are keyed on their own (aud in any order).
	pulumi["sub"], pulumi["aud"] = "other", []string{"b", "a"}
	if digest(pulumi) != p1 {
		t.Error("the digest covers iss/sub/aud, which Identity gives")
	}

	tagged := func(tags string) map[string]any {
		c := githubClaims("a", 1900000000)
		c["https://aws.amazon.com/tags"] = map[string]any{"principal_tags": map[string]any{"team": []string{tags}}, "transitive_tag_keys": []string{"team"}}
		return c
	}
	broad, narrow := digest(tagged("admins")), digest(tagged("readers"))
	if broad == base || narrow == base || broad == narrow {
		t.Error("tokens with other session tags share a digest")
	}
	for _, change := range []func(map[string]any){
		func(c map[string]any) { c["repository_owner"] = "evil" },
		func(c map[string]any) { c["SUB"] = "repo:evil/app:ref:refs/heads/main" },
		func(c map[string]any) { c["amr"] = []string{"x"} },
		func(c map[string]any) { c["run_id"] = 123 },
		func(c map[string]any) { delete(c, "workflow") },
	} {
		c := githubClaims("a", 1900000000)
		change(c)
		if digest(c) == base {
			t.Errorf("a change of the claims %v keeps the digest", c)
		}
	}
	// A token with no claim but those of Identity and the volatile ones
	// (Pulumi's) has none to digest.
	if d := digest(testkit.PulumiClaims()); d != "" {
		t.Errorf("digest of a token without other claims = %q, want \"\"", d)
	}
	// Name and value are delimited: moving bytes between them changes it.
	if digest(`{"ab":"c"}`) == digest(`{"a":"bc"}`) || digest(`{"a":1,"b":2}`) == digest(`{"a":12}`) {
		t.Error("the digest does not delimit names and values")
	}
	// White space in the payload is not a claim.
	if digest(`{"x": [1, 2]}`) != digest(`{"x":[1,2]}`) {
		t.Error("white space changes the digest")
	}
}

// An unsigned token (alg none in any case, no alg, an empty signature)
// fails Check before STS is called.
func TestCheckSigned(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	payload := enc([]byte(`{"sub":"x","exp":1900000000}`))
	for _, tc := range []struct {
		name, raw, want string
	}{
		{"alg none", enc([]byte(`{"alg":"none"}`)) + "." + payload + ".", "its header says alg none"},
		{"alg None with a signature", enc([]byte(`{"alg":"None"}`)) + "." + payload + "." + testkit.Signature, "its header says alg None"},
		{"no alg", enc([]byte(`{"typ":"JWT"}`)) + "." + payload + "." + testkit.Signature, "names no algorithm"},
		{"alg not a string", enc([]byte(`{"alg":1}`)) + "." + payload + "." + testkit.Signature, "names no algorithm"},
		{"ALG instead of alg", enc([]byte(`{"ALG":"RS256"}`)) + "." + payload + "." + testkit.Signature, "names no algorithm"},
		{"empty signature", enc([]byte(testkit.Header)) + "." + payload + ".", "its signature part is empty"},
		{"padding only", enc([]byte(testkit.Header)) + "." + payload + ".==", "its signature part is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := Parse(tc.raw, "file t")
			if err != nil {
				t.Fatal(err)
			}
			if !tok.Unsigned() {
				t.Error("Unsigned() = false")
			}
			e := testkit.WantKind(t, tok.Check(time.Unix(1800000000, 0)), creds.KindToken)
			if !strings.Contains(e.Msg, tc.want) || !strings.Contains(e.Msg, "is not signed") {
				t.Errorf("message %q does not contain %q", e.Msg, tc.want)
			}
		})
	}
	tok, err := Parse(testkit.JWT(t, testkit.PulumiClaims()), "t")
	if err != nil {
		t.Fatal(err)
	}
	if tok.Unsigned() || tok.Check(time.Unix(1899999000, 0)) != nil {
		t.Error("a signed, current token fails Check")
	}
	// Signed, but with an algorithm STS does not accept: refused as well,
	// before STS is called.
	for _, alg := range []string{"HS256", "HS512", "PS256", "EdDSA", "rs256", `x\u001b[2J`} {
		raw := enc([]byte(`{"alg":"`+alg+`"}`)) + "." + payload + "." + testkit.Signature
		tok, err := Parse(raw, "file t")
		if err != nil {
			t.Fatal(err)
		}
		e := testkit.WantKind(t, tok.Check(time.Unix(1800000000, 0)), creds.KindToken)
		if !strings.Contains(e.Msg, "is signed with \"") || !strings.Contains(e.Msg, "an algorithm STS does not accept") || strings.Contains(e.Msg, "\x1b") {
			t.Errorf("%s: message %q", alg, e.Msg)
		}
	}
	for _, alg := range []string{"RS256", "RS384", "RS512", "ES256", "ES384", "ES512"} {
		tok, err := Parse(enc([]byte(`{"alg":"`+alg+`"}`))+"."+payload+"."+testkit.Signature, "file t")
		if err != nil || tok.Check(time.Unix(1800000000, 0)) != nil {
			t.Errorf("%s: %v, %v", alg, err, tok.Check(time.Unix(1800000000, 0)))
		}
	}
}

// Span says how far apart two dates are in words that stay right for any
// date a token can carry.
func TestSpan(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	end := time.Unix(maxNumericDate, 0)
	for _, tc := range []struct {
		to   time.Time
		want string
	}{
		{now.Add(42 * time.Second), "42s"},
		{now.Add(-42 * time.Second), "42s"},
		{now.Add(59*time.Minute + 59*time.Second + 600*time.Millisecond), "1h0m0s"},
		{now.Add(3*time.Hour + 20*time.Minute + 17*time.Second), "3h20m0s"},
		{now.Add(47 * time.Hour), "47h0m0s"},
		{now.Add(72 * time.Hour), "3 days"},
		{now.Add(400 * 24 * time.Hour), "400 days"},
		{now.AddDate(10, 0, 1), "10 years"},
		{end, "7973 years"},
		{time.Unix(0, 0), "56 years"},
	} {
		if got := Span(now, tc.to); got != tc.want {
			t.Errorf("Span(%s, %s) = %q, want %q", now, tc.to, got, tc.want)
		}
	}
	tok := &Token{Origin: "t", Claims: Claims{NotBefore: NumericDate{end}}}
	e := testkit.WantKind(t, tok.CheckTime(now), creds.KindToken)
	if !strings.Contains(e.Msg, "9999-12-31T23:59:59Z, 7973 years from now") {
		t.Errorf("message %q", e.Msg)
	}
}

// FuzzDecodeObject: the hand-written walk over a valid object finds the
// members encoding/json finds, value for value, or refuses a repeated name.
func FuzzDecodeObject(f *testing.F) {
	for _, s := range []string{`{}`, ` {"a" : 1 , "b":[1,{"c":"}"}], "d":"\"}"} `, `{"a":1,"a":2}`, `{"s\u0075b":true,"x":null}`, `[]`, `{"a":"\\"}`, `{"a":-1.5e3}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decodeObject(b)
		var ref map[string]json.RawMessage
		refErr := json.Unmarshal(b, &ref)
		if !utf8.Valid(b) || refErr != nil || ref == nil {
			if err == nil && utf8.Valid(b) {
				t.Fatalf("decodeObject(%q) accepted what encoding/json refuses: %v", b, refErr)
			}
			return
		}
		if err != nil {
			if !strings.Contains(err.Error(), "twice") {
				t.Fatalf("decodeObject(%q): %v", b, err)
			}
			return
		}
		if len(m) != len(ref) {
			t.Fatalf("decodeObject(%q) found %d members, encoding/json %d", b, len(m), len(ref))
		}
		for k, v := range ref {
			if string(m[k]) != string(v) {
				t.Fatalf("decodeObject(%q)[%q] = %q, want %q", b, k, m[k], v)
			}
		}
	})
}
