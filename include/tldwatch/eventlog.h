/*
 * eventlog.h -- where a watcher's events go, one line each.
 *
 * To a file: one JSON object per line (tw_event_json), appended and flushed
 * to disk (fsync) before the next round, so a crash loses no reported
 * event.  To standard output: the same JSON lines, or one readable line per
 * event when it is a terminal.  tw_eventlog_reopen() follows the logrotate
 * convention: after the file was moved away, SIGHUP makes the watcher open
 * the path anew.
 */
#ifndef TLDWATCH_EVENTLOG_H
#define TLDWATCH_EVENTLOG_H

#include <stddef.h>

#include "tldwatch/error.h"
#include "tldwatch/event.h"

struct tw_eventlog;

/*
 * tw_eventlog_open(path, err):
 * Open ${path} for appending (created 0640, never through a symlink), or
 * standard output when NULL.  NULL with ${err} set on failure.
 */
struct tw_eventlog *tw_eventlog_open(const char *path, struct tw_error *err);

/*
 * tw_eventlog_write(log, ev, n):
 * Write ${n} events and flush them to disk.  Returns 0, or -1 when writing
 * failed (errno says why).
 */
int tw_eventlog_write(struct tw_eventlog *log, const struct tw_event *ev, size_t n);

/*
 * tw_eventlog_reopen(log, err):
 * Open the file's path again and write there from now on (standard output:
 * nothing to do).  On failure the old file stays in use: 0, or -1 with ${err}.
 */
int tw_eventlog_reopen(struct tw_eventlog *log, struct tw_error *err);

/* tw_eventlog_close(log): NULL is fine. */
void tw_eventlog_close(struct tw_eventlog *log);

#endif
