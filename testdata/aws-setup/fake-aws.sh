#!/usr/bin/env bash
# A stand-in for the AWS CLI: it records each call in $AWS_LOG (policy
# documents as POLICY, their text in policy.json) and answers like IAM.
set -eu
line=() doc=
while [ $# -gt 0 ]; do
	case $1 in
	--policy-document | --assume-role-policy-document) line+=("$1" POLICY); doc=$2; shift ;;
	*) line+=("$1") ;;
	esac
	shift
done
printf '%s\n' "${line[*]}" >>"$AWS_LOG"
[ -z "$doc" ] || printf '%s\n' "$doc" >"$(dirname "$AWS_LOG")/policy.json"
if [ -n "${FAKE_NO_CREDENTIALS:-}" ]; then
	echo "Unable to locate credentials. You can configure credentials by running \"aws configure\"." >&2
	exit 253
fi
case "${line[0]} ${line[1]}" in
"sts get-caller-identity") echo 123456789012 ;;
"iam get-open-id-connect-provider")
	[ -n "${FAKE_PROVIDER_EXISTS:-}" ] && { echo '{}'; exit 0; }
	echo "An error occurred (NoSuchEntity) when calling the GetOpenIDConnectProvider operation: OpenIDConnect Provider not found" >&2
	exit 254 ;;
"iam get-role")
	[ -n "${FAKE_ROLE_EXISTS:-}" ] && { echo '{}'; exit 0; }
	echo "An error occurred (NoSuchEntity) when calling the GetRole operation: The role with name ${line[3]} cannot be found." >&2
	exit 254 ;;
*) echo '{}' ;;
esac
