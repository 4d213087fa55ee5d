/*
 * watch.c -- the watcher's life: rounds on a schedule, events, state on disk.
 *
 * Everything runs on one event loop (loop.h): the next round is a timer,
 * a round's end is a callback, signals arrive as callbacks.  Nothing here
 * blocks except the state file write after a round.
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
#include "tldwatch/http.h"
#include "tldwatch/loop.h"
#include "tldwatch/metrics.h"
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
	struct tw_check_result *last;  /* the latest round, judged */
	uint64_t rounds_here;          /* rounds completed by this process */
	double started;                /* wall clock, process start */
	double started_mono;           /* monotonic ms at the same moment */
	double last_round_seconds;     /* duration of the latest round; < 0 none */
	double last_round_start;       /* wall clock; 0 none */
	uint64_t events_total[TW_EVENT_KIND_COUNT];
	uint64_t state_write_errors;
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
	doc->last = w->last;
}

static void
save_state(struct watcher *w)
{
	struct tw_state_doc doc;
	struct tw_error err;
	char msg[sizeof(w->save_error)];

	if (w->opts.state_path == NULL)
		return;
	fill_doc(w, &doc);
	memset(&err, 0, sizeof(err));
	if (tw_statefile_save(w->opts.state_path, &doc, &err) != 0) {
		w->state_write_errors++;
		snprintf(msg, sizeof(msg), "%s%s%s", err.file, err.file[0] ? ": " : "", err.msg);
		/* Say it once, not every round; the watcher goes on either way. */
		if (strcmp(msg, w->save_error) != 0)
			fprintf(stderr, "tldwatch: cannot write the state file: %s (will retry "
			    "after every round)\n", msg);
		snprintf(w->save_error, sizeof(w->save_error), "%s", msg);
	} else if (w->save_error[0] != '\0') {
		fprintf(stderr, "tldwatch: the state file is written again: %s\n",
		    w->opts.state_path);
		w->save_error[0] = '\0';
	}
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

/* The HTTP endpoint: every page is rendered from the live state on request. */
static int
serve(void *cookie, const char *path, FILE *fp, const char **type)
{
	struct watcher *w = cookie;
	struct tw_status_opts so;
	struct tw_state_doc doc;
	struct tw_view view;
	int status = 200;

	fill_doc(w, &doc);
	memset(&view, 0, sizeof(view));
	view.doc = &doc;
	view.cfg = w->cfg;
	view.now = doc.written;
	view.started = w->started;
	view.last_round_start = w->last_round_start;
	view.last_round_seconds = w->last_round_seconds;
	view.rounds_total = w->rounds_here;
	memcpy(view.events_total, w->events_total, sizeof(view.events_total));
	view.state_write_errors_total = w->state_write_errors;
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
	} else {
		status = 404;
		fprintf(fp, "not found: try /, /metrics, /status.json or /events\n");
	}
	tw_view_clear(&view);
	return status;
}

/* One finished round: judge it, track it, report its events, keep it (takes ${r}). */
static void
process(struct watcher *w, struct tw_check_result *r)
{
	struct tw_event *ev = NULL;
	size_t n_ev = 0, i;

	tw_verdict_apply(r);
	if (tw_tracker_update(w->tracker, &w->cfg->watch, r, w->round_wall, &ev, &n_ev) != 0) {
		fprintf(stderr, "tldwatch: out of memory tracking a round; round skipped\n");
		tw_result_free(r);
		return;
	}
	if (n_ev > 0 && tw_eventlog_write(w->eventlog, ev, n_ev) != 0)
		fprintf(stderr, "tldwatch: cannot write events: %s\n", strerror(errno));
	for (i = 0; i < n_ev; i++)
		if (tw_event_ring_push(&w->recent, &ev[i]) != 0)
			fprintf(stderr, "tldwatch: out of memory keeping an event\n");
	count_events(w, ev, n_ev);
	w->last_round_start = w->round_wall;
	w->last_round_seconds = r->elapsed_ms / 1000.0;
	tw_event_array_free(ev, n_ev);
	if (tw_history_add(w->history, r, w->tracker->rounds) != 0)
		fprintf(stderr, "tldwatch: out of memory recording history\n");
	tw_result_free(w->last);
	w->last = r;
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
}

static void
stop_now(struct watcher *w)
{
	tw_loop_timer_cancel(w->next);
	tw_loop_timer_cancel(w->grace);
	save_state(w);
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
	save_state(w);
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

	ro.deadline_ms = w->opts.deadline_ms;
	ro.loopback_only = w->opts.loopback_only;
	w->round_wall = steady_wall(w);
	w->round_mono = tw_clock_mono_ms();
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

/* Read the state file back, or set a bad one aside.  -1: cannot start. */
static int
restore_state(struct watcher *w)
{
	struct tw_state_doc doc;
	struct tw_error err;
	char aside[4096];

	if (w->opts.state_path == NULL)
		return 0;
	tw_statefile_clean_stale(w->opts.state_path);
	memset(&err, 0, sizeof(err));
	switch (tw_statefile_load(w->opts.state_path, &doc, &err)) {
	case TW_STATEFILE_OK:
		tw_tracker_free(w->tracker);
		tw_history_free(w->history);
		w->tracker = doc.tracker;
		w->history = doc.history;
		doc.tracker = NULL;
		doc.history = NULL;
		if (tw_history_set_window(w->history, w->cfg->watch.window) != 0)
			fprintf(stderr, "tldwatch: out of memory resizing the history\n");
		if (doc.events != NULL) {
			/* Taken over whole: the ring's events move, nothing is copied. */
			w->recent = *doc.events;
			free(doc.events);
			doc.events = NULL;
		}
		tw_statefile_doc_clear(&doc);
		return 0;
	case TW_STATEFILE_MISSING:
		tw_statefile_doc_clear(&doc);
		return 0;
	case TW_STATEFILE_BAD:
		break;
	}
	tw_statefile_doc_clear(&doc);
	fprintf(stderr, "tldwatch: the state file is unusable: ");
	tw_error_print(&err, stderr);
	if (tw_statefile_set_aside(w->opts.state_path, aside, sizeof(aside)) != 0) {
		fprintf(stderr, "tldwatch: cannot set %s aside (%s); refusing to overwrite it\n",
		    w->opts.state_path, strerror(errno));
		return -1;
	}
	fprintf(stderr, "tldwatch: set it aside as %s; starting afresh\n", aside);
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
	tw_tracker_free(w->tracker);
	tw_history_free(w->history);
	tw_config_free(w->cfg);
	tw_result_free(w->last);
}

int
tw_watch_run(const struct tw_watch_opts *opts)
{
	struct tw_engine_opts eo;
	struct tw_error terr;
	struct watcher w;
	char err[512];
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
	if ((w.loop = tw_loop_new()) == NULL || (w.eng = tw_engine_new(w.loop, &eo)) == NULL)
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
	if (opts->listen != NULL &&
	    (w.http = tw_http_start(w.loop, opts->listen, serve, &w, err, sizeof(err))) == NULL) {
		fprintf(stderr, "tldwatch: %s\n", err);
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
