/*
 * test_duration.c -- tw_duration_parse: good durations with their exact
 * millisecond values (rounding included), junk that must fail, values past
 * the parser's limit; tw_duration_format and its round trip.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tldwatch/duration.h"

#define DAY UINT64_C(86400000)

struct good {
	const char *text;
	uint64_t ms;
};

static const struct good goods[] = {
	/* every unit */
	{ "500ms", 500 },
	{ "2s", 2000 },
	{ "30", 30000 },		/* a bare number is seconds */
	{ "1m", 60000 },
	{ "2h", 7200000 },
	{ "1d", 86400000 },
	{ "2d", 172800000 },
	{ "90d", 90 * DAY },		/* ledger.keep's default */
	{ "0", 0 },
	{ "0ms", 0 },
	{ "0d", 0 },
	{ "1ms", 1 },
	{ "007s", 7000 },
	{ "00000000000000000000000000000001s", 1000 },
	/* fractions, exact: no binary floating point on the way */
	{ "0.1s", 100 },
	{ "0.3s", 300 },
	{ "0.7s", 700 },
	{ "0.25", 250 },
	{ "1.5s", 1500 },
	{ "1.0m", 60000 },
	{ "0.5m", 30000 },
	{ "2.25m", 135000 },
	{ "0.1h", 360000 },
	{ "1.5h", 5400000 },
	{ "0.001h", 3600 },
	{ "0.5d", 43200000 },
	{ "1.25d", 108000000 },
	{ "0.1d", 8640000 },
	{ "0.00000001d", 1 },		/* 0.864 ms */
	{ "0.000000005d", 0 },		/* 0.432 ms */
	{ "0.0000000058d", 1 },		/* 0.50112 ms */
	/* finer than a millisecond: half up */
	{ "0.0005s", 1 },
	{ "0.0004999s", 0 },
	{ "0.00049999999999999999999999999999s", 0 },
	{ "1.4ms", 1 },
	{ "1.5ms", 2 },
	{ "2.5ms", 3 },			/* half up, not half even */
	{ "0.49ms", 0 },
	{ "0.00001m", 1 },		/* 0.6 ms */
	{ "0.000008333m", 0 },		/* 0.49998 ms */
	{ "0.0000083334m", 1 },		/* 0.500004 ms */
	{ "0.000000138888888h", 0 },	/* 0.4999999968 ms */
	{ "0.000000138888889h", 1 },	/* 0.5000000004 ms */
	{ "1.00000000000000000000000000001s", 1000 },	/* many digits */
	{ "0.99999999999999999999999s", 1000 },
	{ "0.99949999999999999999999s", 999 },
	/* the old 24-hour cap is gone */
	{ "86400", 86400000 },
	{ "86401", 86401000 },
	{ "1440m", 86400000 },
	{ "25h", 90000000 },
	{ "86399.9995s", 86400000 },
	/* the parser's own limit: 3650 days */
	{ "3650d", 3650 * DAY },
	{ "87600h", 3650 * DAY },
	{ "315360000000ms", 3650 * DAY },
	{ "3649.99999999999d", 3650 * DAY },	/* rounds to exactly the limit */
};

/* Not a duration: -1. */
static const char *const bads[] = {
	"", "s", "ms", "m", "h", "d", "-1s", "+1s", "1 s", " 1s", "1s ", "1.s", ".5s",
	"1..5s", "1.5.5s", "1e3", "0x10", "1sec", "1S", "1MS", "1H", "1D", "1mss", "1hh",
	"1dd", "1hm", "1w", "1y", "1us", "1ns", "1s1", "1ms2", "fast", "1,5s", "1.5 s",
	"\t1s", "1\n", "1h30m", "-0", "1.-5s", "99999999999999999999999999x",
	"1.5e2s", "inf", "nan",
};

/* A duration, but above 3650 days: -2. */
static const char *const too_big[] = {
	"3651d", "3650.1d", "87601h", "315360000001ms", "3650.00000001d",
	"99999999999999999999999999s",
	"18446744073709551616ms", "18446744073709551615", "18446744073709551615d",
	"99999999999999999999999999999999999999999999.5d",
};

static void
test_good(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(goods) / sizeof(goods[0]); i++) {
		uint64_t ms = 12345;

		if (tw_duration_parse(goods[i].text, &ms) != 0)
			fail_msg("\"%s\" was rejected", goods[i].text);
		if (ms != goods[i].ms)
			fail_msg("\"%s\": got %llu ms, want %llu", goods[i].text,
			    (unsigned long long)ms, (unsigned long long)goods[i].ms);
	}
}

static void
test_bad(void **state)
{
	size_t i;
	int rc;

	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		uint64_t ms = 12345;

		if ((rc = tw_duration_parse(bads[i], &ms)) != -1)
			fail_msg("\"%s\" gave %d (%llu ms), want -1", bads[i], rc,
			    (unsigned long long)ms);
		/* A failed parse leaves the output alone. */
		assert_int_equal(ms, 12345);
	}
}

static void
test_too_big(void **state)
{
	size_t i;
	int rc;

	for (i = 0; i < sizeof(too_big) / sizeof(too_big[0]); i++) {
		uint64_t ms = 12345;

		if ((rc = tw_duration_parse(too_big[i], &ms)) != -2)
			fail_msg("\"%s\" gave %d (%llu ms), want -2", too_big[i], rc,
			    (unsigned long long)ms);
		assert_int_equal(ms, 12345);
	}
}

static void
test_null(void **state)
{
	uint64_t ms;

	assert_int_equal(tw_duration_parse(NULL, &ms), -1);
	assert_int_equal(tw_duration_parse("1s", NULL), -1);
}

static void
test_format(void **state)
{
	static const struct good forms[] = {
		{ "0ms", 0 }, { "1ms", 1 }, { "1500ms", 1500 }, { "2s", 2000 }, { "60s", 60000 },
		{ "300s", 300000 }, { "5400s", 5400000 }, { "1h", 3600000 }, { "2h", 7200000 },
		{ "24h", 86400000 }, { "36h", 129600000 }, { "2d", 172800000 }, { "90d", 90 * DAY },
		{ "3650d", 3650 * DAY }, { "86401s", 86401000 }, { "86400001ms", 86400001 },
	};
	char buf[TW_DURATION_STRLEN], tiny[4];
	uint64_t back;
	size_t i;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		assert_string_equal(tw_duration_format(forms[i].ms, buf, sizeof(buf)),
		    forms[i].text);
		assert_int_equal(tw_duration_parse(buf, &back), 0);
		assert_int_equal(back, forms[i].ms);
	}
	/* the longest form fits */
	tw_duration_format(TW_DURATION_MAX_MS - 1, buf, sizeof(buf));
	assert_string_equal(buf, "315359999999ms");
	/* a short buffer is cut, not overrun */
	memset(tiny, 'x', sizeof(tiny));
	assert_string_equal(tw_duration_format(1500, tiny, 3), "15");
	assert_int_equal(tiny[3], 'x');
	assert_null(tw_duration_format(1, NULL, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_null),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests_name("duration", tests, NULL, NULL);
}
