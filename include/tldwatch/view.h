/*
 * view.h -- what a running watcher shows: its typed state plus live counters.
 *
 * The HTTP renderers (Prometheus metrics, the status page, /status.json,
 * /events) read a view; they never reach into the watcher, and nothing in
 * a view is JSON text.  Zone labels and key hosts come from the
 * configuration the watcher runs (looked up through the view's index).
 */
#ifndef TLDWATCH_VIEW_H
#define TLDWATCH_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "tldwatch/config.h"
#include "tldwatch/event.h"
#include "tldwatch/ledger.h"
#include "tldwatch/statefile.h"

struct tw_view {
	const struct tw_state_doc *doc;     /* tracker, history, recent events, interval */
	const struct tw_config *cfg;        /* labels and key hosts; may be NULL */
	struct tw_ledger *ledger;           /* the page's ribbons and outages; may be NULL */
	double now;                         /* Unix time of rendering */
	double started;                     /* Unix time the watcher process started */
	double last_round_start;            /* Unix time; 0 = no round yet */
	double last_round_seconds;          /* duration of the latest round; < 0 = none */
	uint64_t rounds_total;              /* rounds run by this process */
	uint64_t events_total[TW_EVENT_KIND_COUNT]; /* events emitted by this process, per kind */
	uint64_t state_write_errors_total;  /* failed state file writes */
	uint64_t identity_hidden;           /* servers not asked their identity (identmemo.h) */
	/* set by tw_view_index: cfg's zones sorted by name */
	const struct tw_zone_cfg **zones_by_name;
	size_t n_zones_by_name;
};

/*
 * tw_view_index(v):
 * Build the lookup the renderers use (call after setting v->cfg).  0, or -1
 * when memory ran out (lookups then find nothing).  Free with tw_view_clear.
 */
int tw_view_index(struct tw_view *v);

/* tw_view_clear(v): free the index. */
void tw_view_clear(struct tw_view *v);

/* tw_view_zone(v, name): the configured zone ${name}, or NULL. */
const struct tw_zone_cfg *tw_view_zone(const struct tw_view *v, const char *name);

/* tw_view_host_is_key(v, zone, host): whether ${host} of ${zone} is a configured key host. */
bool tw_view_host_is_key(const struct tw_view *v, const char *zone, const char *host);

#endif
