#!/usr/bin/env bash
# Runs every fuzz test of the module (go test -fuzz), one at a time, each for
# FUZZTIME (default 30s): token decoding, duration and role ARN parsing,
# cache-entry decoding, shell quoting (FuzzQuoteSh round-trips each value
# through sh -c), the other quoters, and the AWS file editor (FuzzSet: any
# file, profile and value; untouched lines kept, the result readable).
#
#   scripts/fuzz.sh                  # every Fuzz* in every package
#   FUZZTIME=5m scripts/fuzz.sh      # longer
#   scripts/fuzz.sh ./cache          # only these packages
#   FUZZ='^FuzzParseToken$' scripts/fuzz.sh ./exchange
#
# A failing input is written by go test to PKG/testdata/fuzz/FuzzXxx/ and
# fails the run; commit it with the fix: from then on it is a regression case
# that every plain `go test` runs. The inputs the fuzzer finds interesting are
# kept in the Go build cache (go env GOCACHE), not in the repository, so
# repeated runs pick up where the last one stopped.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzztime="${FUZZTIME:-30s}"
match="${FUZZ:-^Fuzz}"
pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || pkgs=(./...)

failed=()
ran=0
for pkg in $(go list "${pkgs[@]}"); do
	# -list prints the matching test names, then "ok PKG …".
	for name in $(go test -list "$match" "$pkg" | grep '^Fuzz' || true); do
		ran=$((ran + 1))
		echo "== $pkg $name ($fuzztime)"
		if ! go test -run '^$' -fuzz "^${name}\$" -fuzztime "$fuzztime" "$pkg"; then
			failed+=("$pkg $name")
		fi
	done
done

if [ "$ran" = 0 ]; then
	echo "no fuzz test matches $match in ${pkgs[*]}" >&2
	exit 1
fi
if [ ${#failed[@]} -gt 0 ]; then
	echo
	echo "FAILED (the failing inputs are under each package's testdata/fuzz/):"
	printf '  %s\n' "${failed[@]}"
	git status --short -- '*/testdata/fuzz/*' 'testdata/fuzz/*' 2>/dev/null || true
	exit 1
fi
echo "all $ran fuzz tests ran $fuzztime each without a failure"
