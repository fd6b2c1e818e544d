package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/exchange"
	"github.com/oidc-creds/oidc-creds/token"
)

// TokenCmd shows where the token came from and its claims.
type TokenCmd struct {
	TokenFlags
	PlatformFlags
	TokenTimeout
	JSON bool `name:"json" help:"Print a JSON object (source, iss, aud, sub, iat, nbf, exp, expires_in_seconds, valid, problem…) for scripts."`
}

// tokenReport is what token prints; never the token or its signature.
type tokenReport struct {
	Source           string               `json:"source"`
	Platform         string               `json:"platform"` // the CI platform detected, "none" when none was
	Issuer           string               `json:"iss"`
	Audience         []string             `json:"aud"`
	Subject          string               `json:"sub"`
	IssuedAt         *time.Time           `json:"iat,omitempty"`
	NotBefore        *time.Time           `json:"nbf,omitempty"`
	Expiry           *time.Time           `json:"exp,omitempty"`
	ExpiresInSeconds *int64               `json:"expires_in_seconds,omitempty"`
	Alg              string               `json:"alg"`
	Kid              string               `json:"kid,omitempty"`
	Pulumi           *token.PulumiSubject `json:"pulumi,omitempty"`
	SessionName      string               `json:"session_name"`
	Valid            bool                 `json:"valid"`
	Problem          string               `json:"problem,omitempty"`
}

// Run prints the report. An expired or not yet valid token is reported
// (on stdout) and fails with exit status 3 (on stderr).
func (c *TokenCmd) Run(o *IO) error {
	ctx, cancel, err := c.context()
	if err != nil {
		return err
	}
	defer cancel()
	tok, err := c.loadToken(ctx, o, c.PlatformFlags)
	if err != nil {
		return err
	}
	now := timeNow()
	r := newTokenReport(tok, now)
	timeErr := tok.CheckTime(now)
	if timeErr != nil {
		var e *creds.Error
		if errors.As(timeErr, &e) {
			r.Problem = e.Msg
		} else {
			r.Problem = timeErr.Error()
		}
	}
	r.Valid = timeErr == nil
	if c.JSON {
		enc := json.NewEncoder(o.Stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return err
		}
	} else if err := r.writeText(o.Stdout, tok, now); err != nil {
		return err
	}
	return timeErr
}

func newTokenReport(tok *token.Token, now time.Time) tokenReport {
	c := tok.Claims
	h := tok.Header()
	r := tokenReport{
		Source:      tok.Origin,
		Platform:    token.Detect(nil).Platform.String(),
		Issuer:      c.Issuer,
		Audience:    append([]string{}, c.Audience...),
		Subject:     c.Subject,
		IssuedAt:    timePtr(c.IssuedAt),
		NotBefore:   timePtr(c.NotBefore),
		Expiry:      timePtr(c.Expiry),
		Alg:         h.Alg,
		Kid:         h.Kid,
		SessionName: exchange.SessionNameFor(c),
	}
	if !c.Expiry.IsZero() {
		left := int64(c.Expiry.Sub(now) / time.Second)
		r.ExpiresInSeconds = &left
	}
	if p, ok := token.ParsePulumiSubject(c.Subject); ok {
		r.Pulumi = &p
	}
	return r
}

func timePtr(d token.NumericDate) *time.Time {
	if d.IsZero() {
		return nil
	}
	t := d.UTC()
	return &t
}

func (r tokenReport) writeText(w io.Writer, tok *token.Token, now time.Time) error {
	c := tok.Claims
	fmt.Fprintf(w, "token from %s\n", r.Source)
	fmt.Fprintf(w, "CI platform: %s\n", describeDetection(token.Detect(nil)))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "  %s\t%s\n", k, v) }
	row("issuer (iss)", orNone(c.Issuer))
	row("audience (aud)", orNone(c.Audience.String()))
	row("subject (sub)", orNone(c.Subject))
	if r.Pulumi != nil {
		row("", r.Pulumi.String())
	}
	row("issued (iat)", when(c.IssuedAt, now))
	row("not before (nbf)", when(c.NotBefore, now))
	row("expires (exp)", when(c.Expiry, now))
	alg := orNone(r.Alg)
	if r.Kid != "" {
		alg += ", key id " + r.Kid
	}
	if r.Alg != "" && !token.STSAlgorithm(r.Alg) {
		alg += " (STS accepts only RS256/384/512 and ES256/384/512)"
	}
	row("signed with", alg)
	row("session name", r.SessionName+" (the default --session-name)")
	if err := tw.Flush(); err != nil {
		return err
	}
	var status string
	switch {
	case r.Problem != "":
		status = "NOT VALID: " + r.Problem
	case c.Expiry.IsZero():
		status = "valid, but it has no exp claim (STS requires one)"
	default:
		status = "valid for another " + roundLeft(c.Expiry.Sub(now))
	}
	_, err := fmt.Fprintf(w, "status: %s\n", status)
	return err
}

// when prints a claim's time with how long ago or ahead it is.
func when(d token.NumericDate, now time.Time) string {
	if d.IsZero() {
		return "(none)"
	}
	t := d.UTC()
	rel := t.Sub(now)
	switch {
	case rel > 0:
		return fmt.Sprintf("%s (in %s)", t.Format(time.RFC3339), roundLeft(rel))
	case rel < 0:
		return fmt.Sprintf("%s (%s ago)", t.Format(time.RFC3339), roundLeft(-rel))
	}
	return t.Format(time.RFC3339) + " (now)"
}

// roundLeft rounds to the second, or to the minute past an hour.
func roundLeft(d time.Duration) string {
	if d >= time.Hour || d <= -time.Hour {
		return d.Round(time.Minute).String()
	}
	return d.Round(time.Second).String()
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(none)"
	}
	return s
}
