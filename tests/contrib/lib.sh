# shellcheck shell=bash
# lib.sh -- helpers for the contrib tests (sourced): a private lab on its own ports and run
# dir, assertions with a pass/fail count, and cleanup of everything a test started.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LABCTL=$ROOT/tests/lab/labctl
# shellcheck disable=SC2034  # used by the scripts that source this
TW=$ROOT/tldwatch
PASSED=0
FAILED=0
LAB_STARTED=0
PIDS=()			# process groups we started (setsid), killed on exit

export TLDWATCH_LOOPBACK_ONLY=1

ok() { PASSED=$((PASSED + 1)); printf 'ok      %s\n' "$*"; }
bad() { FAILED=$((FAILED + 1)); printf 'FAILED  %s\n' "$*"; }

# check NAME COMMAND...: pass when COMMAND succeeds.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else bad "$name"; fi
}

# lab_start PORT BACKEND_PORT: a lab of our own under $WORK/lab, and $WORK/lab.yaml, a copy
# of zones/lab.yaml pointing at it.
lab_start() {
	export LAB_PORT=$1 LAB_BACKEND_PORT=$2 LAB_RUN_DIR=$WORK/lab
	sed "s/:10053\b/:$LAB_PORT/g; s/^\(  port:\) 10053$/\1 $LAB_PORT/" \
	    "$ROOT/zones/lab.yaml" >"$WORK/lab.yaml"
	grep -q ":$LAB_PORT" "$WORK/lab.yaml" || { echo "lab.yaml: port not rewritten" >&2; return 1; }
	LAB_STARTED=1
	"$LABCTL" start >"$WORK/labctl.log" 2>&1 || { cat "$WORK/labctl.log" >&2; return 1; }
}

# spawn LOG COMMAND...: run COMMAND in its own session (so it and its children can be
# stopped together), output to LOG; its pid is in $SPAWNED.
spawn() {
	local log=$1
	shift
	setsid "$@" >"$log" 2>&1 </dev/null &
	SPAWNED=$!
	PIDS+=("$SPAWNED")
}

# stop_group PID: TERM the process group, wait up to 5 s, then KILL it.
stop_group() {
	local pid=$1 _
	kill -TERM -- "-$pid" 2>/dev/null || return 0
	for _ in $(seq 50); do
		kill -0 -- "-$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL -- "-$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do stop_group "$pid"; done
	if [ "$LAB_STARTED" = 1 ]; then "$LABCTL" stop >/dev/null 2>&1 || true; fi
	if [ -n "${KEEP_WORK:-}" ]; then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}

# wait_for SECONDS COMMAND...: poll COMMAND every 0.2 s until it succeeds.
wait_for() {
	local end=$(( $(date +%s) + $1 ))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.2
	done
}

summary() {
	echo "$1: $PASSED passed, $FAILED failed"
	[ "$FAILED" = 0 ]
}
