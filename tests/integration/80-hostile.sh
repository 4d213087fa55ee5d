# 80-hostile.sh -- tldwatch against servers that answer with crafted bytes (issue 6, part 1).
#
# build/hostile_server serves one misbehaviour per address 127.66.0.N (UDP and TCP, port
# HOSTILE_PORT, default 20553; `hostile_server --list`).  Each case pins one hostile server and
# the lab's healthy ns2.kptc.kp as the kp servers (no roots: nothing else joins the round), asks
# over UDP and TCP, and asserts: the exit code and state, the hostile rows' outcomes, the healthy
# rows and the key hosts untouched, the time taken (under `timeout`: no hang), no crash.
# HOSTILE_VALGRIND=1 (make hostile-valgrind) runs every tldwatch under valgrind memcheck.
# The results are tabled in docs/hostile.md.

HOSTILE_BIN=$ROOT/build/hostile_server
HOSTILE_PORT=${HOSTILE_PORT:-20553}
HOSTILE_PREFIX=127.66.0
HOSTILE_PID=""
HOSTILE_VG=${HOSTILE_VALGRIND:-}
H_TW=${HOSTILE_TW:-$TW}		# another build (e.g. a sanitizer one) may stand in for ./tldwatch
# The running lab's port: labctl records it in its run dir.
H_LAB_PORT=$(
	f=${LAB_RUN_DIR:-$ROOT/tests/lab/run}/lab.env
	PORT=${LAB_PORT:-10053}
	# shellcheck disable=SC1090
	[ -r "$f" ] && . "$f"
	echo "$PORT"
)
# A check has 2 attempts of 500 ms: a silent server costs about 1 s; 4 s (a loaded 2-CPU box
# included) means something hung.  Valgrind: 15 times that.
H_LIMIT_MS=4000
H_TIMEOUT=20
[ -z "$HOSTILE_VG" ] || H_TIMEOUT=180
H_RUNS=0
H_VG_BAD=0

# Expected outcome per mode of the hostile server's rows, UDP then TCP.  What c-ares 1.18.1
# does before tldwatch sees any byte decides many of them:
#  - it drops a reply shorter than 12 bytes, one whose ID is not pending, and one whose question
#    does not parse or differs from the query's (name compared case-insensitively, type, class):
#    the attempt ends at tldwatch's deadline, so the row is a timeout (short, cut, badid,
#    qname, qtype, qloop);
#  - its UDP socket is connect()ed: the kernel drops a reply from another address (othersrc);
#  - it passes everything else up raw (NOCHECKRESP), and tldwatch's walker and classifier
#    decide: QR=0, loops, pointers past the end, lying counts, huge RDLENGTH, names over 255
#    bytes and reserved label types are malformed;
#  - with IGNTC it hands a TC=1 UDP reply up as it is (truncated) and cuts a longer-than-512
#    UDP reply to 512 bytes, whose records then run past the end (udpbig: malformed);
#  - over TCP, a reset or an immediate close fails the query (ECONNREFUSED): unreachable.
# Modes that misbehave on one transport only answer soundly on the other.
# (*) tcpart: RFC 2181 s9 lets a TC=1 message end inside a record: with a sound header and
#     the question asked, classify.c calls it truncated, not malformed.
# (**) empty: older c-ares took a zero-length read on the UDP socket for an error and failed every
#     query on it (ECONNREFUSED: unreachable); Debian's 1.18.1 reads on, so the attempt times out.
# (***) late: the reply to attempt 1 comes during attempt 2; the engine has orphaned attempt 1 at
#     its deadline and drops what c-ares still delivers for it, so a server slower than the
#     timeout is a timeout (0 answered of 2 sent), never a late answer.
# (****) trail: wire.c walks the counted records and ignores what follows, as dig does (with a
#     warning).  Over TCP a lying length prefix thus makes a pipelined next message trailing junk.
h_expect() {
	case $1 in
	good) echo "answer answer" ;;          # the control
	short) echo "timeout timeout" ;;       # 3-byte reply: dropped (< 12 bytes)
	cut) echo "timeout timeout" ;;         # question cut short: dropped
	badid) echo "timeout timeout" ;;       # ID not pending: dropped
	qr0) echo "malformed malformed" ;;     # passes c-ares, QR=0 is no response
	qname) echo "timeout timeout" ;;       # question mismatch: dropped
	qtype) echo "timeout timeout" ;;       # question mismatch: dropped
	loop) echo "malformed malformed" ;;    # pointer back to its own label run
	ptrend) echo "malformed malformed" ;;  # pointer past the end
	counts) echo "malformed malformed" ;;  # more RRs claimed than present
	rdlen) echo "malformed malformed" ;;   # RDLENGTH 65535, 4 bytes there
	big) echo "truncated answer" ;;        # UDP TC=1; TCP 65525 bytes, 4091 RRs: all walked
	tc) echo "truncated truncated" ;;      # TC=1 forever: no other transport to retry on
	othersrc) echo "timeout answer" ;;     # UDP reply from .99: never reaches c-ares
	flood) echo "answer answer" ;;         # 10000 junk datagrams dropped, the answer counts
	slow) echo "answer timeout" ;;         # 1 byte per 100 ms: the deadline ends it
	tcpclose) echo "answer unreachable" ;; # accept + close: ECONNREFUSED
	tcpreset) echo "answer unreachable" ;; # accept + RST: ECONNREFUSED
	qcase) echo "answer answer" ;;         # 0x20 case in the question is still a match
	qloop) echo "timeout timeout" ;;       # question name loops: dropped by c-ares
	longname) echo "malformed malformed" ;; # owner of 321 bytes
	badlabel) echo "malformed malformed" ;; # label type 0x40
	tcpart) echo "truncated truncated" ;;  # TC=1, records cut short: truncated all the same (*)
	udpbig) echo "malformed answer" ;;     # cut to 512 bytes by c-ares over UDP; fine over TCP
	tcpzero) echo "answer unreachable" ;;  # a 0-length TCP message: c-ares drops the connection
	empty) echo "timeout answer" ;;        # 0-byte datagrams: 1.18.1 reads past them (**)
	late) echo "timeout timeout" ;;        # 600 ms: every reply after its deadline (***)
	tcpcut) echo "answer unreachable" ;;   # FIN inside a message: c-ares fails the connection
	trail) echo "answer answer" ;;         # bytes after the last record are ignored (****)
	*) echo "? ?" ;;
	esac
}

hostile_stop() {
	local rc=0
	[ -n "$HOSTILE_PID" ] || return 0
	kill -TERM "$HOSTILE_PID" 2>/dev/null || true
	wait "$HOSTILE_PID" 2>/dev/null || rc=$?
	HOSTILE_PID=""
	return "$rc"
}

# The harness's own EXIT trap (lab stop, work dir) still runs after ours.
eval "H_PREV_TRAP=( $(trap -p EXIT) )"
H_PREV_EXIT=${H_PREV_TRAP[2]:-}
trap 'hostile_stop || true; '"$H_PREV_EXIT" EXIT

# hostile_start: start the server; 0 once its pidfile (written when every socket is bound) is there.
hostile_start() {
	local _
	rm -f "$WORK/hostile.pid"
	"$HOSTILE_BIN" --port "$HOSTILE_PORT" --pidfile "$WORK/hostile.pid" -v \
	    2>"$WORK/hostile.log" &
	HOSTILE_PID=$!
	for _ in $(seq 100); do
		[ -s "$WORK/hostile.pid" ] && return 0
		kill -0 "$HOSTILE_PID" 2>/dev/null || break
		sleep 0.05
	done
	return 1
}

# h_config FILE ADDR_NUMBER...: kp served by those hostile servers (mode names from --list)
# and by the lab's ns2.kptc.kp unless H_NO_HEALTHY=1; the three key hosts; UDP and TCP;
# H_PROBE_TIMEOUT (500ms) per attempt.
h_config() {
	local f=$1 n
	shift
	{
		printf 'probe:\n  timeout: %s\n  attempts: 2\n  transports: [udp, tcp]\n' \
		    "${H_PROBE_TIMEOUT:-500ms}"
		printf '  port: %s\n' "$H_LAB_PORT"
		printf 'zones:\n  - name: kp\n    label: hostile servers\n    servers:\n'
		for n in "$@"; do
			printf '      - %s.hostile.kp=%s.%s:%s\n' "${H_MODE[$n]}" \
			    "$HOSTILE_PREFIX" "$n" "$HOSTILE_PORT"
		done
		[ "${H_NO_HEALTHY:-}" = 1 ] ||
			printf '      - ns2.kptc.kp=127.45.176.16:%s\n' "$H_LAB_PORT"
		printf '    hosts:\n'
		for n in kcna.kp rodong.rep.kp naenara.com.kp; do
			printf '      - name: %s\n        key: true\n' "$n"
		done
	} >"$f"
}

# htw ARGS...: ./tldwatch ARGS under timeout (and valgrind); sets OUT, ERR, RC and H_MS (wall
# time).  hcheck CONFIG: a JSON check of CONFIG.
htw() {
	local t0 t1 vglog
	H_RUNS=$((H_RUNS + 1))
	t0=$(date +%s%N)
	set +e
	if [ -n "$HOSTILE_VG" ]; then
		vglog=$WORK/valgrind.$H_RUNS.log
		timeout -k 5 "$H_TIMEOUT" valgrind -q --error-exitcode=9 --leak-check=full \
		    --log-file="$vglog" "$H_TW" "$@" >"$OUT" 2>"$ERR"
	else
		timeout -k 2 "$H_TIMEOUT" "$H_TW" "$@" >"$OUT" 2>"$ERR"
	fi
	RC=$?
	set -e
	t1=$(date +%s%N)
	H_MS=$(((t1 - t0) / 1000000))
	if [ -n "$HOSTILE_VG" ]; then
		if [ "$RC" = 9 ] || [ -s "$vglog" ]; then
			H_VG_BAD=$((H_VG_BAD + 1))
			fail "valgrind: $(grep -m1 -E 'SUMMARY|definitely|Invalid|uninit' "$vglog")"
		fi
	fi
}

hcheck() { htw check -f "$1" --format json -t 10; }

# h_sanity [LIMIT_MS]: no hang, no crash, nothing on stderr, finished in time.
h_sanity() {
	local limit=${1:-$H_LIMIT_MS}
	[ -z "$HOSTILE_VG" ] || limit=$((limit * 15))
	if [ "$RC" = 124 ] || [ "$RC" = 137 ]; then
		fail "tldwatch hung: killed by timeout after ${H_TIMEOUT}s"
	fi
	[ "$RC" -lt 4 ] || fail "exit code $RC: crashed or a sanitizer/valgrind fired"
	[ "$H_MS" -lt "$limit" ] || fail "took ${H_MS} ms, limit ${limit} ms"
	[ -s "$ERR" ] && fail "stderr: $(head -3 "$ERR")"
	return 0
}

# h_shrink: after a failure, keep the rows and hosts in $OUT, one line each, so the harness shows
# what matters in its 40 lines.
h_shrink() {
	[ "$SCEN_FAILED" = 1 ] || return 0
	if ! jq -e '.zones[0].servers[0].outcome' "$OUT" >/dev/null 2>&1; then
		head -40 "$OUT" >"$OUT.short" || true
		mv "$OUT.short" "$OUT"
		return 0
	fi
	jq -r '"state \(.state), exit \(.exit_code), \(.elapsed_ms) ms: \(.zones[0].diagnosis)",
	    (.zones[0].servers[] | "\(.name) \(.transport) \(.outcome) \(.answered)/\(.sent)"),
	    (.zones[0].hosts[] | "host \(.name) \(.resolved) \(.outcome)")' "$OUT" \
	    >"$OUT.short" 2>/dev/null || head -c 2000 "$OUT" >"$OUT.short" || true
	mv "$OUT.short" "$OUT"
}

# expect_hrow MODE TRANSPORT OUTCOME: the hostile row of MODE on TRANSPORT.
expect_hrow() {
	expect_jq "[.zones[0].servers[] | select(.name==\"$1.hostile.kp\" and
	    .transport==\"$2\") | .outcome] | join(\",\")" "$3"
}

# expect_healthy: ns2.kptc.kp answers on both transports and every key host resolves.
expect_healthy() {
	expect_server ns2.kptc.kp kp answer udp
	expect_server ns2.kptc.kp kp answer tcp
	expect_host kcna.kp "true answer"
	expect_host rodong.rep.kp "true answer"
	expect_host naenara.com.kp "true answer"
}

declare -A H_MODE=()
H_NUMS=()
H_RESULTS=$WORK/hostile-results.txt
: >"$H_RESULTS"
while read -r n name _addr _what; do
	H_MODE[$n]=$name
	H_NUMS+=("$n")
done < <("$HOSTILE_BIN" --list 2>/dev/null || true)

scenario "hostile server starts on $HOSTILE_PREFIX.1-${#H_NUMS[@]}:$HOSTILE_PORT"
H_UP=0
if [ ! -x "$HOSTILE_BIN" ] || [ ${#H_NUMS[@]} = 0 ]; then
	fail "$HOSTILE_BIN missing: make build/hostile_server"
elif ! hostile_start; then
	fail "hostile_server did not start: $(tail -3 "$WORK/hostile.log")"
else
	H_UP=1
fi

if [ "$H_UP" = 1 ]; then
	for n in "${H_NUMS[@]}"; do
		m=${H_MODE[$n]}
		read -r exp_udp exp_tcp <<<"$(h_expect "$m")"
		if [ "$exp_udp $exp_tcp" = "answer answer" ]; then
			exp_state=up exp_rc=0
		else
			exp_state=degraded exp_rc=1
		fi
		scenario "hostile $m: udp $exp_udp, tcp $exp_tcp, $exp_state; the rest unaffected"
		# flood: the junk takes this box 100-300 ms to send, give the answer room.
		if [ "$m" = flood ]; then t=2s; else t=500ms; fi
		H_PROBE_TIMEOUT=$t h_config "$WORK/hostile-$m.yaml" "$n"
		hcheck "$WORK/hostile-$m.yaml"
		h_sanity
		expect_jq '.deadline_hit' false
		expect_rc "$exp_rc"
		expect_state "$exp_state"
		expect_hrow "$m" udp "$exp_udp"
		expect_hrow "$m" tcp "$exp_tcp"
		expect_healthy
		printf '%s %s %s %s %s %s %s\n' "$n" "$m" \
		    "$(jq -r '[.zones[0].servers[] | select(.name | endswith(".hostile.kp")) |
		    .outcome] | join("/")' "$OUT" 2>/dev/null)" \
		    "$(jq -r .state "$OUT" 2>/dev/null)" "$RC" "$H_MS" \
		    "$(jq -r '.elapsed_ms | floor' "$OUT" 2>/dev/null)" >>"$H_RESULTS"
		h_shrink
	done

	scenario "all hostile servers in one round with a healthy one: rows as alone, hosts resolve"
	h_config "$WORK/hostile-all.yaml" "${H_NUMS[@]}"
	hcheck "$WORK/hostile-all.yaml"
	h_sanity
	expect_jq '.deadline_hit' false
	expect_rc 1
	expect_state degraded
	for n in "${H_NUMS[@]}"; do
		m=${H_MODE[$n]}
		read -r exp_udp exp_tcp <<<"$(h_expect "$m")"
		expect_hrow "$m" udp "$exp_udp"
		expect_hrow "$m" tcp "$exp_tcp"
	done
	expect_healthy
	printf 'all - - %s %s %s %s\n' "$(jq -r .state "$OUT" 2>/dev/null)" "$RC" "$H_MS" \
	    "$(jq -r '.elapsed_ms | floor' "$OUT" 2>/dev/null)" >>"$H_RESULTS"
	h_shrink

	scenario "all hostile servers: the text and nagios outputs render the same round"
	htw check -f "$WORK/hostile-all.yaml" --format text --color never -t 10
	h_sanity
	expect_rc 1
	expect_match '^DEGRADED - kp degraded'
	expect_match 'tcpart\.hostile\.kp +127\.66\.0\.23:[0-9]+ +tcp +truncated'
	htw check -f "$WORK/hostile-all.yaml" --format nagios -t 10
	h_sanity
	expect_rc 1
	expect_match '^TLDWATCH WARNING - kp degraded'
	printf 'formats - - - %s %s -\n' "$RC" "$H_MS" >>"$H_RESULTS"
	[ "$(head -1 "$OUT" | tr -cd '|' | wc -c)" = 1 ] || fail "nagios line 1 needs exactly one |"
	h_shrink

	# One engine for every round: orphaned attempts, slowloris and reset connections, floods
	# and their late answers must not leak into the next round.
	scenario "watch: 3 rounds against all hostile servers on one engine, state published"
	printf 'watch:\n  interval: 1200ms\n  fall: 1\n' | cat "$WORK/hostile-all.yaml" - \
	    >"$WORK/hostile-watch.yaml"
	rm -f "$WORK"/hostile.db* "$WORK/hostile.events"
	htw watch -f "$WORK/hostile-watch.yaml" --rounds 3 --state "$WORK/hostile.db" \
	    --events "$WORK/hostile.events"
	h_sanity 8000
	expect_rc 0
	printf 'watch - - - %s %s -\n' "$RC" "$H_MS" >>"$H_RESULTS"
	expect_match '"event":"degraded"' "$WORK/hostile.events"
	htw status --state "$WORK/hostile.db" --format json --max-age 60m
	expect_jq '.rounds, .zones[0].state' "3 degraded"
	# loss over the rounds: none at the healthy and the control, all at a silent one
	for n in ns2.kptc.kp:0 good.hostile.kp:0 badid.hostile.kp:1 tcpreset.hostile.kp:0,1; do
		expect_jq "[.zones[0].servers[] | select(.name==\"${n%:*}\") | .loss] | unique |
		    join(\",\")" "${n#*:}"
	done
	h_shrink

	# Only servers that never give a useful answer: nothing resolves, and it still ends in time.
	H_BAD=()
	for n in "${H_NUMS[@]}"; do
		case $(h_expect "${H_MODE[$n]}") in *answer*) ;; *) H_BAD+=("$n") ;; esac
	done
	scenario "only the ${#H_BAD[@]} hostile servers that never answer usefully: down, in time"
	H_NO_HEALTHY=1 h_config "$WORK/hostile-none.yaml" "${H_BAD[@]}"
	hcheck "$WORK/hostile-none.yaml"
	h_sanity
	expect_jq '.deadline_hit' false
	expect_rc 2
	expect_state down
	expect_jq '[.zones[0].hosts[] | .resolved] | unique | join(",")' false
	expect_jq '.zones[0].auth_answering' 0
	printf 'none - - %s %s %s %s\n' "$(jq -r .state "$OUT" 2>/dev/null)" "$RC" "$H_MS" \
	    "$(jq -r '.elapsed_ms | floor' "$OUT" 2>/dev/null)" >>"$H_RESULTS"
	h_shrink

	# ---- Names from DNS: what a server calls itself reaches every output escaped ----
	# The server's names tree (127.66.1.x, `hostile_server --help`): a root referring kp to 11
	# servers, each called by one hostile byte string, which refer rep.kp (with glue), com.kp
	# (glueless, names under evil.kp that kp's servers resolve) and kcna.kp (glueless names
	# inside kcna.kp: never found) to servers called by the same strings.  Expected
	# presentation, by hand from RFC 1035 s5.1: letters lower-cased, every byte outside
	# [a-z0-9-_*] as \DDD.
	HN_NAMES=(
		'\034q\034\039sq\039'                             # "q"'sq'
		'\124pipe\124perf\0611\0592'                      # |pipe|perf=1;2
		'\060script\062alert\0401\041\060\047script\062'  # <script>alert(1)</script>
		'cr\013\010lf'                                    # CR LF
		'\027\09131mred\007'                              # ESC [31m BEL
		'bad\255\254utf8\195'                             # invalid UTF-8
		'back\092slash'
		'dot\046inside'                                   # a '.' inside the label
		'nul\000byte'
		'rlo\226\128\174\038amp\059'                      # U+202E, &amp;
		'sp\032ace\036\040id\041\096id\096'               # SP ace$(id)`id`
	)
	HN_HTTP_PORT=${HOSTILE_HTTP_PORT:-$((HOSTILE_PORT + 8000))}
	HN_URL=http://127.0.0.1:$HN_HTTP_PORT
	HN_CFG=$WORK/names.yaml
	{
		printf 'probe:\n  timeout: 500ms\n  attempts: 2\n  transports: [udp, tcp]\n'
		printf '  port: %s\nroots:\n  - names-root.hostile=127.66.1.1:%s\n' \
		    "$HOSTILE_PORT" "$HOSTILE_PORT"
		printf 'zones:\n  - name: kp\n    label: names from DNS\n    hosts:\n'
		for n in kcna.kp rodong.rep.kp naenara.com.kp; do
			printf '      - name: %s\n        key: true\n' "$n"
		done
		printf 'watch:\n  interval: 300ms\n  fall: 1\n  rise: 1\n'
	} >"$HN_CFG"
	# hn_list SUFFIX: the expected server names under SUFFIX, sorted.
	hn_list() { printf '%s\n' "${HN_NAMES[@]/%/.$1}" | LC_ALL=C sort; }
	# hn_present WHAT FILE [DOUBLE]: every expected name of the kp servers is in FILE (with
	# each backslash doubled when DOUBLE=1: JSON strings and metric labels).
	hn_present() {
		local n
		for n in "${HN_NAMES[@]}"; do
			[ "${3:-0}" = 1 ] && n=${n//\\/\\\\}
			grep -aqF -- "$n.kp" "$2" || { fail "$1: no server $n.kp"; return 0; }
		done
	}
	# hn_no_raw WHAT FILE: none of the strings as the server sent them.
	hn_no_raw() {
		local s
		expect_clean_text "$1" "$2"
		for s in '<script' '|pipe|' '"q"' '$(id)' '`id`' 'dot.inside' '&amp;'; do
			if grep -aqF -- "$s" "$2"; then fail "$1: the raw '$s' reached it"; fi
		done
	}

	scenario "names from DNS: a tree of servers called by hostile bytes, every row and host as served"
	hcheck "$HN_CFG"
	h_sanity
	expect_jq '.deadline_hit' false
	expect_rc 2
	expect_state partial
	expect_jq '.zones[0].servers | length' 66
	# one root, asked over UDP and TCP: one control
	expect_jq '.zones[0].controls | "\(.answered)/\(.total)"' 1/1
	expect_jq '[.zones[0].servers[] | .outcome] | unique | join(",")' answer
	for zs in kp:kp rep.kp:rep.kp com.kp:evil.kp; do
		got=$(jq -r --arg z "${zs%%:*}" '.zones[0].servers[] |
		    select(.zone == $z and .transport == "udp") | .name' "$OUT" | LC_ALL=C sort) ||
		    true    # not JSON: the assertion below says so, the run goes on
		[ "$got" = "$(hn_list "${zs#*:}")" ] ||
		    fail "the ${zs%%:*} servers are not named as served: $(printf '%s' "$got" | head -c 300)"
	done
	expect_host rodong.rep.kp "true answer"
	# Resolves only if each glueless name was asked for byte for byte (the engine once let
	# c-ares read \DDD as three digits: every such lookup came back malformed).
	expect_host naenara.com.kp "true answer"
	expect_jq '.zones[0].hosts[] | select(.name=="naenara.com.kp") | .addresses | join(",")' \
	    127.66.1.251
	expect_host kcna.kp "false referral"
	want=$(printf '%s.kcna.kp, ' "${HN_NAMES[@]}")
	want="no address found for the kcna.kp servers: ${want%, }"
	expect_jq '.zones[0].hosts[] | select(.name=="kcna.kp") | .detail' "$want"
	hn_no_raw "check json" "$OUT"
	hn_present "check json" "$OUT" 1
	h_shrink

	# The zone servers .10+i also tell hostile instance identities (hostile_server.c evil_ids,
	# by i mod 6): NSID and hostname.bind alike.  Expected: their presentation form (printable
	# ASCII as sent, a backslash doubled, every other byte \DDD), written by hand.
	HN_IDS=(
		'\027]0;owned\007<img src=x onerror=alert(2)>'   # a terminal title, HTML
		"nsid|perf=1 'sq' \"dq\" back\\\\slash"            # Nagios' |, quotes, a backslash
		'\013\010X-Injected: 1\009\127'                   # CR LF, a tab, DEL
		'bad\255\254\195 utf8 \226\128\174rlo'          # invalid UTF-8, U+202E
		'nul\000byte'
		"$(python3 -c 'import sys; sys.stdout.write("".join(chr(b) if 32 <= b < 127 and b != 92 else "\\\\" if b == 92 else "\\%03d" % b for b in [b for b in range(1, 256) if b != 38] + [1]))')"  # 255 bytes but &
	)
	# hn_ids_ok WHAT FILE: FILE (check JSON) has every kp zone row's nsid and identity as
	# expected for its address.
	hn_ids_ok() {
		local addr nsid id want n=0
		while IFS=$'\t' read -r addr nsid id; do
			want=${HN_IDS[$(((${addr##*.} - 10) % 6))]}
			[ "$nsid" = "$want" ] && [ "$id" = "$want" ] ||
			    fail "$1: $addr: nsid '$nsid' identity '$id', expected '$want'"
			n=$((n + 1))
		done < <(jq -r '.zones[0].servers[] | select(.zone == "kp") |
		    [.address, .nsid, .identity] | @tsv' "$2" 2>/dev/null | sed 's/\\\\/\\/g')
		[ "$n" = 22 ] || fail "$1: $n kp rows with an identity, expected 22 (11 servers x 2)"
	}

	scenario "names from DNS: hostile NSIDs and identities in check json, text -v, nagios -v"
	hcheck "$HN_CFG"
	h_sanity
	expect_rc 2
	hn_ids_ok "check json" "$OUT"
	expect_jq '[.zones[0].servers[] | select(.zone == "kp") | .edns] | unique | join(",")' true
	hn_no_raw "check json" "$OUT"
	htw check -f "$HN_CFG" --format text --color never -v -t 10
	h_sanity
	hn_no_raw "check text -v" "$OUT"
	for n in 0 2 3 4; do
		grep -aqF -- "nsid ${HN_IDS[$n]}" "$OUT" || fail "check text -v: no nsid ${HN_IDS[$n]}"
	done
	if grep -aqF '<img' "$OUT"; then :; else fail "check text -v: the NSID with <img is not shown"; fi
	htw check -f "$HN_CFG" --format nagios -v -t 10
	h_sanity
	hn_no_raw "check nagios -v" "$OUT"
	expect_nagios_pipes "check nagios -v" "$OUT"
	# Nagios' | becomes /, the rest as in the presentation form
	grep -aqF -- "nsid=nsid/perf=1 'sq'" "$OUT" || fail "check nagios -v: the | NSID not as nsid/perf"
	grep -aqF -- 'id=\013\010X-Injected: 1\009\127' "$OUT" ||
	    fail "check nagios -v: the CR LF identity not escaped"
	h_shrink

	scenario "names from DNS: check text (plain, colour, -v -v) and nagios show them escaped"
	htw check -f "$HN_CFG" --format text --color never -t 10
	h_sanity
	expect_rc 2
	hn_no_raw "check text" "$OUT"
	hn_present "check text" "$OUT"
	htw check -f "$HN_CFG" --format text --color always -v -v -t 10
	h_sanity
	sed 's/\x1b\[[0-9;]*m//g' "$OUT" >"$WORK/names-color.txt"
	hn_no_raw "check --color always -v -v (our SGR removed)" "$WORK/names-color.txt"
	hn_present "check --color always -v -v" "$WORK/names-color.txt"
	htw check -f "$HN_CFG" --format nagios -t 10
	h_sanity
	expect_rc 2
	expect_match '^TLDWATCH CRITICAL - '
	hn_no_raw "check nagios" "$OUT"
	expect_nagios_pipes "check nagios" "$OUT"
	grep -aqF 'servers: \034q\034\039sq\039.kcna.kp' "$OUT" ||
	    fail "check nagios: the kcna.kp diagnosis does not name its servers"

	# hn_recall_safe WHAT FILE FORMAT: a history or report output is valid UTF-8 with no
	# control character but LF (and CR only as a CSV line end, before LF); none of the strings
	# as the server sent them; JSON parses; CSV parses as RFC 4180, every row with the header's
	# number of columns (python3's csv module, strict).
	hn_recall_safe() {
		local why
		# (CSV's CRLF line ends are checked below, by python)
		sed 's/\r$//' "$2" >"$2.lf"
		hn_no_raw "$1" "$2.lf"
		why=$(python3 - "$2" "$3" <<'PY' 2>&1
import csv, io, sys, unicodedata
path, fmt = sys.argv[1], sys.argv[2]
data = open(path, 'rb').read()
try:
    text = data.decode('utf-8', errors='strict')
except UnicodeDecodeError as e:
    sys.exit('not UTF-8: %s' % e)
for i, c in enumerate(text):
    if c == '\n':
        continue
    if c == '\r' and fmt == 'csv' and text[i + 1:i + 2] == '\n':
        continue
    if unicodedata.category(c) == 'Cc' or c in '\u2028\u2029\u202a\u202b\u202c\u202d\u202e':
        sys.exit('control character U+%04X at offset %d' % (ord(c), i))
if fmt == 'csv':
    if not text.endswith('\r\n'):
        sys.exit('the last CSV line does not end with CRLF')
    rows = list(csv.reader(io.StringIO(text, newline=''), strict=True))
    if len(rows) < 2:
        sys.exit('no rows under the header: %r' % rows)
    bad = [n for n, r in enumerate(rows) if len(r) != len(rows[0])]
    if bad:
        sys.exit('rows %s have not the header\'s %d columns' % (bad[:5], len(rows[0])))
PY
		) || fail "$1: $why"
		if [ "$3" = json ]; then
			jq -e . "$2" >/dev/null 2>&1 || fail "$1: the JSON does not parse"
		fi
	}

	scenario "names from DNS: watch events, ledger, status, /metrics, the page, /status.json"
	rm -f "$WORK"/names.db* "$WORK/names.events"
	hn_cmd=("$H_TW" watch -f "$HN_CFG" --state "$WORK/names.db" --events \
	    "$WORK/names.events" --listen "$HN_HTTP_PORT" --rounds 200)
	[ -z "$HOSTILE_VG" ] || hn_cmd=(valgrind -q --error-exitcode=9 --leak-check=full \
	    --log-file="$WORK/names-watch.vg" "${hn_cmd[@]}")
	"${hn_cmd[@]}" >"$WORK/names-watch.out" 2>"$WORK/names-watch.err" &
	hn_pid=$!
	watcher_snapshot "$HN_URL" "$WORK/names-http" "$WORK/names.db" "$WORK/names.events"
	# three rounds at least: the hourly rollups (history --summary) count a round's state
	# until the next round
	hn_rounds3() { [ "$(ledger_rounds "$WORK/names.db")" -ge 3 ]; }
	wait_for hn_rounds3 || fail "fewer than 3 rounds in the ledger after 10 s"
	stop_watcher "$hn_pid"
	expect_rc 0
	if [ -n "$HOSTILE_VG" ] && [ -s "$WORK/names-watch.vg" ]; then
		H_VG_BAD=$((H_VG_BAD + 1))
		fail "valgrind (watch): $(grep -m1 -E 'SUMMARY|definitely|Invalid|uninit' \
		    "$WORK/names-watch.vg")"
	fi
	[ -s "$WORK/names-watch.err" ] && fail "watch stderr: $(head -3 "$WORK/names-watch.err")"
	hn_no_raw "/metrics" "$WORK/names-http.metrics"
	hn_present "/metrics" "$WORK/names-http.metrics" 1
	promtool check metrics <"$WORK/names-http.metrics" >"$WORK/names-promtool" 2>&1 ||
	    fail "promtool check metrics: $(head -3 "$WORK/names-promtool")"
	hn_no_raw "status page" "$WORK/names-http.html"
	hn_present "status page" "$WORK/names-http.html"
	# the hostile identities: on /metrics as instance_info labels, on the page on hover
	[ "$(grep -c '^tldwatch_server_instance_info{zone="kp",served="kp",' \
	    "$WORK/names-http.metrics")" = 22 ] || fail "/metrics: not 22 kp instance_info series"
	grep -aqF 'nsid="\\027]0;owned\\007<img src=x onerror=alert(2)>",identity="\\027]0;owned' \
	    "$WORK/names-http.metrics" || fail "/metrics: the escaped identity label is missing"
	if grep -aqF '<img' "$WORK/names-http.html"; then fail "status page: a raw <img"; fi
	grep -aqF 'title="nsid \027]0;owned\007&lt;img src=x onerror=alert(2)&gt;, identity' \
	    "$WORK/names-http.html" || fail "status page: no escaped identity on hover"
	for f in names-http.status.json names-http.events names.events; do
		hn_no_raw "$f" "$WORK/$f"
		jq -e . "$WORK/$f" >/dev/null 2>&1 || fail "$f does not parse as JSON (lines)"
	done
	hn_present "/status.json" "$WORK/names-http.status.json" 1
	# the ledger keeps the names as presented (RFC 1035 escapes), as every output shows them
	ledger_q "$WORK/names.db" "SELECT DISTINCT name FROM servers WHERE served = 'kp'" \
	    >"$WORK/names.db.servers" 2>&1 || true
	expect_equal "$(LC_ALL=C sort "$WORK/names.db.servers")" "$(hn_list kp)" \
	    "the kp servers in the ledger"
	hn_no_raw "the ledger's server names" "$WORK/names.db.servers"
	grep -aqF 'servers: \\034q\\034\\039sq\\039.kcna.kp' "$WORK/names.events" ||
	    fail "the event log's diagnosis does not name the kcna.kp servers"
	for fmt in text json nagios; do
		htw status --state "$WORK/names.db" --max-age 60m --format "$fmt"
		h_sanity
		hn_no_raw "status $fmt" "$OUT"
		case $fmt in
		text) hn_present "status text" "$OUT" ;;
		json) hn_present "status json" "$OUT" 1 ;;
		nagios) expect_nagios_pipes "status nagios" "$OUT" ;;
		esac
	done
	h_shrink

	# The watcher published kp partial (kcna.kp's servers have no address): an outage whose
	# diagnoses name the 11 hostile kcna.kp servers.  history and report carry them out in
	# text, JSON and CSV, escaped and whole.
	scenario "names from DNS: history and report in text, JSON and CSV: UTF-8, no control byte, RFC 4180"
	for cmd in "history" "history --summary" "report" "report --outage 1"; do
		for fmt in text json csv; do
			# shellcheck disable=SC2086  # the command's words
			htw $cmd --state "$WORK/names.db" --zone kp --format "$fmt"
			h_sanity
			expect_rc 0
			cp "$OUT" "$WORK/names-recall.$fmt"
			hn_recall_safe "$cmd --format $fmt" "$OUT" "$fmt"
		done
		case $cmd in
		history | report*)
			# the diagnosis names the kcna.kp servers, escaped, in every format
			grep -aqF 'servers: \034q\034\039sq\039.kcna.kp' "$WORK/names-recall.text" ||
			    fail "$cmd text: the diagnosis does not name the kcna.kp servers"
			grep -aqF 'servers: \\034q\\034\\039sq\\039.kcna.kp' "$WORK/names-recall.json" ||
			    fail "$cmd json: the diagnosis does not name the kcna.kp servers"
			grep -aqF 'servers: \034q\034\039sq\039.kcna.kp' "$WORK/names-recall.csv" ||
			    fail "$cmd csv: the diagnosis does not name the kcna.kp servers"
			# and CSV gives the diagnosis back whole, as JSON does
			python3 - "$WORK/names-recall.csv" "$WORK/names-recall.json" <<'PY' ||
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8'), strict=True))
doc = json.load(open(sys.argv[2], encoding='utf-8'))
items = doc if isinstance(doc, list) else doc.get('phases', [])
want = sorted({d['diagnosis'] for d in items if d.get('diagnosis')})
got = sorted({r['diagnosis'] for r in rows if r.get('diagnosis')})
missing = [w for w in want if w not in got]
if not want or missing:
    sys.exit('diagnoses in JSON not in CSV: %r' % missing[:2])
PY
			    fail "$cmd: the CSV's diagnoses differ from the JSON's"
			;;
		esac
	done
	tw report --state "$WORK/names.db" --zone kp --format json
	expect_jq '.outage, (.hosts | map(select(.name == "kcna.kp")) | .[0].back)' "1 null"

	scenario "hostile server stops cleanly (SIGTERM, exit 0: no sanitizer report)"
	hostile_stop || fail "hostile_server exited $?: $(tail -3 "$WORK/hostile.log")"
	if [ -n "$HOSTILE_VG" ]; then
		echo "hostile: valgrind: $H_RUNS runs, $H_VG_BAD with errors or leaks"
	fi
	# Keep the measured table where a person (or docs/hostile.md) can find it.
	if [ -n "${HOSTILE_RESULTS:-}" ]; then
		cp "$H_RESULTS" "$HOSTILE_RESULTS"
	fi
fi

hostile_stop || true
if [ -n "$H_PREV_EXIT" ]; then
	# shellcheck disable=SC2064  # the harness's command, as it was set
	trap "$H_PREV_EXIT" EXIT
else
	trap - EXIT
fi
