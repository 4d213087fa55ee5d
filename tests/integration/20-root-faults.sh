# 20-root-faults.sh -- faults at the roots (the discovery start and our control).

for kind in down silent refuse servfail lame; do
	case $kind in
	down) o=unreachable ;; silent) o=timeout ;; refuse) o=refused ;;
	servfail) o=servfail ;; lame) o=referral ;;
	esac
	scenario "root a $kind: discovery goes on via root b, kp stays up"
	fault a.root-servers.net $kind
	check
	expect_rc 0
	expect_state up
	expect_root a.root-servers.net $o
	expect_root b.root-servers.net referral
done

scenario "every root silent: pinned kp servers are the fallback, still up"
fault a.root-servers.net silent
fault b.root-servers.net silent
check
expect_rc 0
expect_state up
expect_jq '.zones[0].controls | "\(.answered)/\(.total)"' "0/2"
expect_server ns1.kptc.kp kp answer

scenario "every root and every kp server silent: unknown (our own network)"
for s in a.root-servers.net b.root-servers.net ns1.kptc.kp ns2.kptc.kp; do fault $s silent; done
check
expect_rc 3
expect_state unknown
expect_diag "our own network"

scenario "no pins and every root down: nothing known about kp, unknown"
grep -v 'kptc.kp=' "$LAB_CFG" | sed '/servers:/d' >"$WORK/nopin.yaml"
fault a.root-servers.net down
fault b.root-servers.net down
tw check -f "$WORK/nopin.yaml" --format json
expect_rc 3
expect_state unknown

scenario "no pins, roots healthy: kp servers discovered from the root's referral"
grep -v 'kptc.kp=' "$LAB_CFG" | sed '/servers:/d' >"$WORK/nopin.yaml"
tw check -f "$WORK/nopin.yaml" --format json
expect_rc 0
expect_state up
expect_jq '[.zones[0].servers[] | select(.role=="zone") | .name] | sort | join(",")' "ns1.kptc.kp,ns2.kptc.kp"
expect_jq '[.zones[0].servers[] | select(.role=="zone") | .pinned] | unique | join(",")' false
