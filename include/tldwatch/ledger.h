/*
 * ledger.h -- the watcher's one durable store: every round and event in SQLite.
 *
 * `watch --state FILE` keeps its ledger in FILE, an SQLite database in WAL
 * mode (docs/ledger.md has the schema).  One transaction per round holds the
 * round (start, duration, interval), each zone's own and published state and
 * diagnosis, each server row's outcome, sent/answered, RTT and SOA serial,
 * each host's outcome and addresses, the round's events, the tracker as it
 * stands after the round (to resume), the outage records, and the hourly
 * rollups (seconds in each published state per zone; per server the loss
 * and RTT min/median/max) that are kept for ever while the raw rows go after
 * ledger.keep.  Pruning takes a bounded bite each round.
 *
 * The file is created 0640, never through a symbolic link; a file that is
 * not an SQLite database, not ours, from a newer tldwatch or damaged is
 * reported (TW_LEDGER_BAD) and the caller sets it aside, never overwrites
 * it.  A JSON state file of earlier versions is imported, and kept beside
 * the new database as FILE.v1.json.
 *
 * Readers (`status`, `history`, `report`, the HTTP endpoint) open it read
 * only and read inside one transaction (ledger_read.h): they see whole
 * rounds and never block the writer; SQLITE_BUSY is waited out, never shown.
 */
#ifndef TLDWATCH_LEDGER_H
#define TLDWATCH_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tldwatch/error.h"
#include "tldwatch/event.h"
#include "tldwatch/history.h"
#include "tldwatch/outage.h"
#include "tldwatch/result.h"
#include "tldwatch/statefile.h"
#include "tldwatch/timeline.h"
#include "tldwatch/tracker.h"

/* The schema this tldwatch writes (PRAGMA user_version). */
#define TW_LEDGER_VERSION 2

struct tw_ledger;

enum tw_ledger_status {
	TW_LEDGER_OK = 0,
	TW_LEDGER_MISSING,            /* read only: there is no such file */
	TW_LEDGER_BAD,                /* not ours, newer, damaged: set it aside (err says why) */
	TW_LEDGER_FAILED,             /* could not open it (permissions, I/O): err says why */
};

/*
 * tw_ledger_open(path, writer, out, err):
 * The writer creates the file when there is none (or imports a JSON state
 * file found there), upgrades an older schema and checks it; a reader opens
 * read only.  Returns the status; *out is set for TW_LEDGER_OK only.
 */
enum tw_ledger_status tw_ledger_open(const char *path, bool writer, struct tw_ledger **out,
    struct tw_error *err);

/* tw_ledger_close(l): finish and close; NULL is fine. */
void tw_ledger_close(struct tw_ledger *l);

/* tw_ledger_path(l): the file. */
const char *tw_ledger_path(const struct tw_ledger *l);

/* tw_ledger_imported(l): opening it imported a JSON state file (kept as PATH.v1.json). */
bool tw_ledger_imported(const struct tw_ledger *l);

/*
 * tw_ledger_set_aside(path, newpath, len):
 * Rename a bad file (and its -wal and -shm) to PATH.bad-YYYYMMDDTHHMMSSZ
 * (with -N if that exists); the new name goes to ${newpath}.  0 or -1.
 */
int tw_ledger_set_aside(const char *path, char *newpath, size_t len);

/* ---- the writer ---- */

/* What the tracker published for a zone after a round (a round may be written later). */
struct tw_ledger_zone {
	char *name;
	enum tw_state published;      /* tw_tracker_zone_state() */
	bool in_outage;
	bool flapping;
	double outage_start;
};

/*
 * tw_ledger_zones_of(t, out, n):
 * The tracker's zones as they stand, copied (free with tw_ledger_zones_free).
 * 0, or -1 when memory ran out.
 */
int tw_ledger_zones_of(const struct tw_tracker *t, struct tw_ledger_zone **out, size_t *n);
void tw_ledger_zones_free(struct tw_ledger_zone *z, size_t n);

/* What one round adds. */
struct tw_ledger_round {
	uint64_t number;              /* the tracker's round count after it */
	double start;                 /* Unix seconds */
	double seconds;               /* how long it ran */
	uint32_t interval_ms;         /* the interval it ran at */
	unsigned flap_window;         /* watch.flap_window, for outage stories */
	unsigned window;              /* watch.window: the rounds a reader's rings hold */
	const struct tw_check_result *result;   /* judged (verdict applied) */
	const struct tw_ledger_zone *zones;      /* the tracker's zones after this round */
	size_t n_zones;
	const struct tw_tracker *tracker;        /* the tracker now, to resume from; NULL: a
						    round written late, not the latest */
	const struct tw_event *events;
	size_t n_events;
};

/*
 * tw_ledger_commit(l, r, err):
 * Store round ${r} in one transaction (with its bite of pruning and the
 * rollups).  0, or -1 with ${err} set and nothing of the round stored.
 */
int tw_ledger_commit(struct tw_ledger *l, const struct tw_ledger_round *r, struct tw_error *err);

/* tw_ledger_set_keep(l, seconds): raw rows older than this go (ledger.keep; 0: never). */
void tw_ledger_set_keep(struct tw_ledger *l, double seconds);

/*
 * tw_ledger_resume(l, window, doc, err):
 * What a restarted watcher (or `status`) needs, into ${doc} (zeroed first;
 * free with tw_statefile_doc_clear): the tracker after the latest round, the
 * history rings of the last ${window} rounds (0: the watcher's own window),
 * the recent events, when the latest round was written and at which
 * interval.  A fresh ledger gives an empty tracker.  0, or -1 with ${err}.
 */
int tw_ledger_resume(struct tw_ledger *l, unsigned window, struct tw_state_doc *doc,
    struct tw_error *err);

#endif
