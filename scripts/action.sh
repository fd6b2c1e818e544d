#!/usr/bin/env bash
# The steps of the GitHub Action (action.yml at the repository root), which
# runs them with `shell: bash` and passes every input in an environment
# variable, never in the script's text:
#
#   action.sh install   installs the oidc-creds release for the runner with
#                       scripts/install.sh into $RUNNER_TEMP/oidc-creds/bin and
#                       puts that directory on the job's PATH. The release is
#                       OIDC_CREDS_VERSION (the version input), else the one
#                       the action's VERSION file names (the release of the
#                       action's code, whatever ref it is used at: @v1,
#                       @v1.2.3, a commit). Without that file (a fork), with a
#                       warning: the action's ref when it is a version
#                       (@v1.2.3), else the latest, which with a major-version
#                       ref (@v1) must be of that major version.
#   action.sh exchange  exchanges the job's GitHub OIDC token for AWS
#                       credentials with the OIDC_CREDS_* variables: without a
#                       profile, `oidc-creds env --format github` exports them,
#                       masked, to the later steps of the job; with
#                       OIDC_CREDS_ACTION_PROFILE, `oidc-creds configure-profile`
#                       writes a credential_process profile (every later AWS
#                       call refreshes on its own) into a copy of the AWS
#                       config file under $RUNNER_TEMP/oidc-creds, and
#                       AWS_CONFIG_FILE and AWS_PROFILE are exported: the
#                       runner user's own config file is not written.
#                       Then `oidc-creds identity` (the cached credentials'
#                       account and assumed-role ARN, no secret) gives the
#                       aws-account-id and assumed-role-arn outputs.
#                       AWS_REGION and AWS_DEFAULT_REGION are exported when a
#                       region is set.
#                       Credentials are cached for the job only, under
#                       $RUNNER_TEMP/oidc-creds/cache.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

# annotate LEVEL MESSAGE prints a workflow annotation (error, warning),
# escaped as GitHub's toolkit escapes a command's message (so that an input
# with a line break cannot start another workflow command).
annotate() {
	local level=$1 msg=$2
	msg=${msg//"%"/%25}
	msg=${msg//$'\r'/%0D}
	msg=${msg//$'\n'/%0A}
	echo "::$level title=oidc-creds::$msg"
}

# fail prints an error annotation and exits 1.
fail() {
	annotate error "$*"
	exit 1
}

warn() { annotate warning "$*"; }

install_release() {
	local dir=${RUNNER_TEMP:?}/oidc-creds/bin ref=${OIDC_CREDS_ACTION_REF:-} installed
	local file=${GITHUB_ACTION_PATH:-$here/..}/VERSION version=${OIDC_CREDS_VERSION:-}
	# github.action_ref is not always set for composite actions; the runner
	# unpacks an action into _actions/OWNER/REPO/REF.
	[ -n "$ref" ] || ref=$(basename "${GITHUB_ACTION_PATH:-.}")
	if [ -z "$version" ] && [ -f "$file" ]; then
		# One line; CRs (a checkout with CRLF line ends) are dropped.
		version=$(tr -d '\r' <"$file")
		is_release "$version" ||
			fail "the action's VERSION file holds \"$version\", not a release such as v1.2.3: set the version input"
		# A version ref (@v1, @v1.2, @v1.2.3) the code is not of: a tag
		# moved, or made without bumping VERSION.
		if [[ $ref =~ ^v[0-9]+(\.[0-9]+)?(\.[0-9]+)?(-[0-9A-Za-z.-]+)?$ ]] && [ "$ref" != "$version" ] && [[ $version != "$ref".* ]]; then
			warn "the action is used at $ref, but its code is of release $version (its VERSION file): installing $version"
		fi
	elif [ -z "$version" ] && is_release "$ref"; then
		warn "the action has no VERSION file (a fork?): installing the release its ref names, $ref"
		version=$ref
	elif [ -z "$version" ]; then
		warn "the action has no VERSION file (a fork?): installing the latest release; set the version input to pin one"
	fi
	OIDC_CREDS_VERSION=$version OIDC_CREDS_INSTALL_DIR=$dir sh "$here/install.sh"
	installed=$("$dir/oidc-creds" version | sed -n '1s/^oidc-creds \([^ ]*\) .*/\1/p')
	if [ -n "$version" ] && [ "$installed" != "$version" ]; then
		fail "the release $version installed a binary that says it is ${installed:-no version}"
	fi
	if [ -z "$version" ] && [[ $ref =~ ^v[0-9]+$ ]] && [[ $installed != "$ref".* ]]; then
		fail "the latest release is $installed, not a $ref release: use oidc-creds/oidc-creds@${installed%%.*} or set the version input"
	fi
	echo "$dir" >>"${GITHUB_PATH:?}"
}

# is_release VERSION succeeds when VERSION is a release tag (vX.Y.Z, or
# vX.Y.Z-PRERELEASE), as release.sh and release.yml take them.
is_release() {
	[[ $1 =~ ^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$ ]]
}

exchange() {
	if [ -z "${ACTIONS_ID_TOKEN_REQUEST_URL:-}" ] || [ -z "${ACTIONS_ID_TOKEN_REQUEST_TOKEN:-}" ]; then
		fail "this job cannot request an OIDC token from GitHub: give it permissions: id-token: write"
	fi
	[ -n "${OIDC_CREDS_ROLE_ARN:-}" ] || fail "the role-arn input is required"
	local profile=${OIDC_CREDS_ACTION_PROFILE:-} region=${OIDC_CREDS_REGION:-}
	# Both go into GITHUB_ENV, where a line break would start another variable.
	[ -z "$region" ] || [[ $region =~ ^[a-z0-9-]+$ ]] || fail "region \"$region\" is not a region name"
	[ -z "$profile" ] || [[ $profile =~ ^[A-Za-z0-9._/-]+$ ]] ||
		fail "profile \"$profile\" is not usable: use letters, digits and - _ . /"
	# YAML lists (one ARN a line) as well as commas.
	OIDC_CREDS_POLICY_ARNS=$(arn_list "${OIDC_CREDS_POLICY_ARNS:-}")
	OIDC_CREDS_CHAIN_ROLE_ARNS=$(arn_list "${OIDC_CREDS_CHAIN_ROLE_ARNS:-}")
	export OIDC_CREDS_POLICY_ARNS OIDC_CREDS_CHAIN_ROLE_ARNS
	export OIDC_CREDS_CACHE_DIR=${OIDC_CREDS_CACHE_DIR:-${RUNNER_TEMP:?}/oidc-creds/cache}

	if [ -n "$profile" ]; then
		job_config
		oidc-creds configure-profile --profile "$profile"
		printf 'AWS_CONFIG_FILE=%s\nAWS_PROFILE=%s\n' "$AWS_CONFIG_FILE" "$profile" >>"${GITHUB_ENV:?}"
		# The later steps' credential_process runs with these set, and they
		# are part of the cache key: run the exchange below as it will, so
		# that the first of them is a cache hit.
		export AWS_PROFILE=$profile
		if [ -n "$region" ]; then export AWS_REGION=$region AWS_DEFAULT_REGION=$region; fi
	else
		oidc-creds env --format github
	fi
	if [ -n "$region" ]; then
		printf 'AWS_REGION=%s\nAWS_DEFAULT_REGION=%s\n' "$region" "$region" >>"${GITHUB_ENV:?}"
	fi
	outputs
}

# job_config points AWS_CONFIG_FILE at the job's own AWS config file,
# $RUNNER_TEMP/oidc-creds/aws-config, a copy of the one the SDKs would read
# (AWS_CONFIG_FILE, else ~/.aws/config) when there is one: the profile goes
# there, so that the later steps see the user's profiles and this one, and
# nothing of it outlives the job (on a self-hosted runner, a profile in
# ~/.aws/config would name a binary the runner deletes with RUNNER_TEMP).
# A second run of the action in the job adds to the same copy.
job_config() {
	local dir=${RUNNER_TEMP:?}/oidc-creds src=${AWS_CONFIG_FILE:-}
	local dst=$dir/aws-config
	if [ -z "$src" ] && [ -n "${HOME:-}" ]; then src=$HOME/.aws/config; fi
	# A leading ~/ is the home directory, as to the SDKs.
	local tilde='~'
	if [ "$src" = "$tilde" ] || [[ $src == "$tilde/"* ]]; then src=${HOME:?}${src:1}; fi
	mkdir -p "$dir"
	if [ -n "$src" ] && [ "$src" -ef "$dst" ]; then
		: # the job's copy already: a second profile
	elif [ -n "$src" ] && [ -f "$src" ]; then
		if ! (umask 077 && cp "$src" "$dst.tmp" && mv -f "$dst.tmp" "$dst"); then
			rm -f "$dst.tmp"
			fail "could not copy the AWS config file $src to $dst"
		fi
	elif [ -n "$src" ] && [ -e "$src" ]; then
		fail "the AWS config file $src is not a regular file"
	else
		rm -f "$dst"
	fi
	export AWS_CONFIG_FILE=$dst
}

# outputs writes the aws-account-id and assumed-role-arn outputs from
# `oidc-creds identity`, which holds no secret. After env it is a cache hit;
# with a profile it is the exchange, so that a refusal fails this step.
outputs() {
	local identity account arn
	identity=$(oidc-creds identity --json)
	account=$(json_field Account "$identity")
	arn=$(json_field Arn "$identity")
	# Empty when STS returned no assumed-role ARN (MinIO).
	[ -z "$account" ] || [[ $account =~ ^[0-9]{12}$ ]] || fail "STS returned an account id that is not one: $account"
	[ -z "$arn" ] || [[ $arn =~ ^arn:aws[a-z-]*:sts::[0-9]{12}:assumed-role/[A-Za-z0-9+=,.@_-]+/[A-Za-z0-9+=,.@_-]+$ ]] ||
		fail "STS returned an assumed-role ARN that is not one: $arn"
	printf 'aws-account-id=%s\nassumed-role-arn=%s\n' "$account" "$arn" >>"${GITHUB_OUTPUT:?}"
}

# json_field NAME JSON prints the string member NAME of identity --json's
# object (one member a line).
json_field() {
	sed -n 's/^  "'"$1"'": "\([^"\\]*\)",\{0,1\}$/\1/p' <<<"$2"
}

# arn_list LIST prints LIST's items, separated by commas and white space
# (line breaks included), joined by single commas.
arn_list() {
	local items
	# Nothing but separators: nothing (an empty array is unset to bash 3.2).
	[ -n "${1//[$' \t\r\n,']/}" ] || return 0
	read -r -d '' -a items <<<"${1//,/ }" || :
	local IFS=,
	echo "${items[*]}"
}

case ${1:-} in
install) install_release ;;
exchange) exchange ;;
*)
	echo "usage: action.sh install|exchange" >&2
	exit 2
	;;
esac
