package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/oidc-creds/oidc-creds/cache"
	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/printjson"
)

// identity prints what a cache entry says of the session, never its
// secrets, and a value with a line break or a terminal control (a cache
// file anyone running as this user may write) cannot pass for another line.
func TestIdentityReport(t *testing.T) {
	now := time.Date(2030, 1, 2, 3, 0, 0, 0, time.UTC)
	e := &cache.Entry{
		Role:    "arn:aws:iam::123456789012:role/deploy",
		Session: "s\nexpires       2099-01-01T00:00:00Z",
		Credentials: creds.Credentials{AccessKeyID: "ASIAEXAMPLEKEY", SecretAccessKey: "SECRET-KEY", SessionToken: "SESSION-TOKEN",
			Expiration: now.Add(time.Hour), AccountID: "123456789012", ARN: "arn:aws:sts::123456789012:assumed-role/deploy/\x1b[2Jx\u202e"},
	}
	r := newIdentityReport(e)
	var b bytes.Buffer
	r.writeText(&b, now)
	text := b.String()
	want := "account       123456789012\n" +
		`arn           "arn:aws:sts::123456789012:assumed-role/deploy/\x1b[2Jx\u202e"` + "\n" +
		"role          arn:aws:iam::123456789012:role/deploy\n" +
		`session name  "s\nexpires       2099-01-01T00:00:00Z"` + "\n" +
		"expires       2030-01-02T04:00:00Z (in 1h0m0s)\n"
	if text != want {
		t.Errorf("text:\n%s\nwant:\n%s", text, want)
	}
	js, err := printjson.Indent(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{text, string(js)} {
		for _, secret := range []string{"ASIAEXAMPLEKEY", "SECRET-KEY", "SESSION-TOKEN"} {
			if strings.Contains(out, secret) {
				t.Errorf("the report shows %s: %s", secret, out)
			}
		}
	}
	if got := string(js); strings.ContainsAny(got, "\x1b\u202e") || strings.Contains(got, "s\nexpires") {
		t.Errorf("JSON not escaped: %q", got)
	}
}
