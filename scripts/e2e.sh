#!/usr/bin/env bash
# End-to-end test of oidc-creds against a real STS (MinIO's
# AssumeRoleWithWebIdentity) and real AWS clients: the AWS CLI v2, the AWS SDK
# for Go v2 and the AWS SDK for JavaScript v3.
#
#   bash scripts/e2e.sh
#
# It installs what it needs when it is missing, and reuses it when present:
#   - the AWS CLI v2 from Debian (/usr/bin/aws; apt-get, as root);
#   - MinIO, built through the Go module proxy at a pinned version, into
#     $OIDC_CREDS_E2E_CACHE/bin (default ~/.cache/oidc-creds-e2e/bin);
#   - @aws-sdk/client-s3 and @aws-sdk/credential-providers at the versions
#     pinned in internal/e2e/package.json and package-lock.json, into a
#     directory under that same cache (npm's own download cache is reused).
# A prerequisite that cannot be installed turns the checks that need it into
# SKIP lines. Then it starts the test OIDC issuer (internal/cmd/teststs) and
# MinIO on free 127.0.0.1 ports with a fresh data directory, runs every
# check, stops every process it started (by PID, also when a step fails or
# the script is interrupted), and prints a summary whose last line is
# "N passed, M failed". It exits non-zero only when a check failed.
#
# Nothing leaves this machine but the package installs. Secrets are never
# printed. E2E_KEEP=1 keeps the work directory (logs, profiles) for a look;
# E2E_WITHOUT=aws,minio,js treats those prerequisites as unavailable (to try
# the SKIP paths, or to save MinIO's first build on a laptop).
set -uo pipefail

cd "$(dirname "$0")/.." || exit 2

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
work=$(mktemp -d "${TMPDIR:-/tmp}/oidc-creds-e2e.XXXXXX") || exit 2
pids=() # every background process started and not yet reaped

# forget drops reaped PIDs from pids, so that cleanup never signals a PID
# that the system may have handed to another process since.
forget() {
	local p r keep=()
	for p in "${pids[@]}"; do
		for r in "$@"; do [ "$p" = "$r" ] && continue 2; done
		keep+=("$p")
	done
	pids=("${keep[@]}")
}

# stop ends the given processes of ours: TERM, up to 10 s, then KILL; and reaps them.
stop() {
	local p i
	for p in "$@"; do kill -TERM "$p" 2>/dev/null; done
	for p in "$@"; do
		for ((i = 0; i < 100; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	forget "$@"
}

# stop_all stops what is still running; the summary comes after it, so the
# count stays the last line. cleanup does it again for an early exit.
stop_all() {
	if [ "${#pids[@]}" -gt 0 ]; then
		echo "e2e: stopping the ${#pids[@]} process(es) started here: ${pids[*]}"
		stop "${pids[@]}"
	fi
}
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_all
	if [ "${E2E_KEEP:-}" = 1 ]; then echo "e2e: kept $work" >&2; else rm -rf "$work"; fi
	exit "$rc"
}
trap cleanup EXIT
trap 'echo "e2e: interrupted"; exit 130' INT
trap 'echo "e2e: terminated"; exit 143' TERM

# ---------------------------------------------------------------- reporting

names=() states=() secs=()
npass=0 nfail=0 nskip=0
check_start=$(date +%s)
begin() { check_start=$(date +%s); }
record() { # STATE NAME DETAIL [FILE...]: FILEs are shown (indented) on FAIL
	local state=$1 name=$2 detail=$3 f
	shift 3
	names+=("$name") states+=("$state") secs+=($(($(date +%s) - check_start)))
	case $state in
	PASS) npass=$((npass + 1)) ;;
	FAIL) nfail=$((nfail + 1)) ;;
	SKIP) nskip=$((nskip + 1)) ;;
	esac
	printf '%-4s  %s: %s\n' "$state" "$name" "$detail"
	if [ "$state" = FAIL ]; then
		for f in "$@"; do
			[ -s "$f" ] || continue
			echo "      --- ${f#"$work"/}"
			head -n 40 "$f" | sed 's/^/      | /'
		done
	fi
}
pass() { record PASS "$@"; }
fail() { record FAIL "$@"; }
skip() { record SKIP "$@"; }
step() { printf '\n== %s\n' "$*"; }

summary() {
	local i
	stop_all
	step "summary ($(($(date +%s) - T0)) s in all)"
	for i in "${!names[@]}"; do
		printf '%-4s  %-30s %3s s\n' "${states[$i]}" "${names[$i]}" "${secs[$i]}"
	done
	[ "$nskip" -gt 0 ] && echo "($nskip skipped: their prerequisites were unavailable)"
	echo "$npass passed, $nfail failed"
}

# ---------------------------------------------------------------- helpers

# oneline prints the first line of FILE that contains TEXT, clipped.
oneline() { grep -m1 -F -- "$2" "$1" | cut -c1-240; }

# field prints the string value of a JSON field from credential_process output.
field() { sed -n "s/.*\"$2\":\"\([^\"]*\)\".*/\1/p" "$1"; }

# http_ok URL: a 2xx answer to GET.
http_ok() {
	if command -v curl >/dev/null; then
		curl -sf -o /dev/null --max-time 2 "$1"
		return
	fi
	local hostport=${1#http://} path
	path=/${hostport#*/} hostport=${hostport%%/*}
	(
		exec 3<>"/dev/tcp/${hostport%:*}/${hostport#*:}" || exit 1
		printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$path" "$hostport" >&3
		head -n1 <&3 | grep -q ' 2[0-9][0-9] '
	) 2>/dev/null
}

# free_port prints a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
	local p i
	for ((i = 0; i < 50; i++)); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# sha1url prints unpadded base64url(sha1(ARG)), as MinIO derives role IDs.
sha1url() {
	if command -v openssl >/dev/null; then
		printf %s "$1" | openssl dgst -sha1 -binary | openssl base64 -A | tr '+/' '-_' | tr -d '='
	elif command -v python3 >/dev/null; then
		python3 -c 'import sys,hashlib,base64;print(base64.urlsafe_b64encode(hashlib.sha1(sys.argv[1].encode()).digest()).decode().rstrip("="))' "$1"
	else
		return 1
	fi
}

# q quotes a word for a credential_process line when it needs it (the SDKs
# run the line with sh -c, shlex or a shell). Words that need none stay bare:
# aws-sdk-go-v2's config parser strips quotes that open and close a value, so
# a line that starts and ends with a quoted word reaches sh mangled.
q() {
	case $1 in
	'' | *[!A-Za-z0-9_./:=@%+,-]*) printf "'%s'" "${1//\'/\'\\\'\'}" ;;
	*) printf '%s' "$1" ;;
	esac
}

# The clients must see only what this script sets up.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN \
	AWS_CREDENTIAL_EXPIRATION AWS_SECURITY_TOKEN AWS_ROLE_ARN AWS_ROLE_SESSION_NAME AWS_WEB_IDENTITY_TOKEN_FILE \
	AWS_ENDPOINT_URL AWS_ENDPOINT_URL_STS AWS_ENDPOINT_URL_S3 AWS_REGION AWS_CA_BUNDLE PULUMI_OIDC_TOKEN
while IFS='=' read -r v _; do unset "$v"; done < <(env | grep '^OIDC_CREDS_' || true)
export AWS_DEFAULT_REGION=us-east-1 AWS_PAGER='' AWS_EC2_METADATA_DISABLED=true
mkdir -p "$work/aws" "$work/bin"
: >"$work/aws/empty"
export AWS_CONFIG_FILE=$work/aws/config AWS_SHARED_CREDENTIALS_FILE=$work/aws/empty

# ---------------------------------------------------------------- prerequisites

step "build oidc-creds, teststs and sdkresolve"
begin
if go build -o "$work/bin/oidc-creds" . 2>"$work/build.log" &&
	go build -o "$work/bin/teststs" ./internal/cmd/teststs 2>>"$work/build.log" &&
	go build -o "$work/bin/sdkresolve" ./internal/cmd/sdkresolve 2>>"$work/build.log"; then
	pass build "$("$work/bin/oidc-creds" version 2>&1 | head -n1)"
else
	fail build "go build failed; nothing else can run" "$work/build.log"
	summary
	exit 1
fi
OC=$work/bin/oidc-creds
TESTSTS=$work/bin/teststs

without() { [[ ,${E2E_WITHOUT:-}, == *,$1,* ]]; }

step "AWS CLI v2 (Debian's awscli, $AWS)"
have_aws=0 why_aws=
if without aws; then
	why_aws="E2E_WITHOUT names it"
elif [ ! -x "$AWS" ]; then
	if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
		echo "installing awscli with apt-get"
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y awscli; } >"$work/apt.log" 2>&1 || {
			tail -n 5 "$work/apt.log"
			why_aws="apt-get install awscli failed: $(tail -n 1 "$work/apt.log")"
		}
	else
		why_aws="no $AWS, and apt-get install awscli is not possible here (needs apt-get and root)"
	fi
fi
if [ -n "$why_aws" ]; then
	:
elif [ -x "$AWS" ]; then
	if "$AWS" --version 2>&1 | grep -q '^aws-cli/2\.'; then
		have_aws=1
		"$AWS" --version
	else
		why_aws="$AWS is not the AWS CLI v2: $("$AWS" --version 2>&1 | head -n1)"
	fi
else
	why_aws="no $AWS after apt-get install awscli"
fi
[ "$have_aws" = 1 ] || echo "e2e: AWS CLI unavailable: $why_aws"

step "MinIO $MINIO_VERSION (cache $CACHE/bin)"
MINIO=$CACHE/bin/minio
have_minio=0 why_minio=
minio_version() { go version -m "$1" 2>/dev/null | awk '$1 == "mod" && $2 == "github.com/minio/minio" {print $3}'; }
if without minio; then
	why_minio="E2E_WITHOUT names it"
	echo "e2e: MinIO unavailable: $why_minio"
elif [ -x "$MINIO" ] && [ "$(minio_version "$MINIO")" = "$MINIO_VERSION" ]; then
	have_minio=1
	echo "reusing $MINIO"
else
	echo "building MinIO through the Go module proxy (a few minutes on a fresh machine)"
	b0=$(date +%s)
	mkdir -p "$CACHE/bin"
	if (cd "$work" && GOFLAGS=-mod=mod GOBIN="$CACHE/bin" timeout 1800 go install "$MINIO_MODULE@$MINIO_VERSION") >"$work/minio-build.log" 2>&1 &&
		[ "$(minio_version "$MINIO")" = "$MINIO_VERSION" ]; then
		have_minio=1
		echo "built $MINIO in $(($(date +%s) - b0)) s"
	else
		why_minio="go install $MINIO_MODULE@$MINIO_VERSION failed: $(tail -n 1 "$work/minio-build.log")"
		echo "e2e: MinIO unavailable: $why_minio"
	fi
fi

step "AWS SDK for JavaScript v3 (pinned in internal/e2e/package.json)"
have_js=0 why_js=
if without js; then
	why_js="E2E_WITHOUT names it"
elif ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	why_js="node or npm is not installed"
elif [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
	why_js="node $(node --version) is older than the SDK's minimum, 20"
else
	jskey=$(cat internal/e2e/package.json internal/e2e/package-lock.json | sha256sum | cut -c1-12)
	jsdir=$CACHE/npm-$jskey
	if [ -f "$jsdir/.installed" ]; then
		echo "reusing $jsdir"
		have_js=1
	else
		echo "npm install into $jsdir"
		rm -rf "$jsdir.tmp" && mkdir -p "$jsdir.tmp" &&
			cp internal/e2e/package.json internal/e2e/package-lock.json "$jsdir.tmp/"
		if (cd "$jsdir.tmp" && timeout 900 npm install --no-audit --no-fund) >"$work/npm.log" 2>&1 &&
			touch "$jsdir.tmp/.installed" && rm -rf "$jsdir" && mv "$jsdir.tmp" "$jsdir"; then
			have_js=1
		else
			why_js="npm install failed: $(tail -n 3 "$work/npm.log" | tr '\n' ' ')"
			rm -rf "$jsdir.tmp"
		fi
	fi
	if [ "$have_js" = 1 ]; then
		mkdir -p "$work/js"
		ln -s "$jsdir/node_modules" "$work/js/node_modules"
		cp internal/e2e/listbuckets.mjs "$work/js/"
		echo "node $(node --version), @aws-sdk/client-s3 $(node -p "require('$jsdir/node_modules/@aws-sdk/client-s3/package.json').version")," \
			"@aws-sdk/credential-providers $(node -p "require('$jsdir/node_modules/@aws-sdk/credential-providers/package.json').version")"
	fi
fi
[ "$have_js" = 1 ] || echo "e2e: JavaScript SDK unavailable: $why_js"

# ---------------------------------------------------------------- servers

step "start the test OIDC issuer (teststs) on 127.0.0.1"
"$TESTSTS" serve --addr 127.0.0.1:0 --audience "$AUD" --role "$AWS_ROLE=pulumi:deploy:org:acme:project:web:*" \
	--state-file "$work/teststs.json" >"$work/teststs.out" 2>"$work/teststs.log" &
pids+=($!)
for ((i = 0; i < 100; i++)); do [ -s "$work/teststs.json" ] && break; sleep 0.1; done
STS_URL=$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$work/teststs.json" 2>/dev/null)
ISSUER=$(sed -n 's/.*"issuer":"\([^"]*\)".*/\1/p' "$work/teststs.json" 2>/dev/null)
begin
if [ -z "$STS_URL" ] || ! http_ok "$ISSUER/.well-known/openid-configuration"; then
	fail teststs "the test issuer did not start" "$work/teststs.log"
	summary
	exit 1
fi
echo "issuer $ISSUER (also teststs' AWS-style STS at $STS_URL)"
mint() { "$TESTSTS" mint --url "$STS_URL" "$@"; }
if ! { mint --sub "$SUB" --aud "$AUD" >"$work/token" && mint --sub "$SUB" --aud "$AUD" --exp-in -2h >"$work/token-expired" &&
	mint --sub "$SUB" --aud someone-else >"$work/token-wrong-aud"; }; then
	fail teststs "teststs mint failed"
	summary
	exit 1
fi

MINIO_URL='' ROLE='' minio_ok=0
if [ "$have_minio" = 1 ]; then
	step "start MinIO on 127.0.0.1 with a fresh data directory"
	begin
	for _ in 1 2 3; do # a new port pair when another process took one meanwhile
		if ! port=$(free_port) || ! cport=$(free_port); then break; fi
		MINIO_URL=http://127.0.0.1:$port
		rm -rf "$work/minio-data" && mkdir -p "$work/minio-data"
		env MINIO_ROOT_USER=e2e-root MINIO_ROOT_PASSWORD="e2e-root-$RANDOM$RANDOM" \
			MINIO_BROWSER=off MINIO_UPDATE=off \
			MINIO_IDENTITY_OPENID_CONFIG_URL="$ISSUER/.well-known/openid-configuration" \
			MINIO_IDENTITY_OPENID_CLIENT_ID="$AUD" MINIO_IDENTITY_OPENID_ROLE_POLICY=readwrite \
			"$MINIO" server --address "127.0.0.1:$port" --console-address "127.0.0.1:$cport" "$work/minio-data" \
			>"$work/minio.log" 2>&1 &
		minio_pid=$!
		pids+=("$minio_pid")
		for ((i = 0; i < 600; i++)); do
			kill -0 "$minio_pid" 2>/dev/null || break
			http_ok "$MINIO_URL/minio/health/ready" && grep -q 'IAM Roles:' "$work/minio.log" && { minio_ok=1; break; }
			sleep 0.1
		done
		[ "$minio_ok" = 1 ] && break
		stop "$minio_pid"
		grep -qi 'address already in use' "$work/minio.log" || break # retry only a port race
	done
	if [ "$minio_ok" = 1 ]; then
		echo "MinIO at $MINIO_URL (pid $minio_pid), ready in $(($(date +%s) - check_start)) s"
		logged=$(grep -o 'arn:minio:iam:[^ ]*' "$work/minio.log" | head -n1)
		if id=$(sha1url "$AUD"); then
			ROLE=arn:minio:iam:::role/$id
			if [ "$ROLE" = "$logged" ]; then
				pass minio-role-arn "computed $ROLE = the ARN MinIO logs at start"
			else
				fail minio-role-arn "computed $ROLE, MinIO logs '$logged'" "$work/minio.log"
			fi
		else
			ROLE=$logged
			skip minio-role-arn "neither openssl nor python3 to compute sha1; using MinIO's $ROLE"
		fi
	else
		fail minio-start "MinIO did not become ready" "$work/minio.log"
	fi
fi

# The profiles. oidc-creds gets the same flags everywhere, so that every client
# of the "e2e" profile shares one cache entry.
oc_argv() { # ENDPOINT ROLE TOKEN CACHE_DIR: sets OCARGS
	OCARGS=(--endpoint-url "$1" --region us-east-1 --role-arn "$2" --token-file "$3" --cache-dir "$4" --timeout 20s)
}
oc_args() { # the same, quoted for a credential_process line
	oc_argv "$@"
	local a out=''
	for a in "${OCARGS[@]}"; do out+="$(q "$a") "; done
	printf '%s' "${out% }"
}
profile() { # NAME ENDPOINT ROLE TOKEN CACHE_DIR
	printf '[profile %s]\nregion = us-east-1\ncredential_process = %s process %s\n\n' "$1" "$(q "$OC")" "$(oc_args "${@:2}")"
}
{
	if [ "$minio_ok" = 1 ]; then
		profile e2e "$MINIO_URL" "$ROLE" "$work/token" "$work/cache"
		profile minio-expired "$MINIO_URL" "$ROLE" "$work/token-expired" "$work/cache-fail"
		profile minio-expired-at-sts "$MINIO_URL" "$ROLE" "$work/token-expired-at-sts" "$work/cache-fail"
		profile minio-wrong-aud "$MINIO_URL" "$ROLE" "$work/token-wrong-aud" "$work/cache-fail"
		profile minio-unknown-role "$MINIO_URL" "arn:minio:iam:::role/no-such-role" "$work/token" "$work/cache-fail"
		printf '[profile e2e-concurrent]\nregion = us-east-1\ncredential_process = %s\n\n' "$(q "$work/bin/concurrent-process")"
	fi
	profile aws-expired-at-sts "$STS_URL" "$AWS_ROLE" "$work/token-expired-at-sts" "$work/cache-fail"
	profile aws-wrong-aud "$STS_URL" "$AWS_ROLE" "$work/token-wrong-aud" "$work/cache-fail"
	profile aws-unknown-role "$STS_URL" "${AWS_ROLE%/*}/no-such-role" "$work/token" "$work/cache-fail"
} >"$AWS_CONFIG_FILE"

s3() { timeout 120 "$AWS" --endpoint-url "$MINIO_URL" "$@"; }
need() { # CHECK WHAT...: SKIP the check unless each prerequisite is there
	local name=$1 w
	shift
	for w in "$@"; do
		case $w in
		aws) [ "$have_aws" = 1 ] || { skip "$name" "needs the AWS CLI v2: $why_aws"; return 1; } ;;
		js) [ "$have_js" = 1 ] || { skip "$name" "needs the JavaScript SDK: $why_js"; return 1; } ;;
		minio)
			[ "$have_minio" = 1 ] || { skip "$name" "needs MinIO: $why_minio"; return 1; }
			[ "$minio_ok" = 1 ] || { fail "$name" "MinIO is not running (see minio-start)"; return 1; }
			;;
		esac
	done
}

# ---------------------------------------------------------------- checks

bucket_made=0
step "AWS CLI: a credential_process profile makes and lists a bucket"
begin
if need awscli-profile-mb-ls aws minio; then
	if s3 --profile e2e s3 mb "s3://$BUCKET" >"$work/mb.out" 2>"$work/mb.err" &&
		grep -q "make_bucket: $BUCKET" "$work/mb.out"; then
		bucket_made=1
		if s3 --profile e2e s3 ls >"$work/ls.out" 2>"$work/ls.err" && grep -q " $BUCKET\$" "$work/ls.out"; then
			pass awscli-profile-mb-ls "aws s3 mb made $BUCKET, aws s3 ls lists it: $(oneline "$work/ls.out" "$BUCKET")"
		else
			fail awscli-profile-mb-ls "aws s3 ls did not list $BUCKET" "$work/ls.out" "$work/ls.err"
		fi
	else
		fail awscli-profile-mb-ls "aws s3 mb failed" "$work/mb.out" "$work/mb.err"
	fi
fi

# The credentials that the e2e profile's credential_process prints (from the cache).
proc_json=$work/process.json
oc_argv "$MINIO_URL" "$ROLE" "$work/token" "$work/cache"
E2E_ARGS=("${OCARGS[@]}")
[ "$minio_ok" = 1 ] && "$OC" process -v "${E2E_ARGS[@]}" >"$proc_json" 2>"$work/process.err"
KEY=$(field "$proc_json" AccessKeyId 2>/dev/null)

step "AWS CLI: configure export-credentials --format env"
begin
if need awscli-export-credentials aws minio; then
	if timeout 120 "$AWS" configure export-credentials --profile e2e --format env >"$work/export.env" 2>"$work/export.err"; then
		# Compare in a subshell, so that the secrets go nowhere else.
		if verdict=$(
			eval "$(cat "$work/export.env")"
			[ -n "${AWS_ACCESS_KEY_ID:-}" ] || { echo "no AWS_ACCESS_KEY_ID"; exit 1; }
			[ "$AWS_ACCESS_KEY_ID" = "$(field "$proc_json" AccessKeyId)" ] || { echo "access key differs"; exit 1; }
			[ "$AWS_SECRET_ACCESS_KEY" = "$(field "$proc_json" SecretAccessKey)" ] || { echo "secret differs"; exit 1; }
			[ "$AWS_SESSION_TOKEN" = "$(field "$proc_json" SessionToken)" ] || { echo "session token differs"; exit 1; }
			e1=$(date -d "${AWS_CREDENTIAL_EXPIRATION:-}" +%s 2>/dev/null) e2=$(date -d "$(field "$proc_json" Expiration)" +%s 2>/dev/null)
			[ -n "$e1" ] && [ "$e1" = "$e2" ] || { echo "expiration differs: '${AWS_CREDENTIAL_EXPIRATION:-}'"; exit 1; }
			echo "AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID, secret (${#AWS_SECRET_ACCESS_KEY} chars) and session token (${#AWS_SESSION_TOKEN} chars) identical to oidc-creds process, AWS_CREDENTIAL_EXPIRATION=$AWS_CREDENTIAL_EXPIRATION"
		); then
			pass awscli-export-credentials "$verdict"
		else
			fail awscli-export-credentials "$verdict" "$work/export.err" "$work/process.err"
		fi
	else
		fail awscli-export-credentials "aws configure export-credentials failed" "$work/export.err"
	fi
fi

step "eval \"\$(oidc-creds env …)\", then aws s3 ls with no profile at all"
begin
if need env-eval-awscli aws minio; then
	if verdict=$(
		export AWS_CONFIG_FILE=$work/aws/empty AWS_SHARED_CREDENTIALS_FILE=$work/aws/empty
		eval "$("$OC" env "${E2E_ARGS[@]}" 2>"$work/env.err")"
		[ -n "${AWS_ACCESS_KEY_ID:-}" ] && [ -n "${AWS_SECRET_ACCESS_KEY:-}" ] && [ -n "${AWS_SESSION_TOKEN:-}" ] ||
			{ echo "oidc-creds env set no credentials"; exit 1; }
		timeout 60 "$AWS" configure list >"$work/env-list.out" 2>&1
		grep -Eq '^ *access_key +\*+[A-Z0-9]{4} +env' "$work/env-list.out" ||
			{ echo "aws configure list does not show credentials from the environment"; exit 1; }
		s3 s3 ls >"$work/env-ls.out" 2>"$work/env-ls.err" || { echo "aws s3 ls failed"; exit 1; }
		if [ "$bucket_made" = 1 ]; then grep -q " $BUCKET\$" "$work/env-ls.out" || { echo "aws s3 ls did not list $BUCKET"; exit 1; }; fi
		echo "credentials from the environment ($(oneline "$work/env-list.out" access_key | tr -s ' ')), aws s3 ls lists $(wc -l <"$work/env-ls.out") bucket(s)"
	); then
		pass env-eval-awscli "$verdict"
	else
		fail env-eval-awscli "$verdict" "$work/env.err" "$work/env-list.out" "$work/env-ls.err"
	fi
fi

# sdk_list_buckets CHECK "NEEDS..." RESOLVED COMMAND...: COMMAND resolves the
# e2e profile with an SDK's own credential_process provider, prints a first
# line that matches RESOLVED and holds the access key id, then the bucket
# names at MinIO, one a line. Its output goes to $work/CHECK.out and .err.
sdk_list_buckets() {
	local name=$1 needs=$2 resolved=$3 out=$work/$1 same=''
	shift 3
	begin
	# shellcheck disable=SC2086 # NEEDS is a list of words
	need "$name" $needs || return 0
	if timeout 120 "$@" >"$out.out" 2>"$out.err" && grep -q "$resolved" "$out.out" &&
		{ [ "$bucket_made" = 0 ] || grep -qx "$BUCKET" "$out.out"; }; then
		grep -q "resolved $KEY " "$out.out" && same=" (the same key as oidc-creds process: shared cache)"
		pass "$name" "$(head -n1 "$out.out")$same; lists $(($(wc -l <"$out.out") - 1)) bucket(s)"
	else
		fail "$name" "${1##*/} did not resolve the profile and list $BUCKET" "$out.out" "$out.err"
	fi
}

step "aws-sdk-go-v2: config.LoadDefaultConfig resolves the profile, S3 ListBuckets"
sdk_list_buckets go-sdk-list-buckets minio "resolved .* from ProcessProvider" \
	"$work/bin/sdkresolve" --profile e2e --list-buckets "$MINIO_URL"

step "AWS SDK for JavaScript v3: fromProcess resolves the profile, S3 ListBuckets"
sdk_list_buckets js-sdk-list-buckets "js minio" "fromProcess resolved" node "$work/js/listbuckets.mjs" e2e "$MINIO_URL"

step "the cache under real use: $CONCURRENT concurrent aws s3 ls through one profile, fresh cache"
begin
if need cache-concurrent-one-sts-call aws minio; then
	# credential_process cannot redirect oidc-creds' -v output, so a wrapper
	# keeps each run's -v log and the access key id it printed. It also waits
	# until all the AWS CLIs have called it (at most 30 s), so that the
	# oidc-creds processes really start together despite Python's start-up.
	mkdir -p "$work/runs/logs" "$work/runs/keys" "$work/runs/barrier"
	cat >"$work/bin/concurrent-process" <<EOF
#!/bin/sh
# credential_process of profile e2e-concurrent, written by scripts/e2e.sh
barrier=$(q "$work/runs/barrier")
: >"\$barrier/\$\$"
i=0
while [ "\$(ls "\$barrier" | wc -l)" -lt $CONCURRENT ] && [ "\$i" -lt 600 ]; do sleep 0.05; i=\$((i + 1)); done
log=\$(mktemp $(q "$work/runs/logs/run.XXXXXX"))
out=\$($(q "$OC") process -v $(oc_args "$MINIO_URL" "$ROLE" "$work/token" "$work/cache-concurrent") 2>"\$log")
rc=\$?
if [ "\$rc" -ne 0 ]; then cat "\$log" >&2; exit "\$rc"; fi
printf '%s\n' "\$out" | sed -n 's/.*"AccessKeyId":"\([^"]*\)".*/\1/p' >$(q "$work/runs/keys")/"\${log##*/}"
printf '%s\n' "\$out"
EOF
	chmod +x "$work/bin/concurrent-process"
	cpids=()
	for ((i = 1; i <= CONCURRENT; i++)); do
		s3 --profile e2e-concurrent s3 ls >"$work/runs/ls.$i.out" 2>"$work/runs/ls.$i.err" &
		cpids+=($!)
		pids+=($!)
	done
	okruns=0
	for i in "${!cpids[@]}"; do
		if wait "${cpids[$i]}" && { [ "$bucket_made" = 0 ] || grep -q " $BUCKET\$" "$work/runs/ls.$((i + 1)).out"; }; then
			okruns=$((okruns + 1))
		fi
	done
	forget "${cpids[@]}"
	cat "$work"/runs/logs/run.* >"$work/runs/all.log" 2>/dev/null
	runs=$(find "$work/runs/logs" -name 'run.*' | wc -l)
	# oidc-creds -v logs "attempt N: credentials issued in …" or "attempt N
	# failed …" for every STS request, and "cache: fetching KEY" when a run
	# goes to STS rather than using the cache; MinIO issues a new access key
	# for every AssumeRoleWithWebIdentity, so distinct keys count calls too.
	calls=$(grep -Ec 'attempt [0-9]+(: credentials issued| failed)' "$work/runs/all.log")
	fetches=$(grep -l 'cache: fetching' "$work"/runs/logs/run.* 2>/dev/null | wc -l)
	waited=$(grep -l 'cache: waiting for another' "$work"/runs/logs/run.* 2>/dev/null | wc -l)
	keys=$(cat "$work"/runs/keys/run.* 2>/dev/null | sort -u | grep -c .)
	detail="$okruns/$CONCURRENT aws s3 ls ok; $runs credential_process runs: $calls STS call, $fetches fetch, $((runs - fetches)) from the cache ($waited waited on the lock); $keys distinct access key"
	if [ "$okruns" = "$CONCURRENT" ] && [ "$runs" = "$CONCURRENT" ] && [ "$calls" = 1 ] && [ "$fetches" = 1 ] && [ "$keys" = 1 ]; then
		pass cache-concurrent-one-sts-call "$detail"
	else
		cat "$work"/runs/ls.*.err >"$work/runs/all.err" 2>/dev/null
		fail cache-concurrent-one-sts-call "$detail" "$work/runs/all.err" "$work/runs/all.log"
	fi
fi

# expect_failure CHECK "NEEDS..." PROFILE TEXT...: unless a prerequisite is
# missing (SKIP), aws s3 ls through PROFILE fails, and the AWS CLI shows
# oidc-creds' explanation, containing every TEXT, as
# "Error when retrieving credentials from custom-process: oidc-creds: …".
expect_failure() {
	local name=$1 needs=$2 prof=$3 err=$work/$1.err t line
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
	for t in "$@"; do
		if [[ $line != *"$t"* ]]; then
			fail "$name" "the explanation lacks \"$t\"" "$err"
			return
		fi
	done
	if grep -Eq 'Traceback|panic:|goroutine [0-9]' "$err"; then
		fail "$name" "a crash on the way" "$err"
		return
	fi
	pass "$name" "aws: ${line#Error when retrieving credentials from custom-process: }"
}

# A token that expired 10 s ago: within oidc-creds' 30 s of clock skew, so
# STS is the one that refuses it. Minted afresh right before each use.
mint_expired_at_sts() { mint --sub "$SUB" --aud "$AUD" --exp-in -10s >"$work/token-expired-at-sts"; }

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

step "failures read well through the AWS CLI, with AWS's error codes (teststs' STS)"
mint_expired_at_sts
expect_failure aws-codes-expired-at-sts aws aws-expired-at-sts "STS says the token expired at" "get a fresh token"
expect_failure aws-codes-wrong-audience aws aws-wrong-aud "does not list the token's audience \"someone-else\""
expect_failure aws-codes-unknown-role aws aws-unknown-role "the trust policy of role ${AWS_ROLE%/*}/no-such-role does not accept this token (or the role does not exist)"

step "MinIO's differences from AWS"
begin
if need minio-empty-arn minio; then
	# MinIO's AssumedRoleUser Arn is empty: no account id to report, and nothing may break.
	if "$OC" process -v --no-cache "${E2E_ARGS[@]}" >"$work/nocache.json" 2>"$work/nocache.err"; then
		exp=$(field "$work/nocache.json" Expiration)
		if grep -q '^{"Version":1,' "$work/nocache.json" && [ -n "$(field "$work/nocache.json" AccessKeyId)" ] &&
			[ -n "$(field "$work/nocache.json" SecretAccessKey)" ] && [ -n "$(field "$work/nocache.json" SessionToken)" ] &&
			! grep -q AccountId "$work/nocache.json" && [[ $exp =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]] &&
			! grep -Eq 'panic:|goroutine [0-9]' "$work/nocache.err"; then
			pass minio-empty-arn "empty assumed-role ARN: Version 1, keys present, no AccountId, Expiration $exp"
		else
			fail minio-empty-arn "unexpected credential_process output (fields: $(grep -o '"[A-Za-z]*":' "$work/nocache.json" | tr -d '":' | tr '\n' ' '))" "$work/nocache.err"
		fi
	else
		fail minio-empty-arn "oidc-creds process failed against MinIO" "$work/nocache.err"
	fi
fi
begin
if need minio-errors-fail-fast minio; then
	# MinIO's InvalidParameterValue is final: one attempt, exit status 4 (refused), no retries.
	oc_argv "$MINIO_URL" "$ROLE" "$work/token-wrong-aud" "$work/cache-fail"
	"$OC" process --no-cache "${OCARGS[@]}" >/dev/null 2>"$work/failfast.err"
	rc=$?
	if [ "$rc" = 4 ] && grep -q '; 1 attempt(s) in ' "$work/failfast.err" && ! grep -Eq 'panic:|goroutine [0-9]' "$work/failfast.err"; then
		pass minio-errors-fail-fast "exit status 4 after $(grep -o '1 attempt(s) in [0-9.]*[mµn]*s' "$work/failfast.err")"
	else
		fail minio-errors-fail-fast "exit status $rc" "$work/failfast.err"
	fi
fi

summary
[ "$nfail" = 0 ]
