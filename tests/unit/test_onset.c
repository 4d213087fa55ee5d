/*
 * test_onset.c -- the shape of an outage's onset, from hand-built rounds:
 * a cliff, a ramp of loss, a ramp of RTT, an unstable zone, refusals, too
 * little history, and the JSON form.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tldwatch/onset.h"

/*
 * One round of the two kp servers, as a letter each: 'a' answered (1 ms),
 * 's' slow (answered, 40 ms), 'l' lost a query (answered the retry), 't'
 * timeout, 'r' refused.
 */
static void
server_of(char c, struct tw_server_result *sv)
{
	sv->sent = 1;
	sv->answered = 1;
	sv->rtt_ms = 1.0;
	sv->outcome = TW_OUTCOME_ANSWER;
	switch (c) {
	case 's':
		sv->rtt_ms = 40.0;
		break;
	case 'l':
		sv->sent = 2;
		break;
	case 't':
		sv->answered = 0;
		sv->sent = 2;
		sv->rtt_ms = -1;
		sv->outcome = TW_OUTCOME_TIMEOUT;
		break;
	case 'r':
		sv->outcome = TW_OUTCOME_REFUSED;
		break;
	default:
		break;
	}
}

struct run {
	struct tw_history *h;
	struct tw_server_result sv[2];
	struct tw_zone_result z;
	struct tw_check_result r;
	enum tw_state raw[64];
	size_t n_raw;
	uint64_t round;
};

static void
run_init(struct run *run)
{
	static char kp[] = "kp", n1[] = "ns1.kptc.kp", n2[] = "ns2.kptc.kp";
	unsigned i;

	memset(run, 0, sizeof(*run));
	assert_non_null(run->h = tw_history_new(60));
	for (i = 0; i < 2; i++) {
		run->sv[i].role = TW_ROLE_ZONE;
		run->sv[i].zone = kp;
		run->sv[i].name = i == 0 ? n1 : n2;
		snprintf(run->sv[i].address, sizeof(run->sv[i].address), "127.45.176.%u", 15 + i);
		run->sv[i].port = 53;
	}
	run->z.name = kp;
	run->z.servers = run->sv;
	run->z.n_servers = 2;
	run->r.zones = &run->z;
	run->r.n_zones = 1;
}

/* Rounds as "aa aa sl tt": two letters a round, the zone's raw state judged from them. */
static void
rounds(struct run *run, const char *spec)
{
	const char *p;

	for (p = spec; *p != '\0'; p++) {
		bool dark;

		if (*p == ' ')
			continue;
		server_of(p[0], &run->sv[0]);
		server_of(p[1], &run->sv[1]);
		dark = run->sv[0].outcome != TW_OUTCOME_ANSWER &&
		    run->sv[1].outcome != TW_OUTCOME_ANSWER;
		run->z.state = dark ? TW_STATE_DOWN : run->sv[0].outcome != TW_OUTCOME_ANSWER ||
		    run->sv[1].outcome != TW_OUTCOME_ANSWER ? TW_STATE_DEGRADED : TW_STATE_UP;
		run->round++;
		assert_int_equal(tw_history_add(run->h, &run->r, run->round), 0);
		if (run->n_raw == 10) {
			memmove(run->raw, run->raw + 1, 9 * sizeof(run->raw[0]));
			run->n_raw--;
		}
		run->raw[run->n_raw++] = run->z.state;
		p++;
	}
}

static void
onset_of(struct run *run, enum tw_state before, struct tw_onset *o)
{
	struct tw_onset_input in;

	memset(&in, 0, sizeof(in));
	in.history = run->h;
	in.zone = "kp";
	in.round = run->round;
	in.raw = run->raw;
	in.n_raw = run->n_raw;
	in.published_before = before;
	in.now = &run->z;
	in.onset_rounds = 3;
	tw_onset_find(&in, o);
	tw_history_free(run->h);
}

static void
test_cliff(void **state)
{
	struct run run;
	struct tw_onset o;

	(void)state;
	run_init(&run);
	rounds(&run, "aa aa aa aa aa aa aa aa aa aa tt tt");
	onset_of(&run, TW_STATE_UP, &o);
	assert_int_equal(o.shape, TW_ONSET_CLIFF);
	assert_int_equal(o.rounds_before, 6);
	assert_string_equal(o.evidence,
	    "every server answered 1 round before it, then every server went silent");
}

static void
test_ramp_of_loss(void **state)
{
	struct run run;
	struct tw_onset o;

	(void)state;
	run_init(&run);
	rounds(&run, "aa aa aa aa aa aa al la ll ll tt tt");
	onset_of(&run, TW_STATE_UP, &o);
	assert_int_equal(o.shape, TW_ONSET_RAMP);
	assert_non_null(strstr(o.evidence, "in 4 of the 6 rounds before it"));
	assert_non_null(strstr(o.evidence, "loss rose 0% -> 50%"));
	assert_non_null(strstr(o.evidence, "then every server went silent"));
}

static void
test_ramp_of_rtt(void **state)
{
	struct run run;
	struct tw_onset o;

	(void)state;
	run_init(&run);
	/* 40 ms against a 1 ms baseline: 40x; the last clean round is 1 before, still a ramp */
	rounds(&run, "aa aa aa aa aa aa aa as ss ss aa tt");
	onset_of(&run, TW_STATE_UP, &o);
	assert_int_equal(o.shape, TW_ONSET_RAMP);
	assert_non_null(strstr(o.evidence, "RTT up to 40.0x its usual"));
}

static void
test_unstable_is_a_ramp(void **state)
{
	struct run run;
	struct tw_onset o;

	(void)state;
	run_init(&run);
	/* published unstable, then three calm rounds, then dark: the 2014 shape */
	rounds(&run, "aa tt aa tt aa tt aa aa aa tt tt");
	onset_of(&run, TW_STATE_UNSTABLE, &o);
	assert_int_equal(o.shape, TW_ONSET_RAMP);
	assert_non_null(strstr(o.evidence, "the zone was unstable"));
}

static void
test_two_troubled_rounds_are_not_a_ramp(void **state)
{
	struct run run;
	struct tw_onset o;

	(void)state;
	run_init(&run);
	rounds(&run, "aa aa aa aa aa aa aa aa al al tt tt");
	onset_of(&run, TW_STATE_UP, &o);
	assert_int_equal(o.shape, TW_ONSET_UNCLEAR);
	assert_non_null(strstr(o.evidence, "2 troubled of the 6 rounds before it (fewer than 3)"));
}

static void
test_administrative(void **state)
{
	struct run run;
	struct tw_onset o;

	(void)state;
	run_init(&run);
	rounds(&run, "aa aa aa aa ll ll ll ll rr rr");
	onset_of(&run, TW_STATE_UP, &o);
	/* refusals win over the loss before them: the servers say what happened */
	assert_int_equal(o.shape, TW_ONSET_ADMINISTRATIVE);
	assert_string_equal(o.evidence, "2 of 2 servers answer but refuse the zone (refused)");
}

static void
test_filtering(void **state)
{
	struct run run;
	struct tw_onset o;

	(void)state;
	run_init(&run);
	rounds(&run, "aa aa aa aa aa aa aa aa tt tt");
	run.sv[0].fallback_tcp = TW_OUTCOME_ANSWER;
	run.sv[1].fallback_tcp = TW_OUTCOME_ANSWER;
	onset_of(&run, TW_STATE_UP, &o);
	/* the second opinion says more than the rounds before it */
	assert_int_equal(o.shape, TW_ONSET_FILTERING);
	assert_string_equal(o.evidence, "UDP to 2 of 2 servers dropped while 2 answer over TCP");

	run_init(&run);
	rounds(&run, "aa aa aa aa aa aa aa aa tt tt");
	run.sv[1].fallback_tcp = TW_OUTCOME_TIMEOUT;
	onset_of(&run, TW_STATE_UP, &o);
	assert_int_equal(o.shape, TW_ONSET_CLIFF);
}

static void
test_no_history(void **state)
{
	struct run run;
	struct tw_onset o;

	(void)state;
	run_init(&run);
	rounds(&run, "tt tt");
	onset_of(&run, TW_STATE_UNKNOWN, &o);
	assert_int_equal(o.shape, TW_ONSET_UNCLEAR);
	assert_int_equal(o.rounds_before, 0);
	assert_string_equal(o.evidence,
	    "no round before it to compare with; every server went silent");
}

static void
test_json(void **state)
{
	struct tw_onset o, back;
	json_t *v;
	char *s;
	unsigned i;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.shape = TW_ONSET_CLIFF;
	o.rounds_before = 6;
	snprintf(o.evidence, sizeof(o.evidence), "a \"quote\" and \x01 a control byte");
	assert_non_null(v = tw_onset_json(&o));
	assert_non_null(s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER));
	assert_string_equal(s, "{\"shape\":\"cliff\",\"rounds_before\":6,\"evidence\":"
	    "\"a \\\"quote\\\" and \\u0001 a control byte\",\"consistent_with\":"
	    "[\"a route withdrawal\",\"an upstream cut\",\"a power or router failure\"]}");
	assert_int_equal(tw_onset_from_json(v, &back), 0);
	assert_int_equal(back.shape, TW_ONSET_CLIFF);
	assert_int_equal(back.rounds_before, 6);
	assert_string_equal(back.evidence, o.evidence);
	free(s);
	json_decref(v);
	for (i = 0; i < TW_ONSET_SHAPE_COUNT; i++) {
		enum tw_onset_shape sh;

		assert_int_equal(tw_onset_shape_from_str(tw_onset_shape_str(i), &sh), 0);
		assert_int_equal(sh, i);
	}
	assert_int_equal(tw_onset_shape_from_str("verdict", &back.shape), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cliff),
		cmocka_unit_test(test_ramp_of_loss),
		cmocka_unit_test(test_ramp_of_rtt),
		cmocka_unit_test(test_unstable_is_a_ramp),
		cmocka_unit_test(test_two_troubled_rounds_are_not_a_ramp),
		cmocka_unit_test(test_administrative),
		cmocka_unit_test(test_filtering),
		cmocka_unit_test(test_no_history),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
