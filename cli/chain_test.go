package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/oidc-creds/oidc-creds/creds"
)

// A chain whose roles are not all of one partition is bad input, refused by
// check (so before any call) with both partitions named.
func TestCheckChainPartitions(t *testing.T) {
	for _, tc := range []struct {
		name  string
		role  string
		chain []string
		want  string // "" = accepted
	}{
		{"aws", "arn:aws:iam::111111111111:role/ci", []string{"arn:aws:iam::222222222222:role/a", "arn:aws:iam::333333333333:role/b"}, ""},
		{"aws-cn", "arn:aws-cn:iam::111111111111:role/ci", []string{"arn:aws-cn:iam::222222222222:role/deploy"}, ""},
		{"aws to aws-cn", "arn:aws:iam::111111111111:role/ci", []string{"arn:aws-cn:iam::222222222222:role/deploy"},
			"--chain-role-arn arn:aws-cn:iam::222222222222:role/deploy is in partition aws-cn, and the role before it in the chain, arn:aws:iam::111111111111:role/ci, in partition aws: "},
		{"second hop to aws-us-gov", "arn:aws:iam::111111111111:role/ci", []string{"arn:aws:iam::222222222222:role/a", "arn:aws-us-gov:iam::333333333333:role/b"},
			"--chain-role-arn arn:aws-us-gov:iam::333333333333:role/b is in partition aws-us-gov, and the role before it in the chain, arn:aws:iam::222222222222:role/a, in partition aws: "},
		{"MinIO to aws", "arn:minio:iam:::role/minio-like", []string{"arn:aws:iam::222222222222:role/deploy"}, "is in partition aws, and the role before it in the chain, arn:minio:iam:::role/minio-like, in partition minio"},
		{"aws to MinIO", "arn:aws:iam::111111111111:role/ci", []string{"arn:minio:iam:::role/minio-like"}, "is in partition minio"},
		// Without a valid --role-arn the chain is still checked within.
		{"no role ARN", "", []string{"arn:aws:iam::222222222222:role/a", "arn:aws-cn:iam::333333333333:role/b"}, "in partition aws-cn, and the role before it in the chain, arn:aws:iam::222222222222:role/a, in partition aws"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := ExchangeFlags{RoleARN: tc.role, Duration: "1h", Timeout: time.Second, ChainFlags: ChainFlags{ChainRoleARNs: tc.chain}}
			_, probs := f.check(context.Background())
			var got *problem
			for i, p := range probs {
				if strings.Contains(p.err.Error(), "partition") {
					got = &probs[i]
				}
			}
			if tc.want == "" {
				if got != nil {
					t.Fatalf("refused: %v", got.err)
				}
				return
			}
			if got == nil {
				t.Fatalf("accepted (problems: %v)", probs)
			}
			if !strings.Contains(got.err.Error(), tc.want) || got.check != "role ARN" {
				t.Errorf("%s: %v\nwant %q", got.check, got.err, tc.want)
			}
			if e, ok := got.err.(*creds.Error); !ok || e.Kind != creds.KindInput {
				t.Errorf("not an input error (exit 2): %#v", got.err)
			}
		})
	}
}
