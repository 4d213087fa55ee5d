/*
 * ledger_read.h -- what the ledger tells: its zones, the published
 * timeline, the hourly rollups and the story of each outage.
 *
 * Each reader works on a ledger opened read only (tw_ledger_open, writer
 * false) or on the watcher's own; between tw_ledger_read_begin and
 * tw_ledger_read_end every read comes from the same committed rounds.
 */
#ifndef TLDWATCH_LEDGER_READ_H
#define TLDWATCH_LEDGER_READ_H

#include <stddef.h>

#include "tldwatch/error.h"
#include "tldwatch/ledger.h"
#include "tldwatch/outage.h"
#include "tldwatch/state.h"
#include "tldwatch/timeline.h"

/*
 * tw_ledger_read_begin(l, err) / tw_ledger_read_end(l):
 * One read transaction: everything read between them comes from the same
 * committed rounds.  -1 with ${err} when the ledger cannot be read.
 */
int tw_ledger_read_begin(struct tw_ledger *l, struct tw_error *err);
void tw_ledger_read_end(struct tw_ledger *l);

/*
 * tw_ledger_read_zones(l, out, n, err):
 * The zones the ledger knows, sorted (free each, then the array).
 */
int tw_ledger_read_zones(struct tw_ledger *l, char ***out, size_t *n, struct tw_error *err);

/* tw_ledger_read_label(l, zone, err): ${zone}'s label as last seen (malloc'd), or NULL. */
char *tw_ledger_read_label(struct tw_ledger *l, const char *zone, struct tw_error *err);

/*
 * tw_ledger_read_timeline(l, zone, since, until, rounds, n, err):
 * ${zone}'s rounds overlapping [since, until] (until < 0: no end), with the
 * one before ${since}, for tw_timeline_periods().  Free with
 * tw_ledger_read_timeline_free.
 */
int tw_ledger_read_timeline(struct tw_ledger *l, const char *zone, double since, double until,
    struct tw_timeline_round **rounds, size_t *n, struct tw_error *err);
void tw_ledger_read_timeline_free(struct tw_timeline_round *rounds, size_t n);

/* Seconds in each published state, per zone and bucket (the hourly rollups, summed). */
struct tw_ledger_read_bucket {
	char *zone;
	double start;                 /* bucket start (Unix seconds) */
	double seconds[TW_STATE_COUNT];
};

/*
 * tw_ledger_read_summary(l, zone, since, until, by, out, n, err):
 * The buckets of ${zone} (NULL: every zone) between since and until, by
 * hour, day or month.  Free with tw_ledger_read_summary_free.
 */
int tw_ledger_read_summary(struct tw_ledger *l, const char *zone, double since, double until,
    enum tw_timeline_by by, struct tw_ledger_read_bucket **out, size_t *n, struct tw_error *err);
void tw_ledger_read_summary_free(struct tw_ledger_read_bucket *b, size_t n);

/*
 * tw_ledger_read_outages(l, zone, since, until, out, n, err):
 * The outages of ${zone} (NULL: every zone) that overlap [since, until]
 * (until < 0: no end), oldest first; an ongoing one is told from the raw
 * rounds so far.  Free with tw_ledger_read_outages_free.
 */
int tw_ledger_read_outages(struct tw_ledger *l, const char *zone, double since, double until,
    struct tw_outage **out, size_t *n, struct tw_error *err);
void tw_ledger_read_outages_free(struct tw_outage *o, size_t n);

/*
 * tw_ledger_read_outage(l, zone, number, at, out, err):
 * One outage of ${zone} (NULL: any zone): number ${number} (> 0), or the
 * one under time ${at} (number 0, at >= 0), or the latest (number 0, at < 0).
 * 0, 1 when there is none, -1 with ${err}.
 */
int tw_ledger_read_outage(struct tw_ledger *l, const char *zone, unsigned number, double at,
    struct tw_outage *out, struct tw_error *err);

#endif
