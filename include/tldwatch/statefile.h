/*
 * statefile.h -- the watcher's state on disk: written atomically, read back.
 *
 * The state file is one JSON document (format "tldwatch-state", version
 * 1): when it was written, the tracker (published states, streaks, flap
 * rings, outage starts), the history rings, the recent events, and the
 * latest round's result as `tldwatch check --format json` prints it (for
 * people and scripts: it is written, never read back).  It is rewritten after every
 * round through a temporary file in the same directory: created 0640
 * whatever the umask (the owner writes, the group reads: a monitoring user
 * in the watcher's group runs `tldwatch status`; others nothing), written,
 * fsync'ed, renamed over the old one, and the directory fsync'ed, so a
 * crash at any moment leaves either the old or the new file, whole.
 * The file is never written through a symlink.
 *
 * A state file that cannot be parsed, or that is not ours, is never
 * silently overwritten: tw_statefile_load() reports it and the caller
 * sets it aside with tw_statefile_set_aside().
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
	double written;               /* Unix time of the write */
	uint32_t interval_ms;         /* the watcher's interval when written */
	struct tw_tracker *tracker;
	struct tw_history *history;
	struct tw_event_ring *events; /* the most recent events; may be NULL */
	const struct tw_check_result *last; /* the latest round; written, never loaded; may be NULL */
};

enum tw_statefile_status {
	TW_STATEFILE_OK = 0,
	TW_STATEFILE_MISSING,         /* no such file: a fresh start */
	TW_STATEFILE_BAD,             /* unreadable, corrupt, truncated or foreign: err says why */
};

/*
 * tw_statefile_load(path, doc, err):
 * Read ${path} into ${doc} (zeroed first; free with tw_statefile_doc_clear).
 * Returns the status; for TW_STATEFILE_BAD, ${err} names the file (and
 * line:column for JSON errors) and the reason.
 */
enum tw_statefile_status tw_statefile_load(const char *path, struct tw_state_doc *doc,
    struct tw_error *err);

/*
 * tw_statefile_save(path, doc, err):
 * Write ${doc} atomically as described above.  Returns 0, or -1 with
 * ${err} set (the old file is then untouched; the temporary file removed).
 */
int tw_statefile_save(const char *path, const struct tw_state_doc *doc, struct tw_error *err);

/*
 * tw_statefile_set_aside(path, newpath, len):
 * Rename a bad state file to PATH.bad-YYYYMMDDTHHMMSSZ (a suffix -N is
 * added if that exists) and write the new name into ${newpath}.  0 or -1.
 */
int tw_statefile_set_aside(const char *path, char *newpath, size_t len);

/*
 * tw_statefile_clean_stale(path):
 * Remove the temporary files PATH.tmp.PID that a writer killed mid-save
 * left behind (PID no longer running).  Returns how many were removed.
 */
int tw_statefile_clean_stale(const char *path);

/* tw_statefile_doc_clear(doc): free what ${doc} holds and zero it. */
void tw_statefile_doc_clear(struct tw_state_doc *doc);

#endif
