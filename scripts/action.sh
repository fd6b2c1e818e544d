#!/usr/bin/env bash
# The steps of the GitHub Action (action.yml at the repository root), which
# runs them with `shell: bash` and passes every input in an environment
# variable, never in the script's text:
#
#   action.sh install   installs the oidc-creds release for the runner with
#                       scripts/install.sh into $RUNNER_TEMP/oidc-creds/bin and
#                       puts that directory on the job's PATH. The release is
#                       OIDC_CREDS_VERSION (the version input), else the
#                       action's ref when it is a version (@v1.2.3), else the
#                       latest; with a major-version ref (@v1) the latest must
#                       be of that major version.
#   action.sh exchange  exchanges the job's GitHub OIDC token for AWS
#                       credentials with the OIDC_CREDS_* variables: without a
#                       profile, `oidc-creds env --format github` exports them,
#                       masked, to the later steps of the job; with
#                       OIDC_CREDS_ACTION_PROFILE, `oidc-creds configure-profile`
#                       writes a credential_process profile (every later AWS
#                       call refreshes on its own) and AWS_PROFILE is exported.
#                       Then `oidc-creds process` (the cached credentials)
#                       gives the aws-account-id output. AWS_REGION and
#                       AWS_DEFAULT_REGION are exported when a region is set.
#                       Credentials are cached for the job only, under
#                       $RUNNER_TEMP/oidc-creds/cache.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

fail() {
	echo "::error title=oidc-creds::$*"
	exit 1
}

install_release() {
	local dir=${RUNNER_TEMP:?}/oidc-creds/bin ref=${OIDC_CREDS_ACTION_REF:-} installed
	# github.action_ref is not always set for composite actions; the runner
	# unpacks an action into _actions/OWNER/REPO/REF.
	[ -n "$ref" ] || ref=$(basename "${GITHUB_ACTION_PATH:-.}")
	local pinned=${OIDC_CREDS_VERSION:-}
	if [ -z "$pinned" ] && [[ $ref =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
		pinned=$ref
	fi
	OIDC_CREDS_VERSION=$pinned OIDC_CREDS_INSTALL_DIR=$dir sh "$here/install.sh"
	installed=$("$dir/oidc-creds" version | sed -n '1s/^oidc-creds \([^ ]*\) .*/\1/p')
	if [ -z "$pinned" ] && [[ $ref =~ ^v[0-9]+$ ]] && [[ $installed != "$ref".* ]]; then
		fail "the latest release is $installed, not a $ref release: use oidc-creds/oidc-creds@${installed%%.*} or set the version input"
	fi
	echo "$dir" >>"${GITHUB_PATH:?}"
}

exchange() {
	if [ -z "${ACTIONS_ID_TOKEN_REQUEST_URL:-}" ] || [ -z "${ACTIONS_ID_TOKEN_REQUEST_TOKEN:-}" ]; then
		fail "this job cannot request an OIDC token from GitHub: give it permissions: id-token: write"
	fi
	[ -n "${OIDC_CREDS_ROLE_ARN:-}" ] || fail "the role-arn input is required"
	local profile=${OIDC_CREDS_ACTION_PROFILE:-} region=${OIDC_CREDS_REGION:-} json account
	# Both go into GITHUB_ENV, where a line break would start another variable.
	[ -z "$region" ] || [[ $region =~ ^[a-z0-9-]+$ ]] || fail "region \"$region\" is not a region name"
	[ -z "$profile" ] || [[ $profile =~ ^[A-Za-z0-9._/-]+$ ]] ||
		fail "profile \"$profile\" is not usable: use letters, digits and - _ . /"
	export OIDC_CREDS_CACHE_DIR=${OIDC_CREDS_CACHE_DIR:-${RUNNER_TEMP:?}/oidc-creds/cache}

	if [ -n "$profile" ]; then
		oidc-creds configure-profile --profile "$profile"
		echo "AWS_PROFILE=$profile" >>"${GITHUB_ENV:?}"
	else
		oidc-creds env --format github
	fi
	if [ -n "$region" ]; then
		printf 'AWS_REGION=%s\nAWS_DEFAULT_REGION=%s\n' "$region" "$region" >>"${GITHUB_ENV:?}"
	fi
	# The exchange of a profile happens here, so that a refusal fails this
	# step; after env it is a cache hit.
	json=$(oidc-creds process)
	account=$(sed -n 's/.*"AccountId":"\([0-9]*\)".*/\1/p' <<<"$json")
	echo "aws-account-id=$account" >>"${GITHUB_OUTPUT:?}"
	# assumed-role-arn: oidc-creds does not report the assumed-role ARN yet.
}

case ${1:-} in
install) install_release ;;
exchange) exchange ;;
*)
	echo "usage: action.sh install|exchange" >&2
	exit 2
	;;
esac
