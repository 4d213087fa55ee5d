# 74-safe-output.sh -- hostile strings in the config (zone and host labels with quotes, CR/LF,
# `|`, <script>, ESC, BEL, DEL, U+202E) through every output: check (text, --color always, -v,
# json, nagios), watch events (JSON lines and the TTY text form), status (text, json, nagios),
# /metrics and the status page.  No raw ESC/BEL/CR may reach a text output, JSON must parse and
# give the label back, the Nagios line 1 has exactly one |, promtool accepts /metrics, the page
# has no <script.  (Names a DNS server gives are tested end to end in 80-hostile.sh, "names from
# DNS".  NUL is refused in a config: test_config.c; invalid UTF-8 cannot be written in YAML,
# which libyaml refuses, so it is covered by test_text.c, not here.)

S74_HTTP_PORT=${HARD_HTTP_PORT:-29953}
S74_URL=http://127.0.0.1:$S74_HTTP_PORT
# One hostile label, as a YAML double-quoted scalar, and what it decodes to.
S74_YAML='\"q\" '"'"'sq'"'"' |pipe| <script>alert(1)</script> \e[31mred\a bel\r\nnew line\x7f del \u202e rlo & amp'
S74_PLAIN=$(printf '"q" '"'"'sq'"'"' |pipe| <script>alert(1)</script> \033[31mred\007 bel\r\nnew line\177 del \342\200\256 rlo & amp')

s74_cfg() {
	local y
	y=$(sed 's/timeout: 500ms/timeout: 50ms/' "$LAB_CFG")
	# (bash replacement, not sed: the label holds /, & and backslashes)
	y=${y/"label: North Korea (lab)"/"label: \"KP $S74_YAML\""}
	y=${y/"label: Korean Central News Agency"/"label: \"KCNA $S74_YAML\""}
	printf '%s\n' "$y" >"$WORK/hostile-labels.yaml"
	printf 'watch:\n  interval: 200ms\n  fall: 1\n  rise: 1\n' >>"$WORK/hostile-labels.yaml"
}

# s74_no_raw WHAT FILE: no raw ESC, BEL or CR in FILE.
s74_no_raw() {
	local c
	for c in $'\e' $'\a' $'\r'; do
		if grep -aq "$c" "$2"; then
			fail "$1: a raw $(printf '%s' "$c" | od -An -c | tr -d ' ') byte reached the output"
		fi
	done
}

# s74_text WHAT FILE: a text output: no raw control bytes, the label on one line, escaped.
s74_text() {
	s74_no_raw "$1" "$2"
	grep -aq 'KP "q" .*|pipe| <script>alert(1)</script> .*red.* bel.*new line.* del .* rlo & amp' "$2" ||
	    fail "$1: the zone label is missing or split over lines"
}

s74_nagios() {
	s74_no_raw "$1" "$2"
	expect_nagios_pipes "$1" "$2"
}

scenario "safe output: hostile labels in check text, --color always, -v, json, nagios"
s74_cfg
fault ns1.kptc.kp silent
tw check -f "$WORK/hostile-labels.yaml"
expect_rc 1
s74_text "check text" "$OUT"
tw check -f "$WORK/hostile-labels.yaml" -v -v
s74_text "check -v -v" "$OUT"
tw check -f "$WORK/hostile-labels.yaml" --color always
grep -aq $'\e\\[' "$OUT" || fail "--color always printed no colour at all"
# Our own SGR sequences are allowed; the label's ESC [31m must not come through raw.
if grep -aq $'\e\\[31mred' "$OUT"; then fail "--color always: the label's ESC[31m is raw"; fi
sed 's/\x1b\[[0-9;]*m//g' "$OUT" >"$WORK/stripped"
s74_text "check --color always (SGR removed)" "$WORK/stripped"
tw check -f "$WORK/hostile-labels.yaml" --format json
jq -e . "$OUT" >/dev/null 2>&1 || fail "check json does not parse"
[ "$(jq -r '.zones[0].label' "$OUT")" = "KP $S74_PLAIN" ] || fail "json: the zone label did not round-trip"
[ "$(jq -r '.zones[0].hosts[] | select(.name=="kcna.kp") | .label' "$OUT")" = "KCNA $S74_PLAIN" ] ||
    fail "json: the host label did not round-trip"
tw check -f "$WORK/hostile-labels.yaml" --format nagios
s74_nagios "check nagios" "$OUT"
expect_match '^TLDWATCH WARNING - '

scenario "safe output: hostile labels in watch events (JSON and TTY text), status, /metrics, /"
s74_cfg
fault ns1.kptc.kp silent
rm -f "$WORK"/s74-state.db* "$WORK/s74-ev.jsonl"
"$TW" watch -f "$WORK/hostile-labels.yaml" --state "$WORK/s74-state.db" \
    --events "$WORK/s74-ev.jsonl" --listen "$S74_HTTP_PORT" --rounds 100 >"$OUT" 2>"$ERR" &
s74_pid=$!
watcher_snapshot "$S74_URL" "$WORK/s74" "$WORK/s74-state.db"
stop_watcher "$s74_pid"
expect_rc 0
s74_no_raw "/metrics" "$WORK/s74.metrics"
if command -v promtool >/dev/null; then
	promtool check metrics <"$WORK/s74.metrics" >"$WORK/s74-promtool" 2>&1 ||
	    fail "promtool check metrics: $(head -3 "$WORK/s74-promtool")"
else
	fail "promtool is missing (make deps)"
fi
s74_no_raw "status page" "$WORK/s74.html"
if grep -aiq '<script' "$WORK/s74.html"; then fail "the status page contains <script"; fi
grep -aq '&lt;script&gt;alert(1)&lt;/script&gt;' "$WORK/s74.html" ||
    fail "the status page does not show the label, escaped"
jq -e . "$WORK/s74.status.json" >/dev/null 2>&1 || fail "/status.json does not parse"
jq -e . "$WORK/s74-ev.jsonl" >/dev/null 2>&1 || fail "the event log is not JSON lines"
[ -s "$WORK/s74-ev.jsonl" ] || fail "no event logged"
s74_no_raw "event log" "$WORK/s74-ev.jsonl"

# Events on a terminal: the text form (script(1) gives the watcher a TTY).
if command -v script >/dev/null; then
	TW_S74="$TW" CFG_S74="$WORK/hostile-labels.yaml" ST_S74="$WORK/s74-tty-state.db" \
	    script -q -e -c '"$TW_S74" watch -f "$CFG_S74" --state "$ST_S74" --rounds 3' /dev/null \
	    >"$WORK/s74-tty" 2>&1 </dev/null || fail "watch on a TTY failed"
	tr -d '\r' <"$WORK/s74-tty" >"$WORK/s74-tty.txt"   # the TTY's own CR of each newline
	grep -aq 'degraded' "$WORK/s74-tty.txt" || fail "no event on the TTY"
	s74_no_raw "watch events on a TTY" "$WORK/s74-tty.txt"
else
	fail "script(1) is missing (make deps: bsdutils)"
fi

tw status --state "$WORK/s74-state.db" --max-age 60m
s74_no_raw "status text" "$OUT"
tw status --state "$WORK/s74-state.db" --max-age 60m --format json
jq -e . "$OUT" >/dev/null 2>&1 || fail "status json does not parse"
tw status --state "$WORK/s74-state.db" --max-age 60m --format nagios
s74_nagios "status nagios" "$OUT"

scenario "safe output: hostile labels in report and history (text, JSON, CSV)"
s74_cfg
# an outage, so that report tells a story with the zone's label in it
fault ns1.kptc.kp,ns2.kptc.kp silent
rm -f "$WORK"/s74-out.db*
tw watch -f "$WORK/hostile-labels.yaml" --state "$WORK/s74-out.db" --events "$WORK/s74-out.jsonl" \
    --rounds 3
expect_rc 0
heal all
tw watch -f "$WORK/hostile-labels.yaml" --state "$WORK/s74-out.db" --events "$WORK/s74-out.jsonl" \
    --rounds 2
expect_rc 0
tw report --state "$WORK/s74-out.db" --zone kp
expect_rc 0
s74_text "report text" "$OUT"
for cmd in report history; do
	tw $cmd --state "$WORK/s74-out.db" --zone kp --format json
	expect_rc 0
	jq -e . "$OUT" >/dev/null 2>&1 || fail "$cmd json does not parse"
	s74_no_raw "$cmd json" "$OUT"
	tw $cmd --state "$WORK/s74-out.db" --zone kp --format csv
	expect_rc 0
	sed 's/\r$//' "$OUT" >"$WORK/s74-csv"    # CSV's own CRLF line ends
	s74_no_raw "$cmd csv" "$WORK/s74-csv"
	tw $cmd --state "$WORK/s74-out.db" --zone kp
	s74_no_raw "$cmd text" "$OUT"
done
