# shellcheck shell=bash
# accounts.sh -- for tests that touch the real system accounts (sourced; root only): the user
# and group tldwatch of contrib/systemd/tldwatch.sysusers, and the user nagios's membership in
# group tldwatch.  accounts_begin takes a machine-wide lock (two suites never change the
# accounts at once) and notes what exists; accounts_end puts back exactly that: what the test
# created is removed, nagios's membership is what it was.  Call accounts_end from the EXIT trap.

ACCOUNTS_LOCK=/run/tldwatch-test-accounts.lock
ACCOUNTS_SAVED=''
# What existed before: 1 or 0 each.
ACCOUNTS_HAD_USER=0
ACCOUNTS_HAD_GROUP=0
ACCOUNTS_HAD_MEMBER=0

# in_group USER GROUP: is USER a member of GROUP (by the group database)?
in_group() { id -nG "$1" 2>/dev/null | tr ' ' '\n' | grep -qx "$2"; }

# accounts_begin: wait (up to 10 min) for the lock, then note the accounts as they are.
accounts_begin() {
	exec {ACCOUNTS_FD}>>"$ACCOUNTS_LOCK" || return 1
	flock -w 600 "$ACCOUNTS_FD" || { echo "accounts: $ACCOUNTS_LOCK is held" >&2; return 1; }
	getent passwd tldwatch >/dev/null && ACCOUNTS_HAD_USER=1
	getent group tldwatch >/dev/null && ACCOUNTS_HAD_GROUP=1
	in_group nagios tldwatch && ACCOUNTS_HAD_MEMBER=1
	ACCOUNTS_SAVED=1
}

# accounts_end: put the accounts back as accounts_begin found them, then release the lock.
accounts_end() {
	[ -n "$ACCOUNTS_SAVED" ] || return 0
	ACCOUNTS_SAVED=''
	if [ "$ACCOUNTS_HAD_USER" = 0 ] && getent passwd tldwatch >/dev/null; then
		userdel tldwatch 2>/dev/null || echo "accounts: userdel tldwatch failed" >&2
	fi
	if [ "$ACCOUNTS_HAD_GROUP" = 0 ]; then
		if getent group tldwatch >/dev/null; then
			groupdel tldwatch || echo "accounts: groupdel tldwatch failed" >&2
		fi
	elif getent group tldwatch >/dev/null; then
		if [ "$ACCOUNTS_HAD_MEMBER" = 1 ] && ! in_group nagios tldwatch; then
			gpasswd -a nagios tldwatch >/dev/null
		elif [ "$ACCOUNTS_HAD_MEMBER" = 0 ] && in_group nagios tldwatch; then
			gpasswd -d nagios tldwatch >/dev/null
		fi
	fi
	exec {ACCOUNTS_FD}>&-
}
