# 66-onset.sh -- how an outage began, from the rounds before it: a clean cut is a cliff, a
# decline (growing loss and delay) a ramp, servers that refuse the zone administrative, UDP
# dropped while TCP answers filtering; over
# IPv4 and over IPv6 (ns2 replaced by the lab's [::1] server).  Each shape must reach the
# outage event, /status.json, /metrics, the status page and `report` (from the ledger).

O66_HTTP_PORT=${ONSET_HTTP_PORT:-29753}
O66_URL=http://127.0.0.1:$O66_HTTP_PORT

# o66_cfg FAMILY: a watch config at 200 ms rounds; v6 swaps ns2.kptc.kp for [::1].
o66_cfg() {
	sed 's/timeout: 500ms/timeout: 150ms/' "$LAB_CFG" >"$WORK/o66.yaml"
	if [ "$1" = v6 ]; then
		sed -i "s/ns2.kptc.kp=127.45.176.16:$LAB_DNS_PORT/v6.ns1.kptc.kp=[::1]:$LAB_DNS_PORT/" \
		    "$WORK/o66.yaml"
		grep -q '\[::1\]' "$WORK/o66.yaml" || fail "the v6 config has no [::1] server"
	fi
	printf 'watch:\n  interval: 200ms\n  fall: 2\n  rise: 2\n' >>"$WORK/o66.yaml"
}

o66_servers() { if [ "$1" = v6 ]; then echo ns1.kptc.kp,ns2.kptc.kp,v6.ns1.kptc.kp; else echo ns1.kptc.kp,ns2.kptc.kp; fi; }

o66_outage() { grep -q '"event":"outage"' "$WORK/o66-ev.jsonl"; }

# o66_case FAMILY SHAPE KIND [ARG]: a healthy watcher for 8 rounds, then both kp servers get
# the fault KIND; the outage that follows must carry SHAPE everywhere.
o66_case() {
	local fam=$1 shape=$2 pid
	shift 2
	o66_cfg "$fam"
	rm -f "$WORK"/o66-state.db* "$WORK/o66-ev.jsonl"
	"$TW" watch -f "$WORK/o66.yaml" --state "$WORK/o66-state.db" --events "$WORK/o66-ev.jsonl" \
	    --listen "$O66_HTTP_PORT" >"$OUT" 2>"$ERR" &
	pid=$!
	wait_for w66_rounds 8 || fail "$fam $shape: the watcher did not run 8 rounds"
	fault "$(o66_servers "$fam")" "$@" --next-burst
	wait_for o66_outage || wait_for o66_outage ||
	    fail "$fam $shape: no outage event: $(cat "$WORK/o66-ev.jsonl" 2>/dev/null)"
	# the event that began the outage (outage, or partial_outage when key hosts went first)
	# carries the onset, and no other event does
	expect_equal "$(jq -r 'select(.onset) | "\(.event) \(.onset.shape)"' "$WORK/o66-ev.jsonl" |
	    paste -sd' ' -)" "$(jq -r 'select(.event == "outage" or .event == "partial_outage") |
	    .event' "$WORK/o66-ev.jsonl" | head -n 1) $shape" "$fam: the onset on the event that began it"
	expect_equal "$(jq -r 'select(.onset) | .onset.consistent_with | length > 0' \
	    "$WORK/o66-ev.jsonl")" true "$fam: consistent_with listed"
	expect_equal "$(jq -r 'select(.onset) | .onset.evidence | length > 20' \
	    "$WORK/o66-ev.jsonl")" true "$fam: evidence given"
	watcher_snapshot "$O66_URL" "$WORK/o66"
	expect_equal "$(jq -r '.zones[] | select(.name == "kp") | .onset.shape' \
	    "$WORK/o66.status.json")" "$shape" "$fam: /status.json onset"
	expect_match "^tldwatch_outage_onset\\{zone=\"kp\",shape=\"$shape\"\\} 1\$" "$WORK/o66.metrics"
	expect_equal "$(grep -c '^tldwatch_outage_onset{' "$WORK/o66.metrics")" 1 \
	    "$fam: one onset sample while the outage lasts"
	expect_match "how it began: <b>$shape</b>" "$WORK/o66.html"
	tw status --state "$WORK/o66-state.db" --format nagios
	expect_match "onset: $shape" "$OUT"
	tw report --state "$WORK/o66-state.db" --zone kp --format json
	expect_jq '.ongoing, .onset.shape' "true $shape"
	heal all
	wait_for grep -q '"event":"restored"' "$WORK/o66-ev.jsonl" ||
	    fail "$fam $shape: never restored"
	# once it is over: no onset sample, and the stored story keeps it
	curl -s "$O66_URL/metrics" >"$WORK/o66.after.metrics"
	expect_equal "$(grep -c '^tldwatch_outage_onset{' "$WORK/o66.after.metrics")" 0 \
	    "$fam: onset samples after the outage"
	stop_watcher "$pid"
	expect_rc 0
	tw report --state "$WORK/o66-state.db" --zone kp --format json
	expect_jq '.ongoing, .onset.shape' "false $shape"
	tw report --state "$WORK/o66-state.db" --zone kp
	expect_match "^  onset   $shape: " "$OUT"
}

w66_rounds() { [ "$(ledger_rounds "$WORK/o66-state.db")" -ge "$1" ]; }

for fam in ${O66_FAMILIES:-v4 v6}; do
	scenario "onset ($fam): a clean cut after healthy rounds is a cliff"
	o66_case "$fam" cliff silent

	# 4 steps of 1 s: the first lossy step alone spans >= 3 rounds even when a round takes
	# 300 ms (ASan); at 1.6 s a slow build saw 2 troubled rounds before kcna.kp fell
	scenario "onset ($fam): loss and delay growing step by step over 4 s, then silence, is a ramp"
	o66_case "$fam" ramp ramp 4000

	scenario "onset ($fam): servers that answer but refuse the zone: administrative"
	o66_case "$fam" administrative refuse

	scenario "onset ($fam): UDP dropped while the TCP second opinion answers: filtering"
	o66_case "$fam" filtering udpdrop
	expect_equal "$(jq -r 'select(.onset) | .diagnosis' "$WORK/o66-ev.jsonl")" \
	    "UDP to $(if [ "$fam" = v6 ]; then echo all 3; else echo both; fi) kp servers is dropped, TCP answers: a filter on the path (no key host resolves)" \
	    "$fam: the diagnosis of the event"
done
