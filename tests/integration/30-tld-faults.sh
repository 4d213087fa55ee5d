# 30-tld-faults.sh -- faults at the TLD servers, ns1/ns2.kptc.kp.

outcome_of() {
	case $1 in
	down) echo unreachable ;; silent) echo timeout ;; refuse) echo refused ;;
	servfail) echo servfail ;; lame) echo lame ;; truncate) echo truncated ;;
	esac
}

# One kp server broken: every key host still resolves through the other.
for kind in down silent refuse servfail lame truncate; do
	scenario "ns1.kptc.kp $kind: degraded, exit 1"
	fault ns1.kptc.kp $kind
	check
	expect_rc 1
	expect_state degraded
	expect_server ns1.kptc.kp kp "$(outcome_of $kind)"
	expect_server ns2.kptc.kp kp answer
	expect_host kcna.kp "true answer"
	expect_diag "ns1.kptc.kp $(outcome_of $kind)"
done

scenario "both kp servers silent: down, route-withdrawal diagnosis, about timeout x attempts"
fault ns1.kptc.kp silent
fault ns2.kptc.kp silent
check
expect_rc 2
expect_state down
expect_server ns1.kptc.kp kp timeout
expect_server ns2.kptc.kp kp timeout
expect_host kcna.kp "false timeout"
expect_diag "both kp servers silent \\\\(timeouts\\\\) while the roots answer: consistent with a route withdrawal"
expect_jq '[.zones[0].servers[] | select(.role=="zone") | "\(.answered)/\(.sent)"] | unique | join(",")' "0/12"
# 0.5 s x 2 attempts; not that times the number of queries or servers.
timed expect_jq '.elapsed_ms < 1900' true

scenario "both kp servers down: down, unreachable"
fault ns1.kptc.kp down
fault ns2.kptc.kp down
check
expect_rc 2
expect_state down
expect_server ns1.kptc.kp kp unreachable
expect_diag "unreachable"

scenario "both kp servers refuse: down, zone not served"
fault ns1.kptc.kp refuse
fault ns2.kptc.kp refuse
check
expect_rc 2
expect_state down
expect_server ns2.kptc.kp kp refused
expect_diag "kp servers answer REFUSED: the zone is not served"

scenario "both kp servers servfail: down"
fault ns1.kptc.kp servfail
fault ns2.kptc.kp servfail
check
expect_rc 2
expect_state down
expect_diag "SERVFAIL"

scenario "both kp servers lame: referrals still lead to the hosts, degraded"
fault ns1.kptc.kp lame
fault ns2.kptc.kp lame
check
expect_rc 1
expect_state degraded
expect_server ns1.kptc.kp kp lame
expect_jq '.zones[0].auth_answering' 0
expect_host kcna.kp "true answer"

scenario "one kp server silent, the other refusing: down, both named"
fault ns1.kptc.kp silent
fault ns2.kptc.kp refuse
check
expect_rc 2
expect_state down
expect_diag "ns1.kptc.kp timeout, ns2.kptc.kp refused"

scenario "kp servers slow but within the timeout: up, RTT shows the delay"
fault ns1.kptc.kp slow 150
check
expect_rc 0
expect_state up
# The proxy's 150 ms timer may fire a millisecond early (libevent's cached clock).
expect_jq '.zones[0].servers[] | select(.name=="ns1.kptc.kp") | .rtt_ms >= 145' true
timed expect_jq '.zones[0].servers[] | select(.name=="ns2.kptc.kp") | .rtt_ms < 150' true

scenario "kp servers slower than the timeout: down with timeouts"
fault ns1.kptc.kp slow 800
fault ns2.kptc.kp slow 800
check
expect_rc 2
expect_state down
expect_server ns1.kptc.kp kp timeout

scenario "kp server lossy: every query answered on its retry, loss 50%, degraded"
fault ns1.kptc.kp lossy
check
expect_rc 1
expect_state degraded
expect_server ns1.kptc.kp kp answer
expect_jq '.zones[0].servers[] | select(.name=="ns1.kptc.kp") | .loss' 0.5
expect_diag "loss 50% at ns1.kptc.kp"
