package exchange

import (
	"bytes"
	"context"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
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
// again. A setting the SDK refuses, or a file of it that is not a regular
// file or blocks past ctx, is a *ConfigError.
func NewExchanger(ctx context.Context, o ClientOptions) (*Exchanger, error) {
	logf := o.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	cfg, err := loadConfig(ctx, o.Region)
	if err != nil {
		return nil, err
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

// loadConfig is config.LoadDefaultConfig, anonymous, within ctx: the
// variables are checked first (config.NewEnvConfig), the shared files must
// be regular files, and the CA bundle is read here (bounded), so that no
// file the SDK would read without a deadline can hold the run.
func loadConfig(ctx context.Context, region string) (aws.Config, error) {
	if _, err := config.NewEnvConfig(); err != nil {
		return aws.Config{}, envConfigError(err)
	}
	if err := CheckSharedFiles(ctx); err != nil {
		return aws.Config{}, err
	}
	opts := []func(*config.LoadOptions) error{
		config.WithCredentialsProvider(aws.AnonymousCredentials{}),
	}
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	ca := os.Getenv(CABundleVar)
	if ca != "" {
		pem, err := ReadSDKFile(ctx, SDKFile{Variable: CABundleVar, Path: ca})
		if err != nil {
			return aws.Config{}, err
		}
		opts = append(opts, config.WithCustomCABundle(bytes.NewReader(pem)))
	}
	type loaded struct {
		cfg aws.Config
		err error
	}
	done := make(chan loaded, 1)
	go func() {
		cfg, err := config.LoadDefaultConfig(ctx, opts...)
		done <- loaded{cfg, err}
	}()
	select {
	case l := <-done:
		if l.err != nil {
			return aws.Config{}, classifyConfig(l.err, ca != "")
		}
		return l.cfg, nil
	case <-ctx.Done():
		// A shared file that stat saw as regular and that blocks (a hung
		// mount): the read goes on in the background; the run ends.
		return aws.Config{}, &ConfigError{Problem: ConfigBlocked, Err: ctx.Err()}
	}
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
