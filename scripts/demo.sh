#!/usr/bin/env bash
# The main job on a fresh machine: build oidc-creds, start a local OIDC
# issuer and STS emulator on 127.0.0.1, mint a Pulumi-style token, and
# exchange it with `process` and `env`, then resolve a credential_process
# profile through the AWS SDK for Go. Nothing leaves this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/proc.sh
. scripts/lib/proc.sh
proc_init # the test STS is stopped and $work removed on exit, INT and TERM
proc_tempdir oidc-creds-demo
work=$PROC_TMPDIR
if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }

step "build"
go build -o "$work/bin/oidc-creds" .
go build -o "$work/bin/teststs" ./internal/cmd/teststs
go build -o "$work/bin/sdkresolve" ./internal/cmd/sdkresolve
export PATH="$work/bin:$PATH"
oidc-creds version

step "start the test OIDC issuer and STS on 127.0.0.1"
proc_start teststs serve --addr 127.0.0.1:0 --audience acme \
	--role 'arn:aws:iam::123456789012:role/deploy=pulumi:deploy:org:acme:project:web:*' \
	--state-file "$work/sts.json" >"$work/sts.log" 2>&1
url=
if proc_wait_file "$PROC_PID" 10 "$work/sts.json"; then
	url=$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$work/sts.json")
fi
if [ -z "$url" ]; then
	echo "the test STS did not start within 10 s:" >&2
	cat "$work/sts.log" >&2
	exit 1
fi
echo "STS at $url, issuer $url/oidc"

step "mint a Pulumi Deployments token (sub pulumi:deploy:org:acme:project:web:stack:dev:operation:update:scope:write)"
teststs mint --url "$url" --sub 'pulumi:deploy:org:acme:project:web:stack:dev:operation:update:scope:write' --aud acme >"$work/pulumi.oidc"
echo "token written to $work/pulumi.oidc (not shown)"

export OIDC_CREDS_CACHE_DIR="$work/cache"
export AWS_ENDPOINT_URL_STS="$url"
role=arn:aws:iam::123456789012:role/deploy
# The AWS config file is part of the cache key (it can send the call
# elsewhere), so the profile is written first: process, env and the SDK
# below then share one cache entry and one STS call.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_REGION AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
export AWS_CONFIG_FILE="$work/aws-config" AWS_SHARED_CREDENTIALS_FILE="$work/aws-credentials"
cat >"$AWS_CONFIG_FILE" <<CONFIG
[profile deploy]
credential_process = $work/bin/oidc-creds process --role-arn $role --token-file $work/pulumi.oidc
CONFIG

step "oidc-creds process (credential_process JSON; secrets elided here)"
oidc-creds process -v --role-arn "$role" --token-file "$work/pulumi.oidc" |
	sed -E 's/("SecretAccessKey":")[^"]*/\1…/; s/("SessionToken":")[^"]*/\1…/'

step "oidc-creds env, evaluated in this shell (served from the cache)"
eval "$(oidc-creds env -v --role-arn "$role" --token-file "$work/pulumi.oidc" --duration 1h)"
echo "AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID AWS_CREDENTIAL_EXPIRATION=$AWS_CREDENTIAL_EXPIRATION"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION

step "a credential_process profile, resolved by aws-sdk-go-v2 (the same cached credentials)"
cat "$AWS_CONFIG_FILE"
sdkresolve --profile deploy

step "a token the role does not trust: the explanation"
teststs mint --url "$url" --sub 'pulumi:deploy:org:acme:project:api:stack:prod:operation:update:scope:write' --aud acme >"$work/other.oidc"
oidc-creds process --role-arn "$role" --token-file "$work/other.oidc" || echo "(exit status $?)"

step "the cache"
oidc-creds cache list
echo "STS calls made: $(teststs calls --url "$url") (one exchange, one refusal)"
echo
echo "demo finished"
