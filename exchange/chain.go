package exchange

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/oidc-creds/oidc-creds/creds"
)

// ChainedMaxDuration is the longest session STS grants a role assumed with
// a role session's credentials (role chaining).
const ChainedMaxDuration = time.Hour

// RoleAssumer is the STS operation of a role chain; *sts.Client has it.
type RoleAssumer interface {
	AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error)
}

// RoleAssumerFunc makes a function a RoleAssumer (tests fake STS with it).
type RoleAssumerFunc func(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error)

// AssumeRole calls f.
func (f RoleAssumerFunc) AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	return f(ctx, in, optFns...)
}

// Hop is one sts:AssumeRole of a role chain, its inputs already validated.
type Hop struct {
	// Index is the hop's place in the chain: 1 for the first AssumeRole
	// after the web-identity exchange.
	Index int
	// Last is set on the chain's last hop: the one that gets the external
	// id, the session policies and the requested duration.
	Last        bool
	RoleARN     string
	SessionName string
	ExternalID  string // "" = none
	PolicyARNs  []string
	Policy      string        // inline session policy, "" for none
	Duration    time.Duration // 0 = STS's default (1h)
	// CallerRole is the role whose session signs the call: the previous
	// hop's role ARN, as configured (with its path).
	CallerRole string
	// Caller is the assumed-role ARN of the signing credentials as STS
	// issued them; "" when it gave none (MinIO). AssumeRole sets it.
	Caller string
}

// ErrNoAssumer is wrapped by the CallError of an Exchanger without an
// Assumer.
var ErrNoAssumer = errors.New("no sts:AssumeRole client")

// AssumeRole calls sts:AssumeRole for h, signed (SigV4, by the SDK) with
// the previous hop's credentials, until it succeeds, fails in a way a
// retry cannot mend, or ctx ends; retries and failures are those of
// Exchange. Its errors are *CallError with Hop set.
func (x *Exchanger) AssumeRole(ctx context.Context, h Hop, signer creds.Credentials) (creds.Credentials, error) {
	h.Caller = signer.ARN
	c := call{
		req:     Request{RoleARN: h.RoleARN, SessionName: h.SessionName, PolicyARNs: h.PolicyARNs, Policy: h.Policy, Duration: h.Duration},
		hop:     &h,
		secrets: []string{signer.SecretAccessKey, signer.SessionToken},
	}
	if x.Assumer == nil {
		return creds.Credentials{}, failure(ctx, ErrNoAssumer, c, x, 0, 0)
	}
	in := &sts.AssumeRoleInput{
		RoleArn:         aws.String(h.RoleARN),
		RoleSessionName: aws.String(h.SessionName),
	}
	if h.ExternalID != "" {
		in.ExternalId = aws.String(h.ExternalID)
	}
	if h.Duration > 0 {
		in.DurationSeconds = aws.Int32(int32(h.Duration / time.Second))
	}
	if h.Policy != "" {
		in.Policy = aws.String(h.Policy)
	}
	for _, a := range h.PolicyARNs {
		in.PolicyArns = append(in.PolicyArns, stsPolicy(a))
	}
	sign := func(o *sts.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider(signer.AccessKeyID, signer.SecretAccessKey, signer.SessionToken)
	}
	x.logf("hop %d: sts:AssumeRole %s as %s", h.Index, h.RoleARN, OrUnknown(h.Caller))
	return x.retry(ctx, c, func(ctx context.Context) (*types.Credentials, *types.AssumedRoleUser, error) {
		out, err := x.Assumer.AssumeRole(ctx, in, sign)
		if err != nil || out == nil {
			return nil, nil, err
		}
		return out.Credentials, out.AssumedRoleUser, nil
	})
}
