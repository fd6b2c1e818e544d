package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/exchange"
	"github.com/oidc-creds/oidc-creds/printjson"
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

// Run prints the report. An unsigned, expired or not yet valid token, or
// one signed with an algorithm STS does not accept, is reported (on
// stdout) and fails with exit status 3 (on stderr).
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
	checkErr := tok.Check(now)
	if checkErr != nil {
		var e *creds.Error
		if errors.As(checkErr, &e) {
			r.Problem = e.Msg
		} else {
			r.Problem = checkErr.Error()
		}
	}
	r.Valid = checkErr == nil
	var b bytes.Buffer
	if c.JSON {
		js, err := printjson.Indent(r)
		if err != nil {
			return err
		}
		_, err = o.Stdout.Write(js)
	} else {
		r.writeText(&b, tok, now)
		_, err = io.WriteString(o.Stdout, clean(b.String()))
	}
	if err != nil {
		return err
	}
	return checkErr
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
		// Whole seconds of the Unix times: exp may lie further than a
		// time.Duration reaches.
		left := c.Expiry.Unix() - now.Unix()
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

// writeText writes the report for people; every value from the token is
// shown (escaped when it holds control characters) on its own line.
func (r tokenReport) writeText(w *bytes.Buffer, tok *token.Token, now time.Time) {
	c := tok.Claims
	fmt.Fprintf(w, "token from %s\n", shown(r.Source))
	fmt.Fprintf(w, "CI platform: %s\n", describeDetection(token.Detect(nil)))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(tw, "  %s\t%s\n", k, v) }
	row("issuer (iss)", orNone(c.Issuer))
	row("audience (aud)", orNone(c.Audience.String()))
	row("subject (sub)", orNone(c.Subject))
	if r.Pulumi != nil {
		row("", shown(r.Pulumi.String()))
	}
	row("issued (iat)", when(c.IssuedAt, now))
	row("not before (nbf)", when(c.NotBefore, now))
	row("expires (exp)", when(c.Expiry, now))
	alg := orNone(r.Alg)
	if r.Kid != "" {
		alg += ", key id " + shown(r.Kid)
	}
	stsAlg := token.STSAlgorithm(r.Alg)
	if r.Alg != "" && !stsAlg {
		alg += " (STS accepts only RS256/384/512 and ES256/384/512)"
	}
	row("signed with", alg)
	row("session name", r.SessionName+" (the default --session-name)")
	tw.Flush() // a bytes.Buffer does not fail
	var status string
	switch {
	case r.Problem != "":
		status = "NOT VALID: " + r.Problem
	case c.Expiry.IsZero():
		status = "valid, but it has no exp claim (STS requires one)"
	default:
		status = "valid for another " + token.Span(now, c.Expiry.Time)
	}
	fmt.Fprintf(w, "status: %s\n", status)
}

// when prints a claim's time with how long ago or ahead it is.
func when(d token.NumericDate, now time.Time) string {
	if d.IsZero() {
		return "(none)"
	}
	t := d.UTC()
	switch span := token.Span(now, t); {
	case span == "0s":
		return t.Format(time.RFC3339) + " (now)"
	case t.After(now):
		return fmt.Sprintf("%s (in %s)", t.Format(time.RFC3339), span)
	default:
		return fmt.Sprintf("%s (%s ago)", t.Format(time.RFC3339), span)
	}
}

// orNone shows a claim, or "(none)" when it is empty or blank.
func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(none)"
	}
	return shown(s)
}

// roundLeft is d in words, as token.Span words the time between two dates:
// to the second, to the minute past an hour, in days past two days.
func roundLeft(d time.Duration) string {
	var t time.Time
	return token.Span(t, t.Add(d))
}
