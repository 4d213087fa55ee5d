# 70-watch.sh -- tldwatch watch and tldwatch status: rounds, the ledger (--state, an SQLite
# file), signals, restarts, kills, files that are not a ledger, the import of a v1 state file.

# A lab config with a fast watch section.
watch_cfg() {
	sed 's/timeout: 500ms/timeout: 50ms/' "$LAB_CFG" >"$WORK/watch.yaml"
	printf 'watch:\n  interval: %s\n  fall: %s\n  rise: 2\n' "${1:-100ms}" "${2:-2}" >>"$WORK/watch.yaml"
}

# w70_outage_start: the kp outage start in the ledger's tracker (Unix seconds, 0 when none).
w70_outage_start() { ledger_q "$WORK/state.db" "SELECT outage_start FROM tracker WHERE zone = 'kp'"; }

# w70_status_start: the outage start `status --format json` shows for kp.
w70_status_start() {
	"$TW" status --state "$WORK/state.db" --format json --max-age 60m 2>/dev/null |
	    jq -r '.zones[0].outage_start' 2>/dev/null || true    # status exits 2 in an outage
}

# w70_rounds_at_least N: the ledger holds N rounds or more (for wait_for).
w70_rounds_at_least() { [ "$(ledger_rounds "$WORK/state.db")" -ge "$1" ]; }

scenario "watch --rounds: a ledger that status reads back as OK"
watch_cfg
rm -f "$WORK"/state.db*
tw watch -f "$WORK/watch.yaml" --state "$WORK/state.db" --events "$WORK/ev.jsonl" --rounds 3
expect_rc 0
for f in state.db state.db-wal state.db-shm; do
	# the -wal and -shm too: a reader of the watcher's group needs them (docs/install.md)
	[ "$(stat -c %a "$WORK/$f" 2>&1)" = 640 ] || fail "$f mode is $(stat -c %a "$WORK/$f" 2>&1), not 0640"
done
expect_equal "$(ledger_q "$WORK/state.db" 'PRAGMA journal_mode')" wal "journal mode"
expect_equal "$(ledger_q "$WORK/state.db" 'SELECT group_concat(id) FROM rounds')" 1,2,3 "rounds"
expect_equal "$(ledger_meta "$WORK/state.db" rounds)" 3 "meta rounds"
tw status --state "$WORK/state.db" --format nagios
expect_rc 0
expect_match '^TLDWATCH OK - kp up for'
expect_match "'kp_state'=0;"
[ "$(head -1 "$OUT" | tr -cd '|' | wc -c)" = 1 ] || fail "status line 1 needs exactly one |"
tw status --state "$WORK/state.db" --format json
expect_jq '.rounds' 3
expect_jq '.zones[0].state' up
expect_jq '[.zones[0].servers[] | select(.name=="ns1.kptc.kp") | .loss] | .[0]' 0

scenario "status: a missing ledger is UNKNOWN, exit 3"
tw status --state "$WORK/nonexistent.db" --format nagios
expect_rc 3
expect_match '^TLDWATCH UNKNOWN - no ledger'

scenario "status: a stale ledger is UNKNOWN"
watch_cfg
tw watch -f "$WORK/watch.yaml" --state "$WORK/state.db" --events "$WORK/ev.jsonl" --rounds 1
sleep 0.3
tw status --state "$WORK/state.db" --format nagios --max-age 100ms
expect_rc 3
expect_match '^TLDWATCH UNKNOWN - the ledger is .* old'
tw status --state "$WORK/state.db" --format nagios --max-age 60m
expect_rc 0

scenario "watch: an outage is published after fall rounds and status gives CRITICAL"
watch_cfg 100ms 2
rm -f "$WORK"/state.db* "$WORK/ev.jsonl"
fault ns1.kptc.kp silent
fault ns2.kptc.kp silent
tw watch -f "$WORK/watch.yaml" --state "$WORK/state.db" --events "$WORK/ev.jsonl" --rounds 4
expect_rc 0
tw status --state "$WORK/state.db" --format nagios --max-age 60m
expect_rc 2
expect_match '^TLDWATCH CRITICAL - kp down for .*outage since'
[ "$(jq -r '.event' "$WORK/ev.jsonl" | paste -sd' ' -)" = "outage" ] ||
    fail "events: $(cat "$WORK/ev.jsonl")"

scenario "watch: the outage start survives a restart, and restored carries its duration"
watch_cfg 100ms 2
rm -f "$WORK"/state.db* "$WORK/ev.jsonl"
fault ns1.kptc.kp silent
fault ns2.kptc.kp silent
tw watch -f "$WORK/watch.yaml" --state "$WORK/state.db" --events "$WORK/ev.jsonl" --rounds 3
start1=$(w70_outage_start) sstart1=$(w70_status_start)
awk -v s="$start1" 'BEGIN { exit !(s > 0) }' || fail "no outage start in the tracker: '$start1'"
[[ $sstart1 == 20*Z ]] || fail "status shows no outage start: '$sstart1'"
sleep 1
tw watch -f "$WORK/watch.yaml" --state "$WORK/state.db" --events "$WORK/ev.jsonl" --rounds 2
start2=$(w70_outage_start) sstart2=$(w70_status_start)
[ "$start1" = "$start2" ] || fail "outage start moved across a restart: $start1 -> $start2"
[ "$sstart1" = "$sstart2" ] || fail "status: outage start moved across a restart: $sstart1 -> $sstart2"
expect_equal "$(ledger_q "$WORK/state.db" 'SELECT count(*) || " " || max(id) FROM rounds')" \
    "5 5" "rounds in the ledger after the restart (count, last)"
heal all
tw watch -f "$WORK/watch.yaml" --state "$WORK/state.db" --events "$WORK/ev.jsonl" --rounds 3
expect_rc 0
[ "$(jq -r '.event' "$WORK/ev.jsonl" | paste -sd' ' -)" = "outage restored" ] ||
    fail "events: $(cat "$WORK/ev.jsonl")"
secs=$(jq -r 'select(.event=="restored") | .outage_seconds' "$WORK/ev.jsonl")
# Silent for 3 rounds (0.1 s each), a 1 s pause, 2 more rounds, then the heal: about 1.5 s.
awk -v s="$secs" 'BEGIN { exit !(s > 1.3 && s < 3.5) }' || fail "restored after $secs s, expected about 2"

scenario "watch: SIGTERM ends the watcher with exit 0 and a written ledger"
watch_cfg 200ms
rm -f "$WORK"/state.db*
"$TW" watch -f "$WORK/watch.yaml" --state "$WORK/state.db" --events "$WORK/ev.jsonl" \
    >"$OUT" 2>"$ERR" &
pid=$!
wait_for w70_rounds_at_least 1 || fail "no round in the ledger after 10 s"
kill -TERM $pid
t0=$(date +%s%N)
set +e; wait $pid; RC=$?; set -e
t1=$(date +%s%N)
expect_rc 0
[ $(((t1 - t0) / 1000000)) -lt 3000 ] || fail "SIGTERM took $(((t1 - t0) / 1000000)) ms"
tw status --state "$WORK/state.db" --format json --max-age 60m
expect_rc 0
ledger_ok "$WORK/state.db" || fail "integrity_check after SIGTERM: $(ledger_q "$WORK/state.db" 'PRAGMA integrity_check' 2>&1)"

scenario "watch: SIGTERM during a slow round abandons it within the grace time"
watch_cfg 200ms
sed -i 's/timeout: 50ms/timeout: 5s/' "$WORK/watch.yaml"
fault ns1.kptc.kp silent
fault ns2.kptc.kp silent
"$TW" watch -f "$WORK/watch.yaml" --state "$WORK/state.db" --events "$WORK/ev.jsonl" \
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
rm -f "$WORK"/state.db*
"$TW" watch -f "$WORK/live.yaml" --state "$WORK/state.db" --events "$WORK/ev.jsonl" \
    >"$OUT" 2>"$ERR" &
pid=$!
wait_for w70_rounds_at_least 1 || fail "no round in the ledger"
printf 'probe:\n  timeout: fast\n' >"$WORK/live.yaml"
kill -HUP $pid
wait_for grep -q 'keeping the previous one' "$ERR" || fail "no message about the broken config"
expect_match 'live.yaml:2:12:' "$ERR"
r1=$(ledger_rounds "$WORK/state.db")
sleep 0.5
r2=$(ledger_rounds "$WORK/state.db")
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
rm -f "$WORK"/state.db* "$WORK/rot.jsonl" "$WORK/rot.jsonl.1"
heal all
"$TW" watch -f "$WORK/watch.yaml" --state "$WORK/state.db" --events "$WORK/rot.jsonl" \
    >"$OUT" 2>"$ERR" &
pid=$!
wait_for w70_rounds_at_least 1 || fail "no round in the ledger"
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
# (a degraded may come first: one proxy took the fault a round before the other)
expect_equal "$(jq -r .event "$WORK/rot.jsonl.1" | paste -sd' ' - | sed 's/^degraded //')" \
    "outage" "the moved file"
kill -TERM $pid
set +e; wait $pid; RC=$?; set -e
expect_rc 0
expect_equal "$(grep -c 'cannot reopen' "$ERR")" 0 "messages about reopening"

# w70_aside: the file set aside beside state.db (not its -wal or -shm), "" when none.
w70_aside() {
	local f
	for f in "$WORK"/state.db.bad-*; do
		case $f in *-wal | *-shm) ;; *) [ -e "$f" ] && { echo "$f"; return 0; } ;; esac
	done
	return 0
}

# w70_set_aside WHAT: the watcher ran on a state.db that is not a ledger: it said so and named
# the new file, that file holds the old bytes ($WORK/aside.copy) unchanged, and a fresh ledger
# took the name.
w70_set_aside() {
	local aside named
	aside=$(w70_aside)
	[ -n "$aside" ] || { fail "$1: nothing set aside: $(cd "$WORK" && echo state.db*)"; return 0; }
	[[ ${aside##*/} =~ ^state\.db\.bad-[0-9]{8}T[0-9]{6}Z$ ]] || fail "$1: set aside as ${aside##*/}"
	named=$(sed -n 's/^tldwatch: set it aside as \(.*\); starting afresh$/\1/p' "$ERR")
	expect_equal "$named" "$WORK/${aside##*/}" "$1: the name printed"
	expect_match "the ledger is unusable: $WORK/state.db: " "$ERR"
	cmp -s "$aside" "$WORK/aside.copy" || fail "$1: the file set aside is not the original"
	expect_equal "$(ledger_q "$WORK/state.db" 'SELECT count(*) FROM rounds')" 1 \
	    "$1: rounds in the fresh ledger"
}

scenario "watch: a garbage file and a truncated v1 state file are set aside, never overwritten"
watch_cfg 100ms
for content in '\x00\x01garbage\xff\n' '{"format": "tldwatch-state", "version": 1, "tracker": {'; do
	rm -f "$WORK"/state.db*
	printf '%b' "$content" >"$WORK/state.db"
	cp "$WORK/state.db" "$WORK/aside.copy"
	tw watch -f "$WORK/watch.yaml" --state "$WORK/state.db" --events "$WORK/ev.jsonl" --rounds 1
	expect_rc 0
	w70_set_aside "$(printf '%s' "$content" | head -c 12)..."
done
tw status --state "$WORK/state.db" --format json --max-age 60m
expect_rc 0

scenario "watch: a foreign file and another program's SQLite database are set aside"
rm -f "$WORK"/state.db*
echo '{"hello": "world"}' >"$WORK/state.db"
cp "$WORK/state.db" "$WORK/aside.copy"
tw watch -f "$WORK/watch.yaml" --state "$WORK/state.db" --events "$WORK/ev.jsonl" --rounds 1
expect_rc 0
w70_set_aside "foreign JSON"
# an SQLite database of another program (Fossil's application_id) in WAL mode, and a plain one
# (application_id 0) in the default rollback-journal mode: opening it must not turn it to WAL
# (that rewrites bytes 18-19 of its header) before finding it is not ours
for app in 252006673:wal 0:delete; do
	rm -f "$WORK"/state.db*
	sqlite3 "$WORK/state.db" "PRAGMA application_id = ${app%:*}; PRAGMA journal_mode = ${app#*:};
	    CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('not a ledger')" >/dev/null
	cp "$WORK/state.db" "$WORK/aside.copy"
	tw watch -f "$WORK/watch.yaml" --state "$WORK/state.db" --events "$WORK/ev.jsonl" --rounds 1
	expect_rc 0
	w70_set_aside "SQLite database, application_id ${app%:*}, journal_mode ${app#*:}"
	expect_match "not a tldwatch ledger" "$ERR"
	aside=$(w70_aside)
	expect_equal "$(sqlite3 -readonly "$aside" 'SELECT t FROM notes' 2>&1)" "not a ledger" \
	    "the other program's data, set aside"
done

scenario "watch: a v1 JSON state file is imported: kept byte for byte, its outage start shown"
# golden/watch-state.json: a state file written by the tldwatch before the ledger (zone kp,
# partial since 2014-12-19T14:50Z, in an outage since 14:46Z, 12 rounds).  The lab is healthy:
# with rise 2 the first round keeps the outage, the second (after a restart) ends it.
watch_cfg 100ms 2
rm -f "$WORK"/state.db* "$WORK/ev.jsonl"
cp "$ROOT/tests/unit/golden/watch-state.json" "$WORK/state.db"
tw watch -f "$WORK/watch.yaml" --state "$WORK/state.db" --events "$WORK/ev.jsonl" --rounds 1
expect_rc 0
expect_match "state.db was a JSON state file of an earlier tldwatch: imported" "$ERR"
cmp -s "$WORK/state.db.v1.json" "$ROOT/tests/unit/golden/watch-state.json" ||
    fail "state.db.v1.json is not the v1 file byte for byte"
if ls "$WORK"/state.db.bad-* >/dev/null 2>&1; then fail "the v1 file was set aside, not imported"; fi
expect_equal "$(ledger_q "$WORK/state.db" 'PRAGMA application_id')" 1953260663 "application_id"
expect_equal "$(w70_outage_start)" 1419000360.0 "tracker.outage_start"
tw status --state "$WORK/state.db" --format json --max-age 60m
expect_rc 2
expect_jq '.rounds, .zones[0].name, .zones[0].state, .zones[0].in_outage, .zones[0].outage_start' \
    "13 kp partial true 2014-12-19T14:46:00.000Z"
tw status --state "$WORK/state.db" --format nagios --max-age 60m
expect_match '^TLDWATCH CRITICAL - kp partial .*outage since 2014-12-19T14:46:00.000Z'
# The story of the imported outage starts when the ledger (and status) say it did.
tw report --state "$WORK/state.db" --zone kp --format json
expect_rc 0
expect_jq '.outage, .ongoing, .start' "1 true 2014-12-19T14:46:00.000Z"

# A second start finds a ledger: nothing is imported again, the v1 copy stays as it was; the
# outage ends, its story keeps its start, its length is the restored event's.  It ended between
# the v1 file's last round (partial, 14:51Z) and the first good round now: an honest, wide
# uncertainty, never one measured from nothing.
tw watch -f "$WORK/watch.yaml" --state "$WORK/state.db" --events "$WORK/ev.jsonl" --rounds 2
expect_rc 0
expect_no_match 'imported' "$ERR"
cmp -s "$WORK/state.db.v1.json" "$ROOT/tests/unit/golden/watch-state.json" ||
    fail "state.db.v1.json changed on the second start"
secs=$(jq -r 'select(.event == "restored") | .outage_seconds' "$WORK/ev.jsonl")
awk -v s="$secs" 'BEGIN { exit !(s > 377000000) }' ||
    fail "restored: outage_seconds '$secs' (since 2014?): $(jq -c . "$WORK/ev.jsonl" | paste -sd' ' -)"
tw report --state "$WORK/state.db" --zone kp --outage 1 --format json
expect_rc 0
expect_jq '.ongoing, .start' "false 2014-12-19T14:46:00.000Z"
expect_jq '.end_bounds[0], (.end_bounds[1] | test("^20[2-9][0-9]-")), .phases[0].state' \
    "2014-12-19T14:51:00.000Z true partial"
expect_jq '[.phases[].state] | join(",")' "partial,restored"
expect_jq '.uncertainty_seconds > 377000000 / 2' true
expect_jq "(.seconds - ${secs:-0}) | fabs < 0.5" true

scenario "watch: 50 SIGKILLs at random moments: the ledger intact, no committed round lost, the outage start kept"
watch_cfg 20ms 1
sed -i 's/timeout: 50ms/timeout: 30ms/' "$WORK/watch.yaml"
rm -f "$WORK"/state.db* "$WORK/kill.err"
fault ns1.kptc.kp silent
fault ns2.kptc.kp silent
tw watch -f "$WORK/watch.yaml" --state "$WORK/state.db" --events "$WORK/ev.jsonl" --rounds 3
start0=$(w70_outage_start) sstart0=$(w70_status_start)
awk -v s="$start0" 'BEGIN { exit !(s > 0) }' || fail "no outage recorded before the kills: '$start0'"
[[ $sstart0 == 20*Z ]] || fail "status shows no outage start before the kills: '$sstart0'"
# The kills land anywhere from the start to a few rounds in: the span is three times what one
# start-and-first-round takes here (at least 150 ms), so a slower build (sanitizers, valgrind)
# is killed across its rounds too, not only while it opens the ledger.
t0=$(date +%s%N)
"$TW" watch -f "$WORK/watch.yaml" --state "$WORK/state.db" --events "$WORK/ev.jsonl" \
    --rounds 1 >/dev/null 2>&1 || true
span=$(( ($(date +%s%N) - t0) / 1000000 * 3 ))
[ "$span" -ge 150 ] || span=150
bad=0
for i in $(seq 50); do
	# -v -v: "round N committed" on stderr once round N is in the ledger
	"$TW" watch -v -v -f "$WORK/watch.yaml" --state "$WORK/state.db" --events "$WORK/ev.jsonl" \
	    >/dev/null 2>>"$WORK/kill.err" &
	pid=$!
	sleep "$(awk -v ms=$((RANDOM % span)) 'BEGIN { printf "%.3f", ms / 1000 }')"
	kill -KILL $pid 2>/dev/null || true
	wait $pid 2>/dev/null || true
	if ! ledger_ok "$WORK/state.db"; then
		bad=$((bad + 1))
		cp "$WORK/state.db" "$WORK/bad.$i" 2>/dev/null || true
	fi
	said=$(sed -n 's/^tldwatch: round \([0-9]*\) committed in [0-9.]* ms$/\1/p' "$WORK/kill.err" | sort -un)
	kept=$(ledger_q "$WORK/state.db" 'SELECT id FROM rounds ORDER BY id' 2>&1)
	lost=$(awk 'NR == FNR { k[$1] = 1; next } $1 != "" && !($1 in k)' \
	    <(printf '%s\n' "$kept") <(printf '%s\n' "$said") | paste -sd' ' -) || true
	[ -z "$lost" ] || { fail "kill $i: rounds said committed but not in the ledger: $lost"; break; }
	s=$(w70_outage_start)
	[ "$s" = "$start0" ] || { fail "kill $i: tracker.outage_start $s, expected $start0"; break; }
	s=$(w70_status_start)
	[ "$s" = "$sstart0" ] || { fail "kill $i: status outage_start $s, expected $sstart0"; break; }
done
[ "$bad" = 0 ] || fail "$bad of 50 kills left a ledger that fails integrity_check"
n_said=$(grep -c ' committed in [0-9.]* ms$' "$WORK/kill.err") || true
[ "$n_said" -ge 20 ] || fail "only $n_said rounds committed in 50 runs: the kills came too early to test much"
echo "        $n_said rounds said committed between the kills"
# Rounds are numbered by the tracker, which resumes from the ledger: no gap, ever.
expect_equal "$(ledger_q "$WORK/state.db" 'SELECT count(*) = max(id) AND min(id) = 1 FROM rounds')" \
    1 "rounds 1..N all in the ledger"
expect_equal "$(ledger_meta "$WORK/state.db" rounds)" \
    "$(ledger_q "$WORK/state.db" 'SELECT max(id) FROM rounds')" "meta rounds = the last round"
if ls "$WORK"/state.db.bad-* >/dev/null 2>&1; then fail "a ledger was set aside after a kill"; fi
if grep -q 'unusable\|cannot' "$WORK/kill.err"; then
	fail "a restart complained: $(grep -m1 'unusable\|cannot' "$WORK/kill.err")"
fi
tw status --state "$WORK/state.db" --format nagios --max-age 60m
expect_rc 2
tw watch -f "$WORK/watch.yaml" --state "$WORK/state.db" --events "$WORK/ev.jsonl" --rounds 1
expect_rc 0
left=""
for f in "$WORK"/state.db*; do
	case ${f##*/} in state.db | state.db-wal | state.db-shm) ;; *) left="$left ${f##*/}" ;; esac
done
[ -z "$left" ] || fail "files left beside the ledger: $left"

scenario "watch: a ledger that cannot be created is refused at start, naming the file (exit 3)"
watch_cfg 50ms
tw watch -f "$WORK/watch.yaml" --state "$WORK/no-such-dir/state.db" \
    --events "$WORK/ev-nostate.jsonl" --rounds 6
expect_rc 3
expect_match "no-such-dir/state.db: cannot create" "$ERR"
[ "$(wc -l <"$ERR")" = 1 ] || fail "expected one message, got: $(cat "$ERR")"
if [ -e "$WORK/no-such-dir" ]; then fail "the watcher made the directory"; fi
# (a ledger that fails while the watcher runs, reported once: 76-full-disk.sh)
