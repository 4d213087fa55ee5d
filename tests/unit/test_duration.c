/*
 * test_duration.c -- tw_duration_parse: good durations with their exact
 * millisecond values (rounding included), and junk that must fail.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tldwatch/duration.h"

struct good {
	const char *text;
	uint64_t ms;
};

static const struct good goods[] = {
	{ "500ms", 500 },
	{ "2s", 2000 },
	{ "1.5s", 1500 },
	{ "1m", 60000 },
	{ "30", 30000 },
	{ "0", 0 },
	{ "0ms", 0 },
	{ "1ms", 1 },
	{ "0.25", 250 },
	{ "007s", 7000 },
	{ "1.0m", 60000 },
	{ "0.5m", 30000 },
	{ "2.25m", 135000 },
	{ "0.0005s", 1 },		/* half a millisecond rounds up */
	{ "0.0004999s", 0 },
	{ "1.4ms", 1 },
	{ "1.5ms", 2 },
	{ "0.00001m", 1 },		/* 0.6 ms */
	{ "0.000008333m", 0 },		/* 0.49998 ms */
	{ "0.0000083334m", 1 },		/* 0.500004 ms */
	{ "1.00000000000000000000000000001s", 1000 },	/* digits past 18 */
	{ "0.99999999999999999999999s", 1000 },
	{ "86400", 86400000 },		/* exactly 24 h is allowed */
	{ "1440m", 86400000 },
	{ "86400000ms", 86400000 },
	{ "86399.9995s", 86400000 },
	{ "00000000000000000000000000000001s", 1000 },
};

static const char *const bads[] = {
	"", "s", "ms", "m", "-1s", "+1s", "1h", "1d", "1 s", " 1s", "1s ", "1.s", ".5s",
	"1..5s", "1.5.5s", "1e3", "0x10", "1sec", "1S", "1MS", "1mss", "1s1", "1ms2",
	"fast", "1,5s", "86401", "1441m", "86400001ms", "86400.0006s",
	"99999999999999999999999999s",		/* overflow */
	"18446744073709551616ms", "18446744073709551615", "1.5 s", "\t1s", "1\n",
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

	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		uint64_t ms = 12345;

		if (tw_duration_parse(bads[i], &ms) != -1)
			fail_msg("\"%s\" was accepted as %llu ms", bads[i],
			    (unsigned long long)ms);
		/* A failed parse leaves the output alone. */
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_null),
	};

	return cmocka_run_group_tests_name("duration", tests, NULL, NULL);
}
