/*
 * event.c -- events: their kinds, copies, their one JSON form, and the ring
 * of recent ones (see event.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tldwatch/clock.h"
#include "tldwatch/escape.h"
#include "tldwatch/event.h"

static const char *const kind_names[TW_EVENT_KIND_COUNT] = {
	[TW_EVENT_DEGRADED] = "degraded",
	[TW_EVENT_RECOVERED] = "recovered",
	[TW_EVENT_UNSTABLE] = "unstable",
	[TW_EVENT_STABLE] = "stable",
	[TW_EVENT_UNKNOWN] = "unknown",
	[TW_EVENT_PARTIAL_OUTAGE] = "partial_outage",
	[TW_EVENT_OUTAGE] = "outage",
	[TW_EVENT_PARTIAL_RESTORATION] = "partial_restoration",
	[TW_EVENT_RESTORED] = "restored",
	[TW_EVENT_INSTANCE_CHANGED] = "instance_changed",
};

/* Compact, fields in the order they were set, times to the microsecond and beyond. */
#define LINE_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))

const char *
tw_event_kind_str(enum tw_event_kind k)
{
	return (unsigned)k < TW_EVENT_KIND_COUNT ? kind_names[k] : "invalid";
}

int
tw_event_kind_from_str(const char *s, enum tw_event_kind *out)
{
	unsigned i;

	for (i = 0; i < TW_EVENT_KIND_COUNT; i++) {
		if (strcmp(s, kind_names[i]) == 0) {
			*out = (enum tw_event_kind)i;
			return 0;
		}
	}
	return -1;
}

static int
dup_str(char **dst, const char *src)
{
	*dst = NULL;
	if (src == NULL)
		return 0;
	return (*dst = strdup(src)) != NULL ? 0 : -1;
}

static void
instance_free(struct tw_event_instance *in)
{
	free(in->server);
	free(in->address);
	free(in->old_nsid);
	free(in->new_nsid);
	free(in->old_identity);
	free(in->new_identity);
}

int
tw_event_copy(struct tw_event *dst, const struct tw_event *src)
{
	const struct tw_event_instance *si = &src->instance;
	struct tw_event_instance *di = &dst->instance;

	*dst = *src;
	if (dup_str(&dst->zone, src->zone) != 0 || dup_str(&dst->diagnosis, src->diagnosis) != 0 ||
	    dup_str(&di->server, si->server) != 0 || dup_str(&di->address, si->address) != 0 ||
	    dup_str(&di->old_nsid, si->old_nsid) != 0 ||
	    dup_str(&di->new_nsid, si->new_nsid) != 0 ||
	    dup_str(&di->old_identity, si->old_identity) != 0 ||
	    dup_str(&di->new_identity, si->new_identity) != 0) {
		tw_event_clear(dst);
		return -1;
	}
	return 0;
}

void
tw_event_clear(struct tw_event *ev)
{
	free(ev->zone);
	free(ev->diagnosis);
	instance_free(&ev->instance);
	memset(ev, 0, sizeof(*ev));
}

void
tw_event_array_free(struct tw_event *ev, size_t n)
{
	size_t i;

	if (ev == NULL)
		return;
	for (i = 0; i < n; i++)
		tw_event_clear(&ev[i]);
	free(ev);
}

bool
tw_event_valid(const struct tw_event *ev)
{
	return (unsigned)ev->kind < TW_EVENT_KIND_COUNT && (unsigned)ev->from < TW_STATE_COUNT &&
	    (unsigned)ev->to < TW_STATE_COUNT &&
	    isfinite(ev->time) && ev->time >= 0 && ev->time <= TW_EVENT_TIME_MAX &&
	    isfinite(ev->outage_seconds) && ev->outage_seconds >= 0 &&
	    isfinite(ev->outage_start) && ev->outage_start >= 0 &&
	    ev->outage_start <= TW_EVENT_TIME_MAX;
}

/* Adds ${v} under ${key}; *ok turns false for good on any failure. */
static void
set(json_t *o, const char *key, json_t *v, bool *ok)
{
	if (v == NULL || json_object_set_new(o, key, v) != 0)
		*ok = false;
}

/* {"old": ..., "new": ...}, each a JSON string or null. */
static json_t *
old_new_json(const char *old, const char *new_value)
{
	json_t *o = json_object();
	bool ok = o != NULL;

	if (!ok)
		return NULL;
	set(o, "old", tw_escape_json(old), &ok);
	set(o, "new", tw_escape_json(new_value), &ok);
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}

static json_t *
instance_server_json(const struct tw_event_instance *in)
{
	json_t *o = json_object();
	bool ok = o != NULL;

	if (!ok)
		return NULL;
	set(o, "name", tw_escape_json(in->server), &ok);
	set(o, "address", tw_escape_json(in->address != NULL ? in->address : ""), &ok);
	set(o, "port", json_integer(in->port), &ok);
	set(o, "transport", json_string(tw_transport_str(in->transport)), &ok);
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}

json_t *
tw_event_json(const struct tw_event *ev)
{
	char iso[40];
	json_t *o;
	bool ok = true;

	if ((o = json_object()) == NULL)
		return NULL;
	set(o, "time", json_string(tw_clock_iso(ev->time, iso, sizeof(iso))), &ok);
	set(o, "unix", json_real(ev->time), &ok);
	set(o, "zone", tw_escape_json(ev->zone != NULL ? ev->zone : ""), &ok);
	set(o, "event", json_string(tw_event_kind_str(ev->kind)), &ok);
	set(o, "from", json_string(tw_state_str(ev->from)), &ok);
	set(o, "to", json_string(tw_state_str(ev->to)), &ok);
	set(o, "diagnosis", tw_escape_json(ev->diagnosis), &ok);
	/* Milliseconds, as the times are written: more would be noise. */
	if (ev->has_outage_seconds)
		set(o, "outage_seconds",
		    json_real((double)(long long)(ev->outage_seconds * 1000.0 + 0.5) / 1000.0), &ok);
	if (ev->outage_start > 0)
		set(o, "outage_start",
		    json_string(tw_clock_iso(ev->outage_start, iso, sizeof(iso))), &ok);
	if (ev->onset.shape != TW_ONSET_NONE)
		set(o, "onset", tw_onset_json(&ev->onset), &ok);
	if (ev->has_instance) {
		set(o, "server", instance_server_json(&ev->instance), &ok);
		set(o, "nsid", old_new_json(ev->instance.old_nsid, ev->instance.new_nsid), &ok);
		set(o, "identity", old_new_json(ev->instance.old_identity,
		    ev->instance.new_identity), &ok);
	}
	if (ok)
		return o;
	json_decref(o);
	return NULL;
}

char *
tw_event_json_line(const struct tw_event *ev)
{
	json_t *o = tw_event_json(ev);
	char *s;

	if (o == NULL)
		return NULL;
	s = json_dumps(o, LINE_FLAGS);
	json_decref(o);
	return s;
}

/* ---- reading back (a saved state) ---- */

static int
bad(struct tw_error *err, const char *what, const char *why)
{
	tw_error_set(err, "", 0, 0, "%s: %s", what, why);
	return -1;
}

static int
get_state(const json_t *o, const char *key, enum tw_state *out)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? tw_state_from_str(s, out) : -1;
}

/* A time written by tw_clock_iso() back to Unix seconds; -1 when it is not one. */
static int
iso_time(const char *s, double *out)
{
	struct tm tm;
	int ms = 0, n = 0;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ%n", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms, &n) != 7 ||
	    s[n] != '\0')
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = (double)timegm(&tm) + ms / 1000.0;
	return 0;
}

/* *${dst} = a copy of the string or null ${v}; -1 when it is neither, or memory ran out. */
static int
opt_str(const json_t *v, char **dst)
{
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	return (*dst = strdup(json_string_value(v))) != NULL ? 0 : -1;
}

/* instance_changed's server, nsid and identity, as tw_event_json() wrote them. */
static int
instance_from_json(const json_t *o, const json_t *server, struct tw_event *ev)
{
	struct tw_event_instance *in = &ev->instance;
	const json_t *nsid = json_object_get(o, "nsid"), *id = json_object_get(o, "identity");
	const json_t *port = json_object_get(server, "port");
	const char *tr = json_string_value(json_object_get(server, "transport"));
	int t;

	if (!json_is_object(server) || !json_is_object(nsid) || !json_is_object(id) ||
	    !json_is_integer(port) || json_integer_value(port) < 0 ||
	    json_integer_value(port) > 65535 || tr == NULL)
		return -1;
	for (t = 0; t < TW_TRANSPORT_COUNT; t++)
		if (strcmp(tr, tw_transport_str((enum tw_transport)t)) == 0)
			break;
	if (t == TW_TRANSPORT_COUNT)
		return -1;
	ev->has_instance = true;
	in->port = (uint16_t)json_integer_value(port);
	in->transport = (enum tw_transport)t;
	return opt_str(json_object_get(server, "name"), &in->server) != 0 ||
	    opt_str(json_object_get(server, "address"), &in->address) != 0 ||
	    opt_str(json_object_get(nsid, "old"), &in->old_nsid) != 0 ||
	    opt_str(json_object_get(nsid, "new"), &in->new_nsid) != 0 ||
	    opt_str(json_object_get(id, "old"), &in->old_identity) != 0 ||
	    opt_str(json_object_get(id, "new"), &in->new_identity) != 0 ? -1 : 0;
}

int
tw_event_from_json(const json_t *o, struct tw_event *ev, const char *what,
    struct tw_error *err)
{
	const json_t *v;
	const char *s;

	memset(ev, 0, sizeof(*ev));
	if (!json_is_object(o))
		return bad(err, what, "not an object");
	v = json_object_get(o, "unix");
	if (!json_is_number(v) || !isfinite(ev->time = json_number_value(v)) || ev->time < 0)
		return bad(err, what, "\"unix\" is not a time");
	s = json_string_value(json_object_get(o, "event"));
	if (s == NULL || tw_event_kind_from_str(s, &ev->kind) != 0)
		return bad(err, what, "\"event\" is not an event kind");
	if (get_state(o, "from", &ev->from) != 0 || get_state(o, "to", &ev->to) != 0)
		return bad(err, what, "\"from\" or \"to\" is not a state");
	v = json_object_get(o, "outage_seconds");
	if (v != NULL) {
		if (!json_is_number(v) || !isfinite(json_number_value(v)) ||
		    json_number_value(v) < 0)
			return bad(err, what, "\"outage_seconds\" is not a duration");
		ev->has_outage_seconds = true;
		ev->outage_seconds = json_number_value(v);
	}
	v = json_object_get(o, "outage_start");
	if (v != NULL && iso_time(json_string_value(v), &ev->outage_start) != 0)
		return bad(err, what, "\"outage_start\" is not an ISO 8601 time");
	v = json_object_get(o, "onset");
	if (v != NULL && tw_onset_from_json(v, &ev->onset) != 0)
		return bad(err, what, "\"onset\" is not an onset");
	if (!tw_event_valid(ev))
		return bad(err, what, "a time out of range (1970 .. 9999)");
	s = json_string_value(json_object_get(o, "zone"));
	if (s == NULL)
		return bad(err, what, "\"zone\" is not a string");
	v = json_object_get(o, "diagnosis");
	if (v != NULL && !json_is_null(v) && !json_is_string(v))
		return bad(err, what, "\"diagnosis\" is not a string");
	if ((ev->zone = strdup(s)) == NULL ||
	    (json_is_string(v) && (ev->diagnosis = strdup(json_string_value(v))) == NULL)) {
		tw_event_clear(ev);
		return bad(err, what, "out of memory");
	}
	if ((v = json_object_get(o, "server")) != NULL && instance_from_json(o, v, ev) != 0) {
		tw_event_clear(ev);
		return bad(err, what, "\"server\", \"nsid\" or \"identity\" is not an instance");
	}
	return 0;
}

/* ---- the ring ---- */

const struct tw_event *
tw_event_ring_at(const struct tw_event_ring *ring, size_t i)
{
	return &ring->ev[(ring->head + i) % TW_EVENT_RING_SIZE];
}

int
tw_event_ring_push(struct tw_event_ring *ring, const struct tw_event *ev)
{
	struct tw_event copy;
	size_t slot;

	if (tw_event_copy(&copy, ev) != 0)
		return -1;
	if (ring->len == TW_EVENT_RING_SIZE) {
		tw_event_clear(&ring->ev[ring->head]);
		ring->ev[ring->head] = copy;
		ring->head = (ring->head + 1) % TW_EVENT_RING_SIZE;
		return 0;
	}
	slot = (ring->head + ring->len) % TW_EVENT_RING_SIZE;
	ring->ev[slot] = copy;
	ring->len++;
	return 0;
}

json_t *
tw_event_ring_json(const struct tw_event_ring *ring)
{
	json_t *a = json_array(), *o;
	size_t i;

	if (a == NULL)
		return NULL;
	for (i = 0; ring != NULL && i < ring->len; i++) {
		if ((o = tw_event_json(tw_event_ring_at(ring, i))) == NULL ||
		    json_array_append_new(a, o) != 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

void
tw_event_ring_clear(struct tw_event_ring *ring)
{
	size_t i;

	for (i = 0; i < ring->len; i++)
		tw_event_clear(&ring->ev[(ring->head + i) % TW_EVENT_RING_SIZE]);
	ring->head = ring->len = 0;
}
