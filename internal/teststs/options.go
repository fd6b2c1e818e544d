package teststs

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Defaults used when Options leave them empty.
const (
	DefaultAddr       = "127.0.0.1:0"
	DefaultAudience   = "acme"
	DefaultRoleARN    = "arn:aws:iam::123456789012:role/deploy"
	DefaultSubPattern = "pulumi:deploy:org:acme:*"
	// DefaultSubject is the sub of minted tokens unless given.
	DefaultSubject = "pulumi:deploy:org:acme:project:web:stack:dev:operation:update:scope:write"
	// DefaultDurationSeconds is what STS uses when DurationSeconds is absent.
	DefaultDurationSeconds = 3600

	DefaultGitHubRepository           = "octo-org/app"
	DefaultGitHubSubject              = "repo:octo-org/app:ref:refs/heads/main" // with DefaultGitHubRepository
	DefaultAzureOrganization          = "octo-org"
	DefaultAzureProject               = "app"
	DefaultAzureServiceConnectionID   = "6c2b4f1e-0d3a-4e8b-9a57-1f0e2d3c4b5a"
	DefaultAzureServiceConnectionName = "aws"
	DefaultAzureAudience              = "api://AzureADTokenExchange" // what Azure DevOps puts in aud
)

// Role is an IAM role. Its trust policy allows web identities of this
// issuer (unless NoWebIdentity) and, for sts:AssumeRole, the sessions of
// TrustedRoles.
type Role struct {
	ARN                string        // e.g. arn:aws:iam::123456789012:role/deploy
	Audience           string        // aud the trust policy requires (StringEquals PROVIDER:aud); "" = Options.Audience
	SubPattern         string        // IAM StringLike pattern on sub: '*' any run, '?' one char; "" = "*"
	MaxSessionDuration time.Duration // 0 = 1h, like IAM's default
	NoWebIdentity      bool          // the trust policy has no web-identity statement: AssumeRoleWithWebIdentity is refused (AccessDenied)

	// TrustedRoles are the principals whose role sessions may sts:AssumeRole
	// this role: role ARNs (e.g. arn:aws:iam::111111111111:role/ci), or
	// arn:PARTITION:iam::ACCOUNT:root for the sessions of every role of
	// that account. Empty: no one may.
	TrustedRoles []string
	// ExternalID, when set, is the sts:ExternalId the trust policy requires:
	// AssumeRole without exactly this ExternalId is refused (AccessDenied).
	ExternalID string
	// AllowTagSession and AllowSetSourceIdentity add sts:TagSession and
	// sts:SetSourceIdentity to the trusted actions; without them AssumeRole
	// with Tags or TransitiveTagKeys, or with a SourceIdentity, is refused.
	AllowTagSession        bool
	AllowSetSourceIdentity bool
}

// trusts reports whether the role's trust policy lets sessions of roleARN
// call sts:AssumeRole on it.
func (r Role) trusts(roleARN string) bool {
	partition, account, _ := parseRoleARN(roleARN)
	for _, p := range r.TrustedRoles {
		if p == roleARN || (account != "" && p == "arn:"+partition+":iam::"+account+":root") {
			return true
		}
	}
	return false
}

// Options configure a Server. The zero value is usable.
type Options struct {
	Addr                string        // listen address, default "127.0.0.1:0"
	Audience            string        // the identity provider's client ID (accepted aud), default "acme"; the default aud of Mint and of roles
	Audiences           []string      // more client IDs the provider accepts (e.g. "sts.amazonaws.com" for GitHub tokens)
	Roles               []Role        // default: one role DefaultRoleARN, SubPattern DefaultSubPattern, MaxSessionDuration 12h
	CredentialTTL       time.Duration // when >0, issued credentials expire after this instead of DurationSeconds (tests of renewal)
	EmptyAssumedRoleARN bool          // answer with an empty AssumedRoleUser Arn (and AssumedRoleId), as MinIO does
	GitHub              GitHubOptions // the GitHub Actions token endpoint
	Azure               AzureOptions  // the Azure DevOps OIDC token endpoint
}

// GitHubOptions shape the tokens of the GitHub Actions endpoint.
type GitHubOptions struct {
	Repository string         // OWNER/REPO; default DefaultGitHubRepository
	Subject    string         // sub; default "repo:REPOSITORY:ref:refs/heads/main"
	Claims     map[string]any // extra claims, or replacements (nil removes one), as for Mint
}

// AzureOptions shape the tokens of the Azure DevOps endpoint.
type AzureOptions struct {
	Organization string            // default DefaultAzureOrganization
	Project      string            // default DefaultAzureProject
	Connections  map[string]string // service connection ID → name; default {DefaultAzureServiceConnectionID: DefaultAzureServiceConnectionName}
	Audience     string            // aud; default DefaultAzureAudience
}

// withDefaults fills in the defaults of empty options.
func (opts Options) withDefaults() Options {
	if opts.Addr == "" {
		opts.Addr = DefaultAddr
	}
	if opts.Audience == "" {
		opts.Audience = DefaultAudience
	}
	if opts.Roles == nil {
		opts.Roles = []Role{{ARN: DefaultRoleARN, SubPattern: DefaultSubPattern, MaxSessionDuration: 12 * time.Hour}}
	}
	g := &opts.GitHub
	g.Repository = cmp.Or(g.Repository, DefaultGitHubRepository)
	g.Subject = cmp.Or(g.Subject, "repo:"+g.Repository+":ref:refs/heads/main")
	a := &opts.Azure
	a.Organization = cmp.Or(a.Organization, DefaultAzureOrganization)
	a.Project = cmp.Or(a.Project, DefaultAzureProject)
	a.Audience = cmp.Or(a.Audience, DefaultAzureAudience)
	a.Connections = maps.Clone(a.Connections)
	if a.Connections == nil {
		a.Connections = map[string]string{DefaultAzureServiceConnectionID: DefaultAzureServiceConnectionName}
	}
	opts.GitHub.Claims = maps.Clone(opts.GitHub.Claims)
	return opts
}

// roleMap indexes the roles by ARN with their defaults filled in; a role
// without ARN or given twice is an error.
func roleMap(roles []Role, audience string) (map[string]Role, error) {
	m := make(map[string]Role, len(roles))
	for _, r := range roles {
		if r.ARN == "" {
			return nil, errors.New("teststs: a role has no ARN")
		}
		if _, dup := m[r.ARN]; dup {
			return nil, fmt.Errorf("teststs: role %s given twice", r.ARN)
		}
		if r.Audience == "" {
			r.Audience = audience
		}
		if r.SubPattern == "" {
			r.SubPattern = "*"
		}
		if r.MaxSessionDuration <= 0 {
			r.MaxSessionDuration = time.Hour
		}
		r.TrustedRoles = slices.Clone(r.TrustedRoles)
		m[r.ARN] = r
	}
	return m, nil
}
