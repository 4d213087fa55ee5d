/*
 * test_statefile.c -- reading the JSON state file of tldwatch before the
 * ledger (the ledger imports it; status reads one not yet imported): exact
 * round trips of random-ish states written in that layout (v1_save below,
 * the writer's layout kept as a fixture), a table of damaged documents and
 * every truncation of a good one (all BAD, with a reason), symlinks
 * refused, unreadable files, fields of a newer writer ignored.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <grp.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "tldwatch/clock.h"
#include "tldwatch/statefile.h"


/* A fresh directory per test. */
struct fx {
	char dir[64];
	char path[128];
};

static void
rm_rf(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s' 2>/dev/null; rm -rf '%s'", dir, dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/tw_statefile.XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/state.json", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	rm_rf(f->dir);
	free(f);
	return 0;
}

/* Deterministic random numbers (xorshift64*). */
static uint64_t rng_state;

static uint64_t
rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static unsigned
rndn(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static const char *const strings[] = {
	"kp", "rep.kp", "com.kp", "", "ns1.kptc.kp", "with \"quotes\" and \\slash",
	"tab\tnew\nline", "평양 (Pyongyang)", "emoji \xf0\x9f\x93\xa1", "ctl \x01\x1f",
	"all authoritative servers silent (2/2 timeout); roots answer",
};
#define N_STRINGS (sizeof(strings) / sizeof(strings[0]))

static char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	assert_non_null(d);
	return d;
}

static const char *
rnd_str(void)
{
	return strings[rndn(N_STRINGS)];
}

static double
rnd_time(void)
{
	static const double specials[] = { 0.0, -0.0, 1.0, 1e-300, DBL_MAX, -1.5,
		1795767302.123456789, 4.9e-324 };

	if (rndn(4) == 0)
		return specials[rndn(sizeof(specials) / sizeof(specials[0]))];
	/* Random bits of a fraction of a plausible Unix time. */
	return 1.7e9 + (double)(rnd() >> 11) / (double)(1ULL << 53) * 1e8;
}

static float
rnd_rtt(void)
{
	static const float specials[] = { -1.0f, 0.0f, FLT_MAX, 1e-30f, 0.1f, 65535.5f, -0.0f };
	uint32_t bits;
	float f;

	if (rndn(3) == 0)
		return specials[rndn(sizeof(specials) / sizeof(specials[0]))];
	/* Any finite non-negative float. */
	do {
		bits = (uint32_t)rnd() & 0x7fffffffu;
		memcpy(&f, &bits, sizeof(f));
	} while (!isfinite(f));
	return f;
}

static enum tw_state
rnd_state(void)
{
	return (enum tw_state)rndn(TW_STATE_COUNT);
}

static struct tw_tracker *
rnd_tracker(void)
{
	struct tw_tracker *t = tw_tracker_new();
	struct tw_zone_track *z;
	size_t i;
	unsigned j;

	assert_non_null(t);
	t->rounds = rnd() >> 2;
	t->last_round = rnd_time();
	t->n_zones = rndn(5);
	if (t->n_zones > 0) {
		t->zones = calloc(t->n_zones, sizeof(*t->zones));
		assert_non_null(t->zones);
	}
	for (i = 0; i < t->n_zones; i++) {
		z = &t->zones[i];
		z->name = xstrdup(rnd_str());
		z->started = rndn(2);
		z->published = rnd_state();
		z->published_since = rnd_time();
		z->last_raw = rnd_state();
		z->diagnosis = rndn(3) == 0 ? NULL : xstrdup(rnd_str());
		z->worse_count = (unsigned)rnd();
		z->worse_best = rnd_state();
		z->better_count = rndn(5);
		z->better_worst = rnd_state();
		z->ring_len = i == 0 ? TW_FLAP_WINDOW_MAX : rndn(TW_FLAP_WINDOW_MAX + 1);
		for (j = 0; j < z->ring_len; j++)
			z->ring[j] = rnd_state();
		z->flapping = rndn(2);
		z->calm_rounds = (unsigned)rnd();
		z->run_since = rnd_time();
		z->bad_since = rnd_time();
		z->good_since = rnd_time();
		z->in_outage = rndn(2);
		z->outage_start = rnd_time();
		z->outage_state = rnd_state();
	}
	return t;
}

static void
rnd_ring(struct tw_ring *ring, unsigned window)
{
	struct tw_sample *smp;
	unsigned i;

	ring->s = calloc(window, sizeof(*ring->s));
	assert_non_null(ring->s);
	ring->len = rndn(3) == 0 ? window : rndn(window + 1);
	/* A full ring may have wrapped: its oldest sample is anywhere. */
	ring->head = ring->len == window ? rndn(window) : 0;
	for (i = 0; i < ring->len; i++) {
		smp = &ring->s[i];
		smp->round = rnd() >> 1;
		smp->sent = (uint16_t)rnd();
		smp->answered = smp->sent > 0 ? (uint16_t)(rnd() % ((unsigned)smp->sent + 1)) : 0;
		smp->rtt_ms = rnd_rtt();
		smp->outcome = (uint8_t)rndn(TW_OUTCOME_COUNT);
	}
}

static struct tw_history *
rnd_history(void)
{
	struct tw_history *h = tw_history_new(1 + rndn(40));
	struct tw_server_history *s;
	struct tw_host_history *hh;
	size_t i;

	assert_non_null(h);
	h->n_servers = rndn(12);
	h->n_hosts = rndn(6);
	if (h->n_servers > 0)
		assert_non_null(h->servers = calloc(h->n_servers, sizeof(*h->servers)));
	if (h->n_hosts > 0)
		assert_non_null(h->hosts = calloc(h->n_hosts, sizeof(*h->hosts)));
	for (i = 0; i < h->n_servers; i++) {
		s = &h->servers[i];
		s->zone = xstrdup(rnd_str());
		s->served = xstrdup(rnd_str());
		s->name = rndn(4) == 0 ? NULL : xstrdup(rnd_str());
		snprintf(s->address, sizeof(s->address), "%s", rndn(2) ?
		    "127.45.176.15" : "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255");
		s->port = (uint16_t)rnd();
		s->transport = (enum tw_transport)rndn(TW_TRANSPORT_COUNT);
		s->role = (enum tw_role)rndn(3);
		s->last_round = rnd() >> 1;
		rnd_ring(&s->ring, h->window);
	}
	for (i = 0; i < h->n_hosts; i++) {
		hh = &h->hosts[i];
		hh->zone = xstrdup(rnd_str());
		hh->name = xstrdup(rnd_str());
		hh->last_round = rnd() >> 1;
		rnd_ring(&hh->ring, h->window);
	}
	return h;
}

/* Random events, each at times the state keeps exactly (multiples of 1/8 s). */
static struct tw_event_ring *
rnd_events(void)
{
	struct tw_event_ring *ring = calloc(1, sizeof(*ring));
	struct tw_event ev;
	unsigned i, n = rndn(4) == 0 ? TW_EVENT_RING_SIZE + rndn(20) : rndn(5);

	assert_non_null(ring);
	for (i = 0; i < n; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.time = 1795767302.25 + (double)rndn(100000) / 8.0;
		ev.zone = (char *)(uintptr_t)rnd_str();   /* the ring copies */
		ev.kind = (enum tw_event_kind)rndn(TW_EVENT_KIND_COUNT);
		ev.from = rnd_state();
		ev.to = rnd_state();
		ev.diagnosis = rndn(3) == 0 ? NULL : (char *)(uintptr_t)rnd_str();
		if (rndn(2) == 0) {
			ev.has_outage_seconds = true;
			ev.outage_seconds = (double)rndn(1000000) / 8.0;
		}
		if (rndn(2) == 0)
			ev.outage_start = 1795000000.0 + (double)rndn(100000) / 8.0;
		assert_int_equal(tw_event_ring_push(ring, &ev), 0);
	}
	return ring;
}

static void
ring_free(struct tw_event_ring *ring)
{
	if (ring != NULL)
		tw_event_ring_clear(ring);
	free(ring);
}

static void
rnd_doc(struct tw_state_doc *doc)
{
	memset(doc, 0, sizeof(*doc));
	doc->written = 1.7e9 + (double)(rnd() >> 11) / (double)(1ULL << 53) * 1e8;
	doc->interval_ms = rndn(3) == 0 ? UINT32_MAX : (uint32_t)rnd();
	doc->tracker = rnd_tracker();
	doc->history = rnd_history();
	doc->events = rndn(4) == 0 ? NULL : rnd_events();
}

/*
 * The state file as tldwatch wrote it before the ledger (format
 * "tldwatch-state", version 1), kept here as the fixture the reader is
 * tested with: every real number with 17 significant digits (exact), the
 * latest round as null, a final newline.  0, or -1 when jansson refused a
 * string (not UTF-8).
 */
static json_t *
v1_state(enum tw_state st)
{
	return json_string(tw_state_str(st));
}

static json_t *
v1_samples(const struct tw_ring *ring)
{
	json_t *a = json_array();
	unsigned i;

	for (i = 0; a != NULL && i < ring->len; i++) {
		const struct tw_sample *smp = tw_history_ring_at(ring, i);

		json_array_append_new(a, json_pack("[I, i, i, f, s]", (json_int_t)smp->round,
		    (int)smp->sent, (int)smp->answered, (double)smp->rtt_ms,
		    tw_outcome_str((enum tw_outcome)smp->outcome)));
	}
	return a;
}

static int
v1_save(const char *path, const struct tw_state_doc *doc)
{
	json_t *root, *zones, *ring, *servers, *hosts, *events, *z;
	char iso[40];
	size_t i;
	unsigned k;
	FILE *fp;
	int rc;

	zones = json_array();
	for (i = 0; i < doc->tracker->n_zones; i++) {
		const struct tw_zone_track *t = &doc->tracker->zones[i];

		ring = json_array();
		for (k = 0; k < t->ring_len; k++)
			json_array_append_new(ring, v1_state(t->ring[k]));
		z = json_pack("{s:s?, s:b, s:o, s:f, s:o, s:s?, s:I, s:o, s:I, s:o, s:o, s:b, s:I,"
		    " s:f, s:f, s:f, s:b, s:f, s:o}", "name", t->name, "started", t->started,
		    "published", v1_state(t->published), "published_since", t->published_since,
		    "last_raw", v1_state(t->last_raw), "diagnosis", t->diagnosis,
		    "worse_count", (json_int_t)t->worse_count, "worse_best", v1_state(t->worse_best),
		    "better_count", (json_int_t)t->better_count, "better_worst",
		    v1_state(t->better_worst), "ring", ring, "flapping", t->flapping,
		    "calm_rounds", (json_int_t)t->calm_rounds,
		    "run_since", t->run_since, "bad_since", t->bad_since, "good_since",
		    t->good_since, "in_outage", t->in_outage, "outage_start", t->outage_start,
		    "outage_state", v1_state(t->outage_state));
		if (z == NULL)
			return -1;
		json_array_append_new(zones, z);
	}
	servers = json_array();
	for (i = 0; i < doc->history->n_servers; i++) {
		const struct tw_server_history *h = &doc->history->servers[i];

		z = json_pack("{s:s, s:s, s:s?, s:s, s:i, s:s, s:s, s:I, s:o}", "zone", h->zone,
		    "served", h->served, "name", h->name, "address", h->address, "port",
		    (int)h->port, "transport", tw_transport_str(h->transport), "role",
		    tw_result_role_str(h->role), "last_round", (json_int_t)h->last_round,
		    "samples", v1_samples(&h->ring));
		if (z == NULL)
			return -1;
		json_array_append_new(servers, z);
	}
	hosts = json_array();
	for (i = 0; i < doc->history->n_hosts; i++) {
		const struct tw_host_history *h = &doc->history->hosts[i];

		z = json_pack("{s:s, s:s, s:I, s:o}", "zone", h->zone, "name", h->name,
		    "last_round", (json_int_t)h->last_round, "samples", v1_samples(&h->ring));
		if (z == NULL)
			return -1;
		json_array_append_new(hosts, z);
	}
	events = doc->events != NULL ? tw_event_ring_json(doc->events) : json_null();
	tw_clock_iso(doc->written, iso, sizeof(iso));
	iso[19] = 'Z';
	iso[20] = '\0';
	root = json_pack("{s:s, s:i, s:f, s:s, s:I, s:{s:I, s:f, s:o}, s:{s:i, s:[s,s,s,s,s],"
	    " s:o, s:o}, s:n, s:o}", "format", "tldwatch-state", "version", 1, "written",
	    doc->written, "written_iso", iso, "interval_ms", (json_int_t)doc->interval_ms,
	    "tracker", "rounds", (json_int_t)doc->tracker->rounds, "last_round",
	    doc->tracker->last_round, "zones", zones, "history", "window",
	    (int)doc->history->window, "sample_fields", "round", "sent", "answered", "rtt_ms",
	    "outcome", "servers", servers, "hosts", hosts, "last_round", "events", events);
	if (root == NULL || (fp = fopen(path, "w")) == NULL)
		return -1;
	rc = json_dumpf(root, fp, JSON_INDENT(1) | JSON_REAL_PRECISION(17));
	fputc('\n', fp);
	if (fclose(fp) != 0)
		rc = -1;
	json_decref(root);
	return rc;
}

/* Exact equality, telling -0.0 from 0.0. */
static void
assert_same_double(double a, double b)
{
	assert_true(a == b);
	assert_int_equal(signbit(a) != 0, signbit(b) != 0);
}

static void
assert_same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void
assert_same_ring(const struct tw_ring *a, const struct tw_ring *b)
{
	const struct tw_sample *x, *y;
	unsigned i;

	assert_int_equal(a->len, b->len);
	for (i = 0; i < a->len; i++) {
		x = tw_history_ring_at(a, i);
		y = tw_history_ring_at(b, i);
		assert_non_null(x);
		assert_non_null(y);
		assert_int_equal(x->round, y->round);
		assert_int_equal(x->sent, y->sent);
		assert_int_equal(x->answered, y->answered);
		assert_true(x->rtt_ms == y->rtt_ms);
		assert_int_equal(signbit(x->rtt_ms) != 0, signbit(y->rtt_ms) != 0);
		assert_int_equal(x->outcome, y->outcome);
	}
}

static void
assert_same_doc(const struct tw_state_doc *a, const struct tw_state_doc *b)
{
	const struct tw_zone_track *x, *y;
	size_t i;
	unsigned j;

	assert_same_double(a->written, b->written);
	assert_int_equal(a->interval_ms, b->interval_ms);
	if (a->events == NULL || a->events->len == 0) {
		assert_true(b->events == NULL || b->events->len == 0);
	} else {
		assert_non_null(b->events);
		assert_int_equal(a->events->len, b->events->len);
		for (i = 0; i < a->events->len; i++) {
			const struct tw_event *e = tw_event_ring_at(a->events, i);
			const struct tw_event *g = tw_event_ring_at(b->events, i);

			assert_same_double(e->time, g->time);
			assert_same_str(e->zone, g->zone);
			assert_int_equal(e->kind, g->kind);
			assert_int_equal(e->from, g->from);
			assert_int_equal(e->to, g->to);
			assert_same_str(e->diagnosis, g->diagnosis);
			assert_int_equal(e->has_outage_seconds, g->has_outage_seconds);
			assert_same_double(e->outage_seconds, g->outage_seconds);
			assert_same_double(e->outage_start, g->outage_start);
		}
	}

	assert_non_null(b->tracker);
	assert_int_equal(a->tracker->rounds, b->tracker->rounds);
	assert_same_double(a->tracker->last_round, b->tracker->last_round);
	assert_int_equal(a->tracker->n_zones, b->tracker->n_zones);
	for (i = 0; i < a->tracker->n_zones; i++) {
		x = &a->tracker->zones[i];
		y = &b->tracker->zones[i];
		assert_string_equal(x->name, y->name);
		assert_int_equal(x->started, y->started);
		assert_int_equal(x->published, y->published);
		assert_same_double(x->published_since, y->published_since);
		assert_int_equal(x->last_raw, y->last_raw);
		assert_same_str(x->diagnosis, y->diagnosis);
		assert_int_equal(x->worse_count, y->worse_count);
		assert_int_equal(x->worse_best, y->worse_best);
		assert_int_equal(x->better_count, y->better_count);
		assert_int_equal(x->better_worst, y->better_worst);
		assert_int_equal(x->ring_len, y->ring_len);
		for (j = 0; j < x->ring_len; j++)
			assert_int_equal(x->ring[j], y->ring[j]);
		assert_int_equal(x->flapping, y->flapping);
		assert_int_equal(x->calm_rounds, y->calm_rounds);
		assert_same_double(x->run_since, y->run_since);
		assert_same_double(x->bad_since, y->bad_since);
		assert_same_double(x->good_since, y->good_since);
		assert_int_equal(x->in_outage, y->in_outage);
		assert_same_double(x->outage_start, y->outage_start);
		assert_int_equal(x->outage_state, y->outage_state);
	}

	assert_non_null(b->history);
	assert_int_equal(a->history->window, b->history->window);
	assert_int_equal(a->history->n_servers, b->history->n_servers);
	assert_int_equal(a->history->n_hosts, b->history->n_hosts);
	for (i = 0; i < a->history->n_servers; i++) {
		const struct tw_server_history *s = &a->history->servers[i];
		const struct tw_server_history *t = &b->history->servers[i];

		assert_string_equal(s->zone, t->zone);
		assert_string_equal(s->served, t->served);
		assert_same_str(s->name, t->name);
		assert_string_equal(s->address, t->address);
		assert_int_equal(s->port, t->port);
		assert_int_equal(s->transport, t->transport);
		assert_int_equal(s->role, t->role);
		assert_int_equal(s->last_round, t->last_round);
		assert_same_ring(&s->ring, &t->ring);
	}
	for (i = 0; i < a->history->n_hosts; i++) {
		assert_string_equal(a->history->hosts[i].zone, b->history->hosts[i].zone);
		assert_string_equal(a->history->hosts[i].name, b->history->hosts[i].name);
		assert_int_equal(a->history->hosts[i].last_round, b->history->hosts[i].last_round);
		assert_same_ring(&a->history->hosts[i].ring, &b->history->hosts[i].ring);
	}
}

/* Nothing named "*.tmp.*" in ${dir}. */
static void
assert_no_temp(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (strstr(de->d_name, ".tmp.") != NULL)
			fail_msg("temporary file left behind: %s/%s", dir, de->d_name);
	}
	closedir(d);
}

static char *
read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	if (len != NULL)
		*len = (size_t)n;
	return buf;
}

static void
write_file(const char *path, const char *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static void
write_file_append(const char *path, const char *data)
{
	FILE *fp = fopen(path, "ab");

	assert_non_null(fp);
	fputs(data, fp);
	assert_int_equal(fclose(fp), 0);
}

static void
doc_free(struct tw_state_doc *doc)
{
	tw_statefile_doc_clear(doc);
}

/*
 * A small valid document for the failure tests: the first seed that gives
 * a zone (with its full flap ring), servers and hosts.
 */
static void
small_doc(struct tw_state_doc *doc)
{
	uint64_t seed;

	for (seed = 42;; seed++) {
		rng_state = seed;
		memset(doc, 0, sizeof(*doc));
		doc->written = 1795767302.25;
		doc->interval_ms = 60000;
		doc->tracker = rnd_tracker();
		doc->history = rnd_history();
		doc->events = rnd_events();
		if (doc->tracker->n_zones > 0 && doc->history->n_servers > 0 &&
		    doc->events->len > 0 &&
		    doc->history->n_hosts > 0 && doc->history->window > 3)
			return;
		tw_statefile_doc_clear(doc);
	}
}

static void
test_round_trip(void **state)
{
	struct fx *f = *state;
	struct tw_state_doc doc, back;
	struct tw_error err;
	unsigned seed;
	char *text;

	for (seed = 1; seed <= 60; seed++) {
		rng_state = 0x9e3779b97f4a7c15ULL * seed;
		rnd_doc(&doc);
		memset(&err, 0, sizeof(err));
		assert_int_equal(v1_save(f->path, &doc), 0);
		assert_int_equal(tw_statefile_load(f->path, &back, &err), TW_STATEFILE_OK);
		assert_same_doc(&doc, &back);
		doc_free(&doc);
		doc_free(&back);
	}
	/* Versioned, readable, with the ISO time and a final newline. */
	text = read_file(f->path, NULL);
	assert_non_null(strstr(text, "\"format\": \"tldwatch-state\""));
	assert_non_null(strstr(text, "\"version\": 1,"));
	assert_non_null(strstr(text, "\"written_iso\": \"20"));
	assert_true(text[strlen(text) - 1] == '\n');
	free(text);
}

static void
test_round_trip_layout(void **state)
{
	struct fx *f = *state;
	struct tw_state_doc doc, back;
	struct tw_error err;
	json_error_t jerr;
	json_t *root;
	char *text;

	memset(&doc, 0, sizeof(doc));
	doc.written = 1795767302.0;      /* 2026-11-27T08:15:02Z */
	doc.interval_ms = 1500;
	assert_non_null(doc.tracker = tw_tracker_new());
	assert_non_null(doc.history = tw_history_new(60));
	doc.events = calloc(1, sizeof(*doc.events));
	assert_non_null(doc.events);
	assert_int_equal(v1_save(f->path, &doc), 0);
	text = read_file(f->path, NULL);
	root = json_loads(text, 0, &jerr);
	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(root, "written_iso")),
	    "2026-11-27T08:15:02Z");
	assert_true(json_real_value(json_object_get(root, "written")) == 1795767302.0);
	assert_int_equal(json_integer_value(json_object_get(root, "interval_ms")), 1500);
	assert_true(json_is_array(json_object_get(root, "events")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(root, "history"),
	    "window")), 60);
	json_decref(root);
	free(text);

	assert_int_equal(tw_statefile_load(f->path, &back, &err), TW_STATEFILE_OK);
	assert_same_doc(&doc, &back);
	doc_free(&back);

	/* No events: null in the file, nothing back; a last round (an object) is left alone. */
	ring_free(doc.events);
	doc.events = NULL;
	assert_int_equal(v1_save(f->path, &doc), 0);
	text = read_file(f->path, NULL);
	root = json_loads(text, 0, &jerr);
	assert_non_null(root);
	assert_true(json_is_null(json_object_get(root, "events")));
	json_object_set_new(root, "last_round", json_pack("{s:s}", "state", "degraded"));
	free(text);
	text = json_dumps(root, JSON_INDENT(1));
	json_decref(root);
	write_file(f->path, text, strlen(text));
	write_file_append(f->path, "\n");
	free(text);
	assert_int_equal(tw_statefile_load(f->path, &back, &err), TW_STATEFILE_OK);
	assert_null(back.events);
	assert_non_null(back.tracker);
	assert_non_null(back.history);
	doc_free(&back);
	doc_free(&doc);
}

/* History fed by real rounds, saved and reloaded, goes on exactly as if never saved. */
static void
test_history_restart(void **state)
{
	struct fx *f = *state;
	struct tw_history *live = tw_history_new(5);
	struct tw_state_doc doc, back;
	struct tw_check_result r;
	struct tw_server_result srv[2];
	struct tw_zone_result zone;
	struct tw_error err;
	char zname[] = "kp", served[] = "kp", name[] = "ns1.kptc.kp";
	unsigned n;
	size_t i;

	memset(&r, 0, sizeof(r));
	memset(srv, 0, sizeof(srv));
	memset(&zone, 0, sizeof(zone));
	zone.name = zname;
	zone.servers = srv;
	zone.n_servers = 2;
	r.zones = &zone;
	r.n_zones = 1;
	for (i = 0; i < 2; i++) {
		srv[i].zone = served;
		srv[i].name = name;
		snprintf(srv[i].address, sizeof(srv[i].address), "127.45.176.%zu", 15 + i);
		srv[i].port = 10053;
	}
	for (n = 1; n <= 7; n++) {
		srv[0].sent = n;
		srv[0].answered = n / 2;
		srv[0].rtt_ms = n * 1.1;
		zone.n_servers = n < 6 ? 2 : 1;   /* the second goes quiet */
		assert_int_equal(tw_history_add(live, &r, n), 0);
	}
	memset(&doc, 0, sizeof(doc));
	doc.written = 1.0;
	assert_non_null(doc.tracker = tw_tracker_new());
	doc.history = live;
	assert_int_equal(v1_save(f->path, &doc), 0);
	assert_int_equal(tw_statefile_load(f->path, &back, &err), TW_STATEFILE_OK);
	assert_same_doc(&doc, &back);
	for (n = 8; n <= 13; n++) {
		srv[0].sent = n;
		srv[0].rtt_ms = n * 1.1;
		assert_int_equal(tw_history_add(live, &r, n), 0);
		assert_int_equal(tw_history_add(back.history, &r, n), 0);
		assert_same_doc(&doc, &back);
	}
	assert_int_equal(live->n_servers, 1);
	doc_free(&back);
	doc_free(&doc);
}

/*
 * Damaged documents: a good one with one change at a path such as
 * "tracker.zones[0].ring[3]".  value NULL deletes the member.
 */
struct damage {
	const char *path;
	const char *value;      /* JSON text */
	const char *reason;     /* expected in err.msg */
};

static const struct damage damages[] = {
	{ "format", "\"something-else\"", "not a tldwatch state file" },
	{ "format", NULL, "not a tldwatch state file" },
	{ "format", "1", "not a tldwatch state file" },
	{ "version", "2", "unsupported state file version 2" },
	{ "version", "\"1\"", "version" },
	{ "version", NULL, "version" },
	{ "written", "\"yesterday\"", "state.written: expected a number, got a string" },
	{ "written", NULL, "missing \"written\"" },
	{ "interval_ms", "-5", "state.interval_ms: negative" },
	{ "interval_ms", "4294967296", "is more than" },
	{ "interval_ms", "1.5", "expected an integer" },
	{ "tracker", NULL, "missing \"tracker\"" },
	{ "tracker", "[]", "state.tracker: expected an object" },
	{ "tracker.rounds", "-1", "tracker.rounds: negative" },
	{ "tracker.last_round", "null", "tracker.last_round: expected a number" },
	{ "tracker.zones", "\"kp\"", "tracker.zones: expected an array" },
	{ "tracker.zones[0]", "5", "tracker.zones[0]: expected an object" },
	{ "tracker.zones[0].name", "null", "tracker.zones[0].name: expected a string" },
	{ "tracker.zones[0].started", "\"yes\"", "started: expected true or false" },
	{ "tracker.zones[0].published", "\"upp\"", "published: unknown state \"upp\"" },
	{ "tracker.zones[0].published", "\"UP\"", "unknown state" },
	{ "tracker.zones[0].published", "0", "expected a state name" },
	{ "tracker.zones[0].last_raw", "\"invalid\"", "unknown state" },
	{ "tracker.zones[0].worse_best", NULL, "missing \"worse_best\"" },
	{ "tracker.zones[0].better_worst", "\"\"", "unknown state" },
	{ "tracker.zones[0].outage_state", "\"sideways\"", "outage_state: unknown state" },
	{ "tracker.zones[0].ring[3]", "\"sideways\"", "ring[3]: unknown state" },
	{ "tracker.zones[0].ring[0]", "null", "ring[0]: expected a state name" },
	{ "tracker.zones[0].ring", "{}", "ring: expected an array" },
	{ "tracker.zones[0].ring", "RING65", "ring: 65 entries, more than 64" },
	{ "tracker.zones[0].diagnosis", "7", "expected a string or null" },
	{ "tracker.zones[0].worse_count", "-1", "worse_count: negative" },
	{ "tracker.zones[0].better_count", "4294967296", "more than" },
	{ "tracker.zones[0].calm_rounds", "1.5", "calm_rounds: expected an integer" },
	{ "tracker.zones[0].outage_start", NULL, "missing \"outage_start\"" },
	{ "tracker.zones[0].in_outage", "1", "expected true or false" },
	{ "history", NULL, "missing \"history\"" },
	{ "history.window", "0", "history.window: 0" },
	{ "history.window", "-1", "history.window: negative" },
	{ "history.window", "10001", "more than 10000" },
	{ "history.sample_fields", "[\"round\"]", "sample_fields" },
	{ "history.servers", "{}", "history.servers: expected an array" },
	{ "history.servers", "ROWS100001", "more than 100000" },
	{ "history", "HUGE", "history: 1700 rows of 10000 samples is too large" },
	{ "history.servers[0]", "[]", "history.servers[0]: expected an object" },
	{ "history.servers[0].zone", NULL, "missing \"zone\"" },
	{ "history.servers[0].name", "false", "expected a string or null" },
	{ "history.servers[0].address", "\"0123456789012345678901234567890123456789012345\"",
	    "address: too long" },
	{ "history.servers[0].port", "65536", "port: 65536 is more than 65535" },
	{ "history.servers[0].port", "-53", "port: negative" },
	{ "history.servers[0].transport", "\"sctp\"", "unknown transport" },
	{ "history.servers[0].role", "\"king\"", "unknown role" },
	{ "history.servers[0].last_round", "-7", "last_round: negative" },
	{ "history.servers[0].samples", "null", "samples: expected an array" },
	{ "history.servers[0].samples", "SAMPLES_OVER", "more than" },
	{ "history.servers[0].samples[0]", "[1, 2]", "expected [round, sent, answered" },
	{ "history.servers[0].samples[0]", "{}", "expected [round, sent, answered" },
	{ "history.servers[0].samples[0][0]", "-1", "round: negative" },
	{ "history.servers[0].samples[0][1]", "70000", "sent: more than 65535" },
	{ "history.servers[0].samples[0][1]", "\"2\"", "sent: expected an integer" },
	{ "history.servers[0].samples[0][2]", "65535", "more answered than sent" },
	{ "history.servers[0].samples[0][3]", "\"fast\"", "rtt_ms: expected a number" },
	{ "history.servers[0].samples[0][3]", "1e300", "rtt_ms: out of range" },
	{ "history.servers[0].samples[0][4]", "\"meh\"", "outcome" },
	{ "history.hosts", NULL, "missing \"hosts\"" },
	{ "history.hosts[0].name", "3", "history.hosts[0].name: expected a string" },
	{ "history.hosts[0].samples[0][4]", "7", "outcome" },
	{ "last_round", "\"{}\"", "state.last_round: expected an object or null" },
	{ "events", "{}", "state.events: expected an array or null" },
	{ "", "[]", "the document is an array, not an object" },
	{ "", "\"tldwatch-state\"", "not an object" },
};

/* Resolve "a.b[2].c" in ${root}: *parent and the last key or index. */
static json_t *
resolve(json_t *root, const char *path, json_t **parent, char *key, size_t *index)
{
	json_t *cur = root, *par = NULL;
	const char *p = path;
	char name[64];
	size_t n, idx = 0;

	key[0] = '\0';
	while (*p != '\0') {
		n = strcspn(p, ".[");
		if (n > 0) {
			assert_true(n < sizeof(name));
			memcpy(name, p, n);
			name[n] = '\0';
			par = cur;
			snprintf(key, 64, "%s", name);
			cur = json_object_get(cur, name);
			p += n;
		}
		while (*p == '[') {
			idx = strtoul(p + 1, NULL, 10);
			par = cur;
			key[0] = '\0';
			cur = json_array_get(cur, idx);
			p = strchr(p, ']') + 1;
		}
		if (*p == '.')
			p++;
	}
	*parent = par;
	*index = idx;
	return cur;
}

/* The value for a damage: JSON text, or a generated one. */
static json_t *
damage_value(const char *text, unsigned window)
{
	json_t *v;
	unsigned i, n = 0;

	if (strcmp(text, "RING65") == 0) {
		v = json_array();
		for (i = 0; i < TW_FLAP_WINDOW_MAX + 1; i++)
			json_array_append_new(v, json_string("up"));
		return v;
	}
	if (sscanf(text, "ROWS%u", &n) == 1) {
		v = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(v, json_object());
		return v;
	}
	if (strcmp(text, "HUGE") == 0) {
		v = json_pack("{s:i, s:o, s:[]}", "window", 10000, "servers",
		    damage_value("ROWS1700", window), "hosts");
		assert_non_null(v);
		return v;
	}
	if (strcmp(text, "SAMPLES_OVER") == 0) {
		v = json_array();
		for (i = 0; i <= window; i++)
			json_array_append_new(v, json_pack("[i,i,i,f,s]", (int)i, 1, 1, 1.0,
			    "answer"));
		return v;
	}
	v = json_loads(text, JSON_DECODE_ANY, NULL);
	assert_non_null(v);
	return v;
}

/* Which case assert_bad() is looking at, for its failure messages. */
static char bad_case[128];

static void
assert_bad(const char *path, const char *reason)
{
	struct tw_state_doc doc;
	struct tw_error err;
	enum tw_statefile_status st;

	memset(&err, 0, sizeof(err));
	memset(&doc, 0xff, sizeof(doc));     /* load must zero it */
	st = tw_statefile_load(path, &doc, &err);
	if (st != TW_STATEFILE_BAD)
		fail_msg("%s: status %d, not BAD", bad_case, (int)st);
	if (reason != NULL && strstr(err.msg, reason) == NULL)
		fail_msg("%s: expected \"%s\" in \"%s\"", bad_case, reason, err.msg);
	assert_true(err.msg[0] != '\0');
	assert_string_equal(err.file, path);
	assert_null(doc.tracker);
	assert_null(doc.history);
	assert_null(doc.events);
}

static void
test_damaged_documents(void **state)
{
	struct fx *f = *state;
	struct tw_state_doc doc;
	struct tw_error err;
	json_error_t jerr;
	json_t *root, *copy, *parent, *target, *v;
	char *good, *text, key[64];
	size_t i, idx, n;
	unsigned window;

	small_doc(&doc);
	/* Make sure there is a zone with a ring, a server and a host with samples. */
	assert_true(doc.tracker->n_zones > 0 && doc.tracker->zones[0].ring_len > 3);
	assert_true(doc.history->n_servers > 0 && doc.history->n_hosts > 0);
	doc.history->servers[0].ring.len = doc.history->window;
	doc.history->servers[0].ring.head = 0;
	doc.history->servers[0].ring.s[0].sent = 3;
	doc.history->servers[0].ring.s[0].answered = 2;
	doc.history->hosts[0].ring.len = 1;
	doc.history->hosts[0].ring.head = 0;
	window = doc.history->window;
	assert_int_equal(v1_save(f->path, &doc), 0);
	doc_free(&doc);
	good = read_file(f->path, NULL);
	root = json_loads(good, 0, &jerr);
	assert_non_null(root);

	for (i = 0; i < sizeof(damages) / sizeof(damages[0]); i++) {
		const struct damage *d = &damages[i];

		copy = json_deep_copy(root);
		assert_non_null(copy);
		if (d->path[0] == '\0') {
			json_decref(copy);
			copy = damage_value(d->value, window);
		} else {
			target = resolve(copy, d->path, &parent, key, &idx);
			assert_non_null(parent);
			if (d->value == NULL) {
				assert_non_null(target);
				assert_int_equal(json_object_del(parent, key), 0);
			} else {
				v = damage_value(d->value, window);
				if (key[0] != '\0')
					assert_int_equal(json_object_set_new(parent, key, v), 0);
				else
					assert_int_equal(json_array_set_new(parent, idx, v), 0);
			}
		}
		text = json_dumps(copy, JSON_INDENT(1) | JSON_ENCODE_ANY);
		assert_non_null(text);
		n = strlen(text);
		text[n] = '\0';
		{
			char *t = realloc(text, n + 2);

			assert_non_null(t);
			text = t;
			text[n] = '\n';
			text[n + 1] = '\0';
		}
		write_file(f->path, text, n + 1);
		snprintf(bad_case, sizeof(bad_case), "damage %s = %s", d->path,
		    d->value ? d->value : "(deleted)");
		assert_bad(f->path, d->reason);
		free(text);
		json_decref(copy);
	}
	/* The undamaged one loads (the table's failures are the damage's doing). */
	write_file(f->path, good, strlen(good));
	assert_int_equal(tw_statefile_load(f->path, &doc, &err), TW_STATEFILE_OK);
	doc_free(&doc);
	json_decref(root);
	free(good);
	assert_no_temp(f->dir);
}

/* Damage at the level of bytes. */
static void
test_damaged_files(void **state)
{
	static const struct {
		const char *text;
		const char *reason;
		unsigned line;
	} cases[] = {
		{ "", "empty file", 0 },
		{ "\n", "JSON", 2 },
		{ "{\"format\": \"tldwatch-state\"}",
		    "truncated: the file does not end with a newline", 0 },
		{ "hello\n", "JSON", 1 },
		{ "{\n\"format\": \"tldwatch-state\",\n\"format\": \"x\"}\n", "JSON", 3 },
		{ "{}\n{}\n", "JSON", 2 },
		{ "{\"format\": \"tldwatch-state\", \"version\": 1\n", "JSON", 2 },
		{ "[1, 2]\n", "not an object", 0 },
		{ "{}\n", "not a tldwatch state file", 0 },
		{ "{\"format\": \"tldwatch-state\", \"version\": 1}\n", "missing \"written\"", 0 },
		{ "\xff\xfe{}\n", "JSON", 1 },
	};
	static const char with_nul[] = "{\"format\": \"tldwatch\0-state\"}\n";
	struct fx *f = *state;
	struct tw_error err;
	struct tw_state_doc doc;
	char fifo[160], dirpath[160], link[160];
	size_t i;
	int fd;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_file(f->path, cases[i].text, strlen(cases[i].text));
		snprintf(bad_case, sizeof(bad_case), "file case %zu", i);
		assert_bad(f->path, cases[i].reason);
		memset(&err, 0, sizeof(err));
		tw_statefile_load(f->path, &doc, &err);
		assert_int_equal(err.line, cases[i].line);
	}
	/* A NUL in the middle. */
	write_file(f->path, with_nul, sizeof(with_nul) - 1);
	snprintf(bad_case, sizeof(bad_case), "a NUL byte");
	assert_bad(f->path, "JSON");

	/* More than 64 MiB (sparse). */
	fd = open(f->path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)65 << 20), 0);
	close(fd);
	snprintf(bad_case, sizeof(bad_case), "65 MiB");
	assert_bad(f->path, "larger than 64 MiB");
	unlink(f->path);

	/* Not a regular file: a directory, a FIFO (which must not block). */
	snprintf(dirpath, sizeof(dirpath), "%s/adir", f->dir);
	assert_int_equal(mkdir(dirpath, 0700), 0);
	snprintf(bad_case, sizeof(bad_case), "a directory");
	assert_bad(dirpath, "not a regular file");
	snprintf(fifo, sizeof(fifo), "%s/fifo", f->dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	snprintf(bad_case, sizeof(bad_case), "a FIFO");
	assert_bad(fifo, "not a regular file");

	/* A symlink is never the state file, even to a good one. */
	snprintf(link, sizeof(link), "%s/link", f->dir);
	assert_int_equal(symlink(dirpath, link), 0);
	snprintf(bad_case, sizeof(bad_case), "a symlink");
	assert_bad(link, "symbolic link");

	/* Missing: a fresh start, not an error. */
	memset(&doc, 0xff, sizeof(doc));
	assert_int_equal(tw_statefile_load(f->path, &doc, &err), TW_STATEFILE_MISSING);
	assert_null(doc.tracker);
	assert_null(doc.history);
	tw_statefile_doc_clear(&doc);
	tw_statefile_doc_clear(NULL);
}

/* Every proper prefix of a good file, with and without a newline put back, is BAD. */
static void
test_truncations(void **state)
{
	struct fx *f = *state;
	struct tw_state_doc doc;
	struct tw_error err;
	char *good, *buf;
	size_t len, k;

	small_doc(&doc);
	assert_int_equal(v1_save(f->path, &doc), 0);
	doc_free(&doc);
	good = read_file(f->path, &len);
	print_message("%zu prefixes\n", len);
	assert_true(len > 1000);
	buf = malloc(len + 1);
	assert_non_null(buf);
	for (k = 0; k < len; k++) {
		snprintf(bad_case, sizeof(bad_case), "prefix of %zu bytes", k);
		write_file(f->path, good, k);
		assert_bad(f->path, NULL);
		if (k + 1 < len) {
			memcpy(buf, good, k);
			buf[k] = '\n';
			snprintf(bad_case, sizeof(bad_case), "prefix of %zu bytes + newline", k);
			write_file(f->path, buf, k + 1);
			assert_bad(f->path, NULL);
		}
	}
	write_file(f->path, good, len);
	assert_int_equal(tw_statefile_load(f->path, &doc, &err), TW_STATEFILE_OK);
	doc_free(&doc);
	free(buf);
	free(good);
}

static void
test_symlink_refused(void **state)
{
	struct fx *f = *state;
	struct tw_state_doc doc, back;
	struct tw_error err;
	char target[160];

	small_doc(&doc);
	snprintf(target, sizeof(target), "%s/elsewhere", f->dir);
	assert_int_equal(v1_save(target, &doc), 0);
	assert_int_equal(symlink(target, f->path), 0);
	memset(&err, 0, sizeof(err));
	assert_int_equal(tw_statefile_load(f->path, &back, &err), TW_STATEFILE_BAD);
	assert_non_null(strstr(err.msg, "symbolic link"));
	assert_string_equal(err.file, f->path);
	assert_null(back.tracker);
	doc_free(&doc);
}

/*
 * Run ${fn}(${arg}) as nobody in a child (root ignores permissions) and
 * return its exit status; 0 means every check in it held.
 */
static int
as_nobody(int (*fn)(const char *), const char *arg)
{
	int status;
	pid_t pid;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
			_exit(20);
		_exit(fn(arg));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static int
run_unreadable_load(const char *path)
{
	struct tw_state_doc doc;
	struct tw_error err;

	memset(&err, 0, sizeof(err));
	if (tw_statefile_load(path, &doc, &err) != TW_STATEFILE_BAD)
		return 10;
	if (strstr(err.msg, "open") == NULL || strstr(err.msg, strerror(EACCES)) == NULL ||
	    doc.tracker != NULL || doc.history != NULL) {
		fprintf(stderr, "unexpected: %s\n", err.msg);
		return 11;
	}
	return 0;
}

/* A file we may not read is BAD (not MISSING: it must not be overwritten). */
static void
test_unreadable(void **state)
{
	struct fx *f = *state;
	struct tw_state_doc doc;
	char *content;

	small_doc(&doc);
	assert_int_equal(v1_save(f->path, &doc), 0);
	doc_free(&doc);
	assert_int_equal(chmod(f->path, 0), 0);
	if (geteuid() != 0) {
		assert_int_equal(run_unreadable_load(f->path), 0);
	} else {
		/* nobody must get into the directory to meet the file's own mode */
		assert_int_equal(chmod(f->dir, 0711), 0);
		assert_int_equal(as_nobody(run_unreadable_load, f->path), 0);
	}
	assert_int_equal(chmod(f->path, 0600), 0);
	content = read_file(f->path, NULL);
	assert_non_null(strstr(content, "tldwatch-state"));
	free(content);
}

/* Fields a newer writer of version 1 may add are ignored. */
static void
test_unknown_fields(void **state)
{
	static const char *const paths[] = {
		"", "tracker", "tracker.zones[0]", "history", "history.servers[0]",
		"history.hosts[0]",
	};
	struct fx *f = *state;
	struct tw_state_doc doc, back;
	struct tw_error err;
	json_error_t jerr;
	json_t *root, *parent, *target;
	char *text, key[64];
	size_t i, idx;

	small_doc(&doc);
	assert_int_equal(v1_save(f->path, &doc), 0);
	text = read_file(f->path, NULL);
	root = json_loads(text, 0, &jerr);
	assert_non_null(root);
	free(text);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		target = paths[i][0] == '\0' ? root : resolve(root, paths[i], &parent, key, &idx);
		assert_true(json_is_object(target));
		assert_int_equal(json_object_set_new(target, "added_in_1_1",
		    json_pack("{s:[i,i], s:s}", "x", 1, 2, "y", "z")), 0);
	}
	text = json_dumps(root, JSON_INDENT(2));
	assert_non_null(text);
	json_decref(root);
	{
		FILE *fp = fopen(f->path, "w");

		assert_non_null(fp);
		fprintf(fp, "%s\n", text);
		assert_int_equal(fclose(fp), 0);
	}
	free(text);
	assert_int_equal(tw_statefile_load(f->path, &back, &err), TW_STATEFILE_OK);
	assert_same_doc(&doc, &back);
	doc_free(&back);
	doc_free(&doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_documents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_fields, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
