/*
 * statefile.h -- the watcher's state, typed; and the JSON state file of
 * tldwatch before the ledger, read back.
 *
 * struct tw_state_doc is what a watcher knows: the tracker, the history
 * rings, the recent events, when it last wrote and at which interval.  The
 * running watcher's views read it, the ledger resumes it (ledger.h), and
 * `status` renders it.
 *
 * Before the ledger, the watcher rewrote one JSON document (format
 * "tldwatch-state", version 1) after every round.  tw_statefile_load()
 * still reads such a file, every field checked: the ledger imports it, and
 * `status` reads one no watcher has imported yet.  Nothing writes it.
 */
#ifndef TLDWATCH_STATEFILE_H
#define TLDWATCH_STATEFILE_H

#include <stdbool.h>

#include "tldwatch/error.h"
#include "tldwatch/event.h"
#include "tldwatch/history.h"
#include "tldwatch/result.h"
#include "tldwatch/tracker.h"

/*
 * What a watcher knows, typed.  A loaded document owns its tracker, history
 * and events (tw_statefile_doc_clear frees them); the watcher's own document
 * only points at the watcher's.
 */
struct tw_state_doc {
	double written;               /* Unix time of the latest write */
	uint32_t interval_ms;         /* the watcher's interval then */
	struct tw_tracker *tracker;
	struct tw_history *history;
	struct tw_event_ring *events; /* the most recent events; may be NULL */
};

enum tw_statefile_status {
	TW_STATEFILE_OK = 0,
	TW_STATEFILE_MISSING,         /* no such file */
	TW_STATEFILE_BAD,             /* unreadable, corrupt, truncated or foreign: err says why */
};

/*
 * tw_statefile_load(path, doc, err):
 * Read the JSON state file ${path} into ${doc} (zeroed first; free with
 * tw_statefile_doc_clear).  Returns the status; for TW_STATEFILE_BAD,
 * ${err} names the file (and line:column for JSON errors) and the reason.
 */
enum tw_statefile_status tw_statefile_load(const char *path, struct tw_state_doc *doc,
    struct tw_error *err);

/* tw_statefile_doc_clear(doc): free what ${doc} holds and zero it. */
void tw_statefile_doc_clear(struct tw_state_doc *doc);

#endif
