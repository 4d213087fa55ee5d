/*
 * test_identmemo.c -- the watcher's memo of servers that refused their identity: a table of
 * refusals and look-ups over time (keyed by address, port and transport), the recheck time
 * read at each call, and pruning that keeps only the servers still within it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "tldwatch/identmemo.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define HOUR 3600000u

enum op { REFUSED, SKIP, ASK, PRUNE };

struct step {
	enum op op;
	const char *address;
	uint16_t port;
	enum tw_transport tr;
	double now;
	uint32_t recheck;
	unsigned long count;         /* servers held after the step */
};

static const struct step steps[] = {
	/* nothing known: asked */
	{ ASK, "192.0.2.1", 53, TW_TRANSPORT_UDP, 0, HOUR, 0 },
	{ REFUSED, "192.0.2.1", 53, TW_TRANSPORT_UDP, 1000, HOUR, 1 },
	/* within the hour: skipped; the same address on another port or transport is not */
	{ SKIP, "192.0.2.1", 53, TW_TRANSPORT_UDP, 1000 + HOUR - 1, HOUR, 1 },
	{ ASK, "192.0.2.1", 5353, TW_TRANSPORT_UDP, 2000, HOUR, 1 },
	{ ASK, "192.0.2.1", 53, TW_TRANSPORT_TCP, 2000, HOUR, 1 },
	{ ASK, "2001:db8::1", 53, TW_TRANSPORT_UDP, 2000, HOUR, 1 },
	/* a shorter recheck (a reloaded config) applies at once */
	{ ASK, "192.0.2.1", 53, TW_TRANSPORT_UDP, 1000 + 60000, 60000, 0 },
	/* refused again: held from the new time */
	{ REFUSED, "192.0.2.1", 53, TW_TRANSPORT_UDP, 70000, HOUR, 1 },
	{ REFUSED, "2001:db8::1", 53, TW_TRANSPORT_UDP, 80000, HOUR, 2 },
	{ REFUSED, "2001:db8::1", 53, TW_TRANSPORT_UDP, 90000, HOUR, 2 },  /* refreshed, not added */
	{ SKIP, "2001:db8::1", 53, TW_TRANSPORT_UDP, 90000 + HOUR - 1, HOUR, 2 },
	/* pruning keeps only those still within the recheck time */
	{ PRUNE, NULL, 0, TW_TRANSPORT_UDP, 70000 + HOUR, HOUR, 1 },
	{ SKIP, "2001:db8::1", 53, TW_TRANSPORT_UDP, 70000 + HOUR, HOUR, 1 },
	{ ASK, "192.0.2.1", 53, TW_TRANSPORT_UDP, 70000 + HOUR, HOUR, 1 },
	{ PRUNE, NULL, 0, TW_TRANSPORT_UDP, 90000 + HOUR, HOUR, 0 },
	{ ASK, "2001:db8::1", 53, TW_TRANSPORT_UDP, 90000 + HOUR, HOUR, 0 },
};

static void
test_table(void **state)
{
	struct tw_identmemo *m;
	const struct step *s;
	size_t i;

	(void)state;
	assert_non_null(m = tw_identmemo_new());
	for (i = 0; i < N(steps); i++) {
		s = &steps[i];
		switch (s->op) {
		case REFUSED:
			assert_int_equal(tw_identmemo_refused(m, s->address, s->port, s->tr, s->now), 0);
			break;
		case SKIP:
		case ASK:
			if (tw_identmemo_skip(m, s->address, s->port, s->tr, s->now, s->recheck) !=
			    (s->op == SKIP))
				fail_msg("step %zu: %s %s:%u", i, s->op == SKIP ? "not skipped" :
				    "skipped", s->address, (unsigned)s->port);
			break;
		case PRUNE:
			tw_identmemo_prune(m, s->now, s->recheck);
			break;
		}
		if (tw_identmemo_count(m) != s->count)
			fail_msg("step %zu: %lu servers held, want %lu", i, tw_identmemo_count(m),
			    s->count);
	}
	tw_identmemo_free(m);
	tw_identmemo_free(NULL);
}

/* Thousands of servers (a world watcher's): all held, all pruned at once. */
static void
test_many(void **state)
{
	struct tw_identmemo *m;
	char addr[32];
	unsigned i;

	(void)state;
	assert_non_null(m = tw_identmemo_new());
	for (i = 0; i < 7500; i++) {
		snprintf(addr, sizeof(addr), "127.%u.%u.%u", 210 + i / 62500, i / 250 % 250,
		    i % 250 + 1);
		assert_int_equal(tw_identmemo_refused(m, addr, 53, TW_TRANSPORT_UDP, i), 0);
	}
	assert_int_equal(tw_identmemo_count(m), 7500);
	assert_true(tw_identmemo_skip(m, "127.210.0.1", 53, TW_TRANSPORT_UDP, 1000, HOUR));
	tw_identmemo_prune(m, 3750 + HOUR, HOUR);     /* refused at 0 .. 3750: gone */
	assert_int_equal(tw_identmemo_count(m), 3749);
	tw_identmemo_prune(m, 7500 + HOUR, HOUR);
	assert_int_equal(tw_identmemo_count(m), 0);
	tw_identmemo_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
