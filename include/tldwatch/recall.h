/*
 * recall.h -- what the ledger remembers, told: `tldwatch history`,
 * `tldwatch report`, and the same for HTTP (/history, /outages).
 *
 * history   the published-state timeline, one row per period; JSON: a list
 *           of {"zone", "state", "start", "end", "seconds", "diagnosis"}
 *           ("end" null while it lasts).  With summary: per zone and hour,
 *           day or month, the seconds in each state and the availability:
 *           the share of the observed time (unknown excluded) that was up,
 *           degraded or unstable, in percent (null when nothing was observed).
 * report    the story of one outage (story.h): the latest, number N of a
 *           zone, or the one under a time; or, for HTTP, every outage
 *           overlapping a window, as a JSON list.
 *
 * Every read is one read transaction: a whole set of rounds.
 */
#ifndef TLDWATCH_RECALL_H
#define TLDWATCH_RECALL_H

#include <stdbool.h>
#include <stdio.h>

#include "tldwatch/error.h"
#include "tldwatch/ledger.h"
#include "tldwatch/report.h"
#include "tldwatch/timeline.h"

/* FORMAT_CSV joins report.h's formats for these commands. */
#define TW_RECALL_CSV ((enum tw_format)(TW_FORMAT_NAGIOS + 1))

struct tw_recall_opts {
	const char *zone;             /* NULL: every zone */
	double since;                 /* Unix seconds */
	double until;                 /* < 0: no end */
	double now;                   /* decides whether the last period still lasts */
	enum tw_format format;        /* TW_FORMAT_TEXT, TW_FORMAT_JSON or TW_RECALL_CSV */
	bool summary;                 /* history: time in each state per bucket */
	enum tw_timeline_by by;
	unsigned outage;              /* report: number N (0: by time, or the latest) */
	double at;                    /* report: the outage under this time (< 0: none given) */
};

/* tw_recall_history(l, o, fp, err): the timeline (or summary).  0, or -1 with ${err}. */
int tw_recall_history(struct tw_ledger *l, const struct tw_recall_opts *o, FILE *fp,
    struct tw_error *err);

/*
 * tw_recall_report(l, o, fp, err):
 * One outage's story.  0, 1 when the ledger holds no such outage (said on
 * ${fp}: "null" in JSON), -1 with ${err}.
 */
int tw_recall_report(struct tw_ledger *l, const struct tw_recall_opts *o, FILE *fp,
    struct tw_error *err);

/* tw_recall_outages(l, o, fp, err): every outage overlapping the window, as a JSON list. */
int tw_recall_outages(struct tw_ledger *l, const struct tw_recall_opts *o, FILE *fp,
    struct tw_error *err);

#endif
