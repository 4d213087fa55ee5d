/*
 * ledger_read.c -- what the ledger tells (ledger_read.h): the zones, the
 * published timeline, the hourly rollups, and the story of each outage,
 * read in one snapshot while the watcher goes on writing (WAL).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tldwatch/ledger_read.h"
#include "tldwatch/timeline.h"

#include "ledger_db.h"

#define PRE_LOOKBACK_S (7.0 * 86400)   /* an outage's story looks back this far */

/* ---- the story of an outage, from the rows ---- */

/* A zone's rounds and host sightings, loaded for tw_outage_*. */
struct story_rows {
	struct tw_outage_input in;
	struct tw_outage_round *rounds;
	char **diag;
	uint8_t *seen;                /* n_rounds x n_hosts */
	char **hosts;
	bool *keys;
	size_t n_hosts;
};

static void
story_rows_free(struct story_rows *s)
{
	size_t i;

	for (i = 0; i < s->in.n_rounds; i++)
		free(s->diag[i]);
	for (i = 0; i < s->n_hosts; i++)
		free(s->hosts[i]);
	free(s->rounds);
	free(s->diag);
	free(s->seen);
	free(s->hosts);
	free(s->keys);
	memset(s, 0, sizeof(*s));
}

/* Rounds ${from}..${to} (inclusive) of ${zone}. */
static int
story_rows_load(struct tw_ledger *l, const char *zone, int64_t from, int64_t to,
    unsigned flap_window, struct story_rows *s, struct tw_error *err)
{
	sqlite3_stmt *q = NULL;
	struct tw_vec rounds, diag, hosts, keys, ids;
	size_t i, h;
	bool failed = false;
	int rc;

	memset(s, 0, sizeof(*s));
	tw_vec_init(&rounds, sizeof(struct tw_outage_round), NULL);
	tw_vec_init(&diag, sizeof(char *), NULL);
	tw_vec_init(&hosts, sizeof(char *), NULL);
	tw_vec_init(&keys, sizeof(bool), NULL);
	tw_vec_init(&ids, sizeof(int64_t), NULL);
	/* The zone's hosts, in the order they were first met (the configuration's). */
	if ((q = prepare(l, "SELECT id, name FROM hosts WHERE zone = ?1 ORDER BY id", err)) == NULL)
		goto fail;
	bind_text(q, 1, zone);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(q, 0);
		char *name = col_dup(q, 1, &failed);

		if (tw_vec_append(&ids, &id) != 0 || tw_vec_push_ptr(&hosts, name) != 0 ||
		    tw_vec_push(&keys) == NULL) {
			free(name);
			failed = true;
		}
		if (failed)
			break;
	}
	sqlite3_finalize(q);
	q = NULL;
	if (failed || rc != SQLITE_DONE)
		goto fail_db;
	if ((q = prepare(l, "SELECT z.round, r.start_ms, z.raw, z.published, z.in_outage,"
	    " z.diagnosis FROM zone_rounds z JOIN rounds r ON r.id = z.round"
	    " WHERE z.zone = ?1 AND z.round BETWEEN ?2 AND ?3 ORDER BY z.round", err)) == NULL)
		goto fail;
	bind_text(q, 1, zone);
	sqlite3_bind_int64(q, 2, from);
	sqlite3_bind_int64(q, 3, to);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct tw_outage_round *r = tw_vec_push(&rounds);
		char *d = col_dup(q, 5, &failed);

		if (r == NULL || tw_vec_push_ptr(&diag, d) != 0) {
			free(d);
			failed = true;
			break;
		}
		r->round = sqlite3_column_int64(q, 0);
		r->start = from_ms(sqlite3_column_int64(q, 1));
		r->raw = (enum tw_state)sqlite3_column_int(q, 2);
		r->published = (enum tw_state)sqlite3_column_int(q, 3);
		r->in_outage = sqlite3_column_int(q, 4) != 0;
	}
	sqlite3_finalize(q);
	q = NULL;
	if (failed || rc != SQLITE_DONE)
		goto fail_db;
	s->rounds = rounds.v;
	s->in.n_rounds = rounds.n;
	s->diag = diag.v;
	s->hosts = hosts.v;
	s->keys = keys.v;
	s->n_hosts = hosts.n;
	for (i = 0; i < s->in.n_rounds; i++)
		s->rounds[i].diagnosis = s->diag[i];
	if (s->in.n_rounds > 0 && s->n_hosts > 0) {
		if ((s->seen = calloc(s->in.n_rounds * s->n_hosts, 1)) == NULL)
			goto fail_mem;
		for (i = 0; i < s->in.n_rounds; i++)
			s->rounds[i].seen = s->seen + i * s->n_hosts;
		if ((q = prepare(l, "SELECT hr.round, hr.host, hr.resolved, hr.key FROM host_rounds hr"
		    " JOIN hosts h ON h.id = hr.host WHERE h.zone = ?1 AND hr.round BETWEEN ?2 AND ?3"
		    " ORDER BY hr.round", err)) == NULL)
			goto fail;
		bind_text(q, 1, zone);
		sqlite3_bind_int64(q, 2, from);
		sqlite3_bind_int64(q, 3, to);
		i = 0;
		while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
			int64_t round = sqlite3_column_int64(q, 0), id = sqlite3_column_int64(q, 1);

			while (i < s->in.n_rounds && s->rounds[i].round < round)
				i++;
			if (i >= s->in.n_rounds || s->rounds[i].round != round)
				continue;
			for (h = 0; h < s->n_hosts; h++) {
				if (((int64_t *)ids.v)[h] == id) {
					s->seen[i * s->n_hosts + h] = sqlite3_column_int(q, 2) ?
					    TW_OUTAGE_SEEN_RESOLVED : TW_OUTAGE_SEEN_DARK;
					/* a host is a key host if it was one when last seen */
					s->keys[h] = sqlite3_column_int(q, 3) != 0;
					break;
				}
			}
		}
		sqlite3_finalize(q);
		q = NULL;
		if (rc != SQLITE_DONE)
			goto fail_db;
	}
	tw_vec_free(&ids);
	s->in.zone = zone;
	s->in.hosts = (const char *const *)s->hosts;
	s->in.keys = s->keys;
	s->in.n_hosts = s->n_hosts;
	s->in.rounds = s->rounds;
	s->in.flap_window = flap_window;
	return 0;
fail_mem:
	tw_error_set(err, l->path, 0, 0, "out of memory");
	goto fail;
fail_db:
	if (failed)
		tw_error_set(err, l->path, 0, 0, "out of memory");
	else
		fail(l, err, "read a zone's rounds");
fail:
	sqlite3_finalize(q);
	if (s->rounds == NULL) {
		for (i = 0; i < diag.n; i++)
			free(((char **)diag.v)[i]);
		for (i = 0; i < hosts.n; i++)
			free(((char **)hosts.v)[i]);
		tw_vec_free(&rounds);
		tw_vec_free(&diag);
		tw_vec_free(&hosts);
		tw_vec_free(&keys);
	} else
		story_rows_free(s);
	tw_vec_free(&ids);
	return -1;
}

/*
 * Where an outage's story may begin: a week before its first round, and not
 * before the round that closed the zone's previous outage.
 */
static int
story_from(struct tw_ledger *l, const char *zone, int64_t first_round, unsigned number,
    int64_t *from, struct tw_error *err)
{
	int64_t start_ms = 0, floor_round = 0, lookback = 0;

	if (query_int(l, "SELECT start_ms FROM rounds WHERE id = ?1", NULL, first_round, &start_ms,
	    err) != 0 ||
	    query_int(l, "SELECT min(id) FROM rounds WHERE start_ms >= ?1", NULL,
	    start_ms - (int64_t)(PRE_LOOKBACK_S * 1000), &lookback, err) != 0 ||
	    query_int(l, "SELECT closed_round FROM outages WHERE zone = ?1 AND number = ?2", zone,
	    (int64_t)number - 1, &floor_round, err) != 0)
		return -1;
	*from = lookback > floor_round ? lookback : floor_round;
	return 0;
}

/* The story of outage ${number} of ${zone} from its rows up to round ${to}. */
int
tw_ledger_read_story(struct tw_ledger *l, const char *zone, unsigned number, int64_t first_round,
    int64_t to, unsigned flap_window, struct tw_outage *o, struct tw_error *err)
{
	struct story_rows s;
	struct tw_outage_span sp;
	int64_t from = 0, start_ms = 0;
	size_t at = 0;

	memset(o, 0, sizeof(*o));
	if (story_from(l, zone, first_round, number, &from, err) != 0 ||
	    query_int(l, "SELECT start_ms FROM outages WHERE zone = ?1 AND number = ?2", zone,
	    (int64_t)number, &start_ms, err) != 0 ||
	    story_rows_load(l, zone, from, to, flap_window, &s, err) != 0)
		return -1;
	/* An outage carried over (from a v1 state file) began before its first row. */
	s.in.held_since = from_ms(start_ms);
	/* The outage that holds its first round. */
	while (tw_outage_next(&s.in, at, &sp) == 0 && sp.ended && sp.next <= s.in.n_rounds &&
	    s.rounds[sp.next - 1].round < first_round)
		at = sp.next;
	if (tw_outage_next(&s.in, at, &sp) != 0) {
		story_rows_free(&s);
		tw_error_set(err, l->path, 0, 0, "outage %u of %s: its rounds are gone", number, zone);
		return 1;
	}
	if (tw_outage_build(&s.in, &sp, o) != 0) {
		story_rows_free(&s);
		tw_error_set(err, l->path, 0, 0, "out of memory");
		return -1;
	}
	o->number = number;
	story_rows_free(&s);
	return 0;
}

/* ---- readers ---- */

int
tw_ledger_read_begin(struct tw_ledger *l, struct tw_error *err)
{
	if (l->reading)
		return 0;
	/* Deferred: the snapshot is taken at the first read and holds until the end. */
	if (exec(l, "BEGIN", err) != 0)
		return -1;
	l->reading = true;
	return 0;
}

void
tw_ledger_read_end(struct tw_ledger *l)
{
	if (!l->reading)
		return;
	sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL);
	l->reading = false;
}

int
tw_ledger_read_zones(struct tw_ledger *l, char ***out, size_t *n, struct tw_error *err)
{
	sqlite3_stmt *q;
	struct tw_vec v;
	bool failed = false;
	char *z;
	int rc;

	*out = NULL;
	*n = 0;
	tw_vec_init(&v, sizeof(char *), NULL);
	if ((q = prepare(l, "SELECT zone FROM tracker UNION SELECT zone FROM outages"
	    " UNION SELECT zone FROM zone_hours ORDER BY 1", err)) == NULL)
		return -1;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		z = col_dup(q, 0, &failed);
		if (z != NULL && tw_vec_push_ptr(&v, z) != 0) {
			free(z);
			failed = true;
		}
		if (failed)
			break;
	}
	sqlite3_finalize(q);
	if (failed || rc != SQLITE_DONE) {
		size_t i;

		for (i = 0; i < v.n; i++)
			free(tw_vec_ptr(&v, i));
		tw_vec_free(&v);
		return failed ? (tw_error_set(err, l->path, 0, 0, "out of memory"), -1) :
		    fail(l, err, "read the zones");
	}
	*out = v.v;
	*n = v.n;
	return 0;
}

char *
tw_ledger_read_label(struct tw_ledger *l, const char *zone, struct tw_error *err)
{
	sqlite3_stmt *q = prepare(l, "SELECT label FROM zone_info WHERE zone = ?1", err);
	bool failed = false;
	char *label = NULL;

	if (q == NULL)
		return NULL;
	bind_text(q, 1, zone);
	if (sqlite3_step(q) == SQLITE_ROW)
		label = col_dup(q, 0, &failed);
	sqlite3_finalize(q);
	return label;
}

void
tw_ledger_read_timeline_free(struct tw_timeline_round *rounds, size_t n)
{
	size_t i;

	for (i = 0; rounds != NULL && i < n; i++)
		free((char *)(uintptr_t)rounds[i].diagnosis);
	free(rounds);
}

int
tw_ledger_read_timeline(struct tw_ledger *l, const char *zone, double since, double until,
    struct tw_timeline_round **out, size_t *n, struct tw_error *err)
{
	sqlite3_stmt *q;
	struct tw_vec v;
	bool failed = false;
	int rc;

	*out = NULL;
	*n = 0;
	tw_vec_init(&v, sizeof(struct tw_timeline_round), NULL);
	/* From the last round before ${since} (its state held into the window) on. */
	/* A round that overran its interval held its state until it ended. */
	if ((q = prepare(l, "SELECT r.start_ms, max(r.interval_ms, r.duration_ms), z.published,"
	    " z.diagnosis"
	    " FROM zone_rounds z JOIN rounds r ON r.id = z.round WHERE z.zone = ?1"
	    " AND z.round >= coalesce((SELECT max(y.round) FROM zone_rounds y JOIN rounds s"
	    " ON s.id = y.round WHERE y.zone = ?1 AND s.start_ms <= ?2), 0)"
	    " AND (?3 < 0 OR r.start_ms <= ?3) ORDER BY z.round", err)) == NULL)
		return -1;
	bind_text(q, 1, zone);
	sqlite3_bind_int64(q, 2, to_ms(since));
	sqlite3_bind_int64(q, 3, until >= 0 ? to_ms(until) : -1);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct tw_timeline_round *t = tw_vec_push(&v);

		if (t == NULL) {
			failed = true;
			break;
		}
		t->start = from_ms(sqlite3_column_int64(q, 0));
		t->interval = sqlite3_column_double(q, 1) / 1000.0;
		t->published = (enum tw_state)sqlite3_column_int(q, 2);
		t->diagnosis = col_dup(q, 3, &failed);
		if (failed)
			break;
	}
	sqlite3_finalize(q);
	if (failed || rc != SQLITE_DONE) {
		tw_ledger_read_timeline_free(v.v, v.n);
		return failed ? (tw_error_set(err, l->path, 0, 0, "out of memory"), -1) :
		    fail(l, err, "read the timeline");
	}
	*out = v.v;
	*n = v.n;
	return 0;
}

void
tw_ledger_read_summary_free(struct tw_ledger_read_bucket *b, size_t n)
{
	size_t i;

	for (i = 0; b != NULL && i < n; i++)
		free(b[i].zone);
	free(b);
}

int
tw_ledger_read_summary(struct tw_ledger *l, const char *zone, double since, double until,
    enum tw_timeline_by by, struct tw_ledger_read_bucket **out, size_t *n, struct tw_error *err)
{
	sqlite3_stmt *q;
	struct tw_vec v;
	struct tw_ledger_read_bucket *b = NULL;
	bool failed = false;
	double start;
	int rc, i;

	*out = NULL;
	*n = 0;
	tw_vec_init(&v, sizeof(struct tw_ledger_read_bucket), NULL);
	if ((q = prepare(l, "SELECT zone, hour_ms, up, degraded, unstable, partial, down, unknown"
	    " FROM zone_hours WHERE (?1 IS NULL OR zone = ?1) AND hour_ms >= ?2"
	    " AND (?3 < 0 OR hour_ms < ?3) ORDER BY zone, hour_ms", err)) == NULL)
		return -1;
	bind_text(q, 1, zone);
	sqlite3_bind_int64(q, 2, to_ms(tw_timeline_bucket(since, TW_TIMELINE_HOUR)));
	sqlite3_bind_int64(q, 3, until >= 0 ? to_ms(until) : -1);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *z = (const char *)sqlite3_column_text(q, 0);

		start = tw_timeline_bucket(from_ms(sqlite3_column_int64(q, 1)), by);
		if (z == NULL)
			continue;
		if (b == NULL || b->start != start || strcmp(b->zone, z) != 0) {
			if ((b = tw_vec_push(&v)) == NULL || (b->zone = strdup(z)) == NULL) {
				failed = true;
				break;
			}
			b->start = start;
		}
		for (i = 0; i < TW_STATE_COUNT; i++)
			b->seconds[i] += sqlite3_column_double(q, 2 + i);
	}
	sqlite3_finalize(q);
	if (failed || rc != SQLITE_DONE) {
		tw_ledger_read_summary_free(v.v, v.n);
		return failed ? (tw_error_set(err, l->path, 0, 0, "out of memory"), -1) :
		    fail(l, err, "read the rollups");
	}
	*out = v.v;
	*n = v.n;
	return 0;
}

void
tw_ledger_read_outages_free(struct tw_outage *o, size_t n)
{
	size_t i;

	for (i = 0; o != NULL && i < n; i++)
		tw_outage_clear(&o[i]);
	free(o);
}

/* An ended outage, from its stored record. */
static int
outage_read(struct tw_ledger *l, sqlite3_stmt *rec, struct tw_outage *o, struct tw_error *err)
{
	sqlite3_stmt *q;
	struct tw_vec order;
	bool failed = false;
	size_t n, i;
	int rc;

	memset(o, 0, sizeof(*o));
	o->zone = col_dup(rec, 0, &failed);
	o->number = (unsigned)sqlite3_column_int(rec, 1);
	o->ongoing = false;
	o->first_round = sqlite3_column_int64(rec, 3);
	o->last_round = sqlite3_column_int64(rec, 4);
	o->start = from_ms(sqlite3_column_int64(rec, 5));
	o->start_lo_known = sqlite3_column_type(rec, 6) != SQLITE_NULL;
	o->start_lo = from_ms(sqlite3_column_int64(rec, 6));
	o->end = from_ms(sqlite3_column_int64(rec, 7));
	o->end_lo = from_ms(sqlite3_column_int64(rec, 8));
	o->seconds = sqlite3_column_double(rec, 9);
	o->uncertainty = sqlite3_column_double(rec, 10);
	if (failed)
		goto oom;
	if ((q = prepare(l, "SELECT state, start_ms, end_ms, diagnosis FROM outage_phases"
	    " WHERE zone = ?1 AND number = ?2 ORDER BY seq", err)) == NULL)
		goto fail;
	bind_text(q, 1, o->zone);
	sqlite3_bind_int(q, 2, (int)o->number);
	n = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct tw_outage_phase *p, *nv = realloc(o->phases, (n + 1) * sizeof(*nv));
		const char *st = (const char *)sqlite3_column_text(q, 0);

		if (nv == NULL) {
			failed = true;
			break;
		}
		o->phases = nv;
		p = &o->phases[n];
		memset(p, 0, sizeof(*p));
		o->n_phases = ++n;
		p->restored = st != NULL && strcmp(st, "restored") == 0;
		if (!p->restored && (st == NULL || tw_state_from_str(st, &p->state) != 0))
			p->state = TW_STATE_UNKNOWN;
		p->start = from_ms(sqlite3_column_int64(q, 1));
		p->open = sqlite3_column_type(q, 2) == SQLITE_NULL;
		p->end = from_ms(sqlite3_column_int64(q, 2));
		p->diagnosis = col_dup(q, 3, &failed);
	}
	sqlite3_finalize(q);
	if (failed)
		goto oom;
	if (rc != SQLITE_DONE) {
		fail(l, err, "read an outage's phases");
		goto fail;
	}
	if ((q = prepare(l, "SELECT name, key, lost_ms, back_ms, back_lo_ms, back_rank"
	    " FROM outage_hosts WHERE zone = ?1 AND number = ?2 ORDER BY seq", err)) == NULL)
		goto fail;
	bind_text(q, 1, o->zone);
	sqlite3_bind_int(q, 2, (int)o->number);
	tw_vec_init(&order, sizeof(int64_t[2]), NULL);
	n = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct tw_outage_host *h, *nv = realloc(o->hosts, (n + 1) * sizeof(*nv));

		if (nv == NULL) {
			failed = true;
			break;
		}
		o->hosts = nv;
		h = &o->hosts[n];
		memset(h, 0, sizeof(*h));
		o->n_hosts = ++n;
		h->name = col_dup(q, 0, &failed);
		h->key = sqlite3_column_int(q, 1) != 0;
		h->lost_known = sqlite3_column_type(q, 2) != SQLITE_NULL;
		h->lost = from_ms(sqlite3_column_int64(q, 2));
		h->back_known = sqlite3_column_type(q, 3) != SQLITE_NULL;
		h->back = from_ms(sqlite3_column_int64(q, 3));
		h->back_lo = from_ms(sqlite3_column_int64(q, 4));
		if (sqlite3_column_type(q, 5) != SQLITE_NULL) {
			int64_t *pair = tw_vec_push(&order);

			if (pair == NULL) {
				failed = true;
				break;
			}
			pair[0] = sqlite3_column_int64(q, 5);
			pair[1] = (int64_t)(n - 1);
		}
	}
	sqlite3_finalize(q);
	if (!failed && order.n > 0 && (o->order = calloc(order.n, sizeof(*o->order))) == NULL)
		failed = true;
	for (i = 0; !failed && i < order.n; i++) {
		const int64_t *pair = tw_vec_at(&order, i);

		if (pair[0] >= 0 && (size_t)pair[0] < order.n)
			o->order[pair[0]] = (size_t)pair[1];
	}
	if (!failed)
		o->n_order = order.n;
	tw_vec_free(&order);
	if (failed)
		goto oom;
	if (rc != SQLITE_DONE) {
		fail(l, err, "read an outage's hosts");
		goto fail;
	}
	return 0;
oom:
	tw_error_set(err, l->path, 0, 0, "out of memory");
fail:
	tw_outage_clear(o);
	return -1;
}

/* How outage ${o} began: the first onset of its zone from its first round to its last. */
static int
outage_onset(struct tw_ledger *l, const char *zone, int64_t first_round, struct tw_outage *o,
    struct tw_error *err)
{
	sqlite3_stmt *q;
	int rc;

	memset(&o->onset, 0, sizeof(o->onset));
	if (l->version < 2 || zone == NULL)
		return 0;               /* a ledger of version 1 kept no onsets */
	if ((q = prepare(l, "SELECT shape, rounds_before, evidence FROM onsets WHERE zone = ?1"
	    " AND round >= ?2 AND round <= ?3 ORDER BY round LIMIT 1", err)) == NULL)
		return -1;
	sqlite3_bind_text(q, 1, zone, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, first_round);
	sqlite3_bind_int64(q, 3, o->last_round > first_round ? o->last_round : first_round);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW)
		onset_col(q, 0, &o->onset);
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(l, err, "read an onset");
	return 0;
}

/* The outage a record row names: stored if ended, told from the rows if ongoing. */
static int
outage_from_record(struct tw_ledger *l, sqlite3_stmt *rec, struct tw_outage *o,
    struct tw_error *err)
{
	int64_t last = 0, fw = 10;
	const char *zone = (const char *)sqlite3_column_text(rec, 0);
	int rc;

	if (sqlite3_column_int(rec, 2) == 0)
		rc = outage_read(l, rec, o, err);
	else {
		if (zone == NULL || query_int(l, "SELECT max(id) FROM rounds WHERE id >= ?1", NULL,
		    0, &last, err) != 0)
			return -1;
		(void)meta_int(l, "flap_window", &fw);
		rc = tw_ledger_read_story(l, zone, (unsigned)sqlite3_column_int(rec, 1),
		    sqlite3_column_int64(rec, 3), last, (unsigned)fw, o, err);
		if (rc == 0)
			o->ongoing = true;
	}
	if (rc == 0 && outage_onset(l, zone, sqlite3_column_int64(rec, 3), o, err) != 0) {
		tw_outage_clear(o);
		return -1;
	}
	return rc;
}

#define OUTAGE_COLUMNS "zone, number, ongoing, first_round, last_round, start_ms," \
	" start_lo_ms, end_ms, end_lo_ms, seconds, uncertainty"

int
tw_ledger_read_outages(struct tw_ledger *l, const char *zone, double since, double until,
    struct tw_outage **out, size_t *n, struct tw_error *err)
{
	sqlite3_stmt *q;
	struct tw_outage *v = NULL, *nv;
	size_t k = 0;
	int rc, r;

	*out = NULL;
	*n = 0;
	if ((q = prepare(l, "SELECT " OUTAGE_COLUMNS " FROM outages WHERE (?1 IS NULL OR zone = ?1)"
	    " AND (ongoing = 1 OR end_ms >= ?2) AND (?3 < 0 OR start_ms <= ?3)"
	    " ORDER BY start_ms, zone, number", err)) == NULL)
		return -1;
	bind_text(q, 1, zone);
	sqlite3_bind_int64(q, 2, to_ms(since));
	sqlite3_bind_int64(q, 3, until >= 0 ? to_ms(until) : -1);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if ((nv = realloc(v, (k + 1) * sizeof(*v))) == NULL) {
			tw_error_set(err, l->path, 0, 0, "out of memory");
			goto fail;
		}
		v = nv;
		if ((r = outage_from_record(l, q, &v[k], err)) < 0)
			goto fail;
		if (r == 0)
			k++;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		tw_ledger_read_outages_free(v, k);
		return fail(l, err, "read the outages");
	}
	*out = v;
	*n = k;
	if (k == 0) {
		free(v);
		*out = NULL;
	}
	return 0;
fail:
	sqlite3_finalize(q);
	tw_ledger_read_outages_free(v, k);
	return -1;
}

int
tw_ledger_read_outage(struct tw_ledger *l, const char *zone, unsigned number, double at,
    struct tw_outage *out, struct tw_error *err)
{
	sqlite3_stmt *q;
	int rc;

	memset(out, 0, sizeof(*out));
	if (number > 0)
		q = prepare(l, "SELECT " OUTAGE_COLUMNS " FROM outages WHERE (?1 IS NULL OR zone = ?1)"
		    " AND number = ?2 ORDER BY start_ms DESC LIMIT 1", err);
	else if (at >= 0)
		q = prepare(l, "SELECT " OUTAGE_COLUMNS " FROM outages WHERE (?1 IS NULL OR zone = ?1)"
		    " AND start_ms <= ?3 AND (ongoing = 1 OR end_ms >= ?3)"
		    " ORDER BY start_ms DESC LIMIT 1", err);
	else
		q = prepare(l, "SELECT " OUTAGE_COLUMNS " FROM outages WHERE (?1 IS NULL OR zone = ?1)"
		    " ORDER BY start_ms DESC, number DESC LIMIT 1", err);
	if (q == NULL)
		return -1;
	bind_text(q, 1, zone);
	if (number > 0)
		sqlite3_bind_int(q, 2, (int)number);
	if (at >= 0)
		sqlite3_bind_int64(q, 3, to_ms(at));
	rc = sqlite3_step(q);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(q);
		return 1;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(q);
		return fail(l, err, "find the outage");
	}
	rc = outage_from_record(l, q, out, err);
	sqlite3_finalize(q);
	return rc;
}
