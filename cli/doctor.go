package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/exchange"
	"github.com/oidc-creds/oidc-creds/token"
	"github.com/oidc-creds/oidc-creds/trust"
	"github.com/oidc-creds/oidc-creds/userfile"
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
	firstErr creds.Kind
}

func (c *checklist) line(mark, name, text string) {
	c.n++
	text = strings.ReplaceAll(strings.TrimRight(clean(text), "\n"), "\n", "\n        ")
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
		c.firstErr = creds.KindInternal
		var e *creds.Error
		if errors.As(err, &e) {
			c.firstErr = e.Kind
		}
	}
}

func kindError(k creds.Kind, format string, args ...any) error {
	return &creds.Error{Kind: k, Msg: fmt.Sprintf(format, args...)}
}

// Run prints the checklist on stdout; when a check failed it fails with
// the exit status of the first failure.
func (c *DoctorCmd) Run(o *IO) error {
	ck := &checklist{w: o.Stdout}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	in, probs := c.check(ctx)
	for _, p := range probs {
		if p.check == "timeout" || p.check == "refresh window" {
			ck.fail(p.check, p.err)
		}
	}

	r := exchange.Request{}
	tokenOK := c.checkToken(ctx, o, ck, &r)
	inputsOK := c.checkInputs(ck, in, probs, &r)
	var x *exchange.Exchanger
	var err error
	if i := slices.IndexFunc(probs, func(p problem) bool { return p.check == "STS endpoint" }); i >= 0 {
		ck.fail("STS endpoint", probs[i].err)
	} else if x, err = c.exchanger(ctx, o); err != nil {
		ck.fail("STS endpoint", err)
	} else {
		ck.ok("STS endpoint", "%s, region %s", x.Endpoint, x.Region)
	}
	first, hops := in.plan(r)
	if x == nil || !tokenOK || !inputsOK {
		ck.skip("exchange", "not tried: fix the failures above first")
		c.skipHops(ck, hops, "not tried: fix the failures above first")
	} else if cr, ok := c.checkExchange(ctx, ck, x, first); ok {
		c.checkHops(ctx, ck, x, hops, cr)
	} else {
		c.skipHops(ck, hops, "not tried: the exchange failed")
	}
	c.checkCache(o, ck)

	if len(ck.failed) > 0 {
		return &creds.Error{Kind: ck.firstErr, Msg: fmt.Sprintf("%d of %d checks failed: %s", len(ck.failed), ck.n, strings.Join(ck.failed, ", "))}
	}
	_, err = fmt.Fprintf(o.Stdout, "all %d checks passed\n", ck.n)
	return err
}

// checkExchange calls STS, as --no-cache would.
func (c *DoctorCmd) checkExchange(ctx context.Context, ck *checklist, x *exchange.Exchanger, r exchange.Request) (creds.Credentials, bool) {
	cr, err := x.Exchange(ctx, r)
	err = explain(err)
	if err == nil {
		err = issuedExpired(cr, "")
	}
	if err != nil {
		ck.fail("exchange", withHint(err, c.hint(err, r)))
		return cr, false
	}
	ck.ok("exchange", "STS issued credentials for role %s, session %s: %s", r.RoleARN, r.SessionName, issued(cr))
	return cr, true
}

// checkToken finds, decodes and checks the token; r gets it when it is usable.
func (c *DoctorCmd) checkToken(ctx context.Context, o *IO, ck *checklist, r *exchange.Request) bool {
	tok, err := c.loadToken(ctx, o, c.PlatformFlags)
	if err != nil {
		ck.fail("token", err)
		return false
	}
	ck.ok("token", "found in %s; CI platform: %s", shown(tok.Origin), describeDetection(token.Detect(nil)))
	good := true
	h := tok.Header()
	switch {
	case tok.Unsigned():
		ck.fail("token signature", tok.CheckSigned())
		good = false
	case !token.STSAlgorithm(h.Alg):
		ck.fail("token signature", kindError(creds.KindToken, "signed with %q; STS accepts only RS256, RS384, RS512, ES256, ES384 and ES512", h.Alg))
		good = false
	case h.Kid != "":
		ck.ok("token signature", "%s, key id %s (STS checks it against the issuer's keys)", h.Alg, shown(h.Kid))
	default:
		ck.ok("token signature", "%s (STS checks it against the issuer's keys)", h.Alg)
	}
	cl := tok.Claims
	if cl.Issuer == "" {
		ck.fail("issuer (iss)", kindError(creds.KindToken, "the token has no iss claim; STS finds the identity provider by it"))
		good = false
	} else {
		ck.ok("issuer (iss)", "%s (IAM identity provider %s)", shown(cl.Issuer), shown(trust.Provider(cl.Issuer)))
	}
	if len(cl.Audience) == 0 {
		ck.fail("audience (aud)", kindError(creds.KindToken, "the token has no aud claim; the identity provider must list it as a client ID"))
		good = false
	} else {
		ck.ok("audience (aud)", "%s (a client ID of the identity provider, and the trust policy's StringEquals %s:aud)", shown(cl.Audience.String()), shown(trust.Provider(cl.Issuer)))
	}
	if cl.Subject == "" {
		ck.fail("subject (sub)", kindError(creds.KindToken, "the token has no sub claim; the trust policy matches it"))
		good = false
	} else if p, ok := token.ParsePulumiSubject(cl.Subject); ok {
		ck.ok("subject (sub)", "%s\n%s", shown(cl.Subject), shown(p.String()))
	} else {
		ck.ok("subject (sub)", "%s", shown(cl.Subject))
	}
	now := timeNow()
	switch err := tok.CheckTime(now); {
	case err != nil:
		ck.fail("token validity", err)
		good = false
	case cl.Expiry.IsZero():
		ck.fail("token validity", kindError(creds.KindToken, "the token has no exp claim; STS refuses tokens without one"))
		good = false
	default:
		ck.ok("token validity", "expires at %s (in %s)", cl.Expiry.UTC().Format(time.RFC3339), token.Span(now, cl.Expiry.Time))
	}
	if good {
		r.Token = tok
	}
	return good
}

// checkInputs reports the role ARN and the session's inputs as check
// found them; r gets them.
func (c *DoctorCmd) checkInputs(ck *checklist, in inputs, probs []problem, r *exchange.Request) bool {
	good := true
	var session []string
	for _, p := range probs {
		switch p.check {
		case "role ARN":
			ck.fail("role ARN", p.err)
			good = false
		case "session":
			session = append(session, p.err.Error())
		}
	}
	if in.role.ARN != "" {
		acct := in.role.Account
		if acct == "" {
			acct = "(none)"
		}
		ck.ok("role ARN", "%s (account %s, role %s)", in.role.ARN, acct, in.role.Name)
		r.RoleARN = in.role.ARN
	}
	if len(session) > 0 {
		ck.fail("session", kindError(creds.KindInput, "%s", strings.Join(session, "\n")))
		return false
	}
	r.Duration, r.PolicyARNs, r.Policy, r.SessionName = in.duration, in.policyARNs, in.policy, in.sessionName
	derived := ""
	switch {
	case r.SessionName != "":
	case r.Token != nil:
		r.SessionName, derived = exchange.SessionNameFor(r.Token.Claims), " (derived from the token)"
	default:
		derived = "(derived from the token)"
	}
	policies := "no session policies"
	if n := len(r.PolicyARNs); n > 0 || r.Policy != "" {
		policies = fmt.Sprintf("%d managed session policies, inline session policy: %v", n, r.Policy != "")
	}
	ck.ok("session", "duration %s, session name %s%s, %s", r.Duration, r.SessionName, derived, policies)
	return good
}

// checkCache checks that the cache directory can be used.
func (c *DoctorCmd) checkCache(o *IO, ck *checklist) {
	if c.NoCache {
		ck.skip("cache", "off (--no-cache): every run calls STS")
		return
	}
	cc, err := CacheDirFlag{c.CacheDir}.open(o)
	if err != nil { // worded, with what to pass
		ck.fail("cache", err)
		return
	}
	f, err := os.CreateTemp(cc.Dir(), ".doctor-*")
	if err != nil {
		ck.fail("cache", kindError(creds.KindInput, "cannot create a file in the cache directory %s: %v; fix its permissions, or pass --cache-dir DIR (or set OIDC_CREDS_CACHE_DIR) to use another directory", cc.Dir(), userfile.PathCause(err)))
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
