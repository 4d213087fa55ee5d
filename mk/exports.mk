# mk/exports.mk -- the export rule (spiped's): src/foo.c exports only tw_foo and tw_foo_*,
# main.o only main.  tests/check-exports runs nm on every library object; violations being
# removed may wait in tests/exports-allowlist, which is empty (docs/building.md).
#
#   make check-exports    (in `make test`) the checker's self-test, then the check itself

DEBS += binutils

TEST_EXTRA += check-exports

.PHONY: check-exports

check-exports: $(LIB_OBJ) $(B)/main.o
	@CC='$(CC)' tests/check-exports --self-test
	@tests/check-exports -a tests/exports-allowlist $(LIB_OBJ) $(B)/main.o
