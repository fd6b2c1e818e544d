package exchange

import (
	"context"
	"time"

	"github.com/oidc-creds/oidc-creds/token"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/oidc-creds/oidc-creds/arn"
	"github.com/oidc-creds/oidc-creds/backoff"
	"github.com/oidc-creds/oidc-creds/creds"
)

// Client is the one STS operation oidc-creds needs; *sts.Client has it.
type Client interface {
	AssumeRoleWithWebIdentity(ctx context.Context, in *sts.AssumeRoleWithWebIdentityInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleWithWebIdentityOutput, error)
}

// Request is one exchange, its inputs already validated.
type Request struct {
	Token       *token.Token
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
	// Assumer makes the sts:AssumeRole calls of a role chain.
	Assumer RoleAssumer
	// Endpoint and Region name where the calls go, for messages.
	Endpoint, Region string
	// MaxAttempts bounds the attempts for throttling and server errors;
	// 0 = DefaultMaxAttempts.
	MaxAttempts int
	// Backoff is the wait between attempts; zero = backoff.Default.
	Backoff backoff.Backoff
	// Logf receives -v diagnostics; nil = silent. It never receives secrets.
	Logf func(format string, args ...any)
	// Sleep waits between attempts and fails when ctx ends first; nil =
	// backoff.Sleep. Tests replace it to record the waits.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Exchange calls AssumeRoleWithWebIdentity until it succeeds, fails in a
// way a retry cannot mend, or ctx ends. Its errors are *CallError.
func (x *Exchanger) Exchange(ctx context.Context, r Request) (creds.Credentials, error) {
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
	return x.retry(ctx, call{req: r}, func(ctx context.Context) (*types.Credentials, *types.AssumedRoleUser, error) {
		out, err := x.Client.AssumeRoleWithWebIdentity(ctx, in)
		if err != nil || out == nil {
			return nil, nil, err
		}
		return out.Credentials, out.AssumedRoleUser, nil
	})
}

// call is what one operation's failures are reported with.
type call struct {
	req     Request
	hop     *Hop
	secrets []string // besides the token: the signing credentials' secrets
}

// retry makes attempts until one succeeds, fails in a way a retry cannot
// mend, or ctx ends; the retry policy and the classification of failures
// are those of every STS operation oidc-creds makes.
func (x *Exchanger) retry(ctx context.Context, c call, attempt func(context.Context) (*types.Credentials, *types.AssumedRoleUser, error)) (creds.Credentials, error) {
	var (
		policy = retryPolicy{max: x.MaxAttempts, backoff: x.Backoff}
		start  = time.Now()
	)
	for n := 1; ; n++ {
		t0 := time.Now()
		out, user, err := attempt(ctx)
		took := time.Since(t0).Round(time.Millisecond)
		if err == nil {
			x.logf("attempt %d: credentials issued in %s", n, took)
			cr, err := credentialsFrom(out, user)
			if err != nil {
				return creds.Credentials{}, failure(ctx, err, c, x, n, time.Since(start))
			}
			return cr, nil
		}
		x.logf("attempt %d failed after %s: %s", n, took, c.redact(oneLine(err.Error())))
		wait, again := policy.next(err, n)
		if again && ctx.Err() == nil {
			if backoff.Fits(ctx, wait) {
				x.logf("retrying in %s", wait.Round(time.Millisecond))
				if x.wait(ctx, wait) == nil {
					continue
				}
			}
		}
		return creds.Credentials{}, failure(ctx, err, c, x, n, time.Since(start))
	}
}

func (x *Exchanger) logf(format string, args ...any) {
	if x.Logf != nil {
		x.Logf(format, args...)
	}
}

func (x *Exchanger) wait(ctx context.Context, d time.Duration) error {
	if x.Sleep != nil {
		return x.Sleep(ctx, d)
	}
	return backoff.Sleep(ctx, d)
}

func credentialsFrom(out *types.Credentials, user *types.AssumedRoleUser) (creds.Credentials, error) {
	if out == nil || aws.ToString(out.AccessKeyId) == "" || aws.ToString(out.SecretAccessKey) == "" {
		return creds.Credentials{}, ErrNoCredentials
	}
	c := creds.Credentials{
		AccessKeyID:     *out.AccessKeyId,
		SecretAccessKey: *out.SecretAccessKey,
		SessionToken:    aws.ToString(out.SessionToken),
	}
	if out.Expiration != nil {
		c.Expiration = out.Expiration.UTC()
	}
	if user != nil {
		c.ARN = aws.ToString(user.Arn)
		c.AccountID = arn.Account(c.ARN)
	}
	if c.Expiration.IsZero() {
		return creds.Credentials{}, ErrNoExpiration
	}
	return c, nil
}
