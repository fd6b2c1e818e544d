package exchange

import (
	"encoding/json"
	"fmt"
	"strings"
)

// PulumiIssuer is Pulumi Cloud's OIDC issuer.
const PulumiIssuer = "https://api.pulumi.com/oidc"

// TrustSpec describes an IAM role trust policy that lets tokens of one
// OIDC issuer assume the role through AssumeRoleWithWebIdentity.
type TrustSpec struct {
	Partition string   // ARN partition: aws, aws-cn, aws-us-gov…; "" = aws
	Account   string   // the account of the role and the identity provider: 12 digits
	Issuer    string   // the issuer URL; "" = PulumiIssuer
	Audience  []string // StringEquals PROVIDER:aud: any of these (Pulumi: the organization)
	Subjects  []string // StringLike PROVIDER:sub: any of these patterns (* any run, ? one character)
}

// Provider is the IAM name of the spec's identity provider (host and path).
func (s TrustSpec) Provider() string {
	iss := s.Issuer
	if iss == "" {
		iss = PulumiIssuer
	}
	return Provider(iss)
}

// ProviderARN is the ARN of the IAM OIDC identity provider the policy's
// Principal names: arn:PARTITION:iam::ACCOUNT:oidc-provider/PROVIDER.
func (s TrustSpec) ProviderARN() string {
	p := s.Partition
	if p == "" {
		p = "aws"
	}
	return fmt.Sprintf("arn:%s:iam::%s:oidc-provider/%s", p, s.Account, s.Provider())
}

// Validate checks what IAM would reject or what would make a policy that
// trusts nobody.
func (s TrustSpec) Validate() error {
	if s.Partition != "" && !isPartition(s.Partition) {
		return inputError("partition %q is not an ARN partition such as aws, aws-cn or aws-us-gov", clip(s.Partition))
	}
	if !ValidAccountID(s.Account) {
		return inputError("account id %q is not 12 digits; pass --account-id with the AWS account that holds the role, e.g. 123456789012", clip(s.Account))
	}
	if s.Provider() == "PROVIDER" {
		return inputError("issuer %q has no host; pass an issuer URL such as %s", clip(s.Issuer), PulumiIssuer)
	}
	if len(s.Audience) == 0 {
		return inputError("no audience: the trust policy needs the aud the tokens carry (Pulumi: the organization name)")
	}
	for _, a := range s.Audience {
		if strings.TrimSpace(a) == "" {
			return inputError("an audience is empty; give the aud the tokens carry (Pulumi: the organization name)")
		}
	}
	if len(s.Subjects) == 0 {
		return inputError("no subject: the trust policy needs the sub pattern of the tokens it accepts")
	}
	for _, sub := range s.Subjects {
		if strings.TrimSpace(sub) == "" {
			return inputError("a subject pattern is empty; give the sub of the tokens the role accepts")
		}
	}
	return nil
}

// ValidAccountID reports whether s is an AWS account id: 12 digits.
func ValidAccountID(s string) bool { return len(s) == 12 && allDigits(s) }

// trustPolicy is the JSON shape of a role trust policy, fields in the order
// IAM's console shows them.
type trustPolicy struct {
	Version   string
	Statement []trustStatement
}

type trustStatement struct {
	Effect    string
	Principal struct{ Federated string }
	Action    string
	Condition map[string]map[string]any
}

// Policy is the whole trust policy document as indented JSON, with a
// final newline. Its Condition has the shape TrustCondition prints.
func (s TrustSpec) Policy() (string, error) {
	if err := s.Validate(); err != nil {
		return "", err
	}
	st := trustStatement{
		Effect:    "Allow",
		Action:    "sts:AssumeRoleWithWebIdentity",
		Condition: condition(s.Provider(), s.Audience, s.Subjects),
	}
	st.Principal.Federated = s.ProviderARN()
	return encodeJSON(trustPolicy{Version: "2012-10-17", Statement: []trustStatement{st}}), nil
}

// condition is a trust policy's Condition: StringEquals PROVIDER:aud and
// StringLike PROVIDER:sub, each a string when there is one value and a
// list (any of) otherwise. TrustCondition and TrustSpec.Policy share it.
func condition(provider string, aud, subs []string) map[string]map[string]any {
	return map[string]map[string]any{
		"StringEquals": {provider + ":aud": oneOrMany(aud)},
		"StringLike":   {provider + ":sub": oneOrMany(subs)},
	}
}

func oneOrMany(v []string) any {
	if len(v) == 1 {
		return v[0]
	}
	return append([]string{}, v...)
}

// encodeJSON indents v by two spaces, without HTML escaping (ESC's literal
// <yaml> subject stays readable), with a final newline.
func encodeJSON(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // maps and slices of strings always encode
	return b.String()
}
