/*
 * events.h -- where a watcher's events go, one line each.
 *
 * To a file: one JSON object per line, appended and flushed to disk
 * (fsync) before the next round, so a crash loses no reported event.  To
 * standard output: the same JSON lines, or one readable line per event
 * when it is a terminal.  The most recent events are also kept (bounded)
 * for the state file and status pages.
 */
#ifndef TLDWATCH_EVENTS_H
#define TLDWATCH_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tldwatch/tracker.h"

#define TW_EVENTS_KEPT 200

struct tw_event_log;

/*
 * tw_event_log_open(path, err, errlen):
 * Open ${path} for appending (created 0640), or standard output when NULL.
 * Returns NULL with a message in ${err} on failure.
 */
struct tw_event_log *tw_event_log_open(const char *path, char *err, size_t errlen);

/*
 * tw_event_log_write(log, ev, n):
 * Write ${n} events, flush them to disk, and keep them in the recent list.
 * Returns 0, or -1 when writing failed (the events are still kept).
 */
int tw_event_log_write(struct tw_event_log *log, const struct tw_event *ev, size_t n);

/*
 * tw_event_json_line(ev):
 * One event as a JSON object on one line, without the newline (malloc'd;
 * NULL on allocation failure).
 */
char *tw_event_json_line(const struct tw_event *ev);

/*
 * tw_event_log_recent_json(log):
 * The kept events as a JSON array text, oldest first (malloc'd, or NULL).
 */
char *tw_event_log_recent_json(const struct tw_event_log *log);

/*
 * tw_event_log_restore(log, json):
 * Seed the recent list from a JSON array text (from a state file).
 */
void tw_event_log_restore(struct tw_event_log *log, const char *json);

/* tw_event_log_close(log): NULL is fine. */
void tw_event_log_close(struct tw_event_log *log);

#endif
