/*
 * outage.h -- where a zone's outages are in its rounds, and what each one was.
 *
 * Pure: reads a zone's rounds as the ledger keeps them (when each started,
 * the round's own state, the state then published, the diagnosis, which
 * hosts resolved) and tells the story of an outage:
 *
 *   outage       what the watcher published as one (tracker.h: from a
 *                partial_outage or outage event to restored).  It runs from
 *                the first round of the bad run that led to it (B: partial or
 *                down, usually down) to the first round of the good run that
 *                ended it (G: up or degraded), exactly as the events'
 *                outage_seconds count; blind rounds (unknown) neither start
 *                nor end a run.  A zone flapping between down and up is
 *                published unstable, not as an outage.
 *   start_bounds [the last round before B that was neither bad nor blind, B]:
 *                the outage began in between
 *   end_bounds   [the last round before G that was partial or down, G]; when
 *                no round of it was (an outage carried over, its bad rounds
 *                before the input), [its start, G]
 *   seconds      t(G) - t(B) (so far, while it lasts); uncertainty half the
 *                sum of the bounds' widths: for evenly spaced rounds the true
 *                duration lies within seconds +- uncertainty (one interval)
 *   phases       the stretch just before B in which the zone was published as
 *                anything but up (the "unstable late Friday" of 2014), one
 *                phase per published state, an unstable stretch dated from
 *                the first change of the flap window that made it; from B,
 *                one phase per run of the rounds' own states; then
 *                "restored" at G
 *   hosts        per configured host: when it stopped resolving ("lost", the
 *                start of the dark run that holds B, or of the first one
 *                after B) and when it resolved again ("back", between the
 *                last dark round and the first resolved one); a host that
 *                never went dark in the outage has neither
 *   restoration_order  the hosts that came back, by the round they came
 *                back in; ties keep the configuration's order
 *
 * An outage the tracker already held at the first round given (carried)
 * starts at in->held_since when that is earlier than its rounds, its
 * start bound unknown.
 *
 * Times are Unix seconds (the rounds' start times).  Strings are copied:
 * an outage outlives its input.
 */
#ifndef TLDWATCH_OUTAGE_H
#define TLDWATCH_OUTAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tldwatch/onset.h"
#include "tldwatch/state.h"

/* What a round knew of one host. */
enum tw_outage_seen {
	TW_OUTAGE_SEEN_NONE = 0,      /* not asked (blind round, host not configured then) */
	TW_OUTAGE_SEEN_DARK,          /* asked, did not resolve */
	TW_OUTAGE_SEEN_RESOLVED,
};

/* One round of one zone. */
struct tw_outage_round {
	int64_t round;                /* the watcher's round number */
	double start;                 /* Unix seconds */
	enum tw_state raw;            /* the round's own state */
	enum tw_state published;      /* the state published after it */
	bool in_outage;               /* the tracker held an outage after it */
	const char *diagnosis;        /* may be NULL */
	const uint8_t *seen;          /* enum tw_outage_seen per input host; NULL: none asked */
};

struct tw_outage_input {
	const char *zone;
	const char *const *hosts;     /* names, configuration order */
	const bool *keys;             /* key host or not, per host */
	size_t n_hosts;
	const struct tw_outage_round *rounds; /* oldest first */
	size_t n_rounds;
	unsigned flap_window;         /* watch.flap_window, to date an unstable stretch */
	/*
	 * When the tracker dates the outage from before the first of these
	 * rounds (an outage carried over from a state the rounds do not
	 * reach, such as an imported v1 state file): that start, Unix
	 * seconds; 0 when the rounds hold the whole outage.
	 */
	double held_since;
};

/* Where one outage is in the input's rounds. */
struct tw_outage_span {
	size_t b;                     /* the first round of its bad run */
	size_t g;                     /* the first round of the good run that ended it */
	bool ended;
	size_t next;                  /* where to look for the next outage */
	size_t floor;                 /* its story looks back no further than this round */
	bool carried;                 /* the tracker already held it at round ${floor} */
};

/*
 * tw_outage_next(in, from, span):
 * The first outage the tracker held at or after round ${from}.  0 with
 * ${span} filled, or -1 when there is none.  span->floor is ${from}: walk
 * them all by calling it again with span->next.
 */
int tw_outage_next(const struct tw_outage_input *in, size_t from, struct tw_outage_span *span);

struct tw_outage_phase {
	bool restored;                /* the "restored" marker at G; state is then unused */
	enum tw_state state;
	double start;
	double end;                   /* valid when !open */
	bool open;                    /* the phase still lasts (an ongoing outage) */
	char *diagnosis;              /* of the phase's first round; may be NULL */
};

struct tw_outage_host {
	char *name;
	bool key;
	bool lost_known;
	double lost;                  /* start of its dark run */
	bool back_known;
	double back;                  /* first round it resolved again */
	double back_lo;               /* the last dark round before that */
	size_t back_round;            /* index of that round, for the order */
};

struct tw_outage {
	char *zone;
	unsigned number;              /* per zone, from 1 (set by the caller) */
	bool ongoing;
	double start;                 /* t(B) */
	bool start_lo_known;
	double start_lo;              /* the last good round before it */
	double end;                   /* t(G), when !ongoing */
	double end_lo;                /* the last bad round before G */
	double seconds;
	double uncertainty;
	int64_t first_round, last_round; /* B's round number; G's (or the latest) */
	struct tw_outage_phase *phases;
	size_t n_phases;
	struct tw_outage_host *hosts; /* every input host, in its order */
	size_t n_hosts;
	size_t *order;                /* restoration order: indices into hosts */
	size_t n_order;
	struct tw_onset onset;        /* how it began, when known (set by the ledger's reader) */
};

/*
 * tw_outage_build(in, span, out):
 * Tell the story of the outage at ${span}.  0, or -1 when memory ran out
 * (${out} is then cleared).  Free with tw_outage_clear.
 */
int tw_outage_build(const struct tw_outage_input *in, const struct tw_outage_span *span,
    struct tw_outage *out);

/* tw_outage_clear(o): free what ${o} holds and zero it. */
void tw_outage_clear(struct tw_outage *o);

#endif
