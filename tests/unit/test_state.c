/*
 * test_state.c -- the six states as a table: names, exit codes, Nagios
 * words, and which make an outage (bad) or end one (good).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tldwatch/state.h"

static const struct {
	enum tw_state s;
	const char *name, *nagios;
	int exit_code;
	bool bad, good;
} table[] = {
	{ TW_STATE_UP, "up", "OK", 0, false, true },
	{ TW_STATE_DEGRADED, "degraded", "WARNING", 1, false, true },
	{ TW_STATE_UNSTABLE, "unstable", "WARNING", 1, false, false },
	{ TW_STATE_PARTIAL, "partial", "CRITICAL", 2, true, false },
	{ TW_STATE_DOWN, "down", "CRITICAL", 2, true, false },
	{ TW_STATE_UNKNOWN, "unknown", "UNKNOWN", 3, false, false },
};

static void
test_table(void **state)
{
	enum tw_state back;
	size_t i;

	(void)state;
	assert_int_equal(sizeof(table) / sizeof(table[0]), TW_STATE_COUNT);
	for (i = 0; i < TW_STATE_COUNT; i++) {
		assert_int_equal(table[i].s, (enum tw_state)i);   /* best to worst */
		assert_string_equal(tw_state_str(table[i].s), table[i].name);
		assert_string_equal(tw_state_nagios(table[i].s), table[i].nagios);
		assert_int_equal(tw_state_exit_code(table[i].s), table[i].exit_code);
		assert_int_equal(tw_state_is_bad(table[i].s), table[i].bad);
		assert_int_equal(tw_state_is_good(table[i].s), table[i].good);
		assert_int_equal(tw_state_from_str(table[i].name, &back), 0);
		assert_int_equal(back, table[i].s);
	}
	assert_int_equal(tw_state_from_str("UP", &back), -1);
	assert_int_equal(tw_state_from_str("", &back), -1);
	assert_int_equal(tw_state_from_str(NULL, &back), -1);
	assert_string_equal(tw_state_str((enum tw_state)TW_STATE_COUNT), "invalid");
	assert_false(tw_state_is_bad((enum tw_state)TW_STATE_COUNT));
	assert_false(tw_state_is_good((enum tw_state)TW_STATE_COUNT));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
