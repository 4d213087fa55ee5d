# 72-clock.sh -- wall-clock jumps under `tldwatch watch`: libfaketime moves CLOCK_REALTIME an
# hour forward during one outage and an hour back during the next (FAKETIME_TIMESTAMP_FILE,
# re-read on every call with FAKETIME_NO_CACHE=1), the monotonic clock stays real
# (FAKETIME_DONT_FAKE_MONOTONIC=1).  Rounds must keep their interval and each restored event's
# outage_seconds must be the real outage's length, not an hour more or less.

C72_LIB=
for c72 in /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 \
    /usr/lib/*/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1; do
	[ -r "$c72" ] && { C72_LIB=$c72; break; }
done
C72_INTERVAL_MS=250
C72_PID=

c72_now() { date +%s.%N; }

# c72_rounds: the watcher's round count from its ledger (0 before the first commit).
c72_rounds() { ledger_rounds "$WORK/clock-state.db"; }

# c72_offset: when the watcher last wrote its ledger (meta written_ms, its wall clock) minus the
# real time, in seconds.
c72_offset() {
	local w
	w=$(ledger_meta "$WORK/clock-state.db" written_ms)
	awk -v w="${w:-0}" -v n="$(c72_now)" 'BEGIN { printf "%.0f\n", w / 1000 - n }'
}

# c72_segment NAME R0 T0 R1 T1: rounds between (R0,T0) and (R1,T1) at the interval's rate.
c72_segment() {
	local got want
	got=$(($4 - $2))
	want=$(awk -v a="$3" -v b="$5" -v i="$C72_INTERVAL_MS" 'BEGIN { printf "%.1f", (b - a) * 1000 / i }')
	awk -v g="$got" -v w="$want" 'BEGIN { exit !(g >= 0.6 * w && g <= 1.15 * w + 1) }' ||
	    fail "$1: $got rounds in $(awk -v a="$3" -v b="$5" 'BEGIN { printf "%.2f", b - a }') s, expected about $want"
}

c72_stop() {
	[ -n "$C72_PID" ] || return 0
	kill -TERM "$C72_PID" 2>/dev/null || true
	set +e; wait "$C72_PID"; RC=$?; set -e
	C72_PID=
}

scenario "clock: wall clock +1 h and -1 h mid-outage: rounds keep their interval, durations real"
if [ -z "$C72_LIB" ]; then
	fail "libfaketime is missing (make deps: faketime)"
else
	sed 's/timeout: 500ms/timeout: 50ms/' "$LAB_CFG" >"$WORK/clock.yaml"
	printf 'watch:\n  interval: %sms\n  fall: 1\n  rise: 1\n' "$C72_INTERVAL_MS" >>"$WORK/clock.yaml"
	rm -f "$WORK"/clock-state.db* "$WORK/clock-ev.jsonl"
	echo "+0" >"$WORK/faketime"
	# --rounds caps the run (about 100 s) should this script die before c72_stop.
	# ASan wants to be first in the library list; libfaketime is preloaded before it.
	LD_PRELOAD=$C72_LIB FAKETIME_TIMESTAMP_FILE=$WORK/faketime FAKETIME_NO_CACHE=1 \
	    FAKETIME_DONT_FAKE_MONOTONIC=1 \
	    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
	    "$TW" watch -f "$WORK/clock.yaml" --state "$WORK/clock-state.db" \
	    --events "$WORK/clock-ev.jsonl" --rounds 400 >"$OUT" 2>"$ERR" &
	C72_PID=$!
	for _ in $(seq 100); do [ "$(c72_rounds)" -ge 2 ] && break; sleep 0.05; done
	sleep 0.5
	r0=$(c72_rounds) t0=$(c72_now)
	off=$(c72_offset)
	[ "${off#-}" -le 2 ] || fail "before the jump the watcher's clock is off by $off s"

	# Outage 1, with the clock stepped an hour forward in the middle of it.
	fault ns1.kptc.kp silent
	fault ns2.kptc.kp silent
	f1=$(c72_now)
	sleep 1
	r1=$(c72_rounds) t1=$(c72_now)
	echo "+3600" >"$WORK/faketime"
	sleep 1
	off=$(c72_offset)
	[ "$off" -ge 3590 ] && [ "$off" -le 3610 ] ||
	    fail "the +1 h step did not reach the watcher (its clock is off by $off s)"
	heal all
	h1=$(c72_now)
	sleep 1.5
	r2=$(c72_rounds) t2=$(c72_now)

	# Outage 2, with the clock stepped back an hour (to real time) in the middle of it.
	fault ns1.kptc.kp silent
	fault ns2.kptc.kp silent
	f2=$(c72_now)
	sleep 1
	echo "+0" >"$WORK/faketime"
	sleep 1
	off=$(c72_offset)
	[ "${off#-}" -le 2 ] || fail "the -1 h step did not reach the watcher (off by $off s)"
	heal all
	h2=$(c72_now)
	sleep 1.5
	r3=$(c72_rounds) t3=$(c72_now)
	kill -0 "$C72_PID" 2>/dev/null || fail "the watcher died"
	c72_stop
	expect_rc 0

	c72_segment "before the +1 h step" "$r0" "$t0" "$r1" "$t1"
	c72_segment "across the +1 h step" "$r1" "$t1" "$r2" "$t2"
	c72_segment "across the -1 h step" "$r2" "$t2" "$r3" "$t3"

	# (a round between the two fault commands may see one server silent: degraded events)
	evs=$(jq -r 'select(.event=="outage" or .event=="restored") | .event' \
	    "$WORK/clock-ev.jsonl" 2>/dev/null | paste -sd' ' -)
	[ "$evs" = "outage restored outage restored" ] ||
	    fail "events: $(jq -c '[.event, .outage_seconds]' "$WORK/clock-ev.jsonl" | paste -sd' ' -)"
	i=0
	for want in "$(awk -v a="$f1" -v b="$h1" 'BEGIN { print b - a }')" \
	    "$(awk -v a="$f2" -v b="$h2" 'BEGIN { print b - a }')"; do
		got=$(jq -rs "[.[] | select(.event==\"restored\")][$i].outage_seconds" \
		    "$WORK/clock-ev.jsonl" 2>/dev/null)
		awk -v g="$got" -v w="$want" 'BEGIN { d = g - w; exit !(d > -1 && d < 1) }' ||
		    fail "restored event $((i + 1)): outage_seconds $got, the real outage lasted $want s"
		# the ledger's story of the same outage: the same real length
		tw report --state "$WORK/clock-state.db" --zone kp --outage $((i + 1)) --format json
		got=$(jq -r '.seconds' "$OUT" 2>/dev/null)
		awk -v g="$got" -v w="$want" 'BEGIN { d = g - w; exit !(d > -1 && d < 1) }' ||
		    fail "report --outage $((i + 1)): seconds $got, the real outage lasted $want s"
		i=$((i + 1))
	done
fi
c72_stop
