# 78-ledger.sh -- the ledger's readers: `history`, `history --summary`, `report` and `status`
# run as fast as they can beside a watcher committing a round every 100 ms for a minute, while
# the lab breaks and heals .kp: every run succeeds, nothing says busy or locked, every JSON
# output parses, no reader ever sees a torn round, and the watcher keeps its interval.  Then
# the usage errors of history and report: exit 3, the option named, nothing on stdout.
# L78_SECONDS (default 60) sets how long the readers run.

L78_DB=$WORK/l78.db
L78_SECONDS=${L78_SECONDS:-60}

# l78_torn: rounds without their zone rows, or without any server row (0 and 0: none torn).
l78_torn() {
	ledger_q "$L78_DB" "SELECT
	    (SELECT count(*) FROM rounds r WHERE NOT EXISTS
	        (SELECT 1 FROM zone_rounds z WHERE z.round = r.id)) || ' ' ||
	    (SELECT count(*) FROM rounds r WHERE NOT EXISTS
	        (SELECT 1 FROM server_rounds s WHERE s.round = r.id))" 2>&1
}

# l78_run NAME OKCODES ARGS...: run tldwatch ARGS; its exit code must be one of OKCODES
# (e.g. "0" or "0 1 2"), its stderr must not mention busy or locked, a json output must parse.
l78_run() {
	local name=$1 ok=$2 rc
	shift 2
	L78_RUNS=$((L78_RUNS + 1))
	set +e
	"$TW" "$@" >"$WORK/l78.out" 2>"$WORK/l78.err"
	rc=$?
	set -e
	case " $ok " in
	*" $rc "*) ;;
	*)
		L78_BAD=$((L78_BAD + 1))
		[ "$L78_BAD" -gt 5 ] ||
		    fail "$name: exit $rc (expected $ok): $(head -c 300 "$WORK/l78.err")"
		;;
	esac
	if grep -qi 'busy\|locked' "$WORK/l78.err"; then
		L78_BUSY=$((L78_BUSY + 1))
		[ "$L78_BUSY" -gt 5 ] || fail "$name: $(head -c 300 "$WORK/l78.err")"
	fi
	case " $* " in
	*" json "*)
		if ! jq empty "$WORK/l78.out" >/dev/null 2>&1; then
			L78_BAD=$((L78_BAD + 1))
			[ "$L78_BAD" -gt 5 ] || fail "$name: the JSON does not parse: $(head -c 300 "$WORK/l78.out")"
		fi
		;;
	esac
}

scenario "readers never disturb the writer: history, report, status in a loop beside a watcher at 100 ms for a minute"
sed 's/timeout: 500ms/timeout: 50ms/' "$LAB_CFG" >"$WORK/l78.yaml"
printf 'watch:\n  interval: 100ms\n  fall: 1\n  rise: 1\n' >>"$WORK/l78.yaml"
rm -f "$L78_DB"* "$WORK/l78-ev.jsonl"
"$TW" watch -f "$WORK/l78.yaml" --state "$L78_DB" --events "$WORK/l78-ev.jsonl" \
    --rounds $((L78_SECONDS * 15)) >"$WORK/l78-watch.out" 2>"$WORK/l78-watch.err" &
l78_pid=$!
wait_for ledger_ok "$L78_DB" || fail "no ledger after 10 s"
# .kp breaks and heals every 4 s, so that report has outages to tell, ended and ongoing.
(
	while :; do
		sleep 2; "$LABCTL" fault ns1.kptc.kp,ns2.kptc.kp silent --next-burst >/dev/null 2>&1
		sleep 2; "$LABCTL" heal all >/dev/null 2>&1
	done
) &
l78_faults=$!
L78_RUNS=0 L78_BAD=0 L78_BUSY=0 L78_TORN=0 L78_CHECKS=0
l78_t0=$(date +%s.%N)
l78_r0=$(ledger_rounds "$L78_DB")
while awk -v t0="$l78_t0" -v n="$(date +%s.%N)" -v d="$L78_SECONDS" 'BEGIN { exit !(n - t0 < d) }'; do
	l78_run "history" 0 history --state "$L78_DB"
	l78_run "history json" 0 history --state "$L78_DB" --zone kp --since 10m --format json
	l78_run "history --summary" 0 history --state "$L78_DB" --summary --format csv
	l78_run "history --summary json" 0 history --state "$L78_DB" --summary --by day --format json
	l78_run "report" 0 report --state "$L78_DB" --zone kp
	l78_run "report json" 0 report --state "$L78_DB" --zone kp --format json
	l78_run "report --outage 1 csv" 0 report --state "$L78_DB" --zone kp --outage 1 --format csv
	l78_run "status" "0 1 2" status --state "$L78_DB" --max-age 60m
	l78_run "status json" "0 1 2" status --state "$L78_DB" --max-age 60m --format json
	torn=$(l78_torn)
	L78_CHECKS=$((L78_CHECKS + 1))
	if [ "$torn" != "0 0" ]; then
		L78_TORN=$((L78_TORN + 1))
		[ "$L78_TORN" -gt 5 ] || fail "torn rounds (no zone row, no server row): $torn"
	fi
done
l78_t1=$(date +%s.%N)
l78_r1=$(ledger_rounds "$L78_DB")
kill "$l78_faults" 2>/dev/null || true
wait "$l78_faults" 2>/dev/null || true
heal all
stop_watcher "$l78_pid"
expect_rc 0
echo "        $L78_RUNS reader runs and $L78_CHECKS torn-round checks in $L78_SECONDS s; rounds $l78_r0 -> $l78_r1"
expect_equal "$L78_BAD" 0 "reader runs that failed"
expect_equal "$L78_BUSY" 0 "reader runs that said busy or locked"
expect_equal "$L78_TORN" 0 "checks that saw a torn round"
[ "$L78_RUNS" -ge 100 ] || fail "only $L78_RUNS reader runs: the readers hardly ran"
[ -s "$WORK/l78-watch.err" ] && fail "the watcher said: $(head -3 "$WORK/l78-watch.err")"
ledger_ok "$L78_DB" || fail "integrity_check after the minute"
expect_equal "$(l78_torn)" "0 0" "torn rounds at the end"
# the outages were told: at least some ended while the readers ran
n_out=$(ledger_q "$L78_DB" "SELECT count(*) FROM outages WHERE zone = 'kp' AND ongoing = 0")
[ "${n_out:-0}" -ge 5 ] || fail "only ${n_out:-0} outages ended during the minute"
# The writer kept its interval: about 10 rounds a second, no round started late by more than
# a few intervals.
l78_rate() {
	awk -v r="$((l78_r1 - l78_r0))" -v a="$l78_t0" -v b="$l78_t1" 'BEGIN {
	    w = (b - a) * 10; exit !(r >= 0.85 * w && r <= 1.05 * w + 1) }' ||
	    fail "$((l78_r1 - l78_r0)) rounds in $(awk -v a="$l78_t0" -v b="$l78_t1" \
		'BEGIN { printf "%.1f", b - a }') s at 100 ms"
	gap=$(ledger_q "$L78_DB" "SELECT max(b.start_ms - a.start_ms) FROM rounds a
	    JOIN rounds b ON b.id = a.id + 1")
	[ "${gap:-99999}" -le 400 ] || fail "rounds started up to ${gap:-?} ms apart (interval 100 ms)"
}
timed l78_rate

scenario "history and report: usage errors exit 3 naming the option; a missing or unusable ledger exits 3"
echo 'not a database, not a state file' >"$WORK/l78-garbage.db"
cp "$WORK/l78-garbage.db" "$WORK/l78-garbage.copy"
rm -f "$WORK/l78-foreign.db"
sqlite3 "$WORK/l78-foreign.db" "PRAGMA application_id = 252006673; CREATE TABLE t (x)"
# l78_usage OPTION-PATTERN ARGS...: exit 3, nothing on stdout, a message naming the option
l78_usage() {
	local pat=$1
	shift
	tw "$@"
	[ "$RC" = 3 ] || fail "tldwatch $*: exit $RC, expected 3"
	[ -s "$OUT" ] && fail "tldwatch $*: printed on stdout: $(head -c 200 "$OUT")"
	grep -q -- "$pat" "$ERR" || fail "tldwatch $*: the message does not name $pat: $(head -c 200 "$ERR")"
}
l78_usage '--since' history --state "$L78_DB" --since yesterday
l78_usage '--until' history --state "$L78_DB" --until soon
l78_usage '--outage' report --state "$L78_DB" --outage 0
l78_usage '--outage' report --state "$L78_DB" --outage -1
l78_usage '--by' history --state "$L78_DB" --summary --by week
l78_usage '--outage and --at' report --state "$L78_DB" --outage 1 --at now
l78_usage '--at' report --state "$L78_DB" --at "the day before"
l78_usage '--format' history --state "$L78_DB" --format nagios
l78_usage '--format' report --state "$L78_DB" --format nagios
l78_usage '--summary' report --state "$L78_DB" --summary
l78_usage '--state' history
l78_usage '--state' report --zone kp
l78_usage 'nope.db' history --state "$WORK/nope.db"
l78_usage 'nope.db' report --state "$WORK/nope.db"
l78_usage 'l78-garbage.db' history --state "$WORK/l78-garbage.db"
l78_usage 'l78-garbage.db' report --state "$WORK/l78-garbage.db" --format json
l78_usage 'l78-foreign.db' history --state "$WORK/l78-foreign.db"
l78_usage 'l78-foreign.db' report --state "$WORK/l78-foreign.db"
# a reader never creates, sets aside or changes a file
[ -e "$WORK/nope.db" ] && fail "a reader created nope.db"
cmp -s "$WORK/l78-garbage.db" "$WORK/l78-garbage.copy" || fail "a reader changed the garbage file"
if ls "$WORK"/l78-garbage.db.bad-* "$WORK"/l78-foreign.db.bad-* >/dev/null 2>&1; then
	fail "a reader set a file aside"
fi
# and what is not an error: a zone without outages is "null" in JSON, exit 0
tw report --state "$L78_DB" --zone nope --format json
expect_rc 0
expect_equal "$(cat "$OUT")" null "report of a zone without outages"
tw history --state "$L78_DB" --zone nope --format json
expect_rc 0
expect_jq 'length' 0

# A round may take longer than the interval (silent servers: every attempt waits for its
# timeout); the next one starts when it ends.  The watcher ran throughout, so history must not
# cut the outage into down and "unknown: the watcher was not running" pieces.
scenario "history: rounds longer than the interval leave no gap in the timeline"
sed 's/timeout: 500ms/timeout: 150ms/' "$LAB_CFG" >"$WORK/l78-slow.yaml"
printf 'watch:\n  interval: 100ms\n  fall: 1\n  rise: 1\n' >>"$WORK/l78-slow.yaml"
rm -f "$WORK"/l78-slow.db*
fault ns1.kptc.kp,ns2.kptc.kp silent
tw watch -f "$WORK/l78-slow.yaml" --state "$WORK/l78-slow.db" --events "$WORK/l78-slow.jsonl" \
    --rounds 5
expect_rc 0
# the premise: every round overran its interval, and each began as the one before it ended
expect_equal "$(ledger_q "$WORK/l78-slow.db" 'SELECT count(*) FROM rounds
    WHERE duration_ms > interval_ms')" 5 "rounds longer than the interval"
tw history --state "$WORK/l78-slow.db" --zone kp --format json
expect_rc 0
# (after the last round the watcher did stop: a final unknown period is right)
expect_jq '[.[].state] | join(" ") | sub(" unknown$"; "")' down
expect_jq '[.[] | select(.state == "down")] | length' 1
tw history --state "$WORK/l78-slow.db" --zone kp
expect_no_match 'kp +unknown .* no rounds: the watcher was not running.*$' <(head -n -1 "$OUT")
