/*
 * test_text.c -- UTF-8 sequence lengths and human durations, as tables.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "tldwatch/text.h"

static void
test_utf8_len(void **state)
{
	static const struct {
		const char *bytes;
		size_t want;
	} cases[] = {
		{ "a", 1 }, { "\x7f", 1 },
		{ "\xc3\xa9", 2 },               /* e acute */
		{ "\xc0\xaf", 0 },               /* overlong '/' */
		{ "\xc2", 0 },                   /* cut short */
		{ "\xe2\x82\xac", 3 },           /* euro sign */
		{ "\xe0\x80\xaf", 0 },           /* overlong */
		{ "\xed\xa0\x80", 0 },           /* surrogate */
		{ "\xf0\x9f\x98\x80", 4 },       /* emoji */
		{ "\xf4\x90\x80\x80", 0 },       /* beyond U+10FFFF */
		{ "\xf8\x88\x80\x80", 0 },       /* 5-byte form */
		{ "\x80", 0 },                   /* lone continuation byte */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(tw_text_utf8_len((const unsigned char *)cases[i].bytes),
		    cases[i].want);
}

static void
test_span(void **state)
{
	static const struct {
		double s;
		const char *want;
	} cases[] = {
		{ 0, "0.0s" }, { 12.54, "12.5s" }, { 59.9, "59.9s" }, { 60, "1m 0s" },
		{ 363, "6m 3s" }, { 8040, "2h 14m" }, { 266400, "3d 2h" }, { -5, "0.0s" },
	};
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(tw_text_span(cases[i].s, buf, sizeof(buf)), cases[i].want);
	assert_string_equal(tw_text_span((double)NAN, buf, sizeof(buf)), "0.0s");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_len),
		cmocka_unit_test(test_span),
	};

	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
