#!/usr/bin/env bash
# The AWS side of Pulumi's OIDC guide (or GitHub Actions', or any issuer's),
# with the AWS CLI: create (or update) the IAM OIDC identity provider with
# the audiences the chosen subjects' tokens carry, create (or update) a role
# whose trust policy accepts the tokens, and attach policies to it. Safe to
# run again: an existing provider gets the audiences added, an existing role
# gets the trust policy replaced, attaching a policy twice is harmless.
#
#   scripts/aws-setup.sh --role-name pulumi-deploy --org acme --project web \
#       --policy-arn arn:aws:iam::aws:policy/PowerUserAccess
#
# Run with --help for every option. Needs the AWS CLI (credentials allowed to
# manage IAM) and oidc-creds (for the trust policy and the thumbprint).
set -euo pipefail

usage() {
	cat <<'USAGE'
Usage: aws-setup.sh --role-name NAME WHO [options]

WHO is one of (as in `oidc-creds trust-policy`, which also picks the audiences
the identity provider must list):
  --org ORG --project PROJECT [--stack STACK]   Pulumi Deployments of a project (or one stack): aud ORG
  --org ORG --environment PROJECT/ENV           Pulumi ESC environment (repeatable): aud aws:ORG; a bare
        [--esc-from-iac]                        ENV is one of the legacy default project: aud ORG;
                                                --esc-from-iac also trusts ESC opened from Pulumi IaC
                                                (env:<yaml>, aud aws:ORG and ORG)
  --org ORG --esc-from-iac                      only ESC opened from Pulumi IaC
  --github-repo OWNER/REPO [--ref REF]          GitHub Actions jobs of a repository (on a branch or ref,
        [--github-environment ENV] [--pull-request]  for an environment, for pull requests; repeatable)
  --subject PATTERN --audience AUD              any issuer (with --issuer); both repeatable

Options:
  --account-id ID            the AWS account (default: aws sts get-caller-identity)
  --partition NAME           aws (default), aws-cn, aws-us-gov
  --issuer URL               OIDC issuer (default https://api.pulumi.com/oidc, or
                             https://token.actions.githubusercontent.com with --github-repo)
  --audience AUD             audience the tokens carry (default: the subjects' own); repeatable
  --policy-arn ARN           attach this managed policy to the role; repeatable
  --max-session-duration D   the role's maximum session: 1h to 12h (e.g. 2h, 1h30m, 7200)
  --description TEXT         the role's description
  --thumbprint HEX           use this thumbprint instead of `oidc-creds thumbprint ISSUER`
  --ca-file PEM              private CA for `oidc-creds thumbprint`
  --dry-run                  run only read-only AWS calls; print the commands that would change anything
  -h, --help                 this help

Environment: AWS (the AWS CLI, default aws), OIDC_CREDS (default oidc-creds).
USAGE
}

die() {
	printf 'aws-setup.sh: %s\n' "$*" >&2
	exit 2
}

aws_cli=${AWS:-aws}
oidc_creds=${OIDC_CREDS:-oidc-creds}
role_name= account= partition=aws issuer= org= project= stack= github_repo= pull_request=
esc_from_iac= max_session= description= thumbprint= ca_file= dry_run=
environments=() refs=() github_environments=() subjects=() audiences=() policy_arns=()

need() { [ $# -ge 2 ] && [ -n "$2" ] || die "$1 needs a value"; }
while [ $# -gt 0 ]; do
	case $1 in
	--role-name) need "$@"; role_name=$2; shift ;;
	--account-id) need "$@"; account=$2; shift ;;
	--partition) need "$@"; partition=$2; shift ;;
	--issuer) need "$@"; issuer=$2; shift ;;
	--org) need "$@"; org=$2; shift ;;
	--project) need "$@"; project=$2; shift ;;
	--stack) need "$@"; stack=$2; shift ;;
	--environment) need "$@"; environments+=("$2"); shift ;;
	--esc-from-iac) esc_from_iac=1 ;;
	--github-repo) need "$@"; github_repo=$2; shift ;;
	--ref) need "$@"; refs+=("$2"); shift ;;
	--github-environment) need "$@"; github_environments+=("$2"); shift ;;
	--pull-request) pull_request=1 ;;
	--subject) need "$@"; subjects+=("$2"); shift ;;
	--audience) need "$@"; audiences+=("$2"); shift ;;
	--policy-arn) need "$@"; policy_arns+=("$2"); shift ;;
	--max-session-duration) need "$@"; max_session=$2; shift ;;
	--description) need "$@"; description=$2; shift ;;
	--thumbprint) need "$@"; thumbprint=$2; shift ;;
	--ca-file) need "$@"; ca_file=$2; shift ;;
	--dry-run) dry_run=1 ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown argument $1; see --help" ;;
	esac
	shift
done

[ -n "$role_name" ] || die "--role-name NAME is required; see --help"
[[ $role_name =~ ^[A-Za-z0-9+=,.@_-]{1,64}$ ]] || die "--role-name $role_name is not an IAM role name (1-64 of letters, digits and + = , . @ _ -)"
command -v "$aws_cli" >/dev/null || die "the AWS CLI ($aws_cli) is not installed; see https://aws.amazon.com/cli/"
command -v "$oidc_creds" >/dev/null || die "oidc-creds ($oidc_creds) is not on PATH; go install github.com/oidc-creds/oidc-creds@latest, or set OIDC_CREDS"
if [ -z "$issuer" ]; then
	issuer=https://api.pulumi.com/oidc
	[ -z "$github_repo" ] || issuer=https://token.actions.githubusercontent.com
fi

# --max-session-duration: seconds, or XhYmZs.
if [ -n "$max_session" ]; then
	if [[ $max_session =~ ^[0-9]+$ ]]; then
		seconds=$max_session
	elif [[ $max_session =~ ^(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?$ ]]; then
		seconds=$(( ${BASH_REMATCH[2]:-0} * 3600 + ${BASH_REMATCH[4]:-0} * 60 + ${BASH_REMATCH[6]:-0} ))
	else
		die "--max-session-duration $max_session is not a duration such as 2h, 1h30m or 7200"
	fi
	[ "$seconds" -ge 3600 ] && [ "$seconds" -le 43200 ] || die "--max-session-duration $max_session is outside what IAM accepts: 1h to 12h"
	max_session=$seconds
fi

# show prints a command so that it can be pasted into bash.
show() {
	local out= a
	for a in "$@"; do
		if [[ $a =~ ^[A-Za-z0-9_@%+=:,./-]+$ ]]; then out+=" $a"; else out+=" $(printf '%q' "$a")"; fi
	done
	printf '%s\n' "${out# }"
}

# change runs a command that changes AWS (or, with --dry-run, prints it).
change() {
	if [ -n "$dry_run" ]; then
		show "$@"
	else
		printf '+ %s\n' "$(show "$@")" >&2
		"$@" >/dev/null
	fi
}

# lookup runs a read-only AWS call: it succeeds when the thing exists, fails
# quietly when IAM says NoSuchEntity, and stops the script on other errors
# (under --dry-run it notes them and goes on as if the thing did not exist).
lookup() {
	local err
	if err=$("$@" 2>&1 >/dev/null); then
		return 0
	fi
	case $err in
	*NoSuchEntity*) return 1 ;;
	esac
	if [ -n "$dry_run" ]; then
		printf '# could not check (%s): %s\n' "$(show "$@")" "$(printf '%s' "$err" | tr '\n' ' ')"
		return 1
	fi
	printf 'aws-setup.sh: %s failed: %s\n' "$(show "$@")" "$err" >&2
	exit 1
}

if [ -z "$account" ]; then
	account=$("$aws_cli" sts get-caller-identity --query Account --output text) ||
		die "cannot find the account with aws sts get-caller-identity; configure AWS credentials or pass --account-id"
fi
[[ $account =~ ^[0-9]{12}$ ]] || die "account id $account is not 12 digits"

# The trust policy, and the audiences it trusts (the provider's client IDs),
# from oidc-creds, which checks the inputs.
tp=(trust-policy --account-id "$account" --partition "$partition" --issuer "$issuer")
[ -z "$org" ] || tp+=(--org "$org")
[ -z "$project" ] || tp+=(--project "$project")
[ -z "$stack" ] || tp+=(--stack "$stack")
for e in ${environments[@]+"${environments[@]}"}; do tp+=(--environment "$e"); done
[ -z "$esc_from_iac" ] || tp+=(--esc-from-iac)
[ -z "$github_repo" ] || tp+=(--github-repo "$github_repo")
for r in ${refs[@]+"${refs[@]}"}; do tp+=(--ref "$r"); done
for e in ${github_environments[@]+"${github_environments[@]}"}; do tp+=(--github-environment "$e"); done
[ -z "$pull_request" ] || tp+=(--pull-request)
for s in ${subjects[@]+"${subjects[@]}"}; do tp+=(--subject "$s"); done
for a in ${audiences[@]+"${audiences[@]}"}; do tp+=(--audience "$a"); done
policy=$("$oidc_creds" "${tp[@]}") || exit 2
ids=$("$oidc_creds" "${tp[@]}" --client-ids 2>/dev/null) || exit 2
client_ids=()
while IFS= read -r a; do
	[ -z "$a" ] || client_ids+=("$a")
done <<<"$ids"

provider=${issuer#*://}
provider=${provider%/}
provider_arn="arn:$partition:iam::$account:oidc-provider/$provider"
role_arn="arn:$partition:iam::$account:role/$role_name"

if [ -n "$dry_run" ]; then
	printf '# dry run: the commands that would change AWS\n# trust policy of role %s:\n' "$role_name"
	printf '%s\n' "$policy" | sed 's/^/#   /'
fi

# 1. The identity provider.
if lookup "$aws_cli" iam get-open-id-connect-provider --open-id-connect-provider-arn "$provider_arn"; then
	for a in "${client_ids[@]}"; do
		change "$aws_cli" iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn "$provider_arn" --client-id "$a"
	done
else
	if [ -z "$thumbprint" ]; then
		tpargs=(thumbprint)
		[ -z "$ca_file" ] || tpargs+=(--ca-file "$ca_file")
		thumbprint=$("$oidc_creds" "${tpargs[@]}" "$issuer") || exit 5
	fi
	[[ $thumbprint =~ ^[0-9a-fA-F]{40}$ ]] || die "thumbprint $thumbprint is not 40 hex digits"
	change "$aws_cli" iam create-open-id-connect-provider --url "$issuer" --client-id-list "${client_ids[@]}" --thumbprint-list "$thumbprint"
fi

# 2. The role and its trust policy.
if lookup "$aws_cli" iam get-role --role-name "$role_name"; then
	change "$aws_cli" iam update-assume-role-policy --role-name "$role_name" --policy-document "$policy"
	[ -z "$max_session" ] || change "$aws_cli" iam update-role --role-name "$role_name" --max-session-duration "$max_session"
else
	create=("$aws_cli" iam create-role --role-name "$role_name" --assume-role-policy-document "$policy"
		--description "${description:-Assumed with OIDC tokens of $provider (oidc-creds)}")
	[ -z "$max_session" ] || create+=(--max-session-duration "$max_session")
	change "${create[@]}"
fi

# 3. Its policies.
for p in ${policy_arns[@]+"${policy_arns[@]}"}; do
	change "$aws_cli" iam attach-role-policy --role-name "$role_name" --policy-arn "$p"
done

if [ -n "$dry_run" ]; then
	printf '# then: oidc-creds doctor --role-arn %s\n' "$role_arn"
else
	cat >&2 <<DONE
role $role_arn is ready. Next:
  oidc-creds doctor --role-arn $role_arn
  oidc-creds configure-profile --profile NAME --role-arn $role_arn
DONE
	printf '%s\n' "$role_arn"
fi
