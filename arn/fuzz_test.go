package arn

import (
	"errors"
	"strings"
	"testing"

	"github.com/oidc-creds/oidc-creds/creds"
)

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
		r, err := ParseRole(s)
		if err != nil {
			var e *creds.Error
			if !errors.As(err, &e) || e.Kind != creds.KindInput {
				t.Fatalf("ParseRole(%q): error %v is not a creds.KindInput *creds.Error", s, err)
			}
			return
		}
		if !strings.HasPrefix(s, "arn:") {
			t.Fatalf("ParseRole(%q) accepted a value without the arn: prefix", s)
		}
		if r.ARN != s || len(s) < 20 || len(s) > 2048 || r.Name == "" || !strings.HasPrefix(r.Path, "/") || !strings.HasSuffix(r.Path, "/") {
			t.Fatalf("ParseRole(%q) = %+v", s, r)
		}
		if r.Account != "" && len(r.Account) != 12 {
			t.Fatalf("ParseRole(%q): account %q", s, r.Account)
		}
	})
}
