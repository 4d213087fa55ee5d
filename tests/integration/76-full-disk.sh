# 76-full-disk.sh -- the ledger on a real full disk, then on a read-only file system: a 16 MiB
# tmpfs mounted for the test holds the state directory (mounting needs root, as CI runs; the
# test fails, never skips, when it cannot mount).  The watcher runs with -v -v (it says after
# each round whether the round is committed or waits for the ledger) and must report each
# failure once, keep the ledger readable and whole, keep logging events, and commit again as
# soon as it can, the rounds that waited in memory first: nothing committed is lost, no round
# is missing.  Full: one watcher throughout.  Read-only: the kernel will not remount a file
# system read-only under a file open for writing (EBUSY), so a second watcher starts on the
# read-only file system, which becomes writable again while it runs.

FD_DIR=$WORK/fulldisk
FD_DB=$FD_DIR/state.db
FD_ERR=$WORK/fulldisk-watch.err
FD_EV=$WORK/fulldisk-events.jsonl
FD_MOUNTED=0

fd_umount() {
	[ "$FD_MOUNTED" = 1 ] || return 0
	umount "$FD_DIR" 2>/dev/null || umount -l "$FD_DIR" 2>/dev/null || true
	FD_MOUNTED=0
}

# The harness's own EXIT trap (lab stop, work dir removal) runs after ours.
eval "FD_PREV_TRAP=( $(trap -p EXIT) )"
FD_PREV_EXIT=${FD_PREV_TRAP[2]:-}
trap 'fd_umount; '"$FD_PREV_EXIT" EXIT

# fd_status: the published kp state in the ledger, as status reads it ("" when it cannot).
fd_status() {
	"$TW" status --state "$FD_DB" --format json --max-age 60m 2>/dev/null |
	    jq -r '.zones[0].state' 2>/dev/null || true
}

# fd_says STATE: the ledger publishes STATE (for wait_for, which runs it again and again).
fd_says() { [ "$(fd_status)" = "$1" ]; }

# fd_written_again N: the watcher has said N times that it writes the ledger again.
fd_written_again() { [ "$(grep -c 'the ledger is written again' "$FD_ERR")" = "$1" ]; }

# fd_rounds WORD: the round numbers the watcher said "committed" or "waits for the ledger" of.
fd_rounds() {
	sed -n "s/^tldwatch: round \([0-9]*\) $1\( in [0-9.]* ms\)\{0,1\}\$/\1/p" "$FD_ERR" | sort -n | paste -sd' ' -
}

# fd_kept: the rounds in the ledger, in order.
fd_kept() { ledger_q "$FD_DB" 'SELECT id FROM rounds ORDER BY id' 2>&1 | paste -sd' ' -; }

# fd_missing WANT HAVE: the numbers of WANT not in HAVE (space-separated lists).
fd_missing() {
	awk -v w="$1" -v h="$2" 'BEGIN {
		n = split(h, a, " "); for (i = 1; i <= n; i++) k[a[i]] = 1
		n = split(w, b, " "); for (i = 1; i <= n; i++) if (!(b[i] in k)) printf "%s ", b[i]
	}'
}

# fd_only_ledger: the directory holds the ledger, its -wal and -shm (and the filler), nothing else.
fd_only_ledger() {
	local left
	left=$(find "$FD_DIR" -mindepth 1 ! -name state.db ! -name state.db-wal ! -name state.db-shm \
	    ! -name filler -printf '%f ')
	[ -z "$left" ] || fail "left behind in the state directory: $left"
}

# fd_intact WHEN: PRAGMA integrity_check is ok.
fd_intact() {
	local ic
	ic=$(ledger_q "$FD_DB" 'PRAGMA integrity_check' 2>&1 | head -3 | paste -sd' ' -)
	[ "$ic" = ok ] || fail "integrity_check $1: $ic"
}

scenario "full disk: reported once, nothing committed lost, the rounds that waited written when space returns"
mkdir -p "$FD_DIR"
# 16 MiB: room for the ledger and its WAL (SQLite checkpoints it at about 4 MB)
if ! mount -t tmpfs -o size=16m,mode=0700 tmpfs "$FD_DIR" 2>"$WORK/mount.err"; then
	fail "cannot mount a tmpfs for the full-disk test (run as root): $(cat "$WORK/mount.err")"
else
	FD_MOUNTED=1
	sed 's/timeout: 500ms/timeout: 100ms/' "$LAB_CFG" >"$WORK/fulldisk.yaml"
	printf 'watch:\n  interval: 250ms\n  fall: 1\n  rise: 1\n' >>"$WORK/fulldisk.yaml"
	rm -f "$FD_EV"
	"$TW" watch -v -v -f "$WORK/fulldisk.yaml" --state "$FD_DB" --events "$FD_EV" \
	    --rounds 400 >"$WORK/fulldisk-watch.out" 2>"$FD_ERR" &
	fd_pid=$!
	wait_for fd_says up || fail "the ledger never said up: '$(fd_status)'"

	# Fill the file system (dd stops at ENOSPC), then cause an outage.
	dd if=/dev/zero of="$FD_DIR/filler" bs=64k >/dev/null 2>&1 || true
	[ "$(df --output=avail -B1 "$FD_DIR" | tail -n 1 | tr -d ' ')" = 0 ] ||
	    fail "the tmpfs is not full: $(df -h "$FD_DIR" | tail -n 1)"
	# Both at once, between two rounds: a round that saw only one silent would be degraded.
	fault ns1.kptc.kp,ns2.kptc.kp silent --next-burst
	wait_for grep -q 'cannot write the ledger.*\(No space left on device\|disk is full\)' "$FD_ERR" ||
	    fail "no message about the full disk: $(grep -v '^tldwatch: round' "$FD_ERR" | head -3)"
	wait_for grep -q '"event":"outage"' "$FD_EV" ||
	    fail "no outage event while the disk was full"
	sleep 0.6     # two more rounds on the full disk: still one message, nothing left over
	full_kept=$(fd_kept)
	full_said=$(fd_rounds committed)
	expect_equal "$(fd_status)" up "the ledger's last committed state, while the disk is full"
	fd_intact "while the disk is full"
	fd_only_ledger
	lost=$(fd_missing "$full_said" "$full_kept")
	[ -z "$lost" ] || fail "rounds said committed, not in the ledger while the disk is full: $lost"
	waited=$(fd_rounds 'waits for the ledger')
	[ -n "$waited" ] || fail "no round waited for the ledger while the disk was full"

	# Room again: the next round writes the rounds that waited, then its own.
	rm -f "$FD_DIR/filler"
	wait_for fd_written_again 1 ||
	    fail "the ledger was not written again after space came back"
	wait_for fd_says down || fail "the ledger never said down: '$(fd_status)'"
	lost=$(fd_missing "$full_kept $waited" "$(fd_kept)")
	[ -z "$lost" ] || fail "rounds missing after space came back: $lost"
	echo "        full disk: $(echo "$waited" | wc -w) rounds waited in memory, all written after"

	stop_watcher "$fd_pid"
	expect_rc 0
	fd_intact "after the full disk"
	said=$(fd_rounds committed)
	kept=$(fd_kept)
	lost=$(fd_missing "$full_kept $said $waited" "$kept")
	[ -z "$lost" ] || fail "rounds missing at the end: $lost"
	# every round the watcher ran is in the ledger, each once: 1..N, N the last it said
	last=$(echo "$said $waited" | tr ' ' '\n' | sort -n | tail -n 1)
	expect_equal "$kept" "$(seq -s ' ' 1 "${last:-0}")" "the rounds in the ledger"
	expect_equal "$(ledger_meta "$FD_DB" rounds)" "${last:-0}" "meta rounds"
	expect_equal "$(grep -c 'cannot write the ledger' "$FD_ERR")" 1 \
	    "messages about the ledger (one per failure, not one per round)"
	expect_equal "$(grep -v '^tldwatch: round [0-9]' "$FD_ERR" |
	    grep -vc 'cannot write the ledger\|the ledger is written again')" 0 "other lines on stderr"
	# (a degraded may come first: a round already under way when the fault landed)
	expect_equal "$(jq -r '.event' "$FD_EV" | paste -sd' ' - | sed 's/^degraded //')" "outage" \
	    "events"
fi

# The kernel refuses to remount a file system read-only while a file on it is open for
# writing (EBUSY), and the watcher keeps its ledger open: so the watcher is restarted on the
# read-only file system, the outage ends while nothing can be written, and then the file
# system becomes writable again under the running watcher.
scenario "read-only file system: the watcher starts, says so once, and writes every round once it can"
if [ "$FD_MOUNTED" != 1 ]; then
	fail "no tmpfs (see the scenario above)"
elif ! mount -o remount,ro "$FD_DIR" 2>"$WORK/mount.err"; then
	fail "cannot remount the tmpfs read-only: $(cat "$WORK/mount.err")"
else
	ro_kept=$(fd_kept)
	: >"$FD_EV"
	"$TW" watch -v -v -f "$WORK/fulldisk.yaml" --state "$FD_DB" --events "$FD_EV" \
	    --rounds 400 >"$WORK/fulldisk-watch.out" 2>"$FD_ERR" &
	fd_pid=$!
	wait_for grep -q 'cannot write the ledger.*\([Rr]ead-only file system\|readonly database\)' "$FD_ERR" ||
	    fail "no message about the read-only file system: $(grep -v '^tldwatch: round' "$FD_ERR" | tail -3)"
	heal all
	wait_for grep -q '"event":"restored"' "$FD_EV" ||
	    fail "no restored event while the file system was read-only"
	expect_equal "$(fd_status)" down "the ledger's last committed state while read-only"
	expect_equal "$(fd_kept)" "$ro_kept" "the rounds in the ledger while read-only"
	waited=$(fd_rounds 'waits for the ledger')
	[ -n "$waited" ] || fail "no round waited for the ledger while read-only"
	mount -o remount,rw "$FD_DIR" || fail "cannot remount the tmpfs read-write"
	wait_for fd_written_again 1 || fail "the ledger was not written again after the remount"
	wait_for fd_says up || fail "the ledger never said up again: '$(fd_status)'"
	fd_only_ledger

	stop_watcher "$fd_pid"
	expect_rc 0
	fd_intact "at the end"
	waited=$(fd_rounds 'waits for the ledger')
	said=$(fd_rounds committed)
	lost=$(fd_missing "$ro_kept $said $waited" "$(fd_kept)")
	[ -z "$lost" ] || fail "rounds missing at the end: $lost"
	last=$(echo "$said $waited" | tr ' ' '\n' | sort -n | tail -n 1)
	expect_equal "$(fd_kept)" "$(seq -s ' ' 1 "${last:-0}")" "the rounds in the ledger"
	echo "        read-only: $(echo "$waited" | wc -w) rounds waited in memory, of ${last:-0}"
	expect_equal "$(grep -c 'cannot write the ledger' "$FD_ERR")" 1 \
	    "messages about the ledger (one per failure, not one per round)"
	expect_equal "$(grep -v '^tldwatch: round [0-9]' "$FD_ERR" |
	    grep -vc 'cannot write the ledger\|the ledger is written again')" 0 "other lines on stderr"
	# (a recovered may follow restored: a round with the healing still under way is degraded)
	expect_equal "$(jq -r '.event' "$FD_EV" | paste -sd' ' - | sed 's/ recovered$//')" \
	    "restored" "events"
	# the story from the ledger: the outage, ended in a round that waited in memory
	tw report --state "$FD_DB" --zone kp --format json
	expect_jq '.outage, .ongoing, (.phases | map(.state) | index("down") != null)' "1 false true"
fi
fd_umount
if [ -n "$FD_PREV_EXIT" ]; then
	# shellcheck disable=SC2064  # the harness's command, as it was set
	trap "$FD_PREV_EXIT" EXIT
else
	trap - EXIT
fi
