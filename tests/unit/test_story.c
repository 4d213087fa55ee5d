/*
 * test_story.c -- an outage told as JSON, text and CSV: the 2014 story
 * against golden files, an ongoing outage, and hostile names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tldwatch/story.h"
#include "golden.h"
#include "outage_fixture.h"

static void
build(struct story *s, const char *const *rows, size_t n, struct tw_outage *o)
{
	struct tw_outage_span sp;

	story(s, rows, n);
	assert_int_equal(tw_outage_next(&s->in, 0, &sp), 0);
	assert_int_equal(tw_outage_build(&s->in, &sp, o), 0);
	o->number = 1;
}

static char *
render(const struct tw_outage *o, int how)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	json_t *j;

	assert_non_null(fp);
	switch (how) {
	case 0:
		j = tw_story_json(o);
		assert_non_null(j);
		json_dumpf(j, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
		fputc('\n', fp);
		json_decref(j);
		break;
	case 1:
		tw_story_text(o, "North Korea", fp);
		break;
	default:
		tw_story_csv_header(fp);
		tw_story_csv(o, fp);
		break;
	}
	assert_int_equal(fclose(fp), 0);
	return buf;
}

static void
test_2014_golden(void **state)
{
	static const char *const files[] = { "story-2014.json", "story-2014.txt",
		"story-2014.csv" };
	struct story s;
	struct tw_outage o;
	char *out;
	int i;

	build(&s, y2014, N(y2014), &o);
	for (i = 0; i < 3; i++) {
		out = render(&o, i);
		golden_check(files[i], out);
		free(out);
	}
	tw_outage_clear(&o);
}

/* The fields the report promises, with their types. */
static void
test_json_fields(void **state)
{
	struct story s;
	struct tw_outage o;
	json_t *j, *p, *h;

	build(&s, y2014, N(y2014), &o);
	j = tw_story_json(&o);
	assert_string_equal(json_string_value(json_object_get(j, "zone")), "kp");
	assert_int_equal(json_integer_value(json_object_get(j, "outage")), 1);
	assert_true(json_is_false(json_object_get(j, "ongoing")));
	assert_int_equal(json_array_size(json_object_get(j, "start_bounds")), 2);
	assert_int_equal(json_array_size(json_object_get(j, "end_bounds")), 2);
	assert_true(json_real_value(json_object_get(j, "seconds")) == 420.0);
	assert_true(json_real_value(json_object_get(j, "uncertainty_seconds")) == 60.0);
	p = json_array_get(json_object_get(j, "phases"), 0);
	assert_string_equal(json_string_value(json_object_get(p, "state")), "unstable");
	p = json_array_get(json_object_get(j, "phases"), 3);
	assert_string_equal(json_string_value(json_object_get(p, "state")), "restored");
	h = json_array_get(json_object_get(j, "hosts"), 2);
	assert_string_equal(json_string_value(json_object_get(h, "name")), "naenara.com.kp");
	assert_true(json_is_true(json_object_get(h, "key")));
	assert_string_equal(json_string_value(json_array_get(json_object_get(j,
	    "restoration_order"), 0)), "kcna.kp");
	json_decref(j);
	tw_outage_clear(&o);
}

static void
test_ongoing(void **state)
{
	static const char *const rows[] = {
		"uu. RRRR", "DDo DDDD", "DDo DDDD", "pDo RDDD", "ppo RDDD",
	};
	struct story s;
	struct tw_outage o;
	char *out;
	json_t *j;

	build(&s, rows, N(rows), &o);
	j = tw_story_json(&o);
	assert_true(json_is_true(json_object_get(j, "ongoing")));
	assert_true(json_is_null(json_object_get(j, "end")));
	assert_true(json_is_null(json_object_get(j, "end_bounds")));
	assert_true(json_is_null(json_object_get(json_array_get(json_object_get(j, "phases"), 1),
	    "end")));
	json_decref(j);
	out = render(&o, 1);
	assert_non_null(strstr(out, "kp (North Korea) has been unreachable since "
	    "2014-12-19 14:41 UTC, for 3m 0s so far."));
	free(out);
	tw_outage_clear(&o);
}

/* Names and diagnoses from DNS come out safe in every form. */
static void
test_hostile(void **state)
{
	static const char *const evil_hosts[] = { "=cmd|' /C calc'!A0", "a\"b,c\r\nd",
		"\x1b[31mred\xff", "<script>" };
	static const char diag[] = "\"quoted\", \x1b[2J cleared\n=1+1";
	struct story s;
	struct tw_outage o;
	char *out;
	json_t *j;
	json_error_t jerr;
	size_t i;

	story(&s, y2014, N(y2014));
	s.in.hosts = evil_hosts;
	for (i = 0; i < s.in.n_rounds; i++)
		s.r[i].diagnosis = diag;
	{
		struct tw_outage_span sp;

		assert_int_equal(tw_outage_next(&s.in, 0, &sp), 0);
		assert_int_equal(tw_outage_build(&s.in, &sp, &o), 0);
	}
	out = render(&o, 0);
	j = json_loads(out, 0, &jerr);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(j,
	    "hosts"), 2), "name")), "\\x1b[31mred\\xff");
	json_decref(j);
	free(out);
	out = render(&o, 1);
	assert_null(strchr(out, '\x1b'));
	assert_null(strchr(out, '\r'));
	assert_non_null(strstr(out, "\\x1b[31mred\\xff"));
	free(out);
	out = render(&o, 2);
	assert_null(strchr(out, '\x1b'));
	assert_non_null(strstr(out, "\"'=cmd|' /C calc'!A0\""));
	assert_non_null(strstr(out, "\"a\"\"b,c\\x0d\\x0ad\""));
	assert_non_null(strstr(out, "\"\"\"quoted\"\", \\x1b[2J cleared\\x0a=1+1\""));
	/* every line ends CRLF and has the header's eleven fields outside quotes */
	{
		const char *p = out;
		bool quoted = false;
		int commas = 0, lines = 0;

		for (; *p != '\0'; p++) {
			if (*p == '"')
				quoted = !quoted;
			else if (!quoted && *p == ',')
				commas++;
			else if (!quoted && *p == '\n') {
				assert_true(p > out && p[-1] == '\r');
				assert_int_equal(commas, 10);
				commas = 0;
				lines++;
			}
		}
		assert_false(quoted);
		assert_int_equal(lines, 1 + 1 + 4 + 4);
	}
	free(out);
	tw_outage_clear(&o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_2014_golden),
		cmocka_unit_test(test_json_fields),
		cmocka_unit_test(test_ongoing),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
