/*
 * test_serial.c -- RFC 1982 serial order, the rows behind their zone's
 * newest serial, and the watch's grace for them: behind briefly is still up,
 * behind past watch.serial_grace is degraded, naming the server and how long.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tldwatch/history.h"
#include "tldwatch/serial.h"
#include "tldwatch/verdict.h"

static void
test_newer(void **state)
{
	static const struct {
		uint32_t a, b;
		bool newer;
	} t[] = {
		{ 2, 1, true }, { 1, 2, false }, { 7, 7, false },
		{ 2013083002u, 2013083001u, true },
		/* across the wrap: 1 follows 0xffffffff */
		{ 1, 0xffffffffu, true }, { 0xffffffffu, 1, false },
		{ 0x7fffffffu, 0, true }, { 0x80000000u, 0x00000001u, true },
		/* exactly 2^31 apart: not ordered, either way */
		{ 0x80000000u, 0, false }, { 0, 0x80000000u, false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (tw_serial_newer(t[i].a, t[i].b) != t[i].newer)
			fail_msg("newer(%u, %u) should be %d", t[i].a, t[i].b, t[i].newer);
}

/* kp served by ns1, ns2, ns3 (serials given, 0: none) and kcna.kp by two child rows. */
static struct tw_check_result *
kp_round(uint32_t s1, uint32_t s2, uint32_t s3)
{
	static const char *const names[] = { "ns1.kptc.kp", "ns2.kptc.kp", "ns3.kptc.kp",
	    "ns1.kcna.kp", "ns2.kcna.kp" };
	struct tw_check_result *r = calloc(1, sizeof(*r));
	struct tw_zone_result *z;
	uint32_t serial[5] = { s1, s2, s3, 5, 5 };
	size_t i;

	assert_non_null(r);
	assert_non_null(r->zones = calloc(1, sizeof(*r->zones)));
	r->n_zones = 1;
	z = &r->zones[0];
	z->name = strdup("kp");
	z->controls_answered = z->controls_total = 1;
	assert_non_null(z->servers = calloc(5, sizeof(*z->servers)));
	z->n_servers = 5;
	for (i = 0; i < 5; i++) {
		struct tw_server_result *s = &z->servers[i];

		s->role = i < 3 ? TW_ROLE_ZONE : TW_ROLE_CHILD;
		s->zone = strdup(i < 3 ? "kp" : "kcna.kp");
		s->name = strdup(names[i]);
		snprintf(s->address, sizeof(s->address), "127.45.176.%zu", 15 + i);
		s->port = 53;
		s->outcome = TW_OUTCOME_ANSWER;
		s->sent = s->answered = 1;
		s->rtt_ms = 1;
		s->has_serial = serial[i] != 0;
		s->serial = serial[i];
	}
	return r;
}

static void
test_mark(void **state)
{
	struct tw_check_result *r;
	struct tw_zone_result *z;

	(void)state;
	r = kp_round(2013083001u, 2013083000u, 2013083001u);
	z = &r->zones[0];
	tw_serial_mark(z);
	assert_false(z->servers[0].serial_behind);
	assert_true(z->servers[1].serial_behind);
	assert_int_equal(z->servers[1].serial_newest, 2013083001u);
	assert_false(z->servers[2].serial_behind);
	/* the child zone's rows compare among themselves only */
	assert_false(z->servers[3].serial_behind);
	assert_false(z->servers[4].serial_behind);
	tw_result_free(r);

	/* across the wrap, and a row without a serial is never behind */
	r = kp_round(0xfffffffeu, 3, 0);
	z = &r->zones[0];
	tw_serial_mark(z);
	assert_true(z->servers[0].serial_behind);
	assert_int_equal(z->servers[0].serial_newest, 3);
	assert_false(z->servers[1].serial_behind);
	assert_false(z->servers[2].serial_behind);
	tw_result_free(r);
}

/* A one-shot check keeps today's rule: any row behind makes the zone degraded. */
static void
test_check_rule(void **state)
{
	struct tw_check_result *r = kp_round(7, 6, 7);

	(void)state;
	assert_int_equal(tw_verdict_apply(r), 0);
	assert_int_equal(r->zones[0].state, TW_STATE_DEGRADED);
	assert_non_null(strstr(r->zones[0].diagnosis, "SOA serials differ"));
	assert_null(strstr(r->zones[0].diagnosis, "behind for"));
	tw_result_free(r);

	/* two serials RFC 1982 cannot order still differ */
	r = kp_round(0x80000001u, 1, 0);
	assert_int_equal(tw_verdict_apply(r), 0);
	assert_int_equal(r->zones[0].state, TW_STATE_DEGRADED);
	tw_result_free(r);
}

/*
 * Watch: ns2 falls behind at t=1000 and stays behind.  With a 15-minute
 * grace, rounds a minute apart stay up until ns2 has lagged 15 minutes,
 * then degraded, naming ns2 and how long; it catches up: up again, and its
 * lag clock is gone.
 */
static void
test_grace(void **state)
{
	struct tw_history *h = tw_history_new(60);
	struct tw_check_result *r;
	double t;
	unsigned round = 0;

	(void)state;
	assert_non_null(h);
	for (t = 1000; t <= 1000 + 16 * 60; t += 60) {
		r = kp_round(9, 8, 9);
		tw_history_serial_lag(h, r, t, 900);
		assert_int_equal(tw_verdict_apply(r), 0);
		assert_true(r->zones[0].servers[1].serial_behind);
		assert_true(r->zones[0].servers[1].serial_behind_since == 1000);
		if (t - 1000 < 900) {
			assert_true(r->zones[0].servers[1].serial_excused);
			if (r->zones[0].state != TW_STATE_UP)
				fail_msg("t+%.0f: %s: %s", t - 1000, tw_state_str(r->zones[0].state),
				    r->zones[0].diagnosis);
		} else {
			assert_false(r->zones[0].servers[1].serial_excused);
			assert_int_equal(r->zones[0].state, TW_STATE_DEGRADED);
			assert_non_null(strstr(r->zones[0].diagnosis, "ns2.kptc.kp behind for 1"));
		}
		assert_int_equal(tw_history_add(h, r, ++round), 0);
		tw_result_free(r);
	}
	r = kp_round(9, 9, 9);
	tw_history_serial_lag(h, r, t, 900);
	assert_int_equal(tw_verdict_apply(r), 0);
	assert_int_equal(r->zones[0].state, TW_STATE_UP);
	assert_int_equal(tw_history_add(h, r, ++round), 0);
	tw_result_free(r);
	/* behind again later: a new clock, from then */
	r = kp_round(10, 9, 10);
	tw_history_serial_lag(h, r, t + 60, 900);
	assert_true(r->zones[0].servers[1].serial_behind_since == t + 60);
	assert_true(r->zones[0].servers[1].serial_excused);
	tw_result_free(r);
	tw_history_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_newer),
		cmocka_unit_test(test_mark),
		cmocka_unit_test(test_check_rule),
		cmocka_unit_test(test_grace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
