/*
 * status.h -- tldwatch status: what a watcher published, read from its ledger.
 *
 * The cheap check for Nagios and Icinga: hysteresis is already applied by
 * the watcher, so this only reads the ledger (--state; read only, one read
 * transaction) and says how old its latest round is.  A JSON state file of
 * an earlier tldwatch, not yet imported, is read too.  A missing,
 * unreadable or stale state (older than max_age) is UNKNOWN: the watcher,
 * not the zone, is what failed.
 */
#ifndef TLDWATCH_STATUS_H
#define TLDWATCH_STATUS_H

#include <stdio.h>

#include "tldwatch/report.h"
#include "tldwatch/statefile.h"

struct tw_status_opts {
	const char *state_path;
	enum tw_format format;
	double max_age_s;          /* <= 0: three intervals, at least 10 s */
	int verbosity;
};

/*
 * tw_status_render(doc, now, opts, problem, fp):
 * Render ${doc} as seen at ${now}; when ${doc} is NULL, report ${problem}
 * (why there is no usable state) as UNKNOWN.  Returns the exit code of the
 * published state (0..3), 3 when stale or missing.
 */
int tw_status_render(const struct tw_state_doc *doc, double now,
    const struct tw_status_opts *opts, const char *problem, FILE *fp);

/* tw_status_run(opts): read the ledger, render, return the exit code. */
int tw_status_run(const struct tw_status_opts *opts);

#endif
