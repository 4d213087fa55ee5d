# 75-http.sh -- tldwatch watch --listen: /metrics, /, /status.json, /events, /history, /outages,
# and HTTP hygiene.

HTTP_PORT=${HTTP_TEST_PORT:-29853}
URL=http://127.0.0.1:$HTTP_PORT

start_http_watcher() {
	sed 's/timeout: 500ms/timeout: 50ms/' "$LAB_CFG" >"$WORK/http.yaml"
	printf 'watch:\n  interval: 200ms\n' >>"$WORK/http.yaml"
	rm -f "$WORK"/http-state.db* "$WORK/http-ev.jsonl"
	"$TW" watch -f "$WORK/http.yaml" --state "$WORK/http-state.db" --events "$WORK/http-ev.jsonl" \
	    --listen "${1:-$HTTP_PORT}" >"$OUT" 2>"$ERR" &
	HTTP_PID=$!
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(ledger_rounds "$WORK/http-state.db")" -ge 1 ] && curl -s -o /dev/null "$URL/metrics" &&
		    return 0
		sleep 0.05
	done
	fail "the watcher's HTTP endpoint did not come up"
}

stop_http_watcher() {
	kill -TERM "$HTTP_PID" 2>/dev/null || true
	set +e; wait "$HTTP_PID"; RC=$?; set -e
	expect_rc 0
}

# code METHOD PATH [curl args]: print the HTTP status code.
code() {
	local m=$1 p=$2
	shift 2
	curl -s -o /dev/null -w '%{http_code}' -X "$m" "$@" "$URL$p"
}

scenario "HTTP: a bare port binds 127.0.0.1 only"
start_http_watcher
# grep without -q: under pipefail, -q quitting early would fail the pipeline with ss's SIGPIPE
# when many sockets are listening (other suites on the machine).
ss -ltn | grep "127.0.0.1:$HTTP_PORT " >/dev/null || fail "not listening on 127.0.0.1:$HTTP_PORT"
if ss -ltn | grep -E "(0\.0\.0\.0|\*|\[::\]):$HTTP_PORT " >/dev/null; then fail "listening on a wildcard address"; fi
stop_http_watcher

scenario "HTTP: /metrics in the Prometheus text format, zone state up"
start_http_watcher
curl -s -D "$WORK/h" "$URL/metrics" >"$WORK/metrics"
grep -qi '^content-type: text/plain; version=0.0.4' "$WORK/h" || fail "content type: $(grep -i content-type "$WORK/h")"
grep -q '^tldwatch_zone_state{zone="kp",state="up"} 1$' "$WORK/metrics" || fail "no up state in /metrics"
grep -q '^tldwatch_rounds_total [1-9]' "$WORK/metrics" || fail "no rounds counted"
grep -q '^tldwatch_server_up{.*server="ns1.kptc.kp".*} 1$' "$WORK/metrics" || fail "ns1.kptc.kp not up"
if command -v promtool >/dev/null; then
	promtool check metrics <"$WORK/metrics" >"$WORK/promtool" 2>&1 || fail "promtool: $(cat "$WORK/promtool")"
	[ ! -s "$WORK/promtool" ] || fail "promtool: $(cat "$WORK/promtool")"
fi
stop_http_watcher

scenario "HTTP: the status page, /status.json and /events during an outage"
start_http_watcher
fault ns1.kptc.kp silent
fault ns2.kptc.kp silent
for ((i = 0; i < 60; i++)); do
	curl -s "$URL/status.json" | jq -e '.zones[0].state == "down"' >/dev/null 2>&1 && break
	sleep 0.1
done
curl -s "$URL/status.json" >"$OUT.status"
jq -e '.zones[0].state == "down" and .zones[0].in_outage == true' "$OUT.status" >/dev/null ||
    fail "/status.json: $(head -c 300 "$OUT.status")"
curl -s "$URL/" >"$WORK/page.html"
grep -q 'id="zone-kp"' "$WORK/page.html" || fail "no zone-kp section on the page"
grep -q 'state-down' "$WORK/page.html" || fail "the page does not show the zone down"
grep -qi '<script' "$WORK/page.html" && fail "the page has a script"
curl -s "$URL/events" | jq -e 'map(.event) | index("outage") != null' >/dev/null ||
    fail "/events has no outage: $(curl -s "$URL/events" | head -c 300)"
grep -q '^tldwatch_zone_state{zone="kp",state="down"} 1$' <(curl -s "$URL/metrics") ||
    fail "/metrics does not say down"
stop_http_watcher

# h75_get PATH: GET it into $WORK/h75.body, the status code into H75_CODE.
h75_get() {
	H75_CODE=$(curl -s -o "$WORK/h75.body" -w '%{http_code}' "$URL$1") || H75_CODE=000
}

# h75_jq PATH FILTER EXPECTED: GET PATH (200, application/json) and jq -r FILTER gives EXPECTED.
h75_jq() {
	local got ct
	ct=$(curl -s -o "$WORK/h75.body" -w '%{http_code} %{content_type}' "$URL$1") || ct=000
	[ "$ct" = "200 application/json" ] || { fail "GET $1: $ct"; return 0; }
	got=$(jq -r "$2" "$WORK/h75.body" 2>&1 | paste -sd' ' -)
	[ "$got" = "$3" ] || fail "GET $1: jq '$2' gave '$got', expected '$3'"
}

# h75_outage_is ONGOING: /outages lists kp's outage 1 with ongoing ONGOING (for wait_for).
h75_outage_is() {
	curl -s "$URL/outages?zone=kp" | jq -e ".[0].outage == 1 and .[0].ongoing == $1" >/dev/null
}

h75_last_is() {
	curl -s "$URL/history?zone=kp" | jq -e ".[-1].state == \"$1\"" >/dev/null
}

scenario "HTTP: /history and /outages during and after an outage; a bad time is 400, an unknown zone []"
start_http_watcher
before=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
sleep 0.3
h75_jq "/outages?zone=kp&from=$before" 'length' 0
fault ns1.kptc.kp,ns2.kptc.kp silent --next-burst
wait_for h75_outage_is true || fail "/outages never showed an ongoing outage: $(curl -s "$URL/outages" | head -c 300)"
# during: one ongoing outage; the timeline ends in a down period that still lasts
h75_jq "/outages?zone=kp&from=$before" '.[] | "\(.zone) \(.outage) \(.ongoing) \(.end)"' "kp 1 true null"
h75_jq "/outages?zone=kp&from=$before" ".[0].start > \"$before\"" true
h75_jq "/outages?zone=kp&until=$before" 'length' 0
h75_jq "/history?zone=kp&from=$before" '[.[].zone] | unique | join(",")' kp
h75_jq "/history?zone=kp&from=$before" '.[-1] | "\(.state) \(.end)"' "down null"
h75_jq "/history?from=$before&until=now" '.[0].state' up
heal all
wait_for h75_outage_is false || fail "/outages never showed the outage ended: $(curl -s "$URL/outages" | head -c 300)"
# (a heal that lands inside a round ends the outage on a degraded round, up follows)
wait_for h75_last_is up || fail "/history never came back up: $(curl -s "$URL/history?zone=kp" | head -c 300)"
# after: the outage has an end and a length; the timeline goes up, down, up, each period
# ending where the next begins
h75_jq "/outages?zone=kp&from=$before&until=now" \
    '.[] | "\(.zone) \(.outage) \(.ongoing) \(.end != null) \(.seconds > 0) \(.phases | map(.state) | index("down") != null)"' \
    "kp 1 false true true true"
cp "$WORK/h75.body" "$WORK/h75.outages"
h75_jq "/history?zone=kp&from=$before" \
    '[.[].state] | join(" ") | sub(" (degraded|partial)"; ""; "g")' "up down up"
h75_jq "/history?zone=kp&from=$before" \
    '[range(1; length) as $i | .[$i - 1].end == .[$i].start] | all' true
h75_jq "/history?zone=kp&from=$before" '.[-1].end' null
# a window after the outage: no outage in it
h75_jq "/outages?zone=kp&from=now" 'length' 0
# an unknown zone: an empty list, not an error
h75_jq "/history?zone=nope" 'length' 0
h75_jq "/outages?zone=nope" 'length' 0
for q in "/history?from=yesterday" "/outages?from=yesterday" "/history?until=soon" \
    "/outages?until=2014-13-45" "/history?from=7x"; do
	h75_get "$q"
	expect_equal "$H75_CODE" 400 "GET $q"
done
stop_http_watcher
# what HTTP served is what `tldwatch report` tells from the ledger
tw report --state "$WORK/http-state.db" --zone kp --outage 1 --format json
expect_rc 0
expect_equal "$(jq -S . "$OUT" 2>&1)" "$(jq -S '.[0]' "$WORK/h75.outages" 2>&1)" \
    "report --outage 1 against /outages[0]"

scenario "HTTP hygiene: 405 with Allow, 404, HEAD without a body, oversized requests refused"
start_http_watcher
[ "$(code POST /metrics --data x)" = 405 ] || fail "POST not refused with 405"
[ "$(code DELETE /)" = 405 ] || fail "DELETE not refused with 405"
curl -s -D - -o /dev/null -X PUT "$URL/" | grep -qi '^allow: GET, HEAD' || fail "405 without an Allow header"
[ "$(code GET /nope)" = 404 ] || fail "unknown path not 404"
[ "$(code GET /metrics/../etc/passwd --path-as-is)" = 404 ] || fail "a traversal path is not 404"
len=$(curl -s -I "$URL/" -o /dev/null -w '%{size_download}')
[ "$len" = 0 ] || fail "HEAD returned a body of $len bytes"
[ "$(code HEAD /)" = 200 ] || fail "HEAD / is not 200"
big=$(head -c 20000 /dev/zero | tr '\0' a)
c=$(code GET /metrics -H "X-Big: $big")
[ "$c" = 400 ] || [ "$c" = 413 ] || [ "$c" = 431 ] || fail "a 20 kB header got $c"
head -c 4000 /dev/zero | tr '\0' b >"$WORK/body"
c=$(code GET /metrics --data-binary @"$WORK/body")
[ "$c" = 413 ] || [ "$c" = 400 ] || [ "$c" = 405 ] || fail "a request body got $c"
stop_http_watcher

scenario "HTTP: silent clients do not block the endpoint or the rounds"
start_http_watcher
pids=()
for ((i = 0; i < 80; i++)); do
	# Connect and send nothing, like a slowloris.
	(exec 3<>"/dev/tcp/127.0.0.1/$HTTP_PORT"; sleep 4) 2>/dev/null &
	pids+=($!)
done
sleep 0.5
r1=$(ledger_rounds "$WORK/http-state.db")
sleep 1
r2=$(ledger_rounds "$WORK/http-state.db")
[ "$r2" -gt "$r1" ] || fail "rounds stopped while clients hung ($r1 -> $r2)"
kill "${pids[@]}" 2>/dev/null || true
wait "${pids[@]}" 2>/dev/null || true
[ "$(code GET /metrics --max-time 5)" = 200 ] || fail "the endpoint did not recover after the silent clients left"
stop_http_watcher

scenario "HTTP: a bad --listen is a usage error"
sed 's/timeout: 500ms/timeout: 50ms/' "$LAB_CFG" >"$WORK/http.yaml"
tw watch -f "$WORK/http.yaml" --listen 'nonsense:port' --rounds 1
expect_rc 3
expect_match 'listen' "$ERR"
