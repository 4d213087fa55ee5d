/*
 * outage.c -- find a zone's outages in its rounds and tell each one's story
 * (see outage.h for the definitions).
 */
#include <stdlib.h>
#include <string.h>

#include "tldwatch/outage.h"
#include "tldwatch/text.h"

/* The stretch before an outage is looked at no further back than this. */
#define PRE_MAX_SECONDS (7.0 * 86400)

int
tw_outage_next(const struct tw_outage_input *in, size_t from, struct tw_outage_span *span)
{
	const struct tw_outage_round *r = in->rounds;
	size_t e, x, k;

	memset(span, 0, sizeof(*span));
	for (e = from; e < in->n_rounds && !r[e].in_outage; e++)
		;
	if (e >= in->n_rounds)
		return -1;
	for (x = e + 1; x < in->n_rounds && r[x].in_outage; x++)
		;
	span->floor = from;
	span->next = x;
	span->carried = e == from;
	/* The bad run that led to it: back over bad and blind rounds, then its first bad one. */
	for (k = e; k > from && (tw_state_is_bad(r[k - 1].raw) ||
	    r[k - 1].raw == TW_STATE_UNKNOWN); k--)
		;
	while (k < e && !tw_state_is_bad(r[k].raw))
		k++;
	span->b = k;
	if (x >= in->n_rounds)
		return 0;
	/* The good run that ended it: back from the restoring round over good and blind ones. */
	for (k = x; k > e + 1 && (tw_state_is_good(r[k - 1].raw) ||
	    r[k - 1].raw == TW_STATE_UNKNOWN); k--)
		;
	while (k < x && !tw_state_is_good(r[k].raw))
		k++;
	span->g = k;
	span->ended = true;
	return 0;
}

void
tw_outage_clear(struct tw_outage *o)
{
	size_t i;

	if (o == NULL)
		return;
	free(o->zone);
	for (i = 0; i < o->n_phases; i++)
		free(o->phases[i].diagnosis);
	free(o->phases);
	for (i = 0; i < o->n_hosts; i++)
		free(o->hosts[i].name);
	free(o->hosts);
	free(o->order);
	memset(o, 0, sizeof(*o));
}

/* The first round of the stretch before B that the story tells. */
static size_t
pre_start(const struct tw_outage_input *in, const struct tw_outage_span *sp, size_t lower)
{
	const struct tw_outage_round *r = in->rounds;
	size_t pre = sp->b;

	while (pre > lower && r[pre - 1].published != TW_STATE_UP &&
	    r[sp->b].start - r[pre - 1].start <= PRE_MAX_SECONDS)
		pre--;
	return pre;
}

/*
 * An unstable stretch was published only once its flap window held enough
 * changes: it began with the first change in that window.
 */
static double
unstable_since(const struct tw_outage_input *in, size_t pre, size_t lower)
{
	const struct tw_outage_round *r = in->rounds;
	size_t k, first = pre;

	if (in->flap_window > 1 && pre >= in->flap_window - 1)
		first = pre - (in->flap_window - 1);
	else
		first = 0;
	if (first <= lower)
		first = lower + 1;
	for (k = first; k < pre; k++)
		if (r[k].raw != r[k - 1].raw)
			return r[k].start;
	return r[pre].start;
}

struct phases {
	struct tw_outage_phase *v;
	size_t n;
	bool failed;
};

static void
phase_add(struct phases *ph, bool restored, enum tw_state st, double start, const char *diag)
{
	struct tw_outage_phase *p;

	if (ph->failed)
		return;
	p = &ph->v[ph->n++];
	memset(p, 0, sizeof(*p));
	p->restored = restored;
	p->state = st;
	p->start = start;
	p->open = true;
	p->diagnosis = tw_text_dup(diag, &ph->failed);
	if (ph->n > 1) {
		ph->v[ph->n - 2].end = start;
		ph->v[ph->n - 2].open = false;
	}
}

static int
build_phases(const struct tw_outage_input *in, const struct tw_outage_span *sp, size_t pre,
    size_t lower, struct tw_outage *o)
{
	const struct tw_outage_round *r = in->rounds;
	size_t end = sp->ended ? sp->g : in->n_rounds, i;
	struct phases ph;
	double start;

	memset(&ph, 0, sizeof(ph));
	/* At most one phase per round, and the restored marker. */
	if ((ph.v = calloc(end - pre + 1, sizeof(*ph.v))) == NULL)
		return -1;
	for (i = pre; i < sp->b; i++) {
		if (i > pre && r[i].published == r[i - 1].published)
			continue;
		start = r[i].start;
		if (i == pre && r[i].published == TW_STATE_UNSTABLE)
			start = unstable_since(in, pre, lower);
		phase_add(&ph, false, r[i].published, start, r[i].diagnosis);
	}
	for (i = sp->b; i < end; i++) {
		if (i > sp->b && r[i].raw == r[i - 1].raw)
			continue;
		phase_add(&ph, false, r[i].raw, r[i].start, r[i].diagnosis);
	}
	if (sp->ended) {
		phase_add(&ph, true, r[sp->g].raw, r[sp->g].start, r[sp->g].diagnosis);
		ph.v[ph.n - 1].end = r[sp->g].start;
		ph.v[ph.n - 1].open = false;
	}
	o->phases = ph.v;
	o->n_phases = ph.n;
	return ph.failed ? -1 : 0;
}

static uint8_t
seen(const struct tw_outage_round *r, size_t h)
{
	return r->seen != NULL ? r->seen[h] : TW_OUTAGE_SEEN_NONE;
}

/*
 * When host ${h} went dark and came back: the dark run that holds B, or the
 * first one after it (a host flapping before the outage came back from the
 * outage, not from a flap).
 */
static void
host_story(const struct tw_outage_input *in, const struct tw_outage_span *sp, size_t lower,
    size_t h, struct tw_outage_host *out)
{
	const struct tw_outage_round *r = in->rounds;
	size_t end = sp->ended ? sp->g : in->n_rounds - 1, d, j, e, k;

	for (d = sp->b; d <= end && seen(&r[d], h) != TW_OUTAGE_SEEN_DARK; d++)
		;
	if (d > end)
		return;                   /* it never went dark */
	/* The dark run it belongs to began at its earliest dark round. */
	for (j = e = d; j > lower && seen(&r[j - 1], h) != TW_OUTAGE_SEEN_RESOLVED; j--)
		if (seen(&r[j - 1], h) == TW_OUTAGE_SEEN_DARK)
			e = j - 1;
	out->lost_known = true;
	out->lost = r[e].start;
	for (k = d + 1; k < in->n_rounds; k++) {
		if (seen(&r[k], h) == TW_OUTAGE_SEEN_RESOLVED) {
			out->back_known = true;
			out->back = r[k].start;
			out->back_round = k;
			break;
		}
		if (seen(&r[k], h) == TW_OUTAGE_SEEN_DARK)
			d = k;
	}
	out->back_lo = r[d].start;
}

static int
cmp_back(const void *pa, const void *pb, void *arg)
{
	const struct tw_outage_host *hosts = arg;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;

	if (hosts[a].back_round != hosts[b].back_round)
		return hosts[a].back_round < hosts[b].back_round ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* Insertion sort: a handful of hosts, and qsort_r is not C11. */
static void
sort_order(struct tw_outage *o)
{
	size_t i, j, v;

	for (i = 1; i < o->n_order; i++) {
		v = o->order[i];
		for (j = i; j > 0 && cmp_back(&o->order[j - 1], &v, o->hosts) > 0; j--)
			o->order[j] = o->order[j - 1];
		o->order[j] = v;
	}
}

int
tw_outage_build(const struct tw_outage_input *in, const struct tw_outage_span *sp,
    struct tw_outage *o)
{
	const struct tw_outage_round *r = in->rounds;
	size_t i, k, pre, lower = sp->floor;
	size_t last = sp->ended ? sp->g : in->n_rounds - 1;
	bool failed = false;
	double end_w = 0;

	memset(o, 0, sizeof(*o));
	if (sp->b >= in->n_rounds || (sp->ended && (sp->g <= sp->b || sp->g >= in->n_rounds)))
		return -1;
	o->zone = tw_text_dup(in->zone != NULL ? in->zone : "", &failed);
	o->ongoing = !sp->ended;
	o->start = r[sp->b].start;
	o->first_round = r[sp->b].round;
	o->last_round = r[last].round;
	/* Began after the last round that was neither bad nor blind. */
	for (k = sp->b; k > sp->floor; k--) {
		if (!tw_state_is_bad(r[k - 1].raw) && r[k - 1].raw != TW_STATE_UNKNOWN) {
			o->start_lo_known = true;
			o->start_lo = r[k - 1].start;
			break;
		}
	}
	/* Carried over from before these rounds: the tracker's start is the outage's. */
	if (sp->carried && in->held_since > 0 && in->held_since < o->start) {
		o->start = in->held_since;
		o->start_lo_known = false;
	}
	if (sp->ended) {
		o->end = r[sp->g].start;
		o->end_lo = o->start;     /* no bad round among these: ended since it began */
		for (k = sp->g; k > sp->b; k--) {
			if (tw_state_is_bad(r[k - 1].raw)) {
				o->end_lo = r[k - 1].start;
				break;
			}
		}
		end_w = o->end - o->end_lo;
	}
	o->seconds = r[last].start - o->start;
	o->uncertainty = ((o->start_lo_known ? o->start - o->start_lo : 0) + end_w) / 2;

	pre = pre_start(in, sp, lower);
	if (failed || build_phases(in, sp, pre, lower, o) != 0)
		goto fail;
	if (o->n_phases > 0 && pre == sp->b && o->phases[0].start > o->start)
		o->phases[0].start = o->start;   /* carried: its first phase from its start */
	if (in->n_hosts > 0) {
		if ((o->hosts = calloc(in->n_hosts, sizeof(*o->hosts))) == NULL ||
		    (o->order = calloc(in->n_hosts, sizeof(*o->order))) == NULL)
			goto fail;
		o->n_hosts = in->n_hosts;
		for (i = 0; i < in->n_hosts; i++) {
			o->hosts[i].name = tw_text_dup(in->hosts[i], &failed);
			o->hosts[i].key = in->keys != NULL && in->keys[i];
			host_story(in, sp, lower, i, &o->hosts[i]);
			if (o->hosts[i].back_known)
				o->order[o->n_order++] = i;
		}
		if (failed)
			goto fail;
		sort_order(o);
	}
	return 0;
fail:
	tw_outage_clear(o);
	return -1;
}
