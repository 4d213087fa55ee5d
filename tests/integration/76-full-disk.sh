# 76-full-disk.sh -- the state file on a real full disk, then on a read-only file system: a
# 1 MiB tmpfs mounted for the test holds the state directory (mounting needs root, as CI runs;
# the test fails, never skips, when it cannot mount).  One watcher runs through all of it and
# must report each failure once, keep the last good state file whole, leave no temporary file
# behind, keep logging events, and write the state again as soon as it can.

FD_DIR=$WORK/fulldisk
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

# fd_status: the published kp state in the state file ("" when it does not load).
fd_status() {
	"$TW" status --state "$FD_DIR/state.json" --format json --max-age 60m 2>/dev/null |
	    jq -r '.zones[0].state' 2>/dev/null || true
}

# fd_says STATE: the state file publishes STATE (for wait_for, which runs it again and again).
fd_says() { [ "$(fd_status)" = "$1" ]; }

# fd_written_again N: the watcher has said N times that it writes the state file again.
fd_written_again() { [ "$(grep -c 'the state file is written again' "$FD_ERR")" = "$1" ]; }

# fd_only_state: the directory holds the state file (and the filler), no temporary file.
fd_only_state() {
	local left
	left=$(find "$FD_DIR" -mindepth 1 ! -name state.json ! -name filler -printf '%f ')
	[ -z "$left" ] || fail "left behind in the state directory: $left"
}

scenario "full disk, then read-only: reported once each, state kept whole, written again after"
mkdir -p "$FD_DIR"
if ! mount -t tmpfs -o size=1m,mode=0700 tmpfs "$FD_DIR" 2>"$WORK/mount.err"; then
	fail "cannot mount a tmpfs for the full-disk test (run as root): $(cat "$WORK/mount.err")"
else
	FD_MOUNTED=1
	sed 's/timeout: 500ms/timeout: 100ms/' "$LAB_CFG" >"$WORK/fulldisk.yaml"
	printf 'watch:\n  interval: 250ms\n  fall: 1\n  rise: 1\n' >>"$WORK/fulldisk.yaml"
	rm -f "$FD_EV"
	"$TW" watch -f "$WORK/fulldisk.yaml" --state "$FD_DIR/state.json" --events "$FD_EV" \
	    --rounds 400 >"$WORK/fulldisk-watch.out" 2>"$FD_ERR" &
	fd_pid=$!
	wait_for test -s "$FD_DIR/state.json" || fail "no state file after 10 s"
	wait_for fd_says up || fail "the state file never said up: '$(fd_status)'"

	# Fill the file system (dd stops at ENOSPC), then cause an outage.
	dd if=/dev/zero of="$FD_DIR/filler" bs=64k >/dev/null 2>&1 || true
	[ "$(df --output=avail -B1 "$FD_DIR" | tail -n 1 | tr -d ' ')" = 0 ] ||
	    fail "the tmpfs is not full: $(df -h "$FD_DIR" | tail -n 1)"
	# Both at once, between two rounds: a round that saw only one silent would be degraded.
	fault ns1.kptc.kp,ns2.kptc.kp silent --next-burst
	wait_for grep -q 'cannot write the state file.*No space left on device' "$FD_ERR" ||
	    fail "no message about the full disk: $(head -3 "$FD_ERR")"
	wait_for grep -q '"event":"outage"' "$FD_EV" ||
	    fail "no outage event while the disk was full"
	sleep 0.6     # two more rounds on the full disk: still one message, nothing left over
	expect_equal "$(fd_status)" up "the last good state file, whole, while the disk is full"
	fd_only_state

	# Room again: the next round writes the state.
	rm -f "$FD_DIR/filler"
	wait_for fd_written_again 1 ||
	    fail "the state file was not written again after space came back"
	wait_for fd_says down || fail "the state file never said down: '$(fd_status)'"

	# Read-only: the outage ends while nothing can be written.
	mount -o remount,ro "$FD_DIR" || fail "cannot remount the tmpfs read-only"
	heal all
	wait_for grep -q 'cannot write the state file.*Read-only file system' "$FD_ERR" ||
	    fail "no message about the read-only file system: $(tail -3 "$FD_ERR")"
	wait_for grep -q '"event":"restored"' "$FD_EV" ||
	    fail "no restored event while the file system was read-only"
	expect_equal "$(fd_status)" down "the last good state file while read-only"
	mount -o remount,rw "$FD_DIR" || fail "cannot remount the tmpfs read-write"
	wait_for fd_written_again 2 || fail "the state file was not written again after the remount"
	wait_for fd_says up || fail "the state file never said up again: '$(fd_status)'"
	fd_only_state

	stop_watcher "$fd_pid"
	expect_rc 0
	expect_equal "$(grep -c 'cannot write the state file' "$FD_ERR")" 2 \
	    "messages about the state file (one per failure, not one per round)"
	expect_equal "$(grep -vc 'cannot write the state file\|the state file is written again' \
	    "$FD_ERR")" 0 "other lines on stderr"
	# (a recovered may follow restored: a round with the healing still under way is degraded)
	expect_equal "$(jq -r '.event' "$FD_EV" | paste -sd' ' - | sed 's/ recovered$//')" \
	    "outage restored" "events"
fi
fd_umount
if [ -n "$FD_PREV_EXIT" ]; then
	# shellcheck disable=SC2064  # the harness's command, as it was set
	trap "$FD_PREV_EXIT" EXIT
else
	trap - EXIT
fi
