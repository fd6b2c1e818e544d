package trust

import (
	"strings"

	"github.com/oidc-creds/oidc-creds/arn"
	"github.com/oidc-creds/oidc-creds/creds"
)

// roleStatement is a trust-policy statement for sts:AssumeRole by the
// sessions of other roles (role chaining).
type roleStatement struct {
	Effect    string
	Principal struct{ AWS any }
	Action    string
	Condition map[string]map[string]string `json:",omitempty"`
}

func newRoleStatement(callers []string, externalID string) roleStatement {
	st := roleStatement{Effect: "Allow", Action: "sts:AssumeRole"}
	st.Principal.AWS = oneOrMany(callers)
	if externalID != "" {
		st.Condition = map[string]map[string]string{"StringEquals": {"sts:ExternalId": externalID}}
	}
	return st
}

// RoleStatement is the trust-policy statement (indented JSON, no final
// newline) that lets the sessions of the caller roles call sts:AssumeRole
// on a role: Principal AWS the callers' role ARNs, and the sts:ExternalId
// condition when externalID is not empty. It is what an AccessDenied of a
// chained hop prints, and the statement RolePolicy holds.
func RoleStatement(callers []string, externalID string) string {
	return strings.TrimSuffix(encodeJSON(newRoleStatement(callers, externalID)), "\n")
}

// RolePolicy is the whole trust policy document (indented JSON, final
// newline) with RoleStatement's statement. The callers must be IAM role
// ARNs of one partition: a role trusts sessions of its own partition only.
func RolePolicy(callers []string, externalID string) (string, error) {
	if len(callers) == 0 {
		return "", creds.InputErrorf(creds.InputRoleARN, "no role to trust: give the ARN of the role whose sessions assume this role")
	}
	var first arn.Role
	for i, c := range callers {
		r, err := arn.ParseRole(c)
		if err != nil {
			return "", err
		}
		if i == 0 {
			first = r
		} else if r.Partition != first.Partition {
			return "", creds.InputErrorf(creds.InputRoleARN, "role %s is in partition %s and role %s in partition %s: a role trusts only sessions of its own partition; give the roles of one partition",
				r.ARN, r.Partition, first.ARN, first.Partition)
		}
	}
	doc := struct {
		Version   string
		Statement []roleStatement
	}{"2012-10-17", []roleStatement{newRoleStatement(callers, externalID)}}
	return encodeJSON(doc), nil
}
