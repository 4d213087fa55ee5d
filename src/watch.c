/*
 * watch.c -- the watcher's life: rounds on a schedule, events, the ledger.
 *
 * Everything runs on one event loop (loop.h): the next round is a timer,
 * a round's end is a callback, signals arrive as callbacks.  Nothing here
 * blocks except the ledger's commit after a round.  A round the ledger
 * could not take (a full disk) waits in memory, in order, and goes in with
 * the next commit that succeeds; at most PENDING_MAX of them wait.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tldwatch/clock.h"
#include "tldwatch/config.h"
#include "tldwatch/engine.h"
#include "tldwatch/event.h"
#include "tldwatch/eventlog.h"
#include "tldwatch/history.h"
#include "tldwatch/onset.h"
#include "tldwatch/http.h"
#include "tldwatch/identmemo.h"
#include "tldwatch/ledger.h"
#include "tldwatch/ledger_read.h"
#include "tldwatch/loop.h"
#include "tldwatch/metrics.h"
#include "tldwatch/recall.h"
#include "tldwatch/region.h"
#include "tldwatch/report.h"
#include "tldwatch/round.h"
#include "tldwatch/statefile.h"
#include "tldwatch/status.h"
#include "tldwatch/statuspage.h"
#include "tldwatch/tracker.h"
#include "tldwatch/verdict.h"
#include "tldwatch/view.h"
#include "tldwatch/watch.h"

/* How long SIGTERM lets a round in flight go on before abandoning it. */
#define STOP_GRACE_MS 2000.0
/* Rounds kept in memory while the ledger cannot take them. */
#define PENDING_MAX 64
/* Rounds between sweeps of the identity memo (identmemo.h). */
#define IDENTMEMO_PRUNE_ROUNDS 64

/* A round on its way to the ledger. */
struct pending {
	struct tw_check_result *result;
	struct tw_event *events;
	size_t n_events;
	struct tw_ledger_zone *zones;  /* the tracker's zones after the round */
	size_t n_zones;
	uint64_t number;
	double start, seconds;
	uint32_t interval_ms;
};

struct watcher {
	struct tw_watch_opts opts;
	struct tw_config *cfg;
	struct tw_loop *loop;
	struct tw_engine *eng;
	struct tw_round *round;        /* in flight, or NULL */
	double round_wall;             /* its start, steady wall clock (for the tracker) */
	double round_mono;             /* its start, monotonic (for the schedule) */
	struct tw_loop_timer *next;    /* starts the next round */
	struct tw_loop_timer *grace;   /* abandons the round in flight after a stop signal */
	struct tw_tracker *tracker;
	struct tw_history *history;
	struct tw_eventlog *eventlog;  /* where events are written */
	struct tw_event_ring recent;   /* the most recent events, kept for the views */
	struct tw_ledger *ledger;      /* --state; NULL: none */
	struct tw_identmemo *identmemo; /* servers that refused their identity, and when */
	struct tw_region *region;      /* every round's, reset by the next (region.h) */
	struct pending pending[PENDING_MAX]; /* oldest first */
	size_t n_pending;
	uint64_t dropped;              /* rounds the ledger never got (the queue was full) */
	uint64_t rounds_here;          /* rounds completed by this process */
	double started;                /* wall clock, process start */
	double started_mono;           /* monotonic ms at the same moment */
	double last_round_seconds;     /* duration of the latest round; < 0 none */
	double last_round_start;       /* wall clock; 0 none */
	uint64_t events_total[TW_EVENT_KIND_COUNT];
	uint64_t state_write_errors;   /* failed commits */
	struct tw_http *http;
	bool stopping;
	bool reload;
	char save_error[TW_ERROR_MSG_MAX + 300];
};

static void start_round(void *cookie);

static struct tw_config *
load_config(const struct watcher *w)
{
	struct tw_config *cfg;
	struct tw_error err;

	memset(&err, 0, sizeof(err));
	cfg = tw_config_load_checked(w->opts.config_path, w->opts.loopback_only, &err);
	if (cfg == NULL) {
		fprintf(stderr, "tldwatch: ");
		tw_error_print(&err, stderr);
	}
	return cfg;
}

static uint32_t
interval_ms(const struct watcher *w)
{
	return w->opts.interval_ms != 0 ? w->opts.interval_ms : w->cfg->watch.interval_ms;
}

/* Apply a reload asked for by SIGHUP; a broken config keeps the old one. */
static void
do_reload(struct watcher *w)
{
	struct tw_config *cfg;

	w->reload = false;
	if ((cfg = load_config(w)) == NULL) {
		fprintf(stderr, "tldwatch: SIGHUP: the new configuration is broken (above); "
		    "keeping the previous one\n");
		return;
	}
	if (tw_history_set_window(w->history, cfg->watch.window) != 0) {
		fprintf(stderr, "tldwatch: SIGHUP: out of memory; keeping the previous "
		    "configuration\n");
		tw_config_free(cfg);
		return;
	}
	tw_config_free(w->cfg);
	w->cfg = cfg;
	if (w->ledger != NULL)
		tw_ledger_set_keep(w->ledger, (double)cfg->ledger.keep_ms / 1000.0);
	fprintf(stderr, "tldwatch: SIGHUP: configuration reloaded from %s\n", cfg->source);
}

/* The live state as a state document (it points into the watcher). */
static void
fill_doc(struct watcher *w, struct tw_state_doc *doc)
{
	memset(doc, 0, sizeof(*doc));
	doc->written = tw_clock_wall();
	doc->interval_ms = interval_ms(w);
	doc->tracker = w->tracker;
	doc->history = w->history;
	doc->events = &w->recent;
}

static void
pending_free(struct pending *p)
{
	tw_result_free(p->result);
	tw_event_array_free(p->events, p->n_events);
	tw_ledger_zones_free(p->zones, p->n_zones);
	memset(p, 0, sizeof(*p));
}

/* Write the waiting rounds, oldest first; the newest carries the tracker. */
static void
persist(struct watcher *w)
{
	struct tw_ledger_round lr;
	struct tw_error err;
	struct pending *p;
	char msg[sizeof(w->save_error)];

	while (w->n_pending > 0) {
		p = &w->pending[0];
		memset(&lr, 0, sizeof(lr));
		lr.number = p->number;
		lr.start = p->start;
		lr.seconds = p->seconds;
		lr.interval_ms = p->interval_ms;
		lr.flap_window = w->cfg->watch.flap_window;
		lr.window = w->cfg->watch.window;
		lr.result = p->result;
		lr.zones = p->zones;
		lr.n_zones = p->n_zones;
		lr.tracker = w->n_pending == 1 ? w->tracker : NULL;
		lr.events = p->events;
		lr.n_events = p->n_events;
		memset(&err, 0, sizeof(err));
		if (tw_ledger_commit(w->ledger, &lr, &err) != 0) {
			w->state_write_errors++;
			snprintf(msg, sizeof(msg), "%s%s%s", err.file, err.file[0] ? ": " : "",
			    err.msg);
			/* Say it once, not every round; the watcher goes on either way. */
			if (strcmp(msg, w->save_error) != 0)
				fprintf(stderr, "tldwatch: cannot write the ledger: %s (the round waits "
				    "in memory; will retry after every round)\n", msg);
			snprintf(w->save_error, sizeof(w->save_error), "%s", msg);
			return;
		}
		pending_free(p);
		memmove(&w->pending[0], &w->pending[1], --w->n_pending * sizeof(w->pending[0]));
		memset(&w->pending[w->n_pending], 0, sizeof(w->pending[0]));
	}
	if (w->save_error[0] != '\0') {
		fprintf(stderr, "tldwatch: the ledger is written again: %s\n", w->opts.state_path);
		w->save_error[0] = '\0';
	}
}

/* Queue round ${r} (taken) with its events (taken) for the ledger, and write. */
static void
keep_round(struct watcher *w, struct tw_check_result *r, struct tw_event *ev, size_t n_ev)
{
	struct pending *p;

	if (w->ledger == NULL) {
		tw_result_free(r);
		tw_event_array_free(ev, n_ev);
		return;
	}
	if (w->n_pending == PENDING_MAX) {
		/* The oldest goes: a ledger that cannot write for this long has a gap. */
		if (w->dropped++ == 0)
			fprintf(stderr, "tldwatch: %d rounds wait for the ledger: dropping the oldest "
			    "from now on\n", PENDING_MAX);
		pending_free(&w->pending[0]);
		memmove(&w->pending[0], &w->pending[1], --w->n_pending * sizeof(w->pending[0]));
		memset(&w->pending[w->n_pending], 0, sizeof(w->pending[0]));
	}
	p = &w->pending[w->n_pending];
	memset(p, 0, sizeof(*p));
	if (tw_ledger_zones_of(w->tracker, &p->zones, &p->n_zones) != 0) {
		fprintf(stderr, "tldwatch: out of memory keeping a round for the ledger\n");
		tw_result_free(r);
		tw_event_array_free(ev, n_ev);
		return;
	}
	p->result = r;
	p->events = ev;
	p->n_events = n_ev;
	p->number = w->tracker->rounds;
	p->start = w->round_wall;
	p->seconds = r->elapsed_ms / 1000.0;
	p->interval_ms = interval_ms(w);
	w->n_pending++;
	persist(w);
}

static void
count_events(struct watcher *w, const struct tw_event *ev, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned)ev[i].kind < TW_EVENT_KIND_COUNT)
			w->events_total[ev[i].kind]++;
}

/* /events: the recent events, oldest first, one JSON array. */
static void
serve_events(const struct tw_event_ring *ring, FILE *fp)
{
	json_t *a = tw_event_ring_json(ring);

	if (a != NULL)
		json_dumpf(a, fp, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	else
		fputs("[]", fp);
	fputc('\n', fp);
	json_decref(a);
}

/*
 * /history and /outages: ?zone=Z&from=T&until=T (times as `history` takes
 * them).  400 for a parameter that is not one.
 */
static int
serve_ledger(struct watcher *w, const struct tw_http_req *req, bool outages, double now,
    FILE *fp)
{
	static const char *const keys[] = { "zone", "from", "until" };
	struct tw_recall_opts o;
	struct tw_error err;
	const char *v[3];
	bool bad = false;
	size_t i;

	memset(&o, 0, sizeof(o));
	for (i = 0; i < 3; i++)
		v[i] = tw_http_req_param(req, keys[i], &bad);
	o.zone = v[0] != NULL && v[0][0] != '\0' ? v[0] : NULL;
	o.since = outages ? 0 : now - 7 * 86400.0;
	o.until = -1;
	o.now = now;
	o.format = TW_FORMAT_JSON;
	if (bad || (v[1] != NULL && tw_clock_parse(v[1], now, &o.since) != 0) ||
	    (v[2] != NULL && tw_clock_parse(v[2], now, &o.until) != 0)) {
		fprintf(fp, "bad query: zone=NAME, from=TIME, until=TIME (ISO 8601 UTC, or -7d, "
		    "36h)\n");
		return 400;
	}
	if (w->ledger == NULL) {
		fprintf(fp, "no ledger: the watcher runs without --state\n");
		return 404;
	}
	memset(&err, 0, sizeof(err));
	if ((outages ? tw_recall_outages(w->ledger, &o, fp, &err) :
	    tw_recall_history(w->ledger, &o, fp, &err)) != 0) {
		tw_error_print(&err, fp);
		return 503;
	}
	return 200;
}

/* The HTTP endpoint: every page is rendered from the live state on request. */
static int
serve(void *cookie, const struct tw_http_req *req, FILE *fp, const char **type)
{
	struct watcher *w = cookie;
	struct tw_status_opts so;
	struct tw_state_doc doc;
	struct tw_view view;
	const char *path = tw_http_req_path(req);
	int status = 200;

	fill_doc(w, &doc);
	memset(&view, 0, sizeof(view));
	view.doc = &doc;
	view.cfg = w->cfg;
	view.ledger = w->ledger;
	view.now = doc.written;
	view.started = w->started;
	view.last_round_start = w->last_round_start;
	view.last_round_seconds = w->last_round_seconds;
	view.rounds_total = w->rounds_here;
	memcpy(view.events_total, w->events_total, sizeof(view.events_total));
	view.state_write_errors_total = w->state_write_errors;
	view.identity_hidden = tw_identmemo_count(w->identmemo);
	if (tw_view_index(&view) != 0) {
		fprintf(fp, "out of memory\n");
		return 503;
	}
	if (strcmp(path, "/metrics") == 0) {
		*type = "text/plain; version=0.0.4; charset=utf-8";
		tw_metrics_render(&view, fp);
	} else if (strcmp(path, "/") == 0) {
		*type = "text/html; charset=utf-8";
		tw_statuspage_render(&view, fp);
	} else if (strcmp(path, "/status.json") == 0) {
		*type = "application/json";
		memset(&so, 0, sizeof(so));
		so.format = TW_FORMAT_JSON;
		tw_status_render(&doc, view.now, &so, NULL, fp);
	} else if (strcmp(path, "/events") == 0) {
		*type = "application/json";
		serve_events(&w->recent, fp);
	} else if (strcmp(path, "/history") == 0 || strcmp(path, "/outages") == 0) {
		status = serve_ledger(w, req, strcmp(path, "/outages") == 0, view.now, fp);
		*type = status == 200 ? "application/json" : "text/plain; charset=utf-8";
	} else {
		status = 404;
		fprintf(fp, "not found: try /, /metrics, /status.json, /events, /history or "
		    "/outages\n");
	}
	tw_view_clear(&view);
	return status;
}

/* How the outage that ${ev} begins went dark: on the event and on the zone's track. */
static void
find_onset(struct watcher *w, const struct tw_check_result *r, struct tw_event *ev)
{
	struct tw_zone_track *zt = tw_tracker_find(w->tracker, ev->zone);
	struct tw_onset_input in;
	size_t i;

	if (zt == NULL)
		return;
	memset(&in, 0, sizeof(in));
	in.history = w->history;
	in.zone = ev->zone;
	in.round = w->tracker->rounds;
	in.raw = zt->ring;
	in.n_raw = zt->ring_len;
	in.published_before = ev->from;
	in.onset_rounds = w->cfg->watch.onset_rounds;
	for (i = 0; i < r->n_zones; i++)
		if (strcmp(r->zones[i].name, ev->zone) == 0)
			in.now = &r->zones[i];
	tw_onset_find(&in, &ev->onset);
	zt->onset = ev->onset;
}

/* One finished round: judge it, track it, report its events, keep it (takes ${r}). */
static void
process(struct watcher *w, struct tw_check_result *r)
{
	struct tw_event *ev = NULL;
	size_t n_ev = 0, i;
	double t0;

	tw_history_serial_lag(w->history, r, w->round_wall, w->cfg->watch.serial_grace_ms / 1000.0);
	tw_verdict_apply(r);
	if (tw_tracker_update(w->tracker, &w->cfg->watch, r, w->round_wall, &ev, &n_ev) != 0) {
		fprintf(stderr, "tldwatch: out of memory tracking a round; round skipped\n");
		tw_result_free(r);
		return;
	}
	if (tw_history_add(w->history, r, w->tracker->rounds) != 0)
		fprintf(stderr, "tldwatch: out of memory recording history\n");
	for (i = 0; i < n_ev; i++)
		if (ev[i].begins_outage)
			find_onset(w, r, &ev[i]);
	if (n_ev > 0 && tw_eventlog_write(w->eventlog, ev, n_ev) != 0)
		fprintf(stderr, "tldwatch: cannot write events: %s\n", strerror(errno));
	for (i = 0; i < n_ev; i++)
		if (tw_event_ring_push(&w->recent, &ev[i]) != 0)
			fprintf(stderr, "tldwatch: out of memory keeping an event\n");
	count_events(w, ev, n_ev);
	w->last_round_start = w->round_wall;
	w->last_round_seconds = r->elapsed_ms / 1000.0;
	w->rounds_here++;
	if (w->opts.verbosity > 0) {
		for (i = 0; i < r->n_zones; i++) {
			struct tw_zone_track *zt = tw_tracker_find(w->tracker, r->zones[i].name);

			fprintf(stderr, "tldwatch: round %llu (%.1f ms): %s %s, published %s\n",
			    (unsigned long long)w->tracker->rounds, r->elapsed_ms, r->zones[i].name,
			    tw_state_str(r->zones[i].state),
			    zt != NULL ? tw_state_str(zt->published) : "-");
		}
	}
	t0 = tw_clock_mono_ms();
	keep_round(w, r, ev, n_ev);
	if (w->opts.verbosity > 1 && w->ledger != NULL) {
		if (w->n_pending == 0)
			fprintf(stderr, "tldwatch: round %llu committed in %.3f ms\n",
			    (unsigned long long)w->tracker->rounds, tw_clock_mono_ms() - t0);
		else
			fprintf(stderr, "tldwatch: round %llu waits for the ledger\n",
			    (unsigned long long)w->tracker->rounds);
	}
}

static void
stop_now(struct watcher *w)
{
	tw_loop_timer_cancel(w->next);
	tw_loop_timer_cancel(w->grace);
	if (w->ledger != NULL)
		persist(w);
	tw_loop_break(w->loop);
}

static void
on_round_done(void *cookie)
{
	struct watcher *w = cookie;
	struct tw_check_result *r;
	double spent, wait;

	r = tw_round_finish(w->round);
	w->round = NULL;
	tw_loop_timer_cancel(w->grace);
	if (r != NULL)
		process(w, r);
	if (w->stopping || (w->opts.max_rounds > 0 && w->rounds_here >= w->opts.max_rounds)) {
		stop_now(w);
		return;
	}
	if (w->reload)
		do_reload(w);
	/* Start to start: a round that overran starts the next one at once. */
	spent = tw_clock_mono_ms() - w->round_mono;
	wait = (double)interval_ms(w) - spent;
	tw_loop_timer_arm(w->next, wait > 0 ? wait : 0);
}

/*
 * Wall-clock time that only ever moves with the monotonic clock: read once
 * at start, then advanced by elapsed monotonic time.  A clock step (NTP, an
 * operator) during the run can neither shorten nor stretch an outage's
 * measured duration; the wall clock is read again only at the next start,
 * which is what times kept across restarts need.
 */
static double
steady_wall(const struct watcher *w)
{
	return w->started + (tw_clock_mono_ms() - w->started_mono) / 1000.0;
}

static void
start_round(void *cookie)
{
	struct watcher *w = cookie;
	struct tw_round_opts ro;

	memset(&ro, 0, sizeof(ro));
	ro.deadline_ms = w->opts.deadline_ms;
	ro.loopback_only = w->opts.loopback_only;
	ro.identmemo = w->identmemo;
	ro.region = w->region;
	w->round_wall = steady_wall(w);
	w->round_mono = tw_clock_mono_ms();
	/* now and then, the servers whose recheck time is up go (each is dropped when looked at) */
	if (w->rounds_here % IDENTMEMO_PRUNE_ROUNDS == 0)
		tw_identmemo_prune(w->identmemo, w->round_mono, w->cfg->watch.identity_recheck_ms);
	w->round = tw_round_start(w->cfg, w->loop, w->eng, &ro, on_round_done, w);
	if (w->round == NULL)       /* out of memory: try again next interval */
		tw_loop_timer_arm(w->next, interval_ms(w));
}

/* SIGTERM/SIGINT grace expired: abandon the round, keep what is tracked. */
static void
on_grace(void *cookie)
{
	struct watcher *w = cookie;
	struct tw_check_result *r;

	if (w->round != NULL) {
		r = tw_round_finish(w->round);
		w->round = NULL;
		tw_result_free(r);   /* an abandoned round says nothing about the zone */
		fprintf(stderr, "tldwatch: abandoned the round in flight\n");
	}
	stop_now(w);
}

/* SIGHUP: the logrotate convention (the events file was moved away: write a new one). */
static void
reopen_events(struct watcher *w)
{
	struct tw_error err;

	memset(&err, 0, sizeof(err));
	if (tw_eventlog_reopen(w->eventlog, &err) != 0) {
		fprintf(stderr, "tldwatch: SIGHUP: cannot reopen the events file (still writing "
		    "the old one): ");
		tw_error_print(&err, stderr);
	}
}

static void
on_signal(int signo, void *cookie)
{
	struct watcher *w = cookie;

	if (signo == SIGHUP) {
		reopen_events(w);
		if (w->round != NULL)
			w->reload = true;   /* between rounds, not in the middle of one */
		else
			do_reload(w);
		return;
	}
	if (w->stopping || w->round == NULL) {
		w->stopping = true;
		on_grace(w);        /* idle, or a second signal: stop at once */
		return;
	}
	w->stopping = true;
	tw_loop_timer_arm(w->grace, STOP_GRACE_MS);
}

/* Open the ledger and resume from it, or set a bad file aside.  -1: cannot start. */
static int
restore_state(struct watcher *w)
{
	struct tw_state_doc doc;
	struct tw_error err;
	char aside[4096];
	enum tw_ledger_status st;

	if (w->opts.state_path == NULL)
		return 0;
	memset(&err, 0, sizeof(err));
	st = tw_ledger_open(w->opts.state_path, true, &w->ledger, &err);
	if (st == TW_LEDGER_BAD) {
		fprintf(stderr, "tldwatch: the ledger is unusable: ");
		tw_error_print(&err, stderr);
		if (tw_ledger_set_aside(w->opts.state_path, aside, sizeof(aside)) != 0) {
			fprintf(stderr, "tldwatch: cannot set %s aside (%s); refusing to overwrite "
			    "it\n", w->opts.state_path, strerror(errno));
			return -1;
		}
		fprintf(stderr, "tldwatch: set it aside as %s; starting afresh\n", aside);
		memset(&err, 0, sizeof(err));
		st = tw_ledger_open(w->opts.state_path, true, &w->ledger, &err);
	}
	if (st != TW_LEDGER_OK) {
		fprintf(stderr, "tldwatch: ");
		tw_error_print(&err, stderr);
		return -1;
	}
	if (tw_ledger_imported(w->ledger))
		fprintf(stderr, "tldwatch: %s was a JSON state file of an earlier tldwatch: imported "
		    "into the ledger, the JSON file kept as %s.v1.json\n", w->opts.state_path,
		    w->opts.state_path);
	tw_ledger_set_keep(w->ledger, (double)w->cfg->ledger.keep_ms / 1000.0);
	if (tw_ledger_resume(w->ledger, w->cfg->watch.window, &doc, &err) != 0) {
		fprintf(stderr, "tldwatch: cannot resume from the ledger: ");
		tw_error_print(&err, stderr);
		return -1;
	}
	tw_tracker_free(w->tracker);
	tw_history_free(w->history);
	w->tracker = doc.tracker;
	w->history = doc.history;
	doc.tracker = NULL;
	doc.history = NULL;
	if (doc.events != NULL) {
		/* Taken over whole: the ring's events move, nothing is copied. */
		w->recent = *doc.events;
		free(doc.events);
		doc.events = NULL;
	}
	tw_statefile_doc_clear(&doc);
	return 0;
}

static void
watcher_free(struct watcher *w)
{
	tw_http_free(w->http);
	tw_loop_timer_free(w->next);
	tw_loop_timer_free(w->grace);
	tw_engine_free(w->eng);
	tw_loop_free(w->loop);
	tw_eventlog_close(w->eventlog);
	tw_event_ring_clear(&w->recent);
	while (w->n_pending > 0)
		pending_free(&w->pending[--w->n_pending]);
	tw_ledger_close(w->ledger);
	tw_identmemo_free(w->identmemo);
	tw_region_free(w->region);
	tw_tracker_free(w->tracker);
	tw_history_free(w->history);
	tw_config_free(w->cfg);
}

int
tw_watch_run(const struct tw_watch_opts *opts)
{
	struct tw_engine_opts eo;
	struct tw_error terr;
	struct watcher w;
	int rc = 3;

	memset(&w, 0, sizeof(w));
	w.opts = *opts;
	w.started = tw_clock_wall();
	w.started_mono = tw_clock_mono_ms();
	w.last_round_seconds = -1;
	signal(SIGPIPE, SIG_IGN);
	if ((w.cfg = load_config(&w)) == NULL)
		return 3;
	memset(&terr, 0, sizeof(terr));
	if ((w.eventlog = tw_eventlog_open(opts->events_path, &terr)) == NULL) {
		fprintf(stderr, "tldwatch: events: ");
		tw_error_print(&terr, stderr);
		goto out;
	}
	w.tracker = tw_tracker_new();
	w.history = tw_history_new(w.cfg->watch.window);
	if (w.tracker == NULL || w.history == NULL) {
		fprintf(stderr, "tldwatch: out of memory\n");
		goto out;
	}
	if (restore_state(&w) != 0)
		goto out;
	memset(&eo, 0, sizeof(eo));
	eo.timeout_ms = w.cfg->probe.timeout_ms;
	eo.attempts = w.cfg->probe.attempts;
	eo.loopback_only = opts->loopback_only;
	if ((w.loop = tw_loop_new()) == NULL || (w.eng = tw_engine_new(w.loop, &eo)) == NULL ||
	    (w.identmemo = tw_identmemo_new()) == NULL || (w.region = tw_region_new(0)) == NULL)
		goto out;
	w.next = tw_loop_timer_new(w.loop, start_round, &w);
	w.grace = tw_loop_timer_new(w.loop, on_grace, &w);
	if (w.next == NULL || w.grace == NULL ||
	    tw_loop_on_signal(w.loop, SIGTERM, on_signal, &w) != 0 ||
	    tw_loop_on_signal(w.loop, SIGINT, on_signal, &w) != 0 ||
	    tw_loop_on_signal(w.loop, SIGHUP, on_signal, &w) != 0) {
		fprintf(stderr, "tldwatch: cannot set up the event loop\n");
		goto out;
	}
	memset(&terr, 0, sizeof(terr));
	if (opts->listen != NULL &&
	    (w.http = tw_http_start(w.loop, opts->listen, serve, &w, &terr)) == NULL) {
		fprintf(stderr, "tldwatch: ");
		tw_error_print(&terr, stderr);
		goto out;
	}
	tw_loop_timer_arm(w.next, 0);
	if (tw_loop_run(w.loop) != 0) {
		fprintf(stderr, "tldwatch: the event loop failed\n");
		goto out;
	}
	rc = 0;
out:
	watcher_free(&w);
	return rc;
}
