# hostile.mk -- the hostile-server suite (issue 6, part 1): build/hostile_server, a DNS server
# on 127.66.0.N that answers with crafted bytes, and the targets that run
# tests/integration/80-hostile.sh on a lab of their own (docs/hostile.md).
#
#   make hostile            the hostile scenarios alone, own lab ports (about 40 s)
#   make hostile-valgrind   the same with every tldwatch run under valgrind memcheck
#
# `make test` runs 80-hostile.sh with the rest of the integration suite; this file only
# makes sure the server is built first.

HOSTILE_BIN := $(B)/hostile_server

.PHONY: hostile hostile-valgrind

all: $(HOSTILE_BIN)
integration: $(HOSTILE_BIN)

$(HOSTILE_BIN): tests/hostile/hostile_server.c $(STAMP) | $(B)
	@echo "CC  $<"
	@$(CC) $(CFLAGS) $(PKG_CFLAGS) $(DEPFLAGS) $(LDFLAGS) -o $@ $< \
	    $(shell pkg-config --libs libevent)

# Own lab ports, run dir and hostile port, so these can run beside `make test`.
hostile: all
	@dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && \
	    TLDWATCH_LOOPBACK_ONLY=1 LAB_PORT=20653 LAB_BACKEND_PORT=20753 LAB_RUN_DIR=$$dir \
	    HOSTILE_PORT=20853 tests/integration/run 80-hostile

hostile-valgrind: all
	@command -v valgrind >/dev/null || \
	    { echo "hostile-valgrind: valgrind is missing (make deps)" >&2; exit 1; }
	@dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && \
	    TLDWATCH_LOOPBACK_ONLY=1 LAB_PORT=20953 LAB_BACKEND_PORT=21053 LAB_RUN_DIR=$$dir \
	    HOSTILE_PORT=21153 HOSTILE_VALGRIND=1 tests/integration/run 80-hostile

DEBS += valgrind
