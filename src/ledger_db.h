/*
 * ledger_db.h -- inside the ledger: what ledger.c (the store and its
 * writer) and ledger_read.c (the readers) share.  Private to them: nothing
 * else includes it.
 */
#ifndef TLDWATCH_LEDGER_DB_H
#define TLDWATCH_LEDGER_DB_H

#include <math.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tldwatch/error.h"
#include "tldwatch/hash.h"
#include "tldwatch/ledger.h"
#include "tldwatch/outage.h"
#include "tldwatch/vec.h"

/* The statements a commit runs, prepared once. */
enum stmt {
	ST_ROUND, ST_ZONE_ROUND, ST_SERVER_NEW, ST_SERVER_ROUND, ST_HOST_NEW, ST_HOST_ROUND,
	ST_EVENT, ST_TRACKER, ST_TRACKER_DROP, ST_META, ST_ZONE_HOUR, ST_SERVER_HOUR,
	ST_OUTAGE_NEW, ST_ZONE_INFO, ST_ONSET, ST_COUNT
};

/* P-square estimate of a median (Jain and Chlamtac, 1985): five markers, no samples kept. */
struct p2 {
	unsigned n;
	double q[5];
	double pos[5];
	double want[5];
};

/* What the current hour knows of one server row. */
struct server_hour {
	int64_t hour_ms;
	unsigned rounds, sent, answered;
	int64_t rtt_min, rtt_max;     /* us; -1: none */
	struct p2 median;
};

struct server_entry {
	int64_t id;
	char *zone, *served, *name;   /* name may be NULL */
	char address[TW_ADDRSTRLEN];
	uint16_t port;
	enum tw_transport transport;
	enum tw_role role;
	struct server_hour hour;
	uint64_t seen_round;          /* last round it was in (one sample per round) */
	size_t row;                   /* its row in the batch, for a second sighting that round */
};

struct host_entry {
	int64_t id;
	char *zone, *name;
	uint64_t seen_round;          /* the round whose batch holds its row */
};

/*
 * A round's server and host rows wait in these batches and go in BATCH_ROWS
 * to a statement: one multi-row INSERT does the work of many single ones at
 * a third of the cost (a world round has some 20,000 rows).
 */
#define BATCH_ROWS 32

struct server_row {
	int64_t server;
	int pinned, outcome;
	unsigned sent, answered;
	int64_t rtt_us;               /* -1: no answer */
	bool has_serial;
	uint32_t serial;
};

struct host_row {
	int64_t host;
	int key, type, resolved, outcome;
	char *addresses;              /* owned; NULL: none */
	const char *path, *detail;    /* the round's result's */
};

/* Per zone, what the next commit needs. */
struct zone_entry {
	char *zone;
	char *label;                  /* as zone_info holds it */
	bool have_label;
	bool have_prev;
	double prev_start;            /* the previous round's start */
	double prev_interval;
	enum tw_state prev_published;
	bool in_outage;
	unsigned outage;              /* the open outage's number, 0: none */
};

struct tw_ledger {
	sqlite3 *db;
	char *path;
	bool writer;
	sqlite3_stmt *st[ST_COUNT];
	struct tw_hash servers, hosts, zones;
	struct tw_vec server_list, host_list, zone_list;   /* of pointers, to free */
	struct tw_vec server_rows, host_rows;               /* the round's batches */
	sqlite3_stmt *server_batch, *host_batch;            /* BATCH_ROWS rows each */
	double keep_s;                /* raw rows older than this go; 0: never */
	bool reading;
	bool imported;                /* opening imported a JSON state file */
	bool readonly;                /* the writer cannot write the file now: reopen first */
	int64_t version;              /* the file's schema version (user_version) */
};

/* ---- errors ---- */

static inline int
fail(struct tw_ledger *l, struct tw_error *err, const char *what)
{
	tw_error_set(err, l->path, 0, 0, "%s: %s (SQLite %d)", what, sqlite3_errmsg(l->db),
	    sqlite3_extended_errcode(l->db));
	return -1;
}

static inline int64_t
to_ms(double t)
{
	/* Truncated as tw_clock_iso writes times, so the ledger and the events agree. */
	return (int64_t)floor(t * 1000.0 + 1e-3);
}

static inline double
from_ms(int64_t ms)
{
	return (double)ms / 1000.0;
}

/* ---- small statement helpers ---- */

static inline int
exec(struct tw_ledger *l, const char *sql, struct tw_error *err)
{
	if (sqlite3_exec(l->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return fail(l, err, sql);
	return 0;
}

static inline void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v != NULL)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

static inline void
bind_opt_int(sqlite3_stmt *s, int i, bool have, int64_t v)
{
	if (have)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

/* Run a bound statement that returns no row, then reset it. */
static inline int
step_done(struct tw_ledger *l, sqlite3_stmt *s, struct tw_error *err, const char *what)
{
	int rc = sqlite3_step(s);

	/* No clear_bindings: every statement binds every parameter, every time. */
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return fail(l, err, what);
	return 0;
}

/* An ad hoc statement: prepared, stepped by the caller, finalized by it. */
static inline sqlite3_stmt *
prepare(struct tw_ledger *l, const char *sql, struct tw_error *err)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(l->db, sql, -1, &s, NULL) != SQLITE_OK) {
		fail(l, err, "prepare");
		return NULL;
	}
	return s;
}

static inline char *
col_dup(sqlite3_stmt *s, int i, bool *failed)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	char *d;

	if (t == NULL)
		return NULL;
	if ((d = strdup((const char *)t)) == NULL)
		*failed = true;
	return d;
}

static inline int
meta_int(struct tw_ledger *l, const char *key, int64_t *out)
{
	sqlite3_stmt *s = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(l->db, "SELECT value FROM meta WHERE key = ?1", -1, &s, NULL) !=
	    SQLITE_OK)
		return -1;
	bind_text(s, 1, key);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) == SQLITE_INTEGER) {
		*out = sqlite3_column_int64(s, 0);
		rc = 0;
	}
	sqlite3_finalize(s);
	return rc;
}

/* One int64 from a query with one or two int64 or text parameters. */
static inline int
query_int(struct tw_ledger *l, const char *sql, const char *text, int64_t a, int64_t *out,
    struct tw_error *err)
{
	sqlite3_stmt *q = prepare(l, sql, err);
	int rc;

	if (q == NULL)
		return -1;
	if (text != NULL)
		bind_text(q, 1, text);
	sqlite3_bind_int64(q, text != NULL ? 2 : 1, a);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL)
		*out = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(l, err, "query");
	return 0;
}

/*
 * tw_ledger_read_story(l, zone, number, first_round, to, flap_window, o, err):
 * The story of outage ${number} of ${zone} told from its rows up to round
 * ${to} (ledger_read.c; the writer tells an outage when it ends).  0, 1
 * when its rounds are gone (${err} says so), -1 with ${err}.
 */
int tw_ledger_read_story(struct tw_ledger *l, const char *zone, unsigned number,
    int64_t first_round, int64_t to, unsigned flap_window, struct tw_outage *o,
    struct tw_error *err);

/* An onset from columns at..at+2 (shape, rounds_before, evidence); none when NULL or unknown. */
static inline void
onset_col(sqlite3_stmt *q, int at, struct tw_onset *o)
{
	const char *shape = (const char *)sqlite3_column_text(q, at);
	const char *evidence = (const char *)sqlite3_column_text(q, at + 2);

	memset(o, 0, sizeof(*o));
	if (shape == NULL || evidence == NULL || tw_onset_shape_from_str(shape, &o->shape) != 0) {
		o->shape = TW_ONSET_NONE;
		return;
	}
	o->rounds_before = (unsigned)sqlite3_column_int(q, at + 1);
	snprintf(o->evidence, sizeof(o->evidence), "%s", evidence);
}


#endif
