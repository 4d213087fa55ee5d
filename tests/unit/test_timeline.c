/*
 * test_timeline.c -- published-state periods (runs, silences, the open end,
 * clipping) and UTC calendar buckets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tldwatch/timeline.h"

#define T0 1419000000.0         /* 2014-12-19T14:40:00Z */

struct want {
	enum tw_state state;
	double start, end;          /* end < 0: open */
	bool gap;
};

static void
check(const struct tw_timeline_round *r, size_t n, double now, double since, double until,
    const struct want *w, size_t nw)
{
	struct tw_timeline_period *p;
	size_t np, i;

	assert_int_equal(tw_timeline_periods(r, n, now, since, until, &p, &np), 0);
	if (np != nw)
		fail_msg("%zu periods, want %zu", np, nw);
	for (i = 0; i < nw; i++) {
		if (p[i].state != w[i].state || p[i].start != w[i].start || p[i].gap != w[i].gap ||
		    (w[i].end < 0 ? !p[i].open : (p[i].open || p[i].end != w[i].end)))
			fail_msg("period %zu: %s %.0f..%.0f%s%s, want %s %.0f..%.0f%s", i,
			    tw_state_str(p[i].state), p[i].start - T0, p[i].open ? -1 : p[i].end - T0,
			    p[i].gap ? " gap" : "", p[i].open ? " open" : "",
			    tw_state_str(w[i].state), w[i].start - T0,
			    w[i].end < 0 ? -1 : w[i].end - T0, w[i].gap ? " gap" : "");
	}
	tw_timeline_periods_free(p, np);
}

#define R(t, s) { T0 + (t), 60, TW_STATE_##s, #s }
#define W(s, a, b) { TW_STATE_##s, T0 + (a), (b) < 0 ? -1 : T0 + (b), false }
#define GAP(a, b) { TW_STATE_UNKNOWN, T0 + (a), (b) < 0 ? -1 : T0 + (b), true }
#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct tw_timeline_round rounds[] = {
	R(0, UP), R(60, UP), R(120, DEGRADED), R(180, DOWN), R(240, DOWN), R(300, UP),
	/* the watcher stops for an hour */
	R(3900, UP), R(3960, PARTIAL),
};

static void
test_periods(void **state)
{
	static const struct want all[] = {
		W(UP, 0, 120), W(DEGRADED, 120, 180), W(DOWN, 180, 300), W(UP, 300, 360),
		GAP(360, 3900), W(UP, 3900, 3960), W(PARTIAL, 3960, -1),
	};
	static const struct want stopped[] = {
		W(UP, 0, 120), W(DEGRADED, 120, 180), W(DOWN, 180, 300), W(UP, 300, 360),
		GAP(360, 3900), W(UP, 3900, 3960), W(PARTIAL, 3960, 4020), GAP(4020, -1),
	};
	static const struct want window[] = {
		W(DEGRADED, 150, 180), W(DOWN, 180, 300), W(UP, 300, 360), GAP(360, 1000),
	};

	/* now: a minute after the last round; then after a day of silence */
	check(rounds, N(rounds), T0 + 4020, 0, -1, all, N(all));
	check(rounds, N(rounds), T0 + 90000, 0, -1, stopped, N(stopped));
	check(rounds, N(rounds), T0 + 4020, T0 + 150, T0 + 1000, window, N(window));
	/* nothing in the window, nothing at all */
	check(rounds, N(rounds), T0 + 4020, T0 - 1000, T0 - 500, NULL, 0);
	check(rounds, 0, T0, 0, -1, NULL, 0);
}

static void
test_diagnosis(void **state)
{
	struct tw_timeline_period *p;
	size_t np;

	assert_int_equal(tw_timeline_periods(rounds, N(rounds), T0 + 4020, 0, -1, &p, &np), 0);
	assert_string_equal(p[2].diagnosis, "DOWN");
	assert_string_equal(p[4].diagnosis, "no rounds: the watcher was not running");
	tw_timeline_periods_free(p, np);
}

static void
test_buckets(void **state)
{
	enum tw_timeline_by by;

	/* 2014-12-31T23:30:00Z */
	assert_true(tw_timeline_bucket(1420068600.0, TW_TIMELINE_HOUR) == 1420066800.0);
	assert_true(tw_timeline_bucket(1420068600.0, TW_TIMELINE_DAY) == 1419984000.0);
	assert_true(tw_timeline_bucket(1420068600.0, TW_TIMELINE_MONTH) == 1417392000.0);
	/* December -> January; February 2016 has 29 days */
	assert_true(tw_timeline_bucket_next(1417392000.0, TW_TIMELINE_MONTH) == 1420070400.0);
	assert_true(tw_timeline_bucket_next(1454284800.0, TW_TIMELINE_MONTH) - 1454284800.0 ==
	    29 * 86400.0);
	assert_true(tw_timeline_bucket_next(1419984000.0, TW_TIMELINE_DAY) == 1420070400.0);
	assert_int_equal(tw_timeline_by_from_str("day", &by), 0);
	assert_int_equal(by, TW_TIMELINE_DAY);
	assert_string_equal(tw_timeline_by_str(TW_TIMELINE_MONTH), "month");
	assert_int_equal(tw_timeline_by_from_str("week", &by), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_periods),
		cmocka_unit_test(test_diagnosis),
		cmocka_unit_test(test_buckets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
