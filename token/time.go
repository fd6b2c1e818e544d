package token

import (
	"fmt"
	"time"

	"github.com/oidc-creds/oidc-creds/creds"
)

// Check fails when STS would refuse the token for what it says of itself:
// unsigned (CheckSigned), expired or not yet valid (CheckTime).
func (t *Token) Check(now time.Time) error {
	if err := t.CheckSigned(); err != nil {
		return err
	}
	return t.CheckTime(now)
}

// CheckTime fails when the token has expired or is not yet valid at now,
// allowing ClockSkew either way. A token without exp passes: STS decides.
func (t *Token) CheckTime(now time.Time) error {
	c := t.Claims
	if !c.Expiry.IsZero() && now.After(c.Expiry.Add(ClockSkew)) {
		return &creds.Error{Kind: creds.KindToken,
			Msg: fmt.Sprintf("the token from %s expired at %s, %s ago; get a fresh token from the identity provider (in Pulumi Deployments it is issued per deployment)",
				t.Origin, c.Expiry.UTC().Format(time.RFC3339), Span(c.Expiry.Time, now))}
	}
	if !c.NotBefore.IsZero() && c.NotBefore.After(now.Add(ClockSkew)) {
		return &creds.Error{Kind: creds.KindToken,
			Msg: fmt.Sprintf("the token from %s is not valid until %s, %s from now; check this machine's clock", t.Origin,
				c.NotBefore.UTC().Format(time.RFC3339), Span(now, c.NotBefore.Time))}
	}
	return nil
}

// Span is how far apart a and b are, in either order, for people: to the
// second below an hour, to the minute below two days, then in days, then
// in years. It stays right for any dates a token can carry, where
// time.Duration (about 292 years) would saturate.
func Span(a, b time.Time) string {
	if b.Before(a) {
		a, b = b, a
	}
	secs := b.Unix() - a.Unix()
	const day = 24 * 60 * 60
	switch {
	case secs >= 2*365*day:
		return fmt.Sprintf("%d years", secs/31556952) // Gregorian years of 365.2425 days
	case secs >= 2*day:
		return fmt.Sprintf("%d days", secs/day)
	}
	d := b.Sub(a)
	if d >= time.Hour {
		return d.Round(time.Minute).String()
	}
	return d.Round(time.Second).String()
}
