// Package trust writes IAM role trust policies: the whole document that
// lets the tokens of one OIDC issuer assume a role through
// AssumeRoleWithWebIdentity, and the Condition block that accepts exactly
// one token (which an AccessDenied explanation prints). Pulumi's subject
// patterns are built here.
package trust

import (
	"fmt"
	"slices"
	"strings"

	"github.com/oidc-creds/oidc-creds/arn"
	"github.com/oidc-creds/oidc-creds/creds"
)

// PulumiIssuer is Pulumi Cloud's OIDC issuer.
const PulumiIssuer = "https://api.pulumi.com/oidc"

// Spec describes an IAM role trust policy that lets tokens of one
// OIDC issuer assume the role through AssumeRoleWithWebIdentity.
type Spec struct {
	Partition string  // ARN partition: aws, aws-cn, aws-us-gov…; "" = aws
	Account   string  // the account of the role and the identity provider: 12 digits
	Issuer    string  // the issuer URL; "" = PulumiIssuer
	Grants    []Grant // one statement each: a token is trusted when one of them accepts it
}

// Grant is one statement's Condition: a token is accepted when its aud is
// one of Audience (StringEquals PROVIDER:aud) and its sub matches one of
// Subjects (StringLike PROVIDER:sub: * any run, ? one character).
//
// Exact grants take Audience and Subjects as values taken from a token, not
// patterns: a subject that holds * or ? (which StringLike would expand) goes
// under StringEquals instead, and "${" in any of them is written so that IAM
// does not read a policy variable there (literal).
type Grant struct {
	Audience []string
	Subjects []string
	Exact    bool
}

// Trust adds subject sub for the tokens of audiences auds (any of them),
// to the grant of exactly these audiences, made when there is none yet.
// Grants keep the order in which they were made, subjects theirs; a repeated
// subject adds nothing. So each subject is trusted with its own audiences
// only, never with those of another subject.
func (s *Spec) Trust(sub string, auds ...string) {
	for i, g := range s.Grants {
		if slices.Equal(g.Audience, auds) {
			if !slices.Contains(g.Subjects, sub) {
				s.Grants[i].Subjects = append(g.Subjects, sub)
			}
			return
		}
	}
	s.Grants = append(s.Grants, Grant{Audience: slices.Clone(auds), Subjects: []string{sub}})
}

// Audiences are the audiences of every grant, each once, in order: the
// client IDs the identity provider must list.
func (s Spec) Audiences() []string {
	var auds []string
	for _, g := range s.Grants {
		for _, a := range g.Audience {
			if !slices.Contains(auds, a) {
				auds = append(auds, a)
			}
		}
	}
	return auds
}

// Provider is the IAM name of the spec's identity provider (host and path).
func (s Spec) Provider() string { return Provider(s.issuer()) }

func (s Spec) issuer() string {
	if s.Issuer == "" {
		return PulumiIssuer
	}
	return s.Issuer
}

// ProviderARN is the ARN of the IAM OIDC identity provider the policy's
// Principal names: arn:PARTITION:iam::ACCOUNT:oidc-provider/PROVIDER.
func (s Spec) ProviderARN() string {
	p := s.Partition
	if p == "" {
		p = "aws"
	}
	return fmt.Sprintf("arn:%s:iam::%s:oidc-provider/%s", p, s.Account, s.Provider())
}

// Validate checks what IAM would reject or what would make a policy that
// trusts nobody.
func (s Spec) Validate() error {
	if s.Partition != "" && !arn.ValidPartition(s.Partition) {
		return creds.InputErrorf(creds.InputPartition, "partition %q is not an ARN partition such as aws, aws-cn or aws-us-gov", creds.Clip(s.Partition))
	}
	if !arn.ValidAccount(s.Account) {
		return creds.InputErrorf(creds.InputAccountID, "account id %q is not 12 digits; give the AWS account that holds the role, e.g. 123456789012", creds.Clip(s.Account))
	}
	if _, err := CheckIssuer(s.issuer()); err != nil {
		return &creds.Error{Kind: creds.KindInput, Input: creds.InputIssuer, Msg: err.Error(), Err: err}
	}
	if len(s.Grants) == 0 {
		return creds.InputErrorf(creds.InputSubject, "no subject: the trust policy needs the sub pattern of the tokens it accepts")
	}
	for _, g := range s.Grants {
		if err := g.validate(); err != nil {
			return err
		}
	}
	return nil
}

func (g Grant) validate() error {
	if len(g.Audience) == 0 {
		return creds.InputErrorf(creds.InputAudience, "no audience: the trust policy needs the aud the tokens carry (Pulumi: the organization name)")
	}
	for _, a := range g.Audience {
		if strings.TrimSpace(a) == "" {
			return creds.InputErrorf(creds.InputAudience, "an audience is empty; give the aud the tokens carry (Pulumi: the organization name)")
		}
	}
	if len(g.Subjects) == 0 {
		return creds.InputErrorf(creds.InputSubject, "no subject: the trust policy needs the sub pattern of the tokens it accepts")
	}
	for _, sub := range g.Subjects {
		if strings.TrimSpace(sub) == "" {
			return creds.InputErrorf(creds.InputSubject, "a subject pattern is empty; give the sub of the tokens the role accepts")
		}
	}
	return nil
}

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
// final newline: one statement per grant, each with a Condition of the
// shape Condition prints.
func (s Spec) Policy() (string, error) {
	if err := s.Validate(); err != nil {
		return "", err
	}
	doc := trustPolicy{Version: "2012-10-17"}
	for _, g := range s.Grants {
		st := trustStatement{
			Effect:    "Allow",
			Action:    "sts:AssumeRoleWithWebIdentity",
			Condition: condition(s.Provider(), g.Audience, g.Subjects, g.Exact),
		}
		st.Principal.Federated = s.ProviderARN()
		doc.Statement = append(doc.Statement, st)
	}
	return encodeJSON(doc), nil
}

// condition is a trust policy's Condition: StringEquals PROVIDER:aud and
// StringLike PROVIDER:sub, each a string when there is one value and a
// list (any of) otherwise. Condition and Spec.Policy share it. Exact values
// are literal: see Grant.
func condition(provider string, aud, subs []string, exact bool) map[string]map[string]any {
	if exact {
		aud, subs = literals(aud), literals(subs)
	}
	c := map[string]map[string]any{
		"StringEquals": {provider + ":aud": oneOrMany(aud)},
		"StringLike":   {provider + ":sub": oneOrMany(subs)},
	}
	if exact && slices.ContainsFunc(subs, func(s string) bool { return strings.ContainsAny(s, "*?") }) {
		delete(c, "StringLike")
		c["StringEquals"][provider+":sub"] = oneOrMany(subs)
	}
	return c
}

func literals(vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = literal(v)
	}
	return out
}

func oneOrMany(v []string) any {
	if len(v) == 1 {
		return v[0]
	}
	return append([]string{}, v...)
}
