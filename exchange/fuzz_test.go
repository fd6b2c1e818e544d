package exchange

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{
		"1h", "45m", "1h30m", "2h0m0s", "900s", "15m", "12h", "11h59m59s", "43200s",
		"1.5h", "10m", "13h", "-1h", "0", "abc", "1d", "", "1h 30m", "14m59s", "12h0m1s",
		"99999h99999m999999s", "0h0m0s", "1h1h", "hms", "1e3s", "１h",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			var e *Error
			if !asError(err, &e) || e.Kind != KindInput {
				t.Fatalf("ParseDuration(%q): error %v is not a KindInput *Error", s, err)
			}
			if d != 0 {
				t.Fatalf("ParseDuration(%q) = %s along with an error", s, d)
			}
			return
		}
		if d < MinDuration || d > MaxDuration {
			t.Fatalf("ParseDuration(%q) = %s, outside 15m..12h", s, d)
		}
		if d%time.Second != 0 {
			t.Fatalf("ParseDuration(%q) = %s, not whole seconds", s, d)
		}
		// What is accepted reads the same as Go reads it.
		if g, err := time.ParseDuration(s); err != nil || g != d {
			t.Fatalf("ParseDuration(%q) = %s, time.ParseDuration = %s, %v", s, d, g, err)
		}
	})
}

func FuzzParseToken(f *testing.F) {
	enc := base64.RawURLEncoding.EncodeToString
	h := enc([]byte(testHeader))
	for _, s := range []string{
		makeJWT(f, pulumiClaims()),
		makeJWT(f, `{"aud":["a","b"],"exp":1.5e9,"nbf":null}`),
		makeJWT(f, `{"aud":1}`),
		makeJWT(f, `{"exp":"x"}`),
		makeJWT(f, `{"exp":1e400}`),
		makeJWT(f, `[]`),
		makeJWT(f, `not json`),
		h + "." + enc([]byte(`{"sub":"x"}`)),
		h + ".." + testSignature,
		"a.b.c", "...", "", "  \n", "e30.e30.", "e30.e30.e30.e30",
		enc([]byte("not json")) + ".e30.sig",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		tok, err := ParseToken(raw, "fuzz")
		if err == nil {
			if tok.Raw != strings.TrimSpace(raw) {
				t.Fatalf("Raw %q is not the trimmed input", tok.Raw)
			}
			_ = tok.Describe()
			_, _, _, _ = tok.Identity()
			_ = tok.CheckTime(time.Unix(1900000000, 0))
			_ = SessionNameFor(tok.Claims)
			_ = TrustCondition(tok.Claims)
			return
		}
		var e *Error
		if !asError(err, &e) || e.Kind != KindToken {
			t.Fatalf("ParseToken: error %v is not a KindToken *Error", err)
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
		if _, err := ParseToken(raw, "fuzz"); err != nil && strings.Contains(err.Error(), s) {
			return true
		}
	}
	return false
}

func FuzzParseRoleARN(f *testing.F) {
	for _, s := range []string{
		"arn:aws:iam::123456789012:role/deploy",
		"arn:aws-cn:iam::123456789012:role/a/b/c",
		"arn:aws-us-gov:iam::123456789012:role/x",
		"arn:minio:iam:::role/dummy-internal",
		"arn:aws:iam::12345678901:role/deploy",
		"arn:aws:iam::123456789012:policy/p",
		"arn:aws:sts::123456789012:role/deploy",
		"", "arn:", "arn:aws:iam::123456789012:role/ space",
		"arn:aws:iam::123456789012:role/" + strings.Repeat("a/", 1100),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRoleARN(s)
		if err != nil {
			var e *Error
			if !asError(err, &e) || e.Kind != KindInput {
				t.Fatalf("ParseRoleARN(%q): error %v is not a KindInput *Error", s, err)
			}
			return
		}
		if !strings.HasPrefix(s, "arn:") {
			t.Fatalf("ParseRoleARN(%q) accepted a value without the arn: prefix", s)
		}
		if r.ARN != s || len(s) < 20 || len(s) > 2048 || r.Name == "" || !strings.HasPrefix(r.Path, "/") || !strings.HasSuffix(r.Path, "/") {
			t.Fatalf("ParseRoleARN(%q) = %+v", s, r)
		}
		if r.Account != "" && len(r.Account) != 12 {
			t.Fatalf("ParseRoleARN(%q): account %q", s, r.Account)
		}
	})
}
