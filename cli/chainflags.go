package cli

// ChainFlags chain roles after the web-identity exchange: part of
// ExchangeFlags, so every command that obtains credentials takes them.
type ChainFlags struct {
	ChainRoleARNs []string `name:"chain-role-arn" env:"OIDC_CREDS_CHAIN_ROLE_ARNS" sep:"," placeholder:"ARN" help:"After the web-identity exchange for --role-arn, assume this role with sts:AssumeRole, signed with the previous role's credentials; repeatable (or comma-separated), in order. The output is the last role's credentials; --duration (at most 1h: AWS's limit for role chaining), --policy, --policy-arn and --external-id apply to the last."`
	ExternalID    string   `name:"external-id" env:"OIDC_CREDS_EXTERNAL_ID" placeholder:"ID" help:"External id for the sts:AssumeRole of the last --chain-role-arn (the trust policy's sts:ExternalId condition): 2-1224 of [A-Za-z0-9_+=,.@:/-]."`
}
