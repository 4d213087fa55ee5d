# bench.mk -- the benchmark suite of issue 5: the world-sized lab (bench/world/), the
# comparisons against check_dig, dig and dnsperf, and the driver that writes bench/RESULTS.md.
# Included by the Makefile; every target sends packets to 127.0.0.0/8 only.

DEBS += dnsperf monitoring-plugins-standard time jq

.PHONY: bench-all bench-speed bench-world bench-watch bench-world-gen bench-diag-shim

# A diagnostic preload for bench/world-round (socket buffers, event-loop timing); built without
# the sanitizers, since it is loaded into an uninstrumented ./tldwatch.
$(B)/diag-shim.so: bench/world/diag-shim.c $(STAMP) | $(B)
	@echo "CC  $<"
	@$(CC) $(CSTD) -O2 -g $(WARN) -fPIC -shared $(DEPFLAGS) -o $@ $< -ldl

bench-diag-shim: $(B)/diag-shim.so

# a. and b.: the .kp lab, healthy and in total outage, against check_dig and dig.
bench-speed: all
	TLDWATCH_LOOPBACK_ONLY=1 bench/check-speed

# c.: one round over the 1,500-TLD world lab against dnsperf.
bench-world: all $(B)/diag-shim.so
	TLDWATCH_LOOPBACK_ONLY=1 bench/world-round

# d.: CPU and RSS of `tldwatch watch` over N rounds of the .kp lab.
bench-watch: all
	TLDWATCH_LOOPBACK_ONLY=1 bench/watch-cost

# e.: the ledger's cost and speed; f.: one /metrics scrape of the world watcher.
.PHONY: bench-ledger bench-scrape
bench-ledger: all $(B)/ledger-gen
	TLDWATCH_LOOPBACK_ONLY=1 bench/ledger-cost

bench-scrape: all
	TLDWATCH_LOOPBACK_ONLY=1 bench/scrape-cost

# Everything, and bench/RESULTS.md with the machine's description (about 14 minutes).
bench-all: all $(B)/diag-shim.so $(B)/ledger-gen
	TLDWATCH_LOOPBACK_ONLY=1 bench/run-all

# The serial-plugin comparison (a, b) under the issue's name for it.
.PHONY: bench-serial
bench-serial: bench-speed

# The ledger's generator (bench/ledger-cost): a month of the .kp lab's rounds through the real
# tracker and ledger, and a restart's resume.
$(B)/ledger-gen: bench/ledger/ledger-gen.c $(B)/libtldwatch.a $(STAMP)
	@echo "CC  $<"
	@$(CC) $(CFLAGS) $(PKG_CFLAGS) $(DEPFLAGS) $(LDFLAGS) -o $@ $< $(B)/libtldwatch.a \
	    $(PKG_LIBS) -lm
