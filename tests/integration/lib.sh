# lib.sh -- helpers for the integration scenarios (sourced by ./run).
#
# A scenario heals the whole lab, injects real faults with labctl, runs the
# real ./tldwatch against zones/lab.yaml and asserts what an operator relies
# on: the state, the exit code, each server's outcome, the diagnosis.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LABCTL=$ROOT/tests/lab/labctl
TW=$ROOT/tldwatch
LAB_CFG=$ROOT/zones/lab.yaml
WORK=${TW_TEST_WORK:-$(mktemp -d)}
# The lab's DNS port: LAB_PORT (labctl honours it, LAB_BACKEND_PORT and LAB_RUN_DIR too) moves
# the lab off 10053, and then the scenarios use a copy of lab.yaml that points at it.
LAB_DNS_PORT=${LAB_PORT:-10053}
if [ -n "${LAB_PORT:-}" ]; then
	sed "s/:10053\b/:$LAB_PORT/g; s/^\(  port:\) 10053$/\1 $LAB_PORT/" \
	    "$ROOT/zones/lab.yaml" >"$WORK/lab.yaml"
	grep -q ":$LAB_PORT" "$WORK/lab.yaml" || { echo "lab.yaml: port not rewritten" >&2; exit 1; }
	LAB_CFG=$WORK/lab.yaml
fi
# TW_WRAPPER: a command line every tw() run goes through, e.g. valgrind (make
# integration-valgrind); TW_SLOW=1 skips the assertions on elapsed time (see timed()).
TW_WRAPPER=${TW_WRAPPER:-}
TW_SLOW=${TW_SLOW:-}
WRAP_RUNS=0
WRAP_BAD=0
SLOW_SKIPPED=0
OUT=$WORK/out
ERR=$WORK/err
RC=0
SCEN=""
SCEN_FAILED=0
PASSED=0
FAILED=0
FAILED_NAMES=()

export TLDWATCH_LOOPBACK_ONLY=1

# scenario NAME: start a scenario from a healthy lab.
scenario() {
	end_scenario
	SCEN=$1
	SCEN_FAILED=0
	"$LABCTL" heal all >/dev/null
}

end_scenario() {
	[ -n "$SCEN" ] || return 0
	if [ "$SCEN_FAILED" = 0 ]; then
		PASSED=$((PASSED + 1))
		printf 'ok      %s\n' "$SCEN"
	else
		FAILED=$((FAILED + 1))
		FAILED_NAMES+=("$SCEN")
		printf 'FAILED  %s\n' "$SCEN"
		# head first: under pipefail a sed cut off by head would end the run (SIGPIPE).
		# A scenario that never ran tw has no $OUT: that must not end the run either.
		if [ -r "$OUT" ]; then head -40 "$OUT" | sed 's/^/        | /'; fi
		if [ -r "$ERR" ]; then head -10 "$ERR" | sed 's/^/        ! /'; fi
	fi
	SCEN=""
}

fail() {
	SCEN_FAILED=1
	printf '        %s\n' "$*"
}

fault() { "$LABCTL" fault "$@" >/dev/null; }
heal() { "$LABCTL" heal "$@" >/dev/null; }

# tw ARGS...: run ./tldwatch (under $TW_WRAPPER if set), keep stdout in $OUT, stderr in $ERR,
# status in $RC.  Under a wrapper, its exit 9 (valgrind --error-exitcode=9) or any valgrind
# report (==PID== lines: errors, definite or indirect leaks) fails the scenario.
tw() {
	set +e
	# shellcheck disable=SC2086  # the wrapper is a command line
	$TW_WRAPPER "$TW" "$@" >"$OUT" 2>"$ERR"
	RC=$?
	set -e
	[ -n "$TW_WRAPPER" ] || return 0
	WRAP_RUNS=$((WRAP_RUNS + 1))
	if [ "$RC" = 9 ] || grep -Eq '^==[0-9]+== ' "$ERR"; then
		WRAP_BAD=$((WRAP_BAD + 1))
		cp "$ERR" "$WORK/wrapper.$WRAP_RUNS.log"
		fail "$TW_WRAPPER: exit $RC on: tldwatch $*"
		grep -E '^==[0-9]+== ' "$ERR" | head -20 | sed 's/^/        /'
	fi
}

# timed ASSERTION...: an assertion on elapsed time or RTT; TW_SLOW=1 (valgrind) skips it.
timed() {
	if [ "$TW_SLOW" = 1 ]; then
		SLOW_SKIPPED=$((SLOW_SKIPPED + 1))
		printf '        skipped (TW_SLOW=1): %s\n' "$*"
		return 0
	fi
	"$@"
}

# check ARGS...: a JSON check of the lab.
check() { tw check -f "$LAB_CFG" --format json "$@"; }

expect_rc() {
	[ "$RC" = "$1" ] || fail "exit code $RC, expected $1"
}

# expect_jq FILTER EXPECTED: jq -r FILTER on $OUT must print EXPECTED.
expect_jq() {
	local got
	got=$(jq -r "$1" "$OUT" 2>&1 | paste -sd' ' -)
	[ "$got" = "$2" ] || fail "jq '$1' gave '$got', expected '$2'"
}

expect_state() {
	expect_jq '.state' "$1"
	expect_jq '.zones[0].state' "$1"
}

# expect_server NAME ZONE OUTCOME [TRANSPORT]: the row of NAME serving ZONE.
expect_server() {
	expect_jq "[.zones[0].servers[] | select(.name==\"$1\" and .zone==\"$2\" and .transport==\"${4:-udp}\") | .outcome] | unique | join(\",\")" "$3"
}

# expect_equal GOT EXPECTED WHAT
expect_equal() {
	[ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"
}

expect_root() {
	expect_jq "[.roots[] | select(.name==\"$1\") | .outcome] | unique | join(\",\")" "$2"
}

expect_host() {
	expect_jq ".zones[0].hosts[] | select(.name==\"$1\") | \"\(.resolved) \(.outcome)\"" "$2"
}

# expect_match REGEX [FILE]: extended regex must match somewhere in FILE ($OUT).
expect_match() {
	grep -Eq -- "$1" "${2:-$OUT}" || fail "no match for /$1/ in ${2:-output}"
}

expect_no_match() {
	if grep -Eq -- "$1" "${2:-$OUT}"; then fail "unexpected match for /$1/"; fi
}

expect_diag() {
	expect_jq ".zones[0].diagnosis | test(\"$1\")" true
}

# expect_clean_text WHAT FILE: FILE is valid UTF-8 without a control byte other than newline
# and tab (no ESC, BEL, CR, NUL, DEL) and without a bidi override (U+202E): nothing in it can
# rewrite a terminal line or reorder what a reader sees.
expect_clean_text() {
	local at rc
	iconv -f UTF-8 -t UTF-8 "$2" >/dev/null 2>&1 || fail "$1: not valid UTF-8"
	# -m1, not | head: grep killed by SIGPIPE would make a flood of them pass unseen
	set +e
	at=$(LC_ALL=C grep -m1 -naoP '[\x00-\x08\x0b-\x1f\x7f]' "$2")
	rc=$?
	set -e
	at=${at%%$'\n'*}
	case $rc in
	0) fail "$1: a raw control byte on line ${at%%:*}: $(printf '%s' "${at#*:}" |
	    od -An -c | tr -s ' ')" ;;
	1) ;;
	*) fail "$1: grep could not check it (exit $rc)" ;;
	esac
	# the bytes, not $'\u202e': bash spells that out as text outside a UTF-8 locale
	if LC_ALL=C grep -aqF $'\xe2\x80\xae' "$2"; then fail "$1: a raw U+202E"; fi
	return 0
}

# expect_nagios_pipes WHAT FILE: exactly one | on line 1 (the perfdata separator) and none in
# the long output, where Nagios would take the rest for perfdata too.
expect_nagios_pipes() {
	[ "$(head -n 1 "$2" | tr -cd '|' | wc -c)" = 1 ] || fail "$1: line 1 needs exactly one |"
	[ "$(tail -n +2 "$2" | grep -c '|')" = 0 ] || fail "$1: a long-output line contains |"
}

# watcher_snapshot URL PREFIX FILE...: wait (15 s at most) until a `watch --listen` has written
# every FILE and answers on URL, then save what it serves: PREFIX.metrics, PREFIX.html (the
# status page), PREFIX.status.json and PREFIX.events.
watcher_snapshot() {
	local url=$1 p=$2 f ready _
	shift 2
	for _ in $(seq 300); do
		ready=1
		for f in "$@"; do [ -s "$f" ] || ready=0; done
		# ... and a round judged and published (a slow build opens its ledger well before)
		[ "$ready" = 1 ] && curl -s "$url/status.json" 2>/dev/null |
		    jq -e '.rounds >= 1' >/dev/null 2>&1 && break
		sleep 0.05
	done
	curl -s "$url/metrics" >"$p.metrics" || fail "GET /metrics failed"
	curl -s "$url/" >"$p.html" || fail "GET / failed"
	curl -s "$url/status.json" >"$p.status.json" || fail "GET /status.json failed"
	curl -s "$url/events" >"$p.events" || fail "GET /events failed"
}

# stop_watcher PID: SIGTERM, then RC is its exit code.
stop_watcher() {
	kill -TERM "$1" 2>/dev/null || true
	set +e
	wait "$1"
	RC=$?
	set -e
}

# ledger_q DB SQL: one query on a watcher's ledger (an SQLite file), read only, as any SQLite
# client may run it beside the watcher (docs/ledger.md).  A busy database (a checkpoint, crash
# recovery) is waited out for up to 10 s.  Rows come one a line, columns split by |.
ledger_q() { sqlite3 -readonly -batch -cmd '.timeout 10000' "$1" "$2"; }

# ledger_meta DB KEY: a value of the ledger's meta table (rounds, last_round, interval_ms,
# written_ms, window, flap_window), "" when there is none (no ledger yet).
ledger_meta() { ledger_q "$1" "SELECT value FROM meta WHERE key = '$2'" 2>/dev/null || true; }

# ledger_rounds DB: the round count the ledger holds (0 before the first commit).
ledger_rounds() {
	local r
	r=$(ledger_meta "$1" rounds)
	echo "${r:-0}"
}

# ledger_ok DB: PRAGMA integrity_check says ok.
ledger_ok() { [ "$(ledger_q "$1" 'PRAGMA integrity_check' 2>&1)" = ok ]; }

# wait_for CMD...: poll CMD until it succeeds, at most 10 s.
wait_for() {
	local i
	for ((i = 0; i < 200; i++)); do
		if "$@" >/dev/null 2>&1; then return 0; fi
		sleep 0.05
	done
	return 1
}
