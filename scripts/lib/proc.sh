# shellcheck shell=bash
# Background processes and temporary directories of a script, stopped and
# removed once when it ends: on EXIT, and on INT and TERM, which then exit
# with 130 and 143 instead of going on. (On other fatal signals, HUP or PIPE
# say, bash runs the EXIT trap by itself.) Source it, call proc_init
# before starting anything, then:
#
#   proc_tempdir oidc-creds-demo; work=$PROC_TMPDIR   # a new ${TMPDIR:-/tmp}/oidc-creds-demo.XXXXXX
#   proc_start teststs serve … >"$work/log" 2>&1   # in the background; its PID in PROC_PID
#   proc_wait_file "$PROC_PID" 10 "$work/state.json" || { echo "did not start"; exit 1; }
#
# Only what was started (or tracked) here is stopped, by PID, together with
# the processes it started itself; each is waited for. A PID is forgotten
# once it has been waited for, so a PID the system hands out again later is
# never signalled. Settings: PROC_LABEL (when set, "LABEL: interrupted" and
# "LABEL: stopping …" are said on stdout; unset, the library is silent),
# PROC_KEEP=1 (keep the temporary directories, and say so on stderr),
# PROC_STOP_SECS (how long stopped processes get after TERM before KILL, 10).
# Works with set -e and set -u; written for bash 3.2 (macOS) too, though
# tested with bash 5.2 only.

PROC_PID=
PROC_TMPDIR=
_proc_pids=()     # started or tracked here, not yet waited for
_proc_dirs=()     # made by proc_tempdir
_proc_starting=0  # proc_start is between "&" and remembering $!
_proc_before=     # $! before that "&"
_proc_cleaned=0
_proc_hurry=0     # a signal came during the cleanup: KILL at once
_proc_out='' _proc_err=''  # the script's stdout and stderr, saved by proc_init

# proc_init installs the traps: EXIT cleans up; INT and TERM exit with 130
# and 143, and the EXIT trap then cleans up. Without the INT trap, bash would
# go on with the script when only it got SIGINT (kill -INT, not Ctrl-C).
proc_init() {
	# The messages go to the script's stdout and stderr of now, also when a
	# signal comes during a command whose output is redirected to a file
	# (bash runs the trap there). {var}>&1 needs bash 4.1.
	if [ "${BASH_VERSINFO[0]}" -gt 4 ] || { [ "${BASH_VERSINFO[0]}" = 4 ] && [ "${BASH_VERSINFO[1]}" -ge 1 ]; }; then
		exec {_proc_out}>&1 {_proc_err}>&2
	fi
	trap '_proc_on_exit' EXIT
	trap '_proc_on_signal 130 interrupted' INT
	trap '_proc_on_signal 143 terminated' TERM
}

_proc_say() { if [ -n "${PROC_LABEL:-}" ]; then { echo "$PROC_LABEL: $*" >&"${_proc_out:-1}"; } 2>/dev/null || true; fi; }

_proc_on_signal() { # STATUS WHAT
	_proc_say "$2"
	exit "$1"
}

_proc_on_exit() {
	local rc=$?
	_proc_cleanup
	exit "$rc"
}

# _proc_cleanup runs once: stops what is still running, removes the
# directories. A signal meanwhile only hurries it (KILL instead of waiting).
_proc_cleanup() {
	[ "$_proc_cleaned" = 0 ] || return 0
	_proc_cleaned=1
	trap '_proc_hurry=1' INT TERM HUP
	trap '' PIPE
	_proc_adopt
	proc_stop_all
	_proc_remove_dirs
}

# _proc_adopt remembers the process of a proc_start that a signal cut short
# between starting it and remembering it.
_proc_adopt() {
	[ "$_proc_starting" = 1 ] && [ -n "${!:-}" ] && [ "${!}" != "$_proc_before" ] || return 0
	_proc_known "$!" || _proc_pids+=("$!")
}

_proc_known() { # PID: among _proc_pids
	local p
	for p in ${_proc_pids[@]+"${_proc_pids[@]}"}; do [ "$p" != "$1" ] || return 0; done
	return 1
}

_proc_remove_dirs() {
	local d
	for d in ${_proc_dirs[@]+"${_proc_dirs[@]}"}; do
		case $d in '' | /) continue ;; esac
		if [ "${PROC_KEEP:-}" = 1 ]; then
			echo "${PROC_LABEL:+$PROC_LABEL: }kept $d" >&"${_proc_err:-2}" || true
		else
			rm -rf "$d" || true
		fi
	done
	_proc_dirs=()
}

# proc_tempdir PREFIX makes a new directory ${TMPDIR:-/tmp}/PREFIX.XXXXXX,
# removed at exit (kept with PROC_KEEP=1); its path is in PROC_TMPDIR.
proc_tempdir() {
	_proc_dirs+=("$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")")
	PROC_TMPDIR=${_proc_dirs[${#_proc_dirs[@]} - 1]}
	[ -n "$PROC_TMPDIR" ]
}

# proc_start CMD [ARG…] runs CMD (a program or a function) in the
# background and remembers it; its PID is in PROC_PID. Redirect the call to
# redirect CMD's output: proc_start cmd >log 2>&1.
proc_start() {
	_proc_before=${!:-}
	_proc_starting=1
	if [ -n "$_proc_out" ]; then
		"$@" {_proc_out}>&- {_proc_err}>&- & # not holding the saved stdout and stderr open
	else
		"$@" &
	fi
	_proc_pids+=("$!")
	_proc_starting=0
	PROC_PID=$!
}

# proc_run CMD [ARG…] runs CMD like proc_start and waits for it: its exit
# status. Unlike a command in the foreground, INT and TERM stop it at once
# (bash runs a trap only after a foreground command ends). CMD's standard
# input is /dev/null.
proc_run() {
	proc_start "$@"
	proc_wait "$PROC_PID"
}

# proc_track PID… remembers processes started here with "&" (prefer
# proc_start: a signal right after "&" leaves those unknown).
proc_track() { _proc_pids+=("$@"); }

_proc_forget() { # PID…
	local p keep=()
	for p in ${_proc_pids[@]+"${_proc_pids[@]}"}; do
		case " $* " in *" $p "*) ;; *) keep+=("$p") ;; esac
	done
	_proc_pids=(${keep[@]+"${keep[@]}"})
}

# proc_wait PID… waits for processes started here and forgets them; 0 when
# each exited 0, else the exit status of the last one that did not.
proc_wait() {
	local p rc=0
	for p in "$@"; do wait "$p" || rc=$?; done
	_proc_forget "$@"
	return "$rc"
}

# _proc_alive PID: the process exists and is not a zombie.
_proc_alive() {
	local stat
	kill -0 "$1" 2>/dev/null || return 1
	if [ -r "/proc/$1/stat" ]; then
		stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
		stat=${stat##*) }
	else
		stat=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	fi
	case $stat in Z* | ' Z'*) return 1 ;; esac
	return 0
}

_proc_any_alive() { # PID…
	local p
	for p in "$@"; do if _proc_alive "$p"; then return 0; fi; done
	return 1
}

# _proc_tree PID… prints the PIDs and, after them, their descendants (one a
# line), read from one ps listing; only the PIDs when ps is missing.
_proc_tree() {
	local table
	table=$(ps -A -o pid= -o ppid= 2>/dev/null) || { printf '%s\n' "$@"; return 0; }
	printf '%s\n' "$table" | awk -v roots="$*" '
		{ kids[$2] = kids[$2] " " $1 }
		END {
			n = split(roots, out, " ")
			for (i = 1; i <= n; i++) seen[out[i]] = 1
			for (i = 1; i <= n; i++) {
				m = split(kids[out[i]], c, " ")
				for (j = 1; j <= m; j++) if (!(c[j] in seen)) { seen[c[j]] = 1; out[++n] = c[j] }
			}
			for (i = 1; i <= n; i++) print out[i]
		}'
}

# proc_stop PID… stops processes started here and what they started: TERM,
# then KILL for what still runs after PROC_STOP_SECS (10); waits for them
# and forgets them.
proc_stop() {
	[ $# -gt 0 ] || return 0
	local all p deadline=$((SECONDS + ${PROC_STOP_SECS:-10}))
	all=$(_proc_tree "$@")
	for p in $all; do kill -TERM "$p" 2>/dev/null || true; done
	# shellcheck disable=SC2086 # one PID a word
	while [ "$_proc_hurry" = 0 ] && [ "$SECONDS" -lt "$deadline" ] && _proc_any_alive $all; do sleep 0.1; done
	for p in $all; do if _proc_alive "$p"; then kill -KILL "$p" 2>/dev/null || true; fi; done
	for p in "$@"; do wait "$p" 2>/dev/null || true; done
	_proc_forget "$@"
}

# proc_stop_all stops every process started here that still runs.
proc_stop_all() {
	[ "${#_proc_pids[@]}" -gt 0 ] || return 0
	_proc_say "stopping the ${#_proc_pids[@]} process(es) started here: ${_proc_pids[*]}"
	proc_stop "${_proc_pids[@]}"
}

# proc_wait_until PID SECS CMD [ARG…] runs CMD every 0.1 s until it
# succeeds (0); 1 when process PID ends first (PID may be empty) or SECS
# seconds pass.
proc_wait_until() {
	local pid=$1 deadline=$((SECONDS + $2))
	shift 2
	while :; do
		if "$@"; then return 0; fi
		if [ -n "$pid" ] && ! _proc_alive "$pid"; then return 1; fi
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# proc_wait_file PID SECS FILE: proc_wait_until FILE exists and is not empty.
proc_wait_file() { proc_wait_until "$1" "$2" test -s "$3"; }

# proc_wait_url PID SECS URL: proc_wait_until URL answers a GET with 2xx.
proc_wait_url() { proc_wait_until "$1" "$2" proc_http_ok "$3"; }

# proc_http_ok URL: a 2xx answer to GET within 2 s (curl, else bash's /dev/tcp).
proc_http_ok() {
	if command -v curl >/dev/null; then
		curl -sf -o /dev/null --max-time 2 "$1"
		return
	fi
	local hostport=${1#http://} path=/
	case $hostport in */*) path=/${hostport#*/} hostport=${hostport%%/*} ;; esac
	(
		exec 3<>"/dev/tcp/${hostport%:*}/${hostport#*:}" || exit 1
		printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$path" "$hostport" >&3
		head -n1 <&3 | grep -q ' 2[0-9][0-9] '
	) 2>/dev/null
}
