/*
 * timeline.h -- a zone's published state as periods, and calendar buckets.
 *
 * Pure: from a zone's rounds (start, the interval the watcher ran at or
 * the round's own duration when it overran that, the state published
 * after the round, its diagnosis), the periods of one
 * published state each, as `tldwatch history` shows them.  A round's state
 * holds from its start to the next round's.  Where no round came for more
 * than two intervals the watcher was not running: the period before ends
 * one interval after its last round, and a gap period (state unknown, "no
 * rounds") covers the silence; never is a silence bridged as if the state
 * had held.  The last period is open (end unknown) while its round is
 * recent, else a gap follows it.
 *
 * Buckets are UTC hours, days or months, for summaries and rollups.
 */
#ifndef TLDWATCH_TIMELINE_H
#define TLDWATCH_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "tldwatch/state.h"

struct tw_timeline_round {
	double start;                 /* Unix seconds */
	double interval;              /* seconds its state holds: the interval, or the round when longer */
	enum tw_state published;
	const char *diagnosis;        /* may be NULL */
};

struct tw_timeline_period {
	enum tw_state state;
	double start;
	double end;                   /* valid when !open */
	bool open;                    /* it lasts (the latest period of a running watcher) */
	bool gap;                     /* no rounds: the watcher was not running */
	char *diagnosis;              /* of the period's first round; may be NULL */
};

/*
 * tw_timeline_periods(r, n, now, since, until, out, n_out):
 * The periods of rounds ${r} (oldest first) that overlap [since, until]
 * (until < 0: no end), clipped to it.  ${now} decides whether the last
 * period still lasts.  0 with a new array (free with
 * tw_timeline_periods_free), or -1 when memory ran out.
 */
int tw_timeline_periods(const struct tw_timeline_round *r, size_t n, double now, double since,
    double until, struct tw_timeline_period **out, size_t *n_out);

/* tw_timeline_periods_free(p, n): NULL is fine. */
void tw_timeline_periods_free(struct tw_timeline_period *p, size_t n);

enum tw_timeline_by {
	TW_TIMELINE_HOUR = 0,
	TW_TIMELINE_DAY,
	TW_TIMELINE_MONTH,
};

/* tw_timeline_by_from_str(s, out): "hour", "day" or "month"; 0, or -1. */
int tw_timeline_by_from_str(const char *s, enum tw_timeline_by *out);

/* tw_timeline_by_str(by): "hour", "day", "month". */
const char *tw_timeline_by_str(enum tw_timeline_by by);

/* tw_timeline_bucket(t, by): the start of the UTC hour, day or month holding ${t}. */
double tw_timeline_bucket(double t, enum tw_timeline_by by);

/* tw_timeline_bucket_next(b, by): the start of the bucket after the one starting at ${b}. */
double tw_timeline_bucket_next(double b, enum tw_timeline_by by);

#endif
