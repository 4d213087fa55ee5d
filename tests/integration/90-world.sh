# 90-world.sh -- the world lab (bench/world/) as a test: a 150-TLD world on its own NSDs (port
# 41053, run dir in the test's work dir), a few TLDs given real faults, and the verdict of every
# TLD checked in one round; plus the load time of the full 1,500-zone config.  (Sourced by ./run.)

W90_DIR=$WORK/world90
W90_CTL=$ROOT/bench/world/worldctl
# 41053 unless taken (another suite running beside this one): then the next free of 41153 ...
w90_port_free() { [ -z "$(ss -Hlun "( sport = :$1 or sport = :$(($1 + 1)) )" 2>/dev/null)" ]; }
W90_PORT=${WORLD_TEST_PORT:-}
if [ -z "$W90_PORT" ]; then
	for W90_PORT in 41053 41153 41253 41353 41453 41553 41653 41753 41853 41953; do
		w90_port_free "$W90_PORT" && break
	done
fi

world90_stop() { "$W90_CTL" stop "$W90_DIR" >/dev/null 2>&1 || true; }
# Chain our stop in front of the runner's EXIT trap, and put the runner's back at the end.
W90_SAVED_TRAP=$(trap -p EXIT)
W90_PREV=""
if [ -n "$W90_SAVED_TRAP" ]; then
	eval "W90_ARGS=($W90_SAVED_TRAP)"
	W90_PREV=${W90_ARGS[2]}
fi
trap 'world90_stop; eval "$W90_PREV"' EXIT

# w90_addr NAME: the address of a world lab server (servers.txt: zone role name address group).
w90_addr() { awk -v n="$1" '$3 == n { print $4; exit }' "$W90_DIR/servers.txt"; }

# expect_zone ZONE STATE: the verdict of one TLD.
expect_zone() { expect_jq ".zones[] | select(.name==\"$1\") | .state" "$2"; }

# expect_wserver ZONE SERVER OUTCOME: the row of SERVER (a name) in ZONE's result.
expect_wserver() {
	expect_jq "[.zones[] | select(.name==\"$1\") | .servers[] | select(.name==\"$2\") | .outcome] | unique | join(\",\")" "$3"
}

scenario "world: 150 TLDs with faults; every verdict right in one round"
w90_ok=1
if ! "$ROOT/bench/world/gen-world" --zones 150 --port "$W90_PORT" --groups 2 --timeout 300ms \
    --attempts 2 "$W90_DIR" >"$ERR" 2>&1; then
	fail "gen-world failed"
	w90_ok=0
fi
if [ "$w90_ok" = 1 ]; then
	# t0004: 2 servers, one silent; t0007: 2 servers, both silent; t0011: 3 servers, all
	# refusing; t0013: 2 servers, one refusing; t0020: both child boxes silent (no key host
	# resolves); t0022: one child box refusing.  Every other TLD is healthy.
	{
		echo "$(w90_addr ns1.nic.t0004) silent"
		echo "$(w90_addr ns1.nic.t0007) silent"
		echo "$(w90_addr ns2.nic.t0007) silent"
		echo "$(w90_addr ns1.nic.t0011) refuse"
		echo "$(w90_addr ns2.nic.t0011) refuse"
		echo "$(w90_addr ns3.nic.t0011) refuse"
		echo "$(w90_addr ns2.nic.t0013) refuse"
		echo "$(w90_addr ns1.news.t0020) silent"
		echo "$(w90_addr ns2.news.t0020) silent"
		echo "$(w90_addr ns1.news.t0022) refuse"
	} >"$W90_DIR/faults"
	if ! "$W90_CTL" start "$W90_DIR" --faults "$W90_DIR/faults" >"$ERR" 2>&1; then
		fail "worldctl start failed"
		w90_ok=0
	fi
fi
if [ "$w90_ok" = 1 ]; then
	tw check -f "$W90_DIR/world.yaml" --format json
	expect_rc 2
	expect_jq '.state' down
	expect_jq '.zones | length' 150
	expect_jq '.deadline_hit' false
	# the healthy 144: up, every server answering, every key host resolved
	expect_jq '[.zones[] | select(.name as $n | ["t0004","t0007","t0011","t0013","t0020","t0022"] | index($n) | not) | .state] | unique | join(",")' up
	expect_jq '[.zones[] | select(.state=="up")] | length' 144
	expect_jq '[.zones[] | select(.state=="up") | .hosts[] | select(.resolved | not)] | length' 0
	expect_zone t0004 degraded
	expect_wserver t0004 ns1.nic.t0004 timeout
	expect_wserver t0004 ns2.nic.t0004 answer
	expect_zone t0007 down
	expect_wserver t0007 ns1.nic.t0007 timeout
	expect_jq '.zones[] | select(.name=="t0007") | .diagnosis | test("silent \\(timeouts\\) while the roots answer")' true
	expect_zone t0011 down
	expect_wserver t0011 ns3.nic.t0011 refused
	expect_jq '.zones[] | select(.name=="t0011") | .diagnosis | test("REFUSED")' true
	expect_zone t0013 degraded
	expect_wserver t0013 ns2.nic.t0013 refused
	expect_zone t0020 partial
	expect_jq '[.zones[] | select(.name=="t0020") | .hosts[] | "\(.resolved) \(.outcome)"] | unique | join(",")' "false timeout"
	expect_zone t0022 degraded
	expect_wserver t0022 ns1.news.t0022 refused
	expect_jq '[.zones[] | select(.name=="t0022") | .hosts[] | .resolved] | all' true
	# the faults cost one timeout x attempts (0.3 s x 2), not one per TLD or per query
	expect_jq '.elapsed_ms < 3000' true
	cp "$OUT" "$W90_DIR/full.json"
fi

scenario "world: with only 64 file descriptors the same round degrades gracefully, not into errors"
if [ "$w90_ok" = 1 ]; then
	set +e
	(ulimit -n 64 && exec "$TW" check -f "$W90_DIR/world.yaml" --format json) >"$OUT" 2>"$ERR"
	RC=$?
	set -e
	expect_rc 2
	[ ! -s "$ERR" ] || fail "stderr: $(head -3 "$ERR")"
	# The engine shrinks its channel pool to the limit: the same verdicts, only slower.
	a=$(jq -c '[.zones[] | {name, state}]' "$OUT")
	b=$(jq -c '[.zones[] | {name, state}]' "$W90_DIR/full.json")
	[ "$a" = "$b" ] || fail "verdicts under ulimit -n 64 differ from the unlimited run"
fi

scenario "world: zones end in any order, the report keeps the config's; text says the same"
if [ "$w90_ok" = 1 ]; then
	# 150 zones run 128 at a time and the faulted ones end last: the order is the config's
	expect_jq '[.zones[].name] == ([range(1; 151)] | map("t" + (tostring | ("000" + .)[-4:])))' \
	    true "$W90_DIR/full.json"
	tw check -f "$W90_DIR/world.yaml" --format text --color never
	expect_rc 2
	a=$(grep -E '^t[0-9]{4} \(World lab TLD [0-9]+\): ' "$OUT" | sed -E 's/ \(.*\): ([A-Z]+) - .*/ \1/' | tr 'A-Z' 'a-z')
	b=$(jq -r '.zones[] | "\(.name) \(.state)"' "$W90_DIR/full.json")
	[ "$a" = "$b" ] || fail "the text report's zones (names, order, states) differ from the json's"
fi

scenario "world: with no temporary file for the report, it waits in memory: the same report"
if [ "$w90_ok" = 1 ]; then
	TMPDIR=/nonexistent/tldwatch tw check -f "$W90_DIR/world.yaml" --format json
	expect_rc 2
	[ ! -s "$ERR" ] || fail "stderr: $(head -3 "$ERR")"
	a=$(jq -c '[.zones[] | {name, state, diagnosis, hosts: [.hosts[].resolved]}]' "$OUT")
	b=$(jq -c '[.zones[] | {name, state, diagnosis, hosts: [.hosts[].resolved]}]' \
	    "$W90_DIR/full.json")
	[ "$a" = "$b" ] || fail "the report kept in memory differs from the spooled one"
fi

scenario "world: a deadline mid-round: the zones already over keep their verdicts, the rest are unknown"
if [ "$w90_ok" = 1 ]; then
	# the silent servers' queries take 0.3 s x 2: at 450 ms their zones are still running,
	# the healthy ones (a few ms each) are over
	tw check -f "$W90_DIR/world.yaml" --format json -t 450ms
	expect_rc 3
	expect_jq '.state' unknown
	expect_jq '.deadline_hit' true
	expect_jq '.zones | length' 150
	expect_zone t0007 unknown
	expect_jq '.zones[] | select(.name=="t0007") | .diagnosis | test("ran out of time during")' true
	expect_jq '[.zones[] | select(.state=="unknown") | .diagnosis | test("ran out of time")] | all' true
	timed expect_zone t0001 up
	timed expect_zone t0011 down
	timed expect_jq '[.zones[] | select(.state=="up")] | length > 100' true
	tw check -f "$W90_DIR/world.yaml" --format nagios -t 450ms
	expect_rc 3
	expect_match '^TLDWATCH UNKNOWN - timeout after'
fi
world90_stop

scenario "world: the 1,500-zone config loads in under 1 s"
if "$ROOT/bench/world/gen-world" --zones 1500 --config-only "$W90_DIR/big" >"$ERR" 2>&1; then
	w90_t0=$(date +%s%N)
	tw config -f "$W90_DIR/big/world.yaml"
	w90_ms=$((($(date +%s%N) - w90_t0) / 1000000))
	expect_rc 0
	grep -q 'name: t1500' "$OUT" || fail "t1500 missing from the printed config"
	[ "$w90_ms" -lt 1000 ] || fail "loading 1,500 zones took $w90_ms ms"
else
	fail "gen-world --config-only failed"
fi

eval "${W90_SAVED_TRAP:-trap - EXIT}"
