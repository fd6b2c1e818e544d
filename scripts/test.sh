#!/usr/bin/env bash
# The test command: static checks for Linux, macOS and Windows, the race-
# enabled Go tests (unit and end-to-end testscript), then the end-to-end
# run against MinIO and real AWS clients (scripts/e2e.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"

# Shells the quoting round trips run in, what the release tests run
# install.sh with and lint with (internal/cmd/release), and the AWS CLI for
# e2e.sh and for the Go tests that read the edited AWS files with its
# botocore (they skip without one): install what is missing when this
# machine can (root with apt-get, as in CI).
need=()
for p in zsh ksh fish shellcheck busybox curl wget; do command -v "$p" >/dev/null || need+=("$p"); done
[ -x /usr/bin/aws ] || need+=(awscli)
if [ ${#need[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	echo "installing ${need[*]}"
	(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null) ||
		echo "warning: could not install ${need[*]}; the checks that need them are skipped"
fi

echo "== gofmt, go vet (linux, darwin, windows), go mod tidy"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then echo "gofmt would change: $unformatted"; exit 1; fi
go vet ./...
GOOS=darwin go vet ./...
GOOS=windows go vet ./...
go mod tidy -diff

echo "== go test -race ./..."
go test -race -count=1 ./...

echo "== release archives, install.sh, the workflows and the action (internal/cmd/release, TEST_RELEASE=1)"
TEST_RELEASE=1 go test -count=1 -timeout 30m ./internal/cmd/release

echo "== scripts/e2e.sh (MinIO and real AWS clients)"
scripts/e2e.sh
