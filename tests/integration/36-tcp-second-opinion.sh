# 36-tcp-second-opinion.sh -- a server silent over UDP is asked once over TCP in the same round
# (fallback_tcp), inside the UDP query's own time; the diagnosis tells a filter on the path
# (UDP dropped, TCP answers: labctl's udpdrop) from a plain silence.

# The lab probes with timeout 500ms x 2 attempts: a check of a silent zone takes that, plus the
# discovery at the roots (a few ms on loopback).  The second opinion must not add to it.
BOUND_MS=1000
MARGIN_MS=300

# wall_check ARGS...: tw check ARGS..., with its wall time in ms in $WALL_MS.
wall_check() {
	local t0 t1
	t0=$(date +%s%N)
	tw check "$@"
	t1=$(date +%s%N)
	WALL_MS=$(((t1 - t0) / 1000000))
}

expect_within_bound() {
	[ "$WALL_MS" -le $((BOUND_MS + MARGIN_MS)) ] ||
		fail "$1: the check took $WALL_MS ms, more than $BOUND_MS ms (timeout x attempts) + $MARGIN_MS ms"
}

# expect_fallback NAME ZONE OUTCOME|null [TRANSPORT]: fallback_tcp of NAME's row serving ZONE.
expect_fallback() {
	expect_jq "[.zones[0].servers[] | select(.name==\"$1\" and .zone==\"$2\" and .transport==\"${4:-udp}\") | .fallback_tcp // \"null\"] | unique | join(\",\")" "$3"
}

scenario "udpdrop on both kp servers: down, the diagnosis names a filter on the path (json)"
fault ns1.kptc.kp,ns2.kptc.kp udpdrop
wall_check -f "$LAB_CFG" --format json
UDPDROP_MS=$WALL_MS
expect_rc 2
expect_state down
expect_server ns1.kptc.kp kp timeout
expect_server ns2.kptc.kp kp timeout
expect_fallback ns1.kptc.kp kp answer
expect_fallback ns2.kptc.kp kp answer
expect_jq '.zones[0].diagnosis' \
    "UDP to both kp servers is dropped, TCP answers: a filter on the path (no key host resolves)"
expect_jq '.zones[0].auth_answering' 0
# the second opinion is evidence, not a transport: no key host resolves through it
expect_jq '[.zones[0].hosts[] | select(.key) | .resolved] | unique | join(",")' false
# the rows' counts stay UDP's: every attempt unanswered
expect_jq '[.zones[0].servers[] | select(.role=="zone") | .answered] | unique | join(",")' 0
# the roots were not second-guessed
expect_jq '[.roots[] | .fallback_tcp] | unique | map(tostring) | join(",")' null
timed expect_within_bound "udpdrop"

scenario "udpdrop on both kp servers: text says it on the rows and in the diagnosis"
fault ns1.kptc.kp,ns2.kptc.kp udpdrop
tw check -f "$LAB_CFG" --format text --color never
expect_rc 2
expect_match '^kp \(North Korea \(lab\)\): DOWN - UDP to both kp servers is dropped, TCP answers: a filter on the path'
expect_match '^  zone  ns1\.kptc\.kp .* udp  timeout \(tcp: answer\)  0/'
expect_match '^  zone  ns2\.kptc\.kp .* udp  timeout \(tcp: answer\)  0/'

scenario "udpdrop on both kp servers: nagios CRITICAL, the long output shows the TCP answers"
fault ns1.kptc.kp,ns2.kptc.kp udpdrop
tw check -f "$LAB_CFG" --format nagios
expect_rc 2
expect_match '^TLDWATCH CRITICAL - kp down: UDP to both kp servers is dropped, TCP answers: a filter on the path'
expect_match '^zone ns1\.kptc\.kp 127\.45\.176\.15:[0-9]+/udp timeout \(tcp: answer\) 0/'
expect_match '^zone ns2\.kptc\.kp 127\.45\.176\.16:[0-9]+/udp timeout \(tcp: answer\) 0/'
expect_nagios_pipes nagios "$OUT"

scenario "a plain silence: TCP is asked too and is silent, the diagnosis stays a silence"
fault ns1.kptc.kp,ns2.kptc.kp silent
wall_check -f "$LAB_CFG" --format json
SILENT_MS=$WALL_MS
expect_rc 2
expect_state down
expect_fallback ns1.kptc.kp kp timeout
expect_fallback ns2.kptc.kp kp timeout
expect_diag '^both kp servers silent \\(timeouts\\) while the roots answer'
expect_jq '.zones[0].diagnosis | test("TCP")' false
timed expect_within_bound "silent (TCP hangs)"
echo "        wall time: udpdrop $UDPDROP_MS ms, silent $SILENT_MS ms (bound $BOUND_MS + $MARGIN_MS ms)"
# the second opinion costs no time: a TCP answer does not end the round sooner either
timed expect_equal "$((UDPDROP_MS <= SILENT_MS + 150))" 1 "udpdrop ($UDPDROP_MS ms) vs silent ($SILENT_MS ms) + 150 ms"

scenario "one kp server only over TCP: degraded, the diagnosis names it"
fault ns1.kptc.kp udpdrop
check
expect_rc 1
expect_state degraded
expect_fallback ns1.kptc.kp kp answer
expect_fallback ns2.kptc.kp kp null
expect_diag 'ns1\\.kptc\\.kp timeout \\(tcp: answer\\)'

scenario "a healthy lab asks nothing over TCP"
check
expect_rc 0
expect_jq '[.zones[0].servers[] | .fallback_tcp] | unique | map(tostring) | join(",")' null

# The roots still refer to ns2.kptc.kp (glue): the zone has three servers here.
scenario "IPv6: udpdrop on [::1], ns1 and ns2.kptc.kp: down, TCP answers at all three"
if "$LABCTL" status 2>/dev/null | grep -q 'v6.*proxy up'; then
	sed "s/ns2.kptc.kp=127.45.176.16:$LAB_DNS_PORT/v6.ns1.kptc.kp=[::1]:$LAB_DNS_PORT/" \
	    "$LAB_CFG" >"$WORK/v6.yaml"
	grep -q '\[::1\]' "$WORK/v6.yaml" || fail "v6.yaml: ns2 not replaced by [::1]"
	fault ns1.kptc.kp,ns2.kptc.kp,v6.ns1.kptc.kp udpdrop
	wall_check -f "$WORK/v6.yaml" --format json
	expect_rc 2
	expect_state down
	expect_jq '.zones[0].servers[] | select(.address=="::1") | "\(.outcome) \(.fallback_tcp)"' \
	    "timeout answer"
	expect_fallback ns1.kptc.kp kp answer
	expect_fallback ns2.kptc.kp kp answer
	expect_diag '^UDP to all 3 kp servers is dropped, TCP answers: a filter on the path'
	timed expect_within_bound "IPv6 udpdrop"
else
	fail "the lab has no IPv6 proxy on ::1 (labctl status)"
fi

scenario "TCP second opinion answers garbage (7 bytes): no crash, not an answer, deadline holds"
fault ns1.kptc.kp,ns2.kptc.kp udpdrop garbage
wall_check -f "$LAB_CFG" --format json
expect_rc 2
expect_state down
# c-ares drops a reply shorter than a DNS header, over TCP as over UDP (docs/engine.md)
expect_fallback ns1.kptc.kp kp timeout
expect_jq '.zones[0].diagnosis | test("TCP answers")' false
[ ! -s "$ERR" ] || fail "stderr: $(head -c 300 "$ERR")"
timed expect_within_bound "udpdrop garbage"

scenario "TCP second opinion malformed: named, not an answer"
fault ns1.kptc.kp,ns2.kptc.kp udpdrop malformed
wall_check -f "$LAB_CFG" --format json
expect_rc 2
expect_fallback ns1.kptc.kp kp malformed
expect_fallback ns2.kptc.kp kp malformed
expect_jq '.zones[0].diagnosis | test("TCP answers")' false
timed expect_within_bound "udpdrop malformed"

scenario "TCP second opinion answering after the deadline (slow 1500 ms): cut off at the bound"
fault ns1.kptc.kp,ns2.kptc.kp udpdrop slow
wall_check -f "$LAB_CFG" --format json
expect_rc 2
expect_fallback ns1.kptc.kp kp timeout
expect_fallback ns2.kptc.kp kp timeout
timed expect_within_bound "udpdrop slow"

scenario "both kp servers down (UDP and TCP refused at once): unreachable over TCP too, fast"
fault ns1.kptc.kp,ns2.kptc.kp down
wall_check -f "$LAB_CFG" --format json
expect_rc 2
expect_server ns1.kptc.kp kp unreachable
expect_fallback ns1.kptc.kp kp unreachable
expect_fallback ns2.kptc.kp kp unreachable
expect_diag '^both kp servers unreachable'
# nothing waits for a timeout: well under one attempt's time
timed expect_equal "$((WALL_MS < 500))" 1 "down: the check took $WALL_MS ms"

scenario "transports [udp, tcp]: no second opinion, the TCP rows are the only TCP queries"
sed 's/transports: \[udp\]/transports: [udp, tcp]/' "$LAB_CFG" >"$WORK/both.yaml"
grep -q 'transports: \[udp, tcp\]' "$WORK/both.yaml" || fail "both.yaml: transports not rewritten"
check_both() { tw check -f "$WORK/both.yaml" --format json; }
check_both
TCP_SENT_HEALTHY=$(jq -c '[.zones[0].servers[] | select(.role=="zone" and .transport=="tcp") | .sent]' "$OUT")
fault ns1.kptc.kp,ns2.kptc.kp udpdrop
check_both
expect_server ns1.kptc.kp kp timeout udp
expect_server ns1.kptc.kp kp answer tcp
expect_jq '[.zones[0].servers[], .roots[] | .fallback_tcp] | unique | map(tostring) | join(",")' null
expect_equal "$(jq -c '[.zones[0].servers[] | select(.role=="zone" and .transport=="tcp") | .sent]' "$OUT")" \
    "$TCP_SENT_HEALTHY" "TCP queries to the kp servers, udpdrop vs healthy"
