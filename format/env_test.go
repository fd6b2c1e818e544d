package format

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/oidc-creds/oidc-creds/creds"
)

var sample = creds.Credentials{
	AccessKeyID:     "ASIAIOSFODNN7EXAMPLE",
	SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	SessionToken:    "IQoJb3JpZ2luX2Vj+/=",
	Expiration:      time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC),
	AccountID:       "123456789012",
}

func TestFormats(t *testing.T) {
	want := []string{"sh", "fish", "powershell", "cmd", "dotenv"}
	if got := Formats(); !reflect.DeepEqual(got, want) {
		t.Errorf("Formats() = %q, want %q", got, want)
	}
	Formats()[0] = "changed"
	if Formats()[0] != "sh" {
		t.Error("Formats returns a shared slice")
	}
}

func TestEnv(t *testing.T) {
	for _, tt := range []struct {
		format string
		c      creds.Credentials
		want   string
	}{
		{"sh", sample, `export AWS_ACCESS_KEY_ID='ASIAIOSFODNN7EXAMPLE'
export AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
export AWS_SESSION_TOKEN='IQoJb3JpZ2luX2Vj+/='
export AWS_CREDENTIAL_EXPIRATION='2026-11-25T20:00:00Z'
`},
		{"fish", sample, `set -gx AWS_ACCESS_KEY_ID 'ASIAIOSFODNN7EXAMPLE';
set -gx AWS_SECRET_ACCESS_KEY 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
set -gx AWS_SESSION_TOKEN 'IQoJb3JpZ2luX2Vj+/=';
set -gx AWS_CREDENTIAL_EXPIRATION '2026-11-25T20:00:00Z';
`},
		{"powershell", sample, `$Env:AWS_ACCESS_KEY_ID = 'ASIAIOSFODNN7EXAMPLE'
$Env:AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
$Env:AWS_SESSION_TOKEN = 'IQoJb3JpZ2luX2Vj+/='
$Env:AWS_CREDENTIAL_EXPIRATION = '2026-11-25T20:00:00Z'
`},
		{"cmd", sample, `set "AWS_ACCESS_KEY_ID=ASIAIOSFODNN7EXAMPLE"
set "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
set "AWS_SESSION_TOKEN=IQoJb3JpZ2luX2Vj+/="
set "AWS_CREDENTIAL_EXPIRATION=2026-11-25T20:00:00Z"
`},
		{"dotenv", sample, `AWS_ACCESS_KEY_ID="ASIAIOSFODNN7EXAMPLE"
AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
AWS_SESSION_TOKEN="IQoJb3JpZ2luX2Vj+/="
AWS_CREDENTIAL_EXPIRATION="2026-11-25T20:00:00Z"
`},
		// Expiration in another zone, with a fraction: UTC, whole seconds.
		{"sh", withExpiration(sample, time.Date(2026, 11, 25, 21, 0, 0, 999_000_000, time.FixedZone("CET", 3600))),
			`export AWS_ACCESS_KEY_ID='ASIAIOSFODNN7EXAMPLE'
export AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
export AWS_SESSION_TOKEN='IQoJb3JpZ2luX2Vj+/='
export AWS_CREDENTIAL_EXPIRATION='2026-11-25T20:00:00Z'
`},
		// No session token: written empty, clearing a stale one.
		{"dotenv", creds.Credentials{AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: "secret", Expiration: sample.Expiration}, `AWS_ACCESS_KEY_ID="AKIAEXAMPLE"
AWS_SECRET_ACCESS_KEY="secret"
AWS_SESSION_TOKEN=""
AWS_CREDENTIAL_EXPIRATION="2026-11-25T20:00:00Z"
`},
	} {
		var b strings.Builder
		if err := Env(&b, tt.format, tt.c); err != nil {
			t.Errorf("Env(%s): %v", tt.format, err)
			continue
		}
		if b.String() != tt.want {
			t.Errorf("Env(%s) =\n%s\nwant\n%s", tt.format, b.String(), tt.want)
		}
	}
}

func withExpiration(c creds.Credentials, t time.Time) creds.Credentials {
	c.Expiration = t
	return c
}

func TestEnvErrors(t *testing.T) {
	secret := "s3cr%t!value"
	for _, tt := range []struct {
		name, format string
		c            creds.Credentials
		want         []string // substrings of the error
		unsupported  bool
	}{
		{"unknown format", "bash", sample, []string{`unknown format "bash"`, "sh, fish, powershell, cmd, dotenv"}, false},
		{"empty format", "", sample, []string{"unknown format", "sh, fish, powershell, cmd, dotenv"}, false},
		{"no access key", "sh", creds.Credentials{SecretAccessKey: "x"}, []string{"access key ID"}, false},
		{"no secret", "sh", creds.Credentials{AccessKeyID: "x"}, []string{"secret access key"}, false},
		{"no expiration", "sh", creds.Credentials{AccessKeyID: "x", SecretAccessKey: "y"}, []string{"no expiration"}, false},
		{"expired", "sh", withExpiration(sample, time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC)), []string{"expired at 2026-11-25T18:00:00Z"}, false},
		{"cmd percent", "cmd", creds.Credentials{AccessKeyID: "AKIA", SecretAccessKey: secret, Expiration: sample.Expiration},
			[]string{"AWS_SECRET_ACCESS_KEY", "format cmd", "use format powershell"}, true},
		{"cmd newline", "cmd", creds.Credentials{AccessKeyID: "AKIA", SecretAccessKey: "x", SessionToken: "a\nb", Expiration: sample.Expiration},
			[]string{"AWS_SESSION_TOKEN", "use format powershell"}, true},
		{"dotenv dollar", "dotenv", creds.Credentials{AccessKeyID: "AKIA", SecretAccessKey: "x", SessionToken: "a$HOME", Expiration: sample.Expiration},
			[]string{"AWS_SESSION_TOKEN", "format dotenv", "use format sh"}, true},
		{"powershell invalid utf-8", "powershell", creds.Credentials{AccessKeyID: "AKIA", SecretAccessKey: "\xff", Expiration: sample.Expiration},
			[]string{"AWS_SECRET_ACCESS_KEY", "use format sh"}, true},
		{"nul", "sh", creds.Credentials{AccessKeyID: "AKIA", SecretAccessKey: "a\x00b", Expiration: sample.Expiration},
			[]string{"AWS_SECRET_ACCESS_KEY", "NUL"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			err := Env(&b, tt.format, tt.c)
			if err == nil {
				t.Fatalf("no error; wrote %q", b.String())
			}
			if b.Len() != 0 {
				t.Errorf("wrote %q before failing", b.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error %q contains the secret", err)
			}
			if got := errors.Is(err, ErrUnsupportedValue); got != tt.unsupported {
				t.Errorf("errors.Is(err, ErrUnsupportedValue) = %v, want %v", got, tt.unsupported)
			}
			// A format that cannot carry a value, or no format at all, is
			// the caller's choice: bad input (2), as for every other input.
			var ec interface{ ExitCode() int }
			wantInput := tt.unsupported || strings.Contains(tt.name, "format")
			if got := errors.As(err, &ec) && ec.ExitCode() == int(creds.KindInput); got != wantInput {
				t.Errorf("exits as bad input: %v, want %v", got, wantInput)
			}
		})
	}
}

func TestWriteVars(t *testing.T) {
	vars := []Var{
		{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9911/creds"},
		{"AWS_CONTAINER_AUTHORIZATION_TOKEN", "tok+/="},
		{"_x1", ""},
	}
	want := map[string]string{
		"sh": `export AWS_CONTAINER_CREDENTIALS_FULL_URI='http://127.0.0.1:9911/creds'
export AWS_CONTAINER_AUTHORIZATION_TOKEN='tok+/='
export _x1=''
`,
		"fish": `set -gx AWS_CONTAINER_CREDENTIALS_FULL_URI 'http://127.0.0.1:9911/creds';
set -gx AWS_CONTAINER_AUTHORIZATION_TOKEN 'tok+/=';
set -gx _x1 '';
`,
		"powershell": `$Env:AWS_CONTAINER_CREDENTIALS_FULL_URI = 'http://127.0.0.1:9911/creds'
$Env:AWS_CONTAINER_AUTHORIZATION_TOKEN = 'tok+/='
$Env:_x1 = ''
`,
		"cmd": `set "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:9911/creds"
set "AWS_CONTAINER_AUTHORIZATION_TOKEN=tok+/="
set "_x1="
`,
		"dotenv": `AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1:9911/creds"
AWS_CONTAINER_AUTHORIZATION_TOKEN="tok+/="
_x1=""
`,
	}
	for _, format := range Formats() {
		var b strings.Builder
		if err := WriteVars(&b, format, vars); err != nil {
			t.Errorf("%s: %v", format, err)
		} else if b.String() != want[format] {
			t.Errorf("%s: got\n%s\nwant\n%s", format, b.String(), want[format])
		}
		b.Reset()
		if err := WriteVars(&b, format, nil); err != nil || b.Len() != 0 {
			t.Errorf("%s with no variables: %q, %v", format, b.String(), err)
		}
	}
}

func TestWriteVarsRejectsNames(t *testing.T) {
	for _, name := range []string{"", "1X", "A-B", "A B", "A=B", "X;rm", "É", "A$"} {
		for _, format := range Formats() {
			var b strings.Builder
			err := WriteVars(&b, format, []Var{{"OK", "v"}, {name, "v"}})
			if err == nil || !strings.Contains(err.Error(), "invalid environment variable name") {
				t.Errorf("WriteVars(%s, %q) = %v, want an invalid-name error", format, name, err)
			}
			if b.Len() != 0 {
				t.Errorf("WriteVars(%s, %q) wrote %q before failing", format, name, b.String())
			}
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrors(t *testing.T) {
	if err := Env(failingWriter{}, "sh", sample); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Env: %v, want the write error", err)
	}
	if err := Process(failingWriter{}, sample); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Process: %v, want the write error", err)
	}
}
