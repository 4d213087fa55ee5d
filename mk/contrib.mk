# mk/contrib.mk -- the monitoring integration files in contrib/ tested with the real programs
# of Debian 12: Icinga 2 and Nagios 4 validate and schedule check_tldwatch against a lab of
# their own; promtool checks and unit-tests the Prometheus rules, and a real Prometheus
# scrapes two watchers.  Each suite takes 20 to 30 s and runs in `make test`.
#
#   make contrib-test       tests/contrib/monitoring (icinga2, nagios4); as root: it runs the
#                           watcher as the unit's user tldwatch and the checks as nagios
#                           (lab ports: MONITORING_LAB_PORT, MONITORING_LAB_BACKEND_PORT)
#   make prometheus-test    tests/contrib/prometheus (promtool, prometheus)
#
# nagios4-core, not nagios4: the core alone (no CGI, Apache or PHP).  mailutils satisfies
# nagios4-common's mailx dependency without pulling in an MTA daemon (bsd-mailx would bring
# exim4).  The packages start no service here (policy-rc.d); contrib-daemons stops any that
# a package did start elsewhere, so that no stray core or Prometheus runs beside the tests.

DEBS += icinga2 nagios4-core mailutils prometheus curl jq

TEST_EXTRA += contrib-test prometheus-test

.PHONY: contrib-test prometheus-test contrib-daemons

contrib-daemons:
	@for s in icinga2 nagios4 prometheus; do \
	    if [ -x /etc/init.d/$$s ] && /etc/init.d/$$s status >/dev/null 2>&1; then \
	        echo "contrib: stopping the $$s service started by its package"; \
	        service $$s stop || exit 1; \
	    fi; \
	done

contrib-test: tldwatch check_tldwatch $(LAB_BIN) contrib-daemons
	TLDWATCH_LOOPBACK_ONLY=1 tests/contrib/monitoring

prometheus-test: tldwatch $(LAB_BIN) contrib-daemons
	TLDWATCH_LOOPBACK_ONLY=1 tests/contrib/prometheus
