package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/aws/smithy-go"

	"github.com/oidc-creds/oidc-creds/exchange"
)

// DoctorCmd walks the whole path from the token to credentials and prints
// a checklist. Its exchange always calls STS (as --no-cache does), so it
// tests the role's trust policy as it is now; it never reads or replaces
// cached credentials. The cache directory is checked on its own.
type DoctorCmd struct {
	ExchangeFlags
}

// checklist prints one line per check and remembers the failures.
type checklist struct {
	w        io.Writer
	n        int
	failed   []string
	firstErr exchange.Kind
}

func (c *checklist) line(mark, name, text string) {
	c.n++
	text = strings.ReplaceAll(strings.TrimRight(redactTokens(text), "\n"), "\n", "\n        ")
	fmt.Fprintf(c.w, "%-6s  %s: %s\n", mark, name, text)
}

func (c *checklist) ok(name, format string, args ...any) {
	c.line("ok", name, fmt.Sprintf(format, args...))
}

func (c *checklist) skip(name, format string, args ...any) {
	c.n--
	c.line("skip", name, fmt.Sprintf(format, args...))
}

// fail records a failed check; err's kind gives the exit status of the
// first failure.
func (c *checklist) fail(name string, err error) {
	c.line("FAIL", name, err.Error())
	c.failed = append(c.failed, name)
	if c.firstErr == 0 {
		c.firstErr = exchange.KindInternal
		var e *exchange.Error
		if errors.As(err, &e) {
			c.firstErr = e.Kind
		}
	}
}

func kindError(k exchange.Kind, format string, args ...any) error {
	return &exchange.Error{Kind: k, Msg: fmt.Sprintf(format, args...)}
}

// Run prints the checklist on stdout; when a check failed it fails with
// the exit status of the first failure.
func (c *DoctorCmd) Run(o *IO) error {
	ck := &checklist{w: o.Stdout}
	timeout := c.Timeout
	if timeout <= 0 {
		ck.fail("timeout", kindError(exchange.KindInput, "--timeout must be positive, e.g. 30s"))
		timeout = 30 * time.Second
	}
	if c.RefreshWindow < 0 {
		ck.fail("refresh window", kindError(exchange.KindInput, "--refresh-window must not be negative, e.g. 15m"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()

	r := exchange.Request{}
	tokenOK := c.checkToken(o, ck, &r)
	inputsOK := c.checkInputs(ck, &r)

	x, err := exchange.NewExchanger(ctx, exchange.ClientOptions{Region: c.Region, EndpointURL: c.EndpointURL, Logf: o.Logf})
	if err != nil {
		ck.fail("STS endpoint", err)
	} else {
		ck.ok("STS endpoint", "%s, region %s", x.Endpoint, x.Region)
	}

	switch {
	case x == nil || !tokenOK || !inputsOK:
		ck.skip("exchange", "not tried: fix the failures above first")
	default:
		creds, err := x.Exchange(ctx, r)
		if err == nil && !creds.Expiration.After(timeNow()) {
			err = kindError(exchange.KindRefused, "STS issued credentials that expired at %s; check this machine's clock", creds.Expiration.Format(time.RFC3339))
		}
		if err != nil {
			ck.fail("exchange", withHint(err, c.hint(err, r)))
		} else {
			acct := creds.AccountID
			if acct == "" {
				acct = "(not reported)"
			}
			ck.ok("exchange", "STS issued credentials for role %s, session %s: account %s, valid until %s (%s)",
				r.RoleARN, r.SessionName, acct, creds.Expiration.UTC().Format(time.RFC3339), roundLeft(creds.Expiration.Sub(timeNow())))
		}
	}

	c.checkCache(o, ck)

	if len(ck.failed) > 0 {
		return &exchange.Error{Kind: ck.firstErr, Msg: fmt.Sprintf("%d of %d checks failed: %s", len(ck.failed), ck.n, strings.Join(ck.failed, ", "))}
	}
	_, err = fmt.Fprintf(o.Stdout, "all %d checks passed\n", ck.n)
	return err
}

// checkToken finds, decodes and checks the token; r gets it when it is usable.
func (c *DoctorCmd) checkToken(o *IO, ck *checklist, r *exchange.Request) bool {
	tok, err := c.load(o)
	if err != nil {
		ck.fail("token", err)
		return false
	}
	ck.ok("token", "found in %s", tok.Origin)
	good := true
	h := tok.Header()
	switch {
	case !exchange.STSAlgorithm(h.Alg):
		ck.fail("token signature", kindError(exchange.KindToken, "signed with %q; STS accepts only RS256, RS384, RS512, ES256, ES384 and ES512", h.Alg))
		good = false
	case h.Kid != "":
		ck.ok("token signature", "%s, key id %s (STS checks it against the issuer's keys)", h.Alg, h.Kid)
	default:
		ck.ok("token signature", "%s (STS checks it against the issuer's keys)", h.Alg)
	}
	cl := tok.Claims
	if cl.Issuer == "" {
		ck.fail("issuer (iss)", kindError(exchange.KindToken, "the token has no iss claim; STS finds the identity provider by it"))
		good = false
	} else {
		ck.ok("issuer (iss)", "%s (IAM identity provider %s)", cl.Issuer, exchange.Provider(cl.Issuer))
	}
	if len(cl.Audience) == 0 {
		ck.fail("audience (aud)", kindError(exchange.KindToken, "the token has no aud claim; the identity provider must list it as a client ID"))
		good = false
	} else {
		ck.ok("audience (aud)", "%s (a client ID of the identity provider, and the trust policy's StringEquals %s:aud)", cl.Audience.String(), exchange.Provider(cl.Issuer))
	}
	if cl.Subject == "" {
		ck.fail("subject (sub)", kindError(exchange.KindToken, "the token has no sub claim; the trust policy matches it"))
		good = false
	} else if p, ok := exchange.ParsePulumiSubject(cl.Subject); ok {
		ck.ok("subject (sub)", "%s\n%s", cl.Subject, p)
	} else {
		ck.ok("subject (sub)", "%s", cl.Subject)
	}
	now := timeNow()
	switch err := tok.CheckTime(now); {
	case err != nil:
		ck.fail("token validity", err)
		good = false
	case cl.Expiry.IsZero():
		ck.fail("token validity", kindError(exchange.KindToken, "the token has no exp claim; STS refuses tokens without one"))
		good = false
	default:
		ck.ok("token validity", "expires at %s (in %s)", cl.Expiry.UTC().Format(time.RFC3339), roundLeft(cl.Expiry.Sub(now)))
	}
	if good {
		r.Token = tok
	}
	return good
}

// checkInputs checks the role ARN and the session's inputs; r gets them.
func (c *DoctorCmd) checkInputs(ck *checklist, r *exchange.Request) bool {
	good := true
	if role, err := exchange.ParseRoleARN(c.RoleARN); err != nil {
		ck.fail("role ARN", err)
		good = false
	} else {
		acct := role.Account
		if acct == "" {
			acct = "(none)"
		}
		ck.ok("role ARN", "%s (account %s, role %s)", role.ARN, acct, role.Name)
		r.RoleARN = role.ARN
	}
	var errs []string
	var err error
	if r.Duration, err = exchange.ParseDuration(c.Duration); err != nil {
		errs = append(errs, err.Error())
	}
	if r.PolicyARNs, err = exchange.ValidatePolicyARNs(c.PolicyARNs); err != nil {
		errs = append(errs, err.Error())
	}
	if r.Policy, err = exchange.LoadPolicy(c.Policy); err != nil {
		errs = append(errs, err.Error())
	}
	r.SessionName = c.SessionName
	derived := ""
	switch {
	case r.SessionName != "":
		if err := exchange.ValidateSessionName(r.SessionName); err != nil {
			errs = append(errs, err.Error())
		}
	case r.Token != nil:
		r.SessionName, derived = exchange.SessionNameFor(r.Token.Claims), " (derived from the token)"
	default:
		derived = "(derived from the token)"
	}
	if len(errs) > 0 {
		ck.fail("session", kindError(exchange.KindInput, "%s", strings.Join(errs, "\n")))
		return false
	}
	policies := "no session policies"
	if n := len(r.PolicyARNs); n > 0 || r.Policy != "" {
		policies = fmt.Sprintf("%d managed session policies, inline session policy: %v", n, r.Policy != "")
	}
	ck.ok("session", "duration %s, session name %s%s, %s", r.Duration, r.SessionName, derived, policies)
	return good
}

// hint says what to run next after a refused exchange.
func (c *DoctorCmd) hint(err error, r exchange.Request) string {
	var api smithy.APIError
	if !errors.As(err, &api) || r.Token == nil {
		return ""
	}
	cl := r.Token.Claims
	switch api.ErrorCode() {
	case "AccessDenied", "IDPRejectedClaim":
		src := ""
		if c.TokenFile != "" {
			src = " --token-file " + c.TokenFile
		} else if c.TokenEnv != "" {
			src = " --token-env " + c.TokenEnv
		}
		return fmt.Sprintf("a whole trust policy that accepts this token: oidc-creds trust-policy --from-token --role-arn %s%s", r.RoleARN, src)
	case "InvalidIdentityToken":
		return fmt.Sprintf("to create the identity provider: aws iam create-open-id-connect-provider --url %s --client-id-list %s --thumbprint-list \"$(oidc-creds thumbprint %s)\" (or scripts/aws-setup.sh)",
			cl.Issuer, cl.Audience.String(), cl.Issuer)
	}
	return ""
}

func withHint(err error, hint string) error {
	if hint == "" {
		return err
	}
	return &hinted{err: err, hint: hint}
}

type hinted struct {
	err  error
	hint string
}

func (h *hinted) Error() string { return h.err.Error() + "\nhint: " + h.hint }
func (h *hinted) Unwrap() error { return h.err }

// checkCache checks that the cache directory can be used.
func (c *DoctorCmd) checkCache(o *IO, ck *checklist) {
	if c.NoCache {
		ck.skip("cache", "off (--no-cache): every run calls STS")
		return
	}
	cc, err := CacheDirFlag{c.CacheDir}.open(o)
	if err != nil {
		ck.fail("cache", kindError(exchange.KindInput, "the cache cannot be used: %v (--cache-dir or OIDC_CREDS_CACHE_DIR choose another directory)", err))
		return
	}
	f, err := os.CreateTemp(cc.Dir(), ".doctor-*")
	if err != nil {
		ck.fail("cache", kindError(exchange.KindInput, "cannot write in %s: %v; fix its permissions, or set --cache-dir", cc.Dir(), err))
		return
	}
	f.Close()
	os.Remove(f.Name())
	n := 0
	if entries, err := cc.List(); err == nil {
		n = len(entries)
	}
	ck.ok("cache", "%s is usable (%d cached credentials; doctor neither reads nor writes them)", cc.Dir(), n)
}
