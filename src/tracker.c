/*
 * tracker.c -- hysteresis, flap detection and outages: from each round's
 * raw zone states to published states and events (see tracker.h).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tldwatch/text.h"
#include "tldwatch/tracker.h"
#include "tldwatch/vec.h"

/* An event without its strings: they are copied once the round is done. */
struct pending {
	bool have;
	enum tw_event_kind kind;
	enum tw_state from, to;
	bool has_outage_seconds;
	double outage_seconds;
	double outage_start;
	bool begins_outage;
};

/* The watch settings, held to config.h's ranges (a zeroed cfg stays sane). */
struct limits {
	unsigned fall, rise, flap_changes, flap_window, flap_settle;
};

static unsigned
clamp(uint32_t v, unsigned lo, unsigned hi)
{
	return v < lo ? lo : v > hi ? hi : (unsigned)v;
}

static void
get_limits(const struct tw_watch_cfg *cfg, struct limits *l)
{
	l->fall = clamp(cfg->fall, 1, 100);
	l->rise = clamp(cfg->rise, 1, 100);
	l->flap_window = clamp(cfg->flap_window, 2, TW_FLAP_WINDOW_MAX);
	l->flap_changes = clamp(cfg->flap_changes, 2, TW_FLAP_WINDOW_MAX);
	l->flap_settle = clamp(cfg->flap_settle, 1, TW_FLAP_WINDOW_MAX);
}

static void
reset_streaks(struct tw_zone_track *z)
{
	z->worse_count = 0;
	z->better_count = 0;
}

/* Append ${s}, keeping the newest ${window} states; return the changes held. */
static unsigned
ring_push(struct tw_zone_track *z, enum tw_state s, unsigned window)
{
	unsigned i, changes = 0, len = z->ring_len;

	if (len > TW_FLAP_WINDOW_MAX)
		len = TW_FLAP_WINDOW_MAX;	/* a damaged state file */
	if (len >= window) {
		/* Drop the oldest; a window shrunk by a reload keeps the newest. */
		memmove(z->ring, z->ring + (len - window + 1), (window - 1) * sizeof(z->ring[0]));
		len = window - 1;
	}
	z->ring[len++] = s;
	z->ring_len = len;
	for (i = 1; i < len; i++)
		if (z->ring[i] != z->ring[i - 1])
			changes++;
	return changes;
}

/*
 * Seconds from the outage's start to ${end}, the first round of the run
 * that ended it.  Never negative: a better streak out of "unknown" such as
 * down, up, up publishes down on a good round, so the outage starts then,
 * after that good run began.
 */
static double
outage_seconds(const struct tw_zone_track *z, double end)
{
	return end > z->outage_start ? end - z->outage_start : 0;
}

/* Publish ${to}: move the outage flags and describe the change in ${ev}. */
static void
publish(struct tw_zone_track *z, enum tw_state to, double now, struct pending *ev)
{
	enum tw_state from = z->published;

	if (to == from)
		return;
	memset(ev, 0, sizeof(*ev));
	ev->have = true;
	ev->from = from;
	ev->to = to;
	if (to == TW_STATE_UNKNOWN)
		ev->kind = TW_EVENT_UNKNOWN;
	else if (to == TW_STATE_UNSTABLE)
		ev->kind = TW_EVENT_UNSTABLE;
	else if (tw_state_is_bad(to)) {
		if (!z->in_outage) {
			/* It began with the run that led here, not when hysteresis agreed. */
			z->in_outage = true;
			z->outage_start = z->bad_since != 0 ? z->bad_since : now;
			memset(&z->onset, 0, sizeof(z->onset));
			ev->kind = to == TW_STATE_DOWN ? TW_EVENT_OUTAGE : TW_EVENT_PARTIAL_OUTAGE;
			ev->begins_outage = true;
		} else if (to == TW_STATE_PARTIAL && z->outage_state == TW_STATE_DOWN) {
			ev->kind = TW_EVENT_PARTIAL_RESTORATION;
			ev->has_outage_seconds = true;
			ev->outage_seconds = outage_seconds(z, z->run_since);
		} else
			ev->kind = to == TW_STATE_DOWN ? TW_EVENT_OUTAGE : TW_EVENT_PARTIAL_OUTAGE;
		z->outage_state = to;
		ev->outage_start = z->outage_start;
	} else if (z->in_outage) {
		ev->kind = TW_EVENT_RESTORED;
		ev->has_outage_seconds = true;
		ev->outage_seconds = outage_seconds(z, z->good_since != 0 ? z->good_since : now);
		ev->outage_start = z->outage_start;
		z->in_outage = false;
		memset(&z->onset, 0, sizeof(z->onset));
	} else if (from == TW_STATE_UNSTABLE)
		ev->kind = TW_EVENT_STABLE;
	else if (from == TW_STATE_UNKNOWN)
		ev->kind = TW_EVENT_RECOVERED;
	else if (to == TW_STATE_DEGRADED)
		ev->kind = TW_EVENT_DEGRADED;
	else
		ev->kind = TW_EVENT_RECOVERED;
	z->published = to;
	z->published_since = now;
}

/*
 * One round of one zone: runs and flap ring first, then (once started)
 * flapping, then hysteresis.  The diagnosis is the caller's business.
 */
static void
step(struct tw_zone_track *z, const struct limits *l, enum tw_state s, double now,
    struct pending *ev)
{
	unsigned changes;

	ev->have = false;
	if (z->started && s == z->last_raw)
		z->calm_rounds++;
	else {
		z->calm_rounds = 0;
		z->run_since = now;
	}
	/* A blind round neither starts nor breaks a good or bad run. */
	if (tw_state_is_bad(s)) {
		if (z->bad_since == 0)
			z->bad_since = now;
		z->good_since = 0;
	} else if (tw_state_is_good(s)) {
		if (z->good_since == 0)
			z->good_since = now;
		z->bad_since = 0;
	}
	changes = ring_push(z, s, l->flap_window);
	z->last_raw = s;

	if (!z->started) {
		/*
		 * Nothing was known before.  A zone that starts up (or blind) is
		 * published quietly; one that starts degraded or in an outage is
		 * reported at once, or no alert would ever say so.
		 */
		z->started = true;
		z->published = TW_STATE_UNKNOWN;
		z->published_since = now;
		z->in_outage = false;     /* whatever a hand-edited state file said */
		memset(&z->onset, 0, sizeof(z->onset));
		z->flapping = false;
		z->outage_start = 0;
		reset_streaks(z);
		if (s == TW_STATE_UP || s == TW_STATE_UNKNOWN) {
			z->published = s;
			return;
		}
		publish(z, s, now, ev);
		if (s == TW_STATE_DEGRADED)
			ev->kind = TW_EVENT_DEGRADED;
		return;
	}

	if (z->flapping) {
		if (z->calm_rounds + 1 >= l->flap_settle) {
			/* Held still long enough: straight to that state. */
			z->flapping = false;
			z->ring[0] = s;
			z->ring_len = 1;
			publish(z, s, now, ev);
		}
		reset_streaks(z);
		return;
	}
	if (changes >= l->flap_changes) {
		z->flapping = true;
		publish(z, TW_STATE_UNSTABLE, now, ev);
		reset_streaks(z);
		return;
	}

	if (s == z->published) {
		reset_streaks(z);
	} else if (s > z->published) {
		/* Worse: publish the best state of the streak once it is long enough. */
		z->better_count = 0;
		if (z->worse_count == 0 || s < z->worse_best)
			z->worse_best = s;
		if (++z->worse_count >= l->fall) {
			publish(z, z->worse_best, now, ev);
			reset_streaks(z);
		}
	} else {
		z->worse_count = 0;
		if (z->better_count == 0 || s > z->better_worst)
			z->better_worst = s;
		if (++z->better_count >= l->rise) {
			publish(z, z->better_worst, now, ev);
			reset_streaks(z);
		}
	}
}

struct tw_tracker *
tw_tracker_new(void)
{
	return calloc(1, sizeof(struct tw_tracker));
}

static void
track_clear(struct tw_zone_track *z)
{
	free(z->name);
	free(z->diagnosis);
}

void
tw_tracker_free(struct tw_tracker *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n_zones; i++)
		track_clear(&t->zones[i]);
	free(t->zones);
	tw_hash_free(&t->index);
	for (i = 0; i < t->n_instances; i++) {
		free(t->instances[i]->zone);
		free(t->instances[i]->nsid);
		free(t->instances[i]->identity);
		free(t->instances[i]);
	}
	free(t->instances);
	tw_hash_free(&t->instance_index);
	free(t);
}

enum tw_state
tw_tracker_zone_state(const struct tw_zone_track *z)
{
	/* A zone that never published anything is, as far as anyone knows, unknown. */
	if (z == NULL || !z->started || (unsigned)z->published >= TW_STATE_COUNT)
		return TW_STATE_UNKNOWN;
	return z->published;
}

enum tw_state
tw_tracker_overall(const struct tw_tracker *t)
{
	enum tw_state s = TW_STATE_UP, zs;
	size_t i;

	if (t == NULL || t->n_zones == 0)
		return TW_STATE_UNKNOWN;
	for (i = 0; i < t->n_zones; i++)
		if ((zs = tw_tracker_zone_state(&t->zones[i])) > s)
			s = zs;
	return s;
}

static bool
track_named(const void *item, const void *key)
{
	return strcmp(((const struct tw_zone_track *)item)->name, key) == 0;
}

static bool
result_named(const void *item, const void *key)
{
	return strcmp(((const struct tw_zone_result *)item)->name, key) == 0;
}

/* (Re)build t->index when the zones changed under it; -1 when memory ran out. */
static int
index_tracks(struct tw_tracker *t)
{
	size_t i;
	uint64_t h;

	if (t->indexed == t->zones && t->n_indexed == t->n_zones)
		return 0;   /* (an empty index for no zones, too) */
	tw_hash_clear(&t->index);
	t->indexed = NULL;
	if (tw_hash_reserve(&t->index, t->n_zones) != 0)
		return -1;
	for (i = 0; i < t->n_zones; i++) {
		if (t->zones[i].name == NULL)
			continue;
		h = tw_hash_str(TW_HASH_SEED, t->zones[i].name);
		/* A name tracked twice (a damaged state file): the first track counts. */
		if (tw_hash_find(&t->index, h, track_named, t->zones[i].name) == NULL)
			(void)tw_hash_add(&t->index, h, &t->zones[i]);   /* reserved: cannot fail */
	}
	t->indexed = t->zones;
	t->n_indexed = t->n_zones;
	return 0;
}

struct tw_zone_track *
tw_tracker_find(struct tw_tracker *t, const char *zone)
{
	size_t i;

	if (t == NULL || zone == NULL)
		return NULL;
	if (index_tracks(t) == 0)
		return tw_hash_find(&t->index, tw_hash_str(TW_HASH_SEED, zone), track_named, zone);
	for (i = 0; i < t->n_zones; i++)     /* no memory for the index: look the slow way */
		if (t->zones[i].name != NULL && strcmp(t->zones[i].name, zone) == 0)
			return &t->zones[i];
	return NULL;
}

/*
 * Move ${z} (a copy, its diagnosis not yet replaced) one round on, and
 * append its event to ${ev}.  Returns -1 when a copy failed; what it did
 * allocate is then in ${z} and ${ev} for the caller to free.
 */
static int
advance(struct tw_zone_track *z, const struct limits *l, const struct tw_zone_result *zr,
    bool blind, double now, struct tw_event *ev, size_t *n_ev)
{
	struct pending p;
	struct tw_event *e;
	bool failed = false;

	z->diagnosis = tw_text_dup(zr->diagnosis, &failed);
	if (failed)
		return -1;
	if (!blind) {
		tw_delegation_count(zr->delegations, zr->n_delegations, z->delegation);
		z->delegation_known = true;
	}
	step(z, l, blind ? TW_STATE_UNKNOWN : zr->state, now, &p);
	if (!p.have)
		return 0;
	e = &ev[(*n_ev)++];
	memset(e, 0, sizeof(*e));
	e->time = now;
	e->kind = p.kind;
	e->from = p.from;
	e->to = p.to;
	e->has_outage_seconds = p.has_outage_seconds;
	e->outage_seconds = p.outage_seconds;
	e->outage_start = p.outage_start;
	e->begins_outage = p.begins_outage;
	e->zone = tw_text_dup(z->name, &failed);
	e->diagnosis = tw_text_dup(zr->diagnosis, &failed);
	return failed ? -1 : 0;
}

/*
 * Everything is computed into a new zone array (tracks copied by value,
 * new strings for diagnoses and new names) and committed only when every
 * allocation succeeded, so a failure leaves ${t} as it was.
 */
/* ---- instances ---- */

struct instance_key {
	const char *zone;
	const struct tw_server_result *s;
};

static uint64_t
instance_hash(const char *zone, const struct tw_server_result *s)
{
	uint64_t h = tw_hash_str(tw_hash_str(TW_HASH_SEED, zone), s->address);

	return tw_hash_u64(tw_hash_u64(h, s->port), (uint64_t)s->transport);
}

static bool
instance_eq(const void *item, const void *key)
{
	const struct tw_instance_track *it = item;
	const struct instance_key *k = key;

	return it->port == k->s->port && it->transport == k->s->transport &&
	    strcmp(it->address, k->s->address) == 0 && strcmp(it->zone, k->zone) == 0;
}

/* A value came this round (${now}) and it is not the one known. */
static bool
str_differs(const char *known, const char *now)
{
	return now != NULL && (known == NULL || strcmp(known, now) != 0);
}

/* "ns1.kptc.kp (127.45.176.15:10053/udp): nsid A -> B, identity C -> D", or NULL. */
static char *
instance_sentence(const struct tw_server_result *s, const struct tw_instance_track *it,
    bool nsid, bool identity)
{
	struct tw_vec b;
	char *out = NULL;
	int rc = 0;

	tw_vec_init(&b, 1, NULL);
	if (s->name != NULL)
		rc |= tw_vec_printf(&b, "%s (", s->name);
	if (strchr(s->address, ':') != NULL)
		rc |= tw_vec_printf(&b, "[%s]:%u/%s", s->address, (unsigned)s->port,
		    tw_transport_str(s->transport));
	else
		rc |= tw_vec_printf(&b, "%s:%u/%s", s->address, (unsigned)s->port,
		    tw_transport_str(s->transport));
	rc |= tw_vec_printf(&b, "%s:", s->name != NULL ? ")" : "");
	if (nsid)
		rc |= tw_vec_printf(&b, " nsid %s -> %s", it->nsid, s->nsid);
	if (identity)
		rc |= tw_vec_printf(&b, "%s identity %s -> %s", nsid ? "," : "", it->identity,
		    s->identity);
	if (rc == 0)
		out = strdup(tw_vec_str(&b));
	tw_vec_free(&b);
	return out;
}

/* *${dst} = a copy of ${src} when it is not NULL; false when memory ran out. */
static bool
replace_str(char **dst, const char *src)
{
	char *d;

	if (src == NULL)
		return true;
	if ((d = strdup(src)) == NULL)
		return false;
	free(*dst);
	*dst = d;
	return true;
}

/* The track of ${s} in ${zone}, made (empty, *fresh) when there is none; NULL: no memory. */
static struct tw_instance_track *
instance_get(struct tw_tracker *t, const char *zone, const struct tw_server_result *s,
    bool *fresh)
{
	struct instance_key k = { zone, s };
	uint64_t h = instance_hash(zone, s);
	struct tw_instance_track *it, **grown;

	*fresh = false;
	if ((it = tw_hash_find(&t->instance_index, h, instance_eq, &k)) != NULL)
		return it;
	if ((grown = realloc(t->instances, (t->n_instances + 1) * sizeof(*grown))) == NULL)
		return NULL;
	t->instances = grown;
	if ((it = calloc(1, sizeof(*it))) == NULL || (it->zone = strdup(zone)) == NULL) {
		free(it);
		return NULL;
	}
	memcpy(it->address, s->address, sizeof(it->address));
	it->port = s->port;
	it->transport = s->transport;
	if (tw_hash_add(&t->instance_index, h, it) != 0) {
		free(it->zone);
		free(it);
		return NULL;
	}
	t->instances[t->n_instances++] = it;
	*fresh = true;
	return it;
}

/* One instance_changed event for ${s} (before: ${it}'s values) onto *events; false: no memory. */
static bool
instance_event(const struct tw_instance_track *it, const struct tw_server_result *s,
    const char *zone, enum tw_state published, double now, bool nsid, bool identity,
    struct tw_event **events, size_t *n_events)
{
	struct tw_event ev, *grown;
	struct tw_event_instance *in = &ev.instance;

	memset(&ev, 0, sizeof(ev));
	ev.time = now;
	ev.kind = TW_EVENT_INSTANCE_CHANGED;
	ev.from = ev.to = published;
	ev.has_instance = true;
	in->port = s->port;
	in->transport = s->transport;
	if ((ev.zone = strdup(zone)) == NULL ||
	    (ev.diagnosis = instance_sentence(s, it, nsid, identity)) == NULL ||
	    !replace_str(&in->server, s->name) || !replace_str(&in->address, s->address) ||
	    !replace_str(&in->old_nsid, it->nsid) ||
	    !replace_str(&in->old_identity, it->identity) ||
	    !replace_str(&in->new_nsid, s->nsid != NULL ? s->nsid : it->nsid) ||
	    !replace_str(&in->new_identity, s->identity != NULL ? s->identity : it->identity) ||
	    (grown = realloc(*events, (*n_events + 1) * sizeof(*grown))) == NULL) {
		tw_event_clear(&ev);
		return false;
	}
	*events = grown;
	grown[(*n_events)++] = ev;
	return true;
}

/* Compare each zone and child server's instance with the one known: events for changes. */
static void
track_instances(struct tw_tracker *t, const struct tw_check_result *r, double now,
    struct tw_event **events, size_t *n_events)
{
	const struct tw_server_result *s;
	const struct tw_zone_result *zr;
	struct tw_instance_track *it;
	enum tw_state published;
	bool fresh, nsid, identity;
	size_t z, i;

	for (z = 0; z < r->n_zones; z++) {
		zr = &r->zones[z];
		if (zr->name == NULL)
			continue;
		published = tw_tracker_zone_state(tw_tracker_find(t, zr->name));
		for (i = 0; i < zr->n_servers; i++) {
			s = &zr->servers[i];
			if (s->nsid == NULL && s->identity == NULL)
				continue;
			if ((it = instance_get(t, zr->name, s, &fresh)) == NULL)
				return;
			/* One look a round per server: its other rows (zones it serves) say the same. */
			if (!fresh && it->round == t->rounds)
				continue;
			it->round = t->rounds;
			nsid = it->nsid != NULL && str_differs(it->nsid, s->nsid);
			identity = it->identity != NULL && str_differs(it->identity, s->identity);
			if ((nsid || identity) && !instance_event(it, s, zr->name, published, now, nsid,
			    identity, events, n_events))
				return;
			if (!replace_str(&it->nsid, s->nsid) || !replace_str(&it->identity, s->identity))
				return;
		}
	}
}

int
tw_tracker_update(struct tw_tracker *t, const struct tw_watch_cfg *cfg,
    const struct tw_check_result *r, double now, struct tw_event **events,
    size_t *n_events)
{
	struct tw_zone_track *nz = NULL;
	struct tw_event *ev = NULL;
	struct tw_hash in_result = TW_HASH_INIT;   /* first zone of ${r} of each name */
	bool *fresh = NULL;	/* nz[i].name is a new copy, not the old track's */
	bool *kept = NULL;	/* t->zones[i] goes on as a track of nz */
	struct limits l;
	size_t n = 0, n_ev = 0, i;
	bool blind;

	if (events != NULL)
		*events = NULL;
	if (n_events != NULL)
		*n_events = 0;
	if (t == NULL || cfg == NULL || r == NULL || events == NULL || n_events == NULL)
		return -1;
	get_limits(cfg, &l);
	blind = r->deadline_hit || r->error != NULL;
	if (r->n_zones > 0 && ((nz = calloc(r->n_zones, sizeof(*nz))) == NULL ||
	    (ev = calloc(r->n_zones, sizeof(*ev))) == NULL ||
	    (fresh = calloc(r->n_zones, sizeof(*fresh))) == NULL ||
	    tw_hash_reserve(&in_result, r->n_zones) != 0))
		goto fail;
	if ((t->n_zones > 0 && (kept = calloc(t->n_zones, sizeof(*kept))) == NULL) ||
	    index_tracks(t) != 0)
		goto fail;
	for (i = 0; i < r->n_zones; i++) {
		const char *name = r->zones[i].name;
		uint64_t h;

		if (name == NULL)
			continue;
		h = tw_hash_str(TW_HASH_SEED, name);
		if (tw_hash_find(&in_result, h, result_named, name) == NULL)
			(void)tw_hash_add(&in_result, h, &r->zones[i]);   /* reserved */
	}

	/* Tracked zones still in the result keep their order... */
	for (i = 0; i < t->n_zones; i++) {
		const struct tw_zone_result *zr;

		/* A name tracked twice (a damaged state file) keeps its first track. */
		if (t->zones[i].name == NULL ||
		    tw_tracker_find(t, t->zones[i].name) != &t->zones[i] ||
		    (zr = tw_hash_find(&in_result, tw_hash_str(TW_HASH_SEED, t->zones[i].name),
		    result_named, t->zones[i].name)) == NULL)
			continue;
		kept[i] = true;
		nz[n] = t->zones[i];
		nz[n].diagnosis = NULL;
		if (advance(&nz[n++], &l, zr, blind, now, ev, &n_ev) == -1)
			goto fail;
	}
	/* ...and new ones follow in the result's order (a repeated name counts once). */
	for (i = 0; i < r->n_zones; i++) {
		const struct tw_zone_result *zr = &r->zones[i];

		if (zr->name == NULL || tw_hash_find(&in_result, tw_hash_str(TW_HASH_SEED,
		    zr->name), result_named, zr->name) != zr ||
		    tw_tracker_find(t, zr->name) != NULL)
			continue;
		memset(&nz[n], 0, sizeof(nz[n]));
		fresh[n] = true;
		if ((nz[n].name = strdup(zr->name)) == NULL) {
			n++;
			goto fail;
		}
		if (advance(&nz[n++], &l, zr, blind, now, ev, &n_ev) == -1)
			goto fail;
	}

	/* Commit: the old diagnoses go, and the names of dropped zones. */
	for (i = 0; i < t->n_zones; i++) {
		free(t->zones[i].diagnosis);
		if (!kept[i])
			free(t->zones[i].name);
	}
	free(t->zones);
	if (n == 0) {
		free(nz);
		nz = NULL;
	}
	t->zones = nz;
	t->n_zones = n;
	tw_hash_clear(&t->index);   /* rebuilt at the next find: it pointed into the old array */
	t->indexed = NULL;
	t->n_indexed = 0;
	/* Saturate where the state file stops (a JSON integer), so the count always saves. */
	if (t->rounds < (uint64_t)INT64_MAX)
		t->rounds++;
	t->last_round = now;
	free(fresh);
	free(kept);
	tw_hash_free(&in_result);
	track_instances(t, r, now, &ev, &n_ev);
	if (n_ev == 0) {
		free(ev);
		ev = NULL;
	}
	*events = ev;
	*n_events = n_ev;
	return 0;

fail:
	for (i = 0; i < n; i++) {
		free(nz[i].diagnosis);
		if (fresh[i])
			free(nz[i].name);
	}
	free(nz);
	free(fresh);
	free(kept);
	tw_hash_free(&in_result);
	tw_event_array_free(ev, n_ev);
	return -1;
}
