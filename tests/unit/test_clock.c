/*
 * test_clock.c -- ISO 8601 times out, and times in: ISO 8601 and relative.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tldwatch/clock.h"

#define NOW 1419265500.0        /* 2014-12-22T16:25:00Z */

static void
test_iso_out(void **state)
{
	char buf[40];

	assert_string_equal(tw_clock_iso(0, buf, sizeof(buf)), "1970-01-01T00:00:00.000Z");
	assert_string_equal(tw_clock_iso(NOW + 0.25, buf, sizeof(buf)),
	    "2014-12-22T16:25:00.250Z");
	/* a time read back from its own text keeps its millisecond */
	assert_string_equal(tw_clock_iso(1419231300.001, buf, sizeof(buf)),
	    "2014-12-22T06:55:00.001Z");
	assert_string_equal(tw_clock_iso(1419231300.999, buf, sizeof(buf)),
	    "2014-12-22T06:55:00.999Z");
}

static void
test_parse(void **state)
{
	static const struct {
		const char *in;
		double want;
	} good[] = {
		{ "2014-12-22T16:15Z", 1419264900.0 },
		{ "2014-12-22T16:15", 1419264900.0 },
		{ "2014-12-22t16:15z", 1419264900.0 },
		{ "2014-12-22 16:15:30", 1419264930.0 },
		{ "2014-12-22T16:15:30.250Z", 1419264930.25 },
		{ "2014-12-22T16:15:30+00:00", 1419264930.0 },
		{ "2014-12-22", 1419206400.0 },
		{ "2016-02-29", 1456704000.0 },
		{ "now", NOW },
		{ "-7d", NOW - 7 * 86400 },
		{ "7d", NOW - 7 * 86400 },
		{ "36h", NOW - 36 * 3600 },
		{ "-90m", NOW - 5400 },
		{ "+1h", NOW + 3600 },
		{ "1.5h", NOW - 5400 },
		{ "2w", NOW - 14 * 86400 },
		{ "500ms", NOW - 0.5 },
		{ "30s", NOW - 30 },
	};
	static const char *const bad[] = {
		"", "yesterday", "2014-13-01", "2014-02-30", "2015-02-29", "2014-12-22T24:00",
		"2014-12-22T16:60", "2014-12-22T16:15:61", "2014-12-22T16:15+09:00",
		"2014-12-22T16", "2014-12-22T16:15:30.", "1969-12-31", "7", "7 d", "-d", "7y",
		"--7d", "1e400d", "99999999d", "2014-12-22X", "2014/12/22",
	};
	double t;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		t = -1;
		if (tw_clock_parse(good[i].in, NOW, &t) != 0)
			fail_msg("\"%s\" refused", good[i].in);
		if (fabs(t - good[i].want) > 1e-6)
			fail_msg("\"%s\": %.3f, want %.3f", good[i].in, t, good[i].want);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (tw_clock_parse(bad[i], NOW, &t) == 0)
			fail_msg("\"%s\" accepted", bad[i]);
	assert_int_equal(tw_clock_parse(NULL, NOW, &t), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iso_out),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
