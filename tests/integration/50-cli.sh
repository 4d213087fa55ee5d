# 50-cli.sh -- deadlines, thresholds, zone selection, usage and config errors, loopback policy.

scenario "-t deadline during host resolution: UNKNOWN naming the stage"
fault ns1.kptc.kp silent
fault ns2.kptc.kp silent
tw check -f "$LAB_CFG" --format nagios -t 300ms
expect_rc 3
expect_match '^TLDWATCH UNKNOWN - .*host resolution \(kcna\.kp'

scenario "--timeout-result critical: an expired -t gives CRITICAL, still naming the stage"
fault ns1.kptc.kp silent
fault ns2.kptc.kp silent
tw check -f "$LAB_CFG" --format nagios -t 300ms --timeout-result critical
expect_rc 2
expect_match '^TLDWATCH CRITICAL - timeout after .*host resolution'
tw check -f "$LAB_CFG" --format nagios -t 300ms --timeout-result 1
expect_rc 1
expect_match '^TLDWATCH WARNING - timeout after'
tw check -f "$LAB_CFG" --format nagios -t 300ms --timeout-result sometimes
expect_rc 3
expect_match 'timeout-result' "$ERR"

scenario "-t deadline in json: state unknown, deadline_hit and stage"
fault ns1.kptc.kp silent
fault ns2.kptc.kp silent
check -t 300ms
expect_rc 3
expect_state unknown
expect_jq '.deadline_hit' true
expect_jq '.deadline_stage | test("host resolution")' true

scenario "nagios -c on answering servers: one kp server down gives CRITICAL with -c 2:"
fault ns1.kptc.kp down
tw check -f "$LAB_CFG" --format nagios -w 2: -c 2:
expect_rc 2
expect_match '^TLDWATCH CRITICAL - '
expect_match "kp_auth_answering'?=1;2;2;0;2"

scenario "nagios -w only: WARNING"
fault ns1.kptc.kp down
tw check -f "$LAB_CFG" --format nagios -w 2: -c 1:
expect_rc 1
expect_match '^TLDWATCH WARNING - '

scenario "nagios @ range: alert inside"
tw check -f "$LAB_CFG" --format nagios -c @2:2
expect_rc 2
expect_match '^TLDWATCH CRITICAL - '

scenario "--zone selects a zone; an unknown zone is a usage error"
tw check -f "$LAB_CFG" --zone kp --format json
expect_rc 0
tw check -f "$LAB_CFG" --zone xx
expect_rc 3
expect_match 'xx' "$ERR"

scenario "bad options and values: exit 3 with a message naming them"
for args in "--bogus" "-w 5:1" "-c abc" "--format xml" "-t soon" "-t" "frobnicate"; do
	# shellcheck disable=SC2086
	tw check -f "$LAB_CFG" $args
	[ "$RC" = 3 ] || fail "'$args' gave exit $RC, expected 3"
	[ -s "$ERR" ] || fail "'$args' printed no error"
done
tw frobnicate
expect_rc 3

scenario "durations take h and d; a value outside an option's range names the range"
tw check -f "$LAB_CFG" --format nagios -t 1d
expect_rc 0
tw check -f "$LAB_CFG" -t 2d
expect_rc 3
expect_match 'timeout "2d": out of range \(1ms\.\.24h\)' "$ERR"
tw watch -f "$LAB_CFG" --interval 25h --rounds 1
expect_rc 3
expect_match 'interval "25h": out of range \(10ms\.\.24h\)' "$ERR"
tw status --state "$WORK/no-such-ledger.db" --max-age 2h
expect_rc 3
expect_no_match 'max-age' "$ERR"
expect_match 'no ledger' "$OUT"

scenario "config errors: FILE:LINE:COL: message, exit 3"
printf 'probe:\n  timeout: fast\nzones:\n  - name: kp\n' >"$WORK/bad1.yaml"
tw check -f "$WORK/bad1.yaml"
expect_rc 3
expect_match "bad1.yaml:2:12: .*timeout" "$ERR"
printf 'zones:\n  - name: kp\n    sever: x\n' >"$WORK/bad2.yaml"
tw check -f "$WORK/bad2.yaml"
expect_rc 3
expect_match 'bad2.yaml:3:5: .*sever' "$ERR"
printf 'zones: [\n' >"$WORK/bad3.yaml"
tw check -f "$WORK/bad3.yaml"
expect_rc 3
expect_match 'bad3.yaml:[0-9]+:[0-9]+: ' "$ERR"
tw check -f "$WORK/does-not-exist.yaml"
expect_rc 3
expect_match 'does-not-exist.yaml' "$ERR"

scenario "tldwatch config prints a config that loads again"
tw config -f "$LAB_CFG"
expect_rc 0
cp "$OUT" "$WORK/printed.yaml"
tw config -f "$WORK/printed.yaml"
expect_rc 0
cmp -s "$OUT" "$WORK/printed.yaml" || fail "printing the printed config changed it"

scenario "embedded default: printable, and refused under TLDWATCH_LOOPBACK_ONLY"
tw config
expect_rc 0
expect_match 'ns1\.kptc\.kp=175\.45\.176\.15'
expect_match 'kcna\.kp'
tw check
expect_rc 3
expect_match 'LOOPBACK_ONLY' "$ERR"
[ ! -s "$OUT" ] || fail "check printed a result although it refused to run"

scenario "--help and --version"
tw --help
expect_rc 0
expect_match 'check +ask'
tw --version
expect_rc 0
expect_match '^tldwatch [0-9]'
set +e; "$ROOT/check_tldwatch" --help >"$OUT" 2>"$ERR"; RC=$?; set -e
expect_rc 3

scenario "TLDWATCH_LOOPBACK_ONLY: a server learnt from a referral outside loopback is never asked"
cat >"$WORK/xx.yaml" <<YAML
probe: { timeout: 300ms, attempts: 1, port: $LAB_DNS_PORT }
roots: [ a.root-servers.net=127.41.0.4:$LAB_DNS_PORT ]
zones:
  - name: xx
    hosts: [ { name: www.xx, key: true } ]
YAML
if command -v strace >/dev/null; then
	set +e
	# LeakSanitizer cannot run under ptrace: a sanitizer build skips only its leak check here.
	ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=connect,sendto,sendmsg -o "$WORK/xx.strace" \
	    "$TW" check -f "$WORK/xx.yaml" --format json >"$OUT" 2>"$ERR"
	RC=$?
	set -e
	expect_rc 2
	expect_state down
	expect_jq '.zones[0].servers[] | "\(.name) \(.address) \(.outcome) \(.sent)"' "ns.nic.xx 0.0.0.0 blocked 0"
	expect_host www.xx "false blocked"
	grep -q '127.41.0.4' "$WORK/xx.strace" || fail "strace saw no query to the root at all"
	if grep -E 'connect|send' "$WORK/xx.strace" | grep -q '0\.0\.0\.0'; then
		fail "a packet was sent to 0.0.0.0"
	fi
else
	fail "strace is missing (make deps)"
fi
