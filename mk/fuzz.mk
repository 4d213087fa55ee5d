# mk/fuzz.mk -- libFuzzer harnesses (tests/fuzz/) and the replay of their committed corpora.
#
#   make fuzz           build the clang harnesses into build/fuzz/ and run each for
#                       FUZZ_SECONDS (60) on a scratch corpus seeded from the committed one
#   make fuzz FUZZ_TARGETS=fuzz_wire FUZZ_SECONDS=900    one harness, longer
#   make fuzz-replay    (in `make test`) gcc builds of the same harnesses replay every committed
#                       corpus file, and every file of tests/corpus/c-ares/fuzzinput/
#   make fuzz-coverage  line/branch coverage the corpora reach (clang source-based coverage)

FUZZ_HARNESSES := fuzz_wire fuzz_config fuzz_range fuzz_statefile
FUZZ_TARGETS   ?= $(FUZZ_HARNESSES)
FUZZ_SECONDS   ?= 60
FUZZ_CC        ?= clang
FUZZ_SAN       := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS    := $(CSTD) -O1 -g $(WARN) -Iinclude $(VERSION_DEF) -Itests/fuzz $(FUZZ_SAN)
FUZZ_DIR       := $(B)/fuzz
# Only the modules the harnesses reach: coverage counts their edges alone, and another
# engineer's half-written file elsewhere in src/ cannot break `make fuzz`.
FUZZ_MODULES   := wire classify outcome config endpoint duration error range statefile \
                  history tracker result state transport clock event escape text \
                  report_json hash vec region
FUZZ_LIB_OBJ   := $(patsubst %,$(FUZZ_DIR)/obj/%.o,$(FUZZ_MODULES))
FUZZ_BINS      := $(addprefix $(FUZZ_DIR)/,$(FUZZ_HARNESSES))
REPLAY_DIR     := $(B)/fuzz-replay
REPLAY_BINS    := $(addprefix $(REPLAY_DIR)/,$(FUZZ_HARNESSES))
CARES_CORPUS   := tests/corpus/c-ares/fuzzinput

DEBS += clang libclang-rt-14-dev llvm
STAMP_VARS += FUZZ_CC FUZZ_CFLAGS

TEST_EXTRA += fuzz-replay

.PHONY: fuzz fuzz-build fuzz-replay fuzz-replay-build

# The library again, instrumented for coverage (fuzzer-no-link) and the sanitizers.
$(FUZZ_DIR)/obj/%.o: src/%.c $(STAMP)
	@mkdir -p $(@D)
	@echo "FUZZCC $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(FUZZ_DIR)/libtldwatch-fuzz.a: $(FUZZ_LIB_OBJ)
	@rm -f $@ && ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_DIR)/libtldwatch-fuzz.a $(STAMP)
	@echo "FUZZLD $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) $(DEPFLAGS) -o $@ $< \
	    $(FUZZ_DIR)/libtldwatch-fuzz.a $(PKG_LIBS) -lm

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@fail=0; for h in $(FUZZ_TARGETS); do \
	    tests/fuzz/run-fuzz "$(FUZZ_DIR)" "$$h" "$(FUZZ_SECONDS)" || fail=1; \
	done; test $$fail = 0

# The same harnesses under the build's own compiler and SANITIZE, driven by replay_main.c.
$(REPLAY_DIR)/replay_main.o: tests/fuzz/replay_main.c $(STAMP)
	@mkdir -p $(@D)
	@echo "CC  $<"
	@$(CC) $(CFLAGS) $(PKG_CFLAGS) -Itests/fuzz $(DEPFLAGS) -c -o $@ $<

$(REPLAY_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(REPLAY_DIR)/replay_main.o $(B)/libtldwatch.a $(STAMP)
	@mkdir -p $(@D)
	@echo "CC  $<"
	@$(CC) $(CFLAGS) $(PKG_CFLAGS) -Itests/fuzz $(DEPFLAGS) $(LDFLAGS) -o $@ $< \
	    $(REPLAY_DIR)/replay_main.o $(B)/libtldwatch.a $(PKG_LIBS) -lm

fuzz-replay-build: $(REPLAY_BINS)

fuzz-replay: fuzz-replay-build
	@test -d "$(CARES_CORPUS)" || { echo "fuzz-replay: $(CARES_CORPUS) is missing" >&2; exit 1; }
	@fail=0; for h in $(FUZZ_HARNESSES); do \
	    $(REPLAY_DIR)/$$h tests/fuzz/corpus/$$h || fail=1; \
	done; \
	$(REPLAY_DIR)/fuzz_wire "$(CARES_CORPUS)" || fail=1; \
	test $$fail = 0

# Line and branch coverage of what the corpora reach (clang source-based coverage): the
# committed corpus, plus the scratch corpus of earlier `make fuzz` runs when there is one.
FUZZ_COV_DIR   := $(B)/fuzz-cov
LLVM_COV       ?= llvm-cov
LLVM_PROFDATA  ?= llvm-profdata
FUZZ_COV_SRC_fuzz_wire      := src/wire.c src/classify.c
FUZZ_COV_SRC_fuzz_config    := src/config.c src/endpoint.c src/duration.c
FUZZ_COV_SRC_fuzz_range     := src/range.c
FUZZ_COV_SRC_fuzz_statefile := src/statefile.c src/history.c src/tracker.c

FUZZ_COV_CFLAGS := $(CSTD) -O0 -g -Iinclude $(VERSION_DEF) -Itests/fuzz \
                   -fprofile-instr-generate -fcoverage-mapping
FUZZ_COV_OBJ    := $(patsubst %,$(FUZZ_COV_DIR)/obj/%.o,$(FUZZ_MODULES) replay_main)
STAMP_VARS += FUZZ_COV_CFLAGS

.PHONY: fuzz-coverage
$(FUZZ_COV_DIR)/obj/%.o: src/%.c $(STAMP)
	@mkdir -p $(@D)
	@echo "COVCC $<"
	@$(FUZZ_CC) $(FUZZ_COV_CFLAGS) $(PKG_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(FUZZ_COV_DIR)/obj/replay_main.o: tests/fuzz/replay_main.c $(STAMP)
	@mkdir -p $(@D)
	@echo "COVCC $<"
	@$(FUZZ_CC) $(FUZZ_COV_CFLAGS) $(PKG_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(FUZZ_COV_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_COV_OBJ) $(STAMP)
	@mkdir -p $(@D)
	@echo "COV $@"
	@$(FUZZ_CC) $(FUZZ_COV_CFLAGS) $(PKG_CFLAGS) $(DEPFLAGS) -o $@ $< $(FUZZ_COV_OBJ) \
	    $(PKG_LIBS) -lm

fuzz-coverage: $(addprefix $(FUZZ_COV_DIR)/,$(FUZZ_HARNESSES))
	@for h in $(FUZZ_HARNESSES); do \
	    dirs="tests/fuzz/corpus/$$h"; \
	    if [ -d $(FUZZ_DIR)/work/$$h ]; then dirs="$$dirs $(FUZZ_DIR)/work/$$h"; fi; \
	    rm -f $(FUZZ_COV_DIR)/$$h.profraw; \
	    LLVM_PROFILE_FILE=$(FUZZ_COV_DIR)/$$h.profraw $(FUZZ_COV_DIR)/$$h $$dirs \
	        >/dev/null || exit 1; \
	    $(LLVM_PROFDATA) merge -o $(FUZZ_COV_DIR)/$$h.profdata $(FUZZ_COV_DIR)/$$h.profraw; \
	    echo "== $$h ($$dirs)"; \
	    case $$h in \
	    fuzz_wire) srcs="$(FUZZ_COV_SRC_fuzz_wire)";; \
	    fuzz_config) srcs="$(FUZZ_COV_SRC_fuzz_config)";; \
	    fuzz_range) srcs="$(FUZZ_COV_SRC_fuzz_range)";; \
	    *) srcs="$(FUZZ_COV_SRC_fuzz_statefile)";; \
	    esac; \
	    $(LLVM_COV) report $(FUZZ_COV_DIR)/$$h -instr-profile=$(FUZZ_COV_DIR)/$$h.profdata \
	        $$srcs | awk '$$1 ~ /\.c$$|^TOTAL$$/ { n = split($$1, p, "/"); \
	        printf "  %-14s lines %5s of %4s   branches %5s of %4s\n", p[n], $$10, $$8, \
	        $$13, $$11 }'; \
	done
