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
	Issuer    string `name:"issuer" placeholder:"URL" help:"OIDC issuer URL (GitHub Actions: https://token.actions.githubusercontent.com). Default: https://api.pulumi.com/oidc, or the token's with --from-token."`

	Org         string   `name:"org" placeholder:"ORG" help:"Pulumi organization: the audience (aud) of its tokens and part of their subject."`
	Project     string   `name:"project" placeholder:"PROJECT" help:"Trust the Pulumi Deployments of this project: sub pulumi:deploy:org:ORG:project:PROJECT:*."`
	Stack       string   `name:"stack" placeholder:"STACK" help:"With --project: only this stack: sub pulumi:deploy:org:ORG:project:PROJECT:stack:STACK:*."`
	Environment string   `name:"environment" placeholder:"ENV" help:"Trust Pulumi ESC environment ENV: sub pulumi:environments:org:ORG:env:ENV."`
	ESCFromIaC  bool     `name:"esc-from-iac" help:"Also trust ESC opened from Pulumi IaC, whose subject is literally pulumi:environments:org:ORG:env:<yaml> (for every environment of the org)."`
	FromToken   bool     `name:"from-token" help:"Trust exactly the current token's iss, aud and sub (see --token-file, --token-env, --token-command; OIDC_CREDS_AUDIENCE is the audience a CI platform is asked for)."`
	Subject     []string `name:"subject" sep:"none" placeholder:"PATTERN" help:"Any other subject pattern (StringLike: * any run, ? one character), e.g. repo:OWNER/REPO:ref:refs/heads/main; repeatable."`
	Audience    []string `name:"audience" sep:"none" placeholder:"AUD" help:"Audience (aud) the tokens carry; repeatable. Default: --org (GitHub Actions: sts.amazonaws.com)."`

	TokenFlags
	TokenTimeout

	TrustRoleFlags // trustrole.go
}

// Run prints the policy JSON on stdout; warnings go to stderr.
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
	for _, s := range spec.Subjects {
		if strings.Trim(s, "*") == "" {
			o.Warnf("the subject pattern %q trusts every token of %s with audience %s; narrow it", s, spec.Provider(), strings.Join(spec.Audience, ","))
		}
	}
	_, err = io.WriteString(o.Stdout, pol)
	return err
}

func (c *TrustPolicyCmd) spec(o *IO) (trust.Spec, error) {
	var s trust.Spec
	modes := 0
	for _, set := range []bool{c.Project != "", c.Environment != "" || c.ESCFromIaC, c.FromToken, len(c.Subject) > 0} {
		if set {
			modes++
		}
	}
	if modes != 1 {
		return s, usageError("give exactly one of --project PROJECT [--stack STACK] (Pulumi Deployments), --environment ENV [--esc-from-iac] (Pulumi ESC), --from-token (the current token) or --subject PATTERN")
	}
	if c.Stack != "" && c.Project == "" {
		return s, usageError("--stack needs --project")
	}
	if c.FromToken && (c.Org != "" || len(c.Audience) > 0 || c.Issuer != "") {
		return s, usageError("--from-token takes iss, aud and sub from the token; drop --org, --audience and --issuer")
	}
	if err := c.account(&s); err != nil {
		return s, err
	}
	s.Issuer = c.Issuer
	if c.FromToken {
		ctx, cancel, err := c.context()
		if err != nil {
			return s, err
		}
		defer cancel()
		tok, err := c.loadToken(ctx, o, platformFlagsFromEnv())
		if err != nil {
			return s, err
		}
		cl := tok.Claims
		if cl.Issuer == "" || len(cl.Audience) == 0 || cl.Subject == "" {
			return s, &creds.Error{Kind: creds.KindToken, Msg: fmt.Sprintf("the token from %s lacks iss, aud or sub (%s); STS cannot match it against a trust policy", tok.Origin, tok.Describe())}
		}
		s.Issuer, s.Audience, s.Subjects = cl.Issuer, cl.Audience, []string{cl.Subject}
		return s, nil
	}
	s.Audience = c.Audience
	if len(s.Audience) == 0 && c.Org != "" {
		s.Audience = []string{c.Org}
	}
	if len(c.Subject) > 0 {
		if len(s.Audience) == 0 {
			return s, usageError("--subject needs --audience AUD (or --org ORG for Pulumi): the aud the tokens carry")
		}
		s.Subjects = c.Subject
		return s, nil
	}
	return s, c.pulumiSubjects(&s)
}

// pulumiSubjects sets the subjects of Pulumi's tokens that the flags name.
func (c *TrustPolicyCmd) pulumiSubjects(s *trust.Spec) error {
	if c.Org == "" {
		return usageError("--org ORG is required: the Pulumi organization, which is the tokens' audience and part of their subject")
	}
	for _, f := range [...]struct{ flag, v string }{{"--org", c.Org}, {"--project", c.Project}, {"--stack", c.Stack}, {"--environment", c.Environment}} {
		if strings.ContainsAny(f.v, ": \t\r\n") {
			return usageError("%s %q must not contain ':' or white space: Pulumi names have neither", f.flag, f.v)
		}
	}
	switch {
	case c.Project != "":
		s.Subjects = []string{trust.PulumiDeploySubject(c.Org, c.Project, c.Stack)}
	default:
		if c.Environment != "" {
			s.Subjects = append(s.Subjects, trust.PulumiESCSubject(c.Org, c.Environment))
		}
		if c.ESCFromIaC {
			s.Subjects = append(s.Subjects, trust.PulumiESCSubject(c.Org, trust.PulumiESCFromIaCEnv))
		}
	}
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

func usageError(format string, args ...any) error {
	return &creds.Error{Kind: creds.KindInput, Msg: fmt.Sprintf(format, args...)}
}
