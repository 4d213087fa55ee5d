/*
 * history.c -- per-server and per-host rings of the last rounds, found by
 * key through a hash index (hash.h) built per round, and their loss/RTT
 * summaries.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tldwatch/hash.h"
#include "tldwatch/history.h"
#include "tldwatch/serial.h"

/*
 * Ring invariant: capacity is the window; head is 0 until the ring is full
 * (len == window), so the i-th oldest sample is s[(head + i) % len] and
 * tw_history_ring_at() needs no capacity.
 */

/* What identifies a row; hosts use only zone and name. */
struct key {
	const char *zone;
	const char *served;
	const char *name;        /* NULL and "" differ */
	const char *address;
	uint16_t port;
	int transport;
};

#define MEDIAN_STACK 256

/* Each string is a field of its own (hash.h): NULL and "" differ. */
static uint64_t
key_hash(const struct key *k)
{
	uint64_t h = TW_HASH_SEED;

	h = tw_hash_str(h, k->zone);
	h = tw_hash_str(h, k->served);
	h = tw_hash_str(h, k->name);
	h = tw_hash_str(h, k->address);
	h = tw_hash_u64(h, k->port);
	return tw_hash_u64(h, (uint64_t)(unsigned)k->transport);
}

static int
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* The index holds pointers into a pass's keys array; the key's place there is its row. */
static bool
key_eq(const void *item, const void *key)
{
	const struct key *a = item, *b = key;

	return a->port == b->port && a->transport == b->transport &&
	    str_eq(a->zone, b->zone) && str_eq(a->served, b->served) &&
	    str_eq(a->name, b->name) && str_eq(a->address, b->address);
}

static struct key
server_key(const struct tw_server_history *s)
{
	struct key k = { s->zone, s->served, s->name, s->address, s->port, (int)s->transport };

	return k;
}

static struct key
host_key(const struct tw_host_history *hh)
{
	struct key k = { hh->zone, NULL, hh->name, NULL, 0, 0 };

	return k;
}

/* The i-th oldest sample; i < ring->len. */
static const struct tw_sample *
at(const struct tw_ring *ring, unsigned i)
{
	return &ring->s[(ring->head + i) % ring->len];
}

static void
ring_push(struct tw_ring *ring, unsigned window, const struct tw_sample *smp)
{
	if (ring->len < window) {
		ring->s[ring->len++] = *smp;
		return;
	}
	ring->s[ring->head] = *smp;
	ring->head = (ring->head + 1) % window;
}

static struct tw_sample *
ring_newest(struct tw_ring *ring)
{
	if (ring->len == 0)
		return NULL;
	return &ring->s[(ring->head + ring->len - 1) % ring->len];
}

static uint16_t
sat16(unsigned long v)
{
	return v > UINT16_MAX ? UINT16_MAX : (uint16_t)v;
}

/* A second row with the same key in one round: count both. */
static void
sample_merge(struct tw_sample *old, const struct tw_sample *add)
{
	old->sent = sat16((unsigned long)old->sent + add->sent);
	old->answered = sat16((unsigned long)old->answered + add->answered);
	if (old->answered > old->sent)
		old->answered = old->sent;
	if (add->rtt_ms >= 0 && (old->rtt_ms < 0 || add->rtt_ms < old->rtt_ms))
		old->rtt_ms = add->rtt_ms;
	if (old->outcome == TW_OUTCOME_NONE)
		old->outcome = add->outcome;
}

static struct tw_sample
server_sample(const struct tw_server_result *sr, uint64_t round)
{
	struct tw_sample smp;

	memset(&smp, 0, sizeof(smp));
	smp.round = round;
	smp.sent = sat16(sr->sent);
	smp.answered = sat16(sr->answered);
	if (smp.answered > smp.sent)
		smp.answered = smp.sent;
	/* "!(x >= 0)" also catches NaN, which JSON cannot carry. */
	if (!(sr->rtt_ms >= 0))
		smp.rtt_ms = -1.0f;
	else
		smp.rtt_ms = sr->rtt_ms > (double)FLT_MAX ? FLT_MAX : (float)sr->rtt_ms;
	smp.outcome = (unsigned)sr->outcome < TW_OUTCOME_COUNT ? (uint8_t)sr->outcome : 0;
	return smp;
}

static struct tw_sample
host_sample(const struct tw_host_result *hr, uint64_t round)
{
	struct tw_sample smp;

	memset(&smp, 0, sizeof(smp));
	smp.round = round;
	smp.sent = 1;
	smp.answered = hr->resolved ? 1 : 0;
	smp.rtt_ms = -1.0f;
	smp.outcome = (unsigned)hr->outcome < TW_OUTCOME_COUNT ? (uint8_t)hr->outcome : 0;
	return smp;
}

static void
server_row_free(struct tw_server_history *s)
{
	free(s->zone);
	free(s->served);
	free(s->name);
	free(s->ring.s);
	free(s->nsid);
	free(s->identity);
}

static void
host_row_free(struct tw_host_history *hh)
{
	free(hh->zone);
	free(hh->name);
	free(hh->ring.s);
}

static int
stale(uint64_t last_round, uint64_t round, unsigned window)
{
	/* A last_round ahead of round is from an earlier life of the state. */
	return last_round > round || round - last_round >= window;
}

struct tw_history *
tw_history_new(unsigned window)
{
	struct tw_history *h;

	if (window == 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->window = window;
	return h;
}

void
tw_history_free(struct tw_history *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->n_servers; i++)
		server_row_free(&h->servers[i]);
	for (i = 0; i < h->n_hosts; i++)
		host_row_free(&h->hosts[i]);
	free(h->servers);
	free(h->hosts);
	free(h);
}

/* Copy the newest min(len, window) samples of ${ring} into ${dst}, oldest first. */
static unsigned
ring_copy_newest(const struct tw_ring *ring, struct tw_sample *dst, unsigned window)
{
	unsigned keep = ring->len < window ? ring->len : window, i;

	for (i = 0; i < keep; i++)
		dst[i] = *at(ring, ring->len - keep + i);
	return keep;
}

int
tw_history_set_window(struct tw_history *h, unsigned window)
{
	struct tw_sample **fresh;
	struct tw_ring *ring;
	size_t n, i;

	if (h == NULL || window == 0) {
		errno = EINVAL;
		return -1;
	}
	if (window == h->window)
		return 0;
	/* Allocate every new ring first, so that a failure changes nothing. */
	n = h->n_servers + h->n_hosts;
	if ((fresh = calloc(n > 0 ? n : 1, sizeof(*fresh))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if ((fresh[i] = calloc(window, sizeof(struct tw_sample))) == NULL) {
			while (i-- > 0)
				free(fresh[i]);
			free(fresh);
			return -1;
		}
	}
	for (i = 0; i < n; i++) {
		ring = i < h->n_servers ? &h->servers[i].ring : &h->hosts[i - h->n_servers].ring;
		ring->len = ring_copy_newest(ring, fresh[i], window);
		ring->head = 0;
		free(ring->s);
		ring->s = fresh[i];
	}
	free(fresh);
	h->window = window;
	return 0;
}

static char *
dup_or_empty(const char *s)
{
	return strdup(s != NULL ? s : "");
}

/* A new, empty server row for ${sr} of zone ${zone}; fills *s. */
static int
server_row_init(struct tw_server_history *s, const char *zone,
    const struct tw_server_result *sr, unsigned window)
{
	memset(s, 0, sizeof(*s));
	s->zone = dup_or_empty(zone);
	s->served = dup_or_empty(sr->zone);
	s->name = sr->name != NULL ? strdup(sr->name) : NULL;
	s->ring.s = calloc(window, sizeof(*s->ring.s));
	if (s->zone == NULL || s->served == NULL || (sr->name != NULL && s->name == NULL) ||
	    s->ring.s == NULL) {
		server_row_free(s);
		memset(s, 0, sizeof(*s));
		return -1;
	}
	memcpy(s->address, sr->address, sizeof(s->address));
	s->address[sizeof(s->address) - 1] = '\0';
	s->port = sr->port;
	s->transport = sr->transport;
	return 0;
}

static int
host_row_init(struct tw_host_history *hh, const char *zone, const struct tw_host_result *hr,
    unsigned window)
{
	memset(hh, 0, sizeof(*hh));
	hh->zone = dup_or_empty(zone);
	hh->name = dup_or_empty(hr->name);
	hh->ring.s = calloc(window, sizeof(*hh->ring.s));
	if (hh->zone == NULL || hh->name == NULL || hh->ring.s == NULL) {
		host_row_free(hh);
		memset(hh, 0, sizeof(*hh));
		return -1;
	}
	return 0;
}

/* The result's server rows in order: roots, then every zone's rows. */
struct server_ref {
	const char *zone;
	const struct tw_server_result *sr;
};

struct host_ref {
	const char *zone;
	const struct tw_host_result *hr;
};

/*
 * What the server and the host tables differ in; the passes below work on
 * either through it.  A row is ${row_size} bytes, a result reference
 * (struct server_ref or host_ref) ${ref_size}.
 */
struct table {
	size_t row_size, ref_size;
	struct key (*row_key)(const void *row);
	struct key (*ref_key)(const void *ref);
	int (*row_init)(void *row, const void *ref, unsigned window);
	void (*row_free)(void *row);
	/* this round's sample of ${ref}; the row keeps the round (and the role) */
	struct tw_sample (*take)(void *row, const void *ref, uint64_t round);
	struct tw_ring *(*ring)(void *row);
	uint64_t (*last_round)(const void *row);
};

static struct key
server_row_key(const void *row)
{
	return server_key(row);
}

static struct key
server_ref_key(const void *ref)
{
	const struct server_ref *r = ref;

	return (struct key){ r->zone != NULL ? r->zone : "",
	    r->sr->zone != NULL ? r->sr->zone : "", r->sr->name, r->sr->address, r->sr->port,
	    (int)r->sr->transport };
}

static int
server_ref_init(void *row, const void *ref, unsigned window)
{
	const struct server_ref *r = ref;

	return server_row_init(row, r->zone, r->sr, window);
}

static void
server_free_row(void *row)
{
	server_row_free(row);
}

/* The latest known value: ${now} when there is one (kept as it was when memory runs out). */
static void
keep_latest(char **known, const char *now)
{
	char *d;

	if (now == NULL || (*known != NULL && strcmp(*known, now) == 0) ||
	    (d = strdup(now)) == NULL)
		return;
	free(*known);
	*known = d;
}

static struct tw_sample
server_take(void *row, const void *ref, uint64_t round)
{
	struct tw_server_history *s = row;
	const struct server_ref *r = ref;

	s->role = r->sr->role;
	s->last_round = round;
	keep_latest(&s->nsid, r->sr->nsid);
	keep_latest(&s->identity, r->sr->identity);
	/* behind since the time the watcher found (tw_history_serial_lag), else since before */
	if (!r->sr->serial_behind)
		s->behind_since = 0;
	else if (r->sr->serial_behind_since > 0)
		s->behind_since = r->sr->serial_behind_since;
	return server_sample(r->sr, round);
}

static struct tw_ring *
server_ring(void *row)
{
	return &((struct tw_server_history *)row)->ring;
}

static uint64_t
server_last_round(const void *row)
{
	return ((const struct tw_server_history *)row)->last_round;
}

static struct key
host_row_key(const void *row)
{
	return host_key(row);
}

static struct key
host_ref_key(const void *ref)
{
	const struct host_ref *r = ref;

	return (struct key){ r->zone != NULL ? r->zone : "", NULL,
	    r->hr->name != NULL ? r->hr->name : "", NULL, 0, 0 };
}

static int
host_ref_init(void *row, const void *ref, unsigned window)
{
	const struct host_ref *r = ref;

	return host_row_init(row, r->zone, r->hr, window);
}

static void
host_free_row(void *row)
{
	host_row_free(row);
}

static struct tw_sample
host_take(void *row, const void *ref, uint64_t round)
{
	((struct tw_host_history *)row)->last_round = round;
	return host_sample(((const struct host_ref *)ref)->hr, round);
}

static struct tw_ring *
host_ring(void *row)
{
	return &((struct tw_host_history *)row)->ring;
}

static uint64_t
host_last_round(const void *row)
{
	return ((const struct tw_host_history *)row)->last_round;
}

static const struct table server_table = {
	sizeof(struct tw_server_history), sizeof(struct server_ref), server_row_key,
	server_ref_key, server_ref_init, server_free_row, server_take, server_ring,
	server_last_round
};

static const struct table host_table = {
	sizeof(struct tw_host_history), sizeof(struct host_ref), host_row_key, host_ref_key,
	host_ref_init, host_free_row, host_take, host_ring, host_last_round
};

static void *
row_at(const struct table *t, void *rows, size_t i)
{
	return (char *)rows + i * t->row_size;
}

static const void *
ref_at(const struct table *t, const void *refs, size_t i)
{
	return (const char *)refs + i * t->ref_size;
}

/*
 * Both tables are updated in two phases: first every row the round needs
 * is found or created (any allocation failure undoes the new rows and
 * leaves the history as it was), then samples are recorded and stale rows
 * dropped, which cannot fail.
 */
struct pass {
	size_t n_old;            /* rows before this round */
	size_t n;                /* rows now (old + new) */
	size_t *row_of;          /* per result row: its history row */
	unsigned char *touched;  /* per history row: sampled this round */
	struct key *keys;
};

static void
pass_free(struct pass *p)
{
	free(p->row_of);
	free(p->touched);
	free(p->keys);
}

/* Undo table_prepare's new rows (it failed, or the other table did). */
static void
table_unprepare(const struct table *t, void *rows, struct pass *p)
{
	size_t i;

	for (i = p->n_old; i < p->n; i++)
		t->row_free(row_at(t, rows, i));
	p->n = p->n_old;
}

/*
 * Phase one for the table of ${n_rows} rows at *rows (which may move: the
 * caller stores it back whatever this returns): find or create the row of
 * each of the ${n_refs} references.  0, or -1 with nothing else changed.
 */
static int
table_prepare(const struct table *t, void **rows, size_t n_rows, unsigned window,
    const void *refs, size_t n_refs, struct pass *p)
{
	struct tw_hash ix = TW_HASH_INIT;
	const struct key *found;
	struct key k;
	size_t i, row;
	uint64_t hh;
	void *grown;

	memset(p, 0, sizeof(*p));
	p->n_old = p->n = n_rows;
	if (n_refs > 0) {
		if ((grown = realloc(*rows, (n_rows + n_refs) * t->row_size)) == NULL)
			return -1;
		*rows = grown;
	}
	p->row_of = calloc(n_refs + 1, sizeof(*p->row_of));
	p->touched = calloc(n_rows + n_refs + 1, 1);
	p->keys = calloc(n_rows + n_refs + 1, sizeof(*p->keys));
	/* Room for every row at once: no add below can fail. */
	if (p->row_of == NULL || p->touched == NULL || p->keys == NULL ||
	    tw_hash_reserve(&ix, n_rows + n_refs) != 0)
		goto fail;
	for (i = 0; i < n_rows; i++) {
		p->keys[i] = t->row_key(row_at(t, *rows, i));
		hh = key_hash(&p->keys[i]);
		/* A duplicate row (hand-edited state) is left to go stale. */
		if (tw_hash_find(&ix, hh, key_eq, &p->keys[i]) == NULL)
			(void)tw_hash_add(&ix, hh, &p->keys[i]);
	}
	for (i = 0; i < n_refs; i++) {
		k = t->ref_key(ref_at(t, refs, i));
		hh = key_hash(&k);
		if ((found = tw_hash_find(&ix, hh, key_eq, &k)) != NULL) {
			row = (size_t)(found - p->keys);
		} else {
			row = p->n;
			if (t->row_init(row_at(t, *rows, row), ref_at(t, refs, i), window) != 0)
				goto fail;
			p->n++;
			p->keys[row] = t->row_key(row_at(t, *rows, row));
			(void)tw_hash_add(&ix, hh, &p->keys[row]);
		}
		p->row_of[i] = row;
	}
	tw_hash_free(&ix);
	return 0;
fail:
	table_unprepare(t, *rows, p);
	tw_hash_free(&ix);
	pass_free(p);
	return -1;
}

/* Record one sample in ${ring}, merging with this round's if the row came twice. */
static void
record(struct tw_ring *ring, unsigned window, unsigned char *touched,
    const struct tw_sample *smp)
{
	struct tw_sample *last;

	if (*touched && (last = ring_newest(ring)) != NULL) {
		sample_merge(last, smp);
		return;
	}
	ring_push(ring, window, smp);
	*touched = 1;
}

/*
 * Phase two: record the round's samples, drop the rows gone stale, and
 * return how many rows are left at *rows (which may move, as above).
 */
static size_t
table_commit(const struct table *t, void **rows, unsigned window, const void *refs,
    size_t n_refs, struct pass *p, uint64_t round)
{
	struct tw_sample smp;
	size_t i, kept = 0;
	void *row, *shrunk;

	for (i = 0; i < n_refs; i++) {
		row = row_at(t, *rows, p->row_of[i]);
		smp = t->take(row, ref_at(t, refs, i), round);
		record(t->ring(row), window, &p->touched[p->row_of[i]], &smp);
	}
	for (i = 0; i < p->n; i++) {
		row = row_at(t, *rows, i);
		if (!p->touched[i] && stale(t->last_round(row), round, window)) {
			t->row_free(row);
			continue;
		}
		if (kept != i)
			memcpy(row_at(t, *rows, kept), row, t->row_size);
		kept++;
	}
	if (kept == 0) {
		free(*rows);
		*rows = NULL;
	} else if ((shrunk = realloc(*rows, kept * t->row_size)) != NULL) {
		*rows = shrunk;
	}
	return kept;
}

int
tw_history_add(struct tw_history *h, const struct tw_check_result *r, uint64_t round)
{
	struct server_ref *srefs = NULL;
	struct host_ref *hrefs = NULL;
	void *srows, *hrows;
	struct pass sp, hp;
	size_t n_s = 0, n_h = 0, i, j, k;
	int rc = -1, hrc;

	if (h == NULL || r == NULL || h->window == 0) {
		errno = EINVAL;
		return -1;
	}
	n_s = r->n_roots;
	for (i = 0; i < r->n_zones; i++) {
		n_s += r->zones[i].n_servers;
		n_h += r->zones[i].n_hosts;
	}
	srefs = calloc(n_s + 1, sizeof(*srefs));
	hrefs = calloc(n_h + 1, sizeof(*hrefs));
	if (srefs == NULL || hrefs == NULL)
		goto out;
	k = 0;
	for (i = 0; i < r->n_roots; i++)
		srefs[k++] = (struct server_ref){ "", &r->roots[i] };
	for (i = 0; i < r->n_zones; i++)
		for (j = 0; j < r->zones[i].n_servers; j++)
			srefs[k++] = (struct server_ref){ r->zones[i].name,
			    &r->zones[i].servers[j] };
	k = 0;
	for (i = 0; i < r->n_zones; i++)
		for (j = 0; j < r->zones[i].n_hosts; j++)
			hrefs[k++] = (struct host_ref){ r->zones[i].name, &r->zones[i].hosts[j] };

	srows = h->servers;
	rc = table_prepare(&server_table, &srows, h->n_servers, h->window, srefs, n_s, &sp);
	h->servers = srows;
	if (rc != 0)
		goto out;
	hrows = h->hosts;
	hrc = table_prepare(&host_table, &hrows, h->n_hosts, h->window, hrefs, n_h, &hp);
	h->hosts = hrows;
	if (hrc != 0) {
		table_unprepare(&server_table, h->servers, &sp);
		pass_free(&sp);
		rc = -1;
		goto out;
	}
	h->n_servers = table_commit(&server_table, &srows, h->window, srefs, n_s, &sp, round);
	h->servers = srows;
	h->n_hosts = table_commit(&host_table, &hrows, h->window, hrefs, n_h, &hp, round);
	h->hosts = hrows;
	pass_free(&sp);
	pass_free(&hp);
out:
	free(srefs);
	free(hrefs);
	return rc;
}

const struct tw_sample *
tw_history_ring_at(const struct tw_ring *ring, unsigned i)
{
	if (ring == NULL || ring->s == NULL || i >= ring->len)
		return NULL;
	return at(ring, i);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The k-th smallest RTT without a buffer (only when malloc failed). */
static double
kth_rtt(const struct tw_ring *ring, unsigned k)
{
	const struct tw_sample *a, *b;
	unsigned i, j, less, equal;

	for (i = 0; i < ring->len; i++) {
		a = at(ring, i);
		if (!(a->rtt_ms >= 0))
			continue;
		less = equal = 0;
		for (j = 0; j < ring->len; j++) {
			b = at(ring, j);
			if (!(b->rtt_ms >= 0))
				continue;
			if (b->rtt_ms < a->rtt_ms)
				less++;
			else if (b->rtt_ms == a->rtt_ms)
				equal++;
		}
		if (less <= k && k < less + equal)
			return (double)a->rtt_ms;
	}
	return -1.0;
}

void
tw_history_stats(const struct tw_ring *ring, struct tw_window_stats *out)
{
	double stack[MEDIAN_STACK], *rtts = stack, rtt;
	const struct tw_sample *smp;
	unsigned i, n = 0;

	if (out == NULL)
		return;
	memset(out, 0, sizeof(*out));
	out->loss = out->rtt_min_ms = out->rtt_median_ms = out->rtt_max_ms = -1.0;
	if (ring == NULL || ring->s == NULL || ring->len == 0)
		return;
	/* Without a buffer the median is found the slow way. */
	if (ring->len > MEDIAN_STACK)
		rtts = malloc(ring->len * sizeof(*rtts));
	out->rounds = ring->len;
	for (i = 0; i < ring->len; i++) {
		smp = at(ring, i);
		out->sent += smp->sent;
		out->answered += smp->answered < smp->sent ? smp->answered : smp->sent;
		if (!(smp->rtt_ms >= 0))
			continue;
		rtt = (double)smp->rtt_ms;
		if (out->rtt_min_ms < 0 || rtt < out->rtt_min_ms)
			out->rtt_min_ms = rtt;
		if (rtt > out->rtt_max_ms)
			out->rtt_max_ms = rtt;
		if (rtts != NULL)
			rtts[n] = rtt;
		n++;
	}
	if (out->sent > 0)
		out->loss = (double)(out->sent - out->answered) / out->sent;
	if (n > 0 && rtts != NULL) {
		qsort(rtts, n, sizeof(*rtts), cmp_double);
		out->rtt_median_ms = n % 2 ? rtts[n / 2] : (rtts[n / 2 - 1] + rtts[n / 2]) / 2.0;
	} else if (n > 0) {
		out->rtt_median_ms = n % 2 ? kth_rtt(ring, n / 2) :
		    (kth_rtt(ring, n / 2 - 1) + kth_rtt(ring, n / 2)) / 2.0;
	}
	if (rtts != stack)
		free(rtts);
}

void
tw_history_serial_lag(const struct tw_history *h, struct tw_check_result *r, double now,
    double grace)
{
	size_t i;

	for (i = 0; i < r->n_zones; i++)
		tw_serial_mark(&r->zones[i]);
	tw_history_serial_clock(h, r, now, grace);
}

void
tw_history_serial_clock(const struct tw_history *h, struct tw_check_result *r, double now,
    double grace)
{
	size_t i, j, k;

	for (i = 0; i < r->n_zones; i++) {
		struct tw_zone_result *z = &r->zones[i];

		for (j = 0; j < z->n_servers; j++) {
			struct tw_server_result *sv = &z->servers[j];
			struct key want = { z->name, sv->zone, sv->name, sv->address, sv->port,
			    (int)sv->transport };

			sv->serial_behind_since = 0;
			sv->serial_behind_seconds = 0;
			sv->serial_excused = false;
			if (!sv->serial_behind)
				continue;
			sv->serial_behind_since = now;
			for (k = 0; h != NULL && k < h->n_servers; k++) {
				struct key have = server_key(&h->servers[k]);

				if (h->servers[k].behind_since > 0 && key_eq(&have, &want)) {
					sv->serial_behind_since = h->servers[k].behind_since;
					break;
				}
			}
			sv->serial_behind_seconds = now > sv->serial_behind_since ?
			    now - sv->serial_behind_since : 0;
			sv->serial_excused = sv->serial_behind_seconds < grace;
		}
	}
}
