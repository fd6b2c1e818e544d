package exchange

import (
	"regexp"
	"strings"
)

// roleARN is arn:PARTITION:iam::ACCOUNT:role/PATH/NAME. ACCOUNT is 12
// digits, or empty for S3-compatible servers (MinIO: arn:minio:iam:::role/ID).
var roleARN = regexp.MustCompile(`^arn:([a-z][a-z0-9-]{0,62}):iam::(\d{12})?:role/((?:[\x21-\x7e]+/)*)([\w+=,.@-]{1,64})$`)

// policyARN is arn:PARTITION:iam::ACCOUNT:policy/PATH/NAME, ACCOUNT being
// 12 digits or "aws" for AWS managed policies.
var policyARN = regexp.MustCompile(`^arn:([a-z][a-z0-9-]{0,62}):iam::(\d{12}|aws)?:policy/((?:[\x21-\x7e]+/)*)([\w+=,.@-]{1,128})$`)

// RoleARN is a parsed IAM role ARN.
type RoleARN struct {
	ARN, Partition, Account, Path, Name string
}

// ParseRoleARN checks a role ARN's shape (STS itself checks that the role
// exists and trusts the token).
func ParseRoleARN(s string) (RoleARN, error) {
	if s == "" {
		return RoleARN{}, inputError("no role ARN: pass --role-arn or set OIDC_CREDS_ROLE_ARN or AWS_ROLE_ARN (arn:aws:iam::ACCOUNT:role/NAME)")
	}
	if len(s) < 20 || len(s) > 2048 {
		return RoleARN{}, inputError("role ARN %q is %d characters long; STS accepts 20 to 2048 (arn:aws:iam::ACCOUNT:role/NAME)", clip(s), len(s))
	}
	m := roleARN.FindStringSubmatch(s)
	if m == nil {
		return RoleARN{}, inputError("role ARN %q is not an IAM role ARN; expected arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME with a 12-digit account, e.g. arn:aws:iam::123456789012:role/deploy", clip(s))
	}
	return RoleARN{ARN: s, Partition: m[1], Account: m[2], Path: "/" + m[3], Name: m[4]}, nil
}

// ValidatePolicyARNs checks the managed session policies: at most 10, each
// an IAM policy ARN.
func ValidatePolicyARNs(arns []string) ([]string, error) {
	var out []string
	for _, a := range arns {
		for _, one := range strings.Split(a, ",") {
			one = strings.TrimSpace(one)
			if one == "" {
				continue
			}
			if len(one) < 20 || len(one) > 2048 || !policyARN.MatchString(one) {
				return nil, inputError("policy ARN %q is not an IAM policy ARN; expected arn:PARTITION:iam::ACCOUNT:policy/[PATH/]NAME, e.g. arn:aws:iam::aws:policy/ReadOnlyAccess", clip(one))
			}
			out = append(out, one)
		}
	}
	if len(out) > 10 {
		return nil, inputError("%d policy ARNs given; STS accepts at most 10 managed session policies", len(out))
	}
	return out, nil
}

// clip shortens a value quoted in a message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

// AccountFromARN returns the account field of an ARN such as
// arn:aws:sts::123456789012:assumed-role/deploy/session, or "" when the ARN
// is empty or has none.
func AccountFromARN(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	return parts[4]
}
