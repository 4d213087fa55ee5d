/*
 * onset.c -- how a zone went dark (see onset.h for the shapes).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tldwatch/escape.h"
#include "tldwatch/onset.h"
#include "tldwatch/outcome.h"

/* Rounds looked at before the first bad one: at least this many, or 2 x onset_rounds. */
#define LOOKBACK_MIN 6
/* An answer "well above its own RTT": this many times its baseline, and this much more. */
#define SLOW_FACTOR 2.0
#define SLOW_EXTRA_MS 10.0
/* A baseline needs this many samples from before the look-back; else the fastest one. */
#define BASELINE_MIN_SAMPLES 3

static const char *const shape_names[TW_ONSET_SHAPE_COUNT] = {
	[TW_ONSET_NONE] = "none",
	[TW_ONSET_CLIFF] = "cliff",
	[TW_ONSET_RAMP] = "ramp",
	[TW_ONSET_ADMINISTRATIVE] = "administrative",
	[TW_ONSET_FILTERING] = "filtering",
	[TW_ONSET_UNCLEAR] = "unclear",
};

static const char *const fits_cliff[] = {
	"a route withdrawal", "an upstream cut", "a power or router failure", NULL
};
static const char *const fits_ramp[] = {
	"overload or an attack", "failing equipment", NULL
};
static const char *const fits_administrative[] = {
	"the operator withdrawing the zone", NULL
};
static const char *const fits_filtering[] = { "a filter on the path", NULL };
static const char *const fits_nothing[] = { NULL };

const char *
tw_onset_shape_str(enum tw_onset_shape s)
{
	return (unsigned)s < TW_ONSET_SHAPE_COUNT ? shape_names[s] : "invalid";
}

int
tw_onset_shape_from_str(const char *s, enum tw_onset_shape *out)
{
	unsigned i;

	for (i = 0; s != NULL && i < TW_ONSET_SHAPE_COUNT; i++)
		if (strcmp(s, shape_names[i]) == 0) {
			*out = (enum tw_onset_shape)i;
			return 0;
		}
	return -1;
}

const char *const *
tw_onset_consistent_with(enum tw_onset_shape s)
{
	switch (s) {
	case TW_ONSET_CLIFF:
		return fits_cliff;
	case TW_ONSET_RAMP:
		return fits_ramp;
	case TW_ONSET_ADMINISTRATIVE:
		return fits_administrative;
	case TW_ONSET_FILTERING:
		return fits_filtering;
	default:
		return fits_nothing;
	}
}

/* One look-back round of the zone's own servers. */
struct round_view {
	unsigned servers;             /* zone servers with a sample in that round */
	unsigned sent, answered;
	unsigned failed;              /* samples whose health query got no answer */
	unsigned slow;                /* answers well above the server's baseline */
	double rtt_ratio;             /* the largest answer RTT / baseline of the round; 0: none */
};

static bool
is_bad(enum tw_state s)
{
	return s == TW_STATE_PARTIAL || s == TW_STATE_DOWN;
}

static const struct tw_sample *
sample_of(const struct tw_ring *ring, uint64_t round)
{
	unsigned i;

	for (i = ring->len; i > 0; i--) {
		const struct tw_sample *s = tw_history_ring_at(ring, i - 1);

		if (s->round == round)
			return s;
		if (s->round < round)
			break;
	}
	return NULL;
}

static int
cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

/* The server's usual RTT: the median of its answers before ${before}, else its fastest one. */
static double
baseline(const struct tw_ring *ring, uint64_t before, uint64_t until)
{
	float v[64];
	unsigned i, n = 0;
	double fastest = -1;

	for (i = 0; i < ring->len; i++) {
		const struct tw_sample *s = tw_history_ring_at(ring, i);
		double rtt = (double)s->rtt_ms;

		if (rtt < 0 || s->round >= until)
			continue;
		if (fastest < 0 || rtt < fastest)
			fastest = rtt;
		if (s->round < before && n < sizeof(v) / sizeof(v[0]))
			v[n++] = s->rtt_ms;
	}
	if (n < BASELINE_MIN_SAMPLES)
		return fastest;
	qsort(v, n, sizeof(v[0]), cmp_float);
	return n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2.0;
}

static bool
zone_row(const struct tw_server_history *sh, const char *zone)
{
	return sh->role == TW_ROLE_ZONE && sh->zone != NULL && strcmp(sh->zone, zone) == 0;
}

static void
view_round(const struct tw_onset_input *in, uint64_t round, uint64_t lookback_from,
    uint64_t first_bad, struct round_view *v)
{
	const struct tw_history *h = in->history;
	size_t i;

	memset(v, 0, sizeof(*v));
	for (i = 0; h != NULL && i < h->n_servers; i++) {
		const struct tw_server_history *sh = &h->servers[i];
		const struct tw_sample *s;
		double base, rtt;

		if (!zone_row(sh, in->zone) || (s = sample_of(&sh->ring, round)) == NULL)
			continue;
		v->servers++;
		v->sent += s->sent;
		v->answered += s->answered;
		rtt = (double)s->rtt_ms;
		if (s->outcome != TW_OUTCOME_ANSWER || rtt < 0) {
			v->failed++;
			continue;
		}
		base = baseline(&sh->ring, lookback_from, first_bad);
		if (base > 0 && rtt / base > v->rtt_ratio)
			v->rtt_ratio = rtt / base;
		if (base >= 0 && rtt >= SLOW_FACTOR * base && rtt >= base + SLOW_EXTRA_MS)
			v->slow++;
	}
}

static double
loss_of(const struct round_view *v)
{
	return v->sent > 0 ? (double)(v->sent - v->answered) / v->sent : 0;
}

/* The raw state of round ${round}, or TW_STATE_UNKNOWN when the ring does not reach it. */
static bool
raw_at(const struct tw_onset_input *in, uint64_t round, enum tw_state *out)
{
	uint64_t back;

	if (in->n_raw == 0 || round > in->round || in->round - round >= in->n_raw)
		return false;
	back = in->round - round;
	*out = in->raw[in->n_raw - 1 - back];
	return true;
}

/* What this round shows of the zone's servers, as the end of the evidence sentence. */
static const char *
went_dark(const struct tw_onset_input *in)
{
	const struct tw_zone_result *z = in->now;
	unsigned n = 0, silent = 0, i;

	for (i = 0; z != NULL && i < z->n_servers; i++) {
		if (z->servers[i].role != TW_ROLE_ZONE)
			continue;
		n++;
		if (z->servers[i].outcome == TW_OUTCOME_TIMEOUT ||
		    z->servers[i].outcome == TW_OUTCOME_UNREACHABLE)
			silent++;
	}
	if (n > 0 && silent == n)
		return "every server went silent";
	if (z != NULL && z->state == TW_STATE_PARTIAL)
		return "key hosts stopped resolving";
	return "the zone went down";
}

/* Every zone server that responds refuses the zone: how many, and which refusals. */
static bool
administrative(const struct tw_onset_input *in, char *buf, size_t len)
{
	const struct tw_zone_result *z = in->now;
	bool seen[TW_OUTCOME_COUNT] = { false };
	unsigned n = 0, responding = 0, refusing = 0, i;
	size_t at;

	for (i = 0; z != NULL && i < z->n_servers; i++) {
		enum tw_outcome o = z->servers[i].outcome;

		if (z->servers[i].role != TW_ROLE_ZONE)
			continue;
		n++;
		if (!tw_outcome_is_response(o))
			continue;
		responding++;
		if (o == TW_OUTCOME_REFUSED || o == TW_OUTCOME_SERVFAIL || o == TW_OUTCOME_LAME ||
		    o == TW_OUTCOME_NXDOMAIN || o == TW_OUTCOME_RCODE) {
			refusing++;
			seen[o] = true;
		}
	}
	if (responding == 0 || refusing != responding)
		return false;
	at = (size_t)snprintf(buf, len, "%u of %u servers answer but refuse the zone (", refusing,
	    n);
	for (i = 0; i < TW_OUTCOME_COUNT && at < len; i++)
		if (seen[i])
			at += (size_t)snprintf(buf + at, len - at, "%s%s",
			    buf[at - 1] == '(' ? "" : ", ", tw_outcome_str((enum tw_outcome)i));
	if (at < len)
		snprintf(buf + at, len - at, ")");
	return true;
}

/* UDP dark at every zone server, and the TCP second opinion answers at some. */
static bool
filtering(const struct tw_onset_input *in, char *buf, size_t len)
{
	const struct tw_zone_result *z = in->now;
	unsigned n = 0, dark = 0, tcp = 0, i;

	for (i = 0; z != NULL && i < z->n_servers; i++) {
		const struct tw_server_result *sv = &z->servers[i];

		if (sv->role != TW_ROLE_ZONE)
			continue;
		n++;
		if (sv->outcome == TW_OUTCOME_TIMEOUT || sv->outcome == TW_OUTCOME_UNREACHABLE)
			dark++;
		if (sv->fallback_tcp == TW_OUTCOME_ANSWER)
			tcp++;
	}
	if (n == 0 || dark != n || tcp == 0)
		return false;
	snprintf(buf, len, "UDP to %u of %u servers dropped while %u answer%s over TCP", dark, n,
	    tcp, tcp == 1 ? "s" : "");
	return true;
}

void
tw_onset_find(const struct tw_onset_input *in, struct tw_onset *out)
{
	unsigned need = in->onset_rounds > 0 ? in->onset_rounds : TW_ONSET_ROUNDS_DEFAULT;
	unsigned lookback = 2 * need > LOOKBACK_MIN ? 2 * need : LOOKBACK_MIN;
	unsigned troubled = 0, seen = 0;
	uint64_t first_bad = in->round, from, k, clean_at = 0;
	double loss_first = -1, loss_peak = 0, ratio_peak = 0;
	bool unstable = in->published_before == TW_STATE_UNSTABLE;
	enum tw_state st, prev;
	struct round_view v;
	const char *dark = went_dark(in);

	memset(out, 0, sizeof(*out));
	/* The bad run this round ends: back over bad and blind rounds. */
	while (first_bad > 1 && raw_at(in, first_bad - 1, &st) &&
	    (is_bad(st) || st == TW_STATE_UNKNOWN))
		first_bad--;
	from = first_bad > lookback ? first_bad - lookback : 1;
	for (k = from; k < first_bad; k++) {
		bool bad_round;

		view_round(in, k, from, first_bad, &v);
		if (v.servers == 0)
			continue;
		seen++;
		bad_round = v.failed > 0 || v.answered < v.sent || v.slow > 0;
		if (raw_at(in, k, &st)) {
			if (is_bad(st))
				bad_round = true;
			if (k > from && raw_at(in, k - 1, &prev) && prev != st)
				bad_round = true;
		}
		if (bad_round)
			troubled++;
		if (loss_first < 0)
			loss_first = loss_of(&v);
		if (loss_of(&v) > loss_peak)
			loss_peak = loss_of(&v);
		if (v.rtt_ratio > ratio_peak)
			ratio_peak = v.rtt_ratio;
		if (!bad_round && k + 2 >= first_bad)
			clean_at = k;
	}
	out->rounds_before = seen;
	if (loss_first < 0)
		loss_first = 0;
	if (filtering(in, out->evidence, sizeof(out->evidence))) {
		out->shape = TW_ONSET_FILTERING;
		return;
	}
	if (administrative(in, out->evidence, sizeof(out->evidence))) {
		out->shape = TW_ONSET_ADMINISTRATIVE;
		return;
	}
	if (troubled >= need || unstable) {
		snprintf(out->evidence, sizeof(out->evidence),
		    "in %u of the %u rounds before it the servers lost queries, slowed down or "
		    "changed state: loss rose %.0f%% -> %.0f%% and RTT up to "
		    "%.1fx its usual%s, then %s", troubled, seen, 100 * loss_first, 100 * loss_peak, ratio_peak,
		    unstable ? "; the zone was unstable" : "", dark);
		out->shape = TW_ONSET_RAMP;
		return;
	}
	if (clean_at > 0) {
		snprintf(out->evidence, sizeof(out->evidence),
		    "every server answered %u round%s before it, then %s",
		    (unsigned)(first_bad - clean_at), first_bad - clean_at == 1 ? "" : "s", dark);
		out->shape = TW_ONSET_CLIFF;
		return;
	}
	out->shape = TW_ONSET_UNCLEAR;
	if (seen == 0)
		snprintf(out->evidence, sizeof(out->evidence),
		    "no round before it to compare with; %s", dark);
	else
		snprintf(out->evidence, sizeof(out->evidence),
		    "%u troubled of the %u rounds before it (fewer than %u), and none clean in the "
		    "2 just before; %s", troubled, seen, need, dark);
}

json_t *
tw_onset_json(const struct tw_onset *o)
{
	const char *const *fits = tw_onset_consistent_with(o->shape);
	json_t *v = json_object(), *list = json_array();
	int rc = v == NULL || list == NULL ? -1 : 0;

	for (; rc == 0 && *fits != NULL; fits++)
		rc = json_array_append_new(list, json_string(*fits));
	if (rc == 0)
		rc = json_object_set_new(v, "shape", json_string(tw_onset_shape_str(o->shape))) |
		    json_object_set_new(v, "rounds_before", json_integer(o->rounds_before)) |
		    json_object_set_new(v, "evidence", tw_escape_json(o->evidence)) |
		    json_object_set(v, "consistent_with", list);
	json_decref(list);
	if (rc == 0)
		return v;
	json_decref(v);
	return NULL;
}

int
tw_onset_from_json(const json_t *v, struct tw_onset *out)
{
	const char *evidence = json_string_value(json_object_get(v, "evidence"));
	json_int_t n = json_integer_value(json_object_get(v, "rounds_before"));

	memset(out, 0, sizeof(*out));
	if (!json_is_object(v) ||
	    tw_onset_shape_from_str(json_string_value(json_object_get(v, "shape")),
	    &out->shape) != 0 || evidence == NULL || n < 0 || n > 100000)
		return -1;
	out->rounds_before = (unsigned)n;
	snprintf(out->evidence, sizeof(out->evidence), "%s", evidence);
	return 0;
}
