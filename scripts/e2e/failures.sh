# shellcheck shell=bash disable=SC2034,SC2154 # variables shared with scripts/e2e.sh, which sources this file
# scripts/e2e.sh's failure checks (sourced by it): through the AWS CLI, each
# refusal reads as oidc-creds' one-sentence explanation, against MinIO and
# against teststs' STS, which answers with AWS's error codes.

# expect_failure CHECK "NEEDS..." PROFILE TEXT...: unless a prerequisite is
# missing (SKIP), aws s3 ls through PROFILE fails, and the AWS CLI shows
# oidc-creds' explanation, containing every TEXT, as
# "Error when retrieving credentials from custom-process: oidc-creds: …".
expect_failure() {
	local name=$1 needs=$2 prof=$3 err=$work/$1.err line
	shift 3
	begin
	# shellcheck disable=SC2086 # NEEDS is a list of words
	need "$name" $needs || return 0
	if s3 --profile "$prof" s3 ls >"$work/$name.out" 2>"$err"; then
		fail "$name" "aws s3 ls succeeded; it should have failed" "$work/$name.out"
		return
	fi
	line=$(grep -m1 '^Error when retrieving credentials from custom-process: oidc-creds: ' "$err")
	if [ -z "$line" ]; then
		fail "$name" "the AWS CLI did not show oidc-creds' explanation" "$err"
		return
	fi
	explains "$name" "$line" "$err" "$@" || return 0
	if grep -Eq 'Traceback|panic:|goroutine [0-9]' "$err"; then
		fail "$name" "a crash on the way" "$err"
		return
	fi
	pass "$name" "aws: ${line#Error when retrieving credentials from custom-process: }"
}

# explains CHECK LINE ERRFILE TEXT...: LINE contains every TEXT; else FAIL
# CHECK and a non-zero status.
explains() {
	local name=$1 line=$2 err=$3 t
	shift 3
	for t in "$@"; do
		if [[ $line != *"$t"* ]]; then
			fail "$name" "the explanation lacks \"$t\"" "$err"
			return 1
		fi
	done
}

# A token that expired 10 s ago: within oidc-creds' 30 s of clock skew, so
# STS is the one that refuses it. Minted afresh right before each use.
mint_expired_at_sts() { mint --sub "$SUB" --aud "$AUD" --exp-in -10s >"$work/token-expired-at-sts"; }

check_failures_minio() {
	step "failures read well through the AWS CLI, against MinIO"
	expect_failure minio-expired-token "aws minio" minio-expired "the token from file" "expired at" "ago; get a fresh token from the identity provider"
	# MinIO answers InvalidParameterValue "Token is expired".
	mint_expired_at_sts
	expect_failure minio-expired-at-sts "aws minio" minio-expired-at-sts "STS says the token expired at" "get a fresh token"
	# MinIO answers InvalidParameterValue about the azp claim where AWS answers
	# InvalidIdentityToken "Incorrect token audience": the same explanation.
	expect_failure minio-wrong-audience "aws minio" minio-wrong-aud "does not list the token's audience" "add it as a client ID"
	# MinIO answers InvalidParameterValue "RoleARN … is not defined" where AWS
	# answers AccessDenied.
	expect_failure minio-unknown-role "aws minio" minio-unknown-role "knows no role arn:minio:iam:::role/no-such-role" "check --role-arn"
}

check_failures_aws_codes() {
	step "failures read well through the AWS CLI, with AWS's error codes (teststs' STS)"
	mint_expired_at_sts
	expect_failure aws-codes-expired-at-sts aws aws-expired-at-sts "STS says the token expired at" "get a fresh token"
	expect_failure aws-codes-wrong-audience aws aws-wrong-aud "does not list the token's audience \"someone-else\""
	expect_failure aws-codes-unknown-role aws aws-unknown-role "the trust policy of role ${AWS_ROLE%/*}/no-such-role does not accept this token (or the role does not exist)"
}
