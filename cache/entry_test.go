package cache

import (
	"strings"
	"testing"
	"time"

	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

func TestValidFor(t *testing.T) {
	now := time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC)
	clk := testkit.NewClock(now)
	testkit.UseClock(t, &timeNow, clk)
	var nilEntry *Entry
	if nilEntry.ValidFor(0) {
		t.Error("nil entry is valid")
	}
	e := testEntry("A", now.Add(time.Hour))
	for _, tc := range []struct {
		d    time.Duration
		want bool
	}{{0, true}, {15 * time.Minute, true}, {59 * time.Minute, true}, {time.Hour, false}, {2 * time.Hour, false}} {
		if got := e.ValidFor(tc.d); got != tc.want {
			t.Errorf("ValidFor(%s) = %v, want %v", tc.d, got, tc.want)
		}
	}
	for name, mutate := range map[string]func(*Entry){
		"no access key": func(e *Entry) { e.Credentials.AccessKeyID = "" },
		"no secret":     func(e *Entry) { e.Credentials.SecretAccessKey = "" },
		"no expiration": func(e *Entry) { e.Credentials.Expiration = time.Time{} },
		"expired":       func(e *Entry) { e.Credentials.Expiration = now.Add(-time.Second) },
		"expires now":   func(e *Entry) { e.Credentials.Expiration = now },
	} {
		e := testEntry("A", now.Add(time.Hour))
		mutate(e)
		if e.ValidFor(0) {
			t.Errorf("%s: ValidFor(0) = true", name)
		}
	}
	e = testEntry("A", now.Add(time.Hour))
	e.Credentials.SessionToken = ""
	if !e.ValidFor(0) {
		t.Error("an entry without a session token is invalid; the token is optional")
	}
}

func TestDecodeEntryErrorsHideContent(t *testing.T) {
	for _, content := range []string{
		"",
		`{"Version":1,"Credentials":{"SecretAccessKey":"` + secretMarker + `x`,
		secretMarker + "garbage",
		`{"Version":1,"Credentials":{"Expiration":"` + secretMarker + `"}}`,
		`{"Version":"` + secretMarker + `"}`,
		`{"Version":2}`,
		`null`,
		`[]`,
	} {
		_, err := decodeEntry([]byte(content))
		if err == nil {
			t.Errorf("decodeEntry(%q) succeeded", content)
			continue
		}
		if strings.Contains(err.Error(), secretMarker) || strings.Contains(err.Error(), "SEC") {
			t.Errorf("decodeEntry(%q) error quotes the content: %v", content, err)
		}
	}
}
