package creds

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestValid(t *testing.T) {
	now := time.Date(2030, 1, 2, 3, 0, 0, 0, time.UTC)
	good := Credentials{AccessKeyID: "ASIA", SecretAccessKey: "s", Expiration: now.Add(time.Hour)}
	with := func(mod func(*Credentials)) *Credentials {
		c := good
		mod(&c)
		return &c
	}
	for _, tc := range []struct {
		name   string
		c      *Credentials
		margin time.Duration
		want   error // nil, ErrIncomplete or ErrExpired
		text   string
	}{
		{"valid", &good, 0, nil, ""},
		{"valid beyond the margin", &good, 59 * time.Minute, nil, ""},
		{"no session token is fine", with(func(c *Credentials) { c.SessionToken = "" }), 0, nil, ""},
		{"nil", nil, 0, ErrIncomplete, "none"},
		{"no access key", with(func(c *Credentials) { c.AccessKeyID = "" }), 0, ErrIncomplete, "no access key ID"},
		{"no secret", with(func(c *Credentials) { c.SecretAccessKey = "" }), 0, ErrIncomplete, "no secret access key"},
		{"no expiration", with(func(c *Credentials) { c.Expiration = time.Time{} }), 0, ErrIncomplete, "no expiration time"},
		{"expired", with(func(c *Credentials) { c.Expiration = now.Add(-time.Second) }), 0, ErrExpired, "expired at 2030-01-02T02:59:59Z"},
		{"expires now", with(func(c *Credentials) { c.Expiration = now }), 0, ErrExpired, "expired at"},
		{"within the margin", &good, time.Hour, ErrExpired, "less than 1h0m0s from now"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.c.Valid(now, tc.margin)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Valid = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.text) {
				t.Fatalf("Valid = %v, want %v with %q", err, tc.want, tc.text)
			}
			if c := tc.c; c != nil && (strings.Contains(err.Error(), "ASIA") && c.AccessKeyID != "" || c.SecretAccessKey != "" && strings.Contains(err.Error(), " s ")) {
				t.Errorf("the error %q shows the credentials", err)
			}
		})
	}
}

func TestError(t *testing.T) {
	inner := errors.New("inner")
	e := &Error{Kind: KindToken, Msg: "the token expired", Detail: "claims\n\n", Err: inner}
	if e.Error() != "the token expired\nclaims" || e.ExitCode() != 3 || !errors.Is(e, inner) {
		t.Errorf("Error() = %q, ExitCode() = %d, Is(inner) = %v", e.Error(), e.ExitCode(), errors.Is(e, inner))
	}
	if got := InputErrorf(InputDuration, "duration %q", "x"); got.Kind != KindInput || got.Input != InputDuration || got.Msg != `duration "x"` {
		t.Errorf("InputErrorf = %+v", got)
	}
	if Clip(strings.Repeat("a", 100)) != strings.Repeat("a", 77)+"..." || Clip("short") != "short" {
		t.Error("Clip")
	}
}
