#!/usr/bin/env bash
# Benchmarks (not tests): prints one table.
#  1. a cache hit of `oidc-creds process` against a floor (benchfloor: a Go
#     program that reads and prints the same cache file): wall time
#     (hyperfine) and instructions (valgrind callgrind), as ratios;
#     benchdeps (the same file read linked with the SDK and kong) shows how
#     much of the difference is those modules' package initialisation;
#  2. a cold exchange (--no-cache) against the local test STS versus a bare
#     HTTP POST of the same request (benchpost, Go's net/http): the
#     overhead in ms;
#  3. 40 concurrent cold runs sharing one cache: STS calls and wall time;
#  4. peak memory (max RSS) of a hit and of a cold exchange.
# Needs hyperfine, valgrind, curl and GNU time; installs them with apt-get
# when missing and run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${BENCH_RUNS:-200}
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v valgrind >/dev/null || need+=(valgrind)
command -v curl >/dev/null || need+=(curl)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
	echo "installing ${need[*]} with apt-get (needs root)"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# shellcheck source=scripts/lib/proc.sh
. scripts/lib/proc.sh
proc_init # what is started below is stopped and $work removed on exit, INT and TERM
proc_tempdir oidc-creds-bench
work=$PROC_TMPDIR

# CGO_ENABLED=0: valgrind cannot follow cgo's thread start; the binaries
# are otherwise the same as `go install` builds.
export CGO_ENABLED=0
go build -o "$work/oidc-creds" .
go build -o "$work/teststs" ./internal/cmd/teststs
go build -o "$work/benchfloor" ./internal/cmd/benchfloor
go build -o "$work/benchdeps" ./internal/cmd/benchdeps
go build -o "$work/benchpost" ./internal/cmd/benchpost

proc_start "$work/teststs" serve --addr 127.0.0.1:0 --state-file "$work/sts.json" >"$work/sts.log" 2>&1
if ! proc_wait_file "$PROC_PID" 10 "$work/sts.json"; then
	echo "the test STS did not start within 10 s:" >&2
	cat "$work/sts.log" >&2
	exit 1
fi
url=$(sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$work/sts.json")
"$work/teststs" mint --url "$url" --exp-in 2h >"$work/token"

export OIDC_CREDS_ROLE_ARN=arn:aws:iam::123456789012:role/deploy
export OIDC_CREDS_TOKEN_FILE="$work/token" OIDC_CREDS_ENDPOINT_URL="$url"
export OIDC_CREDS_CACHE_DIR="$work/cache" AWS_CONFIG_FILE="$work/no-config" AWS_EC2_METADATA_DISABLED=true
# A CA bundle costs the SDK ~20M instructions to parse on every cold run;
# measure oidc-creds itself (set BENCH_KEEP_CA_BUNDLE=1 to include it).
[ -n "${BENCH_KEEP_CA_BUNDLE:-}" ] || unset AWS_CA_BUNDLE
oc="$work/oidc-creds"

# 1. cache hit vs floor
"$oc" process >/dev/null
entry=$(ls "$work"/cache/*.json | head -1)
proc_run hyperfine -N --warmup 20 --runs "$runs" --export-json "$work/hit.json" \
	"$oc process" "$work/benchfloor $entry" "$work/benchdeps $entry" >/dev/null 2>&1
mean() { sed -n 's/.*"mean": *\([0-9.e-]*\).*/\1/p' "$1" | sed -n "${2}p"; }
hit_s=$(mean "$work/hit.json" 1)
floor_s=$(mean "$work/hit.json" 2)
deps_s=$(mean "$work/hit.json" 3)
# asyncpreemptoff: callgrind cannot follow Go's preemption signals.
instr() {
	GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>"$work/vg.err" >/dev/null
	sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$work/vg.err" | grep . || { echo "callgrind failed:" >&2; tail -5 "$work/vg.err" >&2; exit 1; }
}
hit_i=$(instr "$oc" process)
floor_i=$(instr "$work/benchfloor" "$entry")
deps_i=$(instr "$work/benchdeps" "$entry")

# 2. cold exchange vs a bare POST of the same request
token=$(cat "$work/token")
body="Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=$OIDC_CREDS_ROLE_ARN&RoleSessionName=pulumi-acme-web-dev-update&DurationSeconds=3600&WebIdentityToken=$token"
printf '%s' "$body" >"$work/body"
"$work/benchpost" "$url/" "$work/body" >/dev/null || { echo "bare POST failed"; exit 1; }
proc_run hyperfine -N --warmup 5 --runs "$((runs / 2))" --export-json "$work/cold.json" \
	"$oc process --no-cache" "$work/benchpost $url/ $work/body" >/dev/null 2>&1
cold_s=$(mean "$work/cold.json" 1)
post_s=$(mean "$work/cold.json" 2)

# 3. 40 concurrent cold runs against an STS slowed to 200 ms
rm -rf "$work/cache"
curl -sf -X POST "$url/_test/reset" >/dev/null
curl -sf -X POST -d '{"delay":"200ms"}' "$url/_test/faults" >/dev/null
start=$(date +%s.%N)
concurrent=()
for _ in $(seq 40); do
	proc_start "$oc" process >/dev/null
	concurrent+=("$PROC_PID")
done
proc_wait "${concurrent[@]}"
end=$(date +%s.%N)
calls=$("$work/teststs" calls --url "$url")
curl -sf -X POST -d '{"delay":-1}' "$url/_test/faults" >/dev/null

# 4. peak memory
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
hit_kb=$(rss "$oc" process)
cold_kb=$(rss "$oc" process --no-cache)

awk -v hs="$hit_s" -v fs="$floor_s" -v hi="$hit_i" -v fi="$floor_i" -v ds="$deps_s" -v di="$deps_i" -v cs="$cold_s" -v ps="$post_s" \
	-v st="$start" -v en="$end" -v calls="$calls" -v hk="$hit_kb" -v ck="$cold_kb" 'BEGIN {
	printf "| measure | oidc-creds | baseline | ratio / difference |\n|---|---|---|---|\n"
	printf "| 1. cache hit, wall (mean) | %.2f ms | floor %.2f ms | %.2fx |\n", hs*1000, fs*1000, hs/fs
	printf "| 1. cache hit, instructions | %d | floor %d | %.2fx |\n", hi, fi, hi/fi
	printf "| 1. the floor linked with the SDK and kong (benchdeps) | %.2f ms, %d instr. | floor | %.2fx wall, %.2fx instr. |\n", ds*1000, di, ds/fs, di/fi
	printf "| 2. cold exchange, wall (mean) | %.2f ms | bare POST (Go net/http) %.2f ms | +%.2f ms |\n", cs*1000, ps*1000, (cs-ps)*1000
	printf "| 3. 40 concurrent cold runs (STS 200 ms) | %d STS call(s) | | %.0f ms wall |\n", calls, (en-st)*1000
	printf "| 4. peak RSS, hit / cold | %d KiB / %d KiB | | |\n", hk, ck
}'
echo
echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(go version | cut -d' ' -f3-), $(date -u +%Y-%m-%d)"
