/*
 * tracker.h -- from one round's raw verdicts to published states and events.
 *
 * Pure: tw_tracker_update() takes the tracked state, a judged round and
 * the round's start time, and moves each zone's published state:
 *
 *   - to a worse state only after watch.fall consecutive rounds at that
 *     state or worse (it publishes the best state of that streak), to a
 *     better one only after watch.rise consecutive better rounds (it
 *     publishes the worst of that streak);
 *   - to "unstable" as soon as the raw state changed watch.flap_changes
 *     times within the last watch.flap_window rounds, and out of it once
 *     the raw state held still for watch.flap_settle rounds (then straight
 *     to that state: it has been stable long enough).
 *
 * Every published change is one event:
 *   degraded     up -> degraded
 *   recovered    degraded or unknown -> up (outside an outage)
 *   unstable     anything -> unstable
 *   stable       unstable -> up or degraded (outside an outage)
 *   unknown      anything -> unknown (our own network went blind)
 *   partial_outage  not in an outage -> partial (an outage starts)
 *   outage       -> down (an outage starts, or a partial one gets worse)
 *   partial_restoration  down -> partial within an outage
 *   restored     an outage ends (-> up or degraded)
 * An outage starts at the first round of the run of raw partial/down
 * rounds that led to it (not when hysteresis let it through), and
 * partial_restoration and restored carry outage_seconds measured from that
 * start to the first round of the run that ended it.  Times are Unix
 * seconds (wall clock), so an outage that began before a restart keeps its
 * start.
 *
 * Apart from states, the tracker remembers each zone or child server's
 * (zone, address, port, transport) last known NSID and CHAOS identity, and
 * makes an instance_changed event when a round brings a value other than
 * the one known (a round without one, e.g. a timeout, changes nothing; the
 * first value seen is only remembered).  It is informational: from and to
 * are the zone's published state, which it never moves.  This memory lives
 * in the process only: after a restart the first round is remembered again.
 */
#ifndef TLDWATCH_TRACKER_H
#define TLDWATCH_TRACKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tldwatch/config.h"
#include "tldwatch/event.h"
#include "tldwatch/hash.h"
#include "tldwatch/result.h"

#define TW_FLAP_WINDOW_MAX 64

struct tw_zone_track {
	char *name;
	bool started;                 /* a state has been published */
	enum tw_state published;
	double published_since;       /* when it was published */
	enum tw_state last_raw;       /* the latest round's own verdict */
	char *diagnosis;              /* the latest round's diagnosis; may be NULL */
	/* hysteresis streaks (rounds worse / better than published) */
	unsigned worse_count;
	enum tw_state worse_best;
	unsigned better_count;
	enum tw_state better_worst;
	/* flap detection: the last raw states, oldest first */
	enum tw_state ring[TW_FLAP_WINDOW_MAX];
	unsigned ring_len;
	bool flapping;
	unsigned calm_rounds;         /* consecutive rounds whose raw state equals the one before */
	/* runs of raw states (0 = no such run now) */
	double run_since;             /* first round of the current run of last_raw */
	double bad_since;             /* first round of the current run of raw partial/down */
	double good_since;            /* first round of the current run of raw up/degraded */
	/* outage */
	bool in_outage;
	double outage_start;
	enum tw_state outage_state;   /* the outage-level state last published: partial or down */
	struct tw_onset onset;        /* how the current outage began (set by the watcher) */
	/* the latest round's delegation findings of each kind (delegation.h); not kept on disk */
	bool delegation_known;
	unsigned delegation[TW_DELEG_KIND_COUNT];
};

/* A server's last known instance (instance_changed). */
struct tw_instance_track {
	char *zone;                   /* the monitored zone */
	char address[TW_ADDRSTRLEN];
	uint16_t port;
	enum tw_transport transport;
	char *nsid, *identity;        /* NULL: none seen yet */
	uint64_t round;               /* the round (t->rounds) that last looked at it */
};

struct tw_tracker {
	struct tw_zone_track *zones;
	size_t n_zones;
	uint64_t rounds;              /* rounds seen since the state began (survives restarts) */
	double last_round;            /* start time of the latest round; 0 = none */
	/* tw_tracker_find's index (first track of each name), rebuilt when zones/n_zones change */
	struct tw_hash index;
	const struct tw_zone_track *indexed;
	size_t n_indexed;
	/* instance_changed: the servers' last known instances, and their index */
	struct tw_instance_track **instances;
	size_t n_instances;
	struct tw_hash instance_index;
};

/* tw_tracker_new(): an empty tracker; NULL on allocation failure. */
struct tw_tracker *tw_tracker_new(void);

/* tw_tracker_free(t): NULL is fine. */
void tw_tracker_free(struct tw_tracker *t);

/*
 * tw_tracker_zone_state(z):
 * The state ${z} publishes: its published state once it has published one,
 * unknown before (or for a value that is not a state).  Every output asks
 * this, so `status`, /status.json, /metrics and the page always agree.
 */
enum tw_state tw_tracker_zone_state(const struct tw_zone_track *z);

/* tw_tracker_overall(t): the worst zone state of ${t}; unknown when it has no zone. */
enum tw_state tw_tracker_overall(const struct tw_tracker *t);

/* tw_tracker_find(t, zone): the track of ${zone}, or NULL. */
struct tw_zone_track *tw_tracker_find(struct tw_tracker *t, const char *zone);

/*
 * tw_tracker_update(t, cfg, r, now, events, n_events):
 * Feed one judged round ${r} (verdict applied), started at ${now}.  Zones
 * of ${r} not yet tracked are added: their first round publishes their
 * state at once, with an event from "unknown" when it is degraded,
 * partial or down (so a watcher started during an outage reports it);
 * tracked zones absent from ${r} are dropped.
 * The round's state is unknown for every zone when r->deadline_hit or
 * r->error.  instance_changed events follow the state events, at most one
 * per (zone, address, port, transport) a round; they are made on a best
 * effort: when memory runs out for them they are skipped, not failed.
 * On success *events is a new array of *n_events events (free with
 * tw_event_array_free; NULL when none) and 0 is returned; -1 on
 * allocation failure (the tracker is then unchanged).
 */
int tw_tracker_update(struct tw_tracker *t, const struct tw_watch_cfg *cfg,
    const struct tw_check_result *r, double now, struct tw_event **events,
    size_t *n_events);

#endif
