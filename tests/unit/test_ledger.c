/*
 * test_ledger.c -- the ledger on a real SQLite file: rounds through the real
 * tracker into the ledger and back (resume), the story of an outage told
 * from the database, the timeline and the rollups, pruning, importing a JSON
 * state file, refusing files that are not ours, and a reader's snapshot.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "tldwatch/ledger.h"
#include "tldwatch/ledger_read.h"
#include "golden.h"


struct fx {
	char dir[64];
	char path[128];
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "%s/tw-ledger.XXXXXX", base);
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/ledger.db", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

#include "ledger_fixture.h"

static void
test_story(void **state)
{
	struct fx *f = *state;
	struct watcher w;
	struct tw_outage o;
	struct tw_error err;
	size_t i;

	watcher_open(&w, f->path);
	play_2014(&w);
	memset(&err, 0, sizeof(err));
	assert_int_equal(tw_ledger_read_outage(w.l, "kp", 0, -1, &o, &err), 0);
	assert_int_equal(o.number, 1);
	assert_false(o.ongoing);
	/* phases: unstable, down, partial, restored */
	assert_int_equal(o.n_phases, 4);
	assert_int_equal(o.phases[0].state, TW_STATE_UNSTABLE);
	assert_int_equal(o.phases[1].state, TW_STATE_DOWN);
	assert_int_equal(o.phases[2].state, TW_STATE_PARTIAL);
	assert_true(o.phases[3].restored);
	/* dark from round 12 (0-based) to the first up round 23: 11 intervals */
	assert_true(o.start == T0 + 12 * IVAL);
	assert_true(o.seconds == 11 * IVAL);
	assert_true(o.uncertainty == IVAL);
	/* the news agency and the newspaper before the portal */
	assert_int_equal(o.n_order, 3);
	assert_string_equal(o.hosts[o.order[0]].name, "kcna.kp");
	assert_string_equal(o.hosts[o.order[1]].name, "rodong.rep.kp");
	assert_string_equal(o.hosts[o.order[2]].name, "naenara.com.kp");
	for (i = 0; i < o.n_hosts; i++)
		assert_true(o.hosts[i].key);
	tw_outage_clear(&o);
	/* --outage 1 and --at give the same one; there is no outage 2 */
	assert_int_equal(tw_ledger_read_outage(w.l, "kp", 1, -1, &o, &err), 0);
	tw_outage_clear(&o);
	assert_int_equal(tw_ledger_read_outage(w.l, NULL, 0, T0 + 15 * IVAL, &o, &err), 0);
	assert_int_equal(o.number, 1);
	tw_outage_clear(&o);
	assert_int_equal(tw_ledger_read_outage(w.l, "kp", 2, -1, &o, &err), 1);
	assert_int_equal(tw_ledger_read_outage(w.l, "kp", 0, T0 + 2 * IVAL, &o, &err), 1);
	tw_ledger_close(w.l);
	tw_tracker_free(w.t);
}

/* An outage still going on is told from the raw rounds so far. */
static void
test_ongoing(void **state)
{
	struct fx *f = *state;
	struct watcher w;
	struct tw_outage *v;
	struct tw_error err;
	size_t n, i;

	watcher_open(&w, f->path);
	for (i = 0; i < 3; i++)
		step(&w, 'u', "RRR");
	for (i = 0; i < 5; i++)
		step(&w, 'D', "DDD");
	memset(&err, 0, sizeof(err));
	assert_int_equal(tw_ledger_read_outages(w.l, "kp", 0, -1, &v, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_true(v[0].ongoing);
	assert_true(v[0].start == T0 + 3 * IVAL);
	assert_true(v[0].seconds == 4 * IVAL);
	tw_ledger_read_outages_free(v, n);
	tw_ledger_close(w.l);
	tw_tracker_free(w.t);
}

/* A restarted watcher resumes the tracker exactly, the rings and the events. */
static void
test_resume(void **state)
{
	struct fx *f = *state;
	struct watcher w;
	struct tw_state_doc doc;
	struct tw_error err;
	const struct tw_zone_track *a, *b;

	watcher_open(&w, f->path);
	play_2014(&w);
	step(&w, 'D', "DDD");             /* an outage under way at the restart */
	step(&w, 'D', "DDD");
	step(&w, 'D', "DDD");
	tw_ledger_close(w.l);

	memset(&err, 0, sizeof(err));
	assert_int_equal(tw_ledger_open(f->path, true, &w.l, &err), TW_LEDGER_OK);
	if (tw_ledger_resume(w.l, 60, &doc, &err) != 0)
		fail_msg("resume: %s", err.msg);
	assert_int_equal(doc.tracker->rounds, w.t->rounds);
	assert_true(doc.tracker->last_round == w.t->last_round);
	assert_int_equal(doc.tracker->n_zones, 1);
	a = &w.t->zones[0];
	b = &doc.tracker->zones[0];
	assert_string_equal(a->name, b->name);
	assert_int_equal(a->published, b->published);
	assert_true(a->published_since == b->published_since);
	assert_int_equal(a->in_outage, b->in_outage);
	assert_true(b->in_outage);
	assert_true(a->outage_start == b->outage_start);
	assert_int_equal(a->ring_len, b->ring_len);
	assert_memory_equal(a->ring, b->ring, a->ring_len * sizeof(a->ring[0]));
	assert_int_equal(a->calm_rounds, b->calm_rounds);
	assert_true(a->run_since == b->run_since && a->bad_since == b->bad_since);
	assert_string_equal(a->diagnosis, b->diagnosis);
	/* the rings: the root, two kp servers, three hosts, every round kept */
	assert_int_equal(doc.history->n_servers, 3);
	assert_int_equal(doc.history->n_hosts, 3);
	assert_int_equal(doc.history->servers[1].ring.len, (unsigned)w.t->rounds);
	/* the events: unstable, outage, partial_restoration, restored, outage */
	assert_int_equal(doc.events->len, 5);
	assert_int_equal(tw_event_ring_at(doc.events, 0)->kind, TW_EVENT_UNSTABLE);
	assert_int_equal(tw_event_ring_at(doc.events, 3)->kind, TW_EVENT_RESTORED);
	assert_true(tw_event_ring_at(doc.events, 3)->has_outage_seconds);
	assert_true(doc.interval_ms == 60000);
	tw_statefile_doc_clear(&doc);

	/* and the next rounds go on: the outage ends as outage 2 */
	tw_tracker_free(w.t);
	assert_int_equal(tw_ledger_resume(w.l, 60, &doc, &err), 0);
	w.t = doc.tracker;
	doc.tracker = NULL;
	w.round = w.t->rounds;
	tw_statefile_doc_clear(&doc);
	step(&w, 'u', "RRR");
	step(&w, 'u', "RRR");
	{
		struct tw_outage o;

		assert_int_equal(tw_ledger_read_outage(w.l, "kp", 0, -1, &o, &err), 0);
		assert_int_equal(o.number, 2);
		assert_false(o.ongoing);
		assert_true(o.seconds == 3 * IVAL);
		tw_outage_clear(&o);
	}
	tw_ledger_close(w.l);
	tw_tracker_free(w.t);
}

static void
test_timeline_and_summary(void **state)
{
	struct fx *f = *state;
	struct watcher w;
	struct tw_timeline_round *r;
	struct tw_timeline_period *p;
	struct tw_ledger_read_bucket *b;
	struct tw_error err;
	size_t n, np, nb, i;
	double total;

	watcher_open(&w, f->path);
	play_2014(&w);
	memset(&err, 0, sizeof(err));
	assert_int_equal(tw_ledger_read_begin(w.l, &err), 0);
	assert_int_equal(tw_ledger_read_timeline(w.l, "kp", 0, -1, &r, &n, &err), 0);
	assert_int_equal(n, w.round);
	assert_int_equal(tw_timeline_periods(r, n, T0 + IVAL * (double)w.round, 0, -1, &p, &np),
	    0);
	/* up, unstable, down, partial, up (published, with hysteresis) */
	assert_int_equal(np, 5);
	assert_int_equal(p[0].state, TW_STATE_UP);
	assert_int_equal(p[1].state, TW_STATE_UNSTABLE);
	assert_int_equal(p[2].state, TW_STATE_DOWN);
	assert_int_equal(p[3].state, TW_STATE_PARTIAL);
	assert_int_equal(p[4].state, TW_STATE_UP);
	assert_true(p[4].open);
	tw_timeline_periods_free(p, np);
	tw_ledger_read_timeline_free(r, n);
	/* every interval but the last is in the hourly rollups */
	assert_int_equal(tw_ledger_read_summary(w.l, "kp", 0, -1, TW_TIMELINE_DAY, &b, &nb, &err), 0);
	assert_int_equal(nb, 1);
	for (total = 0, i = 0; i < TW_STATE_COUNT; i++)
		total += b[0].seconds[i];
	assert_true(total == IVAL * (double)(w.round - 1));
	assert_true(b[0].seconds[TW_STATE_UNKNOWN] == 0);
	tw_ledger_read_summary_free(b, nb);
	tw_ledger_read_end(w.l);
	tw_ledger_close(w.l);
	tw_tracker_free(w.t);
}

/*
 * Rounds that overran their interval (silent servers: every attempt waits
 * for its timeout) each start as the one before ends: the watcher ran
 * throughout, so neither the timeline nor the rollups may show a gap.  A
 * real silence (the watcher stopped) still does.
 */
static void
test_overrun_rounds(void **state)
{
	struct fx *f = *state;
	struct watcher w;
	struct tw_timeline_round *r;
	struct tw_timeline_period *p;
	struct tw_ledger_read_bucket *b;
	struct tw_error err;
	size_t n, np, nb, i;
	double t = T0, total;

	watcher_open(&w, f->path);
	w.cfg.fall = 1;
	for (i = 0; i < 6; i++, t += 0.35)
		step_at(&w, 'D', "DDD", t, 0.35, 100);
	t += 60;                              /* stopped for a minute */
	step_at(&w, 'D', "DDD", t, 0.35, 100);
	memset(&err, 0, sizeof(err));
	assert_int_equal(tw_ledger_read_timeline(w.l, "kp", 0, -1, &r, &n, &err), 0);
	assert_int_equal(tw_timeline_periods(r, n, t + 0.35, 0, -1, &p, &np), 0);
	/* down over the six rounds, the minute's gap, down again */
	assert_int_equal(np, 3);
	assert_int_equal(p[0].state, TW_STATE_DOWN);
	assert_false(p[0].gap);
	assert_true(fabs(p[0].end - (T0 + 6 * 0.35)) < 1e-6);
	assert_true(p[1].gap);
	assert_int_equal(p[2].state, TW_STATE_DOWN);
	tw_timeline_periods_free(p, np);
	tw_ledger_read_timeline_free(r, n);
	/* the rollups count the six rounds whole: 2.1 s down, nothing unknown */
	assert_int_equal(tw_ledger_read_summary(w.l, "kp", 0, -1, TW_TIMELINE_DAY, &b, &nb, &err), 0);
	assert_int_equal(nb, 1);
	for (total = 0, i = 0; i < TW_STATE_COUNT; i++)
		total += b[0].seconds[i];
	assert_true(fabs(b[0].seconds[TW_STATE_DOWN] - 6 * 0.35) < 1e-3);
	assert_true(fabs(total - 6 * 0.35) < 1e-3);
	tw_ledger_read_summary_free(b, nb);
	tw_ledger_close(w.l);
	tw_tracker_free(w.t);
}

/* A reader inside one transaction sees the rounds as they were when it began. */
static void
test_reader_snapshot(void **state)
{
	struct fx *f = *state;
	struct watcher w;
	struct tw_ledger *rd;
	struct tw_timeline_round *r;
	struct tw_error err;
	size_t n;

	watcher_open(&w, f->path);
	step(&w, 'u', "RRR");
	memset(&err, 0, sizeof(err));
	assert_int_equal(tw_ledger_open(f->path, false, &rd, &err), TW_LEDGER_OK);
	assert_int_equal(tw_ledger_read_begin(rd, &err), 0);
	assert_int_equal(tw_ledger_read_timeline(rd, "kp", 0, -1, &r, &n, &err), 0);
	assert_int_equal(n, 1);
	tw_ledger_read_timeline_free(r, n);
	step(&w, 'u', "RRR");             /* the writer is not blocked */
	assert_int_equal(tw_ledger_read_timeline(rd, "kp", 0, -1, &r, &n, &err), 0);
	assert_int_equal(n, 1);
	tw_ledger_read_timeline_free(r, n);
	tw_ledger_read_end(rd);
	assert_int_equal(tw_ledger_read_timeline(rd, "kp", 0, -1, &r, &n, &err), 0);
	assert_int_equal(n, 2);
	tw_ledger_read_timeline_free(r, n);
	/* a reader cannot write */
	assert_int_equal(tw_ledger_commit(rd, NULL, &err), -1);
	tw_ledger_close(rd);
	tw_ledger_close(w.l);
	tw_tracker_free(w.t);
}

static int64_t
count(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int64_t v = -1;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* Raw rows older than keep go, a bounded bite per round; the newest 1,000 rounds stay. */
static void
test_prune(void **state)
{
	struct fx *f = *state;
	struct watcher w;
	size_t i;

	watcher_open(&w, f->path);
	tw_ledger_set_keep(w.l, 100 * IVAL);
	for (i = 0; i < 1010; i++)
		step(&w, 'u', "RRR");
	/* 1,010 rounds, all newer than 1,000 rounds ago but the first ten: four go per round */
	assert_int_equal(count(f->path, "SELECT count(*) FROM rounds"), 1000);
	assert_int_equal(count(f->path, "SELECT min(round) FROM zone_rounds"), 11);
	assert_int_equal(count(f->path, "SELECT count(*) FROM server_rounds WHERE round < 11"), 0);
	/* rollups stay */
	assert_true(count(f->path, "SELECT count(*) FROM zone_hours") >= 16);
	assert_int_equal(count(f->path, "PRAGMA user_version"), TW_LEDGER_VERSION);
	tw_ledger_close(w.l);
	tw_tracker_free(w.t);
	/* the server rollups of every hour seen, written at close */
	assert_true(count(f->path, "SELECT count(*) FROM server_hours") >= 3 * 16);
	assert_true(count(f->path, "SELECT count(*) FROM server_hours WHERE rtt_median_us IS NULL"
	    " AND rtt_min_us IS NOT NULL") == 0);
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static size_t
read_bytes(const char *path, unsigned char *buf, size_t n)
{
	FILE *fp = fopen(path, "rb");
	size_t got;

	assert_non_null(fp);
	got = fread(buf, 1, n, fp);
	fclose(fp);
	return got;
}

/* Files that are not a ledger of ours are refused, never written. */
static void
test_refuses(void **state)
{
	struct fx *f = *state;
	struct tw_ledger *l;
	struct tw_error err;
	char other[200], cmd[400];
	unsigned char before[4096], after[4096];
	sqlite3 *db;
	struct stat st;

	memset(&err, 0, sizeof(err));
	assert_int_equal(tw_ledger_open(f->path, false, &l, &err), TW_LEDGER_MISSING);

	write_file(f->path, "this is not a database, it is a poem\n");
	assert_int_equal(tw_ledger_open(f->path, true, &l, &err), TW_LEDGER_BAD);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_size, 37);
	unlink(f->path);

	/* someone else's SQLite database */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (x); INSERT INTO t VALUES (1)", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(read_bytes(f->path, before, sizeof(before)), sizeof(before));
	assert_int_equal(tw_ledger_open(f->path, true, &l, &err), TW_LEDGER_BAD);
	assert_non_null(strstr(err.msg, "not a tldwatch ledger"));
	/* left as it was: not even turned to WAL (header bytes 18-19), no -wal beside it */
	assert_int_equal(read_bytes(f->path, after, sizeof(after)), sizeof(after));
	assert_memory_equal(before, after, sizeof(before));
	snprintf(cmd, sizeof(cmd), "%s-wal", f->path);
	assert_int_equal(stat(cmd, &st), -1);
	assert_int_equal(count(f->path, "SELECT count(*) FROM t"), 1);
	unlink(f->path);

	/* ours, from a newer tldwatch */
	assert_int_equal(tw_ledger_open(f->path, true, &l, &err), TW_LEDGER_OK);
	tw_ledger_close(l);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' 'PRAGMA user_version = 99'", f->path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(tw_ledger_open(f->path, true, &l, &err), TW_LEDGER_BAD);
	assert_non_null(strstr(err.msg, "newer tldwatch"));

	/* set aside: renamed with its journals, nothing lost */
	assert_int_equal(tw_ledger_set_aside(f->path, other, sizeof(other)), 0);
	assert_non_null(strstr(other, ".bad-"));
	assert_int_equal(stat(other, &st), 0);
	assert_int_equal(stat(f->path, &st), -1);

	/* never through a symbolic link */
	assert_int_equal(symlink(other, f->path), 0);
	assert_int_equal(tw_ledger_open(f->path, true, &l, &err), TW_LEDGER_BAD);
	assert_non_null(strstr(err.msg, "symbolic link"));
	unlink(f->path);
}

/* A JSON state file of the previous version is imported and kept. */
static void
test_import(void **state)
{
	struct fx *f = *state;
	struct tw_ledger *l;
	struct tw_state_doc doc;
	struct tw_error err;
	struct watcher w;
	struct tw_outage o;
	char *json = golden_slurp(GOLDEN_DIR "watch-state.json"), keep[200], *back;

	assert_non_null(json);
	write_file(f->path, json);
	memset(&err, 0, sizeof(err));
	if (tw_ledger_open(f->path, true, &l, &err) != TW_LEDGER_OK)
		fail_msg("import: %s", err.msg);
	assert_int_equal(tw_ledger_resume(l, 10, &doc, &err), 0);
	assert_int_equal(doc.tracker->rounds, 12);
	assert_int_equal(doc.tracker->n_zones, 1);
	assert_int_equal(doc.tracker->zones[0].published, TW_STATE_PARTIAL);
	assert_true(doc.tracker->zones[0].in_outage);
	assert_true(doc.tracker->zones[0].outage_start == T0 + 6 * IVAL);
	assert_int_equal(doc.events->len, 4);
	assert_int_equal(tw_event_ring_at(doc.events, 1)->kind, TW_EVENT_OUTAGE);

	/*
	 * The watcher goes on, days later, with every round healthy: the
	 * outage it carried over is told from its start, not from the first
	 * round the ledger holds, while it lasts and once it ended.  It ended
	 * between the state file's last round (partial, T0 + 11 IVAL) and the
	 * first healthy round, as wide as that is.
	 */
	memset(&w, 0, sizeof(w));
	w.cfg = (struct tw_watch_cfg){ 60000, 2, 2, 4, 10, 5, 60, 3, 900000, 3600000 };
	w.l = l;
	w.t = doc.tracker;
	doc.tracker = NULL;
	w.round = 3 * 1440;
	step(&w, 'u', "RRR");
	assert_int_equal(tw_ledger_read_outage(l, "kp", 0, -1, &o, &err), 0);
	assert_true(o.ongoing);
	assert_true(o.start == T0 + 6 * IVAL);
	tw_outage_clear(&o);
	step(&w, 'u', "RRR");
	step(&w, 'u', "RRR");
	assert_false(w.t->zones[0].in_outage);
	assert_int_equal(tw_ledger_read_outage(l, "kp", 0, -1, &o, &err), 0);
	assert_false(o.ongoing);
	assert_int_equal(o.number, 1);
	assert_true(o.start == T0 + 6 * IVAL);
	assert_false(o.start_lo_known);
	assert_true(o.end_lo == T0 + 11 * IVAL);
	assert_true(o.end == T0 + IVAL * 3 * 1440);
	assert_true(o.seconds == o.end - o.start);
	assert_true(o.uncertainty == (o.end - o.end_lo) / 2);
	tw_outage_clear(&o);
	tw_tracker_free(w.t);
	tw_statefile_doc_clear(&doc);
	tw_ledger_close(l);
	snprintf(keep, sizeof(keep), "%s.v1.json", f->path);
	back = golden_slurp(keep);
	assert_non_null(back);
	assert_string_equal(back, json);
	free(back);
	free(json);
}

/* sqlite3 -cmd SQL on ${path}, outside the ledger's code: what an older tldwatch left. */
static void
raw_sql(const char *path, const char *sql)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
}

static int64_t
user_version(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	int64_t v;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return v;
}

/*
 * Version 1 (no onsets) is read as it is and upgraded by the first writer;
 * an onset written after that comes back on the event, on the tracker of an
 * outage under way, and in the outage's story.
 */
static void
test_upgrade_and_onset(void **state)
{
	struct fx *f = *state;
	struct watcher w;
	struct tw_state_doc doc;
	struct tw_error err;
	struct tw_outage o;
	struct tw_ledger *l;
	size_t i, outages = 0;

	watcher_open(&w, f->path);
	step(&w, 'u', "RRR");
	step(&w, 'u', "RRR");
	tw_ledger_close(w.l);
	tw_tracker_free(w.t);
	/* what tldwatch 0.1 with ledger version 1 wrote */
	raw_sql(f->path, "DROP TABLE onsets; PRAGMA user_version = 1");
	memset(&err, 0, sizeof(err));
	assert_int_equal(tw_ledger_open(f->path, false, &l, &err), TW_LEDGER_OK);
	if (tw_ledger_resume(l, 60, &doc, &err) != 0)
		fail_msg("resume of version 1: %s", err.msg);
	assert_int_equal(doc.tracker->rounds, 2);
	tw_statefile_doc_clear(&doc);
	tw_ledger_close(l);
	assert_int_equal(user_version(f->path), 1);

	/* the writer upgrades it in place, keeping its rounds */
	watcher_open(&w, f->path);
	assert_int_equal(user_version(f->path), TW_LEDGER_VERSION);
	tw_tracker_free(w.t);
	assert_int_equal(tw_ledger_resume(w.l, 60, &doc, &err), 0);
	w.t = doc.tracker;
	doc.tracker = NULL;
	w.round = 2;
	w.onset.shape = TW_ONSET_CLIFF;
	w.onset.rounds_before = 2;
	snprintf(w.onset.evidence, sizeof(w.onset.evidence), "every server answered 1 round "
	    "before it, then every server went silent");
	step(&w, 'D', "DDD");
	step(&w, 'D', "DDD");
	assert_true(w.t->zones[0].in_outage);
	tw_ledger_close(w.l);
	tw_tracker_free(w.t);
	tw_statefile_doc_clear(&doc);

	assert_int_equal(tw_ledger_open(f->path, false, &l, &err), TW_LEDGER_OK);
	assert_int_equal(tw_ledger_resume(l, 60, &doc, &err), 0);
	assert_int_equal(doc.tracker->zones[0].onset.shape, TW_ONSET_CLIFF);
	assert_string_equal(doc.tracker->zones[0].onset.evidence, w.onset.evidence);
	for (i = 0; i < doc.events->len; i++) {
		const struct tw_event *ev = tw_event_ring_at(doc.events, i);

		if (ev->kind == TW_EVENT_OUTAGE) {
			outages++;
			assert_int_equal(ev->onset.shape, TW_ONSET_CLIFF);
			assert_int_equal(ev->onset.rounds_before, 2);
		} else
			assert_int_equal(ev->onset.shape, TW_ONSET_NONE);
	}
	assert_int_equal(outages, 1);
	assert_int_equal(tw_ledger_read_outage(l, "kp", 0, -1, &o, &err), 0);
	assert_true(o.ongoing);
	assert_int_equal(o.onset.shape, TW_ONSET_CLIFF);
	tw_outage_clear(&o);
	tw_statefile_doc_clear(&doc);
	tw_ledger_close(l);

	/* the outage ends: its stored story keeps the onset, the tracker lets go of it */
	watcher_open(&w, f->path);
	tw_tracker_free(w.t);
	assert_int_equal(tw_ledger_resume(w.l, 60, &doc, &err), 0);
	w.t = doc.tracker;
	doc.tracker = NULL;
	w.round = 4;
	step(&w, 'u', "RRR");
	step(&w, 'u', "RRR");
	assert_false(w.t->zones[0].in_outage);
	assert_int_equal(w.t->zones[0].onset.shape, TW_ONSET_NONE);
	assert_int_equal(tw_ledger_read_outage(w.l, "kp", 1, -1, &o, &err), 0);
	assert_false(o.ongoing);
	assert_int_equal(o.onset.shape, TW_ONSET_CLIFF);
	tw_outage_clear(&o);
	tw_tracker_free(w.t);
	tw_statefile_doc_clear(&doc);
	tw_ledger_close(w.l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_story, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ongoing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overrun_rounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeline_and_summary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reader_snapshot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prune, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_and_onset, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
