# 10-healthy.sh -- a healthy lab, in every output format and transport.

scenario "healthy lab: up, exit 0, every server answers"
check
expect_rc 0
expect_state up
expect_jq '.zones[0].auth_answering, .zones[0].auth_total' "2 2"
expect_server ns1.kptc.kp kp answer
expect_server ns2.kptc.kp kp answer
expect_server ns1.kcna.kp kcna.kp answer
expect_server ns2.rodong.rep.kp rodong.rep.kp answer
expect_jq '[.zones[0].servers[] | select(.role=="zone") | .soa_serial] | unique | join(",")' 2013083001
expect_jq '.zones[0].controls | "\(.answered)/\(.total)"' "2/2"
expect_host kcna.kp "true answer"
expect_host rodong.rep.kp "true answer"
expect_host naenara.com.kp "true answer"
expect_jq '.zones[0].hosts[] | select(.name=="kcna.kp") | .addresses | join(",")' 127.45.176.71
expect_jq '.zones[0].hosts[] | select(.name=="naenara.com.kp") | .addresses | join(",")' 127.45.176.67
expect_jq '[.zones[0].servers[] | .sent - .answered] | add' 0

scenario "glueless delegation: airkoryo.com.kp via ns1/ns2.kcna.kp"
check
expect_host airkoryo.com.kp "true answer"
expect_server ns1.kcna.kp airkoryo.com.kp answer
expect_jq '.zones[0].hosts[] | select(.name=="airkoryo.com.kp") | .addresses | join(",")' 127.45.176.77

scenario "text output: aligned lines per server and host, no colour off a TTY"
tw check -f "$LAB_CFG"
expect_rc 0
expect_match '^UP'
expect_match "ns1\\.kptc\\.kp +127\\.45\\.176\\.15:$LAB_DNS_PORT +udp +answer"
expect_match 'kcna\.kp +resolved +127\.45\.176\.71'
expect_no_match $'\e\\['

scenario "nagios output: OK line with perfdata, long output without |"
tw check -f "$LAB_CFG" --format nagios
expect_rc 0
expect_match '^TLDWATCH OK - .*\| .*kp_auth_answering.?=2;'
[ "$(tail -n +2 "$OUT" | grep -c '|')" = 0 ] || fail "a long-output line contains |"
[ "$(head -1 "$OUT" | grep -c "'time'=")" = 1 ] || fail "no time perfdata on line 1"

scenario "check_tldwatch symlink behaves as check --format nagios"
set +e; "$ROOT/check_tldwatch" -f "$LAB_CFG" >"$OUT" 2>"$ERR"; RC=$?; set -e
expect_rc 0
expect_match '^TLDWATCH OK - '

scenario "TCP transport: every row over tcp, up"
sed 's/transports: \[udp\]/transports: [tcp]/' "$LAB_CFG" >"$WORK/tcp.yaml"
tw check -f "$WORK/tcp.yaml" --format json
expect_rc 0
expect_state up
expect_jq '[.zones[0].servers[].transport] | unique | join(",")' tcp
expect_server ns1.kptc.kp kp answer tcp

scenario "UDP and TCP together: one row per transport"
sed 's/transports: \[udp\]/transports: [udp, tcp]/' "$LAB_CFG" >"$WORK/both.yaml"
tw check -f "$WORK/both.yaml" --format json
expect_rc 0
expect_state up
expect_jq '[.zones[0].servers[] | select(.role=="zone")] | length' 4

scenario "IPv6: a pinned kp server on [::1]"
if "$LABCTL" status 2>/dev/null | grep -q 'v6.*proxy up'; then
	sed "s/ns2.kptc.kp=127.45.176.16:$LAB_DNS_PORT/v6.ns1.kptc.kp=[::1]:$LAB_DNS_PORT/" "$LAB_CFG" >"$WORK/v6.yaml"
	tw check -f "$WORK/v6.yaml" --format json
	expect_jq '.zones[0].servers[] | select(.address=="::1") | .outcome' answer
	expect_jq '.zones[0].servers[] | select(.address=="::1") | .soa_serial' 2013083001
else
	fail "the lab has no IPv6 proxy on ::1 (labctl status)"
fi
