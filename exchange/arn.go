package exchange

import "strings"

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
	r, ok := parseIAMARN(s, "role/", false, 64)
	if !ok {
		return RoleARN{}, inputError("role ARN %q is not an IAM role ARN; expected arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME with a 12-digit account, e.g. arn:aws:iam::123456789012:role/deploy", clip(s))
	}
	return r, nil
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
			if len(one) < 20 || len(one) > 2048 || !isPolicyARN(one) {
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

// parseIAMARN reads arn:PARTITION:iam::ACCOUNT:KIND[PATH/]NAME: PARTITION
// like aws or aws-cn (or minio), ACCOUNT 12 digits or empty (MinIO) — or
// "aws" when awsAccount is set (AWS managed policies) — PATH segments of
// printable ASCII, NAME 1 to maxName characters of [\w+=,.@-]. Written by
// hand rather than as a regexp: compiling one costs more than the whole
// cache-hit path.
func parseIAMARN(s, kind string, awsAccount bool, maxName int) (RoleARN, bool) {
	f := strings.SplitN(s, ":", 6)
	if len(f) != 6 || f[0] != "arn" || f[2] != "iam" || f[3] != "" || !isPartition(f[1]) {
		return RoleARN{}, false
	}
	if acct := f[4]; acct != "" && !(awsAccount && acct == "aws") && !(len(acct) == 12 && allDigits(acct)) {
		return RoleARN{}, false
	}
	rest, ok := strings.CutPrefix(f[5], kind)
	if !ok {
		return RoleARN{}, false
	}
	i := strings.LastIndexByte(rest, '/')
	path, name := rest[:i+1], rest[i+1:]
	if len(name) < 1 || len(name) > maxName || !allSessionChars(name) {
		return RoleARN{}, false
	}
	for _, seg := range strings.Split(strings.TrimSuffix(path, "/"), "/") {
		if path == "" {
			break
		}
		if seg == "" || !allPrintable(seg) {
			return RoleARN{}, false
		}
	}
	return RoleARN{ARN: s, Partition: f[1], Account: f[4], Path: "/" + path, Name: name}, true
}

func isPolicyARN(s string) bool {
	_, ok := parseIAMARN(s, "policy/", true, 128)
	return ok
}

// isPartition: [a-z][a-z0-9-]{0,62}.
func isPartition(p string) bool {
	if len(p) < 1 || len(p) > 63 || p[0] < 'a' || p[0] > 'z' {
		return false
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func allPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// isSessionChar is STS's [\w+=,.@-] (\w being ASCII letters, digits and _).
func isSessionChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_+=,.@-", c) >= 0
}

func allSessionChars(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isSessionChar(s[i]) {
			return false
		}
	}
	return true
}
