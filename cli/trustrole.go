package cli

import (
	"io"

	"github.com/oidc-creds/oidc-creds/exchange"
	"github.com/oidc-creds/oidc-creds/trust"
)

// TrustRoleFlags make trust-policy print the trust policy of a chained
// role (--chain-role-arn): sts:AssumeRole by the sessions of other roles.
type TrustRoleFlags struct {
	TrustRoles []string `name:"trust-role" sep:"none" placeholder:"ARN" help:"Print the trust policy of a role assumed through --chain-role-arn instead: sts:AssumeRole allowed to the sessions of role ARN (the previous role of the chain, e.g. the one --role-arn names); repeatable."`
	ExternalID string   `name:"external-id" placeholder:"ID" help:"With --trust-role: require this sts:ExternalId (the --external-id of the chain)."`
}

// runTrustRole prints the sts:AssumeRole trust policy that --trust-role
// and --external-id describe.
func (c *TrustPolicyCmd) runTrustRole(o *IO) error {
	if len(c.TrustRoles) == 0 {
		return usageError("--external-id belongs to --trust-role ARN: the role whose sessions assume this one")
	}
	if c.Project != "" || c.Stack != "" || len(c.Environment) > 0 || c.ESCFromIaC || c.FromToken || len(c.Subject) > 0 || len(c.Audience) > 0 || c.Org != "" || c.Issuer != "" ||
		c.GitHubRepo != "" || len(c.Ref) > 0 || len(c.GitHubEnv) > 0 || c.PullRequest || c.ClientIDs {
		return usageError("--trust-role prints a policy for sts:AssumeRole by other roles' sessions; drop the web-identity flags (--org, --project, --stack, --environment, --esc-from-iac, --github-repo, --ref, --github-environment, --pull-request, --from-token, --subject, --audience, --issuer, --client-ids)")
	}
	if c.ExternalID != "" {
		if err := exchange.ValidateExternalID(c.ExternalID); err != nil {
			return flagError("--external-id", err)
		}
	}
	pol, err := trust.RolePolicy(c.TrustRoles, c.ExternalID)
	if err != nil {
		return flagError("--trust-role", err)
	}
	_, err = io.WriteString(o.Stdout, pol)
	return err
}
