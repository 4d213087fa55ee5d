# 40-child-faults.sh -- faults at the key hosts' own servers (.8 and .9).

for kind in down silent refuse servfail lame; do
	case $kind in
	down) o=unreachable ;; silent) o=timeout ;; refuse) o=refused ;;
	servfail) o=servfail ;; lame) o=lame ;;
	esac
	scenario "ns1.kcna.kp box $kind: hosts resolve through .9, degraded"
	fault ns1.kcna.kp $kind
	check
	expect_rc 1
	expect_state degraded
	expect_server ns1.kcna.kp kcna.kp $o
	expect_server ns1.rodong.rep.kp rodong.rep.kp $o
	expect_server ns2.kcna.kp kcna.kp answer
	expect_host kcna.kp "true answer"
	expect_host naenara.com.kp "true answer"

	scenario "both child boxes $kind: kp answers, no key host resolves, partial"
	fault ns1.kcna.kp $kind
	fault ns2.kcna.kp $kind
	check
	expect_rc 2
	expect_state partial
	expect_jq '.zones[0].auth_answering' 2
	expect_host kcna.kp "false $o"
	expect_host rodong.rep.kp "false $o"
	expect_diag "kp servers answer, but no key host resolves"
done

scenario "child box lossy: answered on retries, degraded by loss"
fault ns2.kcna.kp lossy
check
expect_rc 1
expect_state degraded
expect_host kcna.kp "true answer"
expect_jq '[.zones[0].servers[] | select(.address=="127.45.176.9") | .loss > 0] | any' true

scenario "a missing key host: the others resolve, partial names it"
sed 's/name: naenara.com.kp/name: nosuchsite.com.kp/' "$LAB_CFG" >"$WORK/missing.yaml"
tw check -f "$WORK/missing.yaml" --format json
expect_rc 2
expect_state partial
expect_host nosuchsite.com.kp "false nxdomain"
expect_diag "kcna.kp and rodong.rep.kp resolve, nosuchsite.com.kp does not"

scenario "a CNAME is followed to its target"
sed 's/name: airkoryo.com.kp/name: www.kcna.kp/' "$LAB_CFG" >"$WORK/cname.yaml"
tw check -f "$WORK/cname.yaml" --format json
expect_rc 0
expect_host www.kcna.kp "true answer"
expect_jq '.zones[0].hosts[] | select(.name=="www.kcna.kp") | .addresses | join(",")' 127.45.176.71
