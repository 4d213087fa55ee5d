/*
 * ledger_fixture.h -- a watcher in miniature for the ledger tests: rounds of
 * zone kp (two servers, three key hosts) through the real tracker into a
 * real ledger, and the December 2014 story as a table of rounds a minute
 * apart from T0.  Include after <cmocka.h>.
 */
#ifndef TLDWATCH_LEDGER_FIXTURE_H
#define TLDWATCH_LEDGER_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tldwatch/ledger.h"

#define T0 1419000000.0         /* 2014-12-19T14:40:00Z */
#define IVAL 60.0

static const char *const host_names[] = { "kcna.kp", "rodong.rep.kp", "naenara.com.kp" };

/* A round of zone kp: its own state, and per host R (resolved) or D. */
static inline struct tw_check_result *
mk_round(char raw, const char *hosts, double rtt)
{
	struct tw_check_result *r = calloc(1, sizeof(*r));
	struct tw_zone_result *z;
	size_t i;

	assert_non_null(r);
	r->n_roots = 1;
	r->roots = calloc(1, sizeof(*r->roots));
	r->roots[0].role = TW_ROLE_ROOT;
	r->roots[0].zone = strdup("");
	r->roots[0].name = strdup("a.root-servers.net");
	snprintf(r->roots[0].address, sizeof(r->roots[0].address), "127.41.0.4");
	r->roots[0].port = 10053;
	r->roots[0].outcome = TW_OUTCOME_REFERRAL;
	r->roots[0].sent = r->roots[0].answered = 1;
	r->roots[0].rtt_ms = 0.5;
	r->n_zones = 1;
	r->zones = z = calloc(1, sizeof(*z));
	z->name = strdup("kp");
	z->label = strdup("North Korea");
	z->state = raw == 'u' ? TW_STATE_UP : raw == 'p' ? TW_STATE_PARTIAL :
	    raw == 'D' ? TW_STATE_DOWN : raw == 'g' ? TW_STATE_DEGRADED : TW_STATE_UNKNOWN;
	z->diagnosis = strdup(raw == 'D' ? "both kp servers silent" : "fine enough");
	z->n_servers = 2;
	z->servers = calloc(2, sizeof(*z->servers));
	for (i = 0; i < 2; i++) {
		struct tw_server_result *s = &z->servers[i];

		s->role = TW_ROLE_ZONE;
		s->zone = strdup("kp");
		s->name = strdup(i == 0 ? "ns1.kptc.kp" : "ns2.kptc.kp");
		snprintf(s->address, sizeof(s->address), "127.45.176.%u", 15 + (unsigned)i);
		s->port = 10053;
		s->pinned = true;
		s->outcome = raw == 'D' ? TW_OUTCOME_TIMEOUT : TW_OUTCOME_ANSWER;
		s->sent = 2;
		s->answered = raw == 'D' ? 0 : 2;
		s->rtt_ms = raw == 'D' ? -1 : rtt + (double)i;
		s->has_serial = raw != 'D';
		s->serial = 2014122201;
	}
	z->n_hosts = 3;
	z->hosts = calloc(3, sizeof(*z->hosts));
	for (i = 0; i < 3; i++) {
		struct tw_host_result *h = &z->hosts[i];

		h->name = strdup(host_names[i]);
		h->key = true;
		h->type = 1;
		h->resolved = hosts[i] == 'R';
		h->outcome = h->resolved ? TW_OUTCOME_ANSWER : TW_OUTCOME_TIMEOUT;
		if (h->resolved) {
			h->n_addresses = 1;
			h->addresses = calloc(1, sizeof(char *));
			h->addresses[0] = strdup("127.45.176.71");
		}
	}
	return r;
}

/* The watcher's steps for one round: verdict (given), tracker, ledger. */
struct watcher {
	struct tw_tracker *t;
	struct tw_ledger *l;
	struct tw_watch_cfg cfg;
	uint64_t round;
	struct tw_onset onset;        /* given to each outage that begins, as the watcher would */
};

/* One round started at ${now}, ${seconds} long, the watcher at ${interval_ms}. */
static inline void
step_at(struct watcher *w, char raw, const char *hosts, double now, double seconds,
    uint32_t interval_ms)
{
	struct tw_check_result *r = mk_round(raw, hosts, 1.0 + (double)(w->round % 7));
	struct tw_event *ev = NULL;
	struct tw_ledger_round lr;
	struct tw_ledger_zone *zones;
	struct tw_error err;
	size_t n_ev = 0, n_zones, i;

	assert_int_equal(tw_tracker_update(w->t, &w->cfg, r, now, &ev, &n_ev), 0);
	for (i = 0; i < n_ev; i++)
		if (ev[i].begins_outage && w->onset.shape != TW_ONSET_NONE) {
			ev[i].onset = w->onset;
			tw_tracker_find(w->t, ev[i].zone)->onset = w->onset;
		}
	memset(&lr, 0, sizeof(lr));
	lr.number = w->t->rounds;
	lr.start = now;
	lr.seconds = seconds;
	lr.interval_ms = interval_ms;
	lr.flap_window = w->cfg.flap_window;
	lr.window = w->cfg.window;
	lr.result = r;
	assert_int_equal(tw_ledger_zones_of(w->t, &zones, &n_zones), 0);
	lr.zones = zones;
	lr.n_zones = n_zones;
	lr.tracker = w->t;
	lr.events = ev;
	lr.n_events = n_ev;
	memset(&err, 0, sizeof(err));
	if (tw_ledger_commit(w->l, &lr, &err) != 0)
		fail_msg("commit: %s", err.msg);
	tw_event_array_free(ev, n_ev);
	tw_ledger_zones_free(zones, n_zones);
	tw_result_free(r);
	w->round++;
}

static inline void
step(struct watcher *w, char raw, const char *hosts)
{
	step_at(w, raw, hosts, T0 + IVAL * (double)w->round, 0.01, (uint32_t)(IVAL * 1000));
}

static inline void
watcher_open(struct watcher *w, const char *path)
{
	struct tw_error err;

	memset(w, 0, sizeof(*w));
	w->cfg = (struct tw_watch_cfg){ 60000, 2, 2, 4, 10, 5, 60, 3, 900000, 3600000 };
	memset(&err, 0, sizeof(err));
	if (tw_ledger_open(path, true, &w->l, &err) != TW_LEDGER_OK)
		fail_msg("open: %s", err.msg);
	assert_non_null(w->t = tw_tracker_new());
}

/* December 2014: healthy, flapping, dark, the news first, back. */
static inline void
play_2014(struct watcher *w)
{
	static const char *const story[] = {
		"uRRR", "uRRR", "uRRR", "uRRR",
		"DDDD", "uRRR", "DDDD", "uRRR", "DDDD", "uRRR", "uRRR", "uRRR",   /* flapping */
		"DDDD", "DDDD", "DDDD", "DDDD", "DDDD", "DDDD", "DDDD", "DDDD",   /* dark */
		"pRRD", "pRRD", "pRRD",                                           /* news back */
		"uRRR", "uRRR", "uRRR", "uRRR",
	};
	size_t i;

	for (i = 0; i < sizeof(story) / sizeof(story[0]); i++)
		step(w, story[i][0], story[i] + 1);
}

#endif
