package exchange

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/oidc-creds/oidc-creds/creds"
)

// GlobalRegion is STS's global region, used when none is configured.
const GlobalRegion = "us-east-1"

// ClientOptions choose where the STS calls go. The zero value uses the
// SDK's usual resolution (AWS_REGION, the profile, AWS_ENDPOINT_URL_STS…).
type ClientOptions struct {
	Region      string // "" = the SDK's resolution, then GlobalRegion
	EndpointURL string // "" = the SDK's resolution, then the regional endpoint
	// Logf receives -v diagnostics; nil = silent.
	Logf func(format string, args ...any)
}

// NewExchanger loads the AWS configuration the way the AWS SDK for Go
// does — region, endpoints, proxies, AWS_CA_BUNDLE, AWS_MAX_ATTEMPTS — and
// returns an Exchanger for that STS endpoint. It never resolves AWS
// credentials: AssumeRoleWithWebIdentity is unsigned, and each
// sts:AssumeRole of a chain is signed with the previous hop's credentials,
// so a profile whose credential_process is this very program is never run
// again.
func NewExchanger(ctx context.Context, o ClientOptions) (*Exchanger, error) {
	logf := o.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	opts := []func(*config.LoadOptions) error{
		config.WithCredentialsProvider(aws.AnonymousCredentials{}),
	}
	if o.Region != "" {
		opts = append(opts, config.WithRegion(o.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, &creds.Error{Kind: creds.KindInput, Err: err,
			Msg: fmt.Sprintf("cannot load the AWS configuration (environment, ~/.aws/config): %v; fix the setting it names", err)}
	}
	if cfg.Region == "" {
		cfg.Region = GlobalRegion
		logf("no region configured (AWS_REGION, AWS_DEFAULT_REGION, the profile): using %s, STS's global region", GlobalRegion)
	}
	client := sts.NewFromConfig(cfg, func(so *sts.Options) {
		// oidc-creds retries itself (retry.go), within the run's deadline.
		so.Retryer = aws.NopRetryer{}
		so.RetryMaxAttempts = 0
		if o.EndpointURL != "" {
			so.BaseEndpoint = aws.String(o.EndpointURL)
		}
	})
	endpoint := resolveEndpoint(ctx, client.Options())
	logf("STS endpoint %s, region %s", endpoint, cfg.Region)
	return &Exchanger{
		Client:      client,
		Assumer:     client,
		Endpoint:    endpoint,
		Region:      cfg.Region,
		MaxAttempts: max(DefaultMaxAttempts, cfg.RetryMaxAttempts),
		Logf:        o.Logf,
	}, nil
}

// resolveEndpoint asks the client's own endpoint rules where calls go.
func resolveEndpoint(ctx context.Context, o sts.Options) string {
	p := sts.EndpointParameters{
		Region:       aws.String(o.Region),
		Endpoint:     o.BaseEndpoint,
		UseFIPS:      aws.Bool(o.EndpointOptions.UseFIPSEndpoint == aws.FIPSEndpointStateEnabled),
		UseDualStack: aws.Bool(o.EndpointOptions.UseDualStackEndpoint == aws.DualStackEndpointStateEnabled),
	}
	ep, err := o.EndpointResolverV2.ResolveEndpoint(ctx, p)
	if err != nil {
		return aws.ToString(o.BaseEndpoint)
	}
	return ep.URI.String()
}
