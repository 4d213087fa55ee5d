# hardening.mk -- the rest of issue 6 (docs/hardening.md): allocation-failure injection in
# config loading, the integration checks under valgrind, wall-clock jumps, safe output.
#
#   make config-alloc           (in `make test`) build/test_config_alloc: every allocation of a
#                               config load fails once; NULL + error each time, no leak
#   make hardening-scenarios    72-clock.sh, 74-safe-output.sh and 76-full-disk.sh alone, on lab
#                               ports of their own (about 20 s; `make integration` runs them
#                               with the rest; 76 mounts a tmpfs, so it needs root)
#   make integration-valgrind   scenarios 10 20 30 35 40 50 with every `tw` run under valgrind
#                               memcheck; fails on any error or leak (about 70 s; not in
#                               `make test`, run by .ci/run)
#
# Ports: 36053/36153 (lab), 36253 (HTTP) for the scenarios; 36353/36453 for valgrind, so both
# can run beside `make test` (10053/10153) and beside each other.

CONFIG_ALLOC_BIN := $(B)/test_config_alloc
HARD_WRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup
HARD_VALGRIND := valgrind --error-exitcode=9 --leak-check=full \
                 --errors-for-leak-kinds=definite,indirect --quiet

DEBS += faketime valgrind bsdutils

TEST_EXTRA += config-alloc

# The generic test_% rule has no --wrap; this one is more specific and wins.  `make unit`
# leaves it to config-alloc so it runs once per `make test`.
UNIT_BIN := $(filter-out $(CONFIG_ALLOC_BIN),$(UNIT_BIN))

.PHONY: config-alloc hardening-scenarios integration-valgrind

$(CONFIG_ALLOC_BIN): tests/unit/test_config_alloc.c $(B)/libtldwatch.a $(STAMP)
	@echo "CC  $<"
	@$(CC) $(CFLAGS) $(PKG_CFLAGS) -Itests/unit -DTW_SOURCE_DIR='"$(CURDIR)"' $(DEPFLAGS) \
	    $(LDFLAGS) $(HARD_WRAP) -o $@ $< $(B)/libtldwatch.a $(PKG_LIBS) $(CMOCKA_LIBS) -lm

config-alloc: $(CONFIG_ALLOC_BIN)
	TLDWATCH_LOOPBACK_ONLY=1 ./$(CONFIG_ALLOC_BIN)

hardening-scenarios: all
	@dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && \
	    TLDWATCH_LOOPBACK_ONLY=1 LAB_PORT=36053 LAB_BACKEND_PORT=36153 LAB_RUN_DIR=$$dir \
	    HARD_HTTP_PORT=36253 tests/integration/run 72- 74- 76-

# TW_SLOW=1: the few assertions on elapsed time and RTT are skipped (listed in docs/hardening.md).
integration-valgrind: all
	@command -v valgrind >/dev/null || \
	    { echo "integration-valgrind: valgrind is missing (make deps)" >&2; exit 1; }
	@dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && \
	    TLDWATCH_LOOPBACK_ONLY=1 LAB_PORT=36353 LAB_BACKEND_PORT=36453 LAB_RUN_DIR=$$dir \
	    TW_SLOW=1 TW_WRAPPER="$(HARD_VALGRIND)" \
	    tests/integration/run 10- 20- 30- 35- 40- 50-
