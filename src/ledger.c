/*
 * ledger.c -- rounds, events, outages and rollups in SQLite (see ledger.h,
 * and docs/ledger.md for the schema and the reasons behind it): opening,
 * checking, the writer's commit, resuming, importing.  The readers are in
 * ledger_read.c; what both share is ledger_db.h.
 *
 * One connection.  The writer holds prepared statements for the round's
 * rows, a cache of server and host ids, and per zone what the next round
 * needs (the previous round's start and published state, for the rollups;
 * whether an outage is open).  Times in the database are integer
 * milliseconds since the epoch, except the tracker's, which are stored as
 * the doubles they are so that a restart resumes them exactly.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tldwatch/clock.h"
#include "tldwatch/hash.h"
#include "tldwatch/ledger.h"
#include "tldwatch/vec.h"

#include "tldwatch/serial.h"

#include "ledger_db.h"

#define APPLICATION_ID 0x746c6477      /* "tldw" */
#define BUSY_WRITER_MS 2000
#define BUSY_READER_MS 10000
#define PRUNE_ROUNDS 4                 /* raw rounds removed per commit, at most */
#define KEEP_ROUNDS_MIN 1000           /* the newest rounds are never pruned */
#define VACUUM_PAGES 64                /* freed pages returned per commit, at most */
#define GAP_INTERVALS 2.0              /* rounds further apart than this: the watcher was off */

/* Version 2: how each outage began (onset.h), one row per outage start, kept for ever. */
#define ONSETS_TABLE "CREATE TABLE onsets (" \
	" zone TEXT NOT NULL, round INTEGER NOT NULL, shape TEXT NOT NULL," \
	" rounds_before INTEGER NOT NULL, evidence TEXT NOT NULL," \
	" PRIMARY KEY (zone, round)) STRICT, WITHOUT ROWID"

static const char *const schema[] = {
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value ANY) STRICT",
	"CREATE TABLE rounds ("
	" id INTEGER PRIMARY KEY, start_ms INTEGER NOT NULL, duration_ms REAL NOT NULL,"
	" interval_ms INTEGER NOT NULL, deadline_hit INTEGER NOT NULL, deadline_stage TEXT,"
	" error TEXT) STRICT",
	"CREATE INDEX rounds_by_start ON rounds (start_ms)",
	"CREATE TABLE zone_rounds ("
	" round INTEGER NOT NULL, zone TEXT NOT NULL, raw INTEGER NOT NULL,"
	" published INTEGER NOT NULL, in_outage INTEGER NOT NULL, flapping INTEGER NOT NULL,"
	" diagnosis TEXT, auth_answering INTEGER NOT NULL, auth_total INTEGER NOT NULL,"
	" controls_answered INTEGER NOT NULL, controls_total INTEGER NOT NULL,"
	" PRIMARY KEY (round, zone)) STRICT, WITHOUT ROWID",
	"CREATE INDEX zone_rounds_by_zone ON zone_rounds (zone, round)",
	"CREATE TABLE servers ("
	" id INTEGER PRIMARY KEY, zone TEXT NOT NULL, served TEXT NOT NULL, role INTEGER NOT NULL,"
	" name TEXT, address TEXT NOT NULL, port INTEGER NOT NULL, transport INTEGER NOT NULL)"
	" STRICT",
	"CREATE TABLE server_rounds ("
	" round INTEGER NOT NULL, server INTEGER NOT NULL, pinned INTEGER NOT NULL,"
	" outcome INTEGER NOT NULL, sent INTEGER NOT NULL, answered INTEGER NOT NULL,"
	" rtt_us INTEGER, serial INTEGER,"
	" PRIMARY KEY (round, server)) STRICT, WITHOUT ROWID",
	"CREATE TABLE hosts (id INTEGER PRIMARY KEY, zone TEXT NOT NULL, name TEXT NOT NULL)"
	" STRICT",
	"CREATE TABLE host_rounds ("
	" round INTEGER NOT NULL, host INTEGER NOT NULL, key INTEGER NOT NULL,"
	" type INTEGER NOT NULL, resolved INTEGER NOT NULL, outcome INTEGER NOT NULL,"
	" addresses TEXT, path TEXT, detail TEXT,"
	" PRIMARY KEY (round, host)) STRICT, WITHOUT ROWID",
	"CREATE TABLE events ("
	" id INTEGER PRIMARY KEY, round INTEGER NOT NULL, time_ms INTEGER NOT NULL,"
	" zone TEXT NOT NULL, kind TEXT NOT NULL, from_state TEXT NOT NULL,"
	" to_state TEXT NOT NULL, diagnosis TEXT, outage_seconds REAL, outage_start_ms INTEGER)"
	" STRICT",
	"CREATE TABLE tracker ("
	" zone TEXT PRIMARY KEY, round INTEGER NOT NULL, started INTEGER NOT NULL,"
	" published INTEGER NOT NULL, published_since REAL NOT NULL, last_raw INTEGER NOT NULL,"
	" diagnosis TEXT, worse_count INTEGER NOT NULL, worse_best INTEGER NOT NULL,"
	" better_count INTEGER NOT NULL, better_worst INTEGER NOT NULL, ring BLOB NOT NULL,"
	" flapping INTEGER NOT NULL, calm_rounds INTEGER NOT NULL, run_since REAL NOT NULL,"
	" bad_since REAL NOT NULL, good_since REAL NOT NULL, in_outage INTEGER NOT NULL,"
	" outage_start REAL NOT NULL, outage_state INTEGER NOT NULL) STRICT",
	"CREATE TABLE outages ("
	" zone TEXT NOT NULL, number INTEGER NOT NULL, ongoing INTEGER NOT NULL,"
	" first_round INTEGER NOT NULL, last_round INTEGER NOT NULL, start_ms INTEGER NOT NULL,"
	" start_lo_ms INTEGER, end_ms INTEGER, end_lo_ms INTEGER, seconds REAL NOT NULL,"
	" uncertainty REAL NOT NULL, closed_round INTEGER,"
	" PRIMARY KEY (zone, number)) STRICT",
	"CREATE TABLE outage_phases ("
	" zone TEXT NOT NULL, number INTEGER NOT NULL, seq INTEGER NOT NULL,"
	" state TEXT NOT NULL, start_ms INTEGER NOT NULL, end_ms INTEGER, diagnosis TEXT,"
	" PRIMARY KEY (zone, number, seq)) STRICT, WITHOUT ROWID",
	"CREATE TABLE outage_hosts ("
	" zone TEXT NOT NULL, number INTEGER NOT NULL, seq INTEGER NOT NULL, name TEXT NOT NULL,"
	" key INTEGER NOT NULL, lost_ms INTEGER, back_ms INTEGER, back_lo_ms INTEGER,"
	" back_rank INTEGER, PRIMARY KEY (zone, number, seq)) STRICT, WITHOUT ROWID",
	"CREATE TABLE zone_info (zone TEXT PRIMARY KEY, label TEXT) STRICT",
	ONSETS_TABLE,
	"CREATE TABLE zone_hours ("
	" zone TEXT NOT NULL, hour_ms INTEGER NOT NULL, up REAL NOT NULL, degraded REAL NOT NULL,"
	" unstable REAL NOT NULL, partial REAL NOT NULL, down REAL NOT NULL,"
	" unknown REAL NOT NULL, PRIMARY KEY (zone, hour_ms)) STRICT, WITHOUT ROWID",
	"CREATE TABLE server_hours ("
	" server INTEGER NOT NULL, hour_ms INTEGER NOT NULL, rounds INTEGER NOT NULL,"
	" sent INTEGER NOT NULL, answered INTEGER NOT NULL, rtt_min_us INTEGER,"
	" rtt_median_us INTEGER, rtt_max_us INTEGER,"
	" PRIMARY KEY (server, hour_ms)) STRICT, WITHOUT ROWID",
};

static const char *const stmt_sql[ST_COUNT] = {
	[ST_ROUND] = "INSERT OR REPLACE INTO rounds VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_ZONE_ROUND] = "INSERT OR REPLACE INTO zone_rounds VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[ST_SERVER_NEW] = "INSERT INTO servers (zone, served, role, name, address, port, transport)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_SERVER_ROUND] = "INSERT INTO server_rounds VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_HOST_NEW] = "INSERT INTO hosts (zone, name) VALUES (?1, ?2)",
	[ST_HOST_ROUND] = "INSERT INTO host_rounds VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[ST_EVENT] = "INSERT INTO events (round, time_ms, zone, kind, from_state, to_state,"
	    " diagnosis, outage_seconds, outage_start_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
	    " ?8, ?9)",
	[ST_TRACKER] = "INSERT INTO tracker VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
	    " ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)"
	    " ON CONFLICT (zone) DO UPDATE SET round = excluded.round, started = excluded.started,"
	    " published = excluded.published, published_since = excluded.published_since,"
	    " last_raw = excluded.last_raw, diagnosis = excluded.diagnosis,"
	    " worse_count = excluded.worse_count, worse_best = excluded.worse_best,"
	    " better_count = excluded.better_count, better_worst = excluded.better_worst,"
	    " ring = excluded.ring, flapping = excluded.flapping,"
	    " calm_rounds = excluded.calm_rounds, run_since = excluded.run_since,"
	    " bad_since = excluded.bad_since, good_since = excluded.good_since,"
	    " in_outage = excluded.in_outage, outage_start = excluded.outage_start,"
	    " outage_state = excluded.outage_state",
	[ST_TRACKER_DROP] = "DELETE FROM tracker WHERE round < ?1",
	[ST_META] = "INSERT OR REPLACE INTO meta VALUES (?1, ?2)",
	[ST_ZONE_HOUR] = "INSERT INTO zone_hours VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
	    " ON CONFLICT (zone, hour_ms) DO UPDATE SET up = up + excluded.up,"
	    " degraded = degraded + excluded.degraded, unstable = unstable + excluded.unstable,"
	    " partial = partial + excluded.partial, down = down + excluded.down,"
	    " unknown = unknown + excluded.unknown",
	[ST_SERVER_HOUR] = "INSERT OR REPLACE INTO server_hours VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7, ?8)",
	[ST_OUTAGE_NEW] = "INSERT INTO outages VALUES (?1, ?2, 1, ?3, ?3, ?4, NULL, NULL, NULL,"
	    " 0, 0, NULL)",
	[ST_ZONE_INFO] = "INSERT OR REPLACE INTO zone_info VALUES (?1, ?2)",
	[ST_ONSET] = "INSERT OR REPLACE INTO onsets VALUES (?1, ?2, ?3, ?4, ?5)",
};

/* ---- P-square median ---- */

static void
p2_add(struct p2 *m, double x)
{
	static const double dn[5] = { 0, 0.25, 0.5, 0.75, 1 };
	double d, qn;
	unsigned i, k;
	int s;

	if (m->n < 5) {
		/* the first five, kept sorted */
		for (i = m->n; i > 0 && m->q[i - 1] > x; i--)
			m->q[i] = m->q[i - 1];
		m->q[i] = x;
		if (++m->n == 5)
			for (i = 0; i < 5; i++) {
				m->pos[i] = i + 1;
				m->want[i] = 1 + 4 * dn[i];
			}
		return;
	}
	if (x < m->q[0]) {
		m->q[0] = x;
		k = 0;
	} else if (x >= m->q[4]) {
		m->q[4] = x;
		k = 3;
	} else {
		for (k = 0; k < 3 && x >= m->q[k + 1]; k++)
			;
	}
	for (i = k + 1; i < 5; i++)
		m->pos[i] += 1;
	for (i = 0; i < 5; i++)
		m->want[i] += dn[i];
	m->n++;
	for (i = 1; i < 4; i++) {
		d = m->want[i] - m->pos[i];
		if ((d >= 1 && m->pos[i + 1] - m->pos[i] > 1) ||
		    (d <= -1 && m->pos[i - 1] - m->pos[i] < -1)) {
			s = d >= 0 ? 1 : -1;
			qn = m->q[i] + s / (m->pos[i + 1] - m->pos[i - 1]) *
			    ((m->pos[i] - m->pos[i - 1] + s) * (m->q[i + 1] - m->q[i]) /
			    (m->pos[i + 1] - m->pos[i]) + (m->pos[i + 1] - m->pos[i] - s) *
			    (m->q[i] - m->q[i - 1]) / (m->pos[i] - m->pos[i - 1]));
			if (!(m->q[i - 1] < qn && qn < m->q[i + 1]))
				qn = m->q[i] + s * (m->q[i + s] - m->q[i]) /
				    (m->pos[i + s] - m->pos[i]);
			m->q[i] = qn;
			m->pos[i] += s;
		}
	}
}

/* The median so far: exact up to five samples. */
static double
p2_median(const struct p2 *m)
{
	if (m->n == 0)
		return -1;
	if (m->n < 5)
		return m->n % 2 ? m->q[m->n / 2] : (m->q[m->n / 2 - 1] + m->q[m->n / 2]) / 2;
	return m->q[2];
}

/* ---- id caches: servers, hosts, zones ---- */

struct server_key {
	const char *zone, *served, *name, *address;
	uint16_t port;
	enum tw_transport transport;
	enum tw_role role;
};

static bool
str_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static uint64_t
server_hash(const struct server_key *k)
{
	uint64_t h = TW_HASH_SEED;

	h = tw_hash_str(h, k->zone);
	h = tw_hash_str(h, k->served);
	h = tw_hash_str(h, k->name);
	h = tw_hash_str(h, k->address);
	h = tw_hash_u64(h, k->port);
	h = tw_hash_u64(h, (uint64_t)k->transport);
	return tw_hash_u64(h, (uint64_t)k->role);
}

static bool
server_eq(const void *item, const void *key)
{
	const struct server_entry *e = item;
	const struct server_key *k = key;

	return e->port == k->port && e->transport == k->transport && e->role == k->role &&
	    strcmp(e->address, k->address) == 0 && str_same(e->zone, k->zone) &&
	    str_same(e->served, k->served) && str_same(e->name, k->name);
}

struct pair_key {
	const char *zone, *name;
};

static uint64_t
pair_hash(const char *zone, const char *name)
{
	return tw_hash_str(tw_hash_str(TW_HASH_SEED, zone), name);
}

static bool
host_eq(const void *item, const void *key)
{
	const struct host_entry *e = item;
	const struct pair_key *k = key;

	return strcmp(e->zone, k->zone) == 0 && strcmp(e->name, k->name) == 0;
}

static bool
zone_eq(const void *item, const void *key)
{
	return strcmp(((const struct zone_entry *)item)->zone, key) == 0;
}

static void
server_hour_reset(struct server_hour *h, int64_t hour_ms)
{
	memset(h, 0, sizeof(*h));
	h->hour_ms = hour_ms;
	h->rtt_min = h->rtt_max = -1;
}

/* Remember a server row the database already has. */
static struct server_entry *
server_remember(struct tw_ledger *l, int64_t id, const struct server_key *k)
{
	struct server_entry *e = calloc(1, sizeof(*e));
	bool failed = false;

	if (e == NULL)
		return NULL;
	e->id = id;
	e->zone = k->zone != NULL ? strdup(k->zone) : NULL;
	e->served = k->served != NULL ? strdup(k->served) : NULL;
	e->name = k->name != NULL ? strdup(k->name) : NULL;
	failed = (k->zone != NULL && e->zone == NULL) || (k->served != NULL && e->served == NULL) ||
	    (k->name != NULL && e->name == NULL);
	snprintf(e->address, sizeof(e->address), "%s", k->address);
	e->port = k->port;
	e->transport = k->transport;
	e->role = k->role;
	server_hour_reset(&e->hour, -1);
	if (failed || tw_vec_push_ptr(&l->server_list, e) != 0) {
		free(e->zone);
		free(e->served);
		free(e->name);
		free(e);
		return NULL;
	}
	if (tw_hash_add(&l->servers, server_hash(k), e) != 0)
		return NULL;          /* kept in the list, freed at close */
	return e;
}

static struct host_entry *
host_remember(struct tw_ledger *l, int64_t id, const char *zone, const char *name)
{
	struct host_entry *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return NULL;
	e->id = id;
	e->zone = strdup(zone);
	e->name = strdup(name);
	if (e->zone == NULL || e->name == NULL || tw_vec_push_ptr(&l->host_list, e) != 0) {
		free(e->zone);
		free(e->name);
		free(e);
		return NULL;
	}
	if (tw_hash_add(&l->hosts, pair_hash(zone, name), e) != 0)
		return NULL;
	return e;
}

static struct zone_entry *
zone_get(struct tw_ledger *l, const char *zone)
{
	uint64_t h = tw_hash_str(TW_HASH_SEED, zone);
	struct zone_entry *e = tw_hash_find(&l->zones, h, zone_eq, zone);

	if (e != NULL)
		return e;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	if ((e->zone = strdup(zone)) == NULL || tw_vec_push_ptr(&l->zone_list, e) != 0) {
		free(e->zone);
		free(e);
		return NULL;
	}
	if (tw_hash_add(&l->zones, h, e) != 0)
		return NULL;
	return e;
}

/* The id of a server row, inserted the first time it is met. */
static int64_t
server_id(struct tw_ledger *l, const struct server_key *k, struct server_entry **out,
    struct tw_error *err)
{
	struct server_entry *e = tw_hash_find(&l->servers, server_hash(k), server_eq, k);
	sqlite3_stmt *s = l->st[ST_SERVER_NEW];

	if (e != NULL) {
		*out = e;
		return e->id;
	}
	bind_text(s, 1, k->zone);
	bind_text(s, 2, k->served);
	sqlite3_bind_int(s, 3, (int)k->role);
	bind_text(s, 4, k->name);
	bind_text(s, 5, k->address);
	sqlite3_bind_int(s, 6, k->port);
	sqlite3_bind_int(s, 7, (int)k->transport);
	if (step_done(l, s, err, "insert a server") != 0)
		return -1;
	if ((e = server_remember(l, sqlite3_last_insert_rowid(l->db), k)) == NULL) {
		tw_error_set(err, l->path, 0, 0, "out of memory");
		return -1;
	}
	*out = e;
	return e->id;
}

static struct host_entry *
host_get(struct tw_ledger *l, const char *zone, const char *name, struct tw_error *err)
{
	struct pair_key k = { zone, name };
	struct host_entry *e = tw_hash_find(&l->hosts, pair_hash(zone, name), host_eq, &k);
	sqlite3_stmt *s = l->st[ST_HOST_NEW];

	if (e != NULL)
		return e;
	bind_text(s, 1, zone);
	bind_text(s, 2, name);
	if (step_done(l, s, err, "insert a host") != 0)
		return NULL;
	if ((e = host_remember(l, sqlite3_last_insert_rowid(l->db), zone, name)) == NULL)
		tw_error_set(err, l->path, 0, 0, "out of memory");
	return e;
}

/* Load the server and host ids, and per zone the latest round, for the writer. */
static int
load_caches(struct tw_ledger *l, struct tw_error *err)
{
	sqlite3_stmt *s;
	struct server_key k;
	struct zone_entry *z;
	int rc;

	if ((s = prepare(l, "SELECT id, zone, served, role, name, address, port, transport"
	    " FROM servers", err)) == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		k.zone = (const char *)sqlite3_column_text(s, 1);
		k.served = (const char *)sqlite3_column_text(s, 2);
		k.role = (enum tw_role)sqlite3_column_int(s, 3);
		k.name = (const char *)sqlite3_column_text(s, 4);
		k.address = (const char *)sqlite3_column_text(s, 5);
		k.port = (uint16_t)sqlite3_column_int(s, 6);
		k.transport = (enum tw_transport)sqlite3_column_int(s, 7);
		if (k.address == NULL || server_remember(l, sqlite3_column_int64(s, 0), &k) == NULL)
			break;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return fail(l, err, "load the servers");
	if ((s = prepare(l, "SELECT id, zone, name FROM hosts", err)) == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (sqlite3_column_text(s, 1) == NULL || sqlite3_column_text(s, 2) == NULL ||
		    host_remember(l, sqlite3_column_int64(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    (const char *)sqlite3_column_text(s, 2)) == NULL)
			break;
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return fail(l, err, "load the hosts");
	/* Each zone's latest round: where the rollups go on from. */
	if ((s = prepare(l, "SELECT z.zone, r.start_ms, max(r.interval_ms, r.duration_ms),"
	    " z.published, z.in_outage"
	    " FROM (SELECT zone, max(round) AS last FROM zone_rounds GROUP BY zone) AS y"
	    " JOIN zone_rounds z ON z.zone = y.zone AND z.round = y.last"
	    " JOIN rounds r ON r.id = z.round", err)) == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_text(s, 0) == NULL ||
		    (z = zone_get(l, (const char *)sqlite3_column_text(s, 0))) == NULL)
			break;
		z->have_prev = true;
		z->prev_start = from_ms(sqlite3_column_int64(s, 1));
		z->prev_interval = sqlite3_column_double(s, 2) / 1000.0;
		z->prev_published = (enum tw_state)sqlite3_column_int(s, 3);
		z->in_outage = sqlite3_column_int(s, 4) != 0;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return fail(l, err, "load the zones");
	if ((s = prepare(l, "SELECT zone, number FROM outages WHERE ongoing = 1", err)) == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_text(s, 0) == NULL ||
		    (z = zone_get(l, (const char *)sqlite3_column_text(s, 0))) == NULL)
			break;
		z->outage = (unsigned)sqlite3_column_int(s, 1);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return fail(l, err, "load the open outages");
	return 0;
}

/* ---- opening ---- */

static int
pragma_int(struct tw_ledger *l, const char *sql, int64_t *out)
{
	sqlite3_stmt *s = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(l->db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW) {
		*out = sqlite3_column_int64(s, 0);
		rc = 0;
	}
	sqlite3_finalize(s);
	return rc;
}

static int
create_schema(struct tw_ledger *l, struct tw_error *err)
{
	char sql[128];
	size_t i;

	/* Before any table: freed pages can then be given back a few at a time. */
	if (exec(l, "PRAGMA auto_vacuum = INCREMENTAL", err) != 0 ||
	    exec(l, "BEGIN IMMEDIATE", err) != 0)
		return -1;
	for (i = 0; i < sizeof(schema) / sizeof(schema[0]); i++)
		if (exec(l, schema[i], err) != 0)
			goto fail;
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", APPLICATION_ID);
	if (exec(l, sql, err) != 0)
		goto fail;
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", TW_LEDGER_VERSION);
	if (exec(l, sql, err) != 0 ||
	    exec(l, "INSERT INTO meta VALUES ('format', 'tldwatch-ledger')", err) != 0)
		goto fail;
	snprintf(sql, sizeof(sql), "INSERT INTO meta VALUES ('created_ms', %lld)",
	    (long long)to_ms(tw_clock_wall()));
	if (exec(l, sql, err) != 0 || exec(l, "COMMIT", err) != 0)
		goto fail;
	return 0;
fail:
	sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/*
 * Ours, a version we read, and whole.  The whole file is checked
 * (quick_check: every page, O(size)) when the writer that had it last did
 * not close it (a crash, a kill): a clean restart does not pay a month's
 * pages for it; the small tables a resume reads are checked every time.
 */
static enum tw_ledger_status
check_file(struct tw_ledger *l, struct tw_error *err)
{
	int64_t open_flag = 0;
	int64_t app = 0, ver = 0;
	sqlite3_stmt *s;
	const char *what;
	int rc;

	if (pragma_int(l, "PRAGMA application_id", &app) != 0) {
		fail(l, err, "not an SQLite database, or a damaged one");
		return TW_LEDGER_BAD;
	}
	if (pragma_int(l, "PRAGMA user_version", &ver) != 0) {
		fail(l, err, "cannot read the schema version");
		return TW_LEDGER_BAD;
	}
	if (app != APPLICATION_ID) {
		tw_error_set(err, l->path, 0, 0, "an SQLite database, but not a tldwatch ledger "
		    "(application_id %lld)", (long long)app);
		return TW_LEDGER_BAD;
	}
	if (ver > TW_LEDGER_VERSION || ver < 1) {
		tw_error_set(err, l->path, 0, 0, "ledger schema version %lld: this tldwatch reads "
		    "version %d%s", (long long)ver, TW_LEDGER_VERSION,
		    ver > TW_LEDGER_VERSION ? " (written by a newer tldwatch)" : "");
		return TW_LEDGER_BAD;
	}
	l->version = ver;
	(void)meta_int(l, "open", &open_flag);
	if ((s = prepare(l, l->writer && open_flag != 0 ? "PRAGMA quick_check" :
	    "PRAGMA quick_check(meta)", err)) == NULL)
		return TW_LEDGER_FAILED;
	rc = sqlite3_step(s);
	what = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(s, 0) : NULL;
	if (rc != SQLITE_ROW || what == NULL || strcmp(what, "ok") != 0) {
		tw_error_set(err, l->path, 0, 0, "damaged: quick_check says %s",
		    what != NULL ? what : sqlite3_errmsg(l->db));
		sqlite3_finalize(s);
		return TW_LEDGER_BAD;
	}
	sqlite3_finalize(s);
	return TW_LEDGER_OK;
}

/*
 * Schema upgrades, version by version, each in one transaction with its new
 * user_version; version 1 is the first.  A file that cannot be written now
 * is upgraded when it can (reopen_writable); until then nothing of a later
 * version is written to it.
 */
static int
upgrade(struct tw_ledger *l, struct tw_error *err)
{
	char sql[64];

	if (l->readonly || l->version >= TW_LEDGER_VERSION)
		return 0;
	if (exec(l, "BEGIN IMMEDIATE", err) != 0)
		return -1;
	if (l->version < 2 && exec(l, ONSETS_TABLE, err) != 0)
		goto fail;
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", TW_LEDGER_VERSION);
	if (exec(l, sql, err) != 0 || exec(l, "COMMIT", err) != 0)
		goto fail;
	l->version = TW_LEDGER_VERSION;
	return 0;
fail:
	sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static void host_rows_clear(struct tw_ledger *l);
static void finalize_all(struct tw_ledger *l);

/* Forget every cached server, host and zone entry (the lists keep their room). */
static void
caches_clear(struct tw_ledger *l)
{
	size_t i;

	for (i = 0; i < l->server_list.n; i++) {
		struct server_entry *e = tw_vec_ptr(&l->server_list, i);

		free(e->zone);
		free(e->served);
		free(e->name);
		free(e);
	}
	for (i = 0; i < l->host_list.n; i++) {
		struct host_entry *e = tw_vec_ptr(&l->host_list, i);

		free(e->zone);
		free(e->name);
		free(e);
	}
	for (i = 0; i < l->zone_list.n; i++) {
		struct zone_entry *e = tw_vec_ptr(&l->zone_list, i);

		free(e->zone);
		free(e->label);
		free(e);
	}
	l->server_list.n = l->host_list.n = l->zone_list.n = 0;
}

static void
ledger_free(struct tw_ledger *l)
{
	if (l == NULL)
		return;
	finalize_all(l);
	host_rows_clear(l);
	tw_vec_free(&l->server_rows);
	tw_vec_free(&l->host_rows);
	if (l->db != NULL)
		sqlite3_close(l->db);
	caches_clear(l);
	tw_vec_free(&l->server_list);
	tw_vec_free(&l->host_list);
	tw_vec_free(&l->zone_list);
	tw_hash_free(&l->servers);
	tw_hash_free(&l->hosts);
	tw_hash_free(&l->zones);
	free(l->path);
	free(l);
}

const char *
tw_ledger_path(const struct tw_ledger *l)
{
	return l->path;
}

bool
tw_ledger_imported(const struct tw_ledger *l)
{
	return l->imported;
}

void
tw_ledger_set_keep(struct tw_ledger *l, double seconds)
{
	l->keep_s = seconds > 0 ? seconds : 0;
}

/* Is the file at ${path} a JSON state file of an earlier tldwatch? */
static bool
is_json_state(const char *path)
{
	char buf[64];
	ssize_t n;
	int fd, i;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)) < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	for (i = 0; i < n; i++) {
		if (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\t' || buf[i] == '\r')
			continue;
		return buf[i] == '{';
	}
	return false;
}

static int import_json(const char *path, struct tw_error *err);

static enum tw_ledger_status
open_db(struct tw_ledger *l, bool create, struct tw_error *err)
{
	int flags = SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_NOMUTEX, rc;

	flags |= l->writer ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
	if (create)
		flags |= SQLITE_OPEN_CREATE;
	if ((rc = sqlite3_open_v2(l->path, &l->db, flags, NULL)) != SQLITE_OK) {
		if (l->db != NULL)
			fail(l, err, "cannot open");
		else
			tw_error_set(err, l->path, 0, 0, "cannot open: %s", sqlite3_errstr(rc));
		return rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT ? TW_LEDGER_BAD :
		    TW_LEDGER_FAILED;
	}
	sqlite3_extended_result_codes(l->db, 1);
	sqlite3_busy_timeout(l->db, l->writer ? BUSY_WRITER_MS : BUSY_READER_MS);
	return TW_LEDGER_OK;
}

/*
 * The writer's settings, once the file is known to be ours (a database of
 * another program is set aside as it was: turning it to WAL would rewrite
 * its header).  WAL: readers see whole rounds and never block the round's
 * commit.  FULL: the round survives a power cut once committed.  The -wal
 * and -shm files stay when the watcher stops, so that a reader of another
 * user (the monitoring check) can always open the ledger read only.
 */
static int
writer_settings(struct tw_ledger *l, struct tw_error *err)
{
	int persist = 1;

	/*
	 * The page cache: 512 KiB, not SQLite's 2 MB default, which a watcher
	 * otherwise fills over its first hours and reads as RSS growth.  A
	 * round's commit touches a few pages; the rest are in the OS's cache.
	 */
	if (exec(l, "PRAGMA journal_mode = WAL", err) != 0 ||
	    exec(l, "PRAGMA synchronous = FULL", err) != 0 ||
	    exec(l, "PRAGMA cache_size = -512", err) != 0)
		return -1;
	sqlite3_file_control(l->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
	return exec(l, "INSERT OR REPLACE INTO meta VALUES ('open', 1)", err);
}

/* "INSERT INTO ${table} VALUES (?, ...), ..." with BATCH_ROWS rows of ${cols} columns. */
static sqlite3_stmt *
prepare_batch(struct tw_ledger *l, const char *table, int cols, struct tw_error *err)
{
	struct tw_vec sql;
	sqlite3_stmt *s = NULL;
	int r, k;

	tw_vec_init(&sql, 1, NULL);
	(void)tw_vec_printf(&sql, "INSERT INTO %s VALUES ", table);
	for (r = 0; r < BATCH_ROWS; r++) {
		(void)tw_vec_printf(&sql, "%s(", r > 0 ? ", " : "");
		for (k = 0; k < cols; k++)
			(void)tw_vec_printf(&sql, "%s?", k > 0 ? ", " : "");
		(void)tw_vec_printf(&sql, ")");
	}
	if (sql.v == NULL || sqlite3_prepare_v3(l->db, sql.v, -1, SQLITE_PREPARE_PERSISTENT, &s,
	    NULL) != SQLITE_OK) {
		fail(l, err, "prepare");
		s = NULL;
	}
	tw_vec_free(&sql);
	return s;
}

static int
prepare_all(struct tw_ledger *l, struct tw_error *err)
{
	size_t i;

	for (i = 0; i < ST_COUNT; i++) {
		if (i == ST_ONSET && l->version < 2)
			continue;       /* not upgraded yet (read only): no onsets table */
		if (sqlite3_prepare_v3(l->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &l->st[i],
		    NULL) != SQLITE_OK)
			return fail(l, err, "prepare");
	}
	if ((l->server_batch = prepare_batch(l, "server_rounds", 8, err)) == NULL ||
	    (l->host_batch = prepare_batch(l, "host_rounds", 9, err)) == NULL)
		return -1;
	return 0;
}

static int rebuild_hour(struct tw_ledger *l, struct tw_error *err);

enum tw_ledger_status
tw_ledger_open(const char *path, bool writer, struct tw_ledger **out, struct tw_error *err)
{
	enum tw_ledger_status st;
	struct tw_ledger *l;
	struct stat sb;
	bool create = false;
	int fd;

	*out = NULL;
	if ((l = calloc(1, sizeof(*l))) == NULL || (l->path = strdup(path)) == NULL) {
		free(l);
		tw_error_set(err, path, 0, 0, "out of memory");
		return TW_LEDGER_FAILED;
	}
	l->writer = writer;
	tw_hash_init(&l->servers);
	tw_hash_init(&l->hosts);
	tw_hash_init(&l->zones);
	tw_vec_init(&l->server_list, sizeof(void *), NULL);
	tw_vec_init(&l->host_list, sizeof(void *), NULL);
	tw_vec_init(&l->zone_list, sizeof(void *), NULL);
	tw_vec_init(&l->server_rows, sizeof(struct server_row), NULL);
	tw_vec_init(&l->host_rows, sizeof(struct host_row), NULL);
	l->keep_s = 90.0 * 86400;
	if (lstat(path, &sb) != 0) {
		if (errno != ENOENT) {
			tw_error_set(err, path, 0, 0, "%s", strerror(errno));
			st = TW_LEDGER_FAILED;
			goto out;
		}
		if (!writer) {
			st = TW_LEDGER_MISSING;
			goto out;
		}
		/* Created by us, 0640 whatever the umask; SQLite makes -wal and -shm alike. */
		if ((fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640)) < 0 ||
		    fchmod(fd, 0640) != 0) {
			tw_error_set(err, path, 0, 0, "cannot create: %s", strerror(errno));
			if (fd >= 0)
				close(fd);
			st = TW_LEDGER_FAILED;
			goto out;
		}
		close(fd);
		create = true;
	} else if (S_ISLNK(sb.st_mode)) {
		tw_error_set(err, path, 0, 0, "is a symbolic link; the ledger never is");
		st = TW_LEDGER_BAD;
		goto out;
	} else if (!S_ISREG(sb.st_mode)) {
		tw_error_set(err, path, 0, 0, "not a regular file");
		st = TW_LEDGER_BAD;
		goto out;
	} else if (writer && is_json_state(path)) {
		/* A state file of an earlier tldwatch: carried over, kept beside. */
		if (import_json(path, err) != 0) {
			st = TW_LEDGER_BAD;
			goto out;
		}
		l->imported = true;
	}
	if ((st = open_db(l, create, err)) != TW_LEDGER_OK)
		goto out;
	if (create && create_schema(l, err) != 0) {
		st = TW_LEDGER_FAILED;
		goto out;
	}
	if ((st = check_file(l, err)) != TW_LEDGER_OK)
		goto out;
	/*
	 * A file SQLite could open only for reading (a read-only file system,
	 * no write permission): the watcher starts all the same, and every
	 * commit tries to open it for writing again until it can.
	 */
	l->readonly = writer && sqlite3_db_readonly(l->db, "main") == 1;
	if (writer && ((!l->readonly && writer_settings(l, err) != 0) || upgrade(l, err) != 0 ||
	    prepare_all(l, err) != 0 ||
	    load_caches(l, err) != 0 || rebuild_hour(l, err) != 0)) {
		st = TW_LEDGER_FAILED;
		goto out;
	}
	*out = l;
	return TW_LEDGER_OK;
out:
	ledger_free(l);
	return st;
}


/* ---- an ended outage, stored ---- */

static int64_t
opt_ms(bool known, double t)
{
	return known ? to_ms(t) : 0;
}

/* Store an ended outage's story: its record, phases and hosts. */
static int
outage_store(struct tw_ledger *l, const struct tw_outage *o, int64_t closed_round,
    struct tw_error *err)
{
	sqlite3_stmt *q;
	size_t i, rank;
	int rc = 0;

	if ((q = prepare(l, "UPDATE outages SET ongoing = ?3, first_round = ?4, last_round = ?5,"
	    " start_ms = ?6, start_lo_ms = ?7, end_ms = ?8, end_lo_ms = ?9, seconds = ?10,"
	    " uncertainty = ?11, closed_round = ?12 WHERE zone = ?1 AND number = ?2", err)) == NULL)
		return -1;
	bind_text(q, 1, o->zone);
	sqlite3_bind_int(q, 2, (int)o->number);
	sqlite3_bind_int(q, 3, o->ongoing);
	sqlite3_bind_int64(q, 4, o->first_round);
	sqlite3_bind_int64(q, 5, o->last_round);
	sqlite3_bind_int64(q, 6, to_ms(o->start));
	bind_opt_int(q, 7, o->start_lo_known, opt_ms(o->start_lo_known, o->start_lo));
	bind_opt_int(q, 8, !o->ongoing, opt_ms(!o->ongoing, o->end));
	bind_opt_int(q, 9, !o->ongoing, opt_ms(!o->ongoing, o->end_lo));
	sqlite3_bind_double(q, 10, o->seconds);
	sqlite3_bind_double(q, 11, o->uncertainty);
	sqlite3_bind_int64(q, 12, closed_round);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return fail(l, err, "store an outage");
	if ((q = prepare(l, "INSERT OR REPLACE INTO outage_phases VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7)", err)) == NULL)
		return -1;
	for (i = 0; i < o->n_phases && rc == SQLITE_DONE; i++) {
		const struct tw_outage_phase *p = &o->phases[i];

		bind_text(q, 1, o->zone);
		sqlite3_bind_int(q, 2, (int)o->number);
		sqlite3_bind_int64(q, 3, (int64_t)i);
		bind_text(q, 4, p->restored ? "restored" : tw_state_str(p->state));
		sqlite3_bind_int64(q, 5, to_ms(p->start));
		bind_opt_int(q, 6, !p->open, opt_ms(!p->open, p->end));
		bind_text(q, 7, p->diagnosis);
		rc = sqlite3_step(q);
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return fail(l, err, "store an outage's phases");
	if ((q = prepare(l, "INSERT OR REPLACE INTO outage_hosts VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7, ?8, ?9)", err)) == NULL)
		return -1;
	for (i = 0; i < o->n_hosts && rc == SQLITE_DONE; i++) {
		const struct tw_outage_host *h = &o->hosts[i];

		for (rank = 0; rank < o->n_order && o->order[rank] != i; rank++)
			;
		bind_text(q, 1, o->zone);
		sqlite3_bind_int(q, 2, (int)o->number);
		sqlite3_bind_int64(q, 3, (int64_t)i);
		bind_text(q, 4, h->name);
		sqlite3_bind_int(q, 5, h->key);
		bind_opt_int(q, 6, h->lost_known, opt_ms(h->lost_known, h->lost));
		bind_opt_int(q, 7, h->back_known, opt_ms(h->back_known, h->back));
		bind_opt_int(q, 8, h->back_known, opt_ms(h->back_known, h->back_lo));
		bind_opt_int(q, 9, rank < o->n_order, (int64_t)rank);
		rc = sqlite3_step(q);
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return fail(l, err, "store an outage's hosts");
	return 0;
}

/* ---- the writer: one round ---- */

/* Seconds ${secs} of state ${st} from ${start}, spread over the hours they fall in. */
static int
add_hours(struct tw_ledger *l, const char *zone, double start, double secs, enum tw_state st,
    struct tw_error *err)
{
	sqlite3_stmt *s = l->st[ST_ZONE_HOUR];
	double t = start, end = start + secs, hour, next, part;
	int i;

	if ((unsigned)st >= TW_STATE_COUNT)
		st = TW_STATE_UNKNOWN;
	while (t < end) {
		hour = tw_timeline_bucket(t, TW_TIMELINE_HOUR);
		next = tw_timeline_bucket_next(hour, TW_TIMELINE_HOUR);
		part = (next < end ? next : end) - t;
		bind_text(s, 1, zone);
		sqlite3_bind_int64(s, 2, to_ms(hour));
		for (i = 0; i < TW_STATE_COUNT; i++)
			sqlite3_bind_double(s, 3 + i, i == (int)st ? part : 0.0);
		if (step_done(l, s, err, "add to the hourly rollup") != 0)
			return -1;
		t = next;
	}
	return 0;
}

/* The previous round's published state held until this one (or one interval, after a gap). */
static int
rollup_zone(struct tw_ledger *l, struct zone_entry *z, double start, double interval,
    enum tw_state published, struct tw_error *err)
{
	double held;

	if (z->have_prev && start > z->prev_start) {
		held = start - z->prev_start;
		if (held > GAP_INTERVALS * z->prev_interval)
			held = z->prev_interval;
		if (add_hours(l, z->zone, z->prev_start, held, z->prev_published, err) != 0)
			return -1;
	}
	z->have_prev = true;
	z->prev_start = start;
	z->prev_interval = interval > 0 ? interval : 60;
	z->prev_published = published;
	return 0;
}

static int
server_hour_write(struct tw_ledger *l, const struct server_entry *e, struct tw_error *err)
{
	sqlite3_stmt *s = l->st[ST_SERVER_HOUR];
	const struct server_hour *h = &e->hour;
	double med = p2_median(&h->median);

	if (h->hour_ms < 0 || h->rounds == 0)
		return 0;
	sqlite3_bind_int64(s, 1, e->id);
	sqlite3_bind_int64(s, 2, h->hour_ms);
	sqlite3_bind_int(s, 3, (int)h->rounds);
	sqlite3_bind_int(s, 4, (int)h->sent);
	sqlite3_bind_int(s, 5, (int)h->answered);
	bind_opt_int(s, 6, h->rtt_min >= 0, h->rtt_min);
	bind_opt_int(s, 7, med >= 0, (int64_t)llround(med));
	bind_opt_int(s, 8, h->rtt_max >= 0, h->rtt_max);
	return step_done(l, s, err, "write the server rollup");
}

/* One round's sample of a server row into its hour (a new hour writes the old one out). */
static int
server_hour_add(struct tw_ledger *l, struct server_entry *e, int64_t hour_ms, uint64_t round,
    unsigned sent, unsigned answered, int64_t rtt_us, struct tw_error *err)
{
	struct server_hour *h = &e->hour;

	if (h->hour_ms != hour_ms) {
		if (server_hour_write(l, e, err) != 0)
			return -1;
		server_hour_reset(h, hour_ms);
	}
	if (e->seen_round != round) {
		h->rounds++;
		e->seen_round = round;
	}
	h->sent += sent;
	h->answered += answered;
	if (rtt_us >= 0) {
		if (h->rtt_min < 0 || rtt_us < h->rtt_min)
			h->rtt_min = rtt_us;
		if (rtt_us > h->rtt_max)
			h->rtt_max = rtt_us;
		p2_add(&h->median, (double)rtt_us);
	}
	return 0;
}

/* The server rollups of the hours that are over (all of them, with ${all}). */
static int
flush_hours(struct tw_ledger *l, int64_t hour_ms, bool all, struct tw_error *err)
{
	struct server_entry *e;
	size_t i;

	for (i = 0; i < l->server_list.n; i++) {
		e = tw_vec_ptr(&l->server_list, i);
		if (e->hour.hour_ms < 0 || (!all && e->hour.hour_ms == hour_ms))
			continue;
		if (server_hour_write(l, e, err) != 0)
			return -1;
		if (!all)
			server_hour_reset(&e->hour, -1);
	}
	return 0;
}

static int
put_server(struct tw_ledger *l, const struct tw_ledger_round *r, const char *zone,
    const struct tw_server_result *sv, int64_t hour_ms, struct tw_error *err)
{
	struct server_key k = { zone, sv->zone != NULL ? sv->zone : "", sv->name, sv->address,
		sv->port, sv->transport, sv->role };
	struct server_entry *e = NULL;
	struct server_row *row;
	int64_t rtt = sv->rtt_ms >= 0 ? (int64_t)llround(sv->rtt_ms * 1000.0) : -1;
	bool again;

	if (server_id(l, &k, &e, err) < 0)
		return -1;
	again = e->seen_round == r->number && e->row < l->server_rows.n;
	if (again) {
		/* The same server row twice in a round: one sample, its counts added. */
		row = tw_vec_at(&l->server_rows, e->row);
		row->sent += sv->sent;
		row->answered += sv->answered;
		if (row->rtt_us < 0)
			row->rtt_us = rtt;
	} else {
		if ((row = tw_vec_push(&l->server_rows)) == NULL) {
			tw_error_set(err, l->path, 0, 0, "out of memory");
			return -1;
		}
		e->row = l->server_rows.n - 1;
		row->server = e->id;
		row->pinned = sv->pinned;
		row->outcome = (int)sv->outcome;
		row->sent = sv->sent;
		row->answered = sv->answered;
		row->rtt_us = rtt;
		row->has_serial = sv->has_serial;
		row->serial = sv->serial;
	}
	return server_hour_add(l, e, hour_ms, r->number, sv->sent, sv->answered, rtt, err);
}

static int
put_host(struct tw_ledger *l, const struct tw_ledger_round *r, const char *zone,
    const struct tw_host_result *h, struct tw_error *err)
{
	struct host_entry *e;
	struct host_row *row;
	struct tw_vec addrs;
	size_t i;

	if (h->name == NULL)
		return 0;
	if ((e = host_get(l, zone, h->name, err)) == NULL)
		return -1;
	if (e->seen_round == r->number)
		return 0;               /* a host listed twice: its first row counts */
	e->seen_round = r->number;
	/* Addresses are numeric text: one space between them is all the structure they need. */
	tw_vec_init(&addrs, 1, NULL);
	for (i = 0; i < h->n_addresses; i++)
		if (tw_vec_printf(&addrs, "%s%s", i > 0 ? " " : "", h->addresses[i]) != 0)
			goto oom;
	if ((row = tw_vec_push(&l->host_rows)) == NULL)
		goto oom;
	row->host = e->id;
	row->key = h->key;
	row->type = h->type;
	row->resolved = h->resolved;
	row->outcome = (int)h->outcome;
	row->addresses = addrs.v;
	row->path = h->path;
	row->detail = h->detail;
	return 0;
oom:
	tw_vec_free(&addrs);
	tw_error_set(err, l->path, 0, 0, "out of memory");
	return -1;
}

static void
bind_server_row(sqlite3_stmt *s, int at, int64_t round, const struct server_row *row)
{
	sqlite3_bind_int64(s, at + 1, round);
	sqlite3_bind_int64(s, at + 2, row->server);
	sqlite3_bind_int(s, at + 3, row->pinned);
	sqlite3_bind_int(s, at + 4, row->outcome);
	sqlite3_bind_int(s, at + 5, (int)row->sent);
	sqlite3_bind_int(s, at + 6, (int)row->answered);
	bind_opt_int(s, at + 7, row->rtt_us >= 0, row->rtt_us);
	bind_opt_int(s, at + 8, row->has_serial, row->serial);
}

static void
bind_host_row(sqlite3_stmt *s, int at, int64_t round, const struct host_row *row)
{
	sqlite3_bind_int64(s, at + 1, round);
	sqlite3_bind_int64(s, at + 2, row->host);
	sqlite3_bind_int(s, at + 3, row->key);
	sqlite3_bind_int(s, at + 4, row->type);
	sqlite3_bind_int(s, at + 5, row->resolved);
	sqlite3_bind_int(s, at + 6, row->outcome);
	bind_text(s, at + 7, row->addresses);
	bind_text(s, at + 8, row->path);
	bind_text(s, at + 9, row->detail);
}

static void
host_rows_clear(struct tw_ledger *l)
{
	size_t i;

	for (i = 0; i < l->host_rows.n; i++)
		free(((struct host_row *)tw_vec_at(&l->host_rows, i))->addresses);
	l->host_rows.n = 0;
	l->server_rows.n = 0;
}

/* The round's batched rows into their tables: BATCH_ROWS a statement, the rest one by one. */
static int
flush_rows(struct tw_ledger *l, int64_t round, struct tw_error *err)
{
	size_t i, k;
	int rc = 0;

	for (i = 0; rc == 0 && i + BATCH_ROWS <= l->server_rows.n; i += BATCH_ROWS) {
		for (k = 0; k < BATCH_ROWS; k++)
			bind_server_row(l->server_batch, (int)k * 8, round,
			    tw_vec_at(&l->server_rows, i + k));
		rc = step_done(l, l->server_batch, err, "insert server rows");
	}
	for (; rc == 0 && i < l->server_rows.n; i++) {
		bind_server_row(l->st[ST_SERVER_ROUND], 0, round, tw_vec_at(&l->server_rows, i));
		rc = step_done(l, l->st[ST_SERVER_ROUND], err, "insert a server row");
	}
	for (i = 0; rc == 0 && i + BATCH_ROWS <= l->host_rows.n; i += BATCH_ROWS) {
		for (k = 0; k < BATCH_ROWS; k++)
			bind_host_row(l->host_batch, (int)k * 9, round, tw_vec_at(&l->host_rows, i + k));
		rc = step_done(l, l->host_batch, err, "insert host rows");
	}
	for (; rc == 0 && i < l->host_rows.n; i++) {
		bind_host_row(l->st[ST_HOST_ROUND], 0, round, tw_vec_at(&l->host_rows, i));
		rc = step_done(l, l->st[ST_HOST_ROUND], err, "insert a host row");
	}
	host_rows_clear(l);
	return rc;
}

static int
put_tracker(struct tw_ledger *l, const struct tw_ledger_round *r, const struct tw_zone_track *z,
    struct tw_error *err)
{
	sqlite3_stmt *s = l->st[ST_TRACKER];
	uint8_t ring[TW_FLAP_WINDOW_MAX];
	unsigned i, n = z->ring_len < TW_FLAP_WINDOW_MAX ? z->ring_len : TW_FLAP_WINDOW_MAX;

	for (i = 0; i < n; i++)
		ring[i] = (uint8_t)z->ring[i];
	bind_text(s, 1, z->name);
	sqlite3_bind_int64(s, 2, (int64_t)r->number);
	sqlite3_bind_int(s, 3, z->started);
	sqlite3_bind_int(s, 4, (int)z->published);
	sqlite3_bind_double(s, 5, z->published_since);
	sqlite3_bind_int(s, 6, (int)z->last_raw);
	bind_text(s, 7, z->diagnosis);
	sqlite3_bind_int(s, 8, (int)z->worse_count);
	sqlite3_bind_int(s, 9, (int)z->worse_best);
	sqlite3_bind_int(s, 10, (int)z->better_count);
	sqlite3_bind_int(s, 11, (int)z->better_worst);
	sqlite3_bind_blob(s, 12, ring, (int)n, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 13, z->flapping);
	sqlite3_bind_int(s, 14, (int)z->calm_rounds);
	sqlite3_bind_double(s, 15, z->run_since);
	sqlite3_bind_double(s, 16, z->bad_since);
	sqlite3_bind_double(s, 17, z->good_since);
	sqlite3_bind_int(s, 18, z->in_outage);
	sqlite3_bind_double(s, 19, z->outage_start);
	sqlite3_bind_int(s, 20, (int)z->outage_state);
	return step_done(l, s, err, "write the tracker");
}

static int
put_event(struct tw_ledger *l, const struct tw_ledger_round *r, const struct tw_event *ev,
    struct tw_error *err)
{
	sqlite3_stmt *s = l->st[ST_EVENT];

	sqlite3_bind_int64(s, 1, (int64_t)r->number);
	sqlite3_bind_int64(s, 2, to_ms(ev->time));
	bind_text(s, 3, ev->zone != NULL ? ev->zone : "");
	bind_text(s, 4, tw_event_kind_str(ev->kind));
	bind_text(s, 5, tw_state_str(ev->from));
	bind_text(s, 6, tw_state_str(ev->to));
	bind_text(s, 7, ev->diagnosis);
	if (ev->has_outage_seconds)
		sqlite3_bind_double(s, 8, ev->outage_seconds);
	else
		sqlite3_bind_null(s, 8);
	bind_opt_int(s, 9, ev->outage_start > 0, to_ms(ev->outage_start));
	if (step_done(l, s, err, "insert an event") != 0)
		return -1;
	if (ev->onset.shape == TW_ONSET_NONE || (s = l->st[ST_ONSET]) == NULL)
		return 0;
	bind_text(s, 1, ev->zone != NULL ? ev->zone : "");
	sqlite3_bind_int64(s, 2, (int64_t)r->number);
	bind_text(s, 3, tw_onset_shape_str(ev->onset.shape));
	sqlite3_bind_int(s, 4, (int)ev->onset.rounds_before);
	bind_text(s, 5, ev->onset.evidence);
	return step_done(l, s, err, "insert an onset");
}

static int
put_meta(struct tw_ledger *l, const char *key, int64_t v, struct tw_error *err)
{
	sqlite3_stmt *s = l->st[ST_META];

	bind_text(s, 1, key);
	sqlite3_bind_int64(s, 2, v);
	return step_done(l, s, err, "write the meta data");
}

static int
put_meta_real(struct tw_ledger *l, const char *key, double v, struct tw_error *err)
{
	sqlite3_stmt *s = l->st[ST_META];

	bind_text(s, 1, key);
	sqlite3_bind_double(s, 2, v);
	return step_done(l, s, err, "write the meta data");
}

/* Outages opened and closed by this round, for zone ${zt}. */
static int
track_outage(struct tw_ledger *l, const struct tw_ledger_round *r, struct zone_entry *z,
    const struct tw_ledger_zone *zt, struct tw_error *err)
{
	sqlite3_stmt *s = l->st[ST_OUTAGE_NEW];
	struct tw_outage o;
	int64_t first = (int64_t)r->number, number = 0;
	int rc;

	if (zt->in_outage && !z->in_outage) {
		/* It began with the round the tracker dates it from. */
		if (query_int(l, "SELECT id FROM rounds WHERE start_ms = ?1 ORDER BY id LIMIT 1", NULL,
		    to_ms(zt->outage_start), &first, err) != 0 ||
		    query_int(l, "SELECT max(number) FROM outages WHERE zone = ?1 AND number > ?2",
		    z->zone, 0, &number, err) != 0)
			return -1;
		bind_text(s, 1, z->zone);
		sqlite3_bind_int64(s, 2, number + 1);
		sqlite3_bind_int64(s, 3, first);
		sqlite3_bind_int64(s, 4, to_ms(zt->outage_start));
		if (step_done(l, s, err, "open an outage") != 0)
			return -1;
		z->outage = (unsigned)(number + 1);
	} else if (!zt->in_outage && z->in_outage && z->outage > 0) {
		if (query_int(l, "SELECT first_round FROM outages WHERE zone = ?1 AND number = ?2",
		    z->zone, z->outage, &first, err) != 0)
			return -1;
		rc = tw_ledger_read_story(l, z->zone, z->outage, first, (int64_t)r->number, r->flap_window, &o,
		    err);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			rc = outage_store(l, &o, (int64_t)r->number, err);
			tw_outage_clear(&o);
			if (rc != 0)
				return -1;
		}
		z->outage = 0;
	}
	z->in_outage = zt->in_outage;
	return 0;
}

/* Raw rows older than keep go, a few rounds' worth at a time; the newest always stay. */
static int
prune(struct tw_ledger *l, const struct tw_ledger_round *r, struct tw_error *err)
{
	static const char *const tables[] = { "zone_rounds", "server_rounds", "host_rounds",
		"rounds" };
	static const char *const column[] = { "round", "round", "round", "id" };
	int64_t oldest = -1, keep_from = -1, cut, cutoff = to_ms(r->start - l->keep_s);
	char sql[160];
	size_t i;

	if (l->keep_s <= 0 || r->number <= KEEP_ROUNDS_MIN)
		return 0;
	if (query_int(l, "SELECT min(id) FROM rounds WHERE id >= ?1", NULL, 0, &oldest, err) != 0 ||
	    query_int(l, "SELECT min(id) FROM rounds WHERE start_ms >= ?1", NULL, cutoff,
	    &keep_from, err) != 0)
		return -1;
	if (oldest < 0)
		return 0;
	if (keep_from < 0)
		keep_from = (int64_t)r->number;
	/* (round numbers run up to INT64_MAX: a saturated count of a damaged state file) */
	cut = oldest > INT64_MAX - PRUNE_ROUNDS ? INT64_MAX : oldest + PRUNE_ROUNDS;
	if (cut > keep_from)
		cut = keep_from;
	if (cut > (int64_t)r->number - KEEP_ROUNDS_MIN + 1)
		cut = (int64_t)r->number - KEEP_ROUNDS_MIN + 1;
	if (cut <= oldest)
		return 0;
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE %s < %lld", tables[i], column[i],
		    (long long)cut);
		if (exec(l, sql, err) != 0)
			return -1;
	}
	snprintf(sql, sizeof(sql), "PRAGMA incremental_vacuum(%d)", VACUUM_PAGES);
	return exec(l, sql, err);
}

static bool
track_name_eq(const void *item, const void *key)
{
	return strcmp(((const struct tw_zone_track *)item)->name, key) == 0;
}

static bool
snap_eq(const void *item, const void *key)
{
	return strcmp(((const struct tw_ledger_zone *)item)->name, key) == 0;
}

void
tw_ledger_zones_free(struct tw_ledger_zone *z, size_t n)
{
	size_t i;

	for (i = 0; z != NULL && i < n; i++)
		free(z[i].name);
	free(z);
}

int
tw_ledger_zones_of(const struct tw_tracker *t, struct tw_ledger_zone **out, size_t *n)
{
	struct tw_ledger_zone *v;
	size_t i, k = 0;

	*out = NULL;
	*n = 0;
	if (t == NULL || t->n_zones == 0)
		return 0;
	if ((v = calloc(t->n_zones, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < t->n_zones; i++) {
		const struct tw_zone_track *z = &t->zones[i];

		if (z->name == NULL)
			continue;
		if ((v[k].name = strdup(z->name)) == NULL) {
			tw_ledger_zones_free(v, k);
			return -1;
		}
		v[k].published = tw_tracker_zone_state(z);
		v[k].in_outage = z->in_outage;
		v[k].flapping = z->flapping;
		v[k].outage_start = z->outage_start;
		k++;
	}
	*out = v;
	*n = k;
	return 0;
}

static int
commit_rows(struct tw_ledger *l, const struct tw_ledger_round *r, struct tw_error *err)
{
	const struct tw_check_result *res = r->result;
	const struct tw_ledger_zone *zt;
	struct tw_hash tracks;
	struct zone_entry *ze;
	sqlite3_stmt *s;
	int64_t hour_ms = to_ms(tw_timeline_bucket(r->start, TW_TIMELINE_HOUR));
	/* How long its states hold: the interval, or the round itself when it overran it. */
	double interval = fmax((double)r->interval_ms / 1000.0, r->seconds);
	size_t i, j;
	int rc = -1;

	tw_hash_init(&tracks);
	s = l->st[ST_ROUND];
	sqlite3_bind_int64(s, 1, (int64_t)r->number);
	sqlite3_bind_int64(s, 2, to_ms(r->start));
	sqlite3_bind_double(s, 3, r->seconds * 1000.0);
	sqlite3_bind_int64(s, 4, r->interval_ms);
	sqlite3_bind_int(s, 5, res->deadline_hit);
	bind_text(s, 6, res->deadline_stage);
	bind_text(s, 7, res->error);
	if (step_done(l, s, err, "insert the round") != 0)
		goto out;
	for (i = 0; i < res->n_roots; i++)
		if (put_server(l, r, "", &res->roots[i], hour_ms, err) != 0)
			goto out;
	for (i = 0; i < r->n_zones; i++) {
		zt = &r->zones[i];
		if (tw_hash_add(&tracks, tw_hash_str(TW_HASH_SEED, zt->name), (void *)(uintptr_t)zt) !=
		    0)
			goto oom;
	}
	for (i = 0; i < res->n_zones; i++) {
		const struct tw_zone_result *z = &res->zones[i];

		if (z->name == NULL)
			continue;
		zt = tw_hash_find(&tracks, tw_hash_str(TW_HASH_SEED, z->name), snap_eq, z->name);
		if ((ze = zone_get(l, z->name)) == NULL)
			goto oom;
		s = l->st[ST_ZONE_ROUND];
		sqlite3_bind_int64(s, 1, (int64_t)r->number);
		bind_text(s, 2, z->name);
		sqlite3_bind_int(s, 3, (int)(res->deadline_hit || res->error != NULL ?
		    TW_STATE_UNKNOWN : z->state));
		sqlite3_bind_int(s, 4, (int)(zt != NULL ? zt->published : TW_STATE_UNKNOWN));
		sqlite3_bind_int(s, 5, zt != NULL && zt->in_outage);
		sqlite3_bind_int(s, 6, zt != NULL && zt->flapping);
		bind_text(s, 7, z->diagnosis);
		sqlite3_bind_int(s, 8, (int)z->auth_answering);
		sqlite3_bind_int(s, 9, (int)z->auth_total);
		sqlite3_bind_int(s, 10, (int)z->controls_answered);
		sqlite3_bind_int(s, 11, (int)z->controls_total);
		if (step_done(l, s, err, "insert a zone row") != 0)
			goto out;
		if (!ze->have_label || !str_same(ze->label, z->label)) {
			char *copy = z->label != NULL ? strdup(z->label) : NULL;

			if (z->label != NULL && copy == NULL)
				goto oom;
			s = l->st[ST_ZONE_INFO];
			bind_text(s, 1, z->name);
			bind_text(s, 2, z->label);
			if (step_done(l, s, err, "write a zone's label") != 0) {
				free(copy);
				goto out;
			}
			free(ze->label);
			ze->label = copy;
			ze->have_label = true;
		}
		for (j = 0; j < z->n_servers; j++)
			if (put_server(l, r, z->name, &z->servers[j], hour_ms, err) != 0)
				goto out;
		for (j = 0; j < z->n_hosts; j++)
			if (put_host(l, r, z->name, &z->hosts[j], err) != 0)
				goto out;
		if (rollup_zone(l, ze, r->start, interval, zt != NULL ? zt->published :
		    TW_STATE_UNKNOWN, err) != 0)
			goto out;
		if (zt != NULL && track_outage(l, r, ze, zt, err) != 0)
			goto out;
	}
	if (flush_rows(l, (int64_t)r->number, err) != 0)
		goto out;
	for (i = 0; i < r->n_events; i++)
		if (put_event(l, r, &r->events[i], err) != 0)
			goto out;
	/* A name tracked twice (a damaged state file) keeps its first track, as the tracker does. */
	tw_hash_clear(&tracks);
	for (i = 0; r->tracker != NULL && i < r->tracker->n_zones; i++) {
		const struct tw_zone_track *t = &r->tracker->zones[i];
		uint64_t h;

		if (t->name == NULL)
			continue;
		h = tw_hash_str(TW_HASH_SEED, t->name);
		if (tw_hash_find(&tracks, h, track_name_eq, t->name) != NULL)
			continue;
		if (tw_hash_add(&tracks, h, (void *)(uintptr_t)t) != 0)
			goto oom;
		if (put_tracker(l, r, t, err) != 0)
			goto out;
	}
	if (r->tracker != NULL) {
		s = l->st[ST_TRACKER_DROP];
		sqlite3_bind_int64(s, 1, (int64_t)r->number);
		if (step_done(l, s, err, "drop zones no longer tracked") != 0 ||
		    put_meta(l, "rounds", (int64_t)r->tracker->rounds, err) != 0 ||
		    put_meta_real(l, "last_round", r->tracker->last_round, err) != 0)
			goto out;
	}
	if (put_meta(l, "written_ms", to_ms(tw_clock_wall()), err) != 0 ||
	    put_meta(l, "interval_ms", r->interval_ms, err) != 0 ||
	    put_meta(l, "flap_window", r->flap_window, err) != 0 ||
	    put_meta(l, "window", r->window, err) != 0 ||
	    flush_hours(l, hour_ms, false, err) != 0 || prune(l, r, err) != 0)
		goto out;
	rc = 0;
	goto out;
oom:
	tw_error_set(err, l->path, 0, 0, "out of memory");
out:
	host_rows_clear(l);
	tw_hash_free(&tracks);
	return rc;
}

/* After a failed commit the caches may name rows that were rolled back: reload them. */
static void
reload_caches(struct tw_ledger *l)
{
	struct tw_error ignored;

	caches_clear(l);
	tw_hash_clear(&l->servers);
	tw_hash_clear(&l->hosts);
	tw_hash_clear(&l->zones);
	memset(&ignored, 0, sizeof(ignored));
	if (load_caches(l, &ignored) == 0)
		(void)rebuild_hour(l, &ignored);
}

static void
finalize_all(struct tw_ledger *l)
{
	size_t i;

	for (i = 0; i < ST_COUNT; i++) {
		sqlite3_finalize(l->st[i]);
		l->st[i] = NULL;
	}
	sqlite3_finalize(l->server_batch);
	sqlite3_finalize(l->host_batch);
	l->server_batch = l->host_batch = NULL;
}

/*
 * Open the file for writing again (it was read only).  The connection is
 * swapped only for one that can write, so the ledger always has one that
 * reads.  0, or -1 with ${err} (still read only: try again later).
 */
static int
reopen_writable(struct tw_ledger *l, struct tw_error *err)
{
	sqlite3 *old = l->db;

	l->db = NULL;
	if (open_db(l, false, err) != TW_LEDGER_OK || sqlite3_db_readonly(l->db, "main") != 0) {
		if (l->db != NULL && sqlite3_db_readonly(l->db, "main") != 0)
			tw_error_set(err, l->path, 0, 0, "cannot be written (a read-only file system, "
			    "or no write permission)");
		if (l->db != NULL)
			sqlite3_close(l->db);
		l->db = old;
		return -1;
	}
	finalize_all(l);
	sqlite3_close(old);
	l->readonly = false;
	if (writer_settings(l, err) != 0 || upgrade(l, err) != 0 || prepare_all(l, err) != 0) {
		l->readonly = true;
		return -1;
	}
	return 0;
}

int
tw_ledger_commit(struct tw_ledger *l, const struct tw_ledger_round *r, struct tw_error *err)
{
	if (!l->writer) {
		tw_error_set(err, l->path, 0, 0, "opened read only");
		return -1;
	}
	if (l->readonly && reopen_writable(l, err) != 0)
		return -1;
	if (exec(l, "BEGIN IMMEDIATE", err) != 0) {
		l->readonly = (sqlite3_errcode(l->db) & 0xff) == SQLITE_READONLY;
		return -1;
	}
	if (commit_rows(l, r, err) == 0 && exec(l, "COMMIT", err) == 0)
		return 0;
	l->readonly = (sqlite3_errcode(l->db) & 0xff) == SQLITE_READONLY;
	/* Harmless when SQLite rolled back already (full disk, I/O error). */
	sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
	reload_caches(l);
	return -1;
}

void
tw_ledger_close(struct tw_ledger *l)
{
	struct tw_error ignored;

	if (l == NULL)
		return;
	/* The current hour's server rollups, so far; and a clean close is noted. */
	if (l->writer && l->db != NULL) {
		memset(&ignored, 0, sizeof(ignored));
		if (sqlite3_exec(l->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK) {
			if (flush_hours(l, 0, true, &ignored) == 0 &&
			    exec(l, "INSERT OR REPLACE INTO meta VALUES ('open', 0)", &ignored) == 0)
				sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL);
			else
				sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
		}
	}
	ledger_free(l);
}

/* ---- resuming ---- */

/* The current hour's server samples, back into their accumulators. */
static int
rebuild_hour(struct tw_ledger *l, struct tw_error *err)
{
	int64_t hour_ms = to_ms(tw_timeline_bucket(tw_clock_wall(), TW_TIMELINE_HOUR));
	struct server_entry *e;
	sqlite3_stmt *q;
	size_t i;
	int rc;

	if ((q = prepare(l, "SELECT sr.server, sr.round, sr.sent, sr.answered, sr.rtt_us"
	    " FROM server_rounds sr JOIN rounds r ON r.id = sr.round WHERE r.start_ms >= ?1"
	    " ORDER BY sr.round", err)) == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, hour_ms);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(q, 0);

		/* A linear find: once, at start, over one hour's rows. */
		for (i = 0; i < l->server_list.n; i++) {
			e = tw_vec_ptr(&l->server_list, i);
			if (e->id != id)
				continue;
			if (e->hour.hour_ms != hour_ms)
				server_hour_reset(&e->hour, hour_ms);
			if (e->seen_round != (uint64_t)sqlite3_column_int64(q, 1)) {
				e->hour.rounds++;
				e->seen_round = (uint64_t)sqlite3_column_int64(q, 1);
			}
			e->hour.sent += (unsigned)sqlite3_column_int(q, 2);
			e->hour.answered += (unsigned)sqlite3_column_int(q, 3);
			if (sqlite3_column_type(q, 4) != SQLITE_NULL) {
				int64_t rtt = sqlite3_column_int64(q, 4);

				if (e->hour.rtt_min < 0 || rtt < e->hour.rtt_min)
					e->hour.rtt_min = rtt;
				if (rtt > e->hour.rtt_max)
					e->hour.rtt_max = rtt;
				p2_add(&e->hour.median, (double)rtt);
			}
			break;
		}
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return fail(l, err, "read the current hour");
	return 0;
}

static int
load_tracker(struct tw_ledger *l, struct tw_tracker *t, struct tw_error *err)
{
	sqlite3_stmt *q;
	struct tw_zone_track *z;
	int64_t n = 0, rounds = 0;
	double last = 0;
	bool failed = false;
	int rc, i, len;
	const uint8_t *ring;

	if (query_int(l, "SELECT count(*) FROM tracker WHERE round >= ?1", NULL, 0, &n, err) != 0)
		return -1;
	if (meta_int(l, "rounds", &rounds) != 0)
		rounds = 0;
	if ((q = prepare(l, "SELECT value FROM meta WHERE key = 'last_round'", err)) == NULL)
		return -1;
	if (sqlite3_step(q) == SQLITE_ROW)
		last = sqlite3_column_double(q, 0);
	sqlite3_finalize(q);
	t->rounds = rounds > 0 ? (uint64_t)rounds : 0;
	t->last_round = last;
	if (n == 0)
		return 0;
	if ((t->zones = calloc((size_t)n, sizeof(*t->zones))) == NULL) {
		tw_error_set(err, l->path, 0, 0, "out of memory");
		return -1;
	}
	/* An outage's onset is the newest one its zone had (written when it began). */
	if ((q = prepare(l, l->version >= 2 ?
	    "SELECT t.zone, started, published, published_since, last_raw,"
	    " diagnosis, worse_count, worse_best, better_count, better_worst, ring, flapping,"
	    " calm_rounds, run_since, bad_since, good_since, in_outage, outage_start, outage_state,"
	    " o.shape, o.rounds_before, o.evidence FROM tracker t LEFT JOIN onsets o"
	    " ON t.in_outage AND o.zone = t.zone AND o.round = (SELECT max(round) FROM onsets"
	    " WHERE onsets.zone = t.zone) ORDER BY t.rowid" :
	    "SELECT zone, started, published, published_since, last_raw,"
	    " diagnosis, worse_count, worse_best, better_count, better_worst, ring, flapping,"
	    " calm_rounds, run_since, bad_since, good_since, in_outage, outage_start, outage_state,"
	    " NULL, NULL, NULL FROM tracker ORDER BY rowid", err)) == NULL)
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW && t->n_zones < (size_t)n) {
		z = &t->zones[t->n_zones++];
		z->name = col_dup(q, 0, &failed);
		z->started = sqlite3_column_int(q, 1) != 0;
		z->published = (enum tw_state)sqlite3_column_int(q, 2);
		z->published_since = sqlite3_column_double(q, 3);
		z->last_raw = (enum tw_state)sqlite3_column_int(q, 4);
		z->diagnosis = col_dup(q, 5, &failed);
		z->worse_count = (unsigned)sqlite3_column_int(q, 6);
		z->worse_best = (enum tw_state)sqlite3_column_int(q, 7);
		z->better_count = (unsigned)sqlite3_column_int(q, 8);
		z->better_worst = (enum tw_state)sqlite3_column_int(q, 9);
		ring = sqlite3_column_blob(q, 10);
		len = sqlite3_column_bytes(q, 10);
		for (i = 0; ring != NULL && i < len && i < TW_FLAP_WINDOW_MAX; i++)
			z->ring[i] = (enum tw_state)(ring[i] < TW_STATE_COUNT ? ring[i] :
			    TW_STATE_UNKNOWN);
		z->ring_len = (unsigned)i;
		z->flapping = sqlite3_column_int(q, 11) != 0;
		z->calm_rounds = (unsigned)sqlite3_column_int(q, 12);
		z->run_since = sqlite3_column_double(q, 13);
		z->bad_since = sqlite3_column_double(q, 14);
		z->good_since = sqlite3_column_double(q, 15);
		z->in_outage = sqlite3_column_int(q, 16) != 0;
		z->outage_start = sqlite3_column_double(q, 17);
		z->outage_state = (enum tw_state)sqlite3_column_int(q, 18);
		onset_col(q, 19, &z->onset);
		if (z->name == NULL)
			failed = true;
		if (failed)
			break;
	}
	sqlite3_finalize(q);
	if (failed) {
		tw_error_set(err, l->path, 0, 0, "out of memory or a tracker row without a zone");
		return -1;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return fail(l, err, "read the tracker");
	return 0;
}

/* One round's rows of servers and hosts, gathered for tw_history_add(). */
struct round_rows {
	struct tw_vec servers;        /* struct tw_server_result */
	struct tw_vec server_zones;   /* char *: each server row's monitored zone */
	struct tw_vec hosts;          /* struct tw_host_result */
	struct tw_vec host_zones;     /* char * */
	struct tw_vec zones;          /* struct tw_zone_result: one per row */
};

static void
round_rows_clear(struct round_rows *rr)
{
	size_t i;

	for (i = 0; i < rr->servers.n; i++) {
		struct tw_server_result *s = tw_vec_at(&rr->servers, i);

		free(s->zone);
		free(s->name);
		free(*(char **)tw_vec_at(&rr->server_zones, i));
	}
	for (i = 0; i < rr->hosts.n; i++) {
		free(((struct tw_host_result *)tw_vec_at(&rr->hosts, i))->name);
		free(*(char **)tw_vec_at(&rr->host_zones, i));
	}
	rr->servers.n = rr->server_zones.n = rr->hosts.n = rr->host_zones.n = rr->zones.n = 0;
}

/*
 * Which rows served an older serial than another row of the same monitored
 * zone serving the same zone (serial.c's rule, over the gathered rows).
 */
static void
round_rows_serials(struct round_rows *rr)
{
	size_t i, j;

	for (i = 0; i < rr->servers.n; i++) {
		struct tw_server_result *a = tw_vec_at(&rr->servers, i);
		const char *za = *(char **)tw_vec_at(&rr->server_zones, i);
		uint32_t newest = a->serial;

		a->serial_behind = false;
		if (!a->has_serial)
			continue;
		for (j = 0; j < rr->servers.n; j++) {
			const struct tw_server_result *b = tw_vec_at(&rr->servers, j);
			const char *zb = *(char **)tw_vec_at(&rr->server_zones, j);

			if (b->has_serial && str_same(za, zb) && str_same(a->zone, b->zone) &&
			    tw_serial_newer(b->serial, newest))
				newest = b->serial;
		}
		a->serial_behind = newest != a->serial;
		a->serial_newest = newest;
	}
}

/* Feed the gathered round (started at ${start}) into the rings: each row its own little zone. */
static int
round_rows_add(struct round_rows *rr, struct tw_history *h, int64_t round, double start)
{
	struct tw_check_result res;
	struct tw_zone_result *z;
	size_t i;

	round_rows_serials(rr);

	if (tw_vec_reserve(&rr->zones, rr->servers.n + rr->hosts.n) != 0)
		return -1;
	for (i = 0; i < rr->servers.n; i++) {
		z = tw_vec_push(&rr->zones);
		z->name = *(char **)tw_vec_at(&rr->server_zones, i);
		z->servers = tw_vec_at(&rr->servers, i);
		z->n_servers = 1;
	}
	for (i = 0; i < rr->hosts.n; i++) {
		z = tw_vec_push(&rr->zones);
		z->name = *(char **)tw_vec_at(&rr->host_zones, i);
		z->hosts = tw_vec_at(&rr->hosts, i);
		z->n_hosts = 1;
	}
	memset(&res, 0, sizeof(res));
	res.zones = rr->zones.v;
	res.n_zones = rr->zones.n;
	/* since when each row behind has been behind, as the watcher counted it */
	tw_history_serial_clock(h, &res, start, 0);
	return tw_history_add(h, &res, (uint64_t)round);
}

/* The history rings of the last ${window} rounds, from the raw rows. */
static int
load_history(struct tw_ledger *l, unsigned window, struct tw_history *h, struct tw_error *err)
{
	sqlite3_stmt *qs = NULL, *qh = NULL;
	struct round_rows rr;
	int64_t last = 0, round;
	double start = 0;
	bool failed = false, more_s, more_h;
	int rs, rh, rc = -1;

	if (query_int(l, "SELECT max(id) FROM rounds WHERE id >= ?1", NULL, 0, &last, err) != 0)
		return -1;
	if (last <= 0)
		return 0;
	memset(&rr, 0, sizeof(rr));
	tw_vec_init(&rr.servers, sizeof(struct tw_server_result), NULL);
	tw_vec_init(&rr.server_zones, sizeof(char *), NULL);
	tw_vec_init(&rr.hosts, sizeof(struct tw_host_result), NULL);
	tw_vec_init(&rr.host_zones, sizeof(char *), NULL);
	tw_vec_init(&rr.zones, sizeof(struct tw_zone_result), NULL);
	if ((qs = prepare(l, "SELECT sr.round, s.zone, s.served, s.role, s.name, s.address,"
	    " s.port, s.transport, sr.outcome, sr.sent, sr.answered, sr.rtt_us, sr.serial,"
	    " (SELECT start_ms FROM rounds WHERE id = sr.round)"
	    " FROM server_rounds sr JOIN servers s ON s.id = sr.server WHERE sr.round > ?1"
	    " ORDER BY sr.round, sr.server", err)) == NULL ||
	    (qh = prepare(l, "SELECT hr.round, h.zone, h.name, hr.resolved, hr.outcome"
	    " FROM host_rounds hr JOIN hosts h ON h.id = hr.host WHERE hr.round > ?1"
	    " ORDER BY hr.round, hr.host", err)) == NULL)
		goto out;
	sqlite3_bind_int64(qs, 1, last - (int64_t)window);
	sqlite3_bind_int64(qh, 1, last - (int64_t)window);
	rs = sqlite3_step(qs);
	rh = sqlite3_step(qh);
	for (;;) {
		more_s = rs == SQLITE_ROW;
		more_h = rh == SQLITE_ROW;
		if (!more_s && !more_h)
			break;
		round = !more_s ? sqlite3_column_int64(qh, 0) : !more_h ?
		    sqlite3_column_int64(qs, 0) :
		    sqlite3_column_int64(qs, 0) < sqlite3_column_int64(qh, 0) ?
		    sqlite3_column_int64(qs, 0) : sqlite3_column_int64(qh, 0);
		while (rs == SQLITE_ROW && sqlite3_column_int64(qs, 0) == round) {
			struct tw_server_result *s = tw_vec_push(&rr.servers);
			char *mz = col_dup(qs, 1, &failed);
			const unsigned char *addr = sqlite3_column_text(qs, 5);

			if (s == NULL || tw_vec_push_ptr(&rr.server_zones, mz) != 0) {
				free(mz);
				if (s != NULL)
					rr.servers.n--;
				failed = true;
				break;
			}
			s->zone = col_dup(qs, 2, &failed);
			s->role = (enum tw_role)sqlite3_column_int(qs, 3);
			s->name = col_dup(qs, 4, &failed);
			snprintf(s->address, sizeof(s->address), "%s", addr != NULL ?
			    (const char *)addr : "");
			s->port = (uint16_t)sqlite3_column_int(qs, 6);
			s->transport = (enum tw_transport)sqlite3_column_int(qs, 7);
			s->outcome = (enum tw_outcome)sqlite3_column_int(qs, 8);
			s->sent = (unsigned)sqlite3_column_int(qs, 9);
			s->answered = (unsigned)sqlite3_column_int(qs, 10);
			s->rtt_ms = sqlite3_column_type(qs, 11) == SQLITE_NULL ? -1.0 :
			    (double)sqlite3_column_int64(qs, 11) / 1000.0;
			s->has_serial = sqlite3_column_type(qs, 12) != SQLITE_NULL;
			s->serial = (uint32_t)sqlite3_column_int64(qs, 12);
			start = from_ms(sqlite3_column_int64(qs, 13));
			rs = sqlite3_step(qs);
		}
		while (!failed && rh == SQLITE_ROW && sqlite3_column_int64(qh, 0) == round) {
			struct tw_host_result *hr = tw_vec_push(&rr.hosts);
			char *mz = col_dup(qh, 1, &failed);

			if (hr == NULL || tw_vec_push_ptr(&rr.host_zones, mz) != 0) {
				free(mz);
				if (hr != NULL)
					rr.hosts.n--;
				failed = true;
				break;
			}
			hr->name = col_dup(qh, 2, &failed);
			hr->resolved = sqlite3_column_int(qh, 3) != 0;
			hr->outcome = (enum tw_outcome)sqlite3_column_int(qh, 4);
			rh = sqlite3_step(qh);
		}
		if (failed || round_rows_add(&rr, h, round, start) != 0) {
			tw_error_set(err, l->path, 0, 0, "out of memory reading the history");
			goto out;
		}
		round_rows_clear(&rr);
	}
	if (rs != SQLITE_DONE || rh != SQLITE_DONE) {
		fail(l, err, "read the history");
		goto out;
	}
	rc = 0;
out:
	round_rows_clear(&rr);
	tw_vec_free(&rr.servers);
	tw_vec_free(&rr.server_zones);
	tw_vec_free(&rr.hosts);
	tw_vec_free(&rr.host_zones);
	tw_vec_free(&rr.zones);
	sqlite3_finalize(qs);
	sqlite3_finalize(qh);
	return rc;
}

/* The most recent events, oldest first. */
static int
load_events(struct tw_ledger *l, struct tw_event_ring *ring, struct tw_error *err)
{
	sqlite3_stmt *q;
	struct tw_event ev;
	const char *s;
	int rc;

	/* (a ledger of version 1, read before its watcher upgraded it, has no onsets) */
	if ((q = prepare(l, l->version >= 2 ?
	    "SELECT * FROM (SELECT e.id, e.time_ms, e.zone, e.kind, e.from_state, e.to_state,"
	    " e.diagnosis, e.outage_seconds, e.outage_start_ms, o.shape, o.rounds_before,"
	    " o.evidence FROM events e LEFT JOIN onsets o ON o.zone = e.zone AND o.round = e.round"
	    " AND e.kind IN ('outage', 'partial_outage') ORDER BY e.id DESC LIMIT ?1) ORDER BY id" :
	    "SELECT * FROM (SELECT id, time_ms, zone, kind, from_state, to_state,"
	    " diagnosis, outage_seconds, outage_start_ms, NULL, NULL, NULL FROM events"
	    " ORDER BY id DESC LIMIT ?1) ORDER BY id", err)) == NULL)
		return -1;
	sqlite3_bind_int(q, 1, TW_EVENT_RING_SIZE);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		memset(&ev, 0, sizeof(ev));
		ev.time = from_ms(sqlite3_column_int64(q, 1));
		ev.zone = (char *)(uintptr_t)sqlite3_column_text(q, 2);
		s = (const char *)sqlite3_column_text(q, 3);
		if (s == NULL || tw_event_kind_from_str(s, &ev.kind) != 0)
			continue;
		s = (const char *)sqlite3_column_text(q, 4);
		if (s == NULL || tw_state_from_str(s, &ev.from) != 0)
			continue;
		s = (const char *)sqlite3_column_text(q, 5);
		if (s == NULL || tw_state_from_str(s, &ev.to) != 0)
			continue;
		ev.diagnosis = (char *)(uintptr_t)sqlite3_column_text(q, 6);
		if (sqlite3_column_type(q, 7) != SQLITE_NULL) {
			ev.has_outage_seconds = true;
			ev.outage_seconds = sqlite3_column_double(q, 7);
		}
		if (sqlite3_column_type(q, 8) != SQLITE_NULL)
			ev.outage_start = from_ms(sqlite3_column_int64(q, 8));
		onset_col(q, 9, &ev.onset);
		if (tw_event_ring_push(ring, &ev) != 0) {    /* copies the strings */
			sqlite3_finalize(q);
			tw_error_set(err, l->path, 0, 0, "out of memory");
			return -1;
		}
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return fail(l, err, "read the events");
	return 0;
}

int
tw_ledger_resume(struct tw_ledger *l, unsigned window, struct tw_state_doc *doc,
    struct tw_error *err)
{
	int64_t v = 0;

	memset(doc, 0, sizeof(*doc));
	if (window == 0)
		window = meta_int(l, "window", &v) == 0 && v > 0 && v <= 10000 ? (unsigned)v : 60;
	doc->tracker = tw_tracker_new();
	doc->history = tw_history_new(window);
	doc->events = calloc(1, sizeof(*doc->events));
	if (doc->tracker == NULL || doc->history == NULL || doc->events == NULL) {
		tw_error_set(err, l->path, 0, 0, "out of memory");
		goto fail;
	}
	if (meta_int(l, "written_ms", &v) == 0)
		doc->written = from_ms(v);
	if (meta_int(l, "interval_ms", &v) == 0 && v > 0 && v <= UINT32_MAX)
		doc->interval_ms = (uint32_t)v;
	if (load_tracker(l, doc->tracker, err) != 0 ||
	    load_history(l, window, doc->history, err) != 0 ||
	    load_events(l, doc->events, err) != 0)
		goto fail;
	return 0;
fail:
	tw_statefile_doc_clear(doc);
	return -1;
}

/* ---- setting aside, importing ---- */

int
tw_ledger_set_aside(const char *path, char *newpath, size_t len)
{
	static const char *const sfx[] = { "-wal", "-shm" };
	char stamp[32], from[4096], to[4096];
	struct tm tm;
	time_t now = time(NULL);
	struct stat sb;
	unsigned i;
	size_t k;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (i = 0; i < 1000; i++) {
		if (i == 0)
			snprintf(newpath, len, "%s.bad-%s", path, stamp);
		else
			snprintf(newpath, len, "%s.bad-%s-%u", path, stamp, i);
		if (lstat(newpath, &sb) != 0 && errno == ENOENT)
			break;
	}
	if (i == 1000) {
		errno = EEXIST;
		return -1;
	}
	if (rename(path, newpath) != 0)
		return -1;
	/* Its journal files travel with it: they belong to that file, not the next. */
	for (k = 0; k < 2; k++) {
		snprintf(from, sizeof(from), "%s%s", path, sfx[k]);
		snprintf(to, sizeof(to), "%s%s", newpath, sfx[k]);
		if (lstat(from, &sb) == 0)
			(void)rename(from, to);
	}
	return 0;
}

/*
 * A JSON state file of an earlier tldwatch becomes a ledger: its tracker
 * (published states, outage starts) and its events go into a new database
 * written beside it, the JSON file is kept as PATH.v1.json (a hard link made
 * first), and the database takes its name in one rename.  The history rings
 * (an hour or so of samples, and no round rows) start afresh.
 */
static int
import_json(const char *path, struct tw_error *err)
{
	struct tw_state_doc doc;
	struct tw_ledger *l = NULL;
	struct tw_ledger_round r;
	struct tw_check_result res;
	struct tw_ledger_zone *snap = NULL;
	struct tw_zone_result *zres = NULL;
	struct tw_error e2;
	char tmp[4096], keep[4096];
	size_t n_snap = 0, i;
	enum tw_statefile_status st;
	uint64_t rounds;
	int rc = -1;

	memset(&e2, 0, sizeof(e2));
	if ((st = tw_statefile_load(path, &doc, &e2)) != TW_STATEFILE_OK) {
		tw_error_set(err, path, e2.line, e2.col, "not a ledger, and not a state file either: "
		    "%s", e2.msg);
		tw_statefile_doc_clear(&doc);
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s.import.%ld", path, (long)getpid());
	snprintf(keep, sizeof(keep), "%s.v1.json", path);
	unlink(tmp);
	if (tw_ledger_open(tmp, true, &l, err) != TW_LEDGER_OK)
		goto out;
	/* The tracker and the events as one round, numbered as the state file counted. */
	memset(&res, 0, sizeof(res));
	memset(&r, 0, sizeof(r));
	rounds = doc.tracker->rounds;
	r.number = rounds > 0 ? rounds : 1;
	r.start = doc.tracker->last_round > 0 ? doc.tracker->last_round : doc.written;
	r.interval_ms = doc.interval_ms;
	r.flap_window = 10;
	r.window = doc.history->window;
	r.result = &res;
	r.tracker = doc.tracker;
	if (tw_ledger_zones_of(doc.tracker, &snap, &n_snap) != 0) {
		tw_error_set(err, path, 0, 0, "out of memory");
		goto out;
	}
	r.zones = snap;
	r.n_zones = n_snap;
	/* Its last round as the tracker saw it: each zone's own verdict and diagnosis (no rows of
	 * servers or hosts, which it did not keep), so an outage it held has a bad round to end
	 * after. */
	if (doc.tracker->n_zones > 0 &&
	    (zres = calloc(doc.tracker->n_zones, sizeof(*zres))) == NULL) {
		tw_error_set(err, path, 0, 0, "out of memory");
		goto out;
	}
	for (i = 0; i < doc.tracker->n_zones; i++) {
		const struct tw_zone_track *zt = &doc.tracker->zones[i];

		zres[i].name = zt->name;
		zres[i].state = zt->started ? zt->last_raw : TW_STATE_UNKNOWN;
		zres[i].diagnosis = zt->diagnosis;
	}
	res.zones = zres;
	res.n_zones = doc.tracker->n_zones;
	if (doc.events != NULL) {
		/* The ring, oldest first, in order: copied out of the ring's slots. */
		struct tw_event *ev = calloc(doc.events->len + 1, sizeof(*ev));

		if (ev == NULL) {
			tw_error_set(err, path, 0, 0, "out of memory");
			goto out;
		}
		for (i = 0; i < doc.events->len; i++)
			ev[i] = *tw_event_ring_at(doc.events, i);
		r.events = ev;
		r.n_events = doc.events->len;
		rc = tw_ledger_commit(l, &r, err);
		free(ev);
	} else
		rc = tw_ledger_commit(l, &r, err);
	if (rc != 0)
		goto out;
	rc = -1;
	tw_ledger_close(l);
	l = NULL;
	if (link(path, keep) != 0 && errno != EEXIST) {
		tw_error_set(err, path, 0, 0, "cannot keep the state file as %s: %s", keep,
		    strerror(errno));
		goto out;
	}
	if (rename(tmp, path) != 0) {
		tw_error_set(err, path, 0, 0, "cannot put the new ledger in place: %s",
		    strerror(errno));
		goto out;
	}
	/* The new file's journals, if any remain, follow it. */
	{
		char a[4200], b[4200];

		snprintf(a, sizeof(a), "%s-wal", tmp);
		snprintf(b, sizeof(b), "%s-wal", path);
		(void)rename(a, b);
		snprintf(a, sizeof(a), "%s-shm", tmp);
		snprintf(b, sizeof(b), "%s-shm", path);
		(void)rename(a, b);
	}
	rc = 0;
out:
	if (l != NULL)
		tw_ledger_close(l);
	if (rc != 0) {
		char a[4200];

		unlink(tmp);
		snprintf(a, sizeof(a), "%s-wal", tmp);
		unlink(a);
		snprintf(a, sizeof(a), "%s-shm", tmp);
		unlink(a);
	}
	free(zres);
	tw_ledger_zones_free(snap, n_snap);
	tw_statefile_doc_clear(&doc);
	return rc;
}
