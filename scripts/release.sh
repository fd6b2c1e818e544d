#!/usr/bin/env bash
# Builds the release of oidc-creds into DIR:
#
#   scripts/release.sh VERSION DIR        # VERSION: a tag such as v1.2.3
#
# DIR gets one archive per target, oidc-creds_VERSION_OS_ARCH.tar.gz
# (oidc-creds_VERSION_windows_ARCH.zip), each holding the directory
# oidc-creds_VERSION_OS_ARCH/ with the binary (oidc-creds, oidc-creds.exe),
# LICENSE, README.md and THIRD_PARTY_NOTICES (the license and notice files of
# Go and of every module linked into that binary, generated here), and
# oidc-creds_VERSION_SHA256SUMS, in sha256sum's format. scripts/install.sh
# downloads these names.
#
# Two runs on one commit, with the same Go, write the same bytes: the
# binaries are built with CGO_ENABLED=0, -trimpath, -buildvcs=false and
# -ldflags "-s -w -buildid=" (the version and the commit are set with -X),
# and internal/cmd/release writes the archives with sorted entries, the
# commit time as every entry's time, owner 0 and fixed modes. `oidc-creds
# version` prints VERSION, the commit and the Go version.
#
# The commit is git's HEAD, with "-dirty" when tracked files differ from it;
# the time is the commit's. OIDC_CREDS_COMMIT and SOURCE_DATE_EPOCH set them
# instead (both set: git is not needed). OIDC_CREDS_TARGETS="linux/amd64 ..."
# builds fewer targets.
set -euo pipefail

usage() { echo "usage: scripts/release.sh VERSION DIR   (VERSION: vMAJOR.MINOR.PATCH[-PRERELEASE])" >&2; exit 2; }
[ $# -eq 2 ] || usage
version=$1 dir=$2
[[ $version =~ ^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$ ]] || usage
[ -n "$dir" ] || usage

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
cd "$(dirname "$0")/.."

module=github.com/oidc-creds/oidc-creds
targets=${OIDC_CREDS_TARGETS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64}

if [ -n "${OIDC_CREDS_COMMIT:-}" ]; then
	commit=$OIDC_CREDS_COMMIT
else
	commit=$(git rev-parse HEAD)
	if ! git diff --quiet HEAD --; then
		echo "release.sh: warning: tracked files differ from $commit; the binaries say $commit-dirty" >&2
		commit=$commit-dirty
	fi
fi
[[ $commit =~ ^[0-9A-Za-z._-]+$ ]] || { echo "release.sh: bad commit $commit" >&2; exit 2; }
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct HEAD)}
[[ $epoch =~ ^[0-9]+$ ]] || { echo "release.sh: bad SOURCE_DATE_EPOCH $epoch" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/oidc-creds-release.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Nothing of the caller's environment that changes the bytes: no cgo, the
# baseline instruction sets, no experiments, no GOFLAGS.
export CGO_ENABLED=0 GOAMD64=v1 GOARM64=v8.0 GOFLAGS=-mod=readonly
unset GOEXPERIMENT GOFIPS140 GOOS GOARCH

go build -o "$work/release" ./internal/cmd/release

ldflags="-s -w -buildid= -X $module/cli.version=$version -X $module/cli.commit=$commit"
archives=()
for t in $targets; do
	goos=${t%/*} goarch=${t#*/}
	name=oidc-creds_${version}_${goos}_${goarch}
	exe=oidc-creds ext=tar.gz
	if [ "$goos" = windows ]; then exe=oidc-creds.exe ext=zip; fi
	echo "release.sh: $name.$ext"
	mkdir "$work/$name"
	GOOS=$goos GOARCH=$goarch go build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$work/$name/$exe" .
	GOOS=$goos GOARCH=$goarch "$work/release" notices -o "$work/$name/THIRD_PARTY_NOTICES" .
	cp LICENSE README.md "$work/$name/"
	"$work/release" archive -mtime "$epoch" -o "$dir/$name.$ext" "$work/$name"
	archives+=("$dir/$name.$ext")
done
"$work/release" checksums -o "$dir/oidc-creds_${version}_SHA256SUMS" "${archives[@]}"
echo "release.sh: $version ($commit) in $dir:"
cat "$dir/oidc-creds_${version}_SHA256SUMS"
