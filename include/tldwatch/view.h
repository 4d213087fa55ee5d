/*
 * view.h -- what a running watcher shows: the state document plus live counters.
 *
 * The HTTP renderers (Prometheus metrics, the status page) read a view;
 * they never reach into the watcher.  The state document is the same one
 * the state file holds, so a page rendered from a restarted watcher shows
 * the same history.
 */
#ifndef TLDWATCH_VIEW_H
#define TLDWATCH_VIEW_H

#include <stdint.h>

#include "tldwatch/statefile.h"

/* Event names, in the order of tw_view.events_total. */
#define TW_EVENT_KINDS 9
extern const char *const tw_event_kinds[TW_EVENT_KINDS];

struct tw_view {
	const struct tw_state_doc *doc;     /* tracker, history, recent events, interval */
	double now;                         /* Unix time of rendering */
	double started;                     /* Unix time the watcher process started */
	double last_round_start;            /* Unix time; 0 = no round yet */
	double last_round_seconds;          /* duration of the latest round; < 0 = none */
	uint64_t rounds_total;              /* rounds run by this process */
	uint64_t events_total[TW_EVENT_KINDS]; /* events emitted by this process, per kind */
	uint64_t state_write_errors_total;  /* failed state file writes */
};

#endif
