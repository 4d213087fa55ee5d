/*
 * range.h -- Nagios threshold ranges, [@][start:][end].
 *
 * Semantics follow the monitoring-plugins guidelines: "10" alerts outside
 * 0..10, "10:" below 10, "~:10" above 10, "10:20" outside 10..20 and
 * "@10:20" inside 10..20 (inclusive).  Start must not exceed end.
 */
#ifndef TLDWATCH_RANGE_H
#define TLDWATCH_RANGE_H

#include <stdbool.h>
#include <stddef.h>

#include "tldwatch/error.h"

struct tw_range {
	bool set;            /* false: no range given, never alerts */
	bool inside;         /* '@': alert when inside */
	bool start_infinite; /* '~' */
	bool end_infinite;   /* "N:" */
	double start;
	double end;
};

/*
 * tw_range_parse(text, range, err):
 * Parse ${text}; return 0, or -1 with a reason in err->msg (no file or
 * position; ${err} may be NULL) for junk, empty text or start > end.
 */
int tw_range_parse(const char *text, struct tw_range *range, struct tw_error *err);

/* tw_range_alerts(range, value): true when ${value} triggers ${range}. */
bool tw_range_alerts(const struct tw_range *range, double value);

/*
 * tw_range_perf(range, buf, len):
 * The threshold as a plain number for perfdata, where Icinga would drop
 * a range expression: the end for "N" and "~:N", the start for "N:",
 * empty otherwise.  Returns ${buf}.
 */
char *tw_range_perf(const struct tw_range *range, char *buf, size_t len);

#endif
