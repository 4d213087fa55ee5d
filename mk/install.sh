#!/bin/sh
# install.sh -- `make install` and `make uninstall` for tldwatch (called from mk/install.mk).
# Install records every file and every directory it had to create in DOCDIR/install-manifest;
# uninstall removes exactly those files, then those directories that are empty.
# Installing for real (DESTDIR empty) as root also creates the system user and group tldwatch
# (systemd-sysusers on the installed SYSUSERSDIR/tldwatch.conf) and adds the user nagios, if
# there is one, to group tldwatch; uninstall leaves users and group memberships alone.
#
# usage: mk/install.sh install|uninstall   (from the repository root; settings in the
#        environment: DESTDIR BINDIR PLUGINDIR MANDIR DOCDIR SYSTEMDUNITDIR SYSUSERSDIR
#        CONFFILE)
set -eu

die() { echo "install.sh: $*" >&2; exit 1; }

: "${DESTDIR=}"
for v in BINDIR PLUGINDIR MANDIR DOCDIR SYSTEMDUNITDIR SYSUSERSDIR CONFFILE; do
	eval "val=\${$v-}"
	[ -n "$val" ] || die "$v is not set"
	case $val in
	/*) ;;
	*) die "$v must be an absolute path, got '$val'" ;;
	esac
	case $val in
	*[[:space:]]*) die "$v must not contain white space, got '$val'" ;;
	esac
done
MANIFEST=$DOCDIR/install-manifest

# The directories install fills; only these and their ancestors are ever created or removed.
# DOCDIR first: it holds the record, which is written even when install fails half way.
DIRS="$DOCDIR $BINDIR $PLUGINDIR $MANDIR/man1 $MANDIR/man5 $SYSTEMDUNITDIR $SYSUSERSDIR"

# ours PATH: is PATH (without DESTDIR) inside one of the directories install fills?
ours() {
	for d in $DIRS; do
		case $1 in
		"$d"/*) return 0 ;;
		esac
	done
	return 1
}

# plain PATH: no "." or ".." component, no empty one (a record is never trusted blindly).
plain() {
	case $1 in
	*/../* | */.. | */./* | */. | *//*) return 1 ;;
	esac
	return 0
}

# ancestor PATH: is PATH one of those directories or an ancestor of one?
ancestor() {
	for d in $DIRS; do
		case $d/ in
		"$1"/*) return 0 ;;
		esac
	done
	return 1
}

# mkdirs DIR: create DIR under DESTDIR component by component, noting those that were missing.
mkdirs() {
	p=
	IFS=/
	set -f
	for c in $1; do
		[ -n "$c" ] || continue
		p=$p/$c
		if [ ! -d "$DESTDIR$p" ]; then
			mkdir -m 755 "$DESTDIR$p"
			echo "d $p" >>"$TMPM"
		fi
	done
	unset IFS
	set +f
}

# put MODE SRC DST: install a regular file (DST without DESTDIR).
put() {
	install -m "$1" "$2" "$DESTDIR$3"
	echo "f $3" >>"$TMPM"
}

# link TARGET DST: a symbolic link (DST without DESTDIR).
link() {
	ln -sfn "$1" "$DESTDIR$2"
	echo "l $2" >>"$TMPM"
}

# accounts FILE: installing for real as root, create the system user and group tldwatch that
# the unit runs as (systemd-sysusers FILE), and put the user nagios, which runs the checks of
# Debian's Nagios 4 and Icinga 2, in group tldwatch so that `tldwatch status` can read the
# watcher's state.  A staged install (DESTDIR) touches no system account.
accounts() {
	[ -z "$DESTDIR" ] || return 0
	if [ "$(id -u)" != 0 ]; then
		echo "not root: no system user tldwatch created (as root: systemd-sysusers $1)"
		return 0
	fi
	if ! command -v systemd-sysusers >/dev/null 2>&1; then
		echo "no systemd-sysusers: create the user and group tldwatch as $1 says"
		return 0
	fi
	systemd-sysusers "$1" || die "systemd-sysusers $1 failed"
	getent group tldwatch >/dev/null || die "systemd-sysusers $1 created no group tldwatch"
	id nagios >/dev/null 2>&1 || return 0
	if id -nG nagios | tr ' ' '\n' | grep -qx tldwatch; then
		echo "user nagios is in group tldwatch: its checks can read the watcher's state"
	else
		gpasswd -a nagios tldwatch >/dev/null || die "cannot add nagios to group tldwatch"
		echo "added user nagios to group tldwatch (restart a running Nagios or Icinga 2)"
	fi
}

# save_record: write the manifest, also after a failure half way, so uninstall can clean up.
save_record() {
	[ -d "$DESTDIR$DOCDIR" ] || return 0
	LC_ALL=C sort -u "$TMPM" >"$DESTDIR$MANIFEST.tmp" &&
	    chmod 644 "$DESTDIR$MANIFEST.tmp" &&
	    mv -f "$DESTDIR$MANIFEST.tmp" "$DESTDIR$MANIFEST"
}

do_install() {
	[ -x tldwatch ] || die "./tldwatch is not built (run make first)"
	[ -z "$DESTDIR" ] || [ -d "$DESTDIR" ] || mkdir -p "$DESTDIR"
	TMPM=$(mktemp)
	TMPF=$(mktemp)
	trap 'save_record; rm -f "$TMPM" "$TMPF"' EXIT
	# A previous install's record is kept: what it created is still ours to remove.
	if [ -f "$DESTDIR$MANIFEST" ]; then
		grep -E '^[dfl] /' "$DESTDIR$MANIFEST" >>"$TMPM" || true
	fi
	for d in $DIRS; do
		mkdirs "$d"
	done

	put 755 tldwatch "$BINDIR/tldwatch"
	link tldwatch "$BINDIR/check_tldwatch"
	# Relative, so the link survives DESTDIR staging and a moved prefix.
	rel=$(realpath -s -m --relative-to="$PLUGINDIR" "$BINDIR/tldwatch")
	link "$rel" "$PLUGINDIR/check_tldwatch"

	put 644 man/tldwatch.1 "$MANDIR/man1/tldwatch.1"
	put 644 man/tldwatch.yaml.5 "$MANDIR/man5/tldwatch.yaml.5"

	# The example is the embedded default, as this very binary prints it.
	TLDWATCH_LOOPBACK_ONLY=1 ./tldwatch config >"$TMPF" || die "./tldwatch config failed"
	put 644 "$TMPF" "$DOCDIR/tldwatch.yaml.example"

	sed -e "s|^ExecStart=/usr/local/bin/tldwatch |ExecStart=$BINDIR/tldwatch |" \
	    -e "s|/etc/tldwatch\.yaml|$CONFFILE|g" \
	    contrib/systemd/tldwatch.service >"$TMPF"
	if ! grep -q "^ExecStart=$BINDIR/tldwatch watch " "$TMPF" ||
	    ! grep -q " -f $CONFFILE\$" "$TMPF"; then
		die "contrib/systemd/tldwatch.service: ExecStart not in the expected form"
	fi
	put 644 "$TMPF" "$SYSTEMDUNITDIR/tldwatch.service"
	# sysusers.d wants the .conf suffix.
	put 644 contrib/systemd/tldwatch.sysusers "$SYSUSERSDIR/tldwatch.conf"

	# Whatever contrib/ holds now, as documentation; executables stay executable.
	find contrib -type f ! -name '.*' ! -name '*~' | LC_ALL=C sort | while read -r f; do
		case $f in
		*[[:space:]]*) die "contrib file name with white space: '$f'" ;;
		esac
		mkdirs "$DOCDIR/$(dirname "$f")"
		if [ -x "$f" ]; then mode=755; else mode=644; fi
		put $mode "$f" "$DOCDIR/$f"
	done

	accounts "$SYSUSERSDIR/tldwatch.conf"
	echo "installed tldwatch into ${DESTDIR:-/} (record: $DESTDIR$MANIFEST)"
}

do_uninstall() {
	TMPM=$(mktemp)
	trap 'rm -f "$TMPM"' EXIT
	if [ -f "$DESTDIR$MANIFEST" ]; then
		cp "$DESTDIR$MANIFEST" "$TMPM"
	else
		# No record (deleted by hand): the fixed files and tldwatch's own directories.
		echo "install.sh: no $DESTDIR$MANIFEST; removing the files tldwatch installs" >&2
		{
			for f in "$BINDIR/tldwatch" "$MANDIR/man1/tldwatch.1" \
			    "$MANDIR/man5/tldwatch.yaml.5" "$DOCDIR/tldwatch.yaml.example" \
			    "$SYSTEMDUNITDIR/tldwatch.service" "$SYSUSERSDIR/tldwatch.conf"; do
				echo "f $f"
			done
			echo "l $BINDIR/check_tldwatch"
			echo "l $PLUGINDIR/check_tldwatch"
		} >>"$TMPM"
		if [ -d "$DESTDIR$DOCDIR/contrib" ]; then
			(cd "$DESTDIR$DOCDIR" && find contrib -type f) | while read -r f; do
				echo "f $DOCDIR/$f"
			done >>"$TMPM"
			(cd "$DESTDIR$DOCDIR" && find contrib -type d) | while read -r d; do
				echo "d $DOCDIR/$d"
			done >>"$TMPM"
		fi
		echo "d $DOCDIR" >>"$TMPM"
	fi
	while read -r kind path; do
		case $kind in
		f | l) ;;
		*) continue ;;
		esac
		if ! { plain "$path" && ours "$path"; }; then
			echo "install.sh: skipping $path: not ours" >&2
			continue
		fi
		if [ -L "$DESTDIR$path" ] || [ -f "$DESTDIR$path" ]; then
			rm -f "$DESTDIR$path"
		fi
	done <"$TMPM"
	rm -f "$DESTDIR$MANIFEST"
	# Deepest first: in C order a directory sorts before everything below it.
	grep '^d /' "$TMPM" | LC_ALL=C sort -r -u | while read -r kind path; do
		if ! { plain "$path" && { ours "$path" || ancestor "$path"; }; }; then
			echo "install.sh: skipping $path: not ours" >&2
			continue
		fi
		[ -d "$DESTDIR$path" ] || continue
		rmdir "$DESTDIR$path" 2>/dev/null || echo "install.sh: kept $path: not empty" >&2
	done
	if [ -z "$DESTDIR" ] && getent passwd tldwatch >/dev/null 2>&1; then
		echo "kept user and group tldwatch (remove: userdel tldwatch; groupdel tldwatch)"
	fi
	echo "uninstalled tldwatch from ${DESTDIR:-/}"
}

case ${1-} in
install) do_install ;;
uninstall) do_uninstall ;;
*) die "usage: mk/install.sh install|uninstall" ;;
esac
