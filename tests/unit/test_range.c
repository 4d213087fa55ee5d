/*
 * test_range.c -- Nagios threshold ranges: parsing (strict), alert
 * decisions at the inclusive boundaries, and the perfdata number.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tldwatch/range.h"

#define INF 1   /* marks an infinite bound in the tables */

struct parse_case {
	const char *text;
	bool ok;
	bool inside;
	int start_inf;
	int end_inf;
	double start;
	double end;
};

static const struct parse_case parse_cases[] = {
	/* the forms of the guidelines */
	{ "10", true, false, 0, 0, 0, 10 },
	{ "10:", true, false, 0, INF, 10, 0 },
	{ "~:10", true, false, INF, 0, 0, 10 },
	{ "10:20", true, false, 0, 0, 10, 20 },
	{ "@10:20", true, true, 0, 0, 10, 20 },
	{ "@10", true, true, 0, 0, 0, 10 },
	{ "@~:10", true, true, INF, 0, 0, 10 },
	{ "@10:", true, true, 0, INF, 10, 0 },
	/* omitted start is 0, as in parse_range_string */
	{ ":10", true, false, 0, 0, 0, 10 },
	{ ":", true, false, 0, INF, 0, 0 },
	{ "~:", true, false, INF, INF, 0, 0 },
	{ "0", true, false, 0, 0, 0, 0 },
	{ "5:5", true, false, 0, 0, 5, 5 },
	{ "-5:5", true, false, 0, 0, -5, 5 },
	{ "-10:-5", true, false, 0, 0, -10, -5 },
	{ "~:-3", true, false, INF, 0, 0, -3 },
	{ "1.5:2.5", true, false, 0, 0, 1.5, 2.5 },
	{ ".5", true, false, 0, 0, 0, 0.5 },
	{ "5.", true, false, 0, 0, 0, 5 },
	{ "+3", true, false, 0, 0, 0, 3 },
	{ "1e1", true, false, 0, 0, 0, 10 },
	{ "2.5E-1:", true, false, 0, INF, 0.25, 0 },
	/* junk is an error, not 0 */
	{ "", false, false, 0, 0, 0, 0 },
	{ "@", false, false, 0, 0, 0, 0 },
	{ "abc", false, false, 0, 0, 0, 0 },
	{ "10x", false, false, 0, 0, 0, 0 },
	{ "x10", false, false, 0, 0, 0, 0 },
	{ " 10", false, false, 0, 0, 0, 0 },
	{ "10 ", false, false, 0, 0, 0, 0 },
	{ "10:20:30", false, false, 0, 0, 0, 0 },
	{ "10:abc", false, false, 0, 0, 0, 0 },
	{ "abc:10", false, false, 0, 0, 0, 0 },
	{ "~", false, false, 0, 0, 0, 0 },
	{ "~10", false, false, 0, 0, 0, 0 },
	{ "~~:10", false, false, 0, 0, 0, 0 },
	{ "10:~", false, false, 0, 0, 0, 0 },
	{ "@@10", false, false, 0, 0, 0, 0 },
	{ "10@", false, false, 0, 0, 0, 0 },
	{ "inf", false, false, 0, 0, 0, 0 },
	{ "nan", false, false, 0, 0, 0, 0 },
	{ "infinity:", false, false, 0, 0, 0, 0 },
	{ "0x10", false, false, 0, 0, 0, 0 },
	{ "1e", false, false, 0, 0, 0, 0 },
	{ "1e+", false, false, 0, 0, 0, 0 },
	{ "1e999", false, false, 0, 0, 0, 0 },
	{ "--1", false, false, 0, 0, 0, 0 },
	{ "-", false, false, 0, 0, 0, 0 },
	{ ".", false, false, 0, 0, 0, 0 },
	{ "1,5", false, false, 0, 0, 0, 0 },
	{ "1.2.3", false, false, 0, 0, 0, 0 },
	/* start must not exceed end */
	{ "20:10", false, false, 0, 0, 0, 0 },
	{ "@20:10", false, false, 0, 0, 0, 0 },
	{ "-5", false, false, 0, 0, 0, 0 },
	{ "5:-5", false, false, 0, 0, 0, 0 },
};

static void
test_parse_table(void **state)
{
	const struct parse_case *c;
	struct tw_range r;
	struct tw_error err;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		c = &parse_cases[i];
		memset(&r, 0x5a, sizeof(r));
		memset(&err, 0, sizeof(err));
		rc = tw_range_parse(c->text, &r, &err);
		if (rc != (c->ok ? 0 : -1))
			fail_msg("\"%s\": rc %d, expected %s (%s)", c->text, rc,
			    c->ok ? "ok" : "error", err.msg);
		if (!c->ok) {
			if (err.msg[0] == '\0')
				fail_msg("\"%s\": error without a reason", c->text);
			continue;
		}
		if (!r.set || r.inside != c->inside || r.start_infinite != (c->start_inf != 0) ||
		    r.end_infinite != (c->end_inf != 0))
			fail_msg("\"%s\": flags set=%d inside=%d ~=%d inf=%d", c->text, r.set,
			    r.inside, r.start_infinite, r.end_infinite);
		if (!c->start_inf && r.start != c->start)
			fail_msg("\"%s\": start %g, expected %g", c->text, r.start, c->start);
		if (!c->end_inf && r.end != c->end)
			fail_msg("\"%s\": end %g, expected %g", c->text, r.end, c->end);
	}
}

static void
test_parse_null_and_no_why(void **state)
{
	struct tw_range r;
	struct tw_error err;

	assert_int_equal(tw_range_parse(NULL, &r, &err), -1);
	assert_string_equal(err.msg, "empty range");
	/* no place: the caller names the option */
	assert_string_equal(err.file, "");
	assert_int_equal(err.line, 0);
	assert_int_equal(tw_range_parse("20:10", &r, &err), -1);
	assert_string_equal(err.msg, "start is greater than end");
	/* ${err} is optional */
	assert_int_equal(tw_range_parse("junk", &r, NULL), -1);
	assert_int_equal(tw_range_parse("3:", &r, NULL), 0);
}

static void
test_parse_failure_leaves_range(void **state)
{
	struct tw_range r;

	assert_int_equal(tw_range_parse("@1:2", &r, NULL), 0);
	assert_int_equal(tw_range_parse("2:1", &r, NULL), -1);
	/* the previous value survives a failed parse */
	assert_true(r.set);
	assert_true(r.inside);
	assert_true(r.start == 1 && r.end == 2);
}

struct alert_case {
	const char *range;
	double value;
	bool alerts;
};

static const struct alert_case alert_cases[] = {
	/* "10": outside 0..10 */
	{ "10", -1, true }, { "10", -0.001, true }, { "10", 0, false }, { "10", 5, false },
	{ "10", 10, false }, { "10", 10.001, true }, { "10", 11, true },
	/* "10:": below 10 */
	{ "10:", 9, true }, { "10:", 9.999, true }, { "10:", 10, false }, { "10:", 1e9, false },
	/* "~:10": above 10 */
	{ "~:10", -1e9, false }, { "~:10", 10, false }, { "~:10", 10.5, true },
	/* "10:20": outside 10..20 */
	{ "10:20", 9, true }, { "10:20", 10, false }, { "10:20", 15, false },
	{ "10:20", 20, false }, { "10:20", 21, true },
	/* "@10:20": inside 10..20, inclusive */
	{ "@10:20", 9, false }, { "@10:20", 10, true }, { "@10:20", 15, true },
	{ "@10:20", 20, true }, { "@10:20", 20.5, false },
	/* the answering-server thresholds a user would write */
	{ "2:", 1, true }, { "2:", 2, false }, { "2:", 3, false },
	{ "1:", 0, true }, { "1:", 1, false },
	{ "@0", 0, true }, { "@0", 1, false },
	{ "0", 0, false }, { "0", 1, true },
	{ "5:5", 5, false }, { "5:5", 4, true }, { "5:5", 6, true },
	{ "-10:-5", -7, false }, { "-10:-5", -4, true }, { "-10:-5", -11, true },
	/* infinite both ways: never outside */
	{ "~:", -1e300, false }, { "~:", 1e300, false },
	{ "@~:", -1e300, true }, { "@~:", 0, true },
};

static void
test_alerts_table(void **state)
{
	const struct alert_case *c;
	struct tw_range r;
	size_t i;

	for (i = 0; i < sizeof(alert_cases) / sizeof(alert_cases[0]); i++) {
		c = &alert_cases[i];
		if (tw_range_parse(c->range, &r, NULL) != 0)
			fail_msg("\"%s\" does not parse", c->range);
		if (tw_range_alerts(&r, c->value) != c->alerts)
			fail_msg("\"%s\" at %g: expected %s", c->range, c->value,
			    c->alerts ? "alert" : "no alert");
	}
}

static void
test_unset_never_alerts(void **state)
{
	struct tw_range r;

	memset(&r, 0, sizeof(r));
	r.end = -1;    /* would alert at 0 if it were consulted */
	assert_false(tw_range_alerts(&r, 0));
	assert_false(tw_range_alerts(&r, -1e9));
	assert_false(tw_range_alerts(NULL, 0));
}

struct perf_case {
	const char *range;     /* NULL: unset */
	const char *perf;
};

static const struct perf_case perf_cases[] = {
	{ NULL, "" },
	{ "10", "10" },
	{ "~:10", "10" },
	{ "10:", "10" },
	{ "2:", "2" },
	{ "0:7", "7" },
	{ ":7", "7" },
	{ "-5:", "-5" },
	{ "~:-3", "-3" },
	{ "1.5", "1.5" },
	{ "0.1:", "0.1" },
	{ "2.50", "2.5" },
	{ "1e3", "1000" },
	{ "0.000001", "0.000001" },
	{ "123456789012", "123456789012" },
	{ "0.3", "0.3" },
	{ "-0:", "0" },
	/* no plain-number form: Icinga would drop a range expression */
	{ "10:20", "" },
	{ "@10:20", "" },
	{ "@10", "" },
	{ "@5:", "" },
	{ "~:", "" },
	{ ":", "0" },
};

static void
test_perf_table(void **state)
{
	const struct perf_case *c;
	struct tw_range r;
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(perf_cases) / sizeof(perf_cases[0]); i++) {
		c = &perf_cases[i];
		memset(&r, 0, sizeof(r));
		if (c->range != NULL && tw_range_parse(c->range, &r, NULL) != 0)
			fail_msg("\"%s\" does not parse", c->range);
		memset(buf, 'x', sizeof(buf));
		if (tw_range_perf(&r, buf, sizeof(buf)) != buf)
			fail_msg("\"%s\": did not return buf", c->range);
		if (strcmp(buf, c->perf) != 0)
			fail_msg("\"%s\": perf \"%s\", expected \"%s\"",
			    c->range != NULL ? c->range : "(unset)", buf, c->perf);
	}
}

static void
test_perf_small_buffer(void **state)
{
	struct tw_range r;
	char buf[4] = "zzz";

	assert_int_equal(tw_range_parse("12345", &r, NULL), 0);
	assert_ptr_equal(tw_range_perf(&r, buf, sizeof(buf)), buf);
	assert_string_equal(buf, "123");
	/* len 0: nothing written */
	buf[0] = 'q';
	assert_ptr_equal(tw_range_perf(&r, buf, 0), buf);
	assert_int_equal(buf[0], 'q');
}

/* Every perf number reads back as the bound it came from, with no exponent. */
static void
test_perf_round_trip(void **state)
{
	static const char *const texts[] = {
		"0.1", "0.2", "0.7", "1.1", "3.14159", "99.99", "1234.5678", "0.001",
		"1e-5", "42", "1e15",
	};
	struct tw_range r, back;
	char buf[64], text[80];
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		assert_int_equal(tw_range_parse(texts[i], &r, NULL), 0);
		tw_range_perf(&r, buf, sizeof(buf));
		if (strchr(buf, 'e') != NULL || strchr(buf, 'E') != NULL)
			fail_msg("\"%s\" -> \"%s\": has an exponent", texts[i], buf);
		snprintf(text, sizeof(text), "~:%s", buf);
		assert_int_equal(tw_range_parse(text, &back, NULL), 0);
		if (back.end != r.end)
			fail_msg("\"%s\" -> \"%s\" reads back as %.17g", texts[i], buf, back.end);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_null_and_no_why),
		cmocka_unit_test(test_parse_failure_leaves_range),
		cmocka_unit_test(test_alerts_table),
		cmocka_unit_test(test_unset_never_alerts),
		cmocka_unit_test(test_perf_table),
		cmocka_unit_test(test_perf_small_buffer),
		cmocka_unit_test(test_perf_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
