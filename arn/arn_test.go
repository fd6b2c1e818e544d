package arn

import (
	"fmt"
	"strings"
	"testing"

	"github.com/oidc-creds/oidc-creds/creds"
	"github.com/oidc-creds/oidc-creds/internal/testkit"
)

func TestParseRoleARNAccepted(t *testing.T) {
	for _, tc := range []struct {
		in                             string
		partition, account, path, name string
	}{
		{"arn:aws:iam::123456789012:role/deploy", "aws", "123456789012", "/", "deploy"},
		{"arn:aws-cn:iam::123456789012:role/deploy", "aws-cn", "123456789012", "/", "deploy"},
		{"arn:aws-us-gov:iam::123456789012:role/deploy", "aws-us-gov", "123456789012", "/", "deploy"},
		{"arn:aws:iam::123456789012:role/ci/pulumi/deploy-web", "aws", "123456789012", "/ci/pulumi/", "deploy-web"},
		{"arn:aws:iam::123456789012:role/service-role/a+b=c,d.e@f_g-h", "aws", "123456789012", "/service-role/", "a+b=c,d.e@f_g-h"},
		{"arn:minio:iam:::role/dummy-internal", "minio", "", "/", "dummy-internal"},
		{"arn:minio:iam:::role/Fx8xdbQbNzvnbUV7PkTxwDAhkqw", "minio", "", "/", "Fx8xdbQbNzvnbUV7PkTxwDAhkqw"},
		{"arn:aws:iam::123456789012:role/" + strings.Repeat("n", 64), "aws", "123456789012", "/", strings.Repeat("n", 64)},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseRole(tc.in)
			if err != nil {
				t.Fatalf("ParseRole(%q): %v", tc.in, err)
			}
			want := Role{ARN: tc.in, Partition: tc.partition, Account: tc.account, Path: tc.path, Name: tc.name}
			if got != want {
				t.Errorf("ParseRole(%q) = %+v, want %+v", tc.in, got, want)
			}
		})
	}
}

func TestParseRoleARNRefused(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"empty", "", "no role ARN"},
		{"wrong service", "arn:aws:sts::123456789012:role/deploy", "IAM role ARN"},
		{"assumed role", "arn:aws:sts::123456789012:assumed-role/deploy/s", "IAM role ARN"},
		{"policy not role", "arn:aws:iam::123456789012:policy/ReadOnly", "IAM role ARN"},
		{"user not role", "arn:aws:iam::123456789012:user/alice", "IAM role ARN"},
		{"11-digit account", "arn:aws:iam::12345678901:role/deploy", "12-digit account"},
		{"13-digit account", "arn:aws:iam::1234567890123:role/deploy", "12-digit account"},
		{"letters in account", "arn:aws:iam::12345678901a:role/deploy", "12-digit account"},
		{"region given", "arn:aws:iam:us-east-1:123456789012:role/deploy", "IAM role ARN"},
		{"too short", "arn:aws:iam::1:r/x", "20 to 2048"},
		{"too long", "arn:aws:iam::123456789012:role/" + strings.Repeat("p/", 1010) + "x", "20 to 2048"},
		{"name too long", "arn:aws:iam::123456789012:role/" + strings.Repeat("n", 65), "IAM role ARN"},
		{"space in name", "arn:aws:iam::123456789012:role/my role", "IAM role ARN"},
		{"leading space", " arn:aws:iam::123456789012:role/deploy", "IAM role ARN"},
		{"trailing newline", "arn:aws:iam::123456789012:role/deploy\n", "IAM role ARN"},
		{"no name", "arn:aws:iam::123456789012:role/", "IAM role ARN"},
		{"not an arn", "role/deploy-on-123456789012", "IAM role ARN"},
		{"uppercase partition", "arn:AWS:iam::123456789012:role/deploy", "IAM role ARN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseRole(tc.in)
			if err == nil {
				t.Fatalf("ParseRole(%q) = %+v, want an error", tc.in, got)
			}
			e := testkit.WantKind(t, err, creds.KindInput)
			if !strings.Contains(e.Error(), tc.want) {
				t.Errorf("message %q does not contain %q", e.Error(), tc.want)
			}
			if !strings.Contains(e.Error(), "arn:aws:iam::") {
				t.Errorf("message %q shows no example of a role ARN", e.Error())
			}
			if len(e.Error()) > 400 {
				t.Errorf("message is %d bytes long: the ARN was not clipped", len(e.Error()))
			}
		})
	}
}

func TestValidatePolicyARNs(t *testing.T) {
	p := func(i int) string { return fmt.Sprintf("arn:aws:iam::123456789012:policy/p%d", i) }
	eleven := make([]string, 11)
	for i := range eleven {
		eleven[i] = p(i)
	}
	for _, tc := range []struct {
		name    string
		in      []string
		want    []string
		wantErr string
	}{
		{"none", nil, nil, ""},
		{"aws managed", []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}, []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}, ""},
		{"with path", []string{"arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"}, []string{"arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"}, ""},
		{"comma separated", []string{p(1) + "," + p(2)}, []string{p(1), p(2)}, ""},
		{"repeated", []string{p(1), p(2), p(3)}, []string{p(1), p(2), p(3)}, ""},
		{"both, trimmed", []string{" " + p(1) + " , " + p(2) + "\n", "\t" + p(3)}, []string{p(1), p(2), p(3)}, ""},
		{"empty items skipped", []string{p(1) + ",,", ""}, []string{p(1)}, ""},
		{"ten", eleven[:10], eleven[:10], ""},
		{"eleven", eleven, nil, "at most 10"},
		{"eleven by commas", []string{strings.Join(eleven[:6], ","), strings.Join(eleven[6:], ",")}, nil, "at most 10"},
		{"not an ARN", []string{"ReadOnlyAccess"}, nil, "not an IAM policy ARN"},
		{"role not policy", []string{"arn:aws:iam::123456789012:role/deploy"}, nil, "not an IAM policy ARN"},
		{"bad account", []string{"arn:aws:iam::amazon:policy/ReadOnlyAccess"}, nil, "not an IAM policy ARN"},
		{"one bad among good", []string{p(1), "arn:aws:s3:::bucket/policy"}, nil, "not an IAM policy ARN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ValidatePolicies(tc.in)
			if tc.wantErr != "" {
				e := testkit.WantKind(t, err, creds.KindInput)
				if !strings.Contains(e.Error(), tc.wantErr) {
					t.Errorf("message %q does not contain %q", e.Error(), tc.wantErr)
				}
				if got != nil {
					t.Errorf("got %q along with the error", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ValidatePolicies(%q): %v", tc.in, err)
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
				t.Errorf("ValidatePolicies(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestAccountFromARN(t *testing.T) {
	for in, want := range map[string]string{
		"arn:aws:sts::123456789012:assumed-role/deploy/s": "123456789012",
		"arn:aws-cn:sts::210987654321:assumed-role/d/s":   "210987654321",
		"":                             "",
		"arn:minio:sts:::assumed-role": "",
		"not an arn":                   "",
		"arn:aws:sts":                  "",
		"xrn:aws:sts::123456789012:assumed-role/deploy/s": "",
	} {
		if got := Account(in); got != want {
			t.Errorf("Account(%q) = %q, want %q", in, got, want)
		}
	}
}
