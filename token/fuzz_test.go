package token_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/exchange"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
	"github.com/oidc-creds/oidc-creds/token"
	"github.com/oidc-creds/oidc-creds/trust"
)

func FuzzParseToken(f *testing.F) {
	enc := base64.RawURLEncoding.EncodeToString
	h := enc([]byte(testkit.Header))
	for _, s := range []string{
		testkit.JWT(f, testkit.PulumiClaims()),
		testkit.JWT(f, `{"aud":["a","b"],"exp":1.5e9,"nbf":null}`),
		testkit.JWT(f, `{"aud":1}`),
		testkit.JWT(f, `{"exp":"x"}`),
		testkit.JWT(f, `{"exp":1e400}`),
		testkit.JWT(f, `{"exp":"1900000000","SUB":"x","sub":"y"}`),
		testkit.JWT(f, `{"sub":"a","sub":"b"}`),
		"\uFEFF" + testkit.JWT(f, `{}`),
		testkit.JWT(f, `[]`),
		testkit.JWT(f, `not json`),
		h + "." + enc([]byte(`{"sub":"x"}`)),
		h + ".." + testkit.Signature,
		"a.b.c", "...", "", "  \n", "e30.e30.", "e30.e30.e30.e30",
		enc([]byte("not json")) + ".e30.sig",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		tok, err := token.Parse(raw, "fuzz")
		if err == nil {
			if tok.Raw != strings.TrimSpace(raw) {
				t.Fatalf("Raw %q is not the trimmed input", tok.Raw)
			}
			_ = tok.Describe()
			_, _, _, _ = tok.Identity()
			_ = tok.Check(time.Unix(1900000000, 0))
			_ = tok.ClaimsDigest()
			_ = token.Span(time.Unix(0, 0), tok.Claims.Expiry.Time)
			_ = exchange.SessionNameFor(tok.Claims)
			_ = trust.Condition(tok.Claims)
			return
		}
		var e *creds.Error
		if !errors.As(err, &e) || e.Kind != creds.KindToken {
			t.Fatalf("ParseToken: error %v is not a creds.KindToken *creds.Error", err)
		}
		in := strings.TrimSpace(raw)
		if len(in) <= 20 {
			return
		}
		msg := e.Error()
		if strings.Contains(msg, in) && !inFixedText(in) {
			t.Fatalf("the message repeats the input %q:\n%s", in, msg)
		}
		if e.Err != nil && strings.Contains(e.Err.Error(), in) && !inFixedText(in) {
			t.Fatalf("the wrapped error repeats the input %q:\n%s", in, e.Err)
		}
	})
}

// inFixedText reports whether s occurs in a message ParseToken builds
// from its own words alone (for any input with as many dots), so that an
// input that happens to quote the message is not taken for a leak.
func inFixedText(s string) bool {
	dots := strings.Count(s, ".")
	for _, raw := range []string{"", strings.Repeat(".", dots), "!.e30.x", "e30.!.x", "e30.e30.x", "e30.bnVsbA.x", "e30.WzFd.x", "e30.eyJpc3MiOjF9.x"} {
		if _, err := token.Parse(raw, "fuzz"); err != nil && strings.Contains(err.Error(), s) {
			return true
		}
	}
	return false
}
