/*
 * view_fixture.h -- a hand-built watcher view for the renderer tests and
 * tests/unit/render_sample.c: the December 2014 story in 12 rounds (window
 * 10), pushed through the real tw_history_add, plus optional hostile names.
 */
#ifndef TLDWATCH_VIEW_FIXTURE_H
#define TLDWATCH_VIEW_FIXTURE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tldwatch/history.h"
#include "tldwatch/statefile.h"
#include "tldwatch/view.h"

#define FX_T0 1419000000.0      /* 2014-12-19T14:40:00Z */
#define FX_INTERVAL 60.0
#define FX_ROUNDS 12
#define FX_WINDOW 10

/* The hostile strings: markup, quotes, a control character, bytes that are not UTF-8. */
#define FX_EVIL_ZONE "<script>alert(\"z\")</script>"
#define FX_EVIL_SERVER "ns\"<b>'&\xff\xfe.evil"
#define FX_EVIL_DIAG "<script>alert('d')</script> \x1b[31m \xc3\x28 & \"q\""
#define FX_EVIL_HOST "line\nbreak\\host"

static inline double
fx_round_time(unsigned round)
{
	return FX_T0 + (double)(round - 1) * FX_INTERVAL;
}

static inline void *
fx_alloc(size_t n, size_t size)
{
	void *p = calloc(n > 0 ? n : 1, size);

	if (p == NULL)
		abort();
	return p;
}

static inline char *
fx_strdup(const char *s)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		abort();
	return d;
}

static inline void
fx_server(struct tw_server_result *s, enum tw_role role, const char *served, const char *name,
    const char *address, enum tw_transport tr, enum tw_outcome o, unsigned sent,
    unsigned answered, double rtt_ms)
{
	memset(s, 0, sizeof(*s));
	s->role = role;
	s->zone = fx_strdup(served);
	s->name = fx_strdup(name);
	snprintf(s->address, sizeof(s->address), "%s", address);
	s->port = 10053;
	s->transport = tr;
	s->outcome = o;
	s->sent = sent;
	s->answered = answered;
	s->rtt_ms = rtt_ms;
}

static inline void
fx_host(struct tw_host_result *h, const char *name, bool key, bool resolved, enum tw_outcome o)
{
	memset(h, 0, sizeof(*h));
	h->name = fx_strdup(name);
	h->key = key;
	h->resolved = resolved;
	h->outcome = o;
}

/* What each row came to in round ${r} (1-based) of the story. */
static inline struct tw_check_result *
fx_round(unsigned r, bool hostile)
{
	struct tw_check_result *res = fx_alloc(1, sizeof(*res));
	struct tw_zone_result *z;
	bool dark = r >= 7 && r <= 10;          /* the outage */
	bool back = r >= 11;                     /* kcna and rodong first */
	enum tw_outcome to = TW_OUTCOME_TIMEOUT, ok = TW_OUTCOME_ANSWER;

	res->n_roots = 2;
	res->roots = fx_alloc(2, sizeof(*res->roots));
	fx_server(&res->roots[0], TW_ROLE_ROOT, "", "a.root-servers.net", "127.41.0.4",
	    TW_TRANSPORT_UDP, TW_OUTCOME_REFERRAL, 1, 1, 0.2 + 0.01 * r);
	fx_server(&res->roots[1], TW_ROLE_ROOT, "", "b.root-servers.net", "127.247.170.2",
	    TW_TRANSPORT_UDP, r == 9 ? to : TW_OUTCOME_REFERRAL, 1, r == 9 ? 0 : 1,
	    r == 9 ? -1 : 0.3);
	res->n_zones = hostile ? 2 : 1;
	res->zones = fx_alloc(res->n_zones, sizeof(*res->zones));

	z = &res->zones[0];
	z->name = fx_strdup("kp");
	z->label = fx_strdup("North Korea (lab)");
	z->n_servers = 4;
	z->servers = fx_alloc(4, sizeof(*z->servers));
	fx_server(&z->servers[0], TW_ROLE_ZONE, "kp", "ns1.kptc.kp", "127.45.176.15",
	    TW_TRANSPORT_UDP, dark ? to : ok, 3, dark ? 0 : 3, dark ? -1 : 1.0 + r);
	fx_server(&z->servers[1], TW_ROLE_ZONE, "kp", "ns2.kptc.kp", "127.45.176.16",
	    TW_TRANSPORT_UDP, dark || r == 12 ? to : r == 11 ? TW_OUTCOME_REFUSED : ok, 3,
	    dark || r == 12 ? 0 : r == 5 ? 2 : 3, dark || r == 12 ? -1 : 2.5);
	fx_server(&z->servers[2], TW_ROLE_ZONE, "kp", "ns1.kptc.kp", "127.45.176.15",
	    TW_TRANSPORT_TCP, dark ? TW_OUTCOME_UNREACHABLE : ok, 1, dark ? 0 : 1,
	    dark ? -1 : 4.0);
	fx_server(&z->servers[3], TW_ROLE_CHILD, "kcna.kp", NULL, "127.45.176.20",
	    TW_TRANSPORT_UDP, dark ? to : ok, 2, dark ? 0 : 2, dark ? -1 : 0.8);
	/* ns1.kptc.kp tells who it is while it answers: its NSID changes in round 11 */
	if (!dark) {
		z->servers[0].nsid = fx_strdup(r >= 11 ? "ns1-b" : "ns1-a");
		z->servers[0].identity = fx_strdup("ns1.kptc.kp");
	}
	z->n_hosts = 3;
	z->hosts = fx_alloc(3, sizeof(*z->hosts));
	fx_host(&z->hosts[0], "kcna.kp", true, !dark, dark ? to : ok);
	fx_host(&z->hosts[1], "rodong.rep.kp", true, !dark, dark ? to : ok);
	fx_host(&z->hosts[2], "naenara.com.kp", false, !dark && !back,
	    r == 12 ? TW_OUTCOME_SERVFAIL : dark || back ? to : ok);

	if (hostile) {
		z = &res->zones[1];
		z->name = fx_strdup(FX_EVIL_ZONE);
		z->label = fx_strdup("<i>evil</i>");
		z->n_servers = 1;
		z->servers = fx_alloc(1, sizeof(*z->servers));
		fx_server(&z->servers[0], TW_ROLE_ZONE, FX_EVIL_ZONE, FX_EVIL_SERVER,
		    "127.66.6.6", TW_TRANSPORT_UDP, TW_OUTCOME_MALFORMED, 1, 1, 9.0);
		z->servers[0].nsid = fx_strdup(FX_EVIL_DIAG);
		z->servers[0].identity = fx_strdup(FX_EVIL_HOST);
		z->n_hosts = 1;
		z->hosts = fx_alloc(1, sizeof(*z->hosts));
		fx_host(&z->hosts[0], FX_EVIL_HOST, true, false, TW_OUTCOME_LAME);
	}
	return res;
}


/* One event of the story. */
static inline void
fx_event(struct tw_event *ev, double t, const char *zone, const char *kind, enum tw_state from,
    enum tw_state to, const char *diag, double outage_start, double outage_seconds)
{
	memset(ev, 0, sizeof(*ev));
	ev->time = t;
	ev->zone = fx_strdup(zone);
	if (tw_event_kind_from_str(kind, &ev->kind) != 0)
		abort();
	ev->from = from;
	ev->to = to;
	ev->diagnosis = fx_strdup(diag);
	ev->outage_start = outage_start;
	ev->has_outage_seconds = outage_seconds >= 0;
	ev->outage_seconds = outage_seconds >= 0 ? outage_seconds : 0;
}

/* The events of the story, oldest first, as the event log keeps them (4 of them). */
#define FX_N_EVENTS 4
static inline struct tw_event *
fx_events(void)
{
	struct tw_event *ev = fx_alloc(FX_N_EVENTS, sizeof(*ev));

	fx_event(&ev[0], FX_T0 + 240, "kp", "degraded", TW_STATE_UP, TW_STATE_DEGRADED,
	    "1/2 authoritative servers answer", 0, -1);
	fx_event(&ev[1], FX_T0 + 420, "kp", "outage", TW_STATE_DEGRADED, TW_STATE_DOWN,
	    "no authoritative server answers", FX_T0 + 360, -1);
	fx_event(&ev[2], FX_T0 + 660, "kp", "partial_restoration", TW_STATE_DOWN,
	    TW_STATE_PARTIAL, "kcna.kp and rodong.rep.kp resolve; naenara.com.kp does not",
	    FX_T0 + 360, 34260.5);
	fx_event(&ev[3], FX_T0 + 660, "<script>alert(\"z\")</script>", "unknown", TW_STATE_UP,
	    TW_STATE_UNKNOWN, "<script>alert('e')</script> & \"quoted\"", 0, -1);
	return ev;
}

static inline void
fx_zone(struct tw_zone_track *z, const char *name, enum tw_state st, double since,
    const char *diag)
{
	memset(z, 0, sizeof(*z));
	z->name = fx_strdup(name);
	z->started = true;
	z->published = st;
	z->published_since = since;
	z->last_raw = st;
	z->diagnosis = fx_strdup(diag);
}

/* Fill ${doc} (free with tw_statefile_doc_clear): the story, and hostile rows when asked. */
static inline void
fx_doc(struct tw_state_doc *doc, bool hostile)
{
	struct tw_check_result *r;
	struct tw_zone_track *z;
	struct tw_event *ev;
	unsigned i;

	memset(doc, 0, sizeof(*doc));
	doc->written = fx_round_time(FX_ROUNDS) + 1.5;
	doc->interval_ms = (uint32_t)(FX_INTERVAL * 1000);
	if ((doc->history = tw_history_new(FX_WINDOW)) == NULL)
		abort();
	for (i = 1; i <= FX_ROUNDS; i++) {
		r = fx_round(i, hostile);
		if (tw_history_add(doc->history, r, i) != 0)
			abort();
		tw_result_free(r);
	}
	doc->tracker = fx_alloc(1, sizeof(*doc->tracker));
	doc->tracker->n_zones = hostile ? 2 : 1;
	doc->tracker->zones = fx_alloc(doc->tracker->n_zones, sizeof(*doc->tracker->zones));
	doc->tracker->rounds = FX_ROUNDS;
	doc->tracker->last_round = fx_round_time(FX_ROUNDS);
	z = &doc->tracker->zones[0];
	fx_zone(z, "kp", TW_STATE_PARTIAL, fx_round_time(11),
	    "kcna.kp and rodong.rep.kp resolve; naenara.com.kp does not");
	z->in_outage = true;
	z->outage_start = fx_round_time(7);
	z->outage_state = TW_STATE_PARTIAL;
	if (hostile) {
		z = &doc->tracker->zones[1];
		fx_zone(z, FX_EVIL_ZONE, TW_STATE_UNKNOWN, fx_round_time(11), FX_EVIL_DIAG);
		z->flapping = true;
	}
	doc->events = fx_alloc(1, sizeof(*doc->events));
	ev = fx_events();
	for (i = 0; i < FX_N_EVENTS; i++)
		if (tw_event_ring_push(doc->events, &ev[i]) != 0)
			abort();
	tw_event_array_free(ev, FX_N_EVENTS);
}

/*
 * The configuration the fixture's watcher runs: where the views find zone
 * labels and key hosts.  Static, built on first use.
 */
static inline const struct tw_config *
fx_config(void)
{
	static char kp[] = "kp", kp_label[] = "North Korea (lab)", kcna[] = "kcna.kp",
	    rodong[] = "rodong.rep.kp", naenara[] = "naenara.com.kp", evil[] = FX_EVIL_ZONE,
	    evil_label[] = "<i>evil</i>", evil_host[] = FX_EVIL_HOST, source[] = "fixture";
	static struct tw_host_cfg kp_hosts[3], evil_hosts[1];
	static struct tw_zone_cfg zones[2];
	static struct tw_config cfg;

	if (cfg.source == NULL) {
		kp_hosts[0] = (struct tw_host_cfg){ kcna, NULL, TW_RR_A, true };
		kp_hosts[1] = (struct tw_host_cfg){ rodong, NULL, TW_RR_A, true };
		kp_hosts[2] = (struct tw_host_cfg){ naenara, NULL, TW_RR_A, false };
		evil_hosts[0] = (struct tw_host_cfg){ evil_host, NULL, TW_RR_A, true };
		zones[0] = (struct tw_zone_cfg){ kp, kp_label, NULL, 0, kp_hosts, 3 };
		zones[1] = (struct tw_zone_cfg){ evil, evil_label, NULL, 0, evil_hosts, 1 };
		cfg.source = source;
		cfg.zones = zones;
		cfg.n_zones = 2;
	}
	return &cfg;
}

static inline void
fx_view(struct tw_view *v, const struct tw_state_doc *doc)
{
	static struct tw_view index;

	/* The index lives as long as the static config it points into. */
	if (index.cfg == NULL) {
		index.cfg = fx_config();
		if (tw_view_index(&index) != 0)
			abort();
	}
	memset(v, 0, sizeof(*v));
	v->doc = doc;
	v->cfg = index.cfg;
	v->zones_by_name = index.zones_by_name;
	v->n_zones_by_name = index.n_zones_by_name;
	v->now = fx_round_time(FX_ROUNDS) + 30.25;
	v->started = FX_T0 - 0.5;
	v->last_round_start = fx_round_time(FX_ROUNDS);
	v->last_round_seconds = 1.75;
	v->rounds_total = FX_ROUNDS;
	v->events_total[TW_EVENT_DEGRADED] = 1;
	v->events_total[TW_EVENT_OUTAGE] = 1;
	v->events_total[TW_EVENT_PARTIAL_RESTORATION] = 1;
	v->state_write_errors_total = 0;
}

#endif
