/*
 * config.c -- the YAML configuration: libyaml's document API checked
 * against one schema table per mapping; every error is FILE:LINE:COL.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <yaml.h>

#include "tldwatch/config.h"
#include "tldwatch/duration.h"
#include "tldwatch/endpoint.h"

/* A config is a few kilobytes; these limits turn junk into clear errors. */
#define CONFIG_MAX_BYTES (1024 * 1024)
#define CONFIG_MAX_DEPTH 32	/* the schema itself needs 5 levels */
#define CONFIG_MAX_NODES 100000	/* libyaml keeps ~100 bytes per node */

#define PATH_LEN 96		/* "zones[123].hosts[45].label" */
#define SHOW_MAX 60		/* bytes of user text quoted in a message */
#define SHOW_LEN (SHOW_MAX * 4 + 8)
#define MAX_FIELDS 8
#define FLAP_MAX 64		/* watch.flap_*: TW_FLAP_WINDOW_MAX in tracker.h */

static const char default_yaml[] =
    "# tldwatch -- built-in configuration: the real .kp, asked from the IANA roots.\n"
    "probe:\n"
    "  timeout: 2s\n"
    "  attempts: 2\n"
    "  transports: [udp]\n"
    "  port: 53\n"
    "roots:\n"
    "  - a.root-servers.net=198.41.0.4\n"
    "  - b.root-servers.net=170.247.170.2\n"
    "  - c.root-servers.net=192.33.4.12\n"
    "  - d.root-servers.net=199.7.91.13\n"
    "  - e.root-servers.net=192.203.230.10\n"
    "  - f.root-servers.net=192.5.5.241\n"
    "  - g.root-servers.net=192.112.36.4\n"
    "  - h.root-servers.net=198.97.190.53\n"
    "  - i.root-servers.net=192.36.148.17\n"
    "  - j.root-servers.net=192.58.128.30\n"
    "  - k.root-servers.net=193.0.14.129\n"
    "  - l.root-servers.net=199.7.83.42\n"
    "  - m.root-servers.net=202.12.27.33\n"
    "zones:\n"
    "  - name: kp\n"
    "    label: North Korea\n"
    "    servers:               # pinned: also asked when the roots are unreachable\n"
    "      - ns1.kptc.kp=175.45.176.15\n"
    "      - ns2.kptc.kp=175.45.176.16\n"
    "    hosts:\n"
    "      - name: kcna.kp\n"
    "        label: Korean Central News Agency\n"
    "        key: true\n"
    "      - name: rodong.rep.kp\n"
    "        label: Rodong Sinmun\n"
    "        key: true\n"
    "      - name: naenara.com.kp\n"
    "        label: Naenara portal\n"
    "        key: true\n";

/* Loader state: where messages go and which document nodes come from. */
struct ld {
	yaml_document_t *doc;
	const char *source;
	struct tw_error *err;
	struct tw_config *cfg;
};

enum nkind { N_SCALAR, N_SEQ, N_MAP };

struct field;
typedef int (*handler_fn)(struct ld *ld, const struct field *f, yaml_node_t *v,
    void *obj, const char *path);

/* One key of a mapping: what node it takes, its limits, who converts it. */
struct field {
	const char *key;
	enum nkind kind;
	bool required;
	uint32_t min, max;	/* integers; durations in ms */
	const char *expect;	/* for "expected ..., got ..." */
	handler_fn handler;
};

struct schema {
	const struct field *fields;
	size_t n;
	const char *keys;	/* "name, label, servers, hosts" */
};

static int fail(struct ld *ld, const yaml_node_t *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

const char *
tw_config_default_yaml(void)
{
	return default_yaml;
}

/* Copy ${n} bytes of user text for a message: escaped, cut after SHOW_MAX. */
static const char *
show_text(char *buf, size_t len, const char *s, size_t n, bool quote)
{
	size_t i, o = 0;

	if (len < 16)
		return "";
	if (quote)
		buf[o++] = '"';
	for (i = 0; i < n && o + 9 < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i == SHOW_MAX) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
		else if (c == '"' || c == '\\')
			o += (size_t)snprintf(buf + o, len - o, "\\%c", c);
		else
			buf[o++] = (char)c;
	}
	if (quote)
		buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

/* The same in double quotes, the usual form in messages. */
static const char *
show(char *buf, size_t len, const char *s, size_t n)
{
	return show_text(buf, len, s, n, true);
}

static int
fail(struct ld *ld, const yaml_node_t *node, const char *fmt, ...)
{
	char msg[TW_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (node != NULL)
		tw_error_set(ld->err, ld->source, (unsigned)node->start_mark.line + 1,
		    (unsigned)node->start_mark.column + 1, "%s", msg);
	else
		tw_error_set(ld->err, ld->source, 0, 0, "%s", msg);
	return -1;
}

static yaml_node_t *
node_at(struct ld *ld, int index)
{
	return yaml_document_get_node(ld->doc, index);
}

static const char *
sval(const yaml_node_t *v)
{
	return (const char *)v->data.scalar.value;
}

/* Plain empty, "~" or "null": YAML's null, i.e. the key is given no value. */
static bool
is_null(const yaml_node_t *v)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	size_t i;

	if (v->type != YAML_SCALAR_NODE || v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(sval(v), nulls[i]) == 0)
			return true;
	return false;
}

/* "a sequence", "a mapping", "nothing" or the quoted scalar. */
static const char *
got(char *buf, size_t len, const yaml_node_t *v)
{
	switch (v->type) {
	case YAML_SEQUENCE_NODE:
		return "a sequence";
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SCALAR_NODE:
		if (is_null(v))
			return "nothing";
		return show(buf, len, sval(v), v->data.scalar.length);
	default:
		return "an empty node";
	}
}

static size_t
seq_len(const yaml_node_t *v)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return 0;
	return (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
}

static bool
key_is(const yaml_node_t *k, const char *key)
{
	return k->type == YAML_SCALAR_NODE && k->data.scalar.length == strlen(key) &&
	    memcmp(k->data.scalar.value, key, k->data.scalar.length) == 0;
}

/* The value of ${key} in mapping ${map}, or NULL. */
static yaml_node_t *
find_value(struct ld *ld, const yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *pair;

	if (map->type != YAML_MAPPING_NODE)
		return NULL;
	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = node_at(ld, pair->key);

		if (k != NULL && key_is(k, key))
			return node_at(ld, pair->value);
	}
	return NULL;
}

static void
child_path(char *buf, size_t len, const char *path, const char *key)
{
	snprintf(buf, len, "%s%s%s", path, path[0] != '\0' ? "." : "", key);
}

static void
item_path(char *buf, size_t len, const char *path, size_t i)
{
	snprintf(buf, len, "%s[%zu]", path, i);
}

/*
 * A scalar's text for a value that must be given: fails on null and on
 * NUL bytes (which C strings would silently cut).
 */
static const char *
need_text(struct ld *ld, const struct field *f, const yaml_node_t *v, const char *path,
    const char *expect)
{
	char shown[SHOW_LEN];

	if (v->type != YAML_SCALAR_NODE || is_null(v)) {
		fail(ld, v, "%s: expected %s, got %s", path, expect,
		    got(shown, sizeof(shown), v));
		return NULL;
	}
	if (memchr(sval(v), '\0', v->data.scalar.length) != NULL) {
		fail(ld, v, "%s: expected %s, got text with a NUL character", path, expect);
		return NULL;
	}
	return sval(v);
}

/*
 * Walk ${map} against ${s}: each key known and given once, each value of
 * the right kind, then the handlers; missing required keys last.
 */
static int
walk_map(struct ld *ld, yaml_node_t *map, const struct schema *s, void *obj, const char *path)
{
	const yaml_node_t *seen[MAX_FIELDS] = { NULL };
	char child[PATH_LEN], shown[SHOW_LEN];
	yaml_node_pair_t *pair;
	size_t i;

	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = node_at(ld, pair->key), *v = node_at(ld, pair->value);
		const struct field *f = NULL;

		if (k == NULL || v == NULL)
			return fail(ld, map, "%s: broken YAML document", path);
		if (k->type != YAML_SCALAR_NODE)
			return fail(ld, k, "keys must be plain strings, got %s in %s",
			    got(shown, sizeof(shown), k), path[0] != '\0' ? path : "the top level");
		for (i = 0; i < s->n; i++)
			if (key_is(k, s->fields[i].key)) {
				f = &s->fields[i];
				break;
			}
		if (f == NULL)
			return fail(ld, k, "unknown key %s in %s (expected one of: %s)",
			    show(shown, sizeof(shown), sval(k), k->data.scalar.length),
			    path[0] != '\0' ? path : "the top level", s->keys);
		if (seen[i] != NULL)
			return fail(ld, k, "duplicate key \"%s\"%s%s (first on line %u)", f->key,
			    path[0] != '\0' ? " in " : "", path,
			    (unsigned)seen[i]->start_mark.line + 1);
		seen[i] = k;
		child_path(child, sizeof(child), path, f->key);
		/* A key with no value is an empty list or mapping. */
		if ((f->kind == N_SCALAR && v->type != YAML_SCALAR_NODE) ||
		    (f->kind == N_SEQ && v->type != YAML_SEQUENCE_NODE && !is_null(v)) ||
		    (f->kind == N_MAP && v->type != YAML_MAPPING_NODE && !is_null(v)))
			return fail(ld, v, "%s: expected %s, got %s", child, f->expect,
			    got(shown, sizeof(shown), v));
		if (f->handler(ld, f, v, obj, child) == -1)
			return -1;
	}
	for (i = 0; i < s->n; i++)
		if (s->fields[i].required && seen[i] == NULL)
			return fail(ld, map, "%s%smissing required key \"%s\"", path,
			    path[0] != '\0' ? ": " : "", s->fields[i].key);
	return 0;
}

/* An unsigned decimal in f->min..f->max. */
static int
get_uint(struct ld *ld, const struct field *f, const yaml_node_t *v, const char *path,
    uint32_t *out)
{
	char shown[SHOW_LEN];
	const char *s, *p;
	uint64_t n = 0;

	if ((s = need_text(ld, f, v, path, f->expect)) == NULL)
		return -1;
	for (p = s; *p >= '0' && *p <= '9'; p++)
		if (n <= UINT32_MAX)
			n = n * 10 + (uint64_t)(*p - '0');
	if (p == s || *p != '\0')
		return fail(ld, v, "%s: expected %s, got %s", path, f->expect,
		    show(shown, sizeof(shown), s, strlen(s)));
	if (n < f->min || n > f->max)
		return fail(ld, v, "%s: %.*s%s is out of range (%u..%u)", path, 20, s,
		    strlen(s) > 20 ? "..." : "", (unsigned)f->min, (unsigned)f->max);
	*out = (uint32_t)n;
	return 0;
}

/*
 * Endpoint lists (roots, servers).  The array and its count are set
 * before the items are parsed so that tw_config_free cleans up a
 * half-read list.
 */
static int
get_endpoints(struct ld *ld, yaml_node_t *v, const char *path, struct tw_endpoint **out,
    size_t *n_out)
{
	static const char expect[] = "a server like NAME=ADDRESS[:PORT]";
	char child[PATH_LEN];
	struct tw_error why;
	struct tw_endpoint *eps;
	size_t i, n = seq_len(v);
	const char *s;

	if (n == 0)
		return 0;
	if ((eps = calloc(n, sizeof(*eps))) == NULL)
		return fail(ld, v, "%s: out of memory", path);
	*out = eps;
	*n_out = n;
	for (i = 0; i < n; i++) {
		yaml_node_t *item = node_at(ld, v->data.sequence.items.start[i]);

		item_path(child, sizeof(child), path, i);
		if (item == NULL)
			return fail(ld, v, "%s: broken YAML document", child);
		if ((s = need_text(ld, NULL, item, child, expect)) == NULL)
			return -1;
		if (tw_endpoint_parse(s, &eps[i], &why) == -1)
			return fail(ld, item, "%s: %s", child, why.msg);
	}
	return 0;
}

/* A DNS name, lower case, no trailing dot; NULL on error (reported). */
static char *
get_name(struct ld *ld, const struct field *f, const yaml_node_t *v, const char *path)
{
	struct tw_error why;
	const char *s;
	char *name;

	if ((s = need_text(ld, f, v, path, f->expect)) == NULL)
		return NULL;
	if ((name = tw_endpoint_name_dup(s, strlen(s), &why)) == NULL)
		fail(ld, v, "%s: expected %s: %s", path, f->expect, why.msg);
	return name;
}

/* An optional string: null means absent. */
static int
get_label(struct ld *ld, const struct field *f, const yaml_node_t *v, const char *path,
    char **out)
{
	const char *s;

	if (is_null(v))
		return 0;
	if ((s = need_text(ld, f, v, path, f->expect)) == NULL)
		return -1;
	if ((*out = strdup(s)) == NULL)
		return fail(ld, v, "%s: out of memory", path);
	return 0;
}

/* A duration in f->min..f->max milliseconds. */
static int
get_duration(struct ld *ld, const struct field *f, const yaml_node_t *v, const char *path,
    uint32_t *out)
{
	char shown[SHOW_LEN], lo[TW_DURATION_STRLEN], hi[TW_DURATION_STRLEN];
	const char *s;
	uint64_t ms;
	int rc;

	if ((s = need_text(ld, f, v, path, f->expect)) == NULL)
		return -1;
	if ((rc = tw_duration_parse(s, &ms)) == -1)
		return fail(ld, v, "%s: expected %s, got %s", path, f->expect,
		    show(shown, sizeof(shown), s, strlen(s)));
	if (rc != 0 || ms < f->min || ms > f->max) {
		tw_duration_format(f->min, lo, sizeof(lo));
		tw_duration_format(f->max, hi, sizeof(hi));
		return fail(ld, v, "%s: %.*s%s is out of range (%s..%s)", path, 20, s,
		    strlen(s) > 20 ? "..." : "", lo, hi);
	}
	*out = (uint32_t)ms;
	return 0;
}

/* probe: */

static int
h_timeout(struct ld *ld, const struct field *f, yaml_node_t *v, void *obj, const char *path)
{
	struct tw_probe_cfg *probe = obj;

	return get_duration(ld, f, v, path, &probe->timeout_ms);
}

static int
h_attempts(struct ld *ld, const struct field *f, yaml_node_t *v, void *obj, const char *path)
{
	struct tw_probe_cfg *probe = obj;

	return get_uint(ld, f, v, path, &probe->attempts);
}

static int
h_port(struct ld *ld, const struct field *f, yaml_node_t *v, void *obj, const char *path)
{
	struct tw_probe_cfg *probe = obj;
	uint32_t port;

	if (get_uint(ld, f, v, path, &port) == -1)
		return -1;
	probe->port = (uint16_t)port;
	return 0;
}

static int
h_transports(struct ld *ld, const struct field *f, yaml_node_t *v, void *obj,
    const char *path)
{
	struct tw_probe_cfg *probe = obj;
	bool want[TW_TRANSPORT_COUNT] = { false };
	char child[PATH_LEN], shown[SHOW_LEN];
	size_t i, n = seq_len(v);
	int t;

	if (n == 0)
		return fail(ld, v, "%s: expected %s, got an empty list", path, f->expect);
	for (i = 0; i < n; i++) {
		yaml_node_t *item = node_at(ld, v->data.sequence.items.start[i]);
		const char *s;

		item_path(child, sizeof(child), path, i);
		if (item == NULL)
			return fail(ld, v, "%s: broken YAML document", child);
		if ((s = need_text(ld, f, item, child, "udp or tcp")) == NULL)
			return -1;
		for (t = 0; t < TW_TRANSPORT_COUNT; t++)
			if (strcasecmp(s, tw_transport_str((enum tw_transport)t)) == 0)
				break;
		if (t == TW_TRANSPORT_COUNT)
			return fail(ld, item, "%s: expected udp or tcp, got %s", child,
			    show(shown, sizeof(shown), s, strlen(s)));
		if (want[t])
			return fail(ld, item, "%s: duplicate transport \"%s\"", child,
			    tw_transport_str((enum tw_transport)t));
		want[t] = true;
	}
	memcpy(probe->transport, want, sizeof(want));
	return 0;
}

static const struct field probe_fields[] = {
	{ "timeout", N_SCALAR, false, 1, 60000, "a duration like 500ms, 2s or 1m",
	    h_timeout },
	{ "attempts", N_SCALAR, false, 1, 10, "an integer 1..10", h_attempts },
	{ "transports", N_SEQ, false, 0, 0, "a list of udp and/or tcp, like [udp, tcp]",
	    h_transports },
	{ "port", N_SCALAR, false, 1, 65535, "a port number 1..65535", h_port },
};
static const struct schema probe_schema = {
	probe_fields, sizeof(probe_fields) / sizeof(probe_fields[0]),
	"timeout, attempts, transports, port"
};

/* watch: */

static int
h_interval(struct ld *ld, const struct field *f, yaml_node_t *v, void *obj, const char *path)
{
	struct tw_watch_cfg *watch = obj;

	return get_duration(ld, f, v, path, &watch->interval_ms);
}

static int
h_fall(struct ld *ld, const struct field *f, yaml_node_t *v, void *obj, const char *path)
{
	struct tw_watch_cfg *watch = obj;

	return get_uint(ld, f, v, path, &watch->fall);
}

static int
h_rise(struct ld *ld, const struct field *f, yaml_node_t *v, void *obj, const char *path)
{
	struct tw_watch_cfg *watch = obj;

	return get_uint(ld, f, v, path, &watch->rise);
}

static int
h_flap_changes(struct ld *ld, const struct field *f, yaml_node_t *v, void *obj,
    const char *path)
{
	struct tw_watch_cfg *watch = obj;

	return get_uint(ld, f, v, path, &watch->flap_changes);
}

static int
h_flap_window(struct ld *ld, const struct field *f, yaml_node_t *v, void *obj,
    const char *path)
{
	struct tw_watch_cfg *watch = obj;

	return get_uint(ld, f, v, path, &watch->flap_window);
}

static int
h_flap_settle(struct ld *ld, const struct field *f, yaml_node_t *v, void *obj,
    const char *path)
{
	struct tw_watch_cfg *watch = obj;

	return get_uint(ld, f, v, path, &watch->flap_settle);
}

static int
h_window(struct ld *ld, const struct field *f, yaml_node_t *v, void *obj, const char *path)
{
	struct tw_watch_cfg *watch = obj;

	return get_uint(ld, f, v, path, &watch->window);
}

static const struct field watch_fields[] = {
	{ "interval", N_SCALAR, false, TW_WATCH_INTERVAL_MIN_MS, TW_WATCH_INTERVAL_MAX_MS,
	    "a duration like 500ms, 30s or 5m",
	    h_interval },
	{ "fall", N_SCALAR, false, 1, 100, "an integer 1..100", h_fall },
	{ "rise", N_SCALAR, false, 1, 100, "an integer 1..100", h_rise },
	{ "flap_changes", N_SCALAR, false, 2, FLAP_MAX, "an integer 2..64",
	    h_flap_changes },
	{ "flap_window", N_SCALAR, false, 2, FLAP_MAX, "an integer 2..64",
	    h_flap_window },
	{ "flap_settle", N_SCALAR, false, 1, FLAP_MAX, "an integer 1..64",
	    h_flap_settle },
	{ "window", N_SCALAR, false, 1, 10000, "an integer 1..10000", h_window },
};
static const struct schema watch_schema = {
	watch_fields, sizeof(watch_fields) / sizeof(watch_fields[0]),
	"interval, fall, rise, flap_changes, flap_window, flap_settle, window"
};

/* zones[i].hosts[j] */

static int
h_host_name(struct ld *ld, const struct field *f, yaml_node_t *v, void *obj, const char *path)
{
	struct tw_host_cfg *host = obj;

	return (host->name = get_name(ld, f, v, path)) == NULL ? -1 : 0;
}

static int
h_host_label(struct ld *ld, const struct field *f, yaml_node_t *v, void *obj,
    const char *path)
{
	struct tw_host_cfg *host = obj;

	return get_label(ld, f, v, path, &host->label);
}

static int
h_host_type(struct ld *ld, const struct field *f, yaml_node_t *v, void *obj, const char *path)
{
	struct tw_host_cfg *host = obj;
	char shown[SHOW_LEN];
	const char *s;

	if ((s = need_text(ld, f, v, path, f->expect)) == NULL)
		return -1;
	if (strcasecmp(s, "A") == 0)
		host->type = TW_RR_A;
	else if (strcasecmp(s, "AAAA") == 0)
		host->type = TW_RR_AAAA;
	else
		return fail(ld, v, "%s: expected %s, got %s", path, f->expect,
		    show(shown, sizeof(shown), s, strlen(s)));
	return 0;
}

static int
h_host_key(struct ld *ld, const struct field *f, yaml_node_t *v, void *obj, const char *path)
{
	struct tw_host_cfg *host = obj;
	char shown[SHOW_LEN];
	const char *s;

	if ((s = need_text(ld, f, v, path, f->expect)) == NULL)
		return -1;
	if (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0)
		host->key = true;
	else if (strcasecmp(s, "false") == 0 || strcasecmp(s, "no") == 0)
		host->key = false;
	else
		return fail(ld, v, "%s: expected %s, got %s", path, f->expect,
		    show(shown, sizeof(shown), s, strlen(s)));
	return 0;
}

static const struct field host_fields[] = {
	{ "name", N_SCALAR, true, 0, 0, "a DNS name", h_host_name },
	{ "label", N_SCALAR, false, 0, 0, "a string", h_host_label },
	{ "type", N_SCALAR, false, 0, 0, "A or AAAA", h_host_type },
	{ "key", N_SCALAR, false, 0, 0, "true or false", h_host_key },
};
static const struct schema host_schema = {
	host_fields, sizeof(host_fields) / sizeof(host_fields[0]),
	"name, label, type, key"
};

/* zones[i] */

static int
h_zone_name(struct ld *ld, const struct field *f, yaml_node_t *v, void *obj, const char *path)
{
	struct tw_zone_cfg *zone = obj;

	return (zone->name = get_name(ld, f, v, path)) == NULL ? -1 : 0;
}

static int
h_zone_label(struct ld *ld, const struct field *f, yaml_node_t *v, void *obj,
    const char *path)
{
	struct tw_zone_cfg *zone = obj;

	return get_label(ld, f, v, path, &zone->label);
}

static int
h_zone_servers(struct ld *ld, const struct field *f, yaml_node_t *v, void *obj,
    const char *path)
{
	struct tw_zone_cfg *zone = obj;

	return get_endpoints(ld, v, path, &zone->servers, &zone->n_servers);
}

static int
h_zone_hosts(struct ld *ld, const struct field *f, yaml_node_t *v, void *obj,
    const char *path)
{
	struct tw_zone_cfg *zone = obj;
	char child[PATH_LEN], shown[SHOW_LEN];
	size_t i, n = seq_len(v);

	if (n == 0)
		return 0;
	if ((zone->hosts = calloc(n, sizeof(*zone->hosts))) == NULL)
		return fail(ld, v, "%s: out of memory", path);
	zone->n_hosts = n;
	for (i = 0; i < n; i++) {
		yaml_node_t *item = node_at(ld, v->data.sequence.items.start[i]);

		item_path(child, sizeof(child), path, i);
		if (item == NULL)
			return fail(ld, v, "%s: broken YAML document", child);
		if (item->type != YAML_MAPPING_NODE)
			return fail(ld, item, "%s: expected a mapping with keys %s, got %s",
			    child, host_schema.keys, got(shown, sizeof(shown), item));
		zone->hosts[i].type = TW_RR_A;
		if (walk_map(ld, item, &host_schema, &zone->hosts[i], child) == -1)
			return -1;
	}
	return 0;
}

static const struct field zone_fields[] = {
	{ "name", N_SCALAR, true, 0, 0, "a DNS name", h_zone_name },
	{ "label", N_SCALAR, false, 0, 0, "a string", h_zone_label },
	{ "servers", N_SEQ, false, 0, 0, "a list of servers like NAME=ADDRESS[:PORT]",
	    h_zone_servers },
	{ "hosts", N_SEQ, false, 0, 0, "a list of hosts (mappings with a name)",
	    h_zone_hosts },
};
static const struct schema zone_schema = {
	zone_fields, sizeof(zone_fields) / sizeof(zone_fields[0]),
	"name, label, servers, hosts"
};

static bool
name_in_zone(const char *name, const char *zone)
{
	size_t n = strlen(name), z = strlen(zone);

	if (z == 0 || strcmp(name, zone) == 0)
		return true;
	return n > z && name[n - z - 1] == '.' && strcmp(name + n - z, zone) == 0;
}

struct name_ix {
	const char *name;
	size_t i;
};

static int
cmp_name_ix(const void *a, const void *b)
{
	const struct name_ix *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

/*
 * Sort ${v} and find the first entry, in list order, whose name an
 * earlier entry already has: set *dup and *orig and return true.
 * Sorting keeps a long list from costing n^2 string compares.
 */
static bool
first_dup(struct name_ix *v, size_t n, size_t *dup, size_t *orig)
{
	size_t k, run = 0;
	bool found = false;

	if (n < 2)
		return false;
	qsort(v, n, sizeof(*v), cmp_name_ix);
	for (k = 1; k < n; k++) {
		if (strcmp(v[k].name, v[run].name) != 0) {
			run = k;
			continue;
		}
		if (!found || v[k].i < *dup) {
			*dup = v[k].i;
			*orig = v[run].i;
			found = true;
		}
	}
	return found;
}

/* The "name" value node of item ${i} of sequence ${seq}, for messages. */
static const yaml_node_t *
item_name_node(struct ld *ld, const yaml_node_t *seq, size_t i)
{
	const yaml_node_t *item, *name;

	if (seq == NULL || seq->type != YAML_SEQUENCE_NODE || i >= seq_len(seq) ||
	    (item = node_at(ld, seq->data.sequence.items.start[i])) == NULL)
		return seq;
	name = find_value(ld, item, "name");
	return name != NULL ? name : item;
}

/* After a zone is read: its hosts lie inside it and are listed once. */
static int
check_zone_hosts(struct ld *ld, const yaml_node_t *zmap, const struct tw_zone_cfg *zone,
    const char *path)
{
	const yaml_node_t *hosts = find_value(ld, zmap, "hosts");
	struct name_ix *v;
	size_t i, dup, orig;

	for (i = 0; i < zone->n_hosts; i++)
		if (!name_in_zone(zone->hosts[i].name, zone->name))
			return fail(ld, item_name_node(ld, hosts, i),
			    "%s.hosts[%zu].name: \"%s\" is not inside zone \"%s\"", path, i,
			    zone->hosts[i].name, zone->name[0] != '\0' ? zone->name : ".");
	if (zone->n_hosts < 2)
		return 0;
	if ((v = calloc(zone->n_hosts, sizeof(*v))) == NULL)
		return fail(ld, zmap, "%s: out of memory", path);
	for (i = 0; i < zone->n_hosts; i++) {
		v[i].name = zone->hosts[i].name;
		v[i].i = i;
	}
	if (first_dup(v, zone->n_hosts, &dup, &orig)) {
		free(v);
		return fail(ld, item_name_node(ld, hosts, dup), "%s.hosts[%zu].name: duplicate "
		    "host \"%s\" (also hosts[%zu])", path, dup, zone->hosts[dup].name, orig);
	}
	free(v);
	return 0;
}

/* top level */

static int
h_probe(struct ld *ld, const struct field *f, yaml_node_t *v, void *obj, const char *path)
{
	struct tw_config *cfg = obj;

	if (is_null(v))
		return 0;
	return walk_map(ld, v, &probe_schema, &cfg->probe, path);
}

/* After watch: is read: W rounds hold at most W-1 changes, so flap_changes < flap_window. */
static int
h_watch(struct ld *ld, const struct field *f, yaml_node_t *v, void *obj, const char *path)
{
	struct tw_config *cfg = obj;
	const yaml_node_t *at;

	if (is_null(v))
		return 0;
	if (walk_map(ld, v, &watch_schema, &cfg->watch, path) == -1)
		return -1;
	if (cfg->watch.flap_changes < cfg->watch.flap_window)
		return 0;
	/* Blame flap_changes when it is given, else the flap_window that undercut it. */
	if ((at = find_value(ld, v, "flap_changes")) == NULL)
		at = find_value(ld, v, "flap_window");
	return fail(ld, at != NULL ? at : v, "%s.flap_changes: %u must be less than "
	    "%s.flap_window (%u): %u rounds hold at most %u changes", path,
	    (unsigned)cfg->watch.flap_changes, path, (unsigned)cfg->watch.flap_window,
	    (unsigned)cfg->watch.flap_window, (unsigned)cfg->watch.flap_window - 1);
}

static int
h_roots(struct ld *ld, const struct field *f, yaml_node_t *v, void *obj, const char *path)
{
	struct tw_config *cfg = obj;

	return get_endpoints(ld, v, path, &cfg->roots, &cfg->n_roots);
}

static int
h_zones(struct ld *ld, const struct field *f, yaml_node_t *v, void *obj, const char *path)
{
	struct tw_config *cfg = obj;
	char child[PATH_LEN], shown[SHOW_LEN];
	struct name_ix *names;
	size_t i, dup, orig, n = seq_len(v);

	if (n == 0)
		return fail(ld, v, "%s: expected %s, got %s", path, f->expect,
		    v->type == YAML_SEQUENCE_NODE ? "an empty list" : "nothing");
	if ((cfg->zones = calloc(n, sizeof(*cfg->zones))) == NULL)
		return fail(ld, v, "%s: out of memory", path);
	cfg->n_zones = n;
	for (i = 0; i < n; i++) {
		yaml_node_t *item = node_at(ld, v->data.sequence.items.start[i]);
		struct tw_zone_cfg *zone = &cfg->zones[i];

		item_path(child, sizeof(child), path, i);
		if (item == NULL)
			return fail(ld, v, "%s: broken YAML document", child);
		if (item->type != YAML_MAPPING_NODE)
			return fail(ld, item, "%s: expected a mapping with keys %s, got %s",
			    child, zone_schema.keys, got(shown, sizeof(shown), item));
		if (walk_map(ld, item, &zone_schema, zone, child) == -1)
			return -1;
		if (check_zone_hosts(ld, item, zone, child) == -1)
			return -1;
	}
	if (n < 2)
		return 0;
	if ((names = calloc(n, sizeof(*names))) == NULL)
		return fail(ld, v, "%s: out of memory", path);
	for (i = 0; i < n; i++) {
		names[i].name = cfg->zones[i].name;
		names[i].i = i;
	}
	if (first_dup(names, n, &dup, &orig)) {
		free(names);
		return fail(ld, item_name_node(ld, v, dup), "%s[%zu].name: duplicate zone \"%s\" "
		    "(also %s[%zu])", path, dup, cfg->zones[dup].name[0] != '\0' ?
		    cfg->zones[dup].name : ".", path, orig);
	}
	free(names);
	return 0;
}

static const struct field top_fields[] = {
	{ "probe", N_MAP, false, 0, 0, "a mapping with keys timeout, attempts, transports, "
	    "port", h_probe },
	{ "watch", N_MAP, false, 0, 0, "a mapping with keys interval, fall, rise, "
	    "flap_changes, flap_window, flap_settle, window", h_watch },
	{ "roots", N_SEQ, false, 0, 0, "a list of servers like NAME=ADDRESS[:PORT]", h_roots },
	{ "zones", N_SEQ, true, 0, 0, "a non-empty list of zones (mappings with a name)",
	    h_zones },
};
static const struct schema top_schema = {
	top_fields, sizeof(top_fields) / sizeof(top_fields[0]), "probe, watch, roots, zones"
};

/* Turn a libyaml failure into one positioned message. */
static void
yaml_fail(const yaml_parser_t *parser, const char *text, size_t len, const char *source,
    struct tw_error *err)
{
	const char *problem = parser->problem != NULL ? parser->problem : "unknown error";
	unsigned line = 1, col = 1;
	size_t i, off;

	switch (parser->error) {
	case YAML_MEMORY_ERROR:
		tw_error_set(err, source, 0, 0, "out of memory while reading YAML");
		break;
	case YAML_READER_ERROR:
		/* No mark here: count lines and UTF-8 characters up to the offset. */
		off = parser->problem_offset < len ? parser->problem_offset : len;
		for (i = 0; i < off; i++) {
			if (text[i] == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)text[i] & 0xc0) != 0x80)
				col++;
		}
		if (parser->problem_value != -1)
			tw_error_set(err, source, line, col,
			    "not a valid UTF-8 text file: %s (#x%X)", problem,
			    (unsigned)parser->problem_value);
		else
			tw_error_set(err, source, line, col, "not a valid UTF-8 text file: %s",
			    problem);
		break;
	default:
		if (parser->context != NULL)
			tw_error_set(err, source, (unsigned)parser->problem_mark.line + 1,
			    (unsigned)parser->problem_mark.column + 1,
			    "YAML syntax error: %s (%s at line %u, column %u)", problem,
			    parser->context, (unsigned)parser->context_mark.line + 1,
			    (unsigned)parser->context_mark.column + 1);
		else
			tw_error_set(err, source, (unsigned)parser->problem_mark.line + 1,
			    (unsigned)parser->problem_mark.column + 1, "YAML syntax error: %s",
			    problem);
		break;
	}
}

/*
 * A first pass over the events rejects what the document API would
 * happily build in memory: thousands of nesting levels and a second
 * document (which yaml_parser_load would silently leave unread).
 */
static int
precheck(const char *text, size_t len, const char *source, struct tw_error *err)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	unsigned depth = 0, docs = 0, nodes = 0;
	int rc = -1;
	bool done = false;

	if (!yaml_parser_initialize(&parser)) {
		tw_error_set(err, source, 0, 0, "out of memory while reading YAML");
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	/* No UTF-16: error offsets are then byte offsets into UTF-8 text. */
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			yaml_fail(&parser, text, len, source, err);
			goto out;
		}
		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				tw_error_set(err, source, (unsigned)ev.start_mark.line + 1,
				    (unsigned)ev.start_mark.column + 1,
				    "a second YAML document: a config is one document");
				yaml_event_delete(&ev);
				goto out;
			}
			break;
		case YAML_SCALAR_EVENT:
		case YAML_ALIAS_EVENT:
			if (++nodes > CONFIG_MAX_NODES)
				goto too_many;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++nodes > CONFIG_MAX_NODES)
				goto too_many;
			if (++depth > CONFIG_MAX_DEPTH) {
				tw_error_set(err, source, (unsigned)ev.start_mark.line + 1,
				    (unsigned)ev.start_mark.column + 1,
				    "nested more than %d levels deep", CONFIG_MAX_DEPTH);
				yaml_event_delete(&ev);
				goto out;
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	rc = 0;
	goto out;
too_many:
	tw_error_set(err, source, (unsigned)ev.start_mark.line + 1,
	    (unsigned)ev.start_mark.column + 1, "more than %d YAML nodes: too large for a config",
	    CONFIG_MAX_NODES);
	yaml_event_delete(&ev);
out:
	yaml_parser_delete(&parser);
	return rc;
}

struct tw_config *
tw_config_load_string(const char *text, size_t len, const char *source, struct tw_error *err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	struct tw_config *cfg = NULL;
	struct ld ld;
	char shown[SHOW_LEN];
	bool have_parser = false, have_doc = false;

	if (source == NULL)
		source = "<string>";
	if (text == NULL) {
		tw_error_set(err, source, 0, 0, "no config text");
		return NULL;
	}
	if (len > CONFIG_MAX_BYTES) {
		tw_error_set(err, source, 0, 0, "too large for a config file (%zu bytes, the limit "
		    "is %d)", len, CONFIG_MAX_BYTES);
		return NULL;
	}
	if (precheck(text, len, source, err) == -1)
		return NULL;

	if (!yaml_parser_initialize(&parser)) {
		tw_error_set(err, source, 0, 0, "out of memory while reading YAML");
		return NULL;
	}
	have_parser = true;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	if (!yaml_parser_load(&parser, &doc)) {
		yaml_fail(&parser, text, len, source, err);
		goto fail;
	}
	have_doc = true;
	root = yaml_document_get_root_node(&doc);
	if (root == NULL || is_null(root)) {
		tw_error_set(err, source, 0, 0, "empty config");
		goto fail;
	}

	if ((cfg = calloc(1, sizeof(*cfg))) == NULL ||
	    (cfg->source = strdup(source)) == NULL) {
		tw_error_set(err, source, 0, 0, "out of memory");
		goto fail;
	}
	cfg->probe.timeout_ms = 2000;
	cfg->probe.attempts = 2;
	cfg->probe.transport[TW_TRANSPORT_UDP] = true;
	cfg->probe.port = 53;
	cfg->watch.interval_ms = 60000;
	cfg->watch.fall = 2;
	cfg->watch.rise = 2;
	cfg->watch.flap_changes = 4;
	cfg->watch.flap_window = 10;
	cfg->watch.flap_settle = 5;
	cfg->watch.window = 60;

	ld.doc = &doc;
	ld.source = source;
	ld.err = err;
	ld.cfg = cfg;
	if (root->type != YAML_MAPPING_NODE) {
		fail(&ld, root, "the top level must be a mapping with keys %s, got %s",
		    top_schema.keys, got(shown, sizeof(shown), root));
		goto fail;
	}
	if (walk_map(&ld, root, &top_schema, cfg, "") == -1)
		goto fail;

	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return cfg;

fail:
	tw_config_free(cfg);
	if (have_doc)
		yaml_document_delete(&doc);
	if (have_parser)
		yaml_parser_delete(&parser);
	return NULL;
}

struct tw_config *
tw_config_load_file(const char *path, struct tw_error *err)
{
	struct tw_config *cfg = NULL;
	char *buf = NULL, *nbuf;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd;

	if (path == NULL) {
		tw_error_set(err, "", 0, 0, "no config file name");
		return NULL;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		tw_error_set(err, path, 0, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	/* Read one byte past the limit to tell "too large" from "just fits". */
	for (;;) {
		if (len == cap) {
			if (cap > CONFIG_MAX_BYTES) {
				tw_error_set(err, path, 0, 0, "too large for a config file (more "
				    "than %d bytes)", CONFIG_MAX_BYTES);
				goto out;
			}
			cap = cap == 0 ? 16384 : cap * 2;
			if (cap > CONFIG_MAX_BYTES + 1)
				cap = CONFIG_MAX_BYTES + 1;
			if ((nbuf = realloc(buf, cap)) == NULL) {
				tw_error_set(err, path, 0, 0, "out of memory");
				goto out;
			}
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			tw_error_set(err, path, 0, 0, "cannot read: %s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	cfg = tw_config_load_string(buf != NULL ? buf : "", len, path, err);
out:
	free(buf);
	close(fd);
	return cfg;
}

static void
zone_clear(struct tw_zone_cfg *zone)
{
	size_t i;

	free(zone->name);
	free(zone->label);
	for (i = 0; i < zone->n_servers; i++)
		tw_endpoint_clear(&zone->servers[i]);
	free(zone->servers);
	for (i = 0; i < zone->n_hosts; i++) {
		free(zone->hosts[i].name);
		free(zone->hosts[i].label);
	}
	free(zone->hosts);
	memset(zone, 0, sizeof(*zone));
}

void
tw_config_free(struct tw_config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	free(cfg->source);
	for (i = 0; i < cfg->n_roots; i++)
		tw_endpoint_clear(&cfg->roots[i]);
	free(cfg->roots);
	for (i = 0; cfg->zones != NULL && i < cfg->n_zones; i++)
		zone_clear(&cfg->zones[i]);
	free(cfg->zones);
	free(cfg);
}

int
tw_config_select_zones(struct tw_config *cfg, char *const *names, size_t n,
    struct tw_error *err)
{
	struct tw_zone_cfg *kept = NULL;
	size_t *pick = NULL, m = 0, i, z;
	bool *taken = NULL;
	char known[200], *name, shown[SHOW_LEN];
	size_t o;
	int rc = -1;

	if (cfg == NULL)
		return -1;
	if (n == 0)
		return 0;	/* no --zone: keep them all */
	if ((pick = calloc(n, sizeof(*pick))) == NULL ||
	    (taken = calloc(cfg->n_zones + 1, sizeof(*taken))) == NULL) {
		tw_error_set(err, "", 0, 0, "out of memory");
		goto out;
	}
	/* Find them all before changing anything: on error cfg is untouched. */
	for (i = 0; i < n; i++) {
		const char *want = names[i] != NULL ? names[i] : "";

		name = tw_endpoint_name_dup(want, strlen(want), NULL);
		for (z = 0; name != NULL && z < cfg->n_zones; z++)
			if (strcmp(cfg->zones[z].name, name) == 0)
				break;
		if (name == NULL || z == cfg->n_zones) {
			for (o = 0, z = 0; z < cfg->n_zones && o < sizeof(known); z++)
				o += (size_t)snprintf(known + o, sizeof(known) - o, "%s%s",
				    z > 0 ? ", " : "", cfg->zones[z].name[0] != '\0' ?
				    cfg->zones[z].name : ".");
			if (o == 0)
				known[0] = '\0';
			show_text(shown, sizeof(shown), want, strlen(want), false);
			tw_error_set(err, "", 0, 0, "--zone %s: no such zone in %s (configured: %s)",
			    shown, cfg->source != NULL ? cfg->source : "the config", known);
			free(name);
			goto out;
		}
		free(name);
		if (!taken[z]) {
			taken[z] = true;
			pick[m++] = z;
		}
	}
	if ((kept = calloc(m, sizeof(*kept))) == NULL) {
		tw_error_set(err, "", 0, 0, "out of memory");
		goto out;
	}
	for (i = 0; i < m; i++)
		kept[i] = cfg->zones[pick[i]];
	for (z = 0; z < cfg->n_zones; z++)
		if (!taken[z])
			zone_clear(&cfg->zones[z]);
	free(cfg->zones);
	cfg->zones = kept;
	cfg->n_zones = m;
	rc = 0;
out:
	free(pick);
	free(taken);
	return rc;
}

/*
 * Print a string so that the loader reads back the same bytes: plain
 * when it is a harmless word, else double-quoted with every character
 * escaped that YAML would fold, reject or read as a line break.
 */
static void
put_str(FILE *fp, const char *s)
{
	static const char *const words[] = {
		"null", "true", "false", "yes", "no", "on", "off", "y", "n"
	};
	const unsigned char *p;
	bool plain;
	size_t i, n = strlen(s);

	plain = n > 0 && ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')) &&
	    s[n - 1] != ' ';
	for (p = (const unsigned char *)s; plain && *p != '\0'; p++)
		plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_' ||
		    (*p == ' ' && p[1] != ' ');
	for (i = 0; plain && i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(s, words[i]) == 0)
			plain = false;
	if (plain) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", fp);
		else if (*p == '\t')
			fputs("\\t", fp);
		else if (*p == '\r')
			fputs("\\r", fp);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(fp, "\\x%02X", *p);
		else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			/* C1 controls, NEL among them */
			fprintf(fp, "\\x%02X", p[1]);
			p++;
		} else if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) {
			/* U+2028, U+2029: line and paragraph separators */
			fprintf(fp, "\\u%04X", 0x2000 | (p[2] - 0x80));
			p += 2;
		} else if ((p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) ||
		    (p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf))) {
			/* U+FEFF, U+FFFE, U+FFFF */
			fprintf(fp, "\\u%04X", ((p[0] & 0x0f) << 12) | ((p[1] & 0x3f) << 6) |
			    (p[2] & 0x3f));
			p += 2;
		} else
			fputc(*p, fp);
	}
	fputc('"', fp);
}

static void
put_endpoints(FILE *fp, const char *indent, const struct tw_endpoint *eps, size_t n)
{
	char buf[TW_ADDRSTRLEN + 300];
	size_t i, len;

	for (i = 0; i < n; i++) {
		tw_endpoint_format(&eps[i], buf, sizeof(buf));
		len = strlen(buf);
		/*
		 * Plain unless it starts with '[' or ':' (flow sequence, IPv6) or
		 * ends with ':' ("2001:db8::" plain is a mapping key).
		 */
		if (((buf[0] >= 'a' && buf[0] <= 'z') || (buf[0] >= '0' && buf[0] <= '9')) &&
		    len > 0 && buf[len - 1] != ':')
			fprintf(fp, "%s- %s\n", indent, buf);
		else {
			fprintf(fp, "%s- ", indent);
			put_str(fp, buf);
			fputc('\n', fp);
		}
	}
}

void
tw_config_print(const struct tw_config *cfg, FILE *fp)
{
	const struct tw_zone_cfg *zone;
	const struct tw_host_cfg *host;
	char timeout[TW_DURATION_STRLEN], interval[TW_DURATION_STRLEN];
	size_t i, j;
	int t, nt = 0;

	if (cfg == NULL || fp == NULL)
		return;
	tw_duration_format(cfg->probe.timeout_ms, timeout, sizeof(timeout));
	fputs("# tldwatch configuration\n", fp);
	fprintf(fp, "probe:\n  timeout: %s\n  attempts: %u\n  transports: [", timeout,
	    (unsigned)cfg->probe.attempts);
	for (t = 0; t < TW_TRANSPORT_COUNT; t++)
		if (cfg->probe.transport[t])
			fprintf(fp, "%s%s", nt++ > 0 ? ", " : "",
			    tw_transport_str((enum tw_transport)t));
	fprintf(fp, "]\n  port: %u\n", (unsigned)cfg->probe.port);

	tw_duration_format(cfg->watch.interval_ms, interval, sizeof(interval));
	fprintf(fp, "watch:\n  interval: %s\n  fall: %u\n  rise: %u\n  flap_changes: %u\n"
	    "  flap_window: %u\n  flap_settle: %u\n  window: %u\n", interval,
	    (unsigned)cfg->watch.fall, (unsigned)cfg->watch.rise,
	    (unsigned)cfg->watch.flap_changes, (unsigned)cfg->watch.flap_window,
	    (unsigned)cfg->watch.flap_settle, (unsigned)cfg->watch.window);

	fputs(cfg->n_roots == 0 ? "roots: []\n" : "roots:\n", fp);
	put_endpoints(fp, "  ", cfg->roots, cfg->n_roots);

	fputs("zones:\n", fp);
	for (i = 0; i < cfg->n_zones; i++) {
		zone = &cfg->zones[i];
		fputs("  - name: ", fp);
		put_str(fp, zone->name != NULL && zone->name[0] != '\0' ? zone->name : ".");
		fputc('\n', fp);
		if (zone->label != NULL) {
			fputs("    label: ", fp);
			put_str(fp, zone->label);
			fputc('\n', fp);
		}
		if (zone->n_servers > 0) {
			fputs("    servers:\n", fp);
			put_endpoints(fp, "      ", zone->servers, zone->n_servers);
		}
		if (zone->n_hosts > 0)
			fputs("    hosts:\n", fp);
		for (j = 0; j < zone->n_hosts; j++) {
			host = &zone->hosts[j];
			fputs("      - name: ", fp);
			put_str(fp, host->name != NULL && host->name[0] != '\0' ?
			    host->name : ".");
			fputc('\n', fp);
			if (host->label != NULL) {
				fputs("        label: ", fp);
				put_str(fp, host->label);
				fputc('\n', fp);
			}
			fprintf(fp, "        type: %s\n        key: %s\n",
			    host->type == TW_RR_AAAA ? "AAAA" : "A",
			    host->key ? "true" : "false");
		}
	}
}

struct tw_config *
tw_config_load(const char *path, struct tw_error *err)
{
	const char *def;

	if (path != NULL)
		return tw_config_load_file(path, err);
	def = tw_config_default_yaml();
	return tw_config_load_string(def, strlen(def), "<embedded>", err);
}

const struct tw_endpoint *
tw_config_find_nonloopback(const struct tw_config *cfg)
{
	size_t i, j;

	for (i = 0; i < cfg->n_roots; i++)
		if (!tw_endpoint_is_loopback(&cfg->roots[i]))
			return &cfg->roots[i];
	for (i = 0; i < cfg->n_zones; i++)
		for (j = 0; j < cfg->zones[i].n_servers; j++)
			if (!tw_endpoint_is_loopback(&cfg->zones[i].servers[j]))
				return &cfg->zones[i].servers[j];
	return NULL;
}
