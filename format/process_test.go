package format

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/oidc-creds/oidc-creds/creds"
)

// credentialProcessResponse mirrors aws-sdk-go-v2's
// credentials/processcreds.CredentialProcessResponse.
type credentialProcessResponse struct {
	Version         int
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string
	SessionToken    string
	Expiration      *time.Time
	AccountID       string `json:"AccountId"`
}

func TestProcess(t *testing.T) {
	for _, tt := range []struct {
		name string
		c    creds.Credentials
		want string
	}{
		{"all fields", sample,
			`{"Version":1,"AccessKeyId":"ASIAIOSFODNN7EXAMPLE","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","SessionToken":"IQoJb3JpZ2luX2Vj+/=","Expiration":"2026-11-25T20:00:00Z","AccountId":"123456789012"}` + "\n"},
		{"no account", withAccount(sample, ""),
			`{"Version":1,"AccessKeyId":"ASIAIOSFODNN7EXAMPLE","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","SessionToken":"IQoJb3JpZ2luX2Vj+/=","Expiration":"2026-11-25T20:00:00Z"}` + "\n"},
		{"no session token", withToken(sample, ""),
			`{"Version":1,"AccessKeyId":"ASIAIOSFODNN7EXAMPLE","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","Expiration":"2026-11-25T20:00:00Z","AccountId":"123456789012"}` + "\n"},
		{"non-UTC expiration with a fraction", withExpiration(sample, time.Date(2026, 11, 25, 12, 0, 0, 999_999_999, time.FixedZone("PST", -8*3600))),
			`{"Version":1,"AccessKeyId":"ASIAIOSFODNN7EXAMPLE","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","SessionToken":"IQoJb3JpZ2luX2Vj+/=","Expiration":"2026-11-25T20:00:00Z","AccountId":"123456789012"}` + "\n"},
		{"characters JSON escapes", creds.Credentials{AccessKeyID: "AKIA", SecretAccessKey: "a\"b\\c\nd<é>", Expiration: sample.Expiration},
			`{"Version":1,"AccessKeyId":"AKIA","SecretAccessKey":"a\"b\\c\nd\u003cé\u003e","Expiration":"2026-11-25T20:00:00Z"}` + "\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Process(&b, tt.c); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got  %s\nwant %s", b.String(), tt.want)
			}
			if strings.Count(b.String(), "\n") != 1 {
				t.Errorf("output is not one line: %q", b.String())
			}

			// What aws-sdk-go-v2 decodes.
			var resp credentialProcessResponse
			if err := json.Unmarshal(b.Bytes(), &resp); err != nil {
				t.Fatal(err)
			}
			if resp.Version != 1 || resp.AccessKeyID != tt.c.AccessKeyID || resp.SecretAccessKey != tt.c.SecretAccessKey ||
				resp.SessionToken != tt.c.SessionToken || resp.AccountID != tt.c.AccountID {
				t.Errorf("decoded %+v from %s", resp, b.String())
			}
			if resp.Expiration == nil || !resp.Expiration.Equal(tt.c.Expiration.Truncate(time.Second)) {
				t.Errorf("decoded Expiration %v, want %v", resp.Expiration, tt.c.Expiration.Truncate(time.Second))
			} else if resp.Expiration.Location() != time.UTC {
				t.Errorf("decoded Expiration %v is not in UTC", resp.Expiration)
			}

			// Version is the JSON number 1, not a string.
			var raw map[string]any
			if err := json.Unmarshal(b.Bytes(), &raw); err != nil {
				t.Fatal(err)
			}
			if v, ok := raw["Version"].(float64); !ok || v != 1 {
				t.Errorf("Version is %#v, want the number 1", raw["Version"])
			}
			for _, key := range []string{"SessionToken", "AccountId"} {
				if _, present := raw[key]; present && raw[key] == "" {
					t.Errorf("%s is present but empty", key)
				}
			}
		})
	}
}

func withAccount(c creds.Credentials, a string) creds.Credentials {
	c.AccountID = a
	return c
}

func withToken(c creds.Credentials, tok string) creds.Credentials {
	c.SessionToken = tok
	return c
}

func TestProcessErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		c    creds.Credentials
		want string
	}{
		{"no access key", creds.Credentials{SecretAccessKey: "s", Expiration: sample.Expiration}, "access key ID"},
		{"no secret", creds.Credentials{AccessKeyID: "a", Expiration: sample.Expiration}, "secret access key"},
		{"nothing", creds.Credentials{}, "access key ID"},
		{"no expiration", creds.Credentials{AccessKeyID: "a", SecretAccessKey: "s"}, "expiration"},
		{"invalid UTF-8", creds.Credentials{AccessKeyID: "a", SecretAccessKey: "s", SessionToken: "\xff", Expiration: sample.Expiration}, "SessionToken is not valid UTF-8"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			err := Process(&b, tt.c)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
			if b.Len() != 0 {
				t.Errorf("wrote %q", b.String())
			}
		})
	}
}
