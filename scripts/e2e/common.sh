# shellcheck shell=bash disable=SC2034,SC2154 # variables shared with scripts/e2e.sh, which sources this file
# scripts/e2e.sh's reporting and small helpers (sourced by it).
#
# Reporting: begin marks the start of a check; pass, fail and skip NAME
# DETAIL [FILE…] print its line (FILEs are shown, indented, on FAIL) and
# count it; summary stops every process still running, then prints the
# table, whose last line is "N passed, M failed".

names=() states=() secs=()
npass=0 nfail=0 nskip=0
check_start=$(date +%s)
begin() { check_start=$(date +%s); }

record() { # STATE NAME DETAIL [FILE...]
	local state=$1 name=$2 detail=$3
	shift 3
	names+=("$name") states+=("$state") secs+=("$(($(date +%s) - check_start))")
	case $state in
	PASS) npass=$((npass + 1)) ;;
	FAIL) nfail=$((nfail + 1)) ;;
	SKIP) nskip=$((nskip + 1)) ;;
	esac
	printf '%-4s  %s: %s\n' "$state" "$name" "$detail"
	[ "$state" != FAIL ] || show_files "$@"
}

show_files() { # FILE…: the first 40 lines of each that is not empty, indented
	local f
	for f in "$@"; do
		[ -s "$f" ] || continue
		echo "      --- ${f#"$work"/}"
		head -n 40 "$f" | sed 's/^/      | /'
	done
}

pass() { record PASS "$@"; }
fail() { record FAIL "$@"; }
skip() { record SKIP "$@"; }
step() { printf '\n== %s\n' "$*"; }

summary() {
	local i
	proc_stop_all # before the table, so that the count stays the last line
	step "summary ($(($(date +%s) - T0)) s in all)"
	for i in "${!names[@]}"; do
		printf '%-4s  %-30s %3s s\n' "${states[$i]}" "${names[$i]}" "${secs[$i]}"
	done
	if [ "$nskip" -gt 0 ]; then echo "($nskip skipped: their prerequisites were unavailable)"; fi
	echo "$npass passed, $nfail failed"
}

# oneline prints the first line of FILE that contains TEXT, clipped.
oneline() { grep -m1 -F -- "$2" "$1" | cut -c1-240; }

# field prints the string value of a JSON field from credential_process output.
field() { sed -n "s/.*\"$2\":\"\([^\"]*\)\".*/\1/p" "$1"; }

# free_port prints a TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
	local p i
	for ((i = 0; i < 50; i++)); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# sha1url prints unpadded base64url(sha1(ARG)), as MinIO derives role IDs.
sha1url() {
	if command -v openssl >/dev/null; then
		printf %s "$1" | openssl dgst -sha1 -binary | openssl base64 -A | tr '+/' '-_' | tr -d '='
	elif command -v python3 >/dev/null; then
		python3 -c 'import sys,hashlib,base64;print(base64.urlsafe_b64encode(hashlib.sha1(sys.argv[1].encode()).digest()).decode().rstrip("="))' "$1"
	else
		return 1
	fi
}

# q quotes a word for a credential_process line when it needs it (the SDKs
# run the line with sh -c, shlex or a shell). Words that need none stay bare:
# aws-sdk-go-v2's config parser strips quotes that open and close a value, so
# a line that starts and ends with a quoted word reaches sh mangled.
q() {
	case $1 in
	'' | *[!A-Za-z0-9_./:=@%+,-]*) printf "'%s'" "${1//\'/\'\\\'\'}" ;;
	*) printf '%s' "$1" ;;
	esac
}
