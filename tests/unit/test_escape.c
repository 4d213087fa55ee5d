/*
 * test_escape.c -- the escapers of escape.h, one table per output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tldwatch/escape.h"

struct esc_case {
	const char *in;
	const char *out;
};

static void
run(tw_escape_fn *fn, const struct esc_case *c, size_t n)
{
	char *out;
	size_t i;

	for (i = 0; i < n; i++) {
		out = tw_escape_dup(fn, c[i].in);
		assert_non_null(out);
		if (strcmp(out, c[i].out) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, out, c[i].out);
		free(out);
	}
	if (fn != tw_escape_csv) {
		out = tw_escape_dup(fn, NULL);
		assert_non_null(out);
		assert_string_equal(out, "");
		free(out);
	}
}

#define RUN(fn, cases) run(fn, cases, sizeof(cases) / sizeof(cases[0]))

static void
test_term(void **state)
{
	static const struct esc_case cases[] = {
		{ "kcna.kp", "kcna.kp" },
		{ "a\x1b[31mb", "a\\x1b[31mb" },
		{ "nl\r\n\t", "nl\\x0d\\x0a\\x09" },
		{ "\xc3\xa9\x7f", "\\xc3\\xa9\\x7f" },
		{ "a|b 'c'=d", "a|b 'c'=d" },
	};

	RUN(tw_escape_term, cases);
}

static void
test_nagios(void **state)
{
	static const struct esc_case cases[] = {
		{ "kp down", "kp down" },
		{ "a|b", "a/b" },
		{ "x\n| 'y'=z", "x\\x0a/ 'y'=z" },
		{ "\xff", "\\xff" },
	};

	RUN(tw_escape_nagios, cases);
}

static void
test_nagios_label(void **state)
{
	static const struct esc_case cases[] = {
		{ "kp_auth_answering", "kp_auth_answering" },
		{ "it's", "it''s" },
		{ "a=b|c", "a_b/c" },
		{ "\x01'", "\\x01''" },
	};

	RUN(tw_escape_nagios_label, cases);
}

static void
test_html(void **state)
{
	static const struct esc_case cases[] = {
		{ "<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" },
		{ "a&b \"q\"", "a&amp;b &quot;q&quot;" },
		{ "tab\tnl\n", "tab\tnl\n" },
		{ "esc\x1b bel\x07", "esc\xef\xbf\xbd bel\xef\xbf\xbd" },
		{ "c1 \xc2\x85 nbsp \xc2\xa0", "c1 \xef\xbf\xbd nbsp \xc2\xa0" },
		{ "bad \xff\xfe", "bad \xef\xbf\xbd\xef\xbf\xbd" },
		{ "rtl \xe2\x80\xae ok", "rtl \xe2\x80\xae ok" },
	};

	RUN(tw_escape_html, cases);
}

static void
test_prom_label(void **state)
{
	static const struct esc_case cases[] = {
		{ "ns1.kptc.kp", "ns1.kptc.kp" },
		{ "a\\b\"c\nd", "a\\\\b\\\"c\\nd" },
		{ "bad \xc3\x28", "bad \xef\xbf\xbd(" },
		{ "tab\t", "tab\t" },
		{ "esc\x1b[31m\x7f\r", "esc\xef\xbf\xbd[31m\xef\xbf\xbd\xef\xbf\xbd" },
	};

	RUN(tw_escape_prom_label, cases);
}

static void
test_csv(void **state)
{
	static const struct esc_case cases[] = {
		{ "kcna.kp", "\"kcna.kp\"" },
		{ "a,b \"q\"", "\"a,b \"\"q\"\"\"" },
		{ "line\r\nbreak", "\"line\\x0d\\x0abreak\"" },
		{ "=cmd|' /C calc'!A0", "\"'=cmd|' /C calc'!A0\"" },
		{ "-2+3", "\"'-2+3\"" },
		{ "@SUM(A1)", "\"'@SUM(A1)\"" },
		{ "caf\xc3\xa9 \xff", "\"caf\xc3\xa9 \\xff\"" },
	};
	char *out;

	RUN(tw_escape_csv, cases);
	out = tw_escape_dup(tw_escape_csv, NULL);
	assert_string_equal(out, "\"\"");
	free(out);
}

static void
test_json(void **state)
{
	json_t *v;

	v = tw_escape_json(NULL);
	assert_true(json_is_null(v));
	json_decref(v);
	v = tw_escape_json("caf\xc3\xa9 \"q\"");
	assert_string_equal(json_string_value(v), "caf\xc3\xa9 \"q\"");
	json_decref(v);
	v = tw_escape_json("bad \xff byte");
	assert_string_equal(json_string_value(v), "bad \\xff byte");
	json_decref(v);
}

/* User text in an error message: one line, escaped, cut, quoted on request. */
static void
test_message(void **state)
{
	static const struct {
		const char *in;
		size_t n, max;
		bool quote;
		const char *want;
	} cases[] = {
		{ "fast", 4, 60, true, "\"fast\"" },
		{ "fast", 4, 60, false, "fast" },
		{ "a\nb\x1b[31m", 8, 60, true, "\"a\\x0ab\\x1b[31m\"" },
		{ "say \"hi\" \\o/", 12, 60, false, "say \\\"hi\\\" \\\\o/" },
		{ "abcdefgh", 8, 3, true, "\"abc...\"" },
		{ "nul\0byte", 8, 60, false, "nul\\x00byte" },
		{ "\x7f", 1, 60, false, "\\x7f" },
		{ "", 0, 60, true, "\"\"" },
	};
	char buf[TW_ESCAPE_MESSAGE_LEN(60)], small[20], tiny[8];
	char long_text[300];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(tw_escape_message(buf, sizeof(buf), cases[i].in, cases[i].n,
		    cases[i].max, cases[i].quote), cases[i].want);
	/* the worst case fits the documented size: every byte a control byte, then cut */
	memset(long_text, 0x01, sizeof(long_text));
	tw_escape_message(buf, sizeof(buf), long_text, sizeof(long_text), 60, true);
	assert_int_equal(strlen(buf), 1 + 60 * 4 + 3 + 1);
	/* a small buffer cuts shorter, never over its end; under 16 bytes, nothing */
	tw_escape_message(small, sizeof(small), long_text, sizeof(long_text), 60, true);
	assert_true(strlen(small) < sizeof(small));
	assert_int_equal(small[0], '"');
	assert_int_equal(small[strlen(small) - 1], '"');
	assert_string_equal(tw_escape_message(tiny, sizeof(tiny), "x", 1, 60, true), "");
	assert_string_equal(tw_escape_message(buf, sizeof(buf), NULL, 5, 60, true), "\"\"");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_term),
		cmocka_unit_test(test_nagios),
		cmocka_unit_test(test_nagios_label),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_prom_label),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
