/*
 * config.c -- the YAML configuration, described once.
 *
 * One table, schema[] below, lists every key: its section, name, kind,
 * the offset of the member it sets, its range, its default and the words
 * used in messages.  Generic code by kind reads a key (libyaml's document
 * API), writes the "expected one of: ..." key lists and the "(1..10)"
 * range texts of error messages, sets the defaults, frees, and prints
 * through libyaml's emitter.  Every error is FILE:LINE:COL.
 *
 * Scalars are converted from their text and position only (struct
 * scalar), so a reader built on libyaml's event API can reuse everything
 * but the walk over the document's nodes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <yaml.h>

#include "tldwatch/config.h"
#include "tldwatch/duration.h"
#include "tldwatch/endpoint.h"
#include "tldwatch/escape.h"
#include "tldwatch/onset.h"
#include "tldwatch/region.h"
#include "tldwatch/vec.h"

/* A config is a few kilobytes; these limits turn junk into clear errors. */
#define CONFIG_MAX_BYTES (1024 * 1024)
#define CONFIG_MAX_DEPTH 32	/* the schema itself needs 5 levels */
#define CONFIG_MAX_NODES 100000	/* a node costs ~50 bytes here (libyaml's document: ~100) */

#define PATH_LEN 96		/* "zones[123].hosts[45].label" */
#define SHOW_MAX 60		/* bytes of user text quoted in a message */
#define SHOW_LEN TW_ESCAPE_MESSAGE_LEN(SHOW_MAX)
#define TEXT_LEN 200		/* a generated "expected ..." text */
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

/* ---------------------------------------------------------------- the schema */

/* The mappings of a config file; a key of kind K_SECTION or K_LIST opens one. */
enum section { SEC_TOP, SEC_PROBE, SEC_WATCH, SEC_LEDGER, SEC_ZONE, SEC_HOST, SEC_COUNT };

enum kind {
	K_UINT,		/* decimal digits in min..max; uint16_t or uint32_t member */
	K_DURATION,	/* tw_duration_parse, milliseconds in min..max; uint32_t or uint64_t */
	K_BOOL,		/* true/yes or false/no, any case; bool member */
	K_ENUM,		/* one of words[], any case; uint16_t member (the word's value) */
	K_FLAGS,	/* a non-empty list of words[], each once; bool[] member */
	K_NAME,		/* a DNS name (lower case, no trailing dot, "." is ""); char * */
	K_TEXT,		/* any string, null for none; char * member, may stay NULL */
	K_ENDPOINTS,	/* a list of NAME=ADDRESS[:PORT]; struct tw_endpoint * + size_t */
	K_SECTION,	/* a mapping of section sub; the member is that struct */
	K_LIST,		/* a list of mappings of section sub; an array + size_t */
};

#define F_REQUIRED	0x1	/* the key must be given */
#define F_NONEMPTY	0x2	/* K_LIST: at least one item */
#define F_UNIQUE	0x4	/* K_LIST: no two items with the same name */
#define F_OMIT_EMPTY	0x8	/* printing: leave out an empty list */

struct word {
	const char *text;
	unsigned value;
};

struct key {
	enum section sec;	/* the mapping the key belongs to */
	const char *name;
	enum kind kind;
	unsigned flags;		/* F_* */
	size_t off;		/* offsetof the member in the section's struct */
	size_t size;		/* K_UINT: sizeof the member; K_LIST: sizeof an item */
	size_t off_n;		/* K_ENDPOINTS, K_LIST: offsetof the item count */
	uint64_t min, max;	/* K_UINT, K_DURATION (ms) */
	uint64_t def;		/* K_UINT, K_DURATION, K_BOOL, K_ENUM; K_FLAGS: 1 << value */
	const struct word *words; /* K_ENUM, K_FLAGS */
	enum section sub;	/* K_SECTION, K_LIST */
	const char *what;	/* messages: the kind of value ("an integer"), the item noun */
};

static const struct word transport_words[] = {
	{ "udp", TW_TRANSPORT_UDP }, { "tcp", TW_TRANSPORT_TCP }, { NULL, 0 },
};
static const struct word rr_words[] = {
	{ "A", TW_RR_A }, { "AAAA", TW_RR_AAAA }, { NULL, 0 },
};

#define MEMBER(type, m) offsetof(struct type, m), sizeof(((struct type *)0)->m)
#define UINT(sec, key, type, m, lo, hi, def, what) \
	{ sec, key, K_UINT, 0, MEMBER(type, m), 0, lo, hi, def, NULL, SEC_TOP, what }
#define DURATION(sec, key, type, m, lo, hi, def, what) \
	{ sec, key, K_DURATION, 0, MEMBER(type, m), 0, lo, hi, def, NULL, SEC_TOP, what }
#define BOOL(sec, key, type, m, def) \
	{ sec, key, K_BOOL, 0, MEMBER(type, m), 0, 0, 0, def, NULL, SEC_TOP, NULL }
#define ENUM(sec, key, type, m, words, def) \
	{ sec, key, K_ENUM, 0, MEMBER(type, m), 0, 0, 0, def, words, SEC_TOP, NULL }
#define FLAGS(sec, key, type, m, words, def, what) \
	{ sec, key, K_FLAGS, 0, MEMBER(type, m), 0, 0, 0, def, words, SEC_TOP, what }
#define NAME(sec, key, type, m, flags) \
	{ sec, key, K_NAME, flags, MEMBER(type, m), 0, 0, 0, 0, NULL, SEC_TOP, NULL }
#define TEXT(sec, key, type, m) \
	{ sec, key, K_TEXT, 0, MEMBER(type, m), 0, 0, 0, 0, NULL, SEC_TOP, NULL }
#define ENDPOINTS(sec, key, type, m, n, flags) \
	{ sec, key, K_ENDPOINTS, flags, MEMBER(type, m), offsetof(struct type, n), 0, 0, 0, \
	    NULL, SEC_TOP, NULL }
#define SECTION(sec, key, type, m, sub) \
	{ sec, key, K_SECTION, 0, MEMBER(type, m), 0, 0, 0, 0, NULL, sub, NULL }
#define LIST(sec, key, type, m, n, item, sub, flags, what) \
	{ sec, key, K_LIST, flags, offsetof(struct type, m), sizeof(struct item), \
	    offsetof(struct type, n), 0, 0, 0, NULL, sub, what }

/*
 * Every key of the config, in the order `tldwatch config` prints them.
 * K_LIST's "what" is the item noun ("zone": "duplicate zone", "a list of
 * zones"); K_UINT's is the noun before the range ("an integer 1..10").
 */
static const struct key schema[] = {
	SECTION(SEC_TOP, "probe", tw_config, probe, SEC_PROBE),
	SECTION(SEC_TOP, "watch", tw_config, watch, SEC_WATCH),
	SECTION(SEC_TOP, "ledger", tw_config, ledger, SEC_LEDGER),
	ENDPOINTS(SEC_TOP, "roots", tw_config, roots, n_roots, 0),
	LIST(SEC_TOP, "zones", tw_config, zones, n_zones, tw_zone_cfg, SEC_ZONE,
	    F_REQUIRED | F_NONEMPTY | F_UNIQUE, "zone"),

	DURATION(SEC_PROBE, "timeout", tw_probe_cfg, timeout_ms, 1, 60000, 2000,
	    "a duration like 500ms, 2s or 1m"),
	UINT(SEC_PROBE, "attempts", tw_probe_cfg, attempts, 1, 10, 2, "an integer"),
	FLAGS(SEC_PROBE, "transports", tw_probe_cfg, transport, transport_words,
	    1u << TW_TRANSPORT_UDP, "transport"),
	UINT(SEC_PROBE, "port", tw_probe_cfg, port, 1, 65535, 53, "a port number"),

	DURATION(SEC_WATCH, "interval", tw_watch_cfg, interval_ms, TW_WATCH_INTERVAL_MIN_MS,
	    TW_WATCH_INTERVAL_MAX_MS, 60000, "a duration like 500ms, 30s or 5m"),
	UINT(SEC_WATCH, "fall", tw_watch_cfg, fall, 1, 100, 2, "an integer"),
	UINT(SEC_WATCH, "rise", tw_watch_cfg, rise, 1, 100, 2, "an integer"),
	UINT(SEC_WATCH, "flap_changes", tw_watch_cfg, flap_changes, 2, FLAP_MAX, 4,
	    "an integer"),
	UINT(SEC_WATCH, "flap_window", tw_watch_cfg, flap_window, 2, FLAP_MAX, 10, "an integer"),
	UINT(SEC_WATCH, "flap_settle", tw_watch_cfg, flap_settle, 1, FLAP_MAX, 5, "an integer"),
	UINT(SEC_WATCH, "window", tw_watch_cfg, window, 1, 10000, 60, "an integer"),
	UINT(SEC_WATCH, "onset_rounds", tw_watch_cfg, onset_rounds, 1, 100,
	    TW_ONSET_ROUNDS_DEFAULT, "an integer"),
	DURATION(SEC_WATCH, "serial_grace", tw_watch_cfg, serial_grace_ms, 0,
	    TW_WATCH_INTERVAL_MAX_MS, 15 * 60000, "a duration like 15m or 1h"),
	DURATION(SEC_WATCH, "identity_recheck", tw_watch_cfg, identity_recheck_ms, 0,
	    TW_WATCH_INTERVAL_MAX_MS, 60 * 60000, "a duration like 1h or 0s"),

	DURATION(SEC_LEDGER, "keep", tw_ledger_cfg, keep_ms, TW_LEDGER_KEEP_MIN_MS,
	    TW_LEDGER_KEEP_MAX_MS, TW_LEDGER_KEEP_DEFAULT_MS, "a duration like 90d or 12w"),

	NAME(SEC_ZONE, "name", tw_zone_cfg, name, F_REQUIRED),
	TEXT(SEC_ZONE, "label", tw_zone_cfg, label),
	ENDPOINTS(SEC_ZONE, "servers", tw_zone_cfg, servers, n_servers, F_OMIT_EMPTY),
	LIST(SEC_ZONE, "hosts", tw_zone_cfg, hosts, n_hosts, tw_host_cfg, SEC_HOST,
	    F_UNIQUE | F_OMIT_EMPTY, "host"),

	NAME(SEC_HOST, "name", tw_host_cfg, name, F_REQUIRED),
	TEXT(SEC_HOST, "label", tw_host_cfg, label),
	ENUM(SEC_HOST, "type", tw_host_cfg, type, rr_words, TW_RR_A),
	BOOL(SEC_HOST, "key", tw_host_cfg, key, false),
};

#define N_KEYS (sizeof(schema) / sizeof(schema[0]))

/* ---------------------------------------------------------------- messages */

/*
 * The document, built from libyaml's events into a region (tree_build): what the loader reads.
 * The same shape as libyaml's own document (yaml_parser_load), but each node holds pointers,
 * sized once its collection ends, and no tag: about half the memory, and no arrays that
 * double as they grow (a 1,500-zone config's document peaked at 6.3 MiB in libyaml's node
 * stack alone).  An alias is the anchored node itself, as in libyaml's document.
 */
struct cpair;

struct cnode {
	yaml_node_type_t type;
	yaml_mark_t start_mark;
	union {
		struct {
			yaml_char_t *value;
			size_t length;
			yaml_scalar_style_t style;
		} scalar;
		struct {
			struct {
				struct cnode **start, **top;
			} items;
		} sequence;
		struct {
			struct {
				struct cpair *start, *top;
			} pairs;
		} mapping;
	} data;
};

struct cpair {
	struct cnode *key, *value;
};

/* Loader state: where messages go. */
struct ld {
	const char *source;
	struct tw_error *err;
};

/* A scalar as either libyaml API gives it: text, length, style, position. */
struct scalar {
	const char *text;
	size_t len;
	yaml_scalar_style_t style;
	const yaml_mark_t *at;
};

static int fail(struct ld *ld, const yaml_mark_t *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

const char *
tw_config_default_yaml(void)
{
	return default_yaml;
}

/* The same in double quotes, the usual form in messages. */
static const char *
show(char *buf, size_t len, const char *s, size_t n)
{
	return tw_escape_message(buf, len, s, n, SHOW_MAX, true);
}

static int
fail(struct ld *ld, const yaml_mark_t *at, const char *fmt, ...)
{
	char msg[TW_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (at != NULL)
		tw_error_set(ld->err, ld->source, (unsigned)at->line + 1,
		    (unsigned)at->column + 1, "%s", msg);
	else
		tw_error_set(ld->err, ld->source, 0, 0, "%s", msg);
	return -1;
}

/* Append printf output to the text in ${buf} (cut at its end). */
static void
append(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
append(char *buf, size_t len, const char *fmt, ...)
{
	size_t o = strlen(buf);
	va_list ap;

	if (o + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + o, len - o, fmt, ap);
	va_end(ap);
}

/* "timeout, attempts, transports, port": the keys of ${sec}. */
static const char *
key_list(enum section sec, char *buf, size_t len)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < N_KEYS; i++)
		if (schema[i].sec == sec)
			append(buf, len, "%s%s", buf[0] != '\0' ? ", " : "", schema[i].name);
	return buf;
}

/* "A or AAAA", "a, b or c"; with ${and_or}, "udp and/or tcp". */
static const char *
word_list(const struct word *w, bool and_or, char *buf, size_t len)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; w[i].text != NULL; i++)
		append(buf, len, "%s%s", i == 0 ? "" : w[i + 1].text != NULL ? ", " :
		    and_or ? " and/or " : " or ", w[i].text);
	return buf;
}

/* What a key takes, for "expected ...": "an integer 1..10", "a DNS name". */
static const char *
expect_text(const struct key *k, char *buf, size_t len)
{
	static const char *const fixed[] = {
		[K_BOOL] = "true or false", [K_NAME] = "a DNS name", [K_TEXT] = "a string",
		[K_ENDPOINTS] = "a list of servers like NAME=ADDRESS[:PORT]",
	};
	char words[TEXT_LEN];
	size_t i;

	switch (k->kind) {
	case K_UINT:
		snprintf(buf, len, "%s %u..%u", k->what, (unsigned)k->min, (unsigned)k->max);
		break;
	case K_DURATION:
		snprintf(buf, len, "%s", k->what);
		break;
	case K_ENUM:
		word_list(k->words, false, buf, len);
		break;
	case K_FLAGS:
		snprintf(buf, len, "a list of %s, like [", word_list(k->words, true, words,
		    sizeof(words)));
		for (i = 0; k->words[i].text != NULL; i++)
			append(buf, len, "%s%s", i > 0 ? ", " : "", k->words[i].text);
		append(buf, len, "]");
		break;
	case K_SECTION:
		snprintf(buf, len, "a mapping with keys %s", key_list(k->sub, words,
		    sizeof(words)));
		break;
	case K_LIST:
		snprintf(buf, len, "a %slist of %ss (mappings with a name)",
		    (k->flags & F_NONEMPTY) ? "non-empty " : "", k->what);
		break;
	default:
		snprintf(buf, len, "%s", fixed[k->kind]);
		break;
	}
	return buf;
}

/* ---------------------------------------------------------------- members */

static void *
member(void *obj, size_t off)
{
	return (char *)obj + off;
}

static const void *
cmember(const void *obj, size_t off)
{
	return (const char *)obj + off;
}

static uint64_t
get_uint(const struct key *k, const void *obj)
{
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	switch (k->size) {
	case sizeof(uint16_t):
		memcpy(&v16, cmember(obj, k->off), sizeof(v16));
		return v16;
	case sizeof(uint32_t):
		memcpy(&v32, cmember(obj, k->off), sizeof(v32));
		return v32;
	default:
		memcpy(&v64, cmember(obj, k->off), sizeof(v64));
		return v64;
	}
}

static void
set_uint(const struct key *k, void *obj, uint64_t value)
{
	uint16_t v16 = (uint16_t)value;
	uint32_t v32 = (uint32_t)value;

	switch (k->size) {
	case sizeof(uint16_t):
		memcpy(member(obj, k->off), &v16, sizeof(v16));
		break;
	case sizeof(uint32_t):
		memcpy(member(obj, k->off), &v32, sizeof(v32));
		break;
	default:
		memcpy(member(obj, k->off), &value, sizeof(value));
		break;
	}
}

static char **
str_member(const struct key *k, void *obj)
{
	return member(obj, k->off);
}

static size_t
get_count(const struct key *k, const void *obj)
{
	size_t n;

	memcpy(&n, cmember(obj, k->off_n), sizeof(n));
	return n;
}

/* A pointer member (char *, an array) at ${off}, read without aliasing it. */
static void *
get_ptr(const void *obj, size_t off)
{
	void *p;

	memcpy(&p, cmember(obj, off), sizeof(p));
	return p;
}

static void
set_array(const struct key *k, void *obj, void *array, size_t n)
{
	memcpy(member(obj, k->off), &array, sizeof(array));
	memcpy(member(obj, k->off_n), &n, sizeof(n));
}

/* The key of ${sec} whose kind is K_NAME (every list item has one), or NULL. */
static const struct key *
name_key(enum section sec)
{
	size_t i;

	for (i = 0; i < N_KEYS; i++)
		if (schema[i].sec == sec && schema[i].kind == K_NAME)
			return &schema[i];
	return NULL;
}

/* Every default of ${sec} into ${obj}; lists and strings stay empty. */
static void
set_defaults(enum section sec, void *obj)
{
	const struct key *k;
	size_t i, w;

	for (i = 0; i < N_KEYS; i++) {
		k = &schema[i];
		if (k->sec != sec)
			continue;
		switch (k->kind) {
		case K_UINT:
		case K_DURATION:
		case K_ENUM:
			set_uint(k, obj, k->def);
			break;
		case K_BOOL:
			*(bool *)member(obj, k->off) = k->def != 0;
			break;
		case K_FLAGS:
			for (w = 0; k->words[w].text != NULL; w++)
				((bool *)member(obj, k->off))[k->words[w].value] =
				    (k->def & (1u << k->words[w].value)) != 0;
			break;
		case K_SECTION:
			set_defaults(k->sub, member(obj, k->off));
			break;
		default:
			break;
		}
	}
}

/* Free what ${sec}'s keys allocated in ${obj} and zero those members. */
static void
free_section(enum section sec, void *obj)
{
	const struct key *k;
	size_t i, j, n;
	char *items;

	for (i = 0; i < N_KEYS; i++) {
		k = &schema[i];
		if (k->sec != sec)
			continue;
		switch (k->kind) {
		case K_NAME:
		case K_TEXT:
			free(*str_member(k, obj));
			*str_member(k, obj) = NULL;
			break;
		case K_ENDPOINTS:
			items = get_ptr(obj, k->off);
			n = get_count(k, obj);
			for (j = 0; items != NULL && j < n; j++)
				tw_endpoint_clear(&((struct tw_endpoint *)(void *)items)[j]);
			free(items);
			set_array(k, obj, NULL, 0);
			break;
		case K_LIST:
			items = get_ptr(obj, k->off);
			n = get_count(k, obj);
			for (j = 0; items != NULL && j < n; j++)
				free_section(k->sub, items + j * k->size);
			free(items);
			set_array(k, obj, NULL, 0);
			break;
		case K_SECTION:
			free_section(k->sub, member(obj, k->off));
			break;
		default:
			break;
		}
	}
}

/* ---------------------------------------------------------------- scalars */

/* Plain empty, "~" or "null": YAML's null, i.e. the key is given no value. */
static bool
scalar_is_null(const struct scalar *s)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	size_t i;

	if (s->style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (s->len == strlen(nulls[i]) && memcmp(s->text, nulls[i], s->len) == 0)
			return true;
	return false;
}

/* The index of ${text} in ${w} (any case), or -1. */
static int
find_word(const struct word *w, const char *text)
{
	int i;

	for (i = 0; w[i].text != NULL; i++)
		if (strcasecmp(text, w[i].text) == 0)
			return i;
	return -1;
}

/*
 * Convert scalar ${s} for key ${k} into its member of ${obj}.  The text
 * has been checked for null and NUL bytes; ${path} names the key.
 */
static int
set_scalar(struct ld *ld, const struct key *k, const struct scalar *s, void *obj,
    const char *path)
{
	char shown[SHOW_LEN], expect[TEXT_LEN], lo[TW_DURATION_STRLEN], hi[TW_DURATION_STRLEN];
	struct tw_error why;
	const char *p;
	uint64_t n = 0;
	int rc, w;

	switch (k->kind) {
	case K_UINT:
		for (p = s->text; *p >= '0' && *p <= '9'; p++)
			if (n <= UINT32_MAX)
				n = n * 10 + (uint64_t)(*p - '0');
		if (p == s->text || *p != '\0')
			break;
		if (n < k->min || n > k->max)
			return fail(ld, s->at, "%s: %.*s%s is out of range (%u..%u)", path, 20,
			    s->text, s->len > 20 ? "..." : "", (unsigned)k->min, (unsigned)k->max);
		set_uint(k, obj, n);
		return 0;
	case K_DURATION:
		if ((rc = tw_duration_parse(s->text, &n)) == -1)
			break;
		if (rc != 0 || n < k->min || n > k->max)
			return fail(ld, s->at, "%s: %.*s%s is out of range (%s..%s)", path, 20,
			    s->text, s->len > 20 ? "..." : "",
			    tw_duration_format(k->min, lo, sizeof(lo)),
			    tw_duration_format(k->max, hi, sizeof(hi)));
		set_uint(k, obj, n);
		return 0;
	case K_BOOL:
		if (strcasecmp(s->text, "true") == 0 || strcasecmp(s->text, "yes") == 0)
			*(bool *)member(obj, k->off) = true;
		else if (strcasecmp(s->text, "false") == 0 || strcasecmp(s->text, "no") == 0)
			*(bool *)member(obj, k->off) = false;
		else
			break;
		return 0;
	case K_ENUM:
		if ((w = find_word(k->words, s->text)) < 0)
			break;
		set_uint(k, obj, k->words[w].value);
		return 0;
	case K_NAME:
		if ((*str_member(k, obj) = tw_endpoint_name_dup(s->text, s->len, &why)) == NULL)
			return fail(ld, s->at, "%s: expected %s: %s", path,
			    expect_text(k, expect, sizeof(expect)), why.msg);
		return 0;
	case K_TEXT:
		if ((*str_member(k, obj) = strdup(s->text)) == NULL)
			return fail(ld, s->at, "%s: out of memory", path);
		return 0;
	default:
		return fail(ld, s->at, "%s: not a scalar key", path);
	}
	return fail(ld, s->at, "%s: expected %s, got %s", path,
	    expect_text(k, expect, sizeof(expect)), show(shown, sizeof(shown), s->text, s->len));
}

/* ---------------------------------------------------------------- the document */

static struct cnode *
node_at(struct ld *ld, struct cnode *n)
{
	(void)ld;
	return n;
}

static struct scalar
scalar_of(const struct cnode *v)
{
	struct scalar s = {
		(const char *)v->data.scalar.value, v->data.scalar.length, v->data.scalar.style,
		&v->start_mark
	};

	return s;
}

static bool
is_null(const struct cnode *v)
{
	struct scalar s;

	if (v->type != YAML_SCALAR_NODE)
		return false;
	s = scalar_of(v);
	return scalar_is_null(&s);
}

/* "a sequence", "a mapping", "nothing" or the quoted scalar. */
static const char *
got(char *buf, size_t len, const struct cnode *v)
{
	switch (v->type) {
	case YAML_SEQUENCE_NODE:
		return "a sequence";
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SCALAR_NODE:
		if (is_null(v))
			return "nothing";
		return show(buf, len, (const char *)v->data.scalar.value, v->data.scalar.length);
	default:
		return "an empty node";
	}
}

static size_t
seq_len(const struct cnode *v)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return 0;
	return (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
}

static struct cnode *
seq_item(struct ld *ld, const struct cnode *v, size_t i)
{
	return node_at(ld, v->data.sequence.items.start[i]);
}

static bool
key_is(const struct cnode *k, const char *key)
{
	return k->type == YAML_SCALAR_NODE && k->data.scalar.length == strlen(key) &&
	    memcmp(k->data.scalar.value, key, k->data.scalar.length) == 0;
}

/* The value of ${key} in mapping ${map}, or NULL. */
static struct cnode *
find_value(struct ld *ld, const struct cnode *map, const char *key)
{
	struct cpair *pair;

	if (map->type != YAML_MAPPING_NODE)
		return NULL;
	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		struct cnode *k = node_at(ld, pair->key);

		if (k != NULL && key_is(k, key))
			return node_at(ld, pair->value);
	}
	return NULL;
}

/* A path cut short ends in "...": a message may lose detail, never its end. */
static void
cut_path(char *buf, size_t len, int n)
{
	if (n < 0 || (size_t)n >= len)
		memcpy(buf + len - 4, "...", 4);
}

static void
child_path(char *buf, size_t len, const char *path, const char *key)
{
	cut_path(buf, len, snprintf(buf, len, "%s%s%s", path, path[0] != '\0' ? "." : "", key));
}

static void
item_path(char *buf, size_t len, const char *path, size_t i)
{
	cut_path(buf, len, snprintf(buf, len, "%s[%zu]", path, i));
}

/*
 * The text of a scalar that must be given: fails on non-scalars, null
 * and NUL bytes (which C strings would silently cut).
 */
static int
need_scalar(struct ld *ld, const struct cnode *v, const char *path, const char *expect,
    struct scalar *out)
{
	char shown[SHOW_LEN];

	if (v->type != YAML_SCALAR_NODE || is_null(v))
		return fail(ld, &v->start_mark, "%s: expected %s, got %s", path, expect,
		    got(shown, sizeof(shown), v));
	*out = scalar_of(v);
	if (memchr(out->text, '\0', out->len) != NULL)
		return fail(ld, &v->start_mark, "%s: expected %s, got text with a NUL character",
		    path, expect);
	return 0;
}

static int read_section(struct ld *ld, enum section sec, struct cnode *map, void *obj,
    const char *path);

/*
 * K_ENDPOINTS.  The array and its count are set before the items are
 * parsed so that a half-read list is freed like a whole one.
 */
static int
read_endpoints(struct ld *ld, const struct key *k, struct cnode *v, void *obj, const char *path)
{
	static const char expect[] = "a server like NAME=ADDRESS[:PORT]";
	char child[PATH_LEN];
	struct tw_endpoint *eps;
	struct tw_error why;
	struct scalar s;
	size_t i, n = seq_len(v);

	if (n == 0)
		return 0;
	if ((eps = calloc(n, sizeof(*eps))) == NULL)
		return fail(ld, &v->start_mark, "%s: out of memory", path);
	set_array(k, obj, eps, n);
	for (i = 0; i < n; i++) {
		struct cnode *item = seq_item(ld, v, i);

		item_path(child, sizeof(child), path, i);
		if (item == NULL)
			return fail(ld, &v->start_mark, "%s: broken YAML document", child);
		if (need_scalar(ld, item, child, expect, &s) == -1)
			return -1;
		if (tw_endpoint_parse(s.text, &eps[i], &why) == -1)
			return fail(ld, &item->start_mark, "%s: %s", child, why.msg);
	}
	return 0;
}

_Static_assert(TW_TRANSPORT_COUNT <= 32, "K_FLAGS keeps a word's value below 32");

/* K_FLAGS: every word at most once, at least one. */
static int
read_flags(struct ld *ld, const struct key *k, struct cnode *v, void *obj, const char *path)
{
	bool want[32] = { false };
	char child[PATH_LEN], shown[SHOW_LEN], expect[TEXT_LEN], words[TEXT_LEN];
	size_t i, n = seq_len(v);
	struct scalar s;
	int w;

	if (n == 0)
		return fail(ld, &v->start_mark, "%s: expected %s, got %s", path,
		    expect_text(k, expect, sizeof(expect)),
		    v->type == YAML_SEQUENCE_NODE ? "an empty list" : "nothing");
	word_list(k->words, false, words, sizeof(words));
	for (i = 0; i < n; i++) {
		struct cnode *item = seq_item(ld, v, i);

		item_path(child, sizeof(child), path, i);
		if (item == NULL)
			return fail(ld, &v->start_mark, "%s: broken YAML document", child);
		if (need_scalar(ld, item, child, words, &s) == -1)
			return -1;
		if ((w = find_word(k->words, s.text)) < 0)
			return fail(ld, s.at, "%s: expected %s, got %s", child, words,
			    show(shown, sizeof(shown), s.text, s.len));
		if (want[k->words[w].value])
			return fail(ld, s.at, "%s: duplicate %s \"%s\"", child, k->what,
			    k->words[w].text);
		want[k->words[w].value] = true;
	}
	for (w = 0; k->words[w].text != NULL; w++)
		((bool *)member(obj, k->off))[k->words[w].value] = want[k->words[w].value];
	return 0;
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

/* Where to point at item ${i} of sequence ${seq}: its name's value, else the item. */
static const yaml_mark_t *
item_name_at(struct ld *ld, const struct cnode *seq, size_t i)
{
	const struct cnode *item, *name;

	if (seq == NULL || seq->type != YAML_SEQUENCE_NODE || i >= seq_len(seq) ||
	    (item = seq_item(ld, seq, i)) == NULL)
		return seq != NULL ? &seq->start_mark : NULL;
	name = find_value(ld, item, "name");
	return name != NULL ? &name->start_mark : &item->start_mark;
}

/* F_UNIQUE: no two items of the K_LIST at ${path} have the same name. */
static int
check_unique(struct ld *ld, const struct key *k, const struct cnode *v, const void *obj,
    const char *path)
{
	const struct key *nk = name_key(k->sub);
	const char *items = get_ptr(obj, k->off), *last;
	size_t i, dup = 0, orig = 0, n = get_count(k, obj);
	struct name_ix *names;
	const char *name;

	if (n < 2 || nk == NULL)
		return 0;
	if ((names = calloc(n, sizeof(*names))) == NULL)
		return fail(ld, &v->start_mark, "%s: out of memory", path);
	for (i = 0; i < n; i++) {
		names[i].name = get_ptr(items + i * k->size, nk->off);
		names[i].i = i;
	}
	if (!first_dup(names, n, &dup, &orig)) {
		free(names);
		return 0;
	}
	free(names);
	name = get_ptr(items + dup * k->size, nk->off);
	last = strrchr(path, '.');
	return fail(ld, item_name_at(ld, v, dup), "%s[%zu].%s: duplicate %s \"%s\" (also "
	    "%s[%zu])", path, dup, nk->name, k->what, name[0] != '\0' ? name : ".",
	    last != NULL ? last + 1 : path, orig);
}

/* K_LIST: each item a mapping of section k->sub, set to its defaults first. */
static int
read_list(struct ld *ld, const struct key *k, struct cnode *v, void *obj, const char *path)
{
	char child[PATH_LEN], shown[SHOW_LEN], expect[TEXT_LEN], keys[TEXT_LEN];
	size_t i, n = seq_len(v);
	char *items;

	if (n == 0) {
		if (!(k->flags & F_NONEMPTY))
			return 0;
		return fail(ld, &v->start_mark, "%s: expected %s, got %s", path,
		    expect_text(k, expect, sizeof(expect)),
		    v->type == YAML_SEQUENCE_NODE ? "an empty list" : "nothing");
	}
	if ((items = calloc(n, k->size)) == NULL)
		return fail(ld, &v->start_mark, "%s: out of memory", path);
	set_array(k, obj, items, n);
	for (i = 0; i < n; i++) {
		struct cnode *item = seq_item(ld, v, i);

		item_path(child, sizeof(child), path, i);
		if (item == NULL)
			return fail(ld, &v->start_mark, "%s: broken YAML document", child);
		if (item->type != YAML_MAPPING_NODE)
			return fail(ld, &item->start_mark, "%s: expected a mapping with keys %s, "
			    "got %s", child, key_list(k->sub, keys, sizeof(keys)),
			    got(shown, sizeof(shown), item));
		set_defaults(k->sub, items + i * k->size);
		if (read_section(ld, k->sub, item, items + i * k->size, child) == -1)
			return -1;
	}
	if ((k->flags & F_UNIQUE) && check_unique(ld, k, v, obj, path) == -1)
		return -1;
	return 0;
}

/* The value ${v} of key ${k}, already known to be of the right node type. */
static int
read_value(struct ld *ld, const struct key *k, struct cnode *v, void *obj, const char *path)
{
	char expect[TEXT_LEN];
	struct scalar s;

	switch (k->kind) {
	case K_SECTION:
		/* A section given no value keeps its defaults. */
		return is_null(v) ? 0 : read_section(ld, k->sub, v, member(obj, k->off), path);
	case K_LIST:
		return read_list(ld, k, v, obj, path);
	case K_ENDPOINTS:
		return read_endpoints(ld, k, v, obj, path);
	case K_FLAGS:
		return read_flags(ld, k, v, obj, path);
	case K_TEXT:
		if (is_null(v))
			return 0;
		/* FALLTHROUGH */
	default:
		if (need_scalar(ld, v, path, expect_text(k, expect, sizeof(expect)), &s) == -1)
			return -1;
		return set_scalar(ld, k, &s, obj, path);
	}
}

/* Does node ${v} have the shape key ${k} takes?  Null is an empty list or section. */
static bool
shape_ok(const struct key *k, const struct cnode *v)
{
	switch (k->kind) {
	case K_SECTION:
		return v->type == YAML_MAPPING_NODE || is_null(v);
	case K_LIST:
	case K_ENDPOINTS:
	case K_FLAGS:
		return v->type == YAML_SEQUENCE_NODE || is_null(v);
	default:
		return v->type == YAML_SCALAR_NODE;
	}
}

/* After a section is read: checks across its keys. */
static int check_watch(struct ld *ld, struct cnode *map, void *obj, const char *path);
static int check_zone(struct ld *ld, struct cnode *map, void *obj, const char *path);

static int (*const section_check[SEC_COUNT])(struct ld *, struct cnode *, void *,
    const char *) = {
	[SEC_WATCH] = check_watch,
	[SEC_ZONE] = check_zone,
};

/*
 * Walk mapping ${map} as section ${sec}: each key known and given once,
 * each value of the right shape and kind, then the missing required keys
 * and the section's own check.
 */
static int
read_section(struct ld *ld, enum section sec, struct cnode *map, void *obj, const char *path)
{
	const struct cnode *seen[N_KEYS] = { NULL };
	char child[PATH_LEN], shown[SHOW_LEN], keys[TEXT_LEN], expect[TEXT_LEN];
	const char *where = path[0] != '\0' ? path : "the top level";
	struct cpair *pair;
	const struct key *k;
	size_t i;

	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		struct cnode *kn = node_at(ld, pair->key), *v = node_at(ld, pair->value);

		if (kn == NULL || v == NULL)
			return fail(ld, &map->start_mark, "%s: broken YAML document", where);
		if (kn->type != YAML_SCALAR_NODE)
			return fail(ld, &kn->start_mark, "keys must be plain strings, got %s in %s",
			    got(shown, sizeof(shown), kn), where);
		for (i = 0; i < N_KEYS; i++)
			if (schema[i].sec == sec && key_is(kn, schema[i].name))
				break;
		if (i == N_KEYS)
			return fail(ld, &kn->start_mark, "unknown key %s in %s (expected one of: %s)",
			    show(shown, sizeof(shown), (const char *)kn->data.scalar.value,
			    kn->data.scalar.length), where, key_list(sec, keys, sizeof(keys)));
		k = &schema[i];
		if (seen[i] != NULL)
			return fail(ld, &kn->start_mark, "duplicate key \"%s\"%s%s (first on line %u)",
			    k->name, path[0] != '\0' ? " in " : "", path,
			    (unsigned)seen[i]->start_mark.line + 1);
		seen[i] = kn;
		child_path(child, sizeof(child), path, k->name);
		if (!shape_ok(k, v))
			return fail(ld, &v->start_mark, "%s: expected %s, got %s", child,
			    expect_text(k, expect, sizeof(expect)), got(shown, sizeof(shown), v));
		if (read_value(ld, k, v, obj, child) == -1)
			return -1;
	}
	for (i = 0; i < N_KEYS; i++)
		if (schema[i].sec == sec && (schema[i].flags & F_REQUIRED) && seen[i] == NULL)
			return fail(ld, &map->start_mark, "%s%smissing required key \"%s\"", path,
			    path[0] != '\0' ? ": " : "", schema[i].name);
	if (section_check[sec] != NULL)
		return section_check[sec](ld, map, obj, path);
	return 0;
}

/* watch: W rounds hold at most W-1 changes, so flap_changes < flap_window. */
static int
check_watch(struct ld *ld, struct cnode *map, void *obj, const char *path)
{
	const struct tw_watch_cfg *watch = obj;
	const struct cnode *at;

	if (watch->flap_changes < watch->flap_window)
		return 0;
	/* Blame flap_changes when it is given, else the flap_window that undercut it. */
	if ((at = find_value(ld, map, "flap_changes")) == NULL)
		at = find_value(ld, map, "flap_window");
	return fail(ld, at != NULL ? &at->start_mark : &map->start_mark, "%s.flap_changes: %u "
	    "must be less than %s.flap_window (%u): %u rounds hold at most %u changes", path,
	    (unsigned)watch->flap_changes, path, (unsigned)watch->flap_window,
	    (unsigned)watch->flap_window, (unsigned)watch->flap_window - 1);
}

static bool
name_in_zone(const char *name, const char *zone)
{
	size_t n = strlen(name), z = strlen(zone);

	if (z == 0 || strcmp(name, zone) == 0)
		return true;
	return n > z && name[n - z - 1] == '.' && strcmp(name + n - z, zone) == 0;
}

/* zones[i]: every host lies inside the zone. */
static int
check_zone(struct ld *ld, struct cnode *map, void *obj, const char *path)
{
	const struct tw_zone_cfg *zone = obj;
	const struct cnode *hosts = find_value(ld, map, "hosts");
	size_t i;

	for (i = 0; i < zone->n_hosts; i++)
		if (!name_in_zone(zone->hosts[i].name, zone->name))
			return fail(ld, item_name_at(ld, hosts, i),
			    "%s.hosts[%zu].name: \"%s\" is not inside zone \"%s\"", path, i,
			    zone->hosts[i].name, zone->name[0] != '\0' ? zone->name : ".");
	return 0;
}

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

/* An anchor met so far, and its node. */
struct anchor {
	char *name;
	struct cnode *node;
};

/* tree_build's state: the collections open and the nodes read inside them, not yet placed. */
struct tree {
	struct tw_region *region;
	struct tw_vec open;         /* struct cnode *: the collections open, innermost last */
	struct tw_vec bases;        /* size_t: where each open collection's nodes start in kids */
	struct tw_vec kids;         /* struct cnode *: nodes read, not yet in their collection */
	struct tw_vec anchors;      /* struct anchor */
	struct cnode *root;
};

/* As libyaml's loader: a composer error, the message yaml_fail() would make of it. */
static int
tree_fail(const char *source, struct tw_error *err, const yaml_mark_t *at, const char *problem,
    const char *context, const yaml_mark_t *context_at)
{
	if (context != NULL)
		tw_error_set(err, source, (unsigned)at->line + 1, (unsigned)at->column + 1,
		    "YAML syntax error: %s (%s at line %u, column %u)", problem, context,
		    (unsigned)context_at->line + 1, (unsigned)context_at->column + 1);
	else
		tw_error_set(err, source, (unsigned)at->line + 1, (unsigned)at->column + 1,
		    "YAML syntax error: %s", problem);
	return -1;
}

/* ${n}, just read, goes to the collection open around it (or is the root). */
static int
tree_place(struct tree *t, struct cnode *n)
{
	if (t->open.n == 0) {
		if (t->root == NULL)
			t->root = n;
		return 0;
	}
	return tw_vec_push_ptr(&t->kids, n);
}

/* Remember ${anchor} (libyaml's event string, or NULL) as naming ${n}; -1 on a duplicate. */
static int
tree_anchor(struct tree *t, const yaml_char_t *anchor, struct cnode *n, const char *source,
    struct tw_error *err)
{
	struct anchor *a;
	size_t i;

	if (anchor == NULL)
		return 0;
	for (i = 0; i < t->anchors.n; i++) {
		a = tw_vec_at(&t->anchors, i);
		if (strcmp(a->name, (const char *)anchor) == 0)
			return tree_fail(source, err, &n->start_mark, "second occurrence",
			    "found duplicate anchor; first occurrence", &a->node->start_mark);
	}
	if ((a = tw_vec_push(&t->anchors)) == NULL ||
	    (a->name = tw_region_strdup(t->region, (const char *)anchor)) == NULL) {
		tw_error_set(err, source, 0, 0, "out of memory while reading YAML");
		return -1;
	}
	a->node = n;
	return 0;
}

/* A collection ends: the nodes read inside it become its items (or pairs). */
static int
tree_close(struct tree *t)
{
	struct cnode *n = tw_vec_ptr(&t->open, t->open.n - 1);
	size_t base = *(size_t *)tw_vec_at(&t->bases, t->bases.n - 1), k = t->kids.n - base;
	struct cnode **kids = (struct cnode **)t->kids.v + base;
	size_t i;

	if (n->type == YAML_SEQUENCE_NODE) {
		if (k > 0 && (n->data.sequence.items.start = tw_region_alloc(t->region,
		    k * sizeof(*kids))) == NULL)
			return -1;
		if (k > 0)
			memcpy(n->data.sequence.items.start, kids, k * sizeof(*kids));
		n->data.sequence.items.top = n->data.sequence.items.start + k;
	} else {
		/* (libyaml's events always pair a mapping's keys and values) */
		if (k > 0 && (n->data.mapping.pairs.start = tw_region_alloc(t->region,
		    k / 2 * sizeof(struct cpair))) == NULL)
			return -1;
		for (i = 0; i + 1 < k; i += 2) {
			n->data.mapping.pairs.start[i / 2].key = kids[i];
			n->data.mapping.pairs.start[i / 2].value = kids[i + 1];
		}
		n->data.mapping.pairs.top = n->data.mapping.pairs.start + k / 2;
	}
	t->kids.n = base;
	t->open.n--;
	t->bases.n--;
	return tree_place(t, n);
}

/*
 * The one document of ${text} as a tree in ${t}->region, in one pass over libyaml's events.
 * Rejected as they come, before anything is built for them: a second document, more than
 * CONFIG_MAX_DEPTH levels of nesting, more than CONFIG_MAX_NODES nodes.  0, or -1 with
 * ${err} set (composer errors as yaml_parser_load() would have set them).
 */
static int
tree_build(struct tree *t, const char *text, size_t len, const char *source, struct tw_error *err)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	struct anchor *a;
	struct cnode *n;
	size_t i, base;
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
		n = NULL;
		if (ev.type == YAML_DOCUMENT_START_EVENT && ++docs > 1) {
			tw_error_set(err, source, (unsigned)ev.start_mark.line + 1,
			    (unsigned)ev.start_mark.column + 1,
			    "a second YAML document: a config is one document");
			goto fail;
		}
		if ((ev.type == YAML_SCALAR_EVENT || ev.type == YAML_ALIAS_EVENT ||
		    ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) &&
		    ++nodes > CONFIG_MAX_NODES) {
			tw_error_set(err, source, (unsigned)ev.start_mark.line + 1,
			    (unsigned)ev.start_mark.column + 1,
			    "more than %d YAML nodes: too large for a config", CONFIG_MAX_NODES);
			goto fail;
		}
		if ((ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) &&
		    ++depth > CONFIG_MAX_DEPTH) {
			tw_error_set(err, source, (unsigned)ev.start_mark.line + 1,
			    (unsigned)ev.start_mark.column + 1, "nested more than %d levels deep",
			    CONFIG_MAX_DEPTH);
			goto fail;
		}
		switch (ev.type) {
		case YAML_ALIAS_EVENT:
			for (i = 0; i < t->anchors.n; i++) {
				a = tw_vec_at(&t->anchors, i);
				if (strcmp(a->name, (const char *)ev.data.alias.anchor) == 0) {
					n = a->node;
					break;
				}
			}
			if (n == NULL) {
				tree_fail(source, err, &ev.start_mark, "found undefined alias", NULL,
				    NULL);
				goto fail;
			}
			if (tree_place(t, n) != 0)
				goto oom;
			break;
		case YAML_SCALAR_EVENT:
			if ((n = tw_region_zalloc(t->region, sizeof(*n))) == NULL ||
			    (n->data.scalar.value = tw_region_alloc(t->region,
			    ev.data.scalar.length + 1)) == NULL)
				goto oom;
			n->type = YAML_SCALAR_NODE;
			n->start_mark = ev.start_mark;
			memcpy(n->data.scalar.value, ev.data.scalar.value, ev.data.scalar.length);
			n->data.scalar.value[ev.data.scalar.length] = '\0';
			n->data.scalar.length = ev.data.scalar.length;
			n->data.scalar.style = ev.data.scalar.style;
			if (tree_anchor(t, ev.data.scalar.anchor, n, source, err) != 0)
				goto fail;
			if (tree_place(t, n) != 0)
				goto oom;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if ((n = tw_region_zalloc(t->region, sizeof(*n))) == NULL)
				goto oom;
			n->type = ev.type == YAML_SEQUENCE_START_EVENT ? YAML_SEQUENCE_NODE :
			    YAML_MAPPING_NODE;
			n->start_mark = ev.start_mark;
			/* Anchored before its contents are read, as libyaml does. */
			if (tree_anchor(t, ev.type == YAML_SEQUENCE_START_EVENT ?
			    ev.data.sequence_start.anchor : ev.data.mapping_start.anchor, n,
			    source, err) != 0)
				goto fail;
			base = t->kids.n;
			if (tw_vec_push_ptr(&t->open, n) != 0 || tw_vec_append(&t->bases, &base) != 0)
				goto oom;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			if (tree_close(t) != 0)
				goto oom;
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
oom:
	tw_error_set(err, source, 0, 0, "out of memory while reading YAML");
fail:
	yaml_event_delete(&ev);
out:
	yaml_parser_delete(&parser);
	return rc;
}

struct tw_config *
tw_config_load_string(const char *text, size_t len, const char *source, struct tw_error *err)
{
	struct tree tree;
	struct cnode *root;
	struct tw_config *cfg = NULL;
	struct ld ld;
	char shown[SHOW_LEN], keys[TEXT_LEN];

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
	memset(&tree, 0, sizeof(tree));
	if ((tree.region = tw_region_new(0)) == NULL) {
		tw_error_set(err, source, 0, 0, "out of memory while reading YAML");
		return NULL;
	}
	tw_vec_init(&tree.open, sizeof(struct cnode *), NULL);
	tw_vec_init(&tree.bases, sizeof(size_t), NULL);
	tw_vec_init(&tree.kids, sizeof(struct cnode *), NULL);
	tw_vec_init(&tree.anchors, sizeof(struct anchor), NULL);
	if (tree_build(&tree, text, len, source, err) != 0)
		goto fail;
	root = tree.root;
	if (root == NULL || is_null(root)) {
		tw_error_set(err, source, 0, 0, "empty config");
		goto fail;
	}

	if ((cfg = calloc(1, sizeof(*cfg))) == NULL ||
	    (cfg->source = strdup(source)) == NULL) {
		tw_error_set(err, source, 0, 0, "out of memory");
		goto fail;
	}
	set_defaults(SEC_TOP, cfg);

	ld.source = source;
	ld.err = err;
	if (root->type != YAML_MAPPING_NODE) {
		fail(&ld, &root->start_mark, "the top level must be a mapping with keys %s, got %s",
		    key_list(SEC_TOP, keys, sizeof(keys)), got(shown, sizeof(shown), root));
		goto fail;
	}
	if (read_section(&ld, SEC_TOP, root, cfg, "") == -1)
		goto fail;
	goto out;

fail:
	tw_config_free(cfg);
	cfg = NULL;
out:
	tw_vec_free(&tree.open);
	tw_vec_free(&tree.bases);
	tw_vec_free(&tree.kids);
	tw_vec_free(&tree.anchors);
	tw_region_free(tree.region);
	return cfg;
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

void
tw_config_free(struct tw_config *cfg)
{
	if (cfg == NULL)
		return;
	free_section(SEC_TOP, cfg);
	free(cfg->source);
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
			tw_escape_message(shown, sizeof(shown), want, strlen(want), SHOW_MAX, false);
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
			free_section(SEC_ZONE, &cfg->zones[z]);
	free(cfg->zones);
	cfg->zones = kept;
	cfg->n_zones = m;
	rc = 0;
out:
	free(pick);
	free(taken);
	return rc;
}

/* ---------------------------------------------------------------- printing */

/*
 * The scalar style that reads back as the same string: plain for a
 * harmless word (a letter first, or for a server a digit too; letters,
 * digits, ".", "-", "_", single inner spaces; for a server also "=", ":",
 * "[" and "]", not ":" last) unless YAML 1.1 gives the word a meaning;
 * anything else double-quoted, with libyaml doing the escaping.
 */
static yaml_scalar_style_t
style_for(const char *s, bool server)
{
	static const char *const words[] = {
		"null", "true", "false", "yes", "no", "on", "off", "y", "n"
	};
	size_t i, n = strlen(s);
	char c;

	if (n == 0 || s[n - 1] == ' ' || s[n - 1] == ':')
		return YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	c = s[0];
	if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (server && c >= '0' && c <= '9')))
		return YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	for (i = 0; i < n; i++) {
		c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '-' || c == '_' || (c == ' ' && s[i + 1] != ' ') ||
		    (server && (c == '=' || c == ':' || c == '[' || c == ']'))))
			return YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	}
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(s, words[i]) == 0)
			return YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	return YAML_PLAIN_SCALAR_STYLE;
}

/* An emitter and whether every event so far went out. */
struct em {
	yaml_emitter_t e;
	bool ok;
};

/* Emit ${ev}, once initialised (${init} is the initialiser's result). */
static void
emit(struct em *em, int init, yaml_event_t *ev)
{
	if (!init || !em->ok || !yaml_emitter_emit(&em->e, ev))
		em->ok = false;
}

static void
emit_scalar(struct em *em, const char *text, yaml_scalar_style_t style)
{
	yaml_event_t ev;

	if (em->ok)
		emit(em, yaml_scalar_event_initialize(&ev, NULL, NULL,
		    (const yaml_char_t *)text, (int)strlen(text), 1, 1, style), &ev);
}

static void
emit_start(struct em *em, bool seq, bool flow)
{
	yaml_event_t ev;

	if (!em->ok)
		return;
	if (seq)
		emit(em, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, flow ?
		    YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE), &ev);
	else
		emit(em, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
		    YAML_BLOCK_MAPPING_STYLE), &ev);
}

static void
emit_end(struct em *em, bool seq)
{
	yaml_event_t ev;

	if (em->ok)
		emit(em, seq ? yaml_sequence_end_event_initialize(&ev) :
		    yaml_mapping_end_event_initialize(&ev), &ev);
}

/* Section ${sec} of ${obj} as a block mapping, keys in table order. */
static void
emit_section(struct em *em, enum section sec, const void *obj)
{
	char buf[TW_ADDRSTRLEN + 300];
	const struct key *k;
	const char *s, *items;
	size_t i, j, n;
	uint64_t v;

	emit_start(em, false, false);
	for (i = 0; i < N_KEYS && em->ok; i++) {
		k = &schema[i];
		if (k->sec != sec)
			continue;
		s = NULL;
		n = 0;
		if (k->kind == K_TEXT && (s = get_ptr(obj, k->off)) == NULL)
			continue;	/* no label */
		if ((k->kind == K_ENDPOINTS || k->kind == K_LIST) &&
		    (n = get_count(k, obj)) == 0 && (k->flags & F_OMIT_EMPTY))
			continue;
		emit_scalar(em, k->name, YAML_PLAIN_SCALAR_STYLE);
		switch (k->kind) {
		case K_UINT:
		case K_DURATION:
			v = get_uint(k, obj);
			if (k->kind == K_UINT)
				snprintf(buf, sizeof(buf), "%u", (unsigned)v);
			else
				tw_duration_format(v, buf, sizeof(buf));
			emit_scalar(em, buf, YAML_PLAIN_SCALAR_STYLE);
			break;
		case K_BOOL:
			emit_scalar(em, *(const bool *)cmember(obj, k->off) ? "true" : "false",
			    YAML_PLAIN_SCALAR_STYLE);
			break;
		case K_ENUM:
			v = get_uint(k, obj);
			for (j = 0; k->words[j + 1].text != NULL && k->words[j].value != v; j++)
				;
			emit_scalar(em, k->words[j].text, YAML_PLAIN_SCALAR_STYLE);
			break;
		case K_FLAGS:
			emit_start(em, true, true);
			for (j = 0; k->words[j].text != NULL; j++)
				if (((const bool *)cmember(obj, k->off))[k->words[j].value])
					emit_scalar(em, k->words[j].text, YAML_PLAIN_SCALAR_STYLE);
			emit_end(em, true);
			break;
		case K_NAME:
			s = get_ptr(obj, k->off);
			s = s != NULL && s[0] != '\0' ? s : ".";	/* "" is the root */
			/* FALLTHROUGH */
		case K_TEXT:
			emit_scalar(em, s, style_for(s, false));
			break;
		case K_ENDPOINTS:
			items = get_ptr(obj, k->off);
			emit_start(em, true, false);
			for (j = 0; j < n; j++) {
				tw_endpoint_format((const struct tw_endpoint *)(const void *)items + j,
				    buf, sizeof(buf));
				emit_scalar(em, buf, style_for(buf, true));
			}
			emit_end(em, true);
			break;
		case K_LIST:
			items = get_ptr(obj, k->off);
			emit_start(em, true, false);
			for (j = 0; j < n; j++)
				emit_section(em, k->sub, items + j * k->size);
			emit_end(em, true);
			break;
		case K_SECTION:
			emit_section(em, k->sub, cmember(obj, k->off));
			break;
		}
	}
	emit_end(em, false);
}

int
tw_config_print(const struct tw_config *cfg, FILE *fp)
{
	yaml_event_t ev;
	struct em em;

	if (cfg == NULL || fp == NULL)
		return -1;
	/* libyaml writes no comments: the header line goes first, by hand. */
	if (fputs("# tldwatch configuration\n", fp) == EOF)
		return -1;
	if (!yaml_emitter_initialize(&em.e))
		return -1;
	em.ok = true;
	yaml_emitter_set_output_file(&em.e, fp);
	yaml_emitter_set_encoding(&em.e, YAML_UTF8_ENCODING);
	yaml_emitter_set_unicode(&em.e, 1);	/* UTF-8 as it is, not \u escapes */
	yaml_emitter_set_width(&em.e, -1);	/* never fold a long label */
	yaml_emitter_set_indent(&em.e, 2);
	emit(&em, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING), &ev);
	emit(&em, em.ok && yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1), &ev);
	emit_section(&em, SEC_TOP, cfg);
	emit(&em, em.ok && yaml_document_end_event_initialize(&ev, 1), &ev);
	emit(&em, em.ok && yaml_stream_end_event_initialize(&ev), &ev);
	yaml_emitter_delete(&em.e);
	return em.ok ? 0 : -1;
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

struct tw_config *
tw_config_load_checked(const char *path, bool loopback_only, struct tw_error *err)
{
	const struct tw_endpoint *ep;
	struct tw_config *cfg;

	if ((cfg = tw_config_load(path, err)) == NULL)
		return NULL;
	if (!loopback_only || (ep = tw_config_find_nonloopback(cfg)) == NULL)
		return cfg;
	tw_error_set(err, cfg->source, 0, 0, "TLDWATCH_LOOPBACK_ONLY is set: refusing "
	    "non-loopback server %s%s%s", ep->address, ep->name != NULL ? " " : "",
	    ep->name != NULL ? ep->name : "");
	tw_config_free(cfg);
	return NULL;
}

bool
tw_config_loopback_only_env(void)
{
	const char *v = getenv("TLDWATCH_LOOPBACK_ONLY");

	return v != NULL && v[0] != '\0' && strcmp(v, "0") != 0;
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
