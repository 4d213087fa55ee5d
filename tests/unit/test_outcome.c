/*
 * test_outcome.c -- outcome names and the response/useful groupings,
 * one table row per outcome.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tldwatch/outcome.h"

static const struct {
	enum tw_outcome o;
	const char *name;
	bool response, useful;
} rows[] = {
	{ TW_OUTCOME_NONE, "none", false, false },
	{ TW_OUTCOME_ANSWER, "answer", true, true },
	{ TW_OUTCOME_REFERRAL, "referral", true, true },
	{ TW_OUTCOME_NXDOMAIN, "nxdomain", true, true },
	{ TW_OUTCOME_NODATA, "nodata", true, true },
	{ TW_OUTCOME_LAME, "lame", true, false },
	{ TW_OUTCOME_SERVFAIL, "servfail", true, false },
	{ TW_OUTCOME_REFUSED, "refused", true, false },
	{ TW_OUTCOME_RCODE, "rcode", true, false },
	{ TW_OUTCOME_TIMEOUT, "timeout", false, false },
	{ TW_OUTCOME_UNREACHABLE, "unreachable", false, false },
	{ TW_OUTCOME_TRUNCATED, "truncated", true, false },
	{ TW_OUTCOME_MALFORMED, "malformed", true, false },
	{ TW_OUTCOME_BLOCKED, "blocked", false, false },
};

static void
test_rows(void **state)
{
	size_t i;

	/* One row per outcome, in enum order. */
	assert_int_equal(sizeof(rows) / sizeof(rows[0]), TW_OUTCOME_COUNT);
	for (i = 0; i < TW_OUTCOME_COUNT; i++) {
		assert_int_equal(rows[i].o, i);
		assert_string_equal(tw_outcome_str(rows[i].o), rows[i].name);
		if (tw_outcome_is_response(rows[i].o) != rows[i].response)
			fail_msg("%s: is_response", rows[i].name);
		if (tw_outcome_is_useful(rows[i].o) != rows[i].useful)
			fail_msg("%s: is_useful", rows[i].name);
	}
}

static void
test_out_of_range(void **state)
{

	assert_string_equal(tw_outcome_str((enum tw_outcome)TW_OUTCOME_COUNT), "invalid");
	assert_string_equal(tw_outcome_str((enum tw_outcome)-1), "invalid");
	assert_false(tw_outcome_is_response((enum tw_outcome)TW_OUTCOME_COUNT));
	assert_false(tw_outcome_is_useful((enum tw_outcome)TW_OUTCOME_COUNT));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_out_of_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
