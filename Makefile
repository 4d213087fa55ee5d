# tldwatch -- plain Makefile; libraries through pkg-config.
#
#   make            build ./tldwatch (and the check_tldwatch symlink)
#   make deps       install the Debian 12 packages (as root; prints the line otherwise)
#   make demo       deps, build, start the lab, check the lab's .kp, stop the lab
#   make test       deps, build, unit and integration tests
#   make SANITIZE=address,undefined test

VERSION   := 0.1.0
CC        ?= cc
PKGS      := libcares libevent yaml-0.1 jansson sqlite3
DEBS      := build-essential pkg-config libc-ares-dev libevent-dev libyaml-dev libsqlite3-dev sqlite3 \
             libjansson-dev libcmocka-dev nsd dnsutils jq iproute2 procps strace curl

WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wmissing-declarations -Wpointer-arith -Wcast-qual -Wwrite-strings \
             -Wformat=2 -Wundef -Wvla -Wnull-dereference -Wdouble-promotion \
             -Wsign-compare -Wno-unused-parameter
CSTD      := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
OPT       ?= -O2 -g
VERSION_DEF := -DTW_VERSION='"$(VERSION)"'
CFLAGS    += $(CSTD) $(OPT) $(WARN) -Iinclude $(VERSION_DEF)
ifdef SANITIZE
CFLAGS    += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS   += -fsanitize=$(SANITIZE)
endif

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)

B         := build
# Generated header dependencies: every compile writes $@.d (included at the end), so an
# object or binary is rebuilt when a header it includes changes, and only then.
DEPFLAGS   = -MMD -MP -MF $@.d -MT $@
# The flags stamp: what a build is made with, one line per variable.  Every object and
# binary depends on it; it is rewritten only when its text changes, so `make SANITIZE=...`
# then `make` (or `make CC=clang`) rebuilds everything instead of mixing objects.  mk/*.mk
# files add the variables their own rules compile with.
STAMP     := $(B)/flags.stamp
STAMP_VARS := CC CFLAGS LDFLAGS SANITIZE PKG_CFLAGS PKG_LIBS CMOCKA_LIBS CURDIR
LIB_SRC   := $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJ   := $(patsubst src/%.c,$(B)/%.o,$(LIB_SRC))
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(patsubst tests/unit/%.c,$(B)/%,$(UNIT_SRC))
LAB_BIN   := $(B)/faultproxy

.PHONY: all deps demo test unit integration lab clean bench soak soak-valgrind soak-world print-deps FORCE
.DELETE_ON_ERROR:
all: tldwatch check_tldwatch $(LAB_BIN)

$(B):
	@mkdir -p $(B)

# Single-quoted for the shell.
shq = '$(subst ','\'',$(1))'

$(STAMP): FORCE | $(B)
	@printf '%s\n' $(foreach v,$(STAMP_VARS),$(call shq,$(v)=$($(v)))) >$@.new; \
	if cmp -s $@.new $@; then rm -f $@.new; else \
	    if [ -f $@ ]; then echo "flags changed ($@): rebuilding"; fi; mv -f $@.new $@; fi

$(B)/%.o: src/%.c $(STAMP) | $(B)
	@echo "CC  $<"
	@$(CC) $(CFLAGS) $(PKG_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(B)/libtldwatch.a: $(LIB_OBJ)
	@rm -f $@ && ar rcs $@ $^

tldwatch: $(B)/main.o $(B)/libtldwatch.a $(STAMP)
	@echo "LD  $@"
	@$(CC) $(LDFLAGS) -o $@ $(B)/main.o $(B)/libtldwatch.a $(PKG_LIBS) -lm

check_tldwatch: tldwatch
	ln -sf tldwatch $@

$(B)/test_%: tests/unit/test_%.c $(B)/libtldwatch.a $(STAMP)
	@echo "CC  $<"
	@$(CC) $(CFLAGS) $(PKG_CFLAGS) -Itests/unit -DTW_SOURCE_DIR='"$(CURDIR)"' $(DEPFLAGS) \
	    $(LDFLAGS) -o $@ $< $(B)/libtldwatch.a $(PKG_LIBS) $(CMOCKA_LIBS) -lm

$(B)/faultproxy: tests/lab/faultproxy.c $(B)/libtldwatch.a $(STAMP)
	@echo "CC  $<"
	@$(CC) $(CFLAGS) $(PKG_CFLAGS) $(DEPFLAGS) $(LDFLAGS) -o $@ $< $(B)/libtldwatch.a \
	    $(PKG_LIBS) -lm

# Packages: install as root, otherwise print the exact line to run.
deps:
	@if [ "$$(id -u)" = 0 ]; then \
	    missing=$$(for p in $(DEBS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	    if [ -n "$$missing" ]; then \
	        echo "installing:" $$missing; \
	        DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	    fi; \
	else \
	    echo "run as root: apt-get install -y $(DEBS)"; \
	fi

print-deps:
	@echo $(DEBS)

unit: $(UNIT_BIN)
	@fail=0; for t in $(UNIT_BIN); do \
	    TLDWATCH_LOOPBACK_ONLY=1 ./$$t 2>&1 || fail=1; done; \
	test $$fail = 0

lab: all
	TLDWATCH_LOOPBACK_ONLY=1 tests/lab/labctl start

integration: all
	TLDWATCH_LOOPBACK_ONLY=1 tests/integration/run

# Extra suites hook in from mk/*.mk by adding target names to TEST_EXTRA.
TEST_EXTRA :=
-include $(sort $(wildcard mk/*.mk))

# The header dependencies the compiler wrote (build/*.d, build/fuzz/obj/*.d, ...).
-include $(wildcard $(B)/*.d $(B)/*/*.d $(B)/*/*/*.d)

test: deps
	$(MAKE) all $(UNIT_BIN)
	$(MAKE) unit
	$(MAKE) integration
	$(if $(strip $(TEST_EXTRA)),$(MAKE) $(TEST_EXTRA))

demo: deps
	$(MAKE) all
	TLDWATCH_LOOPBACK_ONLY=1 tests/lab/demo

# The December 2014 outage replayed on the lab against `tldwatch watch` (about 20 s).
.PHONY: demo-2014
demo-2014: deps
	$(MAKE) all
	TLDWATCH_LOOPBACK_ONLY=1 tests/lab/replay-2014

# Every comparison of the benchmark (bench/run-all, mk/bench.mk): writes bench/RESULTS.md.
bench: all
	$(MAKE) bench-all

# 10,000 watch rounds against a flapping lab: RSS must stay flat (bench/watch-soak).
soak: all
	TLDWATCH_LOOPBACK_ONLY=1 bench/watch-soak

# The same under valgrind memcheck, fewer rounds: 0 errors, 0 leaks.
soak-valgrind: all
	TLDWATCH_LOOPBACK_ONLY=1 VALGRIND=1 bench/watch-soak

# Issue 14's world watch: 1,000 rounds of the 1,500-TLD world lab at 5 s (83 min), with the
# ledger: RSS growth, CPU a round against a one-shot check, every zone up (bench/world-soak).
soak-world: all
	TLDWATCH_LOOPBACK_ONLY=1 RESULTS_DIR=$(CURDIR)/build bench/world-soak
	cp build/world-soak.md bench/WORLD-SOAK.md

# Everything built, and the lab's default run dir (tests/lab/run: logs, zones, pid files)
# unless a lab is running from it.
clean:
	rm -rf $(B) tldwatch check_tldwatch
	@if [ -e tests/lab/run/lab.env ]; then \
	    echo "clean: a lab runs from tests/lab/run (tests/lab/labctl stop); kept"; \
	else rm -rf tests/lab/run; fi
