# 38-identity.sh -- instance identity: every server row shows the NSID of its health reply and
# its CHAOS identity (hostname.bind), the lab's NSDs each telling their box's name; a server
# that answers FORMERR to EDNS is asked again without (edns false, still up); a server that
# drops CHAOS queries costs the round no time; a watcher sees an NSID change as an
# instance_changed event, never a state change, and /metrics says who answers.

I38_HTTP_PORT=${IDENTITY_HTTP_PORT:-29653}
I38_URL=http://127.0.0.1:$I38_HTTP_PORT

# box NAME: the lab box (its NSD's nsid and identity) that serves as NAME.
i38_box() {
	case $1 in
	ns1.kcna.kp | ns1.rodong.rep.kp | ns1.naenara.com.kp) echo ns1.kcna.kp ;;
	ns2.kcna.kp | ns2.rodong.rep.kp | ns2.naenara.com.kp) echo ns2.kcna.kp ;;
	*) echo "$1" ;;
	esac
}

# i38_rows_say_box: every row's nsid and identity is its box's name, and edns true.
i38_rows_say_box() {
	local name nsid id edns
	while IFS=$'\t' read -r name nsid id edns; do
		expect_equal "$nsid $id $edns" "$(i38_box "$name") $(i38_box "$name") true" "row $name"
	done < <(jq -r '(.roots[], .zones[0].servers[]) | [.name, .nsid, .identity, .edns] | @tsv' \
	    "$OUT")
}

scenario "identity: each server row carries its box's NSID and hostname.bind (json)"
check
expect_rc 0
expect_state up
# 2 roots, 2 kp servers, 8 child rows (2 boxes x 4 child zones)
expect_jq '[.roots[], .zones[0].servers[]] | length' 12
i38_rows_say_box

scenario "identity: text shows nsid and id with -v only; nagios long output with -v"
tw check -f "$LAB_CFG" --format text --color never
expect_rc 0
expect_no_match 'nsid' "$OUT"
tw check -f "$LAB_CFG" --format text --color never -v
expect_rc 0
expect_match '^  zone   ns1\.kptc\.kp .* edns +nsid ns1\.kptc\.kp +id ns1\.kptc\.kp$'
expect_match '^  child  ns2\.rodong\.rep\.kp .* edns +nsid ns2\.kcna\.kp +id ns2\.kcna\.kp$'
expect_match '^  root  a\.root-servers\.net .* edns +nsid a\.root-servers\.net +id a\.root-servers\.net$'
tw check -f "$LAB_CFG" --format nagios -v
expect_rc 0
expect_match '^zone ns2\.kptc\.kp .* edns=yes nsid=ns2\.kptc\.kp id=ns2\.kptc\.kp$'
expect_nagios_pipes "nagios -v" "$OUT"

scenario "identity: a server that answers FORMERR to EDNS is asked without: edns false, up"
fault ns2.kptc.kp formerr-edns
check
expect_rc 0
expect_state up
expect_server ns2.kptc.kp kp answer
expect_jq '.zones[0].servers[] | select(.name=="ns2.kptc.kp") | "\(.edns) \(.nsid) \(.identity)"' \
    "false null ns2.kptc.kp"
# the retry answered: no loss, the serial is read
expect_jq '.zones[0].servers[] | select(.name=="ns2.kptc.kp") | "\(.loss) \(.soa_serial)"' \
    "0 2013083001"
# every other row still speaks EDNS
expect_jq '[.roots[], .zones[0].servers[] | select(.name!="ns2.kptc.kp") | .edns] | unique | join(",")' \
    true
expect_jq '.zones[0].diagnosis' "all 2 kp servers answer authoritatively and 3 of 3 key hosts resolve; delegation: ns3.kptc.kp is named only by kp's servers and has no address"
tw check -f "$LAB_CFG" --format text --color never -v
expect_match '^  zone   ns2\.kptc\.kp .* answer .* edns no +nsid - +id ns2\.kptc\.kp$'
heal all

scenario "identity: a server that drops CHAOS queries has no identity and costs no time"
fault ns1.kptc.kp silent --only bind
check
expect_rc 0
expect_state up
expect_jq '.zones[0].servers[] | select(.name=="ns1.kptc.kp") | "\(.nsid) \(.identity) \(.loss)"' \
    "ns1.kptc.kp null 0"
# the health queries end in a few ms here: the round must not wait the CHAOS query's 1 s
# (timeout 500ms x 2 attempts) for it
timed expect_jq '.elapsed_ms < 300' true
heal all

# i38_events KIND: the events file has an event of KIND.
i38_event() { grep -q "\"event\":\"$1\"" "$WORK/i38-ev.jsonl"; }
i38_rounds() { [ "$(ledger_rounds "$WORK/i38-state.db")" -ge "$1" ]; }

scenario "identity: an NSID change between rounds is an instance_changed event, state stays up"
printf 'watch:\n  interval: 200ms\n' | cat "$LAB_CFG" - >"$WORK/i38.yaml"
rm -f "$WORK"/i38-state.db* "$WORK/i38-ev.jsonl"
"$TW" watch -f "$WORK/i38.yaml" --state "$WORK/i38-state.db" --events "$WORK/i38-ev.jsonl" \
    --listen "$I38_HTTP_PORT" >"$OUT" 2>"$ERR" &
I38_PID=$!
wait_for i38_rounds 3 || fail "the watcher did not run 3 rounds"
fault ns1.kptc.kp nsid-change --next-burst
wait_for i38_event instance_changed || fail "no instance_changed event"
watcher_snapshot "$I38_URL" "$WORK/i38"
# The NSID flips every round (every burst of queries), so a scrape shows the changed one only
# when it lands in such a round: scrape until /metrics and the page each have shown it.
i38_scrape_shows() { curl -s "$I38_URL$1" >"$WORK/i38.scrape" && grep -Eq "$2" "$WORK/i38.scrape"; }
I38_SAW_METRICS= I38_SAW_PAGE=
wait_for i38_scrape_shows /metrics \
    '^tldwatch_server_instance_info\{zone="kp",served="kp",server="ns1.kptc.kp",.*,nsid="NS1.KPTC.KP",identity="ns1.kptc.kp"\} 1$' &&
    I38_SAW_METRICS=1
wait_for i38_scrape_shows / 'title="nsid NS1.KPTC.KP, identity ns1.kptc.kp">ns1.kptc.kp</td>' &&
    I38_SAW_PAGE=1
# wait for two more rounds: the NSID flips back, another event
wait_for i38_rounds "$(($(ledger_rounds "$WORK/i38-state.db") + 2))" || fail "no more rounds"
heal all
stop_watcher "$I38_PID"
expect_rc 0
ev=$(grep -m1 '"event":"instance_changed"' "$WORK/i38-ev.jsonl")
expect_equal "$(jq -r '"\(.zone) \(.from) \(.to) \(.server.name) \(.server.address) \(.server.transport)"' <<<"$ev")" \
    "kp up up ns1.kptc.kp 127.45.176.15 udp" "the event's server and states"
expect_equal "$(jq -r '"\(.nsid.old) \(.nsid.new) \(.identity.old) \(.identity.new)"' <<<"$ev")" \
    "ns1.kptc.kp NS1.KPTC.KP ns1.kptc.kp ns1.kptc.kp" "the event's old and new values"
expect_equal "$(jq -r .diagnosis <<<"$ev")" \
    "ns1.kptc.kp (127.45.176.15:$LAB_DNS_PORT/udp): nsid ns1.kptc.kp -> NS1.KPTC.KP" "its sentence"
# one event per round the NSID flipped, for ns1.kptc.kp only (its 4 kp rows make one)
expect_equal "$(jq -r 'select(.event=="instance_changed") | .server.name' "$WORK/i38-ev.jsonl" |
    sort -u | paste -sd' ' -)" "ns1.kptc.kp" "servers with an instance change"
[ "$(grep -c '"event":"instance_changed"' "$WORK/i38-ev.jsonl")" -ge 2 ] ||
    fail "the NSID flipped back without a second event: $(cat "$WORK/i38-ev.jsonl")"
# informational: no state event at all, the zone stayed up
expect_equal "$(jq -r 'select(.event!="instance_changed") | .event' "$WORK/i38-ev.jsonl" |
    paste -sd' ' -)" "" "state events"
expect_equal "$(jq -r '.zones[] | select(.name=="kp") | .state' "$WORK/i38.status.json")" up \
    "/status.json state"
# /events serves it too, and the ledger kept it
expect_equal "$(jq -r '[.[] | select(.event=="instance_changed")] | length > 0' "$WORK/i38.events")" \
    true "/events"
expect_equal "$(ledger_q "$WORK/i38-state.db" \
    "SELECT count(*) > 0 FROM events WHERE kind = 'instance_changed' AND from_state = 'up' AND to_state = 'up'")" \
    1 "ledger events"
# /metrics: who answers, with the server's own labels; the counter counted it
expect_match "^tldwatch_server_instance_info\\{zone=\"kp\",served=\"kp\",server=\"ns2.kptc.kp\",address=\"127.45.176.16\",port=\"$LAB_DNS_PORT\",transport=\"udp\",role=\"zone\",nsid=\"ns2.kptc.kp\",identity=\"ns2.kptc.kp\"\\} 1\$" \
    "$WORK/i38.metrics"
grep -q '^tldwatch_server_instance_info{zone="kp",served="kp",server="ns1.kptc.kp",' \
    "$WORK/i38.metrics" || fail "no instance_info for ns1.kptc.kp"
expect_match '^tldwatch_events_total\{event="instance_changed"\} [1-9]' "$WORK/i38.metrics"
# the changed NSID on /metrics and on the page (on hover): scraped while it lasted
[ -n "$I38_SAW_METRICS" ] || fail "/metrics never showed nsid NS1.KPTC.KP"
[ -n "$I38_SAW_PAGE" ] || fail "the page never showed nsid NS1.KPTC.KP"

scenario "identity: a watcher asks a server that refused its identity again only after watch.identity_recheck"
# ns1.kptc.kp refuses hostname.bind from the first round; rounds every 200 ms, recheck 2 s
printf 'watch:\n  interval: 200ms\n  identity_recheck: 2s\n' | cat "$LAB_CFG" - >"$WORK/i38r.yaml"
fault ns1.kptc.kp refuse --only bind
rm -f "$WORK"/i38r-state.db*
"$TW" watch -f "$WORK/i38r.yaml" --state "$WORK/i38r-state.db" --listen "$I38_HTTP_PORT" \
    >"$OUT" 2>"$ERR" &
I38_PID=$!
i38_metric() { curl -s "$I38_URL/metrics" >"$WORK/i38r.metrics" && grep -Eq "$1" "$WORK/i38r.metrics"; }
I38_NS1='^tldwatch_server_instance_info\{zone="kp",served="kp",server="ns1\.kptc\.kp",.*identity="ns1\.kptc\.kp"\} 1$'
wait_for i38_metric '^tldwatch_identity_hidden_servers 1$' ||
    fail "the refusing server is not held: $(grep identity_hidden "$WORK/i38r.metrics")"
# only ns1.kptc.kp is held: every other lab server tells its identity, every round (the gauge
# moves as the refusal comes in, the servers' values once their round is committed)
wait_for i38_metric '^tldwatch_server_instance_info\{zone="kp",served="kp",server="ns2\.kptc\.kp",.*identity="ns2\.kptc\.kp"\} 1$' ||
    fail "ns2.kptc.kp's identity is not shown"
expect_match '^tldwatch_identity_hidden_servers 1$' "$WORK/i38r.metrics"
expect_no_match "$I38_NS1" "$WORK/i38r.metrics"
# healed just after its first refusal: a watcher that asked every round would see the identity
# within a round or two (< 0.5 s); this one waits out the 2 s since the refusal
heal all
t0=$(date +%s%N)
wait_for i38_metric "$I38_NS1" || fail "the identity did not come back after the recheck time"
waited_ms=$((($(date +%s%N) - t0) / 1000000))
echo "        identity back ${waited_ms} ms after the heal (recheck 2 s)"
[ "$waited_ms" -ge 1000 ] || fail "asked again after ${waited_ms} ms, within the recheck time"
wait_for i38_metric '^tldwatch_identity_hidden_servers 0$' || fail "still held after it answered"
stop_watcher "$I38_PID"
expect_rc 0
