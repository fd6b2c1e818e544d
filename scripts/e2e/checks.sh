# shellcheck shell=bash disable=SC2034,SC2154 # variables shared with scripts/e2e.sh, which sources this file
# scripts/e2e.sh's checks with real clients (sourced by it): the AWS CLI,
# aws-sdk-go-v2 and the AWS SDK for JavaScript resolve the e2e profile and
# list buckets at MinIO; the cache under concurrent use; MinIO's differences
# from AWS. Each check_* function is one check (or two): it starts with
# step and begin, and SKIPs through need when a prerequisite is missing.

bucket_made=0 proc_json='' KEY='' E2E_ARGS=()

check_awscli_profile_mb_ls() {
	step "AWS CLI: a credential_process profile makes and lists a bucket"
	begin
	need awscli-profile-mb-ls aws minio || return 0
	if ! s3 --profile e2e s3 mb "s3://$BUCKET" >"$work/mb.out" 2>"$work/mb.err" ||
		! grep -q "make_bucket: $BUCKET" "$work/mb.out"; then
		fail awscli-profile-mb-ls "aws s3 mb failed" "$work/mb.out" "$work/mb.err"
		return
	fi
	bucket_made=1
	if s3 --profile e2e s3 ls >"$work/ls.out" 2>"$work/ls.err" && grep -q " $BUCKET\$" "$work/ls.out"; then
		pass awscli-profile-mb-ls "aws s3 mb made $BUCKET, aws s3 ls lists it: $(oneline "$work/ls.out" "$BUCKET")"
	else
		fail awscli-profile-mb-ls "aws s3 ls did not list $BUCKET" "$work/ls.out" "$work/ls.err"
	fi
}

# e2e_credentials sets E2E_ARGS (the e2e profile's oidc-creds flags) and
# writes to $proc_json the credentials that its credential_process prints
# (from the cache); KEY is their access key id.
e2e_credentials() {
	proc_json=$work/process.json
	oc_argv "$MINIO_URL" "$ROLE" "$work/token" "$work/cache"
	E2E_ARGS=("${OCARGS[@]}")
	[ "$minio_ok" = 1 ] && "$OC" process -v "${E2E_ARGS[@]}" >"$proc_json" 2>"$work/process.err"
	KEY=$(field "$proc_json" AccessKeyId 2>/dev/null)
}

check_awscli_export_credentials() {
	local verdict
	step "AWS CLI: configure export-credentials --format env"
	begin
	need awscli-export-credentials aws minio || return 0
	if ! timeout 120 "$AWS" configure export-credentials --profile e2e --format env >"$work/export.env" 2>"$work/export.err"; then
		fail awscli-export-credentials "aws configure export-credentials failed" "$work/export.err"
	elif verdict=$(compare_exported); then
		pass awscli-export-credentials "$verdict"
	else
		fail awscli-export-credentials "$verdict" "$work/export.err" "$work/process.err"
	fi
}

# compare_exported, a subshell so that the secrets go nowhere else,
# compares export.env with $proc_json: prints what it found, and fails on a
# difference.
compare_exported() (
	local e1 e2
	eval "$(cat "$work/export.env")"
	[ -n "${AWS_ACCESS_KEY_ID:-}" ] || { echo "no AWS_ACCESS_KEY_ID"; exit 1; }
	[ "$AWS_ACCESS_KEY_ID" = "$(field "$proc_json" AccessKeyId)" ] || { echo "access key differs"; exit 1; }
	[ "$AWS_SECRET_ACCESS_KEY" = "$(field "$proc_json" SecretAccessKey)" ] || { echo "secret differs"; exit 1; }
	[ "$AWS_SESSION_TOKEN" = "$(field "$proc_json" SessionToken)" ] || { echo "session token differs"; exit 1; }
	e1=$(date -d "${AWS_CREDENTIAL_EXPIRATION:-}" +%s 2>/dev/null) e2=$(date -d "$(field "$proc_json" Expiration)" +%s 2>/dev/null)
	if [ -z "$e1" ] || [ "$e1" != "$e2" ]; then echo "expiration differs: '${AWS_CREDENTIAL_EXPIRATION:-}'"; exit 1; fi
	echo "AWS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID, secret (${#AWS_SECRET_ACCESS_KEY} chars) and session token (${#AWS_SESSION_TOKEN} chars) identical to oidc-creds process, AWS_CREDENTIAL_EXPIRATION=$AWS_CREDENTIAL_EXPIRATION"
)

check_env_eval_awscli() {
	local verdict
	step "eval \"\$(oidc-creds env …)\", then aws s3 ls with no profile at all"
	begin
	need env-eval-awscli aws minio || return 0
	if verdict=$(env_then_awscli); then
		pass env-eval-awscli "$verdict"
	else
		fail env-eval-awscli "$verdict" "$work/env.err" "$work/env-list.out" "$work/env-ls.err"
	fi
}

# env_then_awscli, a subshell: eval oidc-creds env, then the AWS CLI
# with neither config nor credentials file; prints what it found.
env_then_awscli() (
	export AWS_CONFIG_FILE=$work/aws/empty AWS_SHARED_CREDENTIALS_FILE=$work/aws/empty
	eval "$("$OC" env "${E2E_ARGS[@]}" 2>"$work/env.err")"
	if [ -z "${AWS_ACCESS_KEY_ID:-}" ] || [ -z "${AWS_SECRET_ACCESS_KEY:-}" ] || [ -z "${AWS_SESSION_TOKEN:-}" ]; then
		echo "oidc-creds env set no credentials"
		exit 1
	fi
	timeout 60 "$AWS" configure list >"$work/env-list.out" 2>&1
	grep -Eq '^ *access_key +\*+[A-Z0-9]{4} +env' "$work/env-list.out" ||
		{ echo "aws configure list does not show credentials from the environment"; exit 1; }
	s3 s3 ls >"$work/env-ls.out" 2>"$work/env-ls.err" || { echo "aws s3 ls failed"; exit 1; }
	if [ "$bucket_made" = 1 ]; then grep -q " $BUCKET\$" "$work/env-ls.out" || { echo "aws s3 ls did not list $BUCKET"; exit 1; }; fi
	echo "credentials from the environment ($(oneline "$work/env-list.out" access_key | tr -s ' ')), aws s3 ls lists $(wc -l <"$work/env-ls.out") bucket(s)"
)

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

check_sdks() {
	step "aws-sdk-go-v2: config.LoadDefaultConfig resolves the profile, S3 ListBuckets"
	sdk_list_buckets go-sdk-list-buckets minio "resolved .* from ProcessProvider" \
		"$work/bin/sdkresolve" --profile e2e --list-buckets "$MINIO_URL"
	step "AWS SDK for JavaScript v3: fromProcess resolves the profile, S3 ListBuckets"
	sdk_list_buckets js-sdk-list-buckets "js minio" "fromProcess resolved" node "$work/js/listbuckets.mjs" e2e "$MINIO_URL"
}

# check_cache_concurrent: $CONCURRENT aws s3 ls at once through profile
# e2e-concurrent with a fresh cache make one STS call between them.
check_cache_concurrent() {
	local okruns
	step "the cache under real use: $CONCURRENT concurrent aws s3 ls through one profile, fresh cache"
	begin
	need cache-concurrent-one-sts-call aws minio || return 0
	write_concurrent_process
	run_concurrent_ls # not in $(…): its processes must be this shell's, stopped on a signal
	concurrent_verdict "$okruns"
}

# write_concurrent_process writes the credential_process of profile
# e2e-concurrent. credential_process cannot redirect oidc-creds' -v output,
# so this wrapper keeps each run's -v log and the access key id it printed.
# It also waits until all the AWS CLIs have called it (at most 30 s), so
# that the oidc-creds processes really start together despite Python's
# start-up.
write_concurrent_process() {
	mkdir -p "$work/runs/logs" "$work/runs/keys" "$work/runs/barrier"
	cat >"$work/bin/concurrent-process" <<EOS
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
EOS
	chmod +x "$work/bin/concurrent-process"
}

# run_concurrent_ls starts the $CONCURRENT aws s3 ls, waits for them, and
# sets okruns (the caller's local) to how many succeeded (and listed
# $BUCKET, when it was made).
run_concurrent_ls() {
	local i cpids=()
	okruns=0
	for ((i = 1; i <= CONCURRENT; i++)); do
		proc_start s3 --profile e2e-concurrent s3 ls >"$work/runs/ls.$i.out" 2>"$work/runs/ls.$i.err"
		cpids+=("$PROC_PID")
	done
	for i in "${!cpids[@]}"; do
		if proc_wait "${cpids[$i]}" && { [ "$bucket_made" = 0 ] || grep -q " $BUCKET\$" "$work/runs/ls.$((i + 1)).out"; }; then
			okruns=$((okruns + 1))
		fi
	done
}

# concurrent_verdict OKRUNS: PASS when every run succeeded and exactly one
# made the STS call. oidc-creds -v logs "attempt N: credentials issued in …"
# or "attempt N failed …" for every STS request, and "cache: fetching KEY"
# when a run goes to STS rather than using the cache; MinIO issues a new
# access key for every AssumeRoleWithWebIdentity, so distinct keys count
# calls too.
concurrent_verdict() {
	local okruns=$1 runs calls fetches waited keys detail logs=$work/runs/logs
	cat "$logs"/run.* >"$work/runs/all.log" 2>/dev/null
	runs=$(find "$logs" -name 'run.*' | wc -l)
	calls=$(grep -Ec 'attempt [0-9]+(: credentials issued| failed)' "$work/runs/all.log")
	fetches=$(grep -l 'cache: fetching' "$logs"/run.* 2>/dev/null | wc -l)
	waited=$(grep -l 'cache: waiting for another' "$logs"/run.* 2>/dev/null | wc -l)
	keys=$(cat "$work"/runs/keys/run.* 2>/dev/null | sort -u | grep -c .)
	detail="$okruns/$CONCURRENT aws s3 ls ok; $runs credential_process runs: $calls STS call, $fetches fetch, $((runs - fetches)) from the cache ($waited waited on the lock); $keys distinct access key"
	if [ "$okruns" = "$CONCURRENT" ] && [ "$runs" = "$CONCURRENT" ] && [ "$calls" = 1 ] && [ "$fetches" = 1 ] && [ "$keys" = 1 ]; then
		pass cache-concurrent-one-sts-call "$detail"
	else
		cat "$work"/runs/ls.*.err >"$work/runs/all.err" 2>/dev/null
		fail cache-concurrent-one-sts-call "$detail" "$work/runs/all.err" "$work/runs/all.log"
	fi
}

check_minio_empty_arn() {
	local exp
	begin
	need minio-empty-arn minio || return 0
	# MinIO's AssumedRoleUser Arn is empty: no account id to report, and nothing may break.
	if ! "$OC" process -v --no-cache "${E2E_ARGS[@]}" >"$work/nocache.json" 2>"$work/nocache.err"; then
		fail minio-empty-arn "oidc-creds process failed against MinIO" "$work/nocache.err"
		return
	fi
	exp=$(field "$work/nocache.json" Expiration)
	if grep -q '^{"Version":1,' "$work/nocache.json" && [ -n "$(field "$work/nocache.json" AccessKeyId)" ] &&
		[ -n "$(field "$work/nocache.json" SecretAccessKey)" ] && [ -n "$(field "$work/nocache.json" SessionToken)" ] &&
		! grep -q AccountId "$work/nocache.json" && [[ $exp =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]] &&
		! grep -Eq 'panic:|goroutine [0-9]' "$work/nocache.err"; then
		pass minio-empty-arn "empty assumed-role ARN: Version 1, keys present, no AccountId, Expiration $exp"
	else
		fail minio-empty-arn "unexpected credential_process output (fields: $(grep -o '"[A-Za-z]*":' "$work/nocache.json" | tr -d '":' | tr '\n' ' '))" "$work/nocache.err"
	fi
}

check_minio_errors_fail_fast() {
	local rc
	begin
	need minio-errors-fail-fast minio || return 0
	# MinIO's InvalidParameterValue is final: one attempt, exit status 4 (refused), no retries.
	oc_argv "$MINIO_URL" "$ROLE" "$work/token-wrong-aud" "$work/cache-fail"
	"$OC" process --no-cache "${OCARGS[@]}" >/dev/null 2>"$work/failfast.err"
	rc=$?
	if [ "$rc" = 4 ] && grep -q '; 1 attempt(s) in ' "$work/failfast.err" && ! grep -Eq 'panic:|goroutine [0-9]' "$work/failfast.err"; then
		pass minio-errors-fail-fast "exit status 4 after $(grep -o '1 attempt(s) in [0-9.]*[mµn]*s' "$work/failfast.err")"
	else
		fail minio-errors-fail-fast "exit status $rc" "$work/failfast.err"
	fi
}

check_minio_differences() {
	step "MinIO's differences from AWS"
	check_minio_empty_arn
	check_minio_errors_fail_fast
}
