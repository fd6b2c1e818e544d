package cli

import (
	"time"
)

// ExchangeFlags are the inputs of an exchange, shared by every command that
// obtains credentials.
type ExchangeFlags struct {
	RoleARN     string   `name:"role-arn" env:"OIDC_CREDS_ROLE_ARN,AWS_ROLE_ARN" placeholder:"ARN" help:"IAM role to assume (required): arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME, e.g. arn:aws:iam::123456789012:role/deploy; MinIO: arn:minio:iam:::role/ID."`
	SessionName string   `name:"session-name" env:"OIDC_CREDS_SESSION_NAME,AWS_ROLE_SESSION_NAME" placeholder:"NAME" help:"Role session name shown in CloudTrail: 2-64 of [A-Za-z0-9_+=,.@-]. Default: derived from the token (Pulumi: org, project, stack or environment)."`
	PolicyARNs  []string `name:"policy-arn" env:"OIDC_CREDS_POLICY_ARNS" sep:"," placeholder:"ARN" help:"Managed session policy ARN; repeatable or comma-separated, at most 10."`
	Policy      string   `name:"policy" env:"OIDC_CREDS_POLICY" placeholder:"JSON|@FILE" help:"Inline session policy: JSON text or @FILE, at most 2048 characters."`
	Duration    string   `name:"duration" env:"OIDC_CREDS_DURATION" default:"1h" placeholder:"XhYmZs" help:"Session duration in the XhYmZs form (1h, 45m, 1h30m, 900s), 15m to 12h, at most the role's MaxSessionDuration; default ${default}."`

	ChainFlags

	TokenFlags
	PlatformFlags

	Region      string        `name:"region" env:"OIDC_CREDS_REGION" help:"STS region (default: the SDK's resolution: AWS_REGION, AWS_DEFAULT_REGION, the profile; else us-east-1)."`
	EndpointURL string        `name:"endpoint-url" env:"OIDC_CREDS_ENDPOINT_URL" placeholder:"URL" help:"STS endpoint URL (default: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the profile's endpoint_url, else the regional STS endpoint)."`
	Timeout     time.Duration `name:"timeout" env:"OIDC_CREDS_TIMEOUT" default:"30s" help:"Time limit for the whole run, retries and waiting for the cache lock (or the AWS file's lock) included."`

	NoCache       bool          `name:"no-cache" env:"OIDC_CREDS_NO_CACHE" help:"Neither read nor write the credential cache."`
	CacheDir      string        `name:"cache-dir" env:"OIDC_CREDS_CACHE_DIR" placeholder:"DIR" help:"Credential cache directory (default: oidc-creds under the user cache directory, e.g. ~/.cache/oidc-creds)."`
	RefreshWindow time.Duration `name:"refresh-window" env:"OIDC_CREDS_REFRESH_WINDOW" default:"15m" help:"Exchange again when cached credentials have less than this left (at most half the duration)."`
}

// TokenFlags say where to read the token: part of ExchangeFlags, and on
// their own for the commands that read a token without exchanging it
// (token, trust-policy --from-token). At most one may be given; one on the
// command line wins over the variables of the others (see chosen).
type TokenFlags struct {
	TokenFile    string `name:"token-file" env:"OIDC_CREDS_TOKEN_FILE" placeholder:"PATH" help:"Read the OIDC token from this file ('-' for standard input). Default: $PULUMI_OIDC_TOKEN, /mnt/pulumi/pulumi.oidc, $AWS_WEB_IDENTITY_TOKEN_FILE, then the CI platform's."`
	TokenEnv     string `name:"token-env" env:"OIDC_CREDS_TOKEN_ENV" placeholder:"NAME" help:"Read the OIDC token from the environment variable NAME."`
	TokenCommand string `name:"token-command" env:"OIDC_CREDS_TOKEN_COMMAND" placeholder:"CMD" help:"Run CMD with the system shell, within --timeout, each time; its standard output is the token."`

	given flagOrigins // where the values of the command's flags came from (AfterApply)
}

// PlatformFlags are what the CI platforms that hand out tokens on request
// need: part of ExchangeFlags and of token.
type PlatformFlags struct {
	Audience               string `name:"audience" env:"OIDC_CREDS_AUDIENCE" default:"sts.amazonaws.com" placeholder:"AUD" help:"Audience to ask GitHub Actions or Buildkite for; default ${default}."`
	AzureServiceConnection string `name:"azure-service-connection" env:"OIDC_CREDS_AZURE_SERVICE_CONNECTION" placeholder:"ID" help:"Azure DevOps: the ID of the service connection to request a token for."`
}

// timeNow is the clock; tests replace it.
var timeNow = time.Now
