# 39-delegation.sh -- delegation consistency: the root's referral for kp. (its NS names and
# glue) against kp.'s own NS set and addresses, and the same for every zone met below it.
# The lab's kp. serves the real 2016 NS set: ns3.kptc.kp, named only by kp., with no address
# anywhere, is child_only and no_address and the zone stays up.  Faults add a child-only name
# with an address (it is probed), a parent-only name, crossed glue, and findings in a zone
# below kp.  Every format shows them; a watcher puts them on /metrics, /status.json and the
# page, and never turns them into a state change.

I39_HTTP_PORT=${DELEGATION_HTTP_PORT:-29693}
I39_URL=http://127.0.0.1:$I39_HTTP_PORT

# i39_findings: "zone:kind:name" of every finding of the JSON check in $OUT, sorted.
i39_findings() {
	jq -r '.zones[0].delegation.findings[] | "\(.zone):\(.kind):\(.name)"' "$OUT" | sort |
	    paste -sd' ' -
}

I39_2016="kp:child_only:ns3.kptc.kp kp:no_address:ns3.kptc.kp"
I39_NOTE="delegation: ns3.kptc.kp is named only by kp's servers and has no address"

scenario "delegation: the 2016 kp. NS set: ns3.kptc.kp child_only and no_address, still up"
check
expect_rc 0
expect_state up
expect_equal "$(i39_findings)" "$I39_2016" "findings"
expect_jq '.zones[0].delegation | "\(.parent_ns | join(",")) \(.child_ns | join(","))"' \
    "ns1.kptc.kp,ns2.kptc.kp ns1.kptc.kp,ns2.kptc.kp,ns3.kptc.kp"
expect_jq '.zones[0].delegation.findings[] | select(.kind == "no_address") | .detail' \
    "no such name (NXDOMAIN), and no glue"
expect_jq '.zones[0].delegation.findings[] | select(.kind == "child_only") | .detail' \
    "listed by kp's servers, not in the root's referral"
expect_diag "; $I39_NOTE\$"
# no extra row: ns3 has no address to ask
expect_jq '[.zones[0].servers[] | select(.zone == "kp")] | length' 2
# every zone met below kp: its parent's names are its own, no finding
expect_jq '[.zones[0].delegation.below[] | .zone] | sort | join(" ")' \
    "airkoryo.com.kp kcna.kp naenara.com.kp rodong.rep.kp"
expect_jq '[.zones[0].delegation.below[] | select(.parent_ns != .child_ns)] | length' 0

scenario "delegation: text (findings; -v the NS sets) and the Nagios long output"
tw check -f "$LAB_CFG" --format text --color never
expect_rc 0
expect_match "^kp \\(North Korea \\(lab\\)\\): UP - .*; $I39_NOTE\$"
expect_match '^  delegation: kp: child_only ns3\.kptc\.kp: listed by kp.s servers, not in the root.s referral$'
expect_match '^  delegation: kp: no_address ns3\.kptc\.kp: no such name \(NXDOMAIN\), and no glue$'
expect_no_match '^  ns set:'
tw check -f "$LAB_CFG" --format text --color never -v
expect_match '^  ns set: kp from the root.s referral: ns1\.kptc\.kp, ns2\.kptc\.kp$'
expect_match '^  ns set: kp from its own servers: ns1\.kptc\.kp, ns2\.kptc\.kp, ns3\.kptc\.kp$'
expect_match '^  ns set: kcna\.kp from kp.s referral: ns1\.kcna\.kp, ns2\.kcna\.kp$'
tw check -f "$LAB_CFG" --format nagios
expect_rc 0
expect_match "^TLDWATCH OK - kp up: .*; $I39_NOTE \\|"
expect_match '^delegation kp child_only ns3\.kptc\.kp: listed by kp.s servers, not in the root.s referral$'
expect_match '^delegation kp no_address ns3\.kptc\.kp: no such name \(NXDOMAIN\), and no glue$'
expect_nagios_pipes "nagios" "$OUT"

scenario "delegation: a child-only name with an address (kp's servers name [::1]) is probed too"
fault ns1.kptc.kp,ns2.kptc.kp extra-ns
check
expect_rc 0
expect_state up
expect_equal "$(i39_findings)" "kp:child_only:ns3.kptc.kp kp:child_only:v6.ns1.kptc.kp kp:no_address:ns3.kptc.kp" \
    "findings"
# looked up (no A, so AAAA) and asked: one more way in, and it answers
expect_jq '.zones[0].delegation.names[] | select(.name == "v6.ns1.kptc.kp") | .addresses | join(",")' "::1"
expect_server v6.ns1.kptc.kp kp answer
expect_jq '"\(.zones[0].auth_answering)/\(.zones[0].auth_total)"' "3/3"
# kp.'s set only: the referrals to the zones below kp do not gain it
expect_jq '[.zones[0].delegation.below[] | select(.parent_ns | index("v6.ns1.kptc.kp"))] | length' 0

scenario "delegation: a parent-only name (the root's referral names [::1], kp. does not)"
fault a.root-servers.net,b.root-servers.net extra-ns
check
expect_rc 0
expect_state up
expect_equal "$(i39_findings)" "$I39_2016 kp:parent_only:v6.ns1.kptc.kp" "findings"
expect_jq '.zones[0].delegation.findings[] | select(.kind == "parent_only") | .detail' \
    "in the root's referral, not in kp's own NS set"
expect_server v6.ns1.kptc.kp kp answer

scenario "delegation: the root's glue for ns1 and ns2.kptc.kp crossed: glue_mismatch, still up"
fault a.root-servers.net,b.root-servers.net glue-swap
check
expect_rc 0
expect_state up
expect_equal "$(i39_findings)" \
    "kp:child_only:ns3.kptc.kp kp:glue_mismatch:ns1.kptc.kp kp:glue_mismatch:ns2.kptc.kp kp:no_address:ns3.kptc.kp" \
    "findings"
expect_jq '.zones[0].delegation.findings[] | select(.name == "ns1.kptc.kp") | .detail' \
    "the root's glue 127.45.176.16, kp's servers say 127.45.176.15"
expect_jq '.zones[0].delegation.names[] | select(.name == "ns2.kptc.kp") | "\(.glue[0]) \(.addresses[0])"' \
    "127.45.176.15 127.45.176.16"
expect_diag "ns1.kptc.kp has glue that differs from its address; ns2.kptc.kp has glue"

scenario "delegation: findings of a zone below kp (kcna.kp's servers name ns3.kcna.kp)"
fault ns1.kcna.kp,ns2.kcna.kp extra-ns ns3.kcna.kp
check
expect_rc 0
expect_state up
expect_equal "$(i39_findings)" "kcna.kp:child_only:ns3.kcna.kp kcna.kp:no_address:ns3.kcna.kp $I39_2016" \
    "findings"
expect_jq '.zones[0].delegation.below[] | select(.zone == "kcna.kp") | "\(.parent) \(.child_ns | join(","))"' \
    "kp ns1.kcna.kp,ns2.kcna.kp,ns3.kcna.kp"
# only kcna.kp's own NS set: the other zones on the same boxes are untouched
expect_jq '[.zones[0].delegation.below[] | select(.zone != "kcna.kp") | .child_ns | length] | unique | join(",")' 2

scenario "delegation: without the root's referral (roots silent, pinned servers): no set comparison"
fault a.root-servers.net,b.root-servers.net silent
check
expect_rc 0
expect_state up
expect_equal "$(i39_findings)" "kp:no_address:ns3.kptc.kp" "findings"
expect_jq '.zones[0].delegation | "\(.parent_ns) \(.child_ns | length)"' "null 3"

scenario "delegation: kp's servers silent: nothing to compare, no finding invented"
fault ns1.kptc.kp,ns2.kptc.kp silent
check
expect_rc 2
expect_state down
expect_equal "$(i39_findings)" "" "findings"
expect_jq '.zones[0].delegation | "\(.parent_ns | join(",")) \(.child_ns)"' "ns1.kptc.kp,ns2.kptc.kp null"
expect_no_match 'delegation:' <(jq -r '.zones[0].diagnosis' "$OUT")

i39_rounds() { [ "$(ledger_rounds "$WORK/i39-state.db")" -ge "$1" ]; }

scenario "delegation in watch: /metrics, /status.json and the page; findings never change the state"
printf 'watch:\n  interval: 200ms\n' | cat "$LAB_CFG" - >"$WORK/i39.yaml"
rm -f "$WORK"/i39-state.db* "$WORK/i39-ev.jsonl"
"$TW" watch -f "$WORK/i39.yaml" --state "$WORK/i39-state.db" --events "$WORK/i39-ev.jsonl" \
    --listen "$I39_HTTP_PORT" >"$OUT" 2>"$ERR" &
I39_PID=$!
wait_for i39_rounds 2 || fail "the watcher did not run 2 rounds"
watcher_snapshot "$I39_URL" "$WORK/i39"
for k in child_only:1 parent_only:0 no_address:1 glue_mismatch:0; do
	expect_match "^tldwatch_delegation_findings\\{zone=\"kp\",kind=\"${k%:*}\"\\} ${k#*:}\$" \
	    "$WORK/i39.metrics"
done
expect_equal "$(jq -c '.zones[] | select(.name == "kp") | .delegation_findings' "$WORK/i39.status.json")" \
    '{"child_only":1,"parent_only":0,"no_address":1,"glue_mismatch":0}' "/status.json"
expect_match '<p class="delegation">delegation: 1 child_only, 1 no_address</p>' "$WORK/i39.html"
# crossed glue at the roots: counted from the next round on, and still no state event
fault a.root-servers.net,b.root-servers.net glue-swap --next-burst
i39_glue() { curl -s "$I39_URL/metrics" | grep -q '^tldwatch_delegation_findings{zone="kp",kind="glue_mismatch"} 2$'; }
wait_for i39_glue || fail "/metrics never counted 2 glue mismatches"
heal all
stop_watcher "$I39_PID"
expect_rc 0
expect_equal "$(jq -r '.event' "$WORK/i39-ev.jsonl" | sort -u | paste -sd' ' -)" "" \
    "events (the zone stayed up throughout)"
