# 68-serial.sh -- a secondary serving an old copy of the zone (the lab fault oldserial: the
# proxy hands out every SOA one serial older).  A one-shot check says degraded at once and
# marks the row serial_behind; a watcher gives it watch.serial_grace first (a transfer under
# way is not an outage), then says degraded naming the server and how long it has lagged.

scenario "serial lag: a check marks the server behind and says degraded"
fault ns2.kptc.kp oldserial
check
expect_rc 1
expect_state degraded
expect_jq '[.zones[0].servers[] | select(.role == "zone") | "\(.name)=\(.soa_serial):\(.serial_behind)"] | sort | join(" ")' \
    "ns1.kptc.kp=2013083001:false ns2.kptc.kp=2013083000:true"
expect_jq '[.zones[0].servers[] | select(.role == "child") | .serial_behind] | any' false
expect_diag "SOA serials differ: ns1.kptc.kp 2013083001, ns2.kptc.kp 2013083000"

# w68_events: the events so far, in order.
w68_events() { jq -r '.event' "$WORK/s68-ev.jsonl" 2>/dev/null | paste -sd' ' -; }
s68_rounds() { [ "$(ledger_rounds "$WORK/s68-state.db")" -ge "$1" ]; }

# s68_start GRACE: a fresh watcher (200 ms rounds, fall and rise 1, serial_grace GRACE) in the
# background as $s68_pid, once it has run 3 rounds.
s68_start() {
	sed 's/timeout: 500ms/timeout: 100ms/' "$LAB_CFG" >"$WORK/s68.yaml"
	printf 'watch:\n  interval: 200ms\n  fall: 1\n  rise: 1\n  serial_grace: %s\n' "$1" \
	    >>"$WORK/s68.yaml"
	rm -f "$WORK"/s68-state.db* "$WORK/s68-ev.jsonl"
	"$TW" watch -f "$WORK/s68.yaml" --state "$WORK/s68-state.db" --events "$WORK/s68-ev.jsonl" \
	    >"$OUT" 2>"$ERR" &
	s68_pid=$!
	wait_for s68_rounds 3 || fail "the watcher did not start"
}

scenario "serial lag in watch: up within serial_grace, degraded past it naming the server, up when it catches up"
s68_start 1500ms
fault ns2.kptc.kp oldserial --next-burst
t_fault=$(date +%s.%N)
wait_for grep -q '"event":"degraded"' "$WORK/s68-ev.jsonl" || fail "never degraded: $(w68_events)"
t_degraded=$(date +%s.%N)
# not before the grace (1.5 s), and about then (+ a round or two)
awk -v a="$t_fault" -v b="$t_degraded" 'BEGIN { d = b - a; exit !(d >= 1.3 && d <= 3.5) }' ||
    fail "degraded $(awk -v a="$t_fault" -v b="$t_degraded" 'BEGIN { print b - a }') s after the fault (grace 1.5 s)"
expect_equal "$(w68_events)" degraded "events: nothing before the grace ran out"
ev_diag=$(jq -r 'select(.event == "degraded") | .diagnosis' "$WORK/s68-ev.jsonl")
[[ $ev_diag == *"SOA serials differ"*"(ns2.kptc.kp behind for 1."* ]] ||
    fail "the diagnosis does not name ns2 and how long: $ev_diag"
tw status --state "$WORK/s68-state.db" --format json
expect_jq '.zones[0].servers[] | select(.name == "ns2.kptc.kp") | .serial_behind_seconds > 1' true
expect_jq '.zones[0].servers[] | select(.name == "ns1.kptc.kp") | .serial_behind_seconds' null
heal all --next-burst
wait_for grep -q '"event":"recovered"' "$WORK/s68-ev.jsonl" || fail "never recovered: $(w68_events)"
stop_watcher "$s68_pid"
expect_rc 0
expect_equal "$(w68_events)" "degraded recovered" "events"
tw status --state "$WORK/s68-state.db" --format json
expect_jq '[.zones[0].servers[] | .serial_behind_seconds] | all(. == null)' true

scenario "serial lag in watch: a short lag within the grace never leaves up"
s68_start 10s
fault ns2.kptc.kp oldserial --next-burst
s0=$(ledger_rounds "$WORK/s68-state.db")
wait_for s68_rounds $((s0 + 8)) || fail "the watcher stopped running rounds"
heal all --next-burst
s1=$(ledger_rounds "$WORK/s68-state.db")
wait_for s68_rounds $((s1 + 3)) || true
stop_watcher "$s68_pid"
expect_rc 0
expect_equal "$(w68_events)" "" "events during a lag shorter than the grace"
[ "$(ledger_q "$WORK/s68-state.db" "SELECT count(*) FROM server_rounds sr JOIN servers s ON s.id = sr.server WHERE s.name = 'ns2.kptc.kp' AND sr.serial = 2013083000")" -ge 5 ] ||
    fail "the ledger does not hold ns2's old serial for the rounds it lagged"
