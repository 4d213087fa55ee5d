/*
 * test_outage.c -- outages found in a zone's rounds and their stories, from
 * rounds written as a table: each round's own state, the published state,
 * and per host R (resolved), D (dark) or - (not asked).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tldwatch/outage.h"

#include "outage_fixture.h"

static void
expect_phase(const struct tw_outage *o, size_t i, const char *state, double start, double end)
{
	const struct tw_outage_phase *p;

	if (i >= o->n_phases)
		fail_msg("phase %zu missing (%zu phases)", i, o->n_phases);
	p = &o->phases[i];
	if (strcmp(state, "restored") == 0)
		assert_true(p->restored);
	else {
		assert_false(p->restored);
		assert_int_equal(p->state, st(state[0]));
	}
	if (p->start != start)
		fail_msg("phase %zu (%s) starts at round %.1f", i, state, (p->start - T0) / IVAL);
	if (end < 0)
		assert_true(p->open);
	else if (p->open || p->end != end)
		fail_msg("phase %zu (%s) ends at round %.1f", i, state, (p->end - T0) / IVAL);
}

static void
test_2014(void **state)
{
	struct story s;
	struct tw_outage_span sp;
	struct tw_outage o;

	story(&s, y2014, N(y2014));
	assert_int_equal(tw_outage_next(&s.in, 0, &sp), 0);
	assert_int_equal(sp.b, 10);
	assert_true(sp.ended);
	assert_int_equal(sp.g, 17);
	assert_int_equal(tw_outage_build(&s.in, &sp, &o), 0);
	assert_string_equal(o.zone, "kp");
	assert_false(o.ongoing);
	assert_true(o.start == T(10));
	assert_true(o.start_lo_known && o.start_lo == T(9));
	assert_true(o.end == T(17) && o.end_lo == T(16));
	assert_true(o.seconds == 7 * IVAL);
	assert_true(o.uncertainty == IVAL);
	assert_int_equal(o.first_round, 110);
	assert_int_equal(o.last_round, 117);

	/* unstable from the first change of its flap window (round 4), not round 7 */
	assert_int_equal(o.n_phases, 4);
	expect_phase(&o, 0, "U", T(4), T(10));
	expect_phase(&o, 1, "D", T(10), T(15));
	expect_phase(&o, 2, "p", T(15), T(17));
	expect_phase(&o, 3, "restored", T(17), T(17));
	assert_string_equal(o.phases[1].diagnosis, "diag 10");

	assert_int_equal(o.n_hosts, 4);
	assert_true(o.hosts[0].lost_known && o.hosts[0].lost == T(10));
	assert_true(o.hosts[0].back_known && o.hosts[0].back == T(15));
	assert_true(o.hosts[0].back_lo == T(14));
	assert_true(o.hosts[2].back == T(17) && o.hosts[2].back_lo == T(16));
	assert_true(o.hosts[0].key && !o.hosts[3].key);
	/* the news agency and the newspaper first; ties in configuration order */
	assert_int_equal(o.n_order, 4);
	assert_int_equal(o.order[0], 0);
	assert_int_equal(o.order[1], 1);
	assert_int_equal(o.order[2], 2);
	assert_int_equal(o.order[3], 3);
	tw_outage_clear(&o);

	/* and nothing after it */
	assert_int_equal(sp.next, 18);
	assert_int_equal(tw_outage_next(&s.in, sp.next, &sp), -1);
}

/* Still dark at the last round: ongoing, the last phase open, no restoration. */
static void
test_ongoing(void **state)
{
	static const char *const rows[] = {
		"uu. RRRR", "DDo DDDD", "DDo DDDD", "pDo RDDD", "ppo RDDD",
	};
	struct story s;
	struct tw_outage_span sp;
	struct tw_outage o;

	story(&s, rows, N(rows));
	assert_int_equal(tw_outage_next(&s.in, 0, &sp), 0);
	assert_false(sp.ended);
	assert_int_equal(tw_outage_build(&s.in, &sp, &o), 0);
	assert_true(o.ongoing);
	assert_true(o.seconds == 3 * IVAL);
	assert_true(o.uncertainty == IVAL / 2);      /* only the start is uncertain so far */
	assert_int_equal(o.n_phases, 2);
	expect_phase(&o, 0, "D", T(1), T(3));
	expect_phase(&o, 1, "p", T(3), -1);
	assert_int_equal(o.n_order, 1);             /* kcna came back; the rest still dark */
	assert_int_equal(o.order[0], 0);
	assert_false(o.hosts[1].back_known);
	assert_true(o.hosts[1].lost_known);
	tw_outage_clear(&o);
}

/* Blind rounds neither start, end nor bound an outage; they are a phase of their own. */
static void
test_blind(void **state)
{
	static const char *const rows[] = {
		"uu. RRRR", "?u. ----", "DDo DDDD", "?Do ----", "DDo DDDD", "?Do ----",
		"uu. RRRR",
	};
	struct story s;
	struct tw_outage_span sp;
	struct tw_outage o;

	story(&s, rows, N(rows));
	assert_int_equal(tw_outage_next(&s.in, 0, &sp), 0);
	assert_int_equal(sp.b, 2);
	assert_int_equal(sp.g, 6);
	assert_int_equal(tw_outage_build(&s.in, &sp, &o), 0);
	/* began after round 0 (round 1 saw nothing), ended after round 4 */
	assert_true(o.start_lo == T(0));
	assert_true(o.end_lo == T(4));
	assert_true(o.uncertainty == (2 * IVAL + 2 * IVAL) / 2);
	expect_phase(&o, 0, "D", T(2), T(3));
	expect_phase(&o, 1, "?", T(3), T(4));
	expect_phase(&o, 2, "D", T(4), T(5));
	expect_phase(&o, 3, "?", T(5), T(6));
	expect_phase(&o, 4, "restored", T(6), T(6));
	/* the blind rounds are part of the dark run: lost at 2, back at 6 after 4 */
	assert_true(o.hosts[0].lost == T(2) && o.hosts[0].back == T(6) &&
	    o.hosts[0].back_lo == T(4));
	tw_outage_clear(&o);
}

/*
 * Flapping between down and up is published unstable: no outage.  A partial
 * outage the tracker published is one, from its first partial round.
 */
static void
test_flapping_and_partial(void **state)
{
	static const char *const flaps[] = {
		"uu. RRRR", "Du. DDDD", "uu. RRRR", "Du. DDDD", "uU. RRRR", "DU. DDDD", "uU. RRRR",
	};
	static const char *const rows[] = {
		"uu. RRRR", "pu. RDRR", "ppo RDRR", "upo RRRR", "uu. RRRR",
	};
	struct story s;
	struct tw_outage_span sp;
	struct tw_outage o;

	story(&s, flaps, N(flaps));
	assert_int_equal(tw_outage_next(&s.in, 0, &sp), -1);
	story(&s, rows, N(rows));
	assert_int_equal(tw_outage_next(&s.in, 0, &sp), 0);
	assert_int_equal(sp.b, 1);
	assert_int_equal(sp.g, 3);
	assert_int_equal(tw_outage_build(&s.in, &sp, &o), 0);
	expect_phase(&o, 0, "p", T(1), T(3));
	expect_phase(&o, 1, "restored", T(3), T(3));
	assert_int_equal(o.n_order, 1);
	assert_int_equal(o.order[0], 1);
	tw_outage_clear(&o);
}

/*
 * Two outages: the second is found where the first one's search ended, and
 * its story does not reach back into the first one.
 */
static void
test_two(void **state)
{
	static const char *const rows[] = {
		"uu. RRRR", "DDo DDDD", "DDo DDDD", "uDo RRRR", "uu. RRRR", "DD. DDDD",
		"DDo DDDD", "uDo RRRR", "uu. RRRR",
	};
	struct story s;
	struct tw_outage_span sp;
	struct tw_outage o;

	story(&s, rows, N(rows));
	assert_int_equal(tw_outage_next(&s.in, 0, &sp), 0);
	assert_int_equal(sp.b, 1);
	assert_int_equal(sp.g, 3);
	assert_int_equal(tw_outage_next(&s.in, sp.next, &sp), 0);
	assert_int_equal(sp.b, 5);
	assert_int_equal(sp.g, 7);
	assert_int_equal(tw_outage_build(&s.in, &sp, &o), 0);
	assert_true(o.start_lo == T(4));
	expect_phase(&o, 0, "D", T(5), T(7));
	expect_phase(&o, 1, "restored", T(7), T(7));
	assert_true(o.hosts[0].lost == T(5));      /* not from the first outage's dark run */
	tw_outage_clear(&o);
}

/* Down from the very first round: when it began is unknown. */
static void
test_from_the_start(void **state)
{
	static const char *const rows[] = { "DDo DDDD", "DDo DDDD", "gu. RRRD" };
	struct story s;
	struct tw_outage_span sp;
	struct tw_outage o;

	story(&s, rows, N(rows));
	assert_int_equal(tw_outage_next(&s.in, 0, &sp), 0);
	assert_int_equal(tw_outage_build(&s.in, &sp, &o), 0);
	assert_false(o.start_lo_known);
	assert_true(o.uncertainty == IVAL / 2);
	assert_true(o.seconds == 2 * IVAL);
	/* degraded ends it; airkoryo (not a key host) is still dark */
	assert_int_equal(o.n_order, 3);
	assert_false(o.hosts[3].back_known);
	tw_outage_clear(&o);
}

/*
 * Carried over (an imported v1 state file): the tracker held an outage since
 * long before the first round, and no round of it was bad (the rise
 * streak ends it).  It starts when the tracker says, its end bound is that
 * start (never a round before the input), and its first phase starts there.
 */
static void
test_carried(void **state)
{
	static const char *const rows[] = { "upo RRRR", "upo RRRR", "uu. RRRR" };
	struct story s;
	struct tw_outage_span sp;
	struct tw_outage o;
	const double since = T0 - 86400;

	story(&s, rows, N(rows));
	s.in.held_since = since;
	assert_int_equal(tw_outage_next(&s.in, 0, &sp), 0);
	assert_true(sp.carried);
	assert_int_equal(tw_outage_build(&s.in, &sp, &o), 0);
	assert_true(o.start == since);
	assert_false(o.start_lo_known);
	assert_false(o.ongoing);
	/* the good run that ended it began with its first round here: G is the next one */
	assert_true(o.end == T(1));
	assert_true(o.end_lo == since);
	assert_true(o.seconds == T(1) - since);
	assert_true(o.uncertainty == (T(1) - since) / 2);
	assert_true(o.n_phases >= 1);
	assert_true(o.phases[0].start == since);
	assert_int_equal(o.first_round, 100);
	tw_outage_clear(&o);

	/* Without held_since the rounds are all there is: it starts at the first. */
	s.in.held_since = 0;
	assert_int_equal(tw_outage_next(&s.in, 0, &sp), 0);
	assert_int_equal(tw_outage_build(&s.in, &sp, &o), 0);
	assert_true(o.start == T0);
	assert_true(o.end_lo == T0);
	assert_true(o.uncertainty == IVAL / 2);
	tw_outage_clear(&o);

	/* A later start than the rounds' never moves it: not carried. */
	{
		static const char *const later[] = { "uu. RRRR", "DDo DDDD", "uu. RRRR" };

		story(&s, later, N(later));
		s.in.held_since = T(5);
		assert_int_equal(tw_outage_next(&s.in, 0, &sp), 0);
		assert_false(sp.carried);
		assert_int_equal(tw_outage_build(&s.in, &sp, &o), 0);
		assert_true(o.start == T(1));
		assert_true(o.start_lo_known);
		tw_outage_clear(&o);
	}
}

/* A degraded stretch before B is told by published state, the bad run by its own. */
static void
test_pre_phases(void **state)
{
	static const char *const rows[] = {
		"uu. RRRR", "gg. RRRD", "pg. RDRD", "ppo RDRD", "DDo DDDD", "uu. RRRR",
	};
	struct story s;
	struct tw_outage_span sp;
	struct tw_outage o;

	story(&s, rows, N(rows));
	assert_int_equal(tw_outage_next(&s.in, 0, &sp), 0);
	assert_int_equal(tw_outage_build(&s.in, &sp, &o), 0);
	/* the bad run began with the first partial round, before it was published */
	assert_int_equal(sp.b, 2);
	assert_true(o.start_lo == T(1));
	expect_phase(&o, 0, "g", T(1), T(2));
	expect_phase(&o, 1, "p", T(2), T(4));
	expect_phase(&o, 2, "D", T(4), T(5));
	expect_phase(&o, 3, "restored", T(5), T(5));
	/* rodong went dark at 2, before B: its dark run holds B */
	assert_true(o.hosts[1].lost == T(2));
	assert_true(o.hosts[3].lost == T(1));
	tw_outage_clear(&o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_2014),
		cmocka_unit_test(test_ongoing),
		cmocka_unit_test(test_blind),
		cmocka_unit_test(test_flapping_and_partial),
		cmocka_unit_test(test_two),
		cmocka_unit_test(test_from_the_start),
		cmocka_unit_test(test_carried),
		cmocka_unit_test(test_pre_phases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
