/*
 * timeline.c -- published-state periods and UTC calendar buckets (see timeline.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tldwatch/timeline.h"

/* Silence longer than this many intervals means the watcher was not running. */
#define GAP_INTERVALS 2.0
#define GAP_DIAGNOSIS "no rounds: the watcher was not running"

struct list {
	struct tw_timeline_period *v;
	size_t n, cap;
	bool failed;
};

static struct tw_timeline_period *
push(struct list *l, enum tw_state st, double start, bool gap, const char *diag)
{
	struct tw_timeline_period *p, *nv;
	size_t cap;

	if (l->failed)
		return NULL;
	if (l->n == l->cap) {
		cap = l->cap > 0 ? l->cap * 2 : 16;
		if ((nv = realloc(l->v, cap * sizeof(*nv))) == NULL) {
			l->failed = true;
			return NULL;
		}
		l->v = nv;
		l->cap = cap;
	}
	p = &l->v[l->n++];
	memset(p, 0, sizeof(*p));
	p->state = st;
	p->start = start;
	p->open = true;
	p->gap = gap;
	if (diag != NULL && (p->diagnosis = strdup(diag)) == NULL)
		l->failed = true;
	return p;
}

/* End the latest period at ${t}. */
static void
close_last(struct list *l, double t)
{
	if (l->n > 0 && l->v[l->n - 1].open) {
		l->v[l->n - 1].end = t;
		l->v[l->n - 1].open = false;
	}
}

static double
silence_after(const struct tw_timeline_round *r)
{
	return GAP_INTERVALS * (r->interval > 0 ? r->interval : 60.0);
}

void
tw_timeline_periods_free(struct tw_timeline_period *p, size_t n)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < n; i++)
		free(p[i].diagnosis);
	free(p);
}

/* Keep the periods overlapping [since, until], clipped; free the rest. */
static void
clip(struct list *l, double since, double until)
{
	size_t i, k = 0;
	struct tw_timeline_period *p;

	for (i = 0; i < l->n; i++) {
		p = &l->v[i];
		if ((!p->open && p->end <= since) || (until >= 0 && p->start >= until)) {
			free(p->diagnosis);
			continue;
		}
		if (p->start < since)
			p->start = since;
		if (until >= 0 && (p->open || p->end > until)) {
			p->end = until;
			p->open = false;
		}
		l->v[k++] = *p;
	}
	l->n = k;
}

int
tw_timeline_periods(const struct tw_timeline_round *r, size_t n, double now, double since,
    double until, struct tw_timeline_period **out, size_t *n_out)
{
	struct list l;
	double quiet_end;
	size_t i;

	memset(&l, 0, sizeof(l));
	*out = NULL;
	*n_out = 0;
	for (i = 0; i < n; i++) {
		if (i > 0 && r[i].start - r[i - 1].start > silence_after(&r[i - 1])) {
			quiet_end = r[i - 1].start + r[i - 1].interval;
			close_last(&l, quiet_end);
			push(&l, TW_STATE_UNKNOWN, quiet_end, true, GAP_DIAGNOSIS);
		}
		if (l.n == 0 || l.v[l.n - 1].gap || l.v[l.n - 1].state != r[i].published) {
			close_last(&l, r[i].start);
			push(&l, r[i].published, r[i].start, false, r[i].diagnosis);
		}
	}
	if (n > 0 && now - r[n - 1].start > silence_after(&r[n - 1])) {
		quiet_end = r[n - 1].start + r[n - 1].interval;
		close_last(&l, quiet_end);
		push(&l, TW_STATE_UNKNOWN, quiet_end, true, GAP_DIAGNOSIS);
	}
	if (l.failed) {
		tw_timeline_periods_free(l.v, l.n);
		return -1;
	}
	clip(&l, since, until);
	*out = l.v;
	*n_out = l.n;
	if (l.n == 0) {
		free(l.v);
		*out = NULL;
	}
	return 0;
}

static const char *const by_names[] = { "hour", "day", "month" };

int
tw_timeline_by_from_str(const char *s, enum tw_timeline_by *out)
{
	unsigned i;

	for (i = 0; i < 3; i++) {
		if (strcmp(s, by_names[i]) == 0) {
			*out = (enum tw_timeline_by)i;
			return 0;
		}
	}
	return -1;
}

const char *
tw_timeline_by_str(enum tw_timeline_by by)
{
	return (unsigned)by < 3 ? by_names[by] : "invalid";
}

double
tw_timeline_bucket(double t, enum tw_timeline_by by)
{
	time_t s = (time_t)floor(t);
	struct tm tm;

	switch (by) {
	case TW_TIMELINE_HOUR:
		return floor(t / 3600.0) * 3600.0;
	case TW_TIMELINE_DAY:
		return floor(t / 86400.0) * 86400.0;
	case TW_TIMELINE_MONTH:
		break;
	}
	gmtime_r(&s, &tm);
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	return (double)timegm(&tm);
}

double
tw_timeline_bucket_next(double b, enum tw_timeline_by by)
{
	time_t s = (time_t)b;
	struct tm tm;

	switch (by) {
	case TW_TIMELINE_HOUR:
		return b + 3600.0;
	case TW_TIMELINE_DAY:
		return b + 86400.0;
	case TW_TIMELINE_MONTH:
		break;
	}
	gmtime_r(&s, &tm);
	tm.tm_mon += 1;              /* timegm normalises December + 1 */
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	return (double)timegm(&tm);
}
