// Package arn reads the ARNs oidc-creds is given and shows: IAM roles and
// policies, and the account of an assumed-role ARN. Hand-written rather
// than regexps: compiling one costs more than a whole cache hit.
package arn

import (
	"strings"

	"github.com/oidc-creds/oidc-creds/creds"
)

// Role is a parsed IAM role ARN.
type Role struct {
	ARN, Partition, Account, Path, Name string
}

// ParseRole checks a role ARN's shape (STS itself checks that the role
// exists and trusts the token).
func ParseRole(s string) (Role, error) {
	if s == "" {
		return Role{}, creds.InputErrorf(creds.InputRoleARN, "no role ARN given; expected arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME, e.g. arn:aws:iam::123456789012:role/deploy")
	}
	if len(s) < 20 || len(s) > 2048 {
		return Role{}, creds.InputErrorf(creds.InputRoleARN, "role ARN %q is %d characters long; STS accepts 20 to 2048 (arn:aws:iam::ACCOUNT:role/NAME)", creds.Clip(s), len(s))
	}
	r, ok := parseIAMARN(s, "role/", false, 64)
	if !ok {
		return Role{}, creds.InputErrorf(creds.InputRoleARN, "role ARN %q is not an IAM role ARN; expected arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME with a 12-digit account, e.g. arn:aws:iam::123456789012:role/deploy", creds.Clip(s))
	}
	return r, nil
}

// ValidatePolicies checks the managed session policies: at most 10, each
// an IAM policy ARN.
func ValidatePolicies(arns []string) ([]string, error) {
	var out []string
	for _, a := range arns {
		for _, one := range strings.Split(a, ",") {
			one = strings.TrimSpace(one)
			if one == "" {
				continue
			}
			if len(one) < 20 || len(one) > 2048 || !isPolicyARN(one) {
				return nil, creds.InputErrorf(creds.InputPolicyARNs, "policy ARN %q is not an IAM policy ARN; expected arn:PARTITION:iam::ACCOUNT:policy/[PATH/]NAME, e.g. arn:aws:iam::aws:policy/ReadOnlyAccess", creds.Clip(one))
			}
			out = append(out, one)
		}
	}
	if len(out) > 10 {
		return nil, creds.InputErrorf(creds.InputPolicyARNs, "%d policy ARNs given; STS accepts at most 10 managed session policies", len(out))
	}
	return out, nil
}

// Account returns the account field of an ARN such as
// arn:aws:sts::123456789012:assumed-role/deploy/session, or "" when the ARN
// is empty or has none.
func Account(arn string) string {
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
func parseIAMARN(s, kind string, awsAccount bool, maxName int) (Role, bool) {
	f := strings.SplitN(s, ":", 6)
	if len(f) != 6 || f[0] != "arn" || f[2] != "iam" || f[3] != "" || !ValidPartition(f[1]) {
		return Role{}, false
	}
	if acct := f[4]; acct != "" && !(awsAccount && acct == "aws") && !(len(acct) == 12 && allDigits(acct)) {
		return Role{}, false
	}
	rest, ok := strings.CutPrefix(f[5], kind)
	if !ok {
		return Role{}, false
	}
	i := strings.LastIndexByte(rest, '/')
	path, name := rest[:i+1], rest[i+1:]
	if len(name) < 1 || len(name) > maxName || !ValidNameChars(name) {
		return Role{}, false
	}
	for _, seg := range strings.Split(strings.TrimSuffix(path, "/"), "/") {
		if path == "" {
			break
		}
		if seg == "" || !allPrintable(seg) {
			return Role{}, false
		}
	}
	return Role{ARN: s, Partition: f[1], Account: f[4], Path: "/" + path, Name: name}, true
}

func isPolicyARN(s string) bool {
	_, ok := parseIAMARN(s, "policy/", true, 128)
	return ok
}

// ValidPartition reports whether p can be an ARN partition: [a-z][a-z0-9-]{0,62}.
func ValidPartition(p string) bool {
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

// IsNameChar is STS's [\w+=,.@-] (\w being ASCII letters, digits and _).
func IsNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_+=,.@-", c) >= 0
}

// ValidNameChars reports whether every byte of s is an IsNameChar.
func ValidNameChars(s string) bool {
	for i := 0; i < len(s); i++ {
		if !IsNameChar(s[i]) {
			return false
		}
	}
	return true
}

// ValidAccount reports whether s is an AWS account id: 12 digits.
func ValidAccount(s string) bool { return len(s) == 12 && allDigits(s) }
