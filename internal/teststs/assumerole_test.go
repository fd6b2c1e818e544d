package teststs

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
)

const (
	ciRole     = "arn:aws:iam::111111111111:role/ci"
	deployRole = "arn:aws:iam::222222222222:role/deploy"
	ciSubject  = "repo:octo-org/app:ref:refs/heads/main"
)

// chainServer has a role ci for web identities of octo-org/app and roles
// that ci sessions (or deploy sessions) may assume.
func chainServer(t *testing.T) *Server {
	return NewForTest(t, Options{Roles: []Role{
		{ARN: ciRole, SubPattern: "repo:octo-org/app:*", MaxSessionDuration: 12 * time.Hour},
		{ARN: deployRole, TrustedRoles: []string{ciRole}, NoWebIdentity: true, MaxSessionDuration: 12 * time.Hour},
		{ARN: "arn:aws:iam::222222222222:role/path/ext", TrustedRoles: []string{ciRole}, ExternalID: "ext-id:1/2"},
		{ARN: "arn:aws:iam::222222222222:role/tagged", TrustedRoles: []string{"arn:aws:iam::111111111111:root"},
			AllowTagSession: true, AllowSetSourceIdentity: true},
		{ARN: "arn:aws:iam::222222222222:role/short", TrustedRoles: []string{ciRole}, MaxSessionDuration: 30 * time.Minute},
		{ARN: "arn:aws:iam::333333333333:role/third", TrustedRoles: []string{deployRole}},
	}})
}

func ciClient(t *testing.T, s *Server) (*sts.Client, *types.Credentials) {
	t.Helper()
	return chainFrom(t, s, ciRole, map[string]any{"sub": ciSubject})
}

func assumeInput(roleARN string) *sts.AssumeRoleInput {
	return &sts.AssumeRoleInput{RoleArn: aws.String(roleARN), RoleSessionName: aws.String("chain")}
}

// arCase is an AssumeRole call from a ci session: success when code is "".
type arCase struct {
	name   string
	edit   func(in *sts.AssumeRoleInput)
	code   string
	status int
	msg    string
	arn    string        // AssumedRoleUser Arn on success
	ttl    time.Duration // on success; 0 = 1h
}

func runAssumeRole(t *testing.T, c *sts.Client, cases []arCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := assumeInput(deployRole)
			if tc.edit != nil {
				tc.edit(in)
			}
			out, err := c.AssumeRole(context.Background(), in)
			if tc.code != "" {
				checkAPIError(t, err, tc.code, tc.status, tc.msg)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkCredentials(t, out.Credentials, cmp.Or(tc.ttl, time.Hour))
			u := out.AssumedRoleUser
			if aws.ToString(u.Arn) != tc.arn || !strings.HasPrefix(aws.ToString(u.AssumedRoleId), "AROA") ||
				!strings.HasSuffix(aws.ToString(u.AssumedRoleId), ":"+aws.ToString(in.RoleSessionName)) {
				t.Errorf("AssumedRoleUser %s %s, want Arn %s", aws.ToString(u.Arn), aws.ToString(u.AssumedRoleId), tc.arn)
			}
			if want := in.Policy != nil || in.PolicyArns != nil || in.Tags != nil; want != (out.PackedPolicySize != nil) {
				t.Errorf("PackedPolicySize = %v", out.PackedPolicySize)
			}
			if aws.ToString(out.SourceIdentity) != aws.ToString(in.SourceIdentity) {
				t.Errorf("SourceIdentity = %q", aws.ToString(out.SourceIdentity))
			}
		})
	}
}

func TestAssumeRole(t *testing.T) {
	s := chainServer(t)
	c, _ := ciClient(t, s)
	runAssumeRole(t, c, []arCase{
		{name: "ok", arn: "arn:aws:sts::222222222222:assumed-role/deploy/chain"},
		{name: "ok 15 minutes", edit: func(in *sts.AssumeRoleInput) { in.DurationSeconds = aws.Int32(900) },
			arn: "arn:aws:sts::222222222222:assumed-role/deploy/chain", ttl: 15 * time.Minute},
		{name: "ok one hour, the chaining maximum", edit: func(in *sts.AssumeRoleInput) { in.DurationSeconds = aws.Int32(3600) },
			arn: "arn:aws:sts::222222222222:assumed-role/deploy/chain"},
		{name: "ok external id", edit: func(in *sts.AssumeRoleInput) {
			in.RoleArn, in.ExternalId = aws.String("arn:aws:iam::222222222222:role/path/ext"), aws.String("ext-id:1/2")
		}, arn: "arn:aws:sts::222222222222:assumed-role/ext/chain"},
		{name: "ok session policies", edit: func(in *sts.AssumeRoleInput) {
			in.Policy = aws.String(`{"Version":"2012-10-17","Statement":[]}`)
			in.PolicyArns = []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")}}
		}, arn: "arn:aws:sts::222222222222:assumed-role/deploy/chain"},
		{name: "ok tags and source identity, account trust", edit: func(in *sts.AssumeRoleInput) {
			in.RoleArn, in.RoleSessionName = aws.String("arn:aws:iam::222222222222:role/tagged"), aws.String("a=b,c.d@e-f+g_h")
			in.Tags = []types.Tag{{Key: aws.String("team"), Value: aws.String("a b:c/d")}, {Key: aws.String("é"), Value: aws.String("")}}
			in.TransitiveTagKeys = []string{"team"}
			in.SourceIdentity = aws.String("alice@example.com")
		}, arn: "arn:aws:sts::222222222222:assumed-role/tagged/a=b,c.d@e-f+g_h"},
	})
}

func TestAssumeRoleRefused(t *testing.T) {
	s := chainServer(t)
	c, _ := ciClient(t, s)
	denied := func(role, action string) string {
		return "User: arn:aws:sts::111111111111:assumed-role/ci/ci-session is not authorized to perform: " + action + " on resource: " + role
	}
	role := func(arn string) func(*sts.AssumeRoleInput) {
		return func(in *sts.AssumeRoleInput) { in.RoleArn = aws.String(arn) }
	}
	ext := "arn:aws:iam::222222222222:role/path/ext"
	runAssumeRole(t, c, []arCase{
		{name: "role does not trust ci", edit: role(ciRole), code: "AccessDenied", status: 403, msg: denied(ciRole, "sts:AssumeRole")},
		{name: "unknown role", edit: role("arn:aws:iam::222222222222:role/nope"), code: "AccessDenied", status: 403,
			msg: denied("arn:aws:iam::222222222222:role/nope", "sts:AssumeRole")},
		{name: "trusts another role", edit: role("arn:aws:iam::333333333333:role/third"), code: "AccessDenied", status: 403,
			msg: denied("arn:aws:iam::333333333333:role/third", "sts:AssumeRole")},
		{name: "external id missing", edit: role(ext), code: "AccessDenied", status: 403, msg: denied(ext, "sts:AssumeRole")},
		{name: "external id wrong", edit: func(in *sts.AssumeRoleInput) {
			in.RoleArn, in.ExternalId = aws.String(ext), aws.String("ext-id:1/3")
		}, code: "AccessDenied", status: 403, msg: denied(ext, "sts:AssumeRole")},
		{name: "tags need sts:TagSession", edit: func(in *sts.AssumeRoleInput) {
			in.Tags = []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}
		}, code: "AccessDenied", status: 403, msg: denied(deployRole, "sts:TagSession")},
		{name: "source identity needs sts:SetSourceIdentity", edit: func(in *sts.AssumeRoleInput) {
			in.SourceIdentity = aws.String("alice")
		}, code: "AccessDenied", status: 403, msg: denied(deployRole, "sts:SetSourceIdentity")},
		{name: "role chaining limit", edit: func(in *sts.AssumeRoleInput) { in.DurationSeconds = aws.Int32(3601) },
			code: "ValidationError", status: 400, msg: msgChainingLimit},
		{name: "above the role maximum", edit: func(in *sts.AssumeRoleInput) {
			in.RoleArn = aws.String("arn:aws:iam::222222222222:role/short")
		}, code: "ValidationError", status: 400, msg: msgMaxSessionDuration},
	})
}

func TestAssumeRoleValidation(t *testing.T) {
	s := chainServer(t)
	c, _ := ciClient(t, s)
	tags := func(n int, key string) func(*sts.AssumeRoleInput) {
		return func(in *sts.AssumeRoleInput) {
			in.RoleArn = aws.String("arn:aws:iam::222222222222:role/tagged")
			for i := range n {
				in.Tags = append(in.Tags, types.Tag{Key: aws.String(fmt.Sprintf("%s%d", key, i)), Value: aws.String("v")})
			}
		}
	}
	runAssumeRole(t, c, []arCase{
		{name: "session name pattern", edit: func(in *sts.AssumeRoleInput) { in.RoleSessionName = aws.String("bad name") },
			code: "ValidationError", status: 400,
			msg: `1 validation error detected: Value 'bad name' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`},
		{name: "duration above the model maximum", edit: func(in *sts.AssumeRoleInput) { in.DurationSeconds = aws.Int32(43201) },
			code: "ValidationError", status: 400, msg: "Member must have value less than or equal to 43200"},
		{name: "external id short", edit: func(in *sts.AssumeRoleInput) { in.ExternalId = aws.String("a") },
			code: "ValidationError", status: 400, msg: "Value 'a' at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		{name: "external id long", edit: func(in *sts.AssumeRoleInput) { in.ExternalId = aws.String(strings.Repeat("x", 1225)) },
			code: "ValidationError", status: 400, msg: "at 'externalId' failed to satisfy constraint: Member must have length less than or equal to 1224"},
		{name: "external id pattern", edit: func(in *sts.AssumeRoleInput) { in.ExternalId = aws.String("a b") },
			code: "ValidationError", status: 400, msg: `Value 'a b' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@:\/-]*`},
		{name: "source identity short and bad", edit: func(in *sts.AssumeRoleInput) { in.SourceIdentity = aws.String("!") },
			code: "ValidationError", status: 400, msg: "2 validation errors detected: Value '!' at 'sourceIdentity' failed to satisfy constraint: Member must have length greater than or equal to 2; "},
		{name: "tag key pattern", edit: tags(1, "bad!"), code: "ValidationError", status: 400,
			msg: `Value 'bad!0' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+`},
		{name: "tag value long", edit: func(in *sts.AssumeRoleInput) {
			in.Tags = []types.Tag{{Key: aws.String("k"), Value: aws.String(strings.Repeat("v", 257))}}
		}, code: "ValidationError", status: 400, msg: "at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256"},
		{name: "51 tags", edit: tags(51, "k"), code: "ValidationError", status: 400,
			msg: "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"},
		{name: "50 tags", edit: tags(50, "k"), arn: "arn:aws:sts::222222222222:assumed-role/tagged/chain"},
		{name: "transitive key long", edit: func(in *sts.AssumeRoleInput) { in.TransitiveTagKeys = []string{strings.Repeat("k", 129)} },
			code: "ValidationError", status: 400, msg: "at 'transitiveTagKeys.1.member' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{name: "policy not JSON", edit: func(in *sts.AssumeRoleInput) { in.Policy = aws.String("{") },
			code: "MalformedPolicyDocument", status: 400},
		{name: "policy packs too large", edit: func(in *sts.AssumeRoleInput) {
			in.RoleArn = aws.String("arn:aws:iam::222222222222:role/tagged")
			for i := range 50 {
				in.Tags = append(in.Tags, types.Tag{Key: aws.String(fmt.Sprintf("k%d", i)), Value: aws.String(randomAlnum(20))})
			}
		}, code: "PackedPolicyTooLarge", status: 400, msg: "% of allotted space"},
	})
}

func TestAssumeRoleChainedTwiceAndProvider(t *testing.T) {
	s := chainServer(t)
	c, _ := ciClient(t, s)
	out, err := c.AssumeRole(context.Background(), assumeInput(deployRole))
	if err != nil {
		t.Fatal(err)
	}
	k := out.Credentials
	deploy := signedClient(s, aws.ToString(k.AccessKeyId), aws.ToString(k.SecretAccessKey), aws.ToString(k.SessionToken))
	out, err = deploy.AssumeRole(context.Background(), assumeInput("arn:aws:iam::333333333333:role/third"))
	if err != nil || aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::333333333333:assumed-role/third/chain" {
		t.Fatalf("deploy → third: %v %v", out, err)
	}

	// The SDK's own AssumeRole credentials provider, with an external id.
	p := stscreds.NewAssumeRoleProvider(c, "arn:aws:iam::222222222222:role/path/ext", func(o *stscreds.AssumeRoleOptions) {
		o.ExternalID = aws.String("ext-id:1/2")
		o.Duration = 20 * time.Minute
	})
	creds, err := aws.NewCredentialsCache(p).Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !creds.CanExpire || time.Until(creds.Expires) > 20*time.Minute || creds.AccountID != "222222222222" {
		t.Errorf("credentials expire %v, account %s", creds.Expires, creds.AccountID)
	}
}
