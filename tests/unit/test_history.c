/*
 * test_history.c -- history rings: keys, wrap-around, merging, dropping
 * rows unseen for a window, window changes, loss/RTT stats, and 20,000
 * rounds with a changing set of rows staying bounded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <math.h>

#include <cmocka.h>

#include "tldwatch/history.h"

/* Building check results (owned, freed by tw_result_free). */

static char *
xstrdup(const char *s)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	assert_non_null(d);
	return d;
}

static void *
grow(void *p, size_t n, size_t size)
{
	void *q = realloc(p, n * size);

	assert_non_null(q);
	return q;
}

static struct tw_check_result *
res_new(void)
{
	struct tw_check_result *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	return r;
}

struct srv {
	const char *served;
	const char *name;
	const char *address;
	uint16_t port;
	enum tw_transport transport;
	unsigned sent, answered;
	double rtt_ms;
	enum tw_outcome outcome;
};

static void
fill_server(struct tw_server_result *s, const struct srv *v, enum tw_role role)
{
	memset(s, 0, sizeof(*s));
	s->role = role;
	s->zone = xstrdup(v->served);
	s->name = xstrdup(v->name);
	snprintf(s->address, sizeof(s->address), "%s", v->address);
	s->port = v->port;
	s->transport = v->transport;
	s->sent = v->sent;
	s->answered = v->answered;
	s->rtt_ms = v->rtt_ms;
	s->outcome = v->outcome;
}

static void
res_root(struct tw_check_result *r, const struct srv *v)
{
	r->roots = grow(r->roots, r->n_roots + 1, sizeof(*r->roots));
	fill_server(&r->roots[r->n_roots++], v, TW_ROLE_ROOT);
}

/* Returns the zone's index. */
static size_t
res_zone(struct tw_check_result *r, const char *name)
{
	struct tw_zone_result *z;

	r->zones = grow(r->zones, r->n_zones + 1, sizeof(*r->zones));
	z = &r->zones[r->n_zones];
	memset(z, 0, sizeof(*z));
	z->name = xstrdup(name);
	z->label = xstrdup(name);
	return r->n_zones++;
}

static void
res_server(struct tw_check_result *r, size_t zi, const struct srv *v, enum tw_role role)
{
	struct tw_zone_result *z = &r->zones[zi];

	z->servers = grow(z->servers, z->n_servers + 1, sizeof(*z->servers));
	fill_server(&z->servers[z->n_servers++], v, role);
}

static void
res_host(struct tw_check_result *r, size_t zi, const char *name, bool resolved,
    enum tw_outcome o)
{
	struct tw_zone_result *z = &r->zones[zi];
	struct tw_host_result *hr;

	z->hosts = grow(z->hosts, z->n_hosts + 1, sizeof(*z->hosts));
	hr = &z->hosts[z->n_hosts++];
	memset(hr, 0, sizeof(*hr));
	hr->name = xstrdup(name);
	hr->resolved = resolved;
	hr->outcome = o;
}

static const struct srv root_a = { "", "a.root", "127.0.0.1", 10053, TW_TRANSPORT_UDP,
	2, 2, 1.5, TW_OUTCOME_ANSWER };
static const struct srv kp_ns1 = { "kp", "ns1.kptc.kp", "127.45.176.15", 10053,
	TW_TRANSPORT_UDP, 3, 1, 20.0, TW_OUTCOME_ANSWER };
static const struct srv kp_ns2 = { "kp", "ns2.kptc.kp", "127.45.176.16", 10053,
	TW_TRANSPORT_UDP, 2, 0, -1.0, TW_OUTCOME_TIMEOUT };

static const struct tw_server_history *
find_server(const struct tw_history *h, const char *zone, const char *served,
    const char *address, uint16_t port, enum tw_transport t)
{
	size_t i;

	for (i = 0; i < h->n_servers; i++) {
		const struct tw_server_history *s = &h->servers[i];

		if (strcmp(s->zone, zone) == 0 && strcmp(s->served, served) == 0 &&
		    strcmp(s->address, address) == 0 && s->port == port && s->transport == t)
			return s;
	}
	return NULL;
}

static const struct tw_host_history *
find_host(const struct tw_history *h, const char *zone, const char *name)
{
	size_t i;

	for (i = 0; i < h->n_hosts; i++)
		if (strcmp(h->hosts[i].zone, zone) == 0 && strcmp(h->hosts[i].name, name) == 0)
			return &h->hosts[i];
	return NULL;
}

/* A root, two kp servers and two hosts. */
static struct tw_check_result *
basic_result(void)
{
	struct tw_check_result *r = res_new();
	size_t z;

	res_root(r, &root_a);
	z = res_zone(r, "kp");
	res_server(r, z, &kp_ns1, TW_ROLE_ZONE);
	res_server(r, z, &kp_ns2, TW_ROLE_ZONE);
	res_host(r, z, "kcna.kp", true, TW_OUTCOME_ANSWER);
	res_host(r, z, "rodong.rep.kp", false, TW_OUTCOME_TIMEOUT);
	return r;
}

static void
test_new_free(void **state)
{
	struct tw_history *h;

	assert_null(tw_history_new(0));
	h = tw_history_new(7);
	assert_non_null(h);
	assert_int_equal(h->window, 7);
	assert_int_equal(h->n_servers, 0);
	assert_int_equal(h->n_hosts, 0);
	tw_history_free(h);
	tw_history_free(NULL);
}

static void
test_add_basic(void **state)
{
	struct tw_history *h = tw_history_new(5);
	struct tw_check_result *r = basic_result();
	const struct tw_server_history *s;
	const struct tw_host_history *hh;
	const struct tw_sample *smp;

	assert_int_equal(tw_history_add(h, r, 1), 0);
	assert_int_equal(h->n_servers, 3);
	assert_int_equal(h->n_hosts, 2);

	s = find_server(h, "", "", "127.0.0.1", 10053, TW_TRANSPORT_UDP);
	assert_non_null(s);
	assert_int_equal(s->role, TW_ROLE_ROOT);
	assert_string_equal(s->name, "a.root");
	assert_int_equal(s->last_round, 1);
	assert_int_equal(s->ring.len, 1);

	s = find_server(h, "kp", "kp", "127.45.176.15", 10053, TW_TRANSPORT_UDP);
	assert_non_null(s);
	assert_int_equal(s->role, TW_ROLE_ZONE);
	smp = tw_history_ring_at(&s->ring, 0);
	assert_non_null(smp);
	assert_int_equal(smp->round, 1);
	assert_int_equal(smp->sent, 3);
	assert_int_equal(smp->answered, 1);
	assert_true(smp->rtt_ms == 20.0f);
	assert_int_equal(smp->outcome, TW_OUTCOME_ANSWER);
	assert_null(tw_history_ring_at(&s->ring, 1));

	s = find_server(h, "kp", "kp", "127.45.176.16", 10053, TW_TRANSPORT_UDP);
	assert_non_null(s);
	smp = tw_history_ring_at(&s->ring, 0);
	assert_true(smp->rtt_ms < 0);
	assert_int_equal(smp->outcome, TW_OUTCOME_TIMEOUT);

	hh = find_host(h, "kp", "kcna.kp");
	assert_non_null(hh);
	smp = tw_history_ring_at(&hh->ring, 0);
	assert_int_equal(smp->sent, 1);
	assert_int_equal(smp->answered, 1);
	assert_int_equal(smp->outcome, TW_OUTCOME_ANSWER);
	hh = find_host(h, "kp", "rodong.rep.kp");
	assert_non_null(hh);
	smp = tw_history_ring_at(&hh->ring, 0);
	assert_int_equal(smp->sent, 1);
	assert_int_equal(smp->answered, 0);
	assert_int_equal(smp->outcome, TW_OUTCOME_TIMEOUT);

	/* The same rows next round: no new rows, one more sample each. */
	assert_int_equal(tw_history_add(h, r, 2), 0);
	assert_int_equal(h->n_servers, 3);
	assert_int_equal(h->n_hosts, 2);
	assert_int_equal(h->servers[0].ring.len, 2);
	assert_int_equal(h->hosts[1].ring.len, 2);
	assert_int_equal(h->hosts[1].last_round, 2);

	tw_result_free(r);
	tw_history_free(h);
}

/* Every key field makes a row of its own; an identical row in one round merges. */
static void
test_keys(void **state)
{
	static const struct srv variants[] = {
		{ "kp", "ns1.kptc.kp", "127.45.176.15", 10053, TW_TRANSPORT_UDP, 1, 1, 5, 1 },
		{ "kp", "ns1.kptc.kp", "127.45.176.15", 10053, TW_TRANSPORT_TCP, 1, 1, 5, 1 },
		{ "kp", "ns1.kptc.kp", "127.45.176.15", 53, TW_TRANSPORT_UDP, 1, 1, 5, 1 },
		{ "kp", "ns1.kptc.kp", "127.45.176.16", 10053, TW_TRANSPORT_UDP, 1, 1, 5, 1 },
		{ "kp", "other.kp", "127.45.176.15", 10053, TW_TRANSPORT_UDP, 1, 1, 5, 1 },
		{ "kp", NULL, "127.45.176.15", 10053, TW_TRANSPORT_UDP, 1, 1, 5, 1 },
		{ "kp", "", "127.45.176.15", 10053, TW_TRANSPORT_UDP, 1, 1, 5, 1 },
		{ "kcna.kp", "ns1.kptc.kp", "127.45.176.15", 10053, TW_TRANSPORT_UDP, 1, 1, 5, 1 },
	};
	static const struct srv dup = {
		"kp", "ns1.kptc.kp", "127.45.176.15", 10053, TW_TRANSPORT_UDP, 2, 0, 3, 9 };
	struct tw_history *h = tw_history_new(4);
	struct tw_check_result *r = res_new();
	const struct tw_sample *smp;
	size_t z1, z2, i, nv = sizeof(variants) / sizeof(variants[0]);

	z1 = res_zone(r, "kp");
	z2 = res_zone(r, "rep.kp");
	for (i = 0; i < nv; i++)
		res_server(r, z1, &variants[i], TW_ROLE_ZONE);
	/* The same server under another monitored zone is another row. */
	res_server(r, z2, &variants[0], TW_ROLE_CHILD);
	res_server(r, z1, &dup, TW_ROLE_ZONE);
	/* A root with the same address is keyed by zone "": another row. */
	res_root(r, &variants[0]);
	res_host(r, z1, "kcna.kp", true, TW_OUTCOME_ANSWER);
	res_host(r, z2, "kcna.kp", false, TW_OUTCOME_NXDOMAIN);
	res_host(r, z1, "kcna.kp", false, TW_OUTCOME_TIMEOUT);

	assert_int_equal(tw_history_add(h, r, 10), 0);
	assert_int_equal(h->n_servers, nv + 2);
	assert_int_equal(h->n_hosts, 2);
	for (i = 0; i < h->n_servers; i++)
		assert_int_equal(h->servers[i].ring.len, 1);

	/* The duplicate was merged into the first row: sums, the lower RTT. */
	smp = tw_history_ring_at(&find_server(h, "kp", "kp", "127.45.176.15", 10053,
	    TW_TRANSPORT_UDP)->ring, 0);
	assert_non_null(smp);
	for (i = 0; i < h->n_servers; i++) {
		const struct tw_server_history *s = &h->servers[i];

		if (strcmp(s->zone, "kp") == 0 && s->name != NULL &&
		    strcmp(s->name, "ns1.kptc.kp") == 0 && s->port == 10053 &&
		    s->transport == TW_TRANSPORT_UDP && strcmp(s->address, "127.45.176.15") == 0 &&
		    strcmp(s->served, "kp") == 0) {
			smp = tw_history_ring_at(&s->ring, 0);
			assert_int_equal(smp->sent, 3);
			assert_int_equal(smp->answered, 1);
			assert_true(smp->rtt_ms == 3.0f);
			assert_int_equal(smp->outcome, 1);
		}
	}
	/* The NULL-named and ""-named rows are distinct. */
	{
		int null_named = 0, empty_named = 0;

		for (i = 0; i < h->n_servers; i++) {
			if (h->servers[i].name == NULL)
				null_named++;
			else if (h->servers[i].name[0] == '\0')
				empty_named++;
		}
		assert_int_equal(null_named, 1);
		assert_int_equal(empty_named, 1);
	}
	smp = tw_history_ring_at(&find_host(h, "kp", "kcna.kp")->ring, 0);
	assert_int_equal(smp->sent, 2);
	assert_int_equal(smp->answered, 1);
	assert_int_equal(smp->outcome, TW_OUTCOME_ANSWER);
	assert_non_null(find_host(h, "rep.kp", "kcna.kp"));
	assert_non_null(find_server(h, "", "kp", "127.45.176.15", 10053, TW_TRANSPORT_UDP));

	/* Next round: the same rows, each gets a second sample. */
	assert_int_equal(tw_history_add(h, r, 11), 0);
	assert_int_equal(h->n_servers, nv + 2);
	for (i = 0; i < h->n_servers; i++)
		assert_int_equal(h->servers[i].ring.len, 2);

	tw_result_free(r);
	tw_history_free(h);
}

/* Counts beyond 16 bits saturate; answered never exceeds sent; NaN RTT is none. */
static void
test_sample_clamps(void **state)
{
	struct srv v = kp_ns1;
	struct tw_history *h = tw_history_new(2);
	struct tw_check_result *r = res_new();
	const struct tw_sample *smp;
	size_t z = res_zone(r, "kp");

	v.sent = 100000;
	v.answered = 200000;
	v.rtt_ms = (double)NAN;
	res_server(r, z, &v, TW_ROLE_ZONE);
	assert_int_equal(tw_history_add(h, r, 1), 0);
	smp = tw_history_ring_at(&h->servers[0].ring, 0);
	assert_int_equal(smp->sent, UINT16_MAX);
	assert_int_equal(smp->answered, UINT16_MAX);
	assert_true(smp->rtt_ms < 0);
	tw_result_free(r);

	r = res_new();
	z = res_zone(r, "kp");
	v.sent = 2;
	v.answered = 5;
	v.rtt_ms = 1e300;
	res_server(r, z, &v, TW_ROLE_ZONE);
	assert_int_equal(tw_history_add(h, r, 2), 0);
	smp = tw_history_ring_at(&h->servers[0].ring, 1);
	assert_int_equal(smp->sent, 2);
	assert_int_equal(smp->answered, 2);
	assert_true(smp->rtt_ms > 1e38f);
	tw_result_free(r);
	tw_history_free(h);
}

/* One server whose sample of round n has sent = n, to see which survive. */
static struct tw_check_result *
numbered_result(unsigned n)
{
	struct tw_check_result *r = res_new();
	struct srv v = kp_ns1;
	size_t z = res_zone(r, "kp");

	v.sent = n;
	v.answered = n / 2;
	v.rtt_ms = n;
	res_server(r, z, &v, TW_ROLE_ZONE);
	res_host(r, z, "kcna.kp", n % 2 == 0, TW_OUTCOME_ANSWER);
	return r;
}

static void
test_ring_wrap(void **state)
{
	struct tw_history *h = tw_history_new(3);
	struct tw_check_result *r;
	const struct tw_ring *ring;
	unsigned n, i;

	for (n = 1; n <= 8; n++) {
		r = numbered_result(n);
		assert_int_equal(tw_history_add(h, r, n), 0);
		tw_result_free(r);
		ring = &h->servers[0].ring;
		assert_int_equal(ring->len, n < 3 ? n : 3);
		/* Oldest first, the newest last, whatever the head. */
		for (i = 0; i < ring->len; i++) {
			unsigned want = n - ring->len + 1 + i;

			assert_int_equal(tw_history_ring_at(ring, i)->round, want);
			assert_int_equal(tw_history_ring_at(ring, i)->sent, want);
			assert_int_equal(tw_history_ring_at(&h->hosts[0].ring, i)->answered, want % 2 == 0);
		}
		assert_null(tw_history_ring_at(ring, ring->len));
	}
	assert_null(tw_history_ring_at(NULL, 0));
	tw_history_free(h);
}

/* A row absent for a whole window goes; one absent for less stays. */
static void
test_drop_stale(void **state)
{
	struct tw_history *h = tw_history_new(4);
	struct tw_check_result *both = basic_result(), *roots_only = res_new();
	uint64_t round;

	res_root(roots_only, &root_a);
	assert_int_equal(tw_history_add(h, both, 100), 0);
	assert_int_equal(h->n_servers, 3);
	for (round = 101; round <= 103; round++) {
		assert_int_equal(tw_history_add(h, roots_only, round), 0);
		assert_int_equal(h->n_servers, 3);       /* unseen for 1..3 rounds */
		assert_int_equal(h->n_hosts, 2);
	}
	/* Seen again before the window ran out: it stays, with its old samples. */
	assert_int_equal(tw_history_add(h, both, 104), 0);
	assert_int_equal(h->n_servers, 3);
	assert_int_equal(find_host(h, "kp", "kcna.kp")->ring.len, 2);
	for (round = 105; round <= 107; round++)
		assert_int_equal(tw_history_add(h, roots_only, round), 0);
	assert_int_equal(h->n_servers, 3);
	assert_int_equal(tw_history_add(h, roots_only, 108), 0);  /* 4 rounds unseen */
	assert_int_equal(h->n_servers, 1);
	assert_int_equal(h->n_hosts, 0);
	assert_string_equal(h->servers[0].name, "a.root");
	assert_int_equal(h->servers[0].ring.len, 4);

	/* A gap in the round numbers counts as rounds unseen too. */
	assert_int_equal(tw_history_add(h, both, 200), 0);
	assert_int_equal(h->n_servers, 3);
	assert_int_equal(tw_history_add(h, roots_only, 204), 0);
	assert_int_equal(h->n_servers, 1);

	/* Rounds numbered backwards (a reset): rows from "the future" go when unseen. */
	assert_int_equal(tw_history_add(h, both, 300), 0);
	assert_int_equal(tw_history_add(h, roots_only, 5), 0);
	assert_int_equal(h->n_servers, 1);
	assert_int_equal(h->servers[0].last_round, 5);

	tw_result_free(both);
	tw_result_free(roots_only);
	tw_history_free(h);
}

static void
test_set_window(void **state)
{
	struct tw_history *h = tw_history_new(5);
	struct tw_check_result *r;
	const struct tw_ring *ring;
	unsigned n, i;

	for (n = 1; n <= 7; n++) {
		r = numbered_result(n);
		assert_int_equal(tw_history_add(h, r, n), 0);
		tw_result_free(r);
	}
	/* Rounds 3..7 held, the ring wrapped; shrink to 2 keeps 6 and 7. */
	assert_int_equal(tw_history_set_window(h, 2), 0);
	assert_int_equal(h->window, 2);
	ring = &h->servers[0].ring;
	assert_int_equal(ring->len, 2);
	assert_int_equal(tw_history_ring_at(ring, 0)->round, 6);
	assert_int_equal(tw_history_ring_at(ring, 1)->round, 7);
	assert_int_equal(h->hosts[0].ring.len, 2);
	assert_int_equal(tw_history_ring_at(&h->hosts[0].ring, 1)->round, 7);

	/* Grow to 4: both kept, then fill and wrap at the new size. */
	assert_int_equal(tw_history_set_window(h, 4), 0);
	assert_int_equal(ring->len, 2);
	for (n = 8; n <= 13; n++) {
		r = numbered_result(n);
		assert_int_equal(tw_history_add(h, r, n), 0);
		tw_result_free(r);
	}
	ring = &h->servers[0].ring;
	assert_int_equal(ring->len, 4);
	for (i = 0; i < 4; i++)
		assert_int_equal(tw_history_ring_at(ring, i)->round, 10 + i);

	assert_int_equal(tw_history_set_window(h, 4), 0);   /* unchanged */
	assert_int_equal(tw_history_set_window(h, 0), -1);
	assert_int_equal(h->window, 4);
	assert_int_equal(tw_history_set_window(NULL, 3), -1);
	tw_history_free(h);
}

/* Stats over hand-made rings. */
struct stats_case {
	const char *what;
	unsigned n;
	struct { uint16_t sent, answered; float rtt; } s[8];
	unsigned rounds, sent, answered;
	double loss, min, median, max;
};

static const struct stats_case stats_cases[] = {
	{ "empty", 0, { { 0, 0, 0 } }, 0, 0, 0, -1, -1, -1, -1 },
	{ "one answered", 1, { { 2, 2, 10 } }, 1, 2, 2, 0.0, 10, 10, 10 },
	{ "silent", 2, { { 2, 0, -1 }, { 3, 0, -1 } }, 2, 5, 0, 1.0, -1, -1, -1 },
	{ "nothing sent", 2, { { 0, 0, -1 }, { 0, 0, -1 } }, 2, 0, 0, -1, -1, -1, -1 },
	{ "odd median", 3, { { 1, 1, 30 }, { 1, 1, 10 }, { 1, 1, 20 } }, 3, 3, 3, 0.0, 10, 20, 30 },
	{ "even median", 4, { { 2, 1, 40 }, { 2, 1, 10 }, { 2, 2, 20 }, { 2, 2, 30 } },
	    4, 8, 6, 0.25, 10, 25, 40 },
	{ "rtt only where answered", 5, { { 2, 1, 5 }, { 2, 0, -1 }, { 2, 0, -1 },
	    { 2, 1, 7 }, { 2, 2, 6 } }, 5, 10, 4, 0.6, 5, 6, 7 },
	{ "answered > sent counts as sent", 1, { { 1, 3, 2 } }, 1, 1, 1, 0.0, 2, 2, 2 },
};

static void
test_stats_table(void **state)
{
	struct tw_sample buf[8];
	struct tw_ring ring;
	struct tw_window_stats st;
	size_t c;
	unsigned i;

	for (c = 0; c < sizeof(stats_cases) / sizeof(stats_cases[0]); c++) {
		const struct stats_case *k = &stats_cases[c];

		memset(buf, 0, sizeof(buf));
		for (i = 0; i < k->n; i++) {
			buf[i].round = i + 1;
			buf[i].sent = k->s[i].sent;
			buf[i].answered = k->s[i].answered;
			buf[i].rtt_ms = k->s[i].rtt;
		}
		ring.s = buf;
		ring.len = k->n;
		ring.head = 0;
		tw_history_stats(&ring, &st);
		print_message("stats: %s\n", k->what);
		assert_int_equal(st.rounds, k->rounds);
		assert_int_equal(st.sent, k->sent);
		assert_int_equal(st.answered, k->answered);
		assert_true(st.loss == k->loss);
		assert_true(st.rtt_min_ms == k->min);
		assert_true(st.rtt_median_ms == k->median);
		assert_true(st.rtt_max_ms == k->max);
	}
	tw_history_stats(NULL, &st);
	assert_int_equal(st.rounds, 0);
	assert_true(st.loss < 0);
	tw_history_stats(&ring, NULL);
}

/* A full, wrapped ring longer than the stack buffer; median over the window only. */
static void
test_stats_wrapped_large(void **state)
{
	struct tw_history *h = tw_history_new(1001);
	struct tw_check_result *r;
	struct tw_window_stats st;
	unsigned n;

	/* Rounds 1..1500; rtt = round; the window holds 500..1500. */
	for (n = 1; n <= 1500; n++) {
		r = numbered_result(n);
		assert_int_equal(tw_history_add(h, r, n), 0);
		tw_result_free(r);
	}
	tw_history_stats(&h->servers[0].ring, &st);
	assert_int_equal(st.rounds, 1001);
	assert_true(st.rtt_min_ms == 500.0);
	assert_true(st.rtt_max_ms == 1500.0);
	assert_true(st.rtt_median_ms == 1000.0);
	/* sent = n, answered = n/2 over 500..1500 */
	assert_int_equal(st.sent, (500 + 1500) * 1001 / 2);
	{
		unsigned ans = 0;

		for (n = 500; n <= 1500; n++)
			ans += n / 2;
		assert_int_equal(st.answered, ans);
		assert_true(st.loss == (double)(st.sent - ans) / st.sent);
	}
	tw_history_free(h);
}

/*
 * 20,000 rounds: a steady root, a steady zone server, and servers and
 * hosts that come and go (a rotating address, a port per round), which
 * must be forgotten a window after they were last seen.
 */
static void
test_bounded_long_run(void **state)
{
	const unsigned window = 16, rounds = 20000;
	struct tw_history *h = tw_history_new(window);
	struct tw_check_result *r;
	struct srv v;
	char addr[32], host[32];
	size_t z, i, max_servers = 0, max_hosts = 0;
	unsigned n;

	for (n = 1; n <= rounds; n++) {
		r = res_new();
		res_root(r, &root_a);
		z = res_zone(r, "kp");
		res_server(r, z, &kp_ns1, TW_ROLE_ZONE);
		/* 3 rotating addresses out of 50, and one fresh port every round */
		for (i = 0; i < 3; i++) {
			v = kp_ns2;
			snprintf(addr, sizeof(addr), "127.0.%u.%zu", (n + 7 * (unsigned)i) % 50, i);
			v.address = addr;
			res_server(r, z, &v, TW_ROLE_CHILD);
		}
		v = kp_ns2;
		v.port = (uint16_t)(1024 + n % 30000);
		res_server(r, z, &v, TW_ROLE_CHILD);
		snprintf(host, sizeof(host), "h%u.kp", n % 97);
		res_host(r, z, host, true, TW_OUTCOME_ANSWER);
		if (n % 3 == 0)
			res_host(r, z, "kcna.kp", true, TW_OUTCOME_ANSWER);
		assert_int_equal(tw_history_add(h, r, n), 0);
		tw_result_free(r);

		if (h->n_servers > max_servers)
			max_servers = h->n_servers;
		if (h->n_hosts > max_hosts)
			max_hosts = h->n_hosts;
		for (i = 0; i < h->n_servers; i++) {
			assert_true(h->servers[i].ring.len <= window);
			assert_true(n - h->servers[i].last_round < window);
		}
		for (i = 0; i < h->n_hosts; i++)
			assert_true(h->hosts[i].ring.len <= window);
	}
	/*
	 * Steady rows: 2; rotating: at most 3 per round for a window;
	 * port: one per round for a window.
	 */
	print_message("max rows: %zu servers, %zu hosts\n", max_servers, max_hosts);
	assert_int_equal(max_servers, 2 + 3 * window + window);
	assert_int_equal(max_hosts, 1 + window);
	/* The steady rows have full rings; the fresh port of the last round has one sample. */
	assert_non_null(find_server(h, "", "", "127.0.0.1", 10053, TW_TRANSPORT_UDP));
	assert_int_equal(find_server(h, "", "", "127.0.0.1", 10053,
	    TW_TRANSPORT_UDP)->ring.len, window);
	assert_int_equal(find_server(h, "kp", "kp", "127.45.176.15", 10053,
	    TW_TRANSPORT_UDP)->ring.len, window);
	assert_int_equal(find_server(h, "kp", "kp", "127.45.176.16",
	    (uint16_t)(1024 + rounds % 30000), TW_TRANSPORT_UDP)->ring.len, 1);
	assert_int_equal(find_host(h, "kp", "kcna.kp")->ring.len, window);
	assert_int_equal(tw_history_ring_at(&find_host(h, "kp", "kcna.kp")->ring, 0)->round,
	    rounds - 3 * (window - 1) - rounds % 3);
	tw_history_free(h);
}

static void
test_bad_args(void **state)
{
	struct tw_history *h = tw_history_new(3);
	struct tw_check_result *r = res_new();

	assert_int_equal(tw_history_add(NULL, r, 1), -1);
	assert_int_equal(tw_history_add(h, NULL, 1), -1);
	/* An empty result is fine and drops nothing young. */
	assert_int_equal(tw_history_add(h, r, 1), 0);
	assert_int_equal(h->n_servers, 0);
	tw_result_free(r);
	tw_history_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_free),
		cmocka_unit_test(test_add_basic),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_sample_clamps),
		cmocka_unit_test(test_ring_wrap),
		cmocka_unit_test(test_drop_stale),
		cmocka_unit_test(test_set_window),
		cmocka_unit_test(test_stats_table),
		cmocka_unit_test(test_stats_wrapped_large),
		cmocka_unit_test(test_bounded_long_run),
		cmocka_unit_test(test_bad_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
