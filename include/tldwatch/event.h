/*
 * event.h -- one published change of a zone's state, and the recent ones.
 *
 * The tracker (tracker.c) makes events; the event log (eventlog.c) writes
 * them out; the watcher keeps the most recent ones in a tw_event_ring for
 * the state, the status page, /events and `tldwatch status`.  Everything
 * here is typed; tw_event_json() is the one place an event becomes JSON, and
 * tw_event_from_json() the one place it is read back (from a saved state).
 *
 * The kinds:
 *   degraded     up -> degraded
 *   recovered    degraded or unknown -> up (outside an outage)
 *   unstable     anything -> unstable
 *   stable       unstable -> up or degraded (outside an outage)
 *   unknown      anything -> unknown (our own network went blind)
 *   partial_outage  not in an outage -> partial (an outage starts)
 *   outage       -> down (an outage starts, or a partial one gets worse)
 *   partial_restoration  down -> partial within an outage
 *   restored     an outage ends (-> up or degraded)
 *   instance_changed  a zone or child server's NSID or CHAOS identity is not
 *                what it last was (informational: from and to are both the
 *                zone's published state, which it never changes)
 */
#ifndef TLDWATCH_EVENT_H
#define TLDWATCH_EVENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "tldwatch/config.h"
#include "tldwatch/error.h"
#include "tldwatch/onset.h"
#include "tldwatch/state.h"

enum tw_event_kind {
	TW_EVENT_DEGRADED = 0,
	TW_EVENT_RECOVERED,
	TW_EVENT_UNSTABLE,
	TW_EVENT_STABLE,
	TW_EVENT_UNKNOWN,
	TW_EVENT_PARTIAL_OUTAGE,
	TW_EVENT_OUTAGE,
	TW_EVENT_PARTIAL_RESTORATION,
	TW_EVENT_RESTORED,
	TW_EVENT_INSTANCE_CHANGED,
};
#define TW_EVENT_KIND_COUNT (TW_EVENT_INSTANCE_CHANGED + 1)

/* tw_event_kind_str(k): "degraded", "outage", ... ("invalid" for anything else). */
const char *tw_event_kind_str(enum tw_event_kind k);

/* tw_event_kind_from_str(s, out): the kind named ${s}; 0, or -1 when none is. */
int tw_event_kind_from_str(const char *s, enum tw_event_kind *out);

/* instance_changed: the server, and its NSID and identity before and after (NULL: none known). */
struct tw_event_instance {
	char *server;                 /* its name; NULL when it has none */
	char *address;
	uint16_t port;
	enum tw_transport transport;
	char *old_nsid, *new_nsid;
	char *old_identity, *new_identity;
};

struct tw_event {
	double time;                  /* start of the round that caused it (Unix seconds) */
	char *zone;
	enum tw_event_kind kind;
	enum tw_state from, to;
	char *diagnosis;              /* may be NULL */
	bool has_outage_seconds;
	double outage_seconds;        /* from the outage's start to the round that ended it */
	double outage_start;          /* when in or ending an outage; 0 otherwise */
	struct tw_onset onset;        /* an outage's start: how it went dark; else shape none */
	bool begins_outage;           /* the tracker began an outage with it (not kept) */
	bool has_instance;            /* instance_changed: ${instance} is set */
	struct tw_event_instance instance;
};

/* The latest time an event may carry: 9999-12-31T23:59:59Z. */
#define TW_EVENT_TIME_MAX 253402300799.0

/*
 * tw_event_valid(ev):
 * A kind, two states, and times within 1970 .. TW_EVENT_TIME_MAX: what a
 * saved state may hold (the writer refuses, and the reader rejects, the rest).
 */
bool tw_event_valid(const struct tw_event *ev);

/* tw_event_copy(dst, src): a deep copy into ${dst}; 0, or -1 when memory ran out. */
int tw_event_copy(struct tw_event *dst, const struct tw_event *src);

/* tw_event_clear(ev): free what ${ev} holds and zero it. */
void tw_event_clear(struct tw_event *ev);

/* tw_event_array_free(ev, n): clear ${n} events and free the array; NULL is fine. */
void tw_event_array_free(struct tw_event *ev, size_t n);

/*
 * tw_event_json(ev):
 * The event as its JSON object: time (ISO), unix, zone, event, from, to,
 * diagnosis, and outage_seconds / outage_start when they apply; for
 * instance_changed, server {name, address, port, transport} and nsid and
 * identity, each {old, new}.  A string
 * that is not UTF-8 comes out \xHH-escaped, never dropped.  NULL when
 * memory ran out.
 */
json_t *tw_event_json(const struct tw_event *ev);

/* tw_event_json_line(ev): tw_event_json() as one compact line, no newline (malloc'd). */
char *tw_event_json_line(const struct tw_event *ev);

/*
 * tw_event_from_json(o, ev, what, err):
 * Read an object written by tw_event_json() into ${ev} (zeroed first).
 * Returns 0, or -1 with ${err} saying what is wrong with ${what}.
 */
int tw_event_from_json(const json_t *o, struct tw_event *ev, const char *what,
    struct tw_error *err);

/* The most recent events, oldest first, at most TW_EVENT_RING_SIZE of them. */
#define TW_EVENT_RING_SIZE 200

struct tw_event_ring {
	struct tw_event ev[TW_EVENT_RING_SIZE];
	size_t head;                  /* index of the oldest */
	size_t len;
};

/*
 * tw_event_ring_push(ring, ev):
 * Keep a copy of ${ev}, dropping the oldest when full.  0, or -1 when
 * memory ran out (the ring is then unchanged).
 */
int tw_event_ring_push(struct tw_event_ring *ring, const struct tw_event *ev);

/* tw_event_ring_at(ring, i): the i-th event, oldest first (i < ring->len). */
const struct tw_event *tw_event_ring_at(const struct tw_event_ring *ring, size_t i);

/* tw_event_ring_json(ring): the events as a JSON array, oldest first; NULL on failure. */
json_t *tw_event_ring_json(const struct tw_event_ring *ring);

/* tw_event_ring_clear(ring): free every event held; the ring is empty after. */
void tw_event_ring_clear(struct tw_event_ring *ring);

#endif
