# shellcheck shell=bash disable=SC2034,SC2154 # variables shared with scripts/e2e.sh, which sources this file
# What scripts/e2e.sh's checks need (sourced by it), installed when missing
# and reused when present:
#   - oidc-creds, teststs and sdkresolve, built into $work/bin (check "build");
#   - the AWS CLI v2 from Debian (/usr/bin/aws; apt-get, as root);
#   - MinIO, built through the Go module proxy at a pinned version, into
#     $CACHE/bin (default ~/.cache/oidc-creds-e2e/bin);
#   - @aws-sdk/client-s3 and @aws-sdk/credential-providers at the versions
#     pinned in internal/e2e/package.json and package-lock.json, into
#     $CACHE/npm-KEY (npm's own download cache is reused).
# install_aws, install_minio and install_js each set have_X=1, or have_X=0
# and why_X, the reason that the checks needing it print on their SKIP line.

# build_binaries: PASS build; or FAIL build, and a non-zero status.
build_binaries() {
	step "build oidc-creds, teststs and sdkresolve"
	begin
	if go build -o "$work/bin/oidc-creds" . 2>"$work/build.log" &&
		go build -o "$work/bin/teststs" ./internal/cmd/teststs 2>>"$work/build.log" &&
		go build -o "$work/bin/sdkresolve" ./internal/cmd/sdkresolve 2>>"$work/build.log"; then
		pass build "$("$work/bin/oidc-creds" version 2>&1 | head -n1)"
	else
		fail build "go build failed; nothing else can run" "$work/build.log"
		return 1
	fi
}

# without WHAT: E2E_WITHOUT (a comma-separated list) names WHAT.
without() { [[ ,${E2E_WITHOUT:-}, == *,$1,* ]]; }

install_aws() {
	step "AWS CLI v2 (Debian's awscli, $AWS)"
	have_aws=0 why_aws=
	if without aws; then
		why_aws="E2E_WITHOUT names it"
	elif [ ! -x "$AWS" ]; then
		apt_install_awscli
	fi
	[ -n "$why_aws" ] || check_aws_v2
	[ "$have_aws" = 1 ] || echo "e2e: AWS CLI unavailable: $why_aws"
}

# apt_install_awscli installs Debian's awscli, or sets why_aws. apt-get runs
# in the foreground: a signal waits for it rather than cut dpkg short.
apt_install_awscli() {
	if ! command -v apt-get >/dev/null || [ "$(id -u)" != 0 ]; then
		why_aws="no $AWS, and apt-get install awscli is not possible here (needs apt-get and root)"
		return
	fi
	echo "installing awscli with apt-get"
	{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y awscli; } >"$work/apt.log" 2>&1 || {
		tail -n 5 "$work/apt.log"
		why_aws="apt-get install awscli failed: $(tail -n 1 "$work/apt.log")"
	}
}

check_aws_v2() { # sets have_aws, or why_aws
	if [ ! -x "$AWS" ]; then
		why_aws="no $AWS after apt-get install awscli"
	elif "$AWS" --version 2>&1 | grep -q '^aws-cli/2\.'; then
		have_aws=1
		"$AWS" --version
	else
		why_aws="$AWS is not the AWS CLI v2: $("$AWS" --version 2>&1 | head -n1)"
	fi
}

install_minio() {
	step "MinIO $MINIO_VERSION (cache $CACHE/bin)"
	MINIO=$CACHE/bin/minio
	have_minio=0 why_minio=
	if without minio; then
		why_minio="E2E_WITHOUT names it"
		echo "e2e: MinIO unavailable: $why_minio"
	elif [ -x "$MINIO" ] && [ "$(minio_version "$MINIO")" = "$MINIO_VERSION" ]; then
		have_minio=1
		echo "reusing $MINIO"
	else
		build_minio
	fi
}

# minio_version BINARY prints the MinIO module version BINARY was built from.
minio_version() { go version -m "$1" 2>/dev/null | awk '$1 == "mod" && $2 == "github.com/minio/minio" {print $3}'; }

build_minio() {
	local b0
	echo "building MinIO through the Go module proxy (a few minutes on a fresh machine)"
	b0=$(date +%s)
	mkdir -p "$CACHE/bin"
	if proc_run go_install_minio >"$work/minio-build.log" 2>&1 &&
		[ "$(minio_version "$MINIO")" = "$MINIO_VERSION" ]; then
		have_minio=1
		echo "built $MINIO in $(($(date +%s) - b0)) s"
	else
		why_minio="go install $MINIO_MODULE@$MINIO_VERSION failed: $(tail -n 1 "$work/minio-build.log")"
		echo "e2e: MinIO unavailable: $why_minio"
	fi
}

go_install_minio() (
	cd "$work" && GOFLAGS=-mod=mod GOBIN="$CACHE/bin" timeout 1800 go install "$MINIO_MODULE@$MINIO_VERSION"
)

install_js() {
	step "AWS SDK for JavaScript v3 (pinned in internal/e2e/package.json)"
	have_js=0 why_js=
	if without js; then
		why_js="E2E_WITHOUT names it"
	elif ! command -v node >/dev/null || ! command -v npm >/dev/null; then
		why_js="node or npm is not installed"
	elif [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
		why_js="node $(node --version) is older than the SDK's minimum, 20"
	else
		npm_install_sdk
		link_js_sdk
	fi
	[ "$have_js" = 1 ] || echo "e2e: JavaScript SDK unavailable: $why_js"
}

# npm_install_sdk sets jsdir, $CACHE/npm-KEY with KEY from package.json and
# package-lock.json, installed there unless it already was; have_js or why_js.
npm_install_sdk() {
	jsdir=$CACHE/npm-$(cat internal/e2e/package.json internal/e2e/package-lock.json | sha256sum | cut -c1-12)
	if [ -f "$jsdir/.installed" ]; then
		echo "reusing $jsdir"
		have_js=1
		return
	fi
	echo "npm install into $jsdir"
	rm -rf "$jsdir.tmp" && mkdir -p "$jsdir.tmp" &&
		cp internal/e2e/package.json internal/e2e/package-lock.json "$jsdir.tmp/"
	if proc_run npm_install_in "$jsdir.tmp" >"$work/npm.log" 2>&1 &&
		touch "$jsdir.tmp/.installed" && rm -rf "$jsdir" && mv "$jsdir.tmp" "$jsdir"; then
		have_js=1
	else
		why_js="npm install failed: $(tail -n 3 "$work/npm.log" | tr '\n' ' ')"
		rm -rf "$jsdir.tmp"
	fi
}

npm_install_in() ( cd "$1" && timeout 900 npm install --no-audit --no-fund; )

# link_js_sdk puts the SDK and listbuckets.mjs into $work/js and prints
# the versions.
link_js_sdk() {
	[ "$have_js" = 1 ] || return 0
	mkdir -p "$work/js"
	ln -s "$jsdir/node_modules" "$work/js/node_modules"
	cp internal/e2e/listbuckets.mjs "$work/js/"
	echo "node $(node --version), @aws-sdk/client-s3 $(js_version client-s3)," \
		"@aws-sdk/credential-providers $(js_version credential-providers)"
}

js_version() { node -p "require('$jsdir/node_modules/@aws-sdk/$1/package.json').version"; }
