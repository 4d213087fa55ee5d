/*
 * test_event.c -- events: the kinds and their names, the one JSON form and
 * reading it back, copies, and the ring of recent events.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tldwatch/event.h"

static void
test_kinds(void **state)
{
	static const char *const want[TW_EVENT_KIND_COUNT] = {
		"degraded", "recovered", "unstable", "stable", "unknown",
		"partial_outage", "outage", "partial_restoration", "restored",
		"instance_changed",
	};
	enum tw_event_kind k;
	unsigned i;

	for (i = 0; i < TW_EVENT_KIND_COUNT; i++) {
		assert_string_equal(tw_event_kind_str((enum tw_event_kind)i), want[i]);
		assert_int_equal(tw_event_kind_from_str(want[i], &k), 0);
		assert_int_equal(k, (enum tw_event_kind)i);
	}
	assert_string_equal(tw_event_kind_str((enum tw_event_kind)TW_EVENT_KIND_COUNT),
	    "invalid");
	assert_int_equal(tw_event_kind_from_str("Outage", &k), -1);
	assert_int_equal(tw_event_kind_from_str("", &k), -1);
}

static struct tw_event
sample(void)
{
	static char zone[] = "kp", diag[] = "both kp servers silent";
	struct tw_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.time = 1419265500.25;            /* 2014-12-22T16:25:00.250Z */
	ev.zone = zone;
	ev.kind = TW_EVENT_RESTORED;
	ev.from = TW_STATE_PARTIAL;
	ev.to = TW_STATE_UP;
	ev.diagnosis = diag;
	ev.has_outage_seconds = true;
	ev.outage_seconds = 34200.0004;     /* written to the millisecond */
	ev.outage_start = 1419231300.5;
	return ev;
}

static void
test_json_line(void **state)
{
	struct tw_event ev = sample();
	char *line = tw_event_json_line(&ev);

	assert_non_null(line);
	assert_string_equal(line, "{\"time\":\"2014-12-22T16:25:00.250Z\","
	    "\"unix\":1419265500.25,\"zone\":\"kp\",\"event\":\"restored\","
	    "\"from\":\"partial\",\"to\":\"up\",\"diagnosis\":\"both kp servers silent\","
	    "\"outage_seconds\":34200.0,\"outage_start\":\"2014-12-22T06:55:00.500Z\"}");
	free(line);
	/* not in an outage: neither field; no diagnosis: null */
	ev.has_outage_seconds = false;
	ev.outage_start = 0;
	ev.diagnosis = NULL;
	line = tw_event_json_line(&ev);
	assert_non_null(line);
	assert_null(strstr(line, "outage_"));
	assert_non_null(strstr(line, "\"diagnosis\":null"));
	free(line);
}

/* Text that is not UTF-8 comes out escaped, never dropped (the zone too). */
static void
test_json_not_utf8(void **state)
{
	static char zone[] = "k\xffp", diag[] = "bad \xc3\x28 byte";
	struct tw_event ev = sample();
	char *line;

	ev.zone = zone;
	ev.diagnosis = diag;
	line = tw_event_json_line(&ev);
	assert_non_null(line);
	assert_non_null(strstr(line, "\"zone\":\"k\\\\xffp\""));
	assert_non_null(strstr(line, "\"diagnosis\":\"bad \\\\xc3( byte\""));
	free(line);
}

static void
test_round_trip(void **state)
{
	struct tw_event ev = sample(), back;
	struct tw_error err;
	json_t *o;

	ev.outage_seconds = 34200.125;
	o = tw_event_json(&ev);
	assert_non_null(o);
	memset(&err, 0, sizeof(err));
	assert_int_equal(tw_event_from_json(o, &back, "e", &err), 0);
	assert_true(back.time == ev.time);
	assert_string_equal(back.zone, "kp");
	assert_int_equal(back.kind, TW_EVENT_RESTORED);
	assert_int_equal(back.from, TW_STATE_PARTIAL);
	assert_int_equal(back.to, TW_STATE_UP);
	assert_string_equal(back.diagnosis, ev.diagnosis);
	assert_true(back.has_outage_seconds);
	assert_true(back.outage_seconds == 34200.125);
	assert_true(back.outage_start == ev.outage_start);
	tw_event_clear(&back);
	json_decref(o);
}

static void
test_from_json_rejects(void **state)
{
	static const struct {
		const char *json;
		const char *reason;
	} cases[] = {
		{ "[]", "not an object" },
		{ "{\"event\":\"outage\",\"from\":\"up\",\"to\":\"down\",\"zone\":\"kp\"}",
		  "\"unix\" is not a time" },
		{ "{\"unix\":-1,\"event\":\"outage\",\"from\":\"up\",\"to\":\"down\",\"zone\":\"kp\"}",
		  "\"unix\" is not a time" },
		{ "{\"unix\":1e300,\"event\":\"outage\",\"from\":\"up\",\"to\":\"down\","
		  "\"zone\":\"kp\"}", "out of range" },
		{ "{\"unix\":1,\"event\":\"gone\",\"from\":\"up\",\"to\":\"down\",\"zone\":\"kp\"}",
		  "not an event kind" },
		{ "{\"unix\":1,\"event\":\"outage\",\"from\":\"upp\",\"to\":\"down\",\"zone\":\"kp\"}",
		  "not a state" },
		{ "{\"unix\":1,\"event\":\"outage\",\"from\":\"up\",\"to\":\"down\",\"zone\":7}",
		  "\"zone\" is not a string" },
		{ "{\"unix\":1,\"event\":\"outage\",\"from\":\"up\",\"to\":\"down\",\"zone\":\"kp\","
		  "\"diagnosis\":[]}", "\"diagnosis\" is not a string" },
		{ "{\"unix\":1,\"event\":\"restored\",\"from\":\"down\",\"to\":\"up\",\"zone\":\"kp\","
		  "\"outage_seconds\":-3}", "not a duration" },
		{ "{\"unix\":1,\"event\":\"restored\",\"from\":\"down\",\"to\":\"up\",\"zone\":\"kp\","
		  "\"outage_start\":\"yesterday\"}", "not an ISO 8601 time" },
	};
	struct tw_event ev;
	struct tw_error err;
	json_error_t jerr;
	json_t *o;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		o = json_loads(cases[i].json, JSON_DECODE_ANY, &jerr);
		assert_non_null(o);
		memset(&err, 0, sizeof(err));
		assert_int_equal(tw_event_from_json(o, &ev, "events[3]", &err), -1);
		if (strstr(err.msg, cases[i].reason) == NULL ||
		    strstr(err.msg, "events[3]") == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].reason);
		assert_null(ev.zone);
		json_decref(o);
	}
}

static void
test_valid(void **state)
{
	struct tw_event ev = sample();

	assert_true(tw_event_valid(&ev));
	ev.kind = (enum tw_event_kind)TW_EVENT_KIND_COUNT;
	assert_false(tw_event_valid(&ev));
	ev = sample();
	ev.to = (enum tw_state)TW_STATE_COUNT;
	assert_false(tw_event_valid(&ev));
	ev = sample();
	ev.time = (double)NAN;
	assert_false(tw_event_valid(&ev));
	ev = sample();
	ev.outage_start = TW_EVENT_TIME_MAX + 1;
	assert_false(tw_event_valid(&ev));
}

/* The ring keeps the newest TW_EVENT_RING_SIZE, oldest first, each a copy. */
static void
test_ring(void **state)
{
	struct tw_event_ring ring;
	struct tw_event ev = sample();
	char zone[32];
	json_t *a;
	size_t i;

	memset(&ring, 0, sizeof(ring));
	a = tw_event_ring_json(&ring);
	assert_true(json_is_array(a) && json_array_size(a) == 0);
	json_decref(a);
	for (i = 0; i < TW_EVENT_RING_SIZE + 7; i++) {
		snprintf(zone, sizeof(zone), "z%zu", i);
		ev.zone = zone;
		ev.time = 1000.0 + (double)i;
		assert_int_equal(tw_event_ring_push(&ring, &ev), 0);
	}
	assert_int_equal(ring.len, TW_EVENT_RING_SIZE);
	assert_string_equal(tw_event_ring_at(&ring, 0)->zone, "z7");
	assert_true(tw_event_ring_at(&ring, 0)->time == 1007.0);
	assert_string_equal(tw_event_ring_at(&ring, TW_EVENT_RING_SIZE - 1)->zone, "z206");
	a = tw_event_ring_json(&ring);
	assert_int_equal(json_array_size(a), TW_EVENT_RING_SIZE);
	assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "zone")),
	    "z7");
	json_decref(a);
	tw_event_ring_clear(&ring);
	assert_int_equal(ring.len, 0);
}

/* instance_changed: the server and both values, old and new, on the line and back. */
static void
test_instance_changed(void **state)
{
	static char zone[] = "kp", server[] = "ns1.kptc.kp", addr[] = "127.45.176.15",
	    old_nsid[] = "ns1.kptc.kp", new_nsid[] = "NS1.KPTC.KP", ident[] = "ns1\x01<b>\"";
	struct tw_event ev, back, copy;
	struct tw_error err;
	char *line;
	json_t *o;

	(void)state;
	memset(&ev, 0, sizeof(ev));
	ev.time = 1419265500.25;
	ev.zone = zone;
	ev.kind = TW_EVENT_INSTANCE_CHANGED;
	ev.from = ev.to = TW_STATE_UP;
	ev.has_instance = true;
	ev.instance.server = server;
	ev.instance.address = addr;
	ev.instance.port = 10053;
	ev.instance.transport = TW_TRANSPORT_UDP;
	ev.instance.old_nsid = old_nsid;
	ev.instance.new_nsid = new_nsid;
	ev.instance.old_identity = ident;
	ev.instance.new_identity = ident;
	line = tw_event_json_line(&ev);
	assert_non_null(line);
	assert_string_equal(line, "{\"time\":\"2014-12-22T16:25:00.250Z\",\"unix\":1419265500.25,"
	    "\"zone\":\"kp\",\"event\":\"instance_changed\",\"from\":\"up\",\"to\":\"up\","
	    "\"diagnosis\":null,\"server\":{\"name\":\"ns1.kptc.kp\",\"address\":\"127.45.176.15\","
	    "\"port\":10053,\"transport\":\"udp\"},\"nsid\":{\"old\":\"ns1.kptc.kp\","
	    "\"new\":\"NS1.KPTC.KP\"},\"identity\":{\"old\":\"ns1\\u0001<b>\\\"\","
	    "\"new\":\"ns1\\u0001<b>\\\"\"}}");
	free(line);

	o = tw_event_json(&ev);
	assert_non_null(o);
	memset(&err, 0, sizeof(err));
	assert_int_equal(tw_event_from_json(o, &back, "e", &err), 0);
	json_decref(o);
	assert_int_equal(back.kind, TW_EVENT_INSTANCE_CHANGED);
	assert_true(back.has_instance);
	assert_string_equal(back.instance.server, server);
	assert_string_equal(back.instance.address, addr);
	assert_int_equal(back.instance.port, 10053);
	assert_int_equal(back.instance.transport, TW_TRANSPORT_UDP);
	assert_string_equal(back.instance.old_nsid, old_nsid);
	assert_string_equal(back.instance.new_nsid, new_nsid);
	assert_string_equal(back.instance.new_identity, ident);
	/* a deep copy: the original can go */
	assert_int_equal(tw_event_copy(&copy, &back), 0);
	tw_event_clear(&back);
	assert_string_equal(copy.instance.new_nsid, new_nsid);
	assert_null(back.instance.new_nsid);
	tw_event_clear(&copy);

	/* null values stay null; a server of the wrong shape is refused */
	ev.instance.old_nsid = NULL;
	ev.instance.server = NULL;
	o = tw_event_json(&ev);
	assert_int_equal(tw_event_from_json(o, &back, "e", &err), 0);
	assert_null(back.instance.old_nsid);
	assert_null(back.instance.server);
	tw_event_clear(&back);
	json_object_set_new(json_object_get(o, "server"), "port", json_integer(70000));
	assert_int_equal(tw_event_from_json(o, &back, "e", &err), -1);
	json_decref(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_json_line),
		cmocka_unit_test(test_json_not_utf8),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_instance_changed),
		cmocka_unit_test(test_from_json_rejects),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_ring),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
