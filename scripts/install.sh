#!/bin/sh
# Installs oidc-creds from its release archives:
#
#   curl -fsSL https://raw.githubusercontent.com/oidc-creds/oidc-creds/v1.2.3/scripts/install.sh | OIDC_CREDS_VERSION=v1.2.3 sh
#
# It detects the OS (Linux, macOS, Windows under Git Bash/MSYS/Cygwin) and
# the architecture (amd64, arm64), downloads the archive of that platform and
# the checksums file of the release, both named as scripts/release.sh names
# them, from $OIDC_CREDS_BASE_URL/VERSION/FILE, checks the archive's SHA-256,
# and only then writes oidc-creds into the install directory (through a
# temporary file renamed over the old one). A checksum that does not match, a
# missing one, or a download cut short stops it with a message, and nothing
# is installed. From an https base URL it follows redirects to https only
# (GitHub's go to objects.githubusercontent.com): a download that was sent
# to http is refused. The checksums file is read as sha256sum -c reads it
# (CRLF line ends, no line break after the last line).
#
#   OIDC_CREDS_VERSION      the release, e.g. v1.2.3; default: the latest
#                           (where $OIDC_CREDS_BASE_URL/../latest redirects to,
#                           as github.com/OWNER/REPO/releases/latest does)
#   OIDC_CREDS_INSTALL_DIR  default /usr/local/bin as root, else ~/.local/bin
#   OIDC_CREDS_BASE_URL     default https://github.com/oidc-creds/oidc-creds/releases/download
#
# It needs curl or wget (GNU or BusyBox), tar and gzip (unzip on Windows),
# and sha256sum, shasum or openssl. POSIX sh: dash, BusyBox ash, bash, zsh,
# macOS sh. Everything runs from the last line, so a script cut short in
# transfer does nothing.

set -eu

say() { printf 'install.sh: %s\n' "$*" >&2; }
die() {
	say "error: $*"
	say "nothing was installed"
	exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }

detect_platform() {
	os=$(uname -s)
	case $os in
	Linux) os=linux ;;
	Darwin) os=darwin ;;
	MINGW* | MSYS* | CYGWIN* | Windows_NT) os=windows ;;
	*) die "no release for the operating system $os (there are for Linux, macOS and Windows)" ;;
	esac
	arch=$(uname -m)
	case $arch in
	x86_64 | amd64) arch=amd64 ;;
	aarch64 | arm64 | armv8*) arch=arm64 ;;
	*) die "no release for the architecture $arch (there are for amd64 and arm64)" ;;
	esac
	# A shell under Rosetta 2 on Apple silicon says x86_64: take the native binary.
	if [ "$os" = darwin ] && [ "$arch" = amd64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || :)" = 1 ]; then
		arch=arm64
	fi
}

pick_tools() {
	if have curl; then
		dl=curl
	elif have wget; then
		dl=busybox-wget
		if wget --version 2>/dev/null | grep -q 'GNU Wget'; then dl=gnu-wget; fi
	else
		die "neither curl nor wget is installed: install one of them"
	fi
	if have sha256sum; then
		hasher=sha256sum
	elif have shasum; then
		hasher=shasum
	elif have openssl; then
		hasher=openssl
	else
		die "no sha256sum, shasum or openssl to check the download with"
	fi
}

# fetch URL FILE: fails on an HTTP error, on a body shorter than its
# Content-Length, and, when URL is https, on a redirect to another scheme.
# curl is held to https by --proto; wget has no such option (GNU wget's
# --https-only is for links in recursive mode), so its -S output is read
# for the redirects it followed, and a download that went through one that
# is not https is discarded.
fetch() {
	case $dl:$1 in
	curl:https://*)
		# Exit status 1: a protocol --proto does not allow.
		curl -fsSL --proto =https -o "$2" "$1" || { [ $? -ne 1 ] || return 2; return 1; }
		;;
	curl:*) curl -fsSL -o "$2" "$1" ;;
	*)
		wget_s "$1" "$2" >"$tmp/headers" 2>&1 || return 1
		case $1 in
		https://*) ! insecure_redirect <"$tmp/headers" || return 2 ;;
		esac
		;;
	esac
}

# wget_s URL FILE downloads URL into FILE with wget, printing the server's
# responses (-S, on stderr).
wget_s() {
	case $dl in
	gnu-wget) wget -q -S --tries=1 -O "$2" "$1" ;;
	busybox-wget) wget -q -S -O "$2" "$1" ;;
	esac
}

# insecure_redirect succeeds when wget's -S output on stdin holds a
# redirect to a URL with a scheme other than https (a Location without a
# scheme keeps the scheme of the URL it came from).
insecure_redirect() {
	sed -n 's/^ *[Ll][Oo][Cc][Aa][Tt][Ii][Oo][Nn]: *//p' | tr -d '\r' |
		grep -Eiv '^https:' | grep -Eiq '^[a-z][a-z0-9+.-]*:'
}

# final_url URL prints where URL redirects to; with an https URL, only
# through https.
final_url() {
	case $dl:$1 in
	curl:https://*)
		curl -fsSL --proto =https -o /dev/null -w '%{url_effective}' "$1" || { [ $? -ne 1 ] || return 2; return 1; }
		;;
	curl:*) curl -fsSL -o /dev/null -w '%{url_effective}' "$1" ;;
	*)
		wget_s "$1" /dev/null >"$tmp/headers" 2>&1 || :
		case $1 in
		https://*) ! insecure_redirect <"$tmp/headers" || return 2 ;;
		esac
		sed -n 's/^ *[Ll][Oo][Cc][Aa][Tt][Ii][Oo][Nn]: *\([^ ]*\).*/\1/p' "$tmp/headers" | tail -n 1
		;;
	esac
}

sha256_of() {
	case $hasher in
	sha256sum) sha256sum "$1" ;;
	shasum) shasum -a 256 "$1" ;;
	openssl) openssl dgst -sha256 -r "$1" ;;
	esac | {
		read -r h _
		printf '%s\n' "$h" | tr 'A-F' 'a-f'
	}
}

check_version() {
	case $1 in
	v[0-9]*.[0-9]*.[0-9]*) ;;
	*) return 1 ;;
	esac
	case $1 in
	*[!0-9A-Za-z.-]*) return 1 ;;
	esac
}

main() {
	base=${OIDC_CREDS_BASE_URL:-https://github.com/oidc-creds/oidc-creds/releases/download}
	base=${base%/}
	detect_platform
	pick_tools

	tmp=$(mktemp -d "${TMPDIR:-/tmp}/oidc-creds-install.XXXXXX") || die "could not create a temporary directory"
	trap 'rm -rf "$tmp"' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM

	version=${OIDC_CREDS_VERSION:-}
	if [ -z "$version" ]; then
		case $base in
		*/download) ;;
		*) die "set OIDC_CREDS_VERSION: the latest release is looked up only where OIDC_CREDS_BASE_URL ends in /releases/download, as on GitHub" ;;
		esac
		latest=${base%/download}/latest
		say "looking up the latest release at $latest"
		rc=0
		url=$(final_url "$latest") || rc=$?
		[ "$rc" -ne 2 ] || die "$latest redirects to a URL that is not https: refusing to follow it"
		url=$(printf '%s\n' "$url" | tr -d '\r')
		version=${url%%[?#]*}
		version=${version##*/}
		check_version "$version" || die "could not find the latest release at $latest (got \"$url\"); set OIDC_CREDS_VERSION=vX.Y.Z"
	fi
	check_version "$version" || die "OIDC_CREDS_VERSION=$version is not a release tag such as v1.2.3"

	if [ -n "${OIDC_CREDS_INSTALL_DIR:-}" ]; then
		dir=$OIDC_CREDS_INSTALL_DIR
	elif [ "$(id -u)" = 0 ]; then
		dir=/usr/local/bin
	else
		[ -n "${HOME:-}" ] || die "HOME is not set: set OIDC_CREDS_INSTALL_DIR"
		dir=$HOME/.local/bin
	fi

	name=oidc-creds_${version}_${os}_${arch}
	exe=oidc-creds
	archive=$name.tar.gz
	if [ "$os" = windows ]; then
		exe=oidc-creds.exe
		archive=$name.zip
		have unzip || die "unzip is needed to unpack $archive"
	fi
	sums=oidc-creds_${version}_SHA256SUMS

	for f in "$sums" "$archive"; do
		say "downloading $base/$version/$f"
		rc=0
		fetch "$base/$version/$f" "$tmp/$f" || rc=$?
		case $rc in
		0) ;;
		2) die "$base/$version/$f redirects to a URL that is not https: the download is not used" ;;
		*) die "could not download $base/$version/$f: it is missing, or the transfer was cut short" ;;
		esac
	done

	# As sha256sum -c reads it: a last line without a line break counts,
	# and a CR before a line break is not part of the name.
	cr=$(printf '\r')
	want=
	while read -r h n || [ -n "$h" ]; do
		n=${n%"$cr"}
		[ "$n" = "$archive" ] || [ "$n" = "*$archive" ] || continue
		[ -z "$want" ] || [ "$want" = "$h" ] || die "$sums has two different checksums for $archive"
		want=$h
	done <"$tmp/$sums"
	[ -n "$want" ] || die "$sums has no checksum for $archive"
	want=$(printf '%s\n' "$want" | tr 'A-F' 'a-f')
	case $want in
	*[!0-9a-f]*) die "$sums has a malformed checksum for $archive: $want" ;;
	esac
	[ ${#want} -eq 64 ] || die "$sums has a malformed checksum for $archive: $want"
	got=$(sha256_of "$tmp/$archive")
	[ "$got" = "$want" ] ||
		die "checksum mismatch for $archive: $sums says $want, the download is $got (corrupt, cut short or tampered with)"
	say "checksum ok: $got  $archive"

	mkdir "$tmp/x"
	if [ "$os" = windows ]; then
		unzip -q "$tmp/$archive" -d "$tmp/x" || die "could not unpack $archive"
	else
		tar -C "$tmp/x" -xzf "$tmp/$archive" || die "could not unpack $archive"
	fi
	[ -f "$tmp/x/$name/$exe" ] || die "$archive holds no $name/$exe"

	mkdir -p "$dir" || die "could not create $dir"
	part=$dir/.$exe.install-$$
	if ! { cp "$tmp/x/$name/$exe" "$part" && chmod 755 "$part" && mv -f "$part" "$dir/$exe"; }; then
		rm -f "$part"
		die "could not write $dir/$exe"
	fi
	say "installed oidc-creds $version ($os/$arch) as $dir/$exe"
	case :${PATH:-}: in
	*:"$dir":*) ;;
	*) say "note: $dir is not on PATH" ;;
	esac
}

main "$@"
