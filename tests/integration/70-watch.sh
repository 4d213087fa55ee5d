# 70-watch.sh -- tldwatch watch and tldwatch status: rounds, state file, signals, restarts.

# A lab config with a fast watch section.
watch_cfg() {
	sed 's/timeout: 500ms/timeout: 50ms/' "$LAB_CFG" >"$WORK/watch.yaml"
	printf 'watch:\n  interval: %s\n  fall: %s\n  rise: 2\n' "${1:-100ms}" "${2:-2}" >>"$WORK/watch.yaml"
}

published() {
	"$TW" status --state "$WORK/state.json" --format json --max-age 60m 2>/dev/null |
	    jq -r '.zones[0].state' 2>/dev/null
}

scenario "watch --rounds: a state file that status reads back as OK"
watch_cfg
rm -f "$WORK/state.json"
tw watch -f "$WORK/watch.yaml" --state "$WORK/state.json" --events "$WORK/ev.jsonl" --rounds 3
expect_rc 0
[ "$(stat -c %a "$WORK/state.json")" = 640 ] || fail "state file mode is not 0640"
tw status --state "$WORK/state.json" --format nagios
expect_rc 0
expect_match '^TLDWATCH OK - kp up for'
expect_match "'kp_state'=0;"
[ "$(head -1 "$OUT" | tr -cd '|' | wc -c)" = 1 ] || fail "status line 1 needs exactly one |"
tw status --state "$WORK/state.json" --format json
expect_jq '.rounds' 3
expect_jq '.zones[0].state' up
expect_jq '[.zones[0].servers[] | select(.name=="ns1.kptc.kp") | .loss] | .[0]' 0

scenario "status: missing state file is UNKNOWN, exit 3"
tw status --state "$WORK/nonexistent.json" --format nagios
expect_rc 3
expect_match '^TLDWATCH UNKNOWN - no state file'

scenario "status: a stale state file is UNKNOWN"
watch_cfg
tw watch -f "$WORK/watch.yaml" --state "$WORK/state.json" --events "$WORK/ev.jsonl" --rounds 1
sleep 0.3
tw status --state "$WORK/state.json" --format nagios --max-age 100ms
expect_rc 3
expect_match '^TLDWATCH UNKNOWN - the state file is .* old'
tw status --state "$WORK/state.json" --format nagios --max-age 60m
expect_rc 0

scenario "watch: an outage is published after fall rounds and status gives CRITICAL"
watch_cfg 100ms 2
rm -f "$WORK/state.json" "$WORK/ev.jsonl"
fault ns1.kptc.kp silent
fault ns2.kptc.kp silent
tw watch -f "$WORK/watch.yaml" --state "$WORK/state.json" --events "$WORK/ev.jsonl" --rounds 4
expect_rc 0
tw status --state "$WORK/state.json" --format nagios --max-age 60m
expect_rc 2
expect_match '^TLDWATCH CRITICAL - kp down for .*outage since'
[ "$(jq -r '.event' "$WORK/ev.jsonl" | paste -sd' ' -)" = "outage" ] ||
    fail "events: $(cat "$WORK/ev.jsonl")"

scenario "watch: the outage start survives a restart, and restored carries its duration"
watch_cfg 100ms 2
rm -f "$WORK/state.json" "$WORK/ev.jsonl"
fault ns1.kptc.kp silent
fault ns2.kptc.kp silent
tw watch -f "$WORK/watch.yaml" --state "$WORK/state.json" --events "$WORK/ev.jsonl" --rounds 3
start1=$(jq -r '.tracker.zones[0].outage_start' "$WORK/state.json")
sleep 1
tw watch -f "$WORK/watch.yaml" --state "$WORK/state.json" --events "$WORK/ev.jsonl" --rounds 2
start2=$(jq -r '.tracker.zones[0].outage_start' "$WORK/state.json")
[ "$start1" = "$start2" ] || fail "outage start moved across a restart: $start1 -> $start2"
heal all
tw watch -f "$WORK/watch.yaml" --state "$WORK/state.json" --events "$WORK/ev.jsonl" --rounds 3
expect_rc 0
[ "$(jq -r '.event' "$WORK/ev.jsonl" | paste -sd' ' -)" = "outage restored" ] ||
    fail "events: $(cat "$WORK/ev.jsonl")"
secs=$(jq -r 'select(.event=="restored") | .outage_seconds' "$WORK/ev.jsonl")
# Silent for 3 rounds (0.1 s each), a 1 s pause, 2 more rounds, then the heal: about 1.5 s.
awk -v s="$secs" 'BEGIN { exit !(s > 1.3 && s < 3.5) }' || fail "restored after $secs s, expected about 2"

scenario "watch: SIGTERM ends the watcher with exit 0 and a written state"
watch_cfg 200ms
rm -f "$WORK/state.json"
"$TW" watch -f "$WORK/watch.yaml" --state "$WORK/state.json" --events "$WORK/ev.jsonl" \
    >"$OUT" 2>"$ERR" &
pid=$!
wait_for test -s "$WORK/state.json" || fail "no state file after 10 s"
kill -TERM $pid
t0=$(date +%s%N)
set +e; wait $pid; RC=$?; set -e
t1=$(date +%s%N)
expect_rc 0
[ $(((t1 - t0) / 1000000)) -lt 3000 ] || fail "SIGTERM took $(((t1 - t0) / 1000000)) ms"
tw status --state "$WORK/state.json" --format json --max-age 60m
expect_rc 0

scenario "watch: SIGTERM during a slow round abandons it within the grace time"
watch_cfg 200ms
sed -i 's/timeout: 50ms/timeout: 5s/' "$WORK/watch.yaml"
fault ns1.kptc.kp silent
fault ns2.kptc.kp silent
"$TW" watch -f "$WORK/watch.yaml" --state "$WORK/state.json" --events "$WORK/ev.jsonl" \
    >"$OUT" 2>"$ERR" &
pid=$!
sleep 0.5
t0=$(date +%s%N)
kill -TERM $pid
set +e; wait $pid; RC=$?; set -e
t1=$(date +%s%N)
expect_rc 0
ms=$(((t1 - t0) / 1000000))
[ "$ms" -lt 3500 ] || fail "SIGTERM during a 10 s round took $ms ms"
expect_match 'abandoned the round' "$ERR"

scenario "watch: SIGHUP with a broken config keeps the old one and says why"
watch_cfg 100ms
cp "$WORK/watch.yaml" "$WORK/live.yaml"
rm -f "$WORK/state.json"
"$TW" watch -f "$WORK/live.yaml" --state "$WORK/state.json" --events "$WORK/ev.jsonl" \
    >"$OUT" 2>"$ERR" &
pid=$!
wait_for test -s "$WORK/state.json" || fail "no state file"
printf 'probe:\n  timeout: fast\n' >"$WORK/live.yaml"
kill -HUP $pid
wait_for grep -q 'keeping the previous one' "$ERR" || fail "no message about the broken config"
expect_match 'live.yaml:2:12:' "$ERR"
r1=$(jq -r '.tracker.rounds' "$WORK/state.json")
sleep 0.5
r2=$(jq -r '.tracker.rounds' "$WORK/state.json")
[ "$r2" -gt "$r1" ] || fail "no rounds after the broken reload ($r1 -> $r2)"
kill -0 $pid 2>/dev/null || fail "the watcher died"
cp "$WORK/watch.yaml" "$WORK/live.yaml"
kill -HUP $pid
wait_for grep -q 'configuration reloaded' "$ERR" || fail "a good config was not reloaded"
kill -TERM $pid
set +e; wait $pid; RC=$?; set -e
expect_rc 0

scenario "watch: SIGHUP reopens the events file (logrotate: move it away, then HUP)"
# fall 2: a round that catches the fault half applied is not published on its own
watch_cfg 250ms 2
rm -f "$WORK/state.json" "$WORK/rot.jsonl" "$WORK/rot.jsonl.1"
heal all
"$TW" watch -f "$WORK/watch.yaml" --state "$WORK/state.json" --events "$WORK/rot.jsonl" \
    >"$OUT" 2>"$ERR" &
pid=$!
wait_for test -s "$WORK/state.json" || fail "no state file"
fault ns1.kptc.kp,ns2.kptc.kp silent --next-burst
wait_for grep -q '"event":"outage"' "$WORK/rot.jsonl" || fail "no outage event"
mv "$WORK/rot.jsonl" "$WORK/rot.jsonl.1"
kill -HUP $pid
wait_for test -e "$WORK/rot.jsonl" || fail "SIGHUP did not open a new events file"
[ "$(stat -c %a "$WORK/rot.jsonl")" = 640 ] || fail "new events file mode is not 0640"
heal all
wait_for grep -q '"event":"restored"' "$WORK/rot.jsonl" ||
    fail "the restored event did not go to the new file"
grep -q '"event":"restored"' "$WORK/rot.jsonl.1" && fail "an event went to the moved file"
expect_equal "$(jq -r .event "$WORK/rot.jsonl.1" | paste -sd' ' -)" "outage" "the moved file"
kill -TERM $pid
set +e; wait $pid; RC=$?; set -e
expect_rc 0
expect_equal "$(grep -c 'cannot reopen' "$ERR")" 0 "messages about reopening"

scenario "watch: a corrupt state file is set aside, never overwritten"
watch_cfg 100ms
printf '{"format": "tldwatch-state", "version": 1, "tracker": {' >"$WORK/state.json"
cp "$WORK/state.json" "$WORK/corrupt.copy"
rm -f "$WORK"/state.json.bad-*
tw watch -f "$WORK/watch.yaml" --state "$WORK/state.json" --events "$WORK/ev.jsonl" --rounds 1
expect_rc 0
expect_match 'set it aside as' "$ERR"
aside=$(ls "$WORK"/state.json.bad-* 2>/dev/null | head -1)
[ -n "$aside" ] && cmp -s "$aside" "$WORK/corrupt.copy" || fail "the corrupt file was not kept"
tw status --state "$WORK/state.json" --format json --max-age 60m
expect_rc 0

scenario "watch: a foreign file is set aside too"
echo '{"hello": "world"}' >"$WORK/state.json"
tw watch -f "$WORK/watch.yaml" --state "$WORK/state.json" --events "$WORK/ev.jsonl" --rounds 1
expect_rc 0
expect_match 'set it aside' "$ERR"

scenario "watch: 50 SIGKILLs at random moments never leave a bad state file; the outage start survives"
watch_cfg 20ms 1
sed -i 's/timeout: 50ms/timeout: 30ms/' "$WORK/watch.yaml"
rm -f "$WORK/state.json" "$WORK"/state.json.bad-* "$WORK"/state.json.tmp.*
fault ns1.kptc.kp silent
fault ns2.kptc.kp silent
tw watch -f "$WORK/watch.yaml" --state "$WORK/state.json" --events "$WORK/ev.jsonl" --rounds 3
start0=$(jq -r '.tracker.zones[0].outage_start' "$WORK/state.json")
[ "$start0" != null ] && [ "$start0" != 0 ] || fail "no outage recorded before the kills"
bad=0
for i in $(seq 50); do
	"$TW" watch -f "$WORK/watch.yaml" --state "$WORK/state.json" --events "$WORK/ev.jsonl" \
	    >/dev/null 2>>"$WORK/kill.err" &
	pid=$!
	sleep "0.0$((RANDOM % 10))$((RANDOM % 10))"
	kill -KILL $pid 2>/dev/null || true
	wait $pid 2>/dev/null || true
	if ! jq -e '.format == "tldwatch-state"' "$WORK/state.json" >/dev/null 2>&1; then
		bad=$((bad + 1))
		cp "$WORK/state.json" "$WORK/bad.$i" 2>/dev/null || true
	fi
	s=$(jq -r '.tracker.zones[0].outage_start' "$WORK/state.json" 2>/dev/null)
	[ "$s" = "$start0" ] || { fail "kill $i: outage start $s, expected $start0"; break; }
done
[ "$bad" = 0 ] || fail "$bad of 50 kills left a missing, truncated or unparseable state file"
if ls "$WORK"/state.json.bad-* >/dev/null 2>&1; then fail "a state file was set aside after a kill"; fi
if grep -q 'unusable' "$WORK/kill.err"; then fail "a restart found an unusable state file"; fi
tw status --state "$WORK/state.json" --format nagios --max-age 60m
expect_rc 2
# A restart sweeps the temporary files of writers killed mid-save.
tw watch -f "$WORK/watch.yaml" --state "$WORK/state.json" --events "$WORK/ev.jsonl" --rounds 1
expect_rc 0
if ls "$WORK"/state.json.tmp.* >/dev/null 2>&1; then
	fail "stale temporary files left: $(ls "$WORK"/state.json.tmp.*)"
fi

scenario "watch: an unwritable state file is reported once and the watcher keeps going"
watch_cfg 50ms
rm -f "$WORK/ev-nostate.jsonl"
fault ns1.kptc.kp silent
fault ns2.kptc.kp silent
tw watch -f "$WORK/watch.yaml" --state "$WORK/no-such-dir/state.json" \
    --events "$WORK/ev-nostate.jsonl" --rounds 6
expect_rc 0
[ "$(grep -c 'cannot write the state file' "$ERR")" = 1 ] ||
    fail "expected one message about the state file, got: $(cat "$ERR")"
[ "$(jq -r '.event' "$WORK/ev-nostate.jsonl" | paste -sd' ' -)" = outage ] ||
    fail "the outage was not reported while the state file failed"
