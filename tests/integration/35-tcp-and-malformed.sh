# 35-tcp-and-malformed.sh -- faults seen over TCP, and answers only a careful walker rejects.

sed 's/transports: \[udp\]/transports: [tcp]/' "$LAB_CFG" >"$WORK/tcp.yaml"

scenario "TCP: a kp server down gives unreachable (RST), degraded"
fault ns1.kptc.kp down
tw check -f "$WORK/tcp.yaml" --format json
expect_rc 1
expect_state degraded
expect_server ns1.kptc.kp kp unreachable tcp

scenario "TCP: a silent kp server times out, degraded"
fault ns1.kptc.kp silent
tw check -f "$WORK/tcp.yaml" --format json
expect_rc 1
expect_server ns1.kptc.kp kp timeout tcp

scenario "TCP: both kp servers refuse, down"
fault ns1.kptc.kp refuse
fault ns2.kptc.kp refuse
tw check -f "$WORK/tcp.yaml" --format json
expect_rc 2
expect_state down
expect_server ns2.kptc.kp kp refused tcp

scenario "a kp server answering malformed records: malformed, degraded"
fault ns1.kptc.kp malformed
check
expect_rc 1
expect_state degraded
expect_server ns1.kptc.kp kp malformed
expect_host kcna.kp "true answer"

scenario "TCP: malformed over TCP too"
fault ns2.kptc.kp malformed
tw check -f "$WORK/tcp.yaml" --format json
expect_rc 1
expect_server ns2.kptc.kp kp malformed tcp

scenario "a 7-byte reply is dropped by the resolver library: the server counts as silent"
fault ns1.kptc.kp garbage
check
expect_rc 1
expect_server ns1.kptc.kp kp timeout

scenario "both child boxes malformed: no key host resolves, partial"
fault ns1.kcna.kp malformed
fault ns2.kcna.kp malformed
check
expect_rc 2
expect_state partial
expect_host kcna.kp "false malformed"
