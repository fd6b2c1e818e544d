#!/usr/bin/env bash
# End-to-end test of oidc-creds against a real STS (MinIO's
# AssumeRoleWithWebIdentity) and real AWS clients: the AWS CLI v2, the AWS SDK
# for Go v2 and the AWS SDK for JavaScript v3.
#
#   bash scripts/e2e.sh
#
# It installs what it needs when it is missing, and reuses it when present
# (scripts/e2e/install.sh):
#   - the AWS CLI v2 from Debian (/usr/bin/aws; apt-get, as root);
#   - MinIO, built through the Go module proxy at a pinned version, into
#     $OIDC_CREDS_E2E_CACHE/bin (default ~/.cache/oidc-creds-e2e/bin);
#   - @aws-sdk/client-s3 and @aws-sdk/credential-providers at the versions
#     pinned in internal/e2e/package.json and package-lock.json, into a
#     directory under that same cache (npm's own download cache is reused).
# A prerequisite that cannot be installed turns the checks that need it into
# SKIP lines. Then it starts the test OIDC issuer (internal/cmd/teststs) and
# MinIO on free 127.0.0.1 ports with a fresh data directory
# (scripts/e2e/servers.sh), runs every check (scripts/e2e/checks.sh,
# scripts/e2e/failures.sh), stops every process it started (by PID, also when
# a step fails or the script is interrupted: scripts/lib/proc.sh), and prints
# a summary whose last line is "N passed, M failed" (scripts/e2e/common.sh).
# It exits non-zero only when a check failed.
#
# Nothing leaves this machine but the package installs. Secrets are never
# printed. E2E_KEEP=1 keeps the work directory (logs, profiles) for a look;
# E2E_WITHOUT=aws,minio,js treats those prerequisites as unavailable (to try
# the SKIP paths, or to save MinIO's first build on a laptop).
set -uo pipefail

cd "$(dirname "$0")/.." || exit 2
# shellcheck source=scripts/lib/proc.sh
. scripts/lib/proc.sh || exit 2
# shellcheck source=scripts/e2e/common.sh
. scripts/e2e/common.sh || exit 2
# shellcheck source=scripts/e2e/install.sh
. scripts/e2e/install.sh || exit 2
# shellcheck source=scripts/e2e/servers.sh
. scripts/e2e/servers.sh || exit 2
# shellcheck source=scripts/e2e/checks.sh
. scripts/e2e/checks.sh || exit 2
# shellcheck source=scripts/e2e/failures.sh
. scripts/e2e/failures.sh || exit 2

MINIO_MODULE=github.com/minio/minio
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
CACHE=${OIDC_CREDS_E2E_CACHE:-$HOME/.cache/oidc-creds-e2e}
AWS=/usr/bin/aws
AUD=oidc-creds-e2e
SUB='pulumi:deploy:org:acme:project:web:stack:dev:operation:update:scope:write'
BUCKET=oidc-creds-e2e
AWS_ROLE=arn:aws:iam::123456789012:role/e2e # a role of teststs' AWS-style STS
CONCURRENT=20

T0=$(date +%s)
PROC_LABEL=e2e PROC_KEEP=${E2E_KEEP:-}
proc_init # stops what is started here and removes $work (E2E_KEEP=1 keeps it)
proc_tempdir oidc-creds-e2e || exit 2
work=$PROC_TMPDIR

# The clients must see only what this script sets up.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN \
	AWS_CREDENTIAL_EXPIRATION AWS_SECURITY_TOKEN AWS_ROLE_ARN AWS_ROLE_SESSION_NAME AWS_WEB_IDENTITY_TOKEN_FILE \
	AWS_ENDPOINT_URL AWS_ENDPOINT_URL_STS AWS_ENDPOINT_URL_S3 AWS_REGION AWS_CA_BUNDLE PULUMI_OIDC_TOKEN
while IFS='=' read -r v _; do unset "$v"; done < <(env | grep '^OIDC_CREDS_' || true)
export AWS_DEFAULT_REGION=us-east-1 AWS_PAGER='' AWS_EC2_METADATA_DISABLED=true
mkdir -p "$work/aws" "$work/bin"
: >"$work/aws/empty"
# shellcheck disable=SC2031 # env_then_awscli changes them in its own subshell only
export AWS_CONFIG_FILE=$work/aws/config AWS_SHARED_CREDENTIALS_FILE=$work/aws/empty

# The prerequisites (a failed build ends the run).
build_binaries || { summary; exit 1; }
OC=$work/bin/oidc-creds
TESTSTS=$work/bin/teststs
install_aws
install_minio
install_js

# The servers (no issuer ends the run) and the profiles.
start_teststs || { summary; exit 1; }
start_minio
write_profiles

# The checks, in this order: the first makes the bucket the others list.
check_awscli_profile_mb_ls
e2e_credentials
check_awscli_export_credentials
check_env_eval_awscli
check_sdks
check_cache_concurrent
check_failures_minio
check_failures_aws_codes
check_minio_differences

summary
[ "$nfail" = 0 ]
