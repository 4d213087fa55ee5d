/*
 * statefile.c -- the watcher's state as one JSON document: written through
 * a temporary file and rename(2), read back with every field checked.
 *
 * Layout (version 1; readers ignore fields they do not know):
 *
 *   {
 *     "format": "tldwatch-state", "version": 1,
 *     "written": 1795767302.25, "written_iso": "2026-11-27T08:15:02Z",
 *     "interval_ms": 60000,
 *     "tracker": {"rounds": N, "last_round": t, "zones": [{every field of
 *                 struct tw_zone_track; states by name; "ring": ["up", ...]}]},
 *     "history": {"window": N,
 *                 "sample_fields": ["round", "sent", "answered", "rtt_ms", "outcome"],
 *                 "servers": [{"zone", "served", "name", "address", "port",
 *                              "transport", "role", "last_round", "samples": [[...], ...]}],
 *                 "hosts": [{"zone", "name", "last_round", "samples": [...]}]},
 *     "last_round": {the latest check --format json document} or null
 *                   (written for people and scripts; a loader checks it is
 *                   an object and leaves it),
 *     "events": [the recent events, as the event log writes them] or null
 *   }
 *
 * Samples are oldest first.  Times are Unix seconds.  Every real number
 * is written with the fewest digits that read back to the same double
 * (the same float for RTTs), so nothing is lost and 12.3 stays 12.3.
 * The file always ends with a newline, so a file cut short anywhere is
 * never taken for a whole one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tldwatch/report.h"
#include "tldwatch/statefile.h"

#define FORMAT_NAME "tldwatch-state"
#define FORMAT_VERSION 1

/* Sizes beyond these are not a state file we wrote. */
#define MAX_FILE_BYTES ((size_t)64 << 20)
#define MAX_ROWS 100000               /* zones, and history rows (servers + hosts) */
#define MAX_WINDOW 10000              /* config.h's limit for watch.window */
#define MAX_SAMPLE_SLOTS ((size_t)1 << 24)  /* rows x window: ring memory allocated */
#define MAX_SET_ASIDE 1000            /* -1 .. -999 suffixes */

/* The writer's range for "written" (up to 9999-12-31T23:59:59Z); the reader checks it too. */
#define WRITTEN_MAX 253402300799.0

#define DIGITS_DOUBLE 17              /* enough for any double */
#define DIGITS_FLOAT 9                /* enough for any float */


static const char *const sample_fields[] = { "round", "sent", "answered", "rtt_ms", "outcome" };
#define N_SAMPLE_FIELDS (sizeof(sample_fields) / sizeof(sample_fields[0]))

/* A sample keeps its outcome in a byte. */
static int
outcome_byte(const char *s, uint8_t *out)
{
	enum tw_outcome o;

	if (tw_outcome_from_str(s, &o) != 0)
		return -1;
	*out = (uint8_t)o;
	return 0;
}

static bool
state_ok(enum tw_state s)
{
	return (unsigned)s < TW_STATE_COUNT;
}

static bool
role_ok(enum tw_role r)
{
	return (unsigned)r <= TW_ROLE_CHILD;
}

static bool
transport_ok(enum tw_transport t)
{
	return (unsigned)t < TW_TRANSPORT_COUNT;
}

/* A sample the loader accepts; the writer checks the same. */
static bool
sample_ok(const struct tw_sample *smp)
{
	return smp->answered <= smp->sent && smp->outcome < TW_OUTCOME_COUNT &&
	    smp->round <= (uint64_t)INT64_MAX && isfinite(smp->rtt_ms);
}

/*
 * Writing.  The document is printed by hand around jansson: objects one
 * key a line, arrays of plain values (flap rings, samples) on one line,
 * and every value itself (strings, numbers) through jansson's encoder.
 */

struct buf {
	char *p;
	size_t len, cap;
	bool failed;          /* out of memory, an unencodable value, or too big */
	bool too_big;
	json_t *real;         /* scratch for printing reals */
};

static int
buf_add(struct buf *b, const char *s, size_t n)
{
	size_t cap;
	char *p;

	if (b->failed)
		return -1;
	if (n > MAX_FILE_BYTES - b->len) {
		b->failed = b->too_big = true;
		return -1;
	}
	if (b->len + n + 1 > b->cap) {
		cap = b->cap > 0 ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((p = realloc(b->p, cap)) == NULL) {
			b->failed = true;
			return -1;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

static void
put(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static int
dump_cb(const char *s, size_t n, void *data)
{
	return buf_add(data, s, n);
}

/* One value through jansson (a scalar, or an array on one line). */
static void
put_json(struct buf *b, const json_t *v, size_t flags)
{
	if (v == NULL || json_dump_callback(v, dump_cb, b, flags | JSON_ENCODE_ANY) != 0)
		b->failed = true;
}

/* Like put_json, then drops the reference. */
static void
put_new(struct buf *b, json_t *v, size_t flags)
{
	put_json(b, v, flags);
	json_decref(v);
}

static void
put_str(struct buf *b, const char *s)
{
	put_new(b, s != NULL ? json_string(s) : json_null(), 0);
}

static void
put_u64(struct buf *b, uint64_t v)
{
	char num[32];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	put(b, num);
}

static void
put_indent(struct buf *b, int depth)
{
	static const char spaces[] = "                                ";
	size_t n = (size_t)depth * 2;

	while (n > 0 && !b->failed) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		buf_add(b, spaces, k);
		n -= k;
	}
}

/*
 * ${d} with the fewest significant digits that read back exactly (as a
 * float when ${single}).  jansson prints it (always with a '.', whatever
 * the locale); strtod only checks, and a locale that misreads the text
 * just costs more digits.
 */
static void
put_real(struct buf *b, double d, bool single)
{
	char text[64];
	size_t n = 0;
	int digits, max = single ? DIGITS_FLOAT : DIGITS_DOUBLE;

	if (b->real == NULL || json_real_set(b->real, d) != 0) {
		b->failed = true;
		return;
	}
	for (digits = 1; digits <= max; digits++) {
		n = json_dumpb(b->real, text, sizeof(text) - 1,
		    JSON_ENCODE_ANY | JSON_REAL_PRECISION(digits));
		if (n == 0 || n >= sizeof(text)) {
			b->failed = true;
			return;
		}
		text[n] = '\0';
		if (single ? strtof(text, NULL) == (float)d : strtod(text, NULL) == d)
			break;
	}
	buf_add(b, text, n);
}

/* "key": */
static void
put_key(struct buf *b, int depth, const char *key)
{
	put_indent(b, depth);
	put_str(b, key);
	put(b, ": ");
}

/* No object anywhere inside: printed on one line. */
static bool
flat(const json_t *v)
{
	const json_t *e;
	size_t i;

	if (json_is_object(v))
		return false;
	if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++) {
			e = json_array_get(v, i);
			if (!flat(e))
				return false;
		}
	}
	return true;
}

static void
pretty(struct buf *b, const json_t *v, int depth)
{
	const char *key;
	size_t i, n;
	void *it;

	if (json_is_object(v) && json_object_size(v) > 0) {
		put(b, "{\n");
		n = json_object_size(v);
		i = 0;
		for (it = json_object_iter((json_t *)(uintptr_t)v); it != NULL;
		    it = json_object_iter_next((json_t *)(uintptr_t)v, it)) {
			key = json_object_iter_key(it);
			put_key(b, depth + 1, key);
			pretty(b, json_object_iter_value(it), depth + 1);
			put(b, ++i < n ? ",\n" : "\n");
		}
		put_indent(b, depth);
		put(b, "}");
	} else if (json_is_array(v) && !flat(v)) {
		put(b, "[\n");
		n = json_array_size(v);
		for (i = 0; i < n; i++) {
			put_indent(b, depth + 1);
			pretty(b, json_array_get(v, i), depth + 1);
			put(b, i + 1 < n ? ",\n" : "\n");
		}
		put_indent(b, depth);
		put(b, "]");
	} else if (json_is_array(v)) {
		put(b, "[");
		for (i = 0; i < json_array_size(v); i++) {
			put(b, i > 0 ? ", " : "");
			pretty(b, json_array_get(v, i), depth);
		}
		put(b, "]");
	} else if (json_is_real(v)) {
		put_real(b, json_real_value(v), false);
	} else {
		put_json(b, v, 0);
	}
}

/* "key": value, (or the last one without the comma) */
static void
put_member(struct buf *b, int depth, const char *key, json_t *v, bool last)
{
	put_key(b, depth, key);
	pretty(b, v, depth);
	put(b, last ? "\n" : ",\n");
	json_decref(v);
}

static json_t *
state_json(enum tw_state s)
{
	return json_string(tw_state_str(s));
}

/* Adds ${v} to ${o} under ${key}; *ok turns false for good on any failure. */
static void
set(json_t *o, const char *key, json_t *v, bool *ok)
{
	if (json_object_set_new(o, key, v) != 0)
		*ok = false;
}

static int
werr(struct tw_error *err, const char *path, const char *what)
{
	tw_error_set(err, path, 0, 0, "%s", what);
	return -1;
}

static json_t *
zone_json(const struct tw_zone_track *z, const char *path, struct tw_error *err)
{
	json_t *o, *ring;
	bool ok = true;
	unsigned i;

	if (z->name == NULL || !state_ok(z->published) || !state_ok(z->last_raw) ||
	    !state_ok(z->worse_best) || !state_ok(z->better_worst) ||
	    !state_ok(z->outage_state) || z->ring_len > TW_FLAP_WINDOW_MAX) {
		werr(err, path, "cannot save the tracker: a zone without a name, an invalid "
		    "state or too long a flap ring");
		return NULL;
	}
	for (i = 0; i < z->ring_len; i++) {
		if (!state_ok(z->ring[i])) {
			werr(err, path, "cannot save the tracker: an invalid state in a flap ring");
			return NULL;
		}
	}
	if (!isfinite(z->published_since) || !isfinite(z->run_since) ||
	    !isfinite(z->bad_since) || !isfinite(z->good_since) || !isfinite(z->outage_start)) {
		werr(err, path, "cannot save the tracker: a time that is not a finite number");
		return NULL;
	}
	if ((o = json_object()) == NULL)
		goto oom;
	set(o, "name", json_string(z->name), &ok);
	set(o, "started", json_boolean(z->started), &ok);
	set(o, "published", state_json(z->published), &ok);
	set(o, "published_since", json_real(z->published_since), &ok);
	set(o, "last_raw", state_json(z->last_raw), &ok);
	set(o, "diagnosis", z->diagnosis != NULL ? json_string(z->diagnosis) : json_null(), &ok);
	set(o, "worse_count", json_integer(z->worse_count), &ok);
	set(o, "worse_best", state_json(z->worse_best), &ok);
	set(o, "better_count", json_integer(z->better_count), &ok);
	set(o, "better_worst", state_json(z->better_worst), &ok);
	if ((ring = json_array()) == NULL)
		ok = false;
	for (i = 0; ring != NULL && i < z->ring_len; i++)
		if (json_array_append_new(ring, state_json(z->ring[i])) != 0)
			ok = false;
	set(o, "ring", ring, &ok);
	set(o, "flapping", json_boolean(z->flapping), &ok);
	set(o, "calm_rounds", json_integer(z->calm_rounds), &ok);
	set(o, "run_since", json_real(z->run_since), &ok);
	set(o, "bad_since", json_real(z->bad_since), &ok);
	set(o, "good_since", json_real(z->good_since), &ok);
	set(o, "in_outage", json_boolean(z->in_outage), &ok);
	set(o, "outage_start", json_real(z->outage_start), &ok);
	set(o, "outage_state", state_json(z->outage_state), &ok);
	if (ok)
		return o;
	json_decref(o);
oom:
	/* Strings jansson refuses (not UTF-8) end up here too. */
	werr(err, path, "cannot save the tracker: out of memory or a name that is not UTF-8");
	return NULL;
}

static json_t *
tracker_json(const struct tw_tracker *t, const char *path, struct tw_error *err)
{
	json_t *o, *zones, *z;
	bool ok = true;
	size_t i;

	if (t->n_zones > MAX_ROWS || t->rounds > (uint64_t)INT64_MAX ||
	    !isfinite(t->last_round)) {
		werr(err, path, "cannot save the tracker: too many zones, rounds or a bad time");
		return NULL;
	}
	o = json_object();
	zones = json_array();
	if (o == NULL || zones == NULL) {
		json_decref(o);
		json_decref(zones);
		werr(err, path, "out of memory");
		return NULL;
	}
	set(o, "rounds", json_integer((json_int_t)t->rounds), &ok);
	set(o, "last_round", json_real(t->last_round), &ok);
	set(o, "zones", zones, &ok);
	if (!ok) {
		json_decref(o);
		werr(err, path, "out of memory");
		return NULL;
	}
	for (i = 0; i < t->n_zones; i++) {
		if ((z = zone_json(&t->zones[i], path, err)) == NULL ||
		    json_array_append_new(zones, z) != 0) {
			if (z != NULL)
				werr(err, path, "out of memory");
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static int
check_ring(const struct tw_ring *ring, unsigned window)
{
	unsigned i;

	if (ring->len > window || (ring->len > 0 && ring->s == NULL))
		return -1;
	for (i = 0; i < ring->len; i++)
		if (!sample_ok(tw_history_ring_at(ring, i)))
			return -1;
	return 0;
}

static void
put_samples(struct buf *b, const struct tw_ring *ring)
{
	const struct tw_sample *smp;
	char num[64];
	unsigned i;

	put(b, "[");
	for (i = 0; i < ring->len && !b->failed; i++) {
		smp = tw_history_ring_at(ring, i);
		snprintf(num, sizeof(num), "%s[%" PRIu64 ", %u, %u, ", i > 0 ? ", " : "",
		    smp->round, (unsigned)smp->sent, (unsigned)smp->answered);
		put(b, num);
		put_real(b, (double)smp->rtt_ms, true);
		put(b, ", \"");
		put(b, tw_outcome_str((enum tw_outcome)smp->outcome));
		put(b, "\"]");
	}
	put(b, "]");
}

static int
put_history(struct buf *b, const struct tw_history *h, const char *path, struct tw_error *err)
{
	const struct tw_server_history *s;
	const struct tw_host_history *hh;
	size_t i, rows = h->n_servers + h->n_hosts;

	if (h->window == 0 || h->window > MAX_WINDOW || rows > MAX_ROWS ||
	    rows * h->window > MAX_SAMPLE_SLOTS)
		return werr(err, path, "cannot save the history: window or rows out of range");
	for (i = 0; i < h->n_servers; i++) {
		s = &h->servers[i];
		if (s->zone == NULL || s->served == NULL ||
		    strnlen(s->address, sizeof(s->address)) == sizeof(s->address) ||
		    !role_ok(s->role) || !transport_ok(s->transport) ||
		    s->last_round > (uint64_t)INT64_MAX || check_ring(&s->ring, h->window) != 0)
			return werr(err, path, "cannot save the history: an invalid server row");
	}
	for (i = 0; i < h->n_hosts; i++) {
		hh = &h->hosts[i];
		if (hh->zone == NULL || hh->name == NULL || hh->last_round > (uint64_t)INT64_MAX ||
		    check_ring(&hh->ring, h->window) != 0)
			return werr(err, path, "cannot save the history: an invalid host row");
	}

	put(b, "{\n");
	put_key(b, 2, "window");
	put_u64(b, h->window);
	put(b, ",\n");
	put_key(b, 2, "sample_fields");
	put(b, "[");
	for (i = 0; i < N_SAMPLE_FIELDS; i++) {
		put(b, i > 0 ? ", " : "");
		put_str(b, sample_fields[i]);
	}
	put(b, "],\n");
	put_key(b, 2, "servers");
	put(b, h->n_servers > 0 ? "[\n" : "[]");
	for (i = 0; i < h->n_servers; i++) {
		s = &h->servers[i];
		put_indent(b, 3);
		put(b, "{\"zone\": ");
		put_str(b, s->zone);
		put(b, ", \"served\": ");
		put_str(b, s->served);
		put(b, ", \"name\": ");
		put_str(b, s->name);
		put(b, ", \"address\": ");
		put_str(b, s->address);
		put(b, ", \"port\": ");
		put_u64(b, s->port);
		put(b, ", \"transport\": ");
		put_str(b, tw_transport_str(s->transport));
		put(b, ", \"role\": ");
		put_str(b, tw_result_role_str(s->role));
		put(b, ", \"last_round\": ");
		put_u64(b, s->last_round);
		put(b, ",\n");
		put_indent(b, 4);
		put(b, "\"samples\": ");
		put_samples(b, &s->ring);
		put(b, i + 1 < h->n_servers ? "},\n" : "}\n");
	}
	if (h->n_servers > 0)
		put_indent(b, 2);
	put(b, h->n_servers > 0 ? "],\n" : ",\n");
	put_key(b, 2, "hosts");
	put(b, h->n_hosts > 0 ? "[\n" : "[]");
	for (i = 0; i < h->n_hosts; i++) {
		hh = &h->hosts[i];
		put_indent(b, 3);
		put(b, "{\"zone\": ");
		put_str(b, hh->zone);
		put(b, ", \"name\": ");
		put_str(b, hh->name);
		put(b, ", \"last_round\": ");
		put_u64(b, hh->last_round);
		put(b, ",\n");
		put_indent(b, 4);
		put(b, "\"samples\": ");
		put_samples(b, &hh->ring);
		put(b, i + 1 < h->n_hosts ? "},\n" : "}\n");
	}
	if (h->n_hosts > 0)
		put_indent(b, 2);
	put(b, h->n_hosts > 0 ? "]\n" : "\n");
	put_indent(b, 1);
	put(b, "}");
	return 0;
}

static int
check_events(const struct tw_event_ring *ring, const char *path, struct tw_error *err)
{
	size_t i;

	for (i = 0; ring != NULL && i < ring->len; i++)
		if (!tw_event_valid(tw_event_ring_at(ring, i)))
			return werr(err, path, "cannot save the events: an invalid event");
	return 0;
}

/* A value the document is built from; NULL (with ${err}) when memory ran out. */
static json_t *
built(json_t *v, const char *what, const char *path, struct tw_error *err)
{
	if (v == NULL)
		tw_error_set(err, path, 0, 0, "cannot save %s: out of memory", what);
	return v;
}

/* The whole document as text; NULL with ${err} set. */
static char *
render(const struct tw_state_doc *doc, const char *path, size_t *len, struct tw_error *err)
{
	json_t *tracker = NULL, *last = NULL, *events = NULL;
	struct buf b;
	struct tm tm;
	time_t secs;
	char iso[32];

	memset(&b, 0, sizeof(b));
	if (doc->tracker == NULL || doc->history == NULL) {
		werr(err, path, "cannot save: no tracker or no history");
		return NULL;
	}
	if (!isfinite(doc->written) || doc->written < 0 || doc->written > WRITTEN_MAX) {
		werr(err, path, "cannot save: the time of writing is out of range");
		return NULL;
	}
	secs = (time_t)doc->written;
	if (gmtime_r(&secs, &tm) == NULL ||
	    strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		werr(err, path, "cannot save: the time of writing is out of range");
		return NULL;
	}
	if ((b.real = json_real(0.0)) == NULL) {
		werr(err, path, "out of memory");
		return NULL;
	}
	if (check_events(doc->events, path, err) != 0 ||
	    (tracker = tracker_json(doc->tracker, path, err)) == NULL ||
	    (last = built(doc->last != NULL ? tw_report_json_value(doc->last) : json_null(),
	    "the last round", path, err)) == NULL ||
	    (events = built(doc->events != NULL ? tw_event_ring_json(doc->events) : json_null(),
	    "the events", path, err)) == NULL)
		goto fail;

	put(&b, "{\n");
	put_member(&b, 1, "format", json_string(FORMAT_NAME), false);
	put_member(&b, 1, "version", json_integer(FORMAT_VERSION), false);
	put_member(&b, 1, "written", json_real(doc->written), false);
	put_member(&b, 1, "written_iso", json_string(iso), false);
	put_member(&b, 1, "interval_ms", json_integer(doc->interval_ms), false);
	put_member(&b, 1, "tracker", tracker, false);
	tracker = NULL;
	put_key(&b, 1, "history");
	if (put_history(&b, doc->history, path, err) != 0)
		goto fail;
	put(&b, ",\n");
	put_member(&b, 1, "last_round", last, false);
	last = NULL;
	put_member(&b, 1, "events", events, true);
	events = NULL;
	put(&b, "}\n");
	if (b.failed) {
		if (b.too_big)
			tw_error_set(err, path, 0, 0, "cannot save: the state would exceed %zu MiB",
			    MAX_FILE_BYTES >> 20);
		else
			werr(err, path, "cannot save: out of memory or text that is not UTF-8");
		goto fail;
	}
	json_decref(b.real);
	*len = b.len;
	return b.p;
fail:
	json_decref(b.real);
	json_decref(tracker);
	json_decref(last);
	json_decref(events);
	free(b.p);
	return NULL;
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The directory part of ${path} ("." for a bare name); malloc'ed. */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

/* "PATH: what failed: strerror" */
static int
sys_fail(struct tw_error *err, const char *path, const char *what, int e)
{
	tw_error_set(err, path, 0, 0, "%s: %s", what, strerror(e));
	return -1;
}

int
tw_statefile_save(const char *path, const struct tw_state_doc *doc, struct tw_error *err)
{
	char *text = NULL, *tmp = NULL, *dir = NULL;
	size_t len = 0, tmp_len;
	struct stat st;
	int fd = -1, dfd = -1, rc = -1, e;
	bool created = false;

	if (path == NULL || *path == '\0' || doc == NULL) {
		werr(err, path != NULL ? path : "", "no state file path or nothing to save");
		errno = EINVAL;
		return -1;
	}
	if ((text = render(doc, path, &len, err)) == NULL)
		return -1;
	tmp_len = strlen(path) + 32;
	tmp = malloc(tmp_len);
	dir = dir_of(path);
	if (tmp == NULL || dir == NULL) {
		sys_fail(err, path, "prepare", ENOMEM);
		goto out;
	}
	snprintf(tmp, tmp_len, "%s.tmp.%ld", path, (long)getpid());

	/* A temporary file of our own pid can only be a leftover of a crash. */
	if (unlink(tmp) != 0 && errno != ENOENT) {
		sys_fail(err, path, "remove a stale temporary file", errno);
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (fd < 0) {
		sys_fail(err, path, "create the temporary file", errno);
		goto out;
	}
	created = true;
	/* 0640 whatever the umask: the group (tldwatch under the systemd unit) may read it. */
	if (fchmod(fd, 0640) != 0) {
		sys_fail(err, path, "chmod the temporary file", errno);
		goto out;
	}
	if (write_all(fd, text, len) != 0) {
		sys_fail(err, path, "write the temporary file", errno);
		goto out;
	}
	while (fsync(fd) != 0) {
		if (errno != EINTR) {
			sys_fail(err, path, "fsync the temporary file", errno);
			goto out;
		}
	}
	e = close(fd);
	fd = -1;
	if (e != 0 && errno != EINTR) {
		sys_fail(err, path, "close the temporary file", errno);
		goto out;
	}
	/* Never replace a symlink: whatever it points to is not ours to write. */
	if (lstat(path, &st) == 0) {
		if (S_ISLNK(st.st_mode)) {
			werr(err, path, "refusing to replace a symbolic link");
			goto out;
		}
	} else if (errno != ENOENT) {
		sys_fail(err, path, "lstat", errno);
		goto out;
	}
	if (rename(tmp, path) != 0) {
		sys_fail(err, path, "rename the temporary file over it", errno);
		goto out;
	}
	created = false;
	/* Make the rename itself durable; EINVAL: a file system without directory fsync. */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		sys_fail(err, path, "open the directory to fsync it (the new file is in place)",
		    errno);
		goto out;
	}
	while (fsync(dfd) != 0) {
		if (errno == EINTR)
			continue;
		if (errno == EINVAL)
			break;
		sys_fail(err, path, "fsync the directory (the new file is in place)", errno);
		goto out;
	}
	rc = 0;
out:
	e = errno;
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	if (created)
		unlink(tmp);
	free(text);
	free(tmp);
	free(dir);
	errno = e;
	return rc;
}

/*
 * Reading.  Every field is looked up by name and checked for its type and
 * range; the first problem found is the reason given.
 */

struct ld {
	const char *path;
	struct tw_error *err;
};

static int bad(struct ld *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
bad(struct ld *l, const char *fmt, ...)
{
	char msg[TW_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tw_error_set(l->err, l->path, 0, 0, "%s", msg);
	return -1;
}

static const char *
type_name(const json_t *v)
{
	if (v == NULL)
		return "nothing";
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a real number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "something else";
}

/* The member ${key} of ${o}; NULL (with the reason set) when missing. */
static json_t *
member(struct ld *l, const json_t *o, const char *where, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL)
		bad(l, "%s: missing \"%s\"", where, key);
	return v;
}

static int
want_type(struct ld *l, const json_t *v, const char *where, const char *key, json_type type,
    const char *wanted)
{
	if (json_typeof(v) == type)
		return 0;
	return bad(l, "%s.%s: expected %s, got %s", where, key, wanted, type_name(v));
}

static int
get_uint(struct ld *l, const json_t *o, const char *where, const char *key, uint64_t max,
    uint64_t *out)
{
	json_t *v;
	json_int_t n;

	if ((v = member(l, o, where, key)) == NULL ||
	    want_type(l, v, where, key, JSON_INTEGER, "an integer") != 0)
		return -1;
	n = json_integer_value(v);
	if (n < 0)
		return bad(l, "%s.%s: negative (%" JSON_INTEGER_FORMAT ")", where, key, n);
	if ((uint64_t)n > max)
		return bad(l, "%s.%s: %" JSON_INTEGER_FORMAT " is more than %" PRIu64, where, key,
		    n, max);
	*out = (uint64_t)n;
	return 0;
}

static int
get_unsigned(struct ld *l, const json_t *o, const char *where, const char *key, unsigned *out)
{
	uint64_t v;

	if (get_uint(l, o, where, key, UINT_MAX, &v) != 0)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int
get_time(struct ld *l, const json_t *o, const char *where, const char *key, double *out)
{
	json_t *v;

	if ((v = member(l, o, where, key)) == NULL)
		return -1;
	if (!json_is_number(v))
		return bad(l, "%s.%s: expected a number, got %s", where, key, type_name(v));
	*out = json_number_value(v);
	return 0;
}

static int
get_bool(struct ld *l, const json_t *o, const char *where, const char *key, bool *out)
{
	json_t *v;

	if ((v = member(l, o, where, key)) == NULL)
		return -1;
	if (!json_is_boolean(v))
		return bad(l, "%s.%s: expected true or false, got %s", where, key, type_name(v));
	*out = json_is_true(v);
	return 0;
}

/* A string member, borrowed from ${o}; NULL allowed only if ${nullable}. */
static int
get_str(struct ld *l, const json_t *o, const char *where, const char *key, bool nullable,
    const char **out)
{
	json_t *v;

	if ((v = member(l, o, where, key)) == NULL)
		return -1;
	if (nullable && json_is_null(v)) {
		*out = NULL;
		return 0;
	}
	if (!json_is_string(v))
		return bad(l, "%s.%s: expected a string%s, got %s", where, key,
		    nullable ? " or null" : "", type_name(v));
	*out = json_string_value(v);
	return 0;
}

/* A string member copied; *out NULL for null (when ${nullable}). */
static int
dup_str(struct ld *l, const json_t *o, const char *where, const char *key, bool nullable,
    char **out)
{
	const char *s;

	if (get_str(l, o, where, key, nullable, &s) != 0)
		return -1;
	if (s == NULL) {
		*out = NULL;
		return 0;
	}
	if ((*out = strdup(s)) == NULL)
		return bad(l, "out of memory");
	return 0;
}

static int
parse_state(struct ld *l, const json_t *v, const char *where, const char *key,
    enum tw_state *out)
{
	if (!json_is_string(v))
		return bad(l, "%s.%s: expected a state name, got %s", where, key, type_name(v));
	if (tw_state_from_str(json_string_value(v), out) != 0)
		return bad(l, "%s.%s: unknown state \"%.40s\"", where, key, json_string_value(v));
	return 0;
}

static int
get_state(struct ld *l, const json_t *o, const char *where, const char *key,
    enum tw_state *out)
{
	json_t *v;

	if ((v = member(l, o, where, key)) == NULL)
		return -1;
	return parse_state(l, v, where, key, out);
}

/* An array member, at most ${max} long. */
static json_t *
get_array(struct ld *l, const json_t *o, const char *where, const char *key, size_t max)
{
	json_t *v;

	if ((v = member(l, o, where, key)) == NULL)
		return NULL;
	if (!json_is_array(v)) {
		bad(l, "%s.%s: expected an array, got %s", where, key, type_name(v));
		return NULL;
	}
	if (json_array_size(v) > max) {
		bad(l, "%s.%s: %zu entries, more than %zu", where, key, json_array_size(v), max);
		return NULL;
	}
	return v;
}

static json_t *
get_object(struct ld *l, const json_t *o, const char *where, const char *key)
{
	json_t *v;

	if ((v = member(l, o, where, key)) == NULL)
		return NULL;
	if (!json_is_object(v)) {
		bad(l, "%s.%s: expected an object, got %s", where, key, type_name(v));
		return NULL;
	}
	return v;
}

static int
load_zone(struct ld *l, const json_t *o, const char *where, struct tw_zone_track *z)
{
	json_t *ring;
	char key[32];
	size_t i;

	if (!json_is_object(o))
		return bad(l, "%s: expected an object, got %s", where, type_name(o));
	if (dup_str(l, o, where, "name", false, &z->name) != 0 ||
	    get_bool(l, o, where, "started", &z->started) != 0 ||
	    get_state(l, o, where, "published", &z->published) != 0 ||
	    get_time(l, o, where, "published_since", &z->published_since) != 0 ||
	    get_state(l, o, where, "last_raw", &z->last_raw) != 0 ||
	    dup_str(l, o, where, "diagnosis", true, &z->diagnosis) != 0 ||
	    get_unsigned(l, o, where, "worse_count", &z->worse_count) != 0 ||
	    get_state(l, o, where, "worse_best", &z->worse_best) != 0 ||
	    get_unsigned(l, o, where, "better_count", &z->better_count) != 0 ||
	    get_state(l, o, where, "better_worst", &z->better_worst) != 0 ||
	    (ring = get_array(l, o, where, "ring", TW_FLAP_WINDOW_MAX)) == NULL ||
	    get_bool(l, o, where, "flapping", &z->flapping) != 0 ||
	    get_unsigned(l, o, where, "calm_rounds", &z->calm_rounds) != 0 ||
	    get_time(l, o, where, "run_since", &z->run_since) != 0 ||
	    get_time(l, o, where, "bad_since", &z->bad_since) != 0 ||
	    get_time(l, o, where, "good_since", &z->good_since) != 0 ||
	    get_bool(l, o, where, "in_outage", &z->in_outage) != 0 ||
	    get_time(l, o, where, "outage_start", &z->outage_start) != 0 ||
	    get_state(l, o, where, "outage_state", &z->outage_state) != 0)
		return -1;
	for (i = 0; i < json_array_size(ring); i++) {
		snprintf(key, sizeof(key), "ring[%zu]", i);
		if (parse_state(l, json_array_get(ring, i), where, key, &z->ring[i]) != 0)
			return -1;
	}
	z->ring_len = (unsigned)json_array_size(ring);
	return 0;
}

static int
load_tracker(struct ld *l, const json_t *root, struct tw_tracker **out)
{
	struct tw_tracker *t;
	json_t *o, *zones;
	char where[64];
	size_t i;

	if ((o = get_object(l, root, "state", "tracker")) == NULL ||
	    (zones = get_array(l, o, "tracker", "zones", MAX_ROWS)) == NULL)
		return -1;
	if ((t = tw_tracker_new()) == NULL)
		return bad(l, "out of memory");
	if (get_uint(l, o, "tracker", "rounds", (uint64_t)INT64_MAX, &t->rounds) != 0 ||
	    get_time(l, o, "tracker", "last_round", &t->last_round) != 0)
		goto fail;
	if (json_array_size(zones) > 0) {
		if ((t->zones = calloc(json_array_size(zones), sizeof(*t->zones))) == NULL) {
			bad(l, "out of memory");
			goto fail;
		}
		t->n_zones = json_array_size(zones);
	}
	for (i = 0; i < t->n_zones; i++) {
		snprintf(where, sizeof(where), "tracker.zones[%zu]", i);
		if (load_zone(l, json_array_get(zones, i), where, &t->zones[i]) != 0)
			goto fail;
	}
	*out = t;
	return 0;
fail:
	tw_tracker_free(t);
	return -1;
}

static int
load_samples(struct ld *l, const json_t *o, const char *where, unsigned window,
    struct tw_ring *ring)
{
	json_t *arr, *smp, *v;
	char key[48];
	size_t i, k;
	json_int_t n;
	double rtt;

	if ((arr = get_array(l, o, where, "samples", window)) == NULL)
		return -1;
	for (i = 0; i < json_array_size(arr); i++) {
		struct tw_sample *s = &ring->s[i];

		smp = json_array_get(arr, i);
		snprintf(key, sizeof(key), "samples[%zu]", i);
		if (!json_is_array(smp) || json_array_size(smp) != N_SAMPLE_FIELDS)
			return bad(l, "%s.%s: expected [round, sent, answered, rtt_ms, outcome]",
			    where, key);
		for (k = 0; k < 3; k++) {
			v = json_array_get(smp, k);
			if (!json_is_integer(v))
				return bad(l, "%s.%s: %s: expected an integer, got %s", where, key,
				    sample_fields[k], type_name(v));
			if ((n = json_integer_value(v)) < 0)
				return bad(l, "%s.%s: %s: negative", where, key, sample_fields[k]);
			if (k > 0 && n > UINT16_MAX)
				return bad(l, "%s.%s: %s: more than %u", where, key,
				    sample_fields[k], (unsigned)UINT16_MAX);
			if (k == 0)
				s->round = (uint64_t)n;
			else if (k == 1)
				s->sent = (uint16_t)n;
			else
				s->answered = (uint16_t)n;
		}
		if (s->answered > s->sent)
			return bad(l, "%s.%s: more answered than sent", where, key);
		v = json_array_get(smp, 3);
		if (!json_is_number(v))
			return bad(l, "%s.%s: rtt_ms: expected a number, got %s", where, key,
			    type_name(v));
		rtt = json_number_value(v);
		/* Up to FLT_MAX + half an ulp it rounds to a finite float (9 digits overshoot). */
		if (!(fabs(rtt) < 0x1.ffffffp+127))
			return bad(l, "%s.%s: rtt_ms: out of range", where, key);
		s->rtt_ms = (float)rtt;
		v = json_array_get(smp, 4);
		if (!json_is_string(v) || outcome_byte(json_string_value(v), &s->outcome) != 0)
			return bad(l, "%s.%s: outcome: expected an outcome name", where, key);
	}
	ring->len = (unsigned)json_array_size(arr);
	ring->head = 0;
	return 0;
}

static int
load_server(struct ld *l, const json_t *o, const char *where, unsigned window,
    struct tw_server_history *s)
{
	const char *str;
	uint64_t port;

	if (!json_is_object(o))
		return bad(l, "%s: expected an object, got %s", where, type_name(o));
	if (dup_str(l, o, where, "zone", false, &s->zone) != 0 ||
	    dup_str(l, o, where, "served", false, &s->served) != 0 ||
	    dup_str(l, o, where, "name", true, &s->name) != 0 ||
	    get_str(l, o, where, "address", false, &str) != 0)
		return -1;
	if (strlen(str) >= sizeof(s->address))
		return bad(l, "%s.address: too long", where);
	memcpy(s->address, str, strlen(str) + 1);
	if (get_uint(l, o, where, "port", UINT16_MAX, &port) != 0)
		return -1;
	s->port = (uint16_t)port;
	if (get_str(l, o, where, "transport", false, &str) != 0)
		return -1;
	if (tw_transport_from_str(str, &s->transport) != 0)
		return bad(l, "%s.transport: unknown transport \"%.20s\"", where, str);
	if (get_str(l, o, where, "role", false, &str) != 0)
		return -1;
	if (tw_result_role_from_str(str, &s->role) != 0)
		return bad(l, "%s.role: unknown role \"%.20s\"", where, str);
	if (get_uint(l, o, where, "last_round", (uint64_t)INT64_MAX, &s->last_round) != 0)
		return -1;
	if ((s->ring.s = calloc(window, sizeof(*s->ring.s))) == NULL)
		return bad(l, "out of memory");
	return load_samples(l, o, where, window, &s->ring);
}

static int
load_host(struct ld *l, const json_t *o, const char *where, unsigned window,
    struct tw_host_history *hh)
{
	if (!json_is_object(o))
		return bad(l, "%s: expected an object, got %s", where, type_name(o));
	if (dup_str(l, o, where, "zone", false, &hh->zone) != 0 ||
	    dup_str(l, o, where, "name", false, &hh->name) != 0 ||
	    get_uint(l, o, where, "last_round", (uint64_t)INT64_MAX, &hh->last_round) != 0)
		return -1;
	if ((hh->ring.s = calloc(window, sizeof(*hh->ring.s))) == NULL)
		return bad(l, "out of memory");
	return load_samples(l, o, where, window, &hh->ring);
}

static int
load_history(struct ld *l, const json_t *root, struct tw_history **out)
{
	struct tw_history *h = NULL;
	json_t *o, *servers, *hosts, *fields;
	uint64_t window;
	char where[64];
	size_t i, rows;

	if ((o = get_object(l, root, "state", "history")) == NULL ||
	    get_uint(l, o, "history", "window", MAX_WINDOW, &window) != 0 ||
	    (servers = get_array(l, o, "history", "servers", MAX_ROWS)) == NULL ||
	    (hosts = get_array(l, o, "history", "hosts", MAX_ROWS)) == NULL)
		return -1;
	if (window == 0)
		return bad(l, "history.window: 0 (it must be 1 to %d)", MAX_WINDOW);
	/* Informative, but a different sample layout is not ours. */
	if ((fields = json_object_get(o, "sample_fields")) != NULL) {
		bool same = json_is_array(fields) && json_array_size(fields) == N_SAMPLE_FIELDS;

		for (i = 0; same && i < N_SAMPLE_FIELDS; i++) {
			json_t *f = json_array_get(fields, i);

			same = json_is_string(f) && strcmp(json_string_value(f),
			    sample_fields[i]) == 0;
		}
		if (!same)
			return bad(l, "history.sample_fields: not the layout of version %d",
			    FORMAT_VERSION);
	}
	rows = json_array_size(servers) + json_array_size(hosts);
	if (rows > MAX_ROWS)
		return bad(l, "history: %zu rows, more than %d", rows, MAX_ROWS);
	if (rows * window > MAX_SAMPLE_SLOTS)
		return bad(l, "history: %zu rows of %" PRIu64 " samples is too large", rows,
		    window);
	if ((h = tw_history_new((unsigned)window)) == NULL)
		return bad(l, "out of memory");
	if (json_array_size(servers) > 0) {
		if ((h->servers = calloc(json_array_size(servers), sizeof(*h->servers))) == NULL)
			goto oom;
		h->n_servers = json_array_size(servers);
	}
	if (json_array_size(hosts) > 0) {
		if ((h->hosts = calloc(json_array_size(hosts), sizeof(*h->hosts))) == NULL)
			goto oom;
		h->n_hosts = json_array_size(hosts);
	}
	for (i = 0; i < h->n_servers; i++) {
		snprintf(where, sizeof(where), "history.servers[%zu]", i);
		if (load_server(l, json_array_get(servers, i), where, h->window,
		    &h->servers[i]) != 0)
			goto fail;
	}
	for (i = 0; i < h->n_hosts; i++) {
		snprintf(where, sizeof(where), "history.hosts[%zu]", i);
		if (load_host(l, json_array_get(hosts, i), where, h->window, &h->hosts[i]) != 0)
			goto fail;
	}
	*out = h;
	return 0;
oom:
	bad(l, "out of memory");
fail:
	tw_history_free(h);
	return -1;
}

/* "last_round": absent, null or an object (not read: the next round replaces it). */
static int
check_last_round(struct ld *l, const json_t *root)
{
	json_t *v = json_object_get(root, "last_round");

	if (v != NULL && !json_is_null(v) && !json_is_object(v))
		return bad(l, "state.last_round: expected an object or null, got %s",
		    type_name(v));
	return 0;
}

/* "events": absent or null (none), or an array of events, oldest first. */
static int
load_events(struct ld *l, const json_t *root, struct tw_event_ring **out)
{
	json_t *v = json_object_get(root, "events");
	struct tw_event_ring *ring;
	struct tw_event ev;
	struct tw_error e;
	char what[48];
	size_t i, n;

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return bad(l, "state.events: expected an array or null, got %s", type_name(v));
	if ((ring = calloc(1, sizeof(*ring))) == NULL)
		return bad(l, "out of memory");
	*out = ring;
	/* The ring keeps the newest; older ones would only be dropped. */
	n = json_array_size(v);
	for (i = n > TW_EVENT_RING_SIZE ? n - TW_EVENT_RING_SIZE : 0; i < n; i++) {
		snprintf(what, sizeof(what), "state.events[%zu]", i);
		memset(&e, 0, sizeof(e));
		if (tw_event_from_json(json_array_get(v, i), &ev, what, &e) != 0)
			return bad(l, "%s", e.msg);
		if (tw_event_ring_push(ring, &ev) != 0) {
			tw_event_clear(&ev);
			return bad(l, "out of memory");
		}
		tw_event_clear(&ev);
	}
	return 0;
}

static int
load_doc(struct ld *l, const json_t *root, struct tw_state_doc *doc)
{
	json_t *v;
	uint64_t n;

	if (!json_is_object(root))
		return bad(l, "not a tldwatch state file: the document is %s, not an object",
		    type_name(root));
	if ((v = json_object_get(root, "format")) == NULL || !json_is_string(v) ||
	    strcmp(json_string_value(v), FORMAT_NAME) != 0)
		return bad(l, "not a tldwatch state file (no \"format\": \"%s\")", FORMAT_NAME);
	if ((v = json_object_get(root, "version")) == NULL || !json_is_integer(v))
		return bad(l, "state.version: missing or not an integer");
	if (json_integer_value(v) != FORMAT_VERSION)
		return bad(l, "unsupported state file version %" JSON_INTEGER_FORMAT
		    " (this tldwatch reads version %d)", json_integer_value(v), FORMAT_VERSION);
	if (get_time(l, root, "state", "written", &doc->written) != 0 ||
	    get_uint(l, root, "state", "interval_ms", UINT32_MAX, &n) != 0)
		return -1;
	/* What the writer would refuse to write back is not a file it wrote. */
	if (doc->written < 0 || doc->written > WRITTEN_MAX)
		return bad(l, "state.written: %g is not a time between 1970 and 9999",
		    doc->written);
	doc->interval_ms = (uint32_t)n;
	if (load_tracker(l, root, &doc->tracker) != 0 ||
	    load_history(l, root, &doc->history) != 0 ||
	    check_last_round(l, root) != 0 || load_events(l, root, &doc->events) != 0)
		return -1;
	return 0;
}

/* The whole file, at most MAX_FILE_BYTES; NULL with the reason set. */
static char *
slurp(struct ld *l, int fd, size_t *len)
{
	size_t cap = 0, n = 0;
	char *p = NULL, *q;
	ssize_t r;

	for (;;) {
		if (n == cap) {
			if (cap > MAX_FILE_BYTES) {
				free(p);
				bad(l, "larger than %zu MiB: not a state file we wrote",
				    MAX_FILE_BYTES >> 20);
				return NULL;
			}
			cap = cap == 0 ? 65536 : cap * 2;
			if (cap > MAX_FILE_BYTES + 1)
				cap = MAX_FILE_BYTES + 1;
			if ((q = realloc(p, cap)) == NULL) {
				free(p);
				bad(l, "out of memory");
				return NULL;
			}
			p = q;
		}
		if ((r = read(fd, p + n, cap - n)) < 0) {
			if (errno == EINTR)
				continue;
			sys_fail(l->err, l->path, "read", errno);
			free(p);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > MAX_FILE_BYTES) {
		free(p);
		bad(l, "larger than %zu MiB: not a state file we wrote", MAX_FILE_BYTES >> 20);
		return NULL;
	}
	*len = n;
	return p;
}

enum tw_statefile_status
tw_statefile_load(const char *path, struct tw_state_doc *doc, struct tw_error *err)
{
	struct ld l = { path != NULL ? path : "", err };
	json_error_t jerr;
	json_t *root = NULL;
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	int fd;
	enum tw_statefile_status rc = TW_STATEFILE_BAD;

	if (doc == NULL)
		return TW_STATEFILE_BAD;
	memset(doc, 0, sizeof(*doc));
	if (path == NULL || *path == '\0') {
		bad(&l, "no state file path");
		return TW_STATEFILE_BAD;
	}
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)) < 0) {
		if (errno == ENOENT)
			return TW_STATEFILE_MISSING;
		if (errno == ELOOP)
			bad(&l, "is a symbolic link; the state file never is");
		else
			sys_fail(err, path, "open", errno);
		return TW_STATEFILE_BAD;
	}
	if (fstat(fd, &st) != 0) {
		sys_fail(err, path, "fstat", errno);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		bad(&l, "not a regular file");
		goto out;
	}
	if ((uint64_t)st.st_size > MAX_FILE_BYTES) {
		bad(&l, "larger than %zu MiB: not a state file we wrote", MAX_FILE_BYTES >> 20);
		goto out;
	}
	if ((text = slurp(&l, fd, &len)) == NULL)
		goto out;
	if (len == 0) {
		bad(&l, "empty file");
		goto out;
	}
	/* We always end with a newline; without one the file was cut short. */
	if (text[len - 1] != '\n') {
		bad(&l, "truncated: the file does not end with a newline");
		goto out;
	}
	if ((root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
	    &jerr)) == NULL) {
		tw_error_set(err, path, jerr.line > 0 ? (unsigned)jerr.line : 0,
		    jerr.line > 0 && jerr.column > 0 ? (unsigned)jerr.column : 0,
		    "truncated or corrupt JSON: %s", jerr.text);
		goto out;
	}
	if (load_doc(&l, root, doc) != 0) {
		tw_statefile_doc_clear(doc);
		goto out;
	}
	rc = TW_STATEFILE_OK;
out:
	json_decref(root);
	free(text);
	close(fd);
	return rc;
}

void
tw_statefile_doc_clear(struct tw_state_doc *doc)
{
	if (doc == NULL)
		return;
	tw_tracker_free(doc->tracker);
	tw_history_free(doc->history);
	if (doc->events != NULL) {
		tw_event_ring_clear(doc->events);
		free(doc->events);
	}
	memset(doc, 0, sizeof(*doc));
}

int
tw_statefile_set_aside(const char *path, char *newpath, size_t len)
{
	char stamp[32], *cand = NULL;
	struct stat st;
	struct tm tm;
	time_t now;
	size_t cand_len;
	unsigned n;
	int rc = -1, e = 0;

	if (path == NULL || *path == '\0' || newpath == NULL || len == 0) {
		errno = EINVAL;
		return -1;
	}
	now = time(NULL);
	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm) == 0) {
		errno = EOVERFLOW;
		return -1;
	}
	cand_len = strlen(path) + strlen(stamp) + 16;
	if ((cand = malloc(cand_len)) == NULL)
		return -1;
	for (n = 0; n < MAX_SET_ASIDE; n++) {
		if (n == 0)
			snprintf(cand, cand_len, "%s.bad-%s", path, stamp);
		else
			snprintf(cand, cand_len, "%s.bad-%s-%u", path, stamp, n);
		if (strlen(cand) >= len) {
			e = ENAMETOOLONG;
			goto out;
		}
		/* link(2) never replaces an existing name, so nothing is lost in a race. */
		if (link(path, cand) == 0) {
			if (unlink(path) != 0) {
				e = errno;
				unlink(cand);
				goto out;
			}
			break;
		}
		if (errno == EEXIST)
			continue;
		if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP &&
		    errno != EMLINK && errno != EXDEV) {
			e = errno;
			goto out;
		}
		/* No hard links here: look, then rename. */
		if (lstat(cand, &st) == 0)
			continue;
		if (errno != ENOENT || rename(path, cand) != 0) {
			e = errno;
			goto out;
		}
		break;
	}
	if (n == MAX_SET_ASIDE) {
		e = EEXIST;
		goto out;
	}
	snprintf(newpath, len, "%s", cand);
	rc = 0;
out:
	free(cand);
	if (rc != 0)
		errno = e;
	return rc;
}

int
tw_statefile_clean_stale(const char *path)
{
	char dirbuf[4096], *slash, *end;
	const char *dir, *base;
	struct dirent *de;
	size_t blen;
	long pid;
	int removed = 0;
	DIR *d;

	if (snprintf(dirbuf, sizeof(dirbuf), "%s", path) >= (int)sizeof(dirbuf))
		return 0;
	if ((slash = strrchr(dirbuf, '/')) != NULL) {
		*slash = '\0';
		dir = dirbuf[0] != '\0' ? dirbuf : "/";
		base = slash + 1;
	} else {
		dir = ".";
		base = dirbuf;
	}
	blen = strlen(base);
	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, base, blen) != 0 ||
		    strncmp(de->d_name + blen, ".tmp.", 5) != 0)
			continue;
		pid = strtol(de->d_name + blen + 5, &end, 10);
		if (*end != '\0' || pid <= 0)
			continue;
		/* Only a writer that is gone: a live one may be mid-save. */
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}
