/*
 * statefile.c -- the JSON state file of tldwatch before the ledger, read back
 * with every field checked: the ledger imports it (ledger.c), and `status`
 * reads one that no watcher has imported yet.  Nothing writes it any more.
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
 * Samples are oldest first.  Times are Unix seconds.  The writer always
 * ended the file with a newline, so a file cut short anywhere is never
 * taken for a whole one.
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

/* The range the writer kept "written" in (up to 9999-12-31T23:59:59Z). */
#define WRITTEN_MAX 253402300799.0

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

/* "PATH: what failed: strerror" */
static int
sys_fail(struct tw_error *err, const char *path, const char *what, int e)
{
	tw_error_set(err, path, 0, 0, "%s: %s", what, strerror(e));
	return -1;
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
