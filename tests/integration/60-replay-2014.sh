# 60-replay-2014.sh -- the lab's watch-mode faults (flap, --only) seen with dig, then December
# 2014 replayed against `tldwatch watch` (tests/lab/replay-2014, ~17 s): the events, their
# order and the outage durations measured against the phases that caused them; then the story
# as `tldwatch report` tells it from the watcher's ledger: the phases, the restoration order,
# the durations.

LAB_DNS_PORT=${LAB_PORT:-10053}

# lab_ask ADDR QNAME [dig args]: "answer" or "silent" for one SOA query, no retry.
lab_ask() {
	local addr=$1 name=$2 out
	shift 2
	out=$(dig +norec +time=1 +tries=1 -p "$LAB_DNS_PORT" "@$addr" "$@" SOA "$name" 2>&1) || true
	case $out in
	*"status: NOERROR"*) echo answer ;;
	*) echo silent ;;
	esac
}

scenario "lab: flap alternates silent and pass per burst of queries, UDP and TCP alike"
# a silent query waits 1 s for dig's timeout, so with flap 300 the next one starts a new burst
fault ns1.kptc.kp flap 300
got=""
for i in 1 2; do
	got="$got $(lab_ask 127.45.176.15 kp)/$(lab_ask 127.45.176.15 kp +tcp)"
	sleep 0.4
done
expect_equal "$got" " silent/answer silent/answer" "flap 300 bursts"
# with flap 1500 the query after a timeout is in the same burst
fault ns1.kptc.kp flap 1500
got="$(lab_ask 127.45.176.15 kp) $(lab_ask 127.45.176.15 kp +tcp)"
sleep 1.6
got="$got | $(lab_ask 127.45.176.15 kp +tcp) $(lab_ask 127.45.176.15 kp)"
expect_equal "$got" "silent silent | answer answer" "flap 1500 bursts"
expect_match 'flap 1500' <("$LABCTL" servers)

scenario "lab: --only silences one zone on a box, the others answer, the filter is label-wise"
fault ns1.kcna.kp,ns2.kcna.kp silent --only naenara.com.kp
got=""
for n in naenara.com.kp WWW.NAENARA.com.KP. kcna.kp rodong.rep.kp; do
	got="$got $(lab_ask 127.45.176.8 "$n")"
done
got="$got $(lab_ask 127.45.176.9 naenara.com.kp +tcp) $(lab_ask 127.45.176.9 kcna.kp +tcp)"
expect_equal "$got" " silent silent answer answer silent answer" "--only naenara.com.kp"
# a name that merely ends in the zone's text is not below it: it passes (and NSD refuses it)
got=$(dig +norec +time=1 +tries=1 -p "$LAB_DNS_PORT" @127.45.176.8 A xnaenara.com.kp 2>&1 |
    grep -c 'status: REFUSED') || true
expect_equal "$got" 1 "xnaenara.com.kp passes"
expect_match 'silent @naenara.com.kp' <("$LABCTL" servers)
if "$LABCTL" fault ns1.kcna.kp down --only kcna.kp 2>/dev/null; then
	fail "labctl accepted down --only"
fi

scenario "lab: --next-burst keeps a running burst of queries on the old fault"
# 5000 queries on one TCP connection, back to back (about 1-4 s: long enough that the fault
# lands while they run even when labctl is slow on a loaded box); every one of them must still
# get the old answer.  The fault is sent once the first answer is in, not after a fixed delay:
# dig takes 0.1-0.5 s to read its 10,000 arguments, and a fault armed before the first query
# would rightly silence the whole burst.
qs=()
for i in $(seq 5000); do qs+=(kp SOA); done   # name, then type: dig 9.18 reads "SOA kp SOA" as one query
t_fault=$WORK/t_fault
burst=$WORK/burst.out
rm -f "$t_fault" "$burst"
( for _ in $(seq 250); do grep -q 'status: NOERROR' "$burst" 2>/dev/null && break; sleep 0.02; done
  fault ns1.kptc.kp silent --next-burst; date +%s%N >"$t_fault" ) &
timeout 20 stdbuf -oL dig +norec +tcp +keepopen +time=1 +tries=1 -p "$LAB_DNS_PORT" \
    @127.45.176.15 "${qs[@]}" >"$burst" 2>&1 || true
t_end=$(date +%s%N)
got=$(grep -c 'status: NOERROR' "$burst") || true
wait
expect_equal "$got" 5000 "queries answered in the burst"
if ! [ -s "$t_fault" ] || [ "$(cat "$t_fault")" -ge "$t_end" ]; then
	fail "the fault did not land while the burst ran (machine too slow?)"
fi
expect_match 'silent ~100' <("$LABCTL" servers)
sleep 0.2
expect_equal "$(lab_ask 127.45.176.15 kp)" silent "first query after a 0.2 s gap"

# The replay runs on a freshly started lab: after the dig scenarios above, one run in three saw
# the two kp proxies flap out of step (one silent while the other passed: "degraded" instead of
# "unstable"), and none did on a fresh lab (30 runs).  What the proxy keeps from those scenarios
# is not found yet; the watcher in the replay is a new process either way.
"$LABCTL" stop >/dev/null
"$LABCTL" start >/dev/null
scenario "December 2014 replayed: unstable, outage, partial restoration, restored, relapse"
RP=$WORK/replay
set +e
"$ROOT/tests/lab/replay-2014" --out "$RP" >"$OUT" 2>"$ERR"
RC=$?
set -e
expect_rc 0
expect_equal "$(cat "$RP/watch.rc" 2>/dev/null)" 0 "watcher exit code"
if [ -s "$RP/state.db" ]; then
	ledger_ok "$RP/state.db" || fail "state.db: integrity_check: $(ledger_q "$RP/state.db" \
	    'PRAGMA integrity_check' 2>&1 | head -3)"
else
	fail "no ledger"
fi
EV=$RP/events.jsonl
PH=$RP/phases.json
# A change that lands while a round is under way (a slow labctl on a loaded machine) splits
# that round: a heal makes it degraded, so restored goes to degraded and a recovered follows;
# a cut makes it degraded, so a degraded comes just before the outage.  The story is the same;
# ev_jq reads the events with exactly those two one-round detours taken out.
ev_jq() {
	jq -rs 'def begins: .event == "outage" or .event == "partial_outage";
	    . as $e | reduce range(0; length) as $i ([];
	    $e[$i] as $x | (if $i + 1 < ($e | length) then $e[$i + 1] else null end) as $n |
	    (if $i > 0 then $e[$i - 1] else null end) as $p |
	    if $x.event == "degraded" and $n != null and ($n | begins) then .
	    elif ($x | begins) and $p != null and $p.event == "degraded" and $x.from == "degraded"
	    then . + [$x + {from: $p.from}]
	    elif $x.event == "recovered" and $p != null and $p.event == "restored" and
	        $p.to == "degraded" then .
	    elif $x.event == "restored" and $x.to == "degraded" and $n != null and
	        $n.event == "recovered" then . + [$x + {to: "up"}]
	    else . + [$x] end) | '"$1" "$EV" 2>&1 | paste -sd' ' - || true
}
expect_equal "$(ev_jq '[.[].zone] | unique | join(",")')" kp "zones"
expect_equal "$(ev_jq '[.[].event] | join(" ")')" \
    "unstable outage partial_restoration restored outage restored" "events"
expect_equal "$(ev_jq '[.[] | "\(.from)>\(.to)"] | join(" ")')" \
    "up>unstable unstable>down down>partial partial>up up>down down>up" "from>to"
expect_equal "$(ev_jq '[.[] | has("outage_seconds")] | map(tostring) | join(" ")')" \
    "false false true true false true" "events with outage_seconds"
# how each outage began: after the unstable Friday, a ramp; the relapse after two healthy
# seconds (8 rounds), a cliff
expect_equal "$(ev_jq '[.[] | select(.onset) | "\(.event):\(.onset.shape)"] | join(" ")')" \
    "outage:ramp outage:cliff" "onsets"
# each outage against the phases that made it: within +-0.5 s (two 250 ms intervals)
errs=$(jq -rs --slurpfile ph "$PH" '
    def dur(p): [$ph[0][] | select(.phase == p) | .end - .start] | add;
    [.[] | select(.outage_seconds != null) | .outage_seconds] as $o
    | [$o[0] - dur("P2"), $o[1] - dur("P2") - dur("P3"), $o[2] - dur("P5")]
    | map(. * 1000 | round / 1000 | tostring) | join(" ")' "$EV" 2>/dev/null) || errs=""
echo "        outage_seconds errors (s), P2, P2+P3, P5: $errs"
for e in $errs; do
	awk -v e="$e" 'BEGIN { exit !(e >= -0.5 && e <= 0.5) }' ||
		fail "outage_seconds off by $e s (of: $errs)"
done
[ "$(echo "$errs" | wc -w)" = 3 ] || fail "three outage durations expected: $errs"

# The story from the ledger.  Outage 1: the unstable Friday before it, down, partial with the
# news agency and the newspaper back first, restored; each phase as long as the one injected,
# within one interval (250 ms); outage 2, the relapse, as long as P5.
tw report --state "$RP/state.db" --zone kp --outage 1 --format json
expect_rc 0
cp "$OUT" "$WORK/replay-report-1.json"
expect_jq '.zone, .outage, .ongoing, .onset.shape' "kp 1 false ramp"
expect_jq '[.phases[].state] | join(" ")' "unstable down partial restored"
expect_jq '.restoration_order | (index("kcna.kp") != null and index("rodong.rep.kp") != null
    and index("naenara.com.kp") != null
    and index("kcna.kp") < index("naenara.com.kp")
    and index("rodong.rep.kp") < index("naenara.com.kp"))' true
# report against phases.json, in seconds: down - P2, partial - P3, outage - (P2 + P3)
r60_errs() {
	jq -r --slurpfile ph "$PH" '
	    def dur(p): [$ph[0][] | select(.phase == p) | .end - .start] | add;
	    def phase(s): [.phases[] | select(.state == s) | .seconds] | add;
	    '"$1"' | map(. * 1000 | round / 1000 | tostring) | join(" ")' "$2" 2>/dev/null || true
}
errs=$(r60_errs '[phase("down") - dur("P2"), phase("partial") - dur("P3"),
    .seconds - dur("P2") - dur("P3")]' "$WORK/replay-report-1.json")
tw report --state "$RP/state.db" --zone kp --outage 2 --format json
expect_rc 0
expect_jq '.outage, .ongoing, ([.phases[].state] | join(" "))' "2 false down restored"
errs="$errs $(r60_errs '[.seconds - dur("P5")]' "$OUT")"
echo "        report errors (s), down-P2, partial-P3, outage 1-(P2+P3), outage 2-P5: $errs"
[ "$(echo "$errs" | wc -w)" = 4 ] || fail "four report durations expected: $errs"
# Rounds start on a 250 ms grid, so a phase in the ledger is a whole number of intervals: a
# change that lands in the gap between two rounds is seen by the next one, one that lands just
# after a round began (labctl slow on a loaded box) one round later.  So: one interval, plus
# 50 ms for the rounds' own timer jitter.
r60_within() {
	local e
	for e in $errs; do
		awk -v e="$e" 'BEGIN { exit !(e >= -0.3 && e <= 0.3) }' ||
			fail "a report duration off by $e s, more than one interval (of: $errs)"
	done
}
timed r60_within
# The text tells the same order: the sites named as they came back, naenara.com.kp last of
# the three, in the narrative and in the list of hosts.
tw report --state "$RP/state.db" --zone kp --outage 1
expect_rc 0
cp "$OUT" "$WORK/replay-report-1.txt"
r60_order() { grep -oE 'kcna\.kp|rodong\.rep\.kp|naenara\.com\.kp' | paste -sd' ' -; }
expect_equal "$(head -n 1 "$OUT" | r60_order)" "kcna.kp rodong.rep.kp naenara.com.kp" \
    "the sites in the narrative"
expect_equal "$(sed -n '/in the order they came back/,$p' "$OUT" | r60_order)" \
    "kcna.kp rodong.rep.kp naenara.com.kp" "the sites in the list of hosts"
expect_match '^outage 1 of kp, restored'
