package exchange

import (
	"context"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Client is the one STS operation oidc-creds needs; *sts.Client has it.
type Client interface {
	AssumeRoleWithWebIdentity(ctx context.Context, in *sts.AssumeRoleWithWebIdentityInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleWithWebIdentityOutput, error)
}

// ClientFunc makes a function a Client (tests fake STS with it).
type ClientFunc func(ctx context.Context, in *sts.AssumeRoleWithWebIdentityInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleWithWebIdentityOutput, error)

// AssumeRoleWithWebIdentity calls f.
func (f ClientFunc) AssumeRoleWithWebIdentity(ctx context.Context, in *sts.AssumeRoleWithWebIdentityInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleWithWebIdentityOutput, error) {
	return f(ctx, in, optFns...)
}

// Request is one exchange, its inputs already validated.
type Request struct {
	Token       *Token
	RoleARN     string
	SessionName string
	PolicyARNs  []string
	Policy      string        // inline session policy, "" for none
	Duration    time.Duration // 0 = STS's default (1h)
}

// Exchanger swaps tokens for credentials, retrying what can succeed on a
// retry and explaining what cannot.
type Exchanger struct {
	Client Client
	// Endpoint and Region name where the calls go, for messages.
	Endpoint, Region string
	// MaxAttempts bounds the attempts for throttling and server errors;
	// 0 = DefaultMaxAttempts.
	MaxAttempts int
	// Logf receives -v diagnostics; nil = silent. It never receives secrets.
	Logf func(format string, args ...any)
	// sleep waits between attempts; nil = a timer honouring ctx (tests replace it).
	sleep func(ctx context.Context, d time.Duration) error
}

// Exchange calls AssumeRoleWithWebIdentity until it succeeds, fails in a
// way a retry cannot mend, or ctx ends.
func (x *Exchanger) Exchange(ctx context.Context, r Request) (Credentials, error) {
	in := &sts.AssumeRoleWithWebIdentityInput{
		RoleArn:          aws.String(r.RoleARN),
		RoleSessionName:  aws.String(r.SessionName),
		WebIdentityToken: aws.String(r.Token.Raw),
	}
	if r.Duration > 0 {
		in.DurationSeconds = aws.Int32(int32(r.Duration / time.Second))
	}
	if r.Policy != "" {
		in.Policy = aws.String(r.Policy)
	}
	for _, a := range r.PolicyARNs {
		in.PolicyArns = append(in.PolicyArns, stsPolicy(a))
	}
	var (
		policy = retryPolicy{max: x.MaxAttempts}
		start  = time.Now()
	)
	for attempt := 1; ; attempt++ {
		t0 := time.Now()
		out, err := x.Client.AssumeRoleWithWebIdentity(ctx, in)
		took := time.Since(t0).Round(time.Millisecond)
		if err == nil {
			x.logf("attempt %d: credentials issued in %s", attempt, took)
			return credentialsFrom(out)
		}
		x.logf("attempt %d failed after %s: %s", attempt, took, redact(oneLine(err.Error()), r.Token))
		wait, retry := policy.next(err, attempt)
		if retry && ctx.Err() == nil {
			if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > wait {
				x.logf("retrying in %s", wait.Round(time.Millisecond))
				if x.wait(ctx, wait) == nil {
					continue
				}
			}
		}
		return Credentials{}, x.explain(ctx, err, r, attempt, time.Since(start))
	}
}

func (x *Exchanger) logf(format string, args ...any) {
	if x.Logf != nil {
		x.Logf(format, args...)
	}
}

func (x *Exchanger) wait(ctx context.Context, d time.Duration) error {
	if x.sleep != nil {
		return x.sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func credentialsFrom(out *sts.AssumeRoleWithWebIdentityOutput) (Credentials, error) {
	if out == nil || out.Credentials == nil || out.Credentials.AccessKeyId == nil || out.Credentials.SecretAccessKey == nil ||
		*out.Credentials.AccessKeyId == "" || *out.Credentials.SecretAccessKey == "" {
		return Credentials{}, &Error{Kind: KindUnreachable, Msg: "STS answered without credentials; check that --endpoint-url points at an STS endpoint"}
	}
	c := Credentials{
		AccessKeyID:     *out.Credentials.AccessKeyId,
		SecretAccessKey: *out.Credentials.SecretAccessKey,
		SessionToken:    aws.ToString(out.Credentials.SessionToken),
	}
	if out.Credentials.Expiration != nil {
		c.Expiration = out.Credentials.Expiration.UTC()
	}
	if out.AssumedRoleUser != nil {
		c.AccountID = AccountFromARN(aws.ToString(out.AssumedRoleUser.Arn))
	}
	if c.Expiration.IsZero() {
		return Credentials{}, &Error{Kind: KindUnreachable, Msg: "STS answered with credentials that have no expiration; refusing to hand out credentials of unknown lifetime"}
	}
	return c, nil
}

// redact removes the token and its signature from text bound for stderr.
func redact(s string, t *Token) string {
	if t == nil || t.Raw == "" {
		return s
	}
	s = strings.ReplaceAll(s, t.Raw, "[token]")
	if i := strings.LastIndexByte(t.Raw, '.'); i >= 0 && len(t.Raw)-i > 8 {
		s = strings.ReplaceAll(s, t.Raw[i+1:], "[signature]")
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
