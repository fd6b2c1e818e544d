# shellcheck shell=bash disable=SC2034,SC2154 # variables shared with scripts/e2e.sh, which sources this file
# scripts/e2e.sh's servers and AWS profiles (sourced by it): the test OIDC
# issuer (teststs, which also serves an AWS-style STS) and MinIO on free
# 127.0.0.1 ports, started through scripts/lib/proc.sh so that they are
# stopped, by PID, however the run ends; the tokens; the profiles that the
# checks use; need, which turns a missing prerequisite into a SKIP.

STS_URL='' ISSUER='' MINIO_URL='' ROLE='' minio_ok=0 minio_pid=''

# start_teststs starts the issuer and mints the tokens; sets STS_URL and
# ISSUER. FAIL teststs, and a non-zero status, when it cannot.
start_teststs() {
	step "start the test OIDC issuer (teststs) on 127.0.0.1"
	proc_start "$TESTSTS" serve --addr 127.0.0.1:0 --audience "$AUD" --role "$AWS_ROLE=pulumi:deploy:org:acme:project:web:*" \
		--state-file "$work/teststs.json" >"$work/teststs.out" 2>"$work/teststs.log"
	proc_wait_file "$PROC_PID" 10 "$work/teststs.json"
	STS_URL=$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$work/teststs.json" 2>/dev/null)
	ISSUER=$(sed -n 's/.*"issuer":"\([^"]*\)".*/\1/p' "$work/teststs.json" 2>/dev/null)
	begin
	if [ -z "$STS_URL" ] || ! proc_http_ok "$ISSUER/.well-known/openid-configuration"; then
		fail teststs "the test issuer did not start" "$work/teststs.log"
		return 1
	fi
	echo "issuer $ISSUER (also teststs' AWS-style STS at $STS_URL)"
	mint_tokens || { fail teststs "teststs mint failed"; return 1; }
}

mint() { "$TESTSTS" mint --url "$STS_URL" "$@"; }

mint_tokens() {
	mint --sub "$SUB" --aud "$AUD" >"$work/token" &&
		mint --sub "$SUB" --aud "$AUD" --exp-in -2h >"$work/token-expired" &&
		mint --sub "$SUB" --aud someone-else >"$work/token-wrong-aud"
}

# start_minio starts MinIO (when have_minio) with a fresh data directory, on
# a new port pair when another process took one meanwhile; sets MINIO_URL,
# minio_pid and minio_ok, and ROLE (check minio-role-arn); or FAIL minio-start.
start_minio() {
	[ "$have_minio" = 1 ] || return 0
	step "start MinIO on 127.0.0.1 with a fresh data directory"
	begin
	for _ in 1 2 3; do
		launch_minio || break
		if proc_wait_until "$minio_pid" 60 minio_ready; then minio_ok=1 && break; fi
		proc_stop "$minio_pid"
		grep -qi 'address already in use' "$work/minio.log" || break # retry only a port race
	done
	if [ "$minio_ok" = 1 ]; then
		echo "MinIO at $MINIO_URL (pid $minio_pid), ready in $(($(date +%s) - check_start)) s"
		check_minio_role_arn
	else
		fail minio-start "MinIO did not become ready" "$work/minio.log"
	fi
}

launch_minio() { # on two free ports; sets MINIO_URL and minio_pid
	local port cport
	port=$(free_port) && cport=$(free_port) || return 1
	MINIO_URL=http://127.0.0.1:$port
	rm -rf "$work/minio-data" && mkdir -p "$work/minio-data"
	proc_start env MINIO_ROOT_USER=e2e-root MINIO_ROOT_PASSWORD="e2e-root-$RANDOM$RANDOM" \
		MINIO_BROWSER=off MINIO_UPDATE=off \
		MINIO_IDENTITY_OPENID_CONFIG_URL="$ISSUER/.well-known/openid-configuration" \
		MINIO_IDENTITY_OPENID_CLIENT_ID="$AUD" MINIO_IDENTITY_OPENID_ROLE_POLICY=readwrite \
		"$MINIO" server --address "127.0.0.1:$port" --console-address "127.0.0.1:$cport" "$work/minio-data" \
		>"$work/minio.log" 2>&1
	minio_pid=$PROC_PID
}

minio_ready() { proc_http_ok "$MINIO_URL/minio/health/ready" && grep -q 'IAM Roles:' "$work/minio.log"; }

# check_minio_role_arn sets ROLE, computed as MinIO derives it, and checks
# it against the ARN that MinIO logs.
check_minio_role_arn() {
	local logged id
	logged=$(grep -o 'arn:minio:iam:[^ ]*' "$work/minio.log" | head -n1)
	if ! id=$(sha1url "$AUD"); then
		ROLE=$logged
		skip minio-role-arn "neither openssl nor python3 to compute sha1; using MinIO's $ROLE"
		return
	fi
	ROLE=arn:minio:iam:::role/$id
	if [ "$ROLE" = "$logged" ]; then
		pass minio-role-arn "computed $ROLE = the ARN MinIO logs at start"
	else
		fail minio-role-arn "computed $ROLE, MinIO logs '$logged'" "$work/minio.log"
	fi
}

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

minio_profiles() {
	profile e2e "$MINIO_URL" "$ROLE" "$work/token" "$work/cache"
	profile minio-expired "$MINIO_URL" "$ROLE" "$work/token-expired" "$work/cache-fail"
	profile minio-expired-at-sts "$MINIO_URL" "$ROLE" "$work/token-expired-at-sts" "$work/cache-fail"
	profile minio-wrong-aud "$MINIO_URL" "$ROLE" "$work/token-wrong-aud" "$work/cache-fail"
	profile minio-unknown-role "$MINIO_URL" "arn:minio:iam:::role/no-such-role" "$work/token" "$work/cache-fail"
	printf '[profile e2e-concurrent]\nregion = us-east-1\ncredential_process = %s\n\n' "$(q "$work/bin/concurrent-process")"
}

aws_style_profiles() { # teststs' STS, with AWS's error codes
	profile aws-expired-at-sts "$STS_URL" "$AWS_ROLE" "$work/token-expired-at-sts" "$work/cache-fail"
	profile aws-wrong-aud "$STS_URL" "$AWS_ROLE" "$work/token-wrong-aud" "$work/cache-fail"
	profile aws-unknown-role "$STS_URL" "${AWS_ROLE%/*}/no-such-role" "$work/token" "$work/cache-fail"
}

write_profiles() {
	{
		if [ "$minio_ok" = 1 ]; then minio_profiles; fi
		aws_style_profiles
	} >"$AWS_CONFIG_FILE"
}

# s3 runs the AWS CLI against MinIO's S3. Without MinIO, only the aws-codes
# refusals run it, which fail before any S3 call; teststs' URL keeps the
# AWS CLI off AWS if one ever got that far, and its "--endpoint-url ''"
# from failing those checks.
s3() { timeout 120 "$AWS" --endpoint-url "${MINIO_URL:-$STS_URL}" "$@"; }

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
