# install.mk -- make install / uninstall (man pages, example config, systemd unit, contrib)
# and install-test, which installs into a temporary DESTDIR, checks the tree, uninstalls.
# The work is in mk/install.sh; what is installed where: docs/install.md.

PREFIX         ?= /usr/local
BINDIR         ?= $(PREFIX)/bin
PLUGINDIR      ?= $(PREFIX)/lib/nagios/plugins
MANDIR         ?= $(PREFIX)/share/man
DOCDIR         ?= $(PREFIX)/share/doc/tldwatch
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR    ?= $(PREFIX)/lib/sysusers.d
CONFFILE       ?= /etc/tldwatch.yaml
DESTDIR        ?=

# man-db and groff render and check the man pages; systemd-analyze verifies the unit,
# systemd-sysusers creates (or, in the tests, checks) the user tldwatch the unit runs as.
DEBS += man-db groff-base systemd

INSTALL_ENV = DESTDIR='$(DESTDIR)' BINDIR='$(BINDIR)' PLUGINDIR='$(PLUGINDIR)' \
              MANDIR='$(MANDIR)' DOCDIR='$(DOCDIR)' SYSTEMDUNITDIR='$(SYSTEMDUNITDIR)' \
              SYSUSERSDIR='$(SYSUSERSDIR)' CONFFILE='$(CONFFILE)'

.PHONY: install uninstall install-test
install: tldwatch
	@$(INSTALL_ENV) sh mk/install.sh install

uninstall:
	@$(INSTALL_ENV) sh mk/install.sh uninstall

install-test: tldwatch
	TLDWATCH_LOOPBACK_ONLY=1 TW_SANITIZE='$(SANITIZE)' tests/install/run

TEST_EXTRA += install-test
