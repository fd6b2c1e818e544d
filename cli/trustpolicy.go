package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/oidc-creds/oidc-creds/arn"
	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/trust"
)

// TrustPolicyCmd prints an IAM role trust policy for AssumeRoleWithWebIdentity.
type TrustPolicyCmd struct {
	AccountID string `name:"account-id" placeholder:"ID" help:"AWS account (12 digits) that holds the role and the identity provider. Default: the account of --role-arn."`
	RoleARN   string `name:"role-arn" placeholder:"ARN" help:"The role the policy is for; its account and partition are used when --account-id is not given."`
	Partition string `name:"partition" placeholder:"NAME" help:"ARN partition (aws-cn, aws-us-gov…). Default: the partition of --role-arn, else aws."`
	Issuer    string `name:"issuer" placeholder:"URL" help:"OIDC issuer URL. Default: https://api.pulumi.com/oidc (Pulumi), https://token.actions.githubusercontent.com (--github-repo), or the token's (--from-token). ESC's fn::open::oidc tokens come from https://api.pulumi.com/oidc/v2."`

	Org         string   `name:"org" placeholder:"ORG" help:"Pulumi organization: part of the subject of its tokens, and their audience (aws:ORG for ESC environments outside the legacy default project)."`
	Project     string   `name:"project" placeholder:"PROJECT" help:"Trust the Pulumi Deployments of this project: sub pulumi:deploy:org:ORG:project:PROJECT:*, aud ORG."`
	Stack       string   `name:"stack" placeholder:"STACK" help:"With --project: only this stack: sub pulumi:deploy:org:ORG:project:PROJECT:stack:STACK:*."`
	Environment []string `name:"environment" sep:"none" placeholder:"PROJECT/ENV" help:"Trust Pulumi ESC environment PROJECT/ENV (sub pulumi:environments:org:ORG:env:PROJECT/ENV, aud aws:ORG); a bare ENV is one of the legacy default project (sub …:env:ENV, aud ORG). Repeatable."`
	ESCFromIaC  bool     `name:"esc-from-iac" help:"Also trust ESC opened from Pulumi IaC, whose subject is literally pulumi:environments:org:ORG:env:<yaml> for every environment of the org (aud aws:ORG or ORG: both are trusted)."`
	GitHubRepo  string   `name:"github-repo" placeholder:"OWNER/REPO" help:"Trust GitHub Actions jobs of this repository (issuer https://token.actions.githubusercontent.com, aud sts.amazonaws.com): with --ref, --github-environment or --pull-request, those; alone, every job (repo:OWNER/REPO:*). A repository may carry immutable IDs in its subjects: --from-token is exact."`
	Ref         []string `name:"ref" sep:"none" placeholder:"REF" help:"With --github-repo: jobs on this branch (main) or ref (refs/tags/v1): sub repo:OWNER/REPO:ref:refs/heads/main. Repeatable."`
	GitHubEnv   []string `name:"github-environment" sep:"none" placeholder:"ENV" help:"With --github-repo: jobs for this deployment environment: sub repo:OWNER/REPO:environment:ENV. Repeatable."`
	PullRequest bool     `name:"pull-request" help:"With --github-repo: jobs triggered by a pull request: sub repo:OWNER/REPO:pull_request."`
	FromToken   bool     `name:"from-token" help:"Trust exactly the current token's iss, aud and sub (see --token-file, --token-env, --token-command; OIDC_CREDS_AUDIENCE is the audience a CI platform is asked for): the exact way for every platform."`
	Subject     []string `name:"subject" sep:"none" placeholder:"PATTERN" help:"Any other subject pattern (StringLike: * any run, ? one character), e.g. repo:OWNER/REPO:ref:refs/heads/release/*; repeatable."`
	Audience    []string `name:"audience" sep:"none" placeholder:"AUD" help:"Audience (aud) the tokens carry; repeatable. Default: the one each subject's tokens carry (see --org, --github-repo)."`
	ClientIDs   bool     `name:"client-ids" help:"Print, instead of the policy, the audiences it trusts, one per line: the client IDs the identity provider must list."`

	TokenFlags
	TokenTimeout

	TrustRoleFlags // trustrole.go
}

// Run prints the policy JSON (or, with --client-ids, its audiences) on
// stdout; warnings go to stderr.
func (c *TrustPolicyCmd) Run(o *IO) error {
	if len(c.TrustRoles) > 0 || c.ExternalID != "" {
		return c.runTrustRole(o)
	}
	spec, err := c.spec(o)
	if err != nil {
		return err
	}
	pol, err := spec.Policy()
	if err != nil {
		return err
	}
	c.warn(o, spec)
	if c.ClientIDs {
		pol = strings.Join(spec.Audiences(), "\n") + "\n"
	}
	_, err = io.WriteString(o.Stdout, pol)
	return err
}

// warn says when the policy trusts more than a careful user means to.
func (c *TrustPolicyCmd) warn(o *IO, spec trust.Spec) {
	for _, g := range spec.Grants {
		for _, s := range g.Subjects {
			if strings.Trim(s, "*") == "" {
				o.Warnf("the subject pattern %q trusts every token of %s with audience %s; narrow it", s, spec.Provider(), strings.Join(g.Audience, ","))
			}
		}
	}
	if lb, _ := trust.CheckIssuer(spec.Issuer); lb {
		o.Warnf("the issuer %s is http on a loopback address: IAM takes only https identity providers, so this policy is for a local test issuer", shown(spec.Issuer))
	}
	if c.GitHubRepo != "" && len(c.Ref)+len(c.GitHubEnv) == 0 && !c.PullRequest {
		o.Warnf("this trusts every GitHub Actions job of %s: any branch, tag, environment and pull request; narrow it with --ref or --github-environment", c.GitHubRepo)
	}
}

func (c *TrustPolicyCmd) spec(o *IO) (trust.Spec, error) {
	var s trust.Spec
	if err := c.checkModes(); err != nil {
		return s, err
	}
	if err := c.account(&s); err != nil {
		return s, err
	}
	s.Issuer = c.Issuer
	if err := issuerError(c.Issuer); err != nil {
		return s, usageError("--%v", err)
	}
	if c.Org != "" {
		if err := trust.CheckPulumiOrg(c.Org); err != nil {
			return s, nameError("--org", c.Org, err)
		}
	}
	switch {
	case c.FromToken:
		return s, c.fromToken(o, &s)
	case len(c.Subject) > 0:
		aud := c.Audience
		if len(aud) == 0 && c.Org != "" {
			aud = []string{c.Org}
		}
		if len(aud) == 0 {
			return s, usageError("--subject needs --audience AUD (or --org ORG for Pulumi): the aud the tokens carry")
		}
		s.Grants = []trust.Grant{{Audience: aud, Subjects: c.Subject}}
		return s, nil
	case c.GitHubRepo != "":
		return s, c.githubSubjects(&s)
	}
	return s, c.pulumiSubjects(&s)
}

// checkModes checks that the flags name one kind of token, and only the
// flags that go with it.
func (c *TrustPolicyCmd) checkModes() error {
	modes := 0
	for _, set := range []bool{c.Project != "", len(c.Environment) > 0 || c.ESCFromIaC, c.GitHubRepo != "", c.FromToken, len(c.Subject) > 0} {
		if set {
			modes++
		}
	}
	switch {
	case c.Stack != "" && c.Project == "" && modes == 0:
		return usageError("--stack needs --project")
	case (len(c.Ref) > 0 || len(c.GitHubEnv) > 0 || c.PullRequest) && c.GitHubRepo == "":
		return usageError("--ref, --github-environment and --pull-request need --github-repo OWNER/REPO")
	case modes != 1:
		return usageError("give exactly one of --project PROJECT [--stack STACK] (Pulumi Deployments), --environment PROJECT/ENV [--esc-from-iac] (Pulumi ESC), --github-repo OWNER/REPO (GitHub Actions), --from-token (the current token) or --subject PATTERN")
	case c.Stack != "" && c.Project == "":
		return usageError("--stack needs --project")
	case c.FromToken && (c.Org != "" || len(c.Audience) > 0 || c.Issuer != ""):
		return usageError("--from-token takes iss, aud and sub from the token; drop --org, --audience and --issuer")
	case c.GitHubRepo != "" && c.Org != "":
		return usageError("--org is Pulumi's; a --github-repo policy takes --audience (default sts.amazonaws.com)")
	}
	return nil
}

// fromToken trusts exactly the current token.
func (c *TrustPolicyCmd) fromToken(o *IO, s *trust.Spec) error {
	ctx, cancel, err := c.context()
	if err != nil {
		return err
	}
	defer cancel()
	tok, err := c.loadToken(ctx, o, platformFlagsFromEnv())
	if err != nil {
		return err
	}
	cl := tok.Claims
	if cl.Issuer == "" || len(cl.Audience) == 0 || cl.Subject == "" {
		return &creds.Error{Kind: creds.KindToken, Msg: fmt.Sprintf("the token from %s lacks iss, aud or sub (%s); STS cannot match it against a trust policy", tok.Origin, tok.Describe())}
	}
	if err := issuerError(cl.Issuer); err != nil {
		return &creds.Error{Kind: creds.KindToken, Err: err, Msg: fmt.Sprintf("no role can trust the token from %s: its %v", tok.Origin, err)}
	}
	s.Issuer = cl.Issuer
	s.Grants = []trust.Grant{{Audience: cl.Audience, Subjects: []string{cl.Subject}, Exact: true}}
	return nil
}

// account fills in the account and partition from the flags or the role ARN.
func (c *TrustPolicyCmd) account(s *trust.Spec) error {
	s.Account, s.Partition = c.AccountID, c.Partition
	if s.Account != "" && !arn.ValidAccount(s.Account) {
		return usageError("account id %q is not 12 digits; pass --account-id with the AWS account that holds the role, e.g. 123456789012", creds.Clip(s.Account))
	}
	if c.RoleARN == "" {
		if s.Account == "" {
			return usageError("--account-id is required (the 12-digit AWS account of the role), unless --role-arn names the role")
		}
		return nil
	}
	role, err := arn.ParseRole(c.RoleARN)
	if err != nil {
		return err
	}
	if s.Account == "" {
		if role.Account == "" {
			return usageError("role ARN %s has no account; pass --account-id", role.ARN)
		}
		s.Account = role.Account
	} else if role.Account != "" && role.Account != s.Account {
		return usageError("--account-id %s differs from the account %s of role %s; the role and its identity provider are in one account", s.Account, role.Account, role.ARN)
	}
	if s.Partition == "" && role.Partition != "minio" {
		s.Partition = role.Partition
	}
	return nil
}

// issuerError is trust.CheckIssuer's refusal of a given issuer, if any.
func issuerError(issuer string) error {
	if issuer == "" {
		return nil
	}
	_, err := trust.CheckIssuer(issuer)
	return err
}

func usageError(format string, args ...any) error {
	return &creds.Error{Kind: creds.KindInput, Msg: fmt.Sprintf(format, args...)}
}
