package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/oidc-creds/oidc-creds/arn"
	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/exchange"
	"github.com/oidc-creds/oidc-creds/trust"
	"github.com/oidc-creds/oidc-creds/urlerr"
)

// ConsoleCmd signs in to the AWS console as the role (the last of the
// chain): it obtains credentials, trades them at AWS's federation endpoint
// for a sign-in token and opens (or prints) the login URL.
type ConsoleCmd struct {
	Destination     string `name:"destination" placeholder:"URL" help:"Console page to land on (default: the console home of the region, e.g. https://console.aws.amazon.com/console/home?region=us-east-1)."`
	Print           bool   `name:"print" help:"Print the sign-in URL on stdout instead of opening a browser. Whoever has the URL is signed in as the role for 15 minutes: never paste it into a log."`
	SigninURL       string `name:"signin-url" env:"OIDC_CREDS_SIGNIN_URL" placeholder:"URL" help:"Federation endpoint (default: the role's partition's: https://signin.aws.amazon.com/federation, https://signin.amazonaws.cn/federation, https://signin.amazonaws-us-gov.com/federation)."`
	ConsoleDuration string `name:"console-duration" placeholder:"XhYmZs" help:"How long the console session lasts, 15m to 12h (the federation endpoint's SessionDuration); not with --chain-role-arn, as AWS refuses it for a chained role's credentials. Default: as long as the credentials."`
	ExchangeFlags
}

// consoleIssuer is the Issuer of the login URL.
const consoleIssuer = "oidc-creds"

// partitionSignin is the federation endpoint and console host of each
// partition AWS offers console sign-in in.
var partitionSignin = map[string]struct{ federation, console string }{
	"aws":        {"https://signin.aws.amazon.com/federation", "console.aws.amazon.com"},
	"aws-cn":     {"https://signin.amazonaws.cn/federation", "console.amazonaws.cn"},
	"aws-us-gov": {"https://signin.amazonaws-us-gov.com/federation", "console.amazonaws-us-gov.com"},
}

// Run checks the console flags, obtains credentials (cache and chain
// included), gets a sign-in token and opens or prints the login URL. The
// URL and the token go to stdout or the browser only.
func (c *ConsoleCmd) Run(o *IO) error {
	plan, err := c.consolePlan()
	if err != nil {
		return err
	}
	cr, err := c.credentials(o)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), max(c.Timeout, time.Second))
	defer cancel()
	if plan.destination == "" {
		if plan.destination, err = c.consoleHome(ctx, o, plan.console); err != nil {
			return err
		}
	}
	if plan.duration > 0 && !strings.Contains(cr.ARN, ":assumed-role/") {
		o.Warnf("--console-duration is not sent: the federation endpoint takes SessionDuration only for assumed-role credentials, and STS named no assumed role; the console session lasts as long as the credentials")
		plan.duration = 0
	}
	tok, err := signinToken(ctx, o, plan.federation, cr, plan.duration)
	if err != nil {
		return err
	}
	login := loginURL(plan.federation, plan.destination, tok)
	if c.Print {
		_, err := fmt.Fprintln(o.Stdout, login)
		return err
	}
	if why := openBrowser(login); why != "" {
		o.Warnf("%s: the sign-in URL is on standard output (it signs in whoever has it for 15 minutes)", why)
		_, err := fmt.Fprintln(o.Stdout, login)
		return err
	}
	fmt.Fprintln(o.Stderr, "oidc-creds: opened the AWS console sign-in in the browser (the link works once, within 15 minutes)")
	return nil
}

// consolePlan is what the console flags decide before any call.
type consolePlan struct {
	federation, destination string
	console                 string // the console host for the default destination
	duration                time.Duration
}

func (c *ConsoleCmd) consolePlan() (consolePlan, error) {
	var p consolePlan
	role, err := c.lastRole()
	if err != nil {
		return p, err
	}
	part, known := partitionSignin[role.Partition]
	p.federation, p.console, p.destination = part.federation, part.console, c.Destination
	if c.SigninURL != "" {
		if err = checkHTTPURL("--signin-url", c.SigninURL); err != nil {
			return p, err
		}
		p.federation = c.SigninURL
	} else if !known {
		return p, usageError("oidc-creds knows no console sign-in endpoint for partition %q of role %s; pass --signin-url with the federation endpoint (and --destination)", role.Partition, role.ARN)
	}
	if p.destination != "" {
		if err = checkHTTPURL("--destination", p.destination); err != nil {
			return p, err
		}
	} else if !known {
		return p, usageError("oidc-creds knows no console for partition %q of role %s; pass --destination with the console URL", role.Partition, role.ARN)
	}
	p.duration, err = c.consoleDuration(len(c.ChainRoleARNs) > 0)
	return p, err
}

// lastRole is the role whose console opens: the last of the chain, else
// --role-arn. The exchange inputs are checked once, by credentials; only
// when this ARN is wrong are they checked here, so that the error is the
// one check words.
func (c *ConsoleCmd) lastRole() (arn.Role, error) {
	last := c.RoleARN
	if n := len(c.ChainRoleARNs); n > 0 {
		last = strings.TrimSpace(c.ChainRoleARNs[n-1])
	}
	if role, err := arn.ParseRole(last); err == nil {
		return role, nil
	}
	// check reads --policy @FILE: within --timeout, as every command does.
	ctx, cancel := context.WithTimeout(context.Background(), max(c.Timeout, 0))
	defer cancel()
	if _, probs := c.check(ctx); len(probs) > 0 {
		return arn.Role{}, probs[0].err
	}
	return arn.ParseRole(last)
}

// Console session durations the federation endpoint accepts
// (SessionDuration, in seconds: 900 to 43200).
const (
	minConsoleDuration = 15 * time.Minute
	maxConsoleDuration = 12 * time.Hour
)

// consoleDuration is the SessionDuration --console-duration asks for, 0
// for none. AWS refuses SessionDuration for the credentials of a role
// assumed with another role's session (role chaining), so with a chain it
// is refused before any call.
func (c *ConsoleCmd) consoleDuration(chained bool) (time.Duration, error) {
	if c.ConsoleDuration == "" {
		return 0, nil
	}
	d, err := exchange.ParseHMS(c.ConsoleDuration)
	if err != nil {
		return 0, flagError("--console-duration", err)
	}
	if d < minConsoleDuration || d > maxConsoleDuration {
		return 0, creds.InputErrorf(creds.InputDuration, "--console-duration %s (%s) is outside what the federation endpoint accepts for a console session (SessionDuration): from 15m to 12h", c.ConsoleDuration, d)
	}
	if chained {
		return 0, creds.InputErrorf(creds.InputDuration, "--console-duration cannot be used with --chain-role-arn: AWS's federation endpoint refuses SessionDuration for the credentials of a role assumed with another role's session (HTTP 400 \"Invalid credentials parameter\"); leave it out and the console session lasts as long as the last role's credentials (--duration, at most 1h)")
	}
	return d, nil
}

func checkHTTPURL(flag, s string) error {
	if trust.HasUserinfo(s) {
		// Never repeated: the URL holds a password.
		return usageError("%s holds a user name or password (USER:PASSWORD@ before the host), which oidc-creds never sends nor prints; remove it", flag)
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return usageError("%s %q is not an absolute http(s) URL", flag, creds.Clip(s))
	}
	return nil
}

// consoleHome is the console home page of the region the flags (or the
// SDK's configuration) choose.
func (c *ConsoleCmd) consoleHome(ctx context.Context, o *IO, host string) (string, error) {
	region := c.Region
	if region == "" {
		x, err := c.exchanger(ctx, o)
		if err != nil {
			return "", err
		}
		region = x.Region
	}
	return "https://" + host + "/console/home?region=" + url.QueryEscape(region), nil
}

// loginURL is the federation endpoint's Action=login URL: a bearer
// credential for 15 minutes.
func loginURL(federation, destination, token string) string {
	q := url.Values{"Action": {"login"}, "Issuer": {consoleIssuer}, "Destination": {destination}, "SigninToken": {token}}
	return withQuery(federation, q)
}

func withQuery(base string, q url.Values) string {
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + q.Encode()
}

// signinToken trades the credentials for a sign-in token at the
// federation endpoint (Action=getSigninToken). Its errors and logs never
// hold the request URL, which carries the credentials.
func signinToken(ctx context.Context, o *IO, federation string, cr creds.Credentials, d time.Duration) (string, error) {
	host := hostOf(federation)
	session, _ := json.Marshal(map[string]string{"sessionId": cr.AccessKeyID, "sessionKey": cr.SecretAccessKey, "sessionToken": cr.SessionToken})
	q := url.Values{"Action": {"getSigninToken"}, "Session": {string(session)}}
	if d > 0 {
		q.Set("SessionDuration", strconv.Itoa(int(d/time.Second)))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, withQuery(federation, q), nil)
	if err != nil {
		return "", usageError("--signin-url %s: %v", host, errors.Unwrap(err))
	}
	o.Logf("console: asking %s for a sign-in token", host)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", unreachableFederation(ctx, host, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", unreachableFederation(ctx, host, err)
	}
	scrub := func(s string) string {
		for _, secret := range []string{cr.SecretAccessKey, cr.SessionToken} {
			s = strings.ReplaceAll(s, secret, "[secret]")
		}
		return creds.Clip(strings.Join(strings.Fields(s), " "))
	}
	if resp.StatusCode != http.StatusOK {
		why := "it takes only unexpired role-session credentials of its partition"
		if d > 0 {
			why = fmt.Sprintf("it was asked for a console session of %s (--console-duration), and AWS documents that it refuses SessionDuration for some role sessions' credentials; run again without --console-duration (the console session then lasts as long as the credentials)", d)
		}
		return "", &creds.Error{Kind: creds.KindRefused,
			Msg:    fmt.Sprintf("the federation endpoint %s refused the role's credentials (HTTP %d): %s", host, resp.StatusCode, why),
			Detail: "it said: " + scrub(string(body))}
	}
	var out struct{ SigninToken string }
	if err := json.Unmarshal(body, &out); err != nil || out.SigninToken == "" {
		return "", &creds.Error{Kind: creds.KindUnreachable, Msg: fmt.Sprintf("the answer of %s holds no SigninToken; check that --signin-url is AWS's federation endpoint", host)}
	}
	return out.SigninToken, nil
}

// unreachableFederation words a failed request without its URL.
func unreachableFederation(ctx context.Context, host string, err error) error {
	err = urlerr.Cause(err)
	if ctx.Err() != nil {
		return &creds.Error{Kind: creds.KindUnreachable, Msg: fmt.Sprintf("the federation endpoint %s did not answer within --timeout", host)}
	}
	return &creds.Error{Kind: creds.KindUnreachable, Msg: fmt.Sprintf("cannot reach the federation endpoint %s: %v; check network access, proxies and --signin-url", host, err)}
}

// hostOf is the scheme and host of a URL, for messages.
func hostOf(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Scheme + "://" + u.Host + u.Path
}
