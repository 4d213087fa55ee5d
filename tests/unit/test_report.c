/*
 * test_report.c -- the three renderers against golden files for
 * hand-built results, plus escaping, colour and the Nagios exit code.
 *
 * Regenerate the goldens with TW_UPDATE_GOLDEN=1 build/test_report, then
 * read every changed file before committing it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "tldwatch/escape.h"
#include "tldwatch/report.h"
#include "tldwatch/verdict.h"
#include "golden.h"


#define NOSERIAL false, 0
#define SERIAL(n) true, n
#define NORTT -1.0

/* ---- hand-built results ------------------------------------------------ */

struct server_spec {
	enum tw_role role;
	const char *zone;
	const char *name;
	const char *address;
	uint16_t port;
	enum tw_transport transport;
	bool pinned;
	enum tw_outcome outcome;
	unsigned sent;
	unsigned answered;
	double rtt_ms;
	bool has_serial;
	uint32_t serial;
};

struct host_spec {
	const char *name;
	const char *label;
	uint16_t type;
	bool key;
	bool resolved;
	enum tw_outcome outcome;
	const char *addresses[4];   /* NULL-terminated */
	const char *path;
	const char *detail;
};

struct zone_spec {
	const char *name;
	const char *label;
	const struct server_spec *servers;
	size_t n_servers;
	const struct host_spec *hosts;
	size_t n_hosts;
	unsigned controls_answered;
	unsigned controls_total;
	enum tw_state state;
	const char *diagnosis;
	unsigned auth_answering;
	unsigned auth_total;
};

struct result_spec {
	const char *name;           /* golden file stem */
	const struct server_spec *roots;
	size_t n_roots;
	const struct zone_spec *zones;
	size_t n_zones;
	double elapsed_ms;
	bool deadline_hit;
	const char *deadline_stage;
	const char *error;
	enum tw_state state;
	int nagios_code;            /* expected exit code without thresholds */
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* roots answer the health query with a referral to the TLD */
static const struct server_spec lab_roots[] = {
	{ TW_ROLE_ROOT, "", "a.root-servers.net", "127.41.0.4", 10053, TW_TRANSPORT_UDP, true,
	    TW_OUTCOME_REFERRAL, 1, 1, 0.221, NOSERIAL },
	{ TW_ROLE_ROOT, "", "b.root-servers.net", "127.247.170.2", 10053, TW_TRANSPORT_UDP, true,
	    TW_OUTCOME_REFERRAL, 1, 1, 0.187, NOSERIAL },
};

#define KP1 "ns1.kptc.kp", "127.45.176.15", 10053
#define KP2 "ns2.kptc.kp", "127.45.176.16", 10053
#define KCNA1 "ns1.kcna.kp", "127.45.176.8", 10053
#define KCNA2 "ns2.kcna.kp", "127.45.176.9", 10053
#define UDP TW_TRANSPORT_UDP
#define TCP TW_TRANSPORT_TCP

static const struct host_spec hosts_ok[] = {
	{ "kcna.kp", "Korean Central News Agency", TW_RR_A, true, true, TW_OUTCOME_ANSWER,
	    { "127.45.176.71", NULL }, "kp > kcna.kp", NULL },
	{ "rodong.rep.kp", "Rodong Sinmun", TW_RR_A, true, true, TW_OUTCOME_ANSWER,
	    { "127.45.176.72", NULL }, "kp > rep.kp > rodong.rep.kp", NULL },
	{ "naenara.com.kp", "Naenara portal", TW_RR_A, true, true, TW_OUTCOME_ANSWER,
	    { "127.45.176.67", NULL }, "kp > com.kp > naenara.com.kp", NULL },
	{ "star.co.kp", NULL, TW_RR_A, false, true, TW_OUTCOME_ANSWER,
	    { "127.45.176.80", "127.45.176.81", NULL }, "kp > co.kp", NULL },
};

/* healthy: 2 kp servers + 2 child servers, 4 hosts, 2 roots */
static const struct server_spec healthy_servers[] = {
	{ TW_ROLE_ZONE, "kp", KP1, UDP, true, TW_OUTCOME_ANSWER, 3, 3, 0.412, SERIAL(2014122301) },
	{ TW_ROLE_ZONE, "kp", KP2, UDP, true, TW_OUTCOME_ANSWER, 3, 3, 0.538, SERIAL(2014122301) },
	{ TW_ROLE_CHILD, "kcna.kp", KCNA1, UDP, false, TW_OUTCOME_ANSWER, 2, 2, 0.297,
	    SERIAL(2014122201) },
	{ TW_ROLE_CHILD, "kcna.kp", KCNA2, UDP, false, TW_OUTCOME_ANSWER, 2, 2, 0.301,
	    SERIAL(2014122201) },
};
static const struct zone_spec healthy_zones[] = {
	{ "kp", "North Korea (lab)", healthy_servers, N(healthy_servers), hosts_ok, N(hosts_ok),
	    2, 2, TW_STATE_UP, "all 2 authoritative servers answer; 3/3 key hosts resolve", 2, 2 },
};

/* degraded: one kp server times out, the other loses a query */
static const struct server_spec degraded_servers[] = {
	{ TW_ROLE_ZONE, "kp", KP1, UDP, true, TW_OUTCOME_ANSWER, 3, 2, 0.455, SERIAL(2014122301) },
	{ TW_ROLE_ZONE, "kp", KP1, TCP, true, TW_OUTCOME_ANSWER, 2, 2, 0.91, SERIAL(2014122301) },
	{ TW_ROLE_ZONE, "kp", KP2, UDP, true, TW_OUTCOME_TIMEOUT, 3, 0, NORTT, NOSERIAL },
	{ TW_ROLE_CHILD, "kcna.kp", KCNA1, UDP, false, TW_OUTCOME_ANSWER, 2, 2, 0.297,
	    SERIAL(2014122201) },
	{ TW_ROLE_CHILD, "kcna.kp", KCNA2, UDP, false, TW_OUTCOME_ANSWER, 2, 2, 0.301,
	    SERIAL(2014122201) },
};
static const struct zone_spec degraded_zones[] = {
	{ "kp", "North Korea (lab)", degraded_servers, N(degraded_servers), hosts_ok,
	    N(hosts_ok), 2, 2, TW_STATE_DEGRADED,
	    "ns2.kptc.kp does not answer (timeout); 1/3 queries to ns1.kptc.kp lost", 2, 3 },
};

/* partial: the TLD answers, some key hosts do not resolve */
static const struct server_spec partial_servers[] = {
	{ TW_ROLE_ZONE, "kp", KP1, UDP, true, TW_OUTCOME_ANSWER, 2, 2, 0.4, SERIAL(2014122301) },
	{ TW_ROLE_ZONE, "kp", KP2, UDP, true, TW_OUTCOME_ANSWER, 2, 2, 0.45, SERIAL(2014122301) },
	{ TW_ROLE_CHILD, "kcna.kp", KCNA1, UDP, false, TW_OUTCOME_ANSWER, 1, 1, 0.3,
	    SERIAL(2014122201) },
	{ TW_ROLE_CHILD, "kcna.kp", KCNA2, UDP, false, TW_OUTCOME_ANSWER, 1, 1, 0.35,
	    SERIAL(2014122201) },
	{ TW_ROLE_CHILD, "naenara.com.kp", "ns1.naenara.com.kp", "127.45.176.10", 10053, UDP,
	    false, TW_OUTCOME_TIMEOUT, 2, 0, NORTT, NOSERIAL },
	{ TW_ROLE_CHILD, "naenara.com.kp", NULL, "::1", 10053, UDP, false,
	    TW_OUTCOME_UNREACHABLE, 2, 0, NORTT, NOSERIAL },
};
static const struct host_spec partial_hosts[] = {
	{ "kcna.kp", "Korean Central News Agency", TW_RR_A, true, true, TW_OUTCOME_ANSWER,
	    { "127.45.176.71", NULL }, "kp > kcna.kp", NULL },
	{ "rodong.rep.kp", "Rodong Sinmun", TW_RR_A, true, true, TW_OUTCOME_ANSWER,
	    { "127.45.176.72", NULL }, "kp > rep.kp > rodong.rep.kp", NULL },
	{ "naenara.com.kp", "Naenara portal", TW_RR_A, true, false, TW_OUTCOME_TIMEOUT,
	    { NULL }, "kp > com.kp > naenara.com.kp", "naenara.com.kp servers: timeout" },
	{ "star.co.kp", NULL, TW_RR_AAAA, false, false, TW_OUTCOME_SERVFAIL,
	    { NULL }, "kp > co.kp", "co.kp servers: servfail" },
};
static const struct zone_spec partial_zones[] = {
	{ "kp", "North Korea (lab)", partial_servers, N(partial_servers), partial_hosts,
	    N(partial_hosts), 2, 2, TW_STATE_PARTIAL,
	    "kcna.kp, rodong.rep.kp resolve; naenara.com.kp does not", 2, 2 },
};

/* down: every kp server times out while the roots answer */
static const struct server_spec down_servers[] = {
	{ TW_ROLE_ZONE, "kp", KP1, UDP, true, TW_OUTCOME_TIMEOUT, 3, 0, NORTT, NOSERIAL },
	{ TW_ROLE_ZONE, "kp", KP2, UDP, true, TW_OUTCOME_TIMEOUT, 3, 0, NORTT, NOSERIAL },
};
static const struct host_spec down_hosts[] = {
	{ "kcna.kp", "Korean Central News Agency", TW_RR_A, true, false, TW_OUTCOME_TIMEOUT,
	    { NULL }, "kp", "kp servers: timeout" },
	{ "rodong.rep.kp", "Rodong Sinmun", TW_RR_A, true, false, TW_OUTCOME_TIMEOUT,
	    { NULL }, "kp", "kp servers: timeout" },
	{ "naenara.com.kp", "Naenara portal", TW_RR_A, true, false, TW_OUTCOME_TIMEOUT,
	    { NULL }, "kp", "kp servers: timeout" },
	{ "star.co.kp", NULL, TW_RR_A, false, false, TW_OUTCOME_TIMEOUT,
	    { NULL }, "kp", "kp servers: timeout" },
};
static const struct zone_spec down_zones[] = {
	{ "kp", "North Korea (lab)", down_servers, N(down_servers), down_hosts, N(down_hosts),
	    2, 2, TW_STATE_DOWN,
	    "no authoritative server answers (2/2 timeout) while 2/2 roots answer", 0, 2 },
};

/* unknown: the global deadline ran out during host resolution */
static const struct server_spec unknown_servers[] = {
	{ TW_ROLE_ZONE, "kp", KP1, UDP, true, TW_OUTCOME_ANSWER, 2, 2, 0.4, SERIAL(2014122301) },
	{ TW_ROLE_ZONE, "kp", KP2, UDP, true, TW_OUTCOME_ANSWER, 2, 2, 0.45, SERIAL(2014122301) },
	{ TW_ROLE_CHILD, "kcna.kp", KCNA1, UDP, false, TW_OUTCOME_NONE, 1, 0, NORTT, NOSERIAL },
};
static const struct host_spec unknown_hosts[] = {
	{ "kcna.kp", "Korean Central News Agency", TW_RR_A, true, false, TW_OUTCOME_NONE,
	    { NULL }, "kp > kcna.kp", NULL },
	{ "rodong.rep.kp", "Rodong Sinmun", TW_RR_A, true, true, TW_OUTCOME_ANSWER,
	    { "127.45.176.72", NULL }, "kp > rep.kp > rodong.rep.kp", NULL },
};
static const struct zone_spec unknown_zones[] = {
	{ "kp", "North Korea (lab)", unknown_servers, N(unknown_servers), unknown_hosts,
	    N(unknown_hosts), 2, 2, TW_STATE_UNKNOWN, NULL, 2, 2 },
};

/* two zones, one of them the root (labelled "root") */
static const struct server_spec root_zone_servers[] = {
	{ TW_ROLE_ZONE, "", "a.root-servers.net", "127.41.0.4", 10053, UDP, true,
	    TW_OUTCOME_ANSWER, 1, 1, 0.221, SERIAL(2014122300) },
	{ TW_ROLE_ZONE, "", NULL, "::1", 10053, TCP, true,
	    TW_OUTCOME_ANSWER, 1, 1, 1.5, SERIAL(2014122300) },
};
static const struct zone_spec multi_zones[] = {
	{ "kp", NULL, degraded_servers, N(degraded_servers), hosts_ok, N(hosts_ok),
	    2, 2, TW_STATE_DEGRADED, "ns2.kptc.kp does not answer (timeout)", 2, 3 },
	{ "", "the root", root_zone_servers, N(root_zone_servers), NULL, 0,
	    2, 2, TW_STATE_UP, "all 2 authoritative servers answer", 2, 2 },
};

/* hostile: bytes a server (or a config) could put in any string */
static const struct server_spec hostile_servers[] = {
	{ TW_ROLE_ZONE, "kp", "ns1.evil|kp\x1b[2J", "127.45.176.15", 10053, UDP, false,
	    TW_OUTCOME_LAME, 2, 2, 0.5, NOSERIAL },
	{ TW_ROLE_ZONE, "kp", "it's=ns2", "127.45.176.16", 10053, UDP, false,
	    TW_OUTCOME_ANSWER, 2, 2, 0.25, SERIAL(7) },
};
static const struct host_spec hostile_hosts[] = {
	{ "caf\xc3\xa9\x07.kp", "Kor\xc3\xa9" "a", TW_RR_A, true, false, TW_OUTCOME_NXDOMAIN,
	    { NULL }, "kp", "said \"no\" | \x1b]0;pwned\x07" },
	{ "ok.kp", "bad \xff\xfe utf-8", TW_RR_A, false, true, TW_OUTCOME_ANSWER,
	    { "127.0.0.1", "127.0.0.2|x", NULL }, NULL, NULL },
};
static const struct zone_spec hostile_zones[] = {
	{ "kp", "Nord\xffkorea\r\n", hostile_servers, N(hostile_servers), hostile_hosts,
	    N(hostile_hosts), 2, 2, TW_STATE_DEGRADED, "line one\nline | two\x7f", 1, 2 },
};

static const struct result_spec scenarios[] = {
	{ "healthy", lab_roots, N(lab_roots), healthy_zones, 1, 12.345, false, NULL, NULL,
	    TW_STATE_UP, 0 },
	{ "degraded", lab_roots, N(lab_roots), degraded_zones, 1, 2104.5, false, NULL, NULL,
	    TW_STATE_DEGRADED, 1 },
	{ "partial", lab_roots, N(lab_roots), partial_zones, 1, 4007.25, false, NULL, NULL,
	    TW_STATE_PARTIAL, 2 },
	{ "down", lab_roots, N(lab_roots), down_zones, 1, 6012, false, NULL, NULL,
	    TW_STATE_DOWN, 2 },
	{ "unknown", lab_roots, N(lab_roots), unknown_zones, 1, 10003.2, true,
	    "host resolution (kcna.kp)", NULL, TW_STATE_UNKNOWN, 3 },
	{ "error", NULL, 0, NULL, 0, 0.8, false, NULL,
	    "cannot open a socket: Too many open files", TW_STATE_UNKNOWN, 3 },
	{ "multi", lab_roots, N(lab_roots), multi_zones, 2, 2110, false, NULL, NULL,
	    TW_STATE_DEGRADED, 1 },
	{ "hostile", NULL, 0, hostile_zones, 1, 3.5, false, NULL, NULL,
	    TW_STATE_DEGRADED, 1 },
};

static char *
dup_or_null(const char *s)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	assert_non_null(d);
	return d;
}

static struct tw_server_result *
build_servers(const struct server_spec *spec, size_t n)
{
	struct tw_server_result *s;
	size_t i;

	if (n == 0)
		return NULL;
	s = calloc(n, sizeof(*s));
	assert_non_null(s);
	for (i = 0; i < n; i++) {
		s[i].role = spec[i].role;
		s[i].zone = dup_or_null(spec[i].zone);
		s[i].name = dup_or_null(spec[i].name);
		snprintf(s[i].address, sizeof(s[i].address), "%s", spec[i].address);
		s[i].port = spec[i].port;
		s[i].transport = spec[i].transport;
		s[i].pinned = spec[i].pinned;
		s[i].outcome = spec[i].outcome;
		s[i].sent = spec[i].sent;
		s[i].answered = spec[i].answered;
		s[i].rtt_ms = spec[i].rtt_ms;
		s[i].has_serial = spec[i].has_serial;
		s[i].serial = spec[i].serial;
	}
	return s;
}

static struct tw_host_result *
build_hosts(const struct host_spec *spec, size_t n)
{
	struct tw_host_result *h;
	size_t i, j;

	if (n == 0)
		return NULL;
	h = calloc(n, sizeof(*h));
	assert_non_null(h);
	for (i = 0; i < n; i++) {
		h[i].name = dup_or_null(spec[i].name);
		h[i].label = dup_or_null(spec[i].label);
		h[i].type = spec[i].type;
		h[i].key = spec[i].key;
		h[i].resolved = spec[i].resolved;
		h[i].outcome = spec[i].outcome;
		for (j = 0; spec[i].addresses[j] != NULL; j++)
			;
		if (j > 0) {
			h[i].addresses = calloc(j, sizeof(char *));
			assert_non_null(h[i].addresses);
			for (j = 0; spec[i].addresses[j] != NULL; j++)
				h[i].addresses[j] = dup_or_null(spec[i].addresses[j]);
			h[i].n_addresses = j;
		}
		h[i].path = dup_or_null(spec[i].path);
		h[i].detail = dup_or_null(spec[i].detail);
	}
	return h;
}

static struct tw_check_result *
build(const struct result_spec *spec)
{
	struct tw_check_result *r;
	struct tw_zone_result *z;
	const struct zone_spec *zs;
	size_t i;

	r = calloc(1, sizeof(*r));
	assert_non_null(r);
	r->roots = build_servers(spec->roots, spec->n_roots);
	r->n_roots = spec->n_roots;
	if (spec->n_zones > 0) {
		r->zones = calloc(spec->n_zones, sizeof(*r->zones));
		assert_non_null(r->zones);
	}
	r->n_zones = spec->n_zones;
	for (i = 0; i < spec->n_zones; i++) {
		z = &r->zones[i];
		zs = &spec->zones[i];
		z->name = dup_or_null(zs->name);
		z->label = dup_or_null(zs->label);
		z->servers = build_servers(zs->servers, zs->n_servers);
		z->n_servers = zs->n_servers;
		z->hosts = build_hosts(zs->hosts, zs->n_hosts);
		z->n_hosts = zs->n_hosts;
		z->controls_answered = zs->controls_answered;
		z->controls_total = zs->controls_total;
		z->state = zs->state;
		z->diagnosis = dup_or_null(zs->diagnosis);
		z->auth_answering = zs->auth_answering;
		z->auth_total = zs->auth_total;
	}
	r->elapsed_ms = spec->elapsed_ms;
	r->deadline_hit = spec->deadline_hit;
	r->deadline_stage = dup_or_null(spec->deadline_stage);
	r->error = dup_or_null(spec->error);
	r->state = spec->state;
	return r;
}

static const struct result_spec *
scenario(const char *name)
{
	size_t i;

	for (i = 0; i < N(scenarios); i++)
		if (strcmp(scenarios[i].name, name) == 0)
			return &scenarios[i];
	fail_msg("no scenario %s", name);
	return NULL;
}

/* ---- rendering and goldens --------------------------------------------- */

/* Render ${r} into a new string; ${code} gets the return value. */
static char *
render(const struct tw_check_result *r, enum tw_format f, const struct tw_report_opts *opts,
    int *code)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	int rc = 0;

	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	switch (f) {
	case TW_FORMAT_TEXT:
		tw_report_text(r, opts, fp);
		break;
	case TW_FORMAT_JSON:
		rc = tw_report_json(r, opts, fp);
		break;
	case TW_FORMAT_NAGIOS:
		rc = tw_report_nagios(r, opts, fp);
		break;
	}
	assert_int_equal(fclose(fp), 0);
	assert_non_null(buf);
	if (code != NULL)
		*code = rc;
	return buf;
}

/* Render ${r} (built from ${spec}) in every format against the goldens ${name}.*; frees ${r}. */
static void
golden_render(const char *name, const struct result_spec *spec, struct tw_check_result *r)
{
	struct tw_report_opts opts;
	char file[128], *out, *whole;
	json_error_t jerr;
	json_t *doc;
	int code;

	memset(&opts, 0, sizeof(opts));

	out = render(r, TW_FORMAT_TEXT, &opts, NULL);
	snprintf(file, sizeof(file), "%s.txt", name);
	golden_check(file, out);
	assert_null(strchr(out, '\033'));
	free(out);

	out = render(r, TW_FORMAT_JSON, &opts, &code);
	assert_int_equal(code, 0);
	/* whatever the result held, the document parses */
	doc = json_loads(out, 0, &jerr);
	if (doc == NULL)
		fail_msg("%s.json does not parse: %s (line %d)", name, jerr.text, jerr.line);
	json_decref(doc);
	snprintf(file, sizeof(file), "%s.json", name);
	golden_check(file, out);
	/* written a zone at a time, the same text as the whole document dumped at once */
	doc = tw_report_json_value(r);
	assert_non_null(doc);
	whole = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	assert_non_null(whole);
	assert_int_equal(strlen(out), strlen(whole) + 1);
	assert_memory_equal(out, whole, strlen(whole));
	assert_int_equal(out[strlen(whole)], '\n');
	free(whole);
	json_decref(doc);
	free(out);

	out = render(r, TW_FORMAT_NAGIOS, &opts, &code);
	assert_int_equal(code, spec->nagios_code);
	snprintf(file, sizeof(file), "%s.nagios", name);
	golden_check(file, out);
	free(out);

	tw_result_free(r);
}

static void assert_clean(const char *what, const char *out);

static void
golden_scenario(const char *name)
{
	const struct result_spec *spec = scenario(name);

	golden_render(name, spec, build(spec));
}

/*
 * tcp-only: the down round with both kp servers' TCP second opinions answering (UDP
 * dropped on the path, TCP passes), with the diagnosis verdict.c gives it.
 */
static void
test_golden_tcp_only(void **state)
{
	const struct result_spec *spec = scenario("down");
	struct tw_check_result *r = build(spec);
	struct tw_zone_result *z = &r->zones[0];

	(void)state;
	z->servers[0].fallback_tcp = TW_OUTCOME_ANSWER;
	z->servers[1].fallback_tcp = TW_OUTCOME_ANSWER;
	free(z->diagnosis);
	z->diagnosis = strdup("UDP to both kp servers is dropped, TCP answers: a filter on the "
	    "path (no key host resolves)");
	assert_non_null(z->diagnosis);
	golden_render("tcp-only", spec, r);
}

static void test_golden_healthy(void **state) { golden_scenario("healthy"); }
static void test_golden_degraded(void **state) { golden_scenario("degraded"); }
static void test_golden_partial(void **state) { golden_scenario("partial"); }
static void test_golden_down(void **state) { golden_scenario("down"); }
static void test_golden_unknown(void **state) { golden_scenario("unknown"); }
static void test_golden_error(void **state) { golden_scenario("error"); }
static void test_golden_multi(void **state) { golden_scenario("multi"); }
static void test_golden_hostile(void **state) { golden_scenario("hostile"); }

static void
test_golden_verbose_text(void **state)
{
	struct tw_check_result *r = build(scenario("degraded"));
	struct tw_report_opts opts;
	char *out;

	memset(&opts, 0, sizeof(opts));
	opts.verbosity = 1;
	out = render(r, TW_FORMAT_TEXT, &opts, NULL);
	golden_check("degraded-v1.txt", out);
	/* the extras of -v */
	assert_non_null(strstr(out, "pinned"));
	assert_non_null(strstr(out, "loss 33.3%"));
	assert_non_null(strstr(out, "\nroots:\n"));
	free(out);
	tw_result_free(r);
}

/* Render ${r} as text -v, JSON and Nagios -v against the goldens ${name}.* (no frees). */
static void
golden_render_verbose(const char *name, const struct tw_check_result *r)
{
	struct tw_report_opts opts;
	char file[128], *out;

	memset(&opts, 0, sizeof(opts));
	opts.verbosity = 1;
	out = render(r, TW_FORMAT_TEXT, &opts, NULL);
	snprintf(file, sizeof(file), "%s-v1.txt", name);
	golden_check(file, out);
	assert_clean(file, out);
	free(out);
	out = render(r, TW_FORMAT_JSON, &opts, NULL);
	snprintf(file, sizeof(file), "%s.json", name);
	golden_check(file, out);
	free(out);
	out = render(r, TW_FORMAT_NAGIOS, &opts, NULL);
	snprintf(file, sizeof(file), "%s-v1.nagios", name);
	golden_check(file, out);
	assert_clean(file, out);
	assert_null(strchr(strchr(out, '\n') + 1, '|'));
	free(out);
}

/* ${n} copies of ${v} (NULL-terminated) on the heap. */
static char **
strv_test(const char *const *v, size_t *n)
{
	char **out = calloc(4, sizeof(char *));
	size_t i;

	assert_non_null(out);
	for (*n = 0, i = 0; v[i] != NULL; i++)
		assert_non_null(out[(*n)++] = strdup(v[i]));
	return out;
}

static void
ns_name_test(struct tw_ns_name *n, const char *name, bool parent, bool child,
    const char *const *glue, const char *const *addrs, enum tw_ns_lookup lookup,
    enum tw_outcome how)
{
	assert_non_null(n->name = strdup(name));
	n->in_parent = parent;
	n->in_child = child;
	n->glue = strv_test(glue, &n->n_glue);
	n->addrs = strv_test(addrs, &n->n_addrs);
	n->lookup = lookup;
	n->lookup_outcome = how;
}

/*
 * delegation: the healthy round with the real 2016 kp. NS set (ns3.kptc.kp named only by
 * kp, no address anywhere) and kcna.kp's glue for ns2.kcna.kp differing from kcna.kp's own
 * answer, judged by verdict.c: still up, the note in the diagnosis, the findings and the
 * NS sets in every format.
 */
static void
test_golden_delegation(void **state)
{
	static const char *const none[] = { NULL };
	static const char *const a15[] = { "127.45.176.15", NULL }, *const a16[] = { "127.45.176.16", NULL };
	static const char *const a8[] = { "127.45.176.8", NULL }, *const a9[] = { "127.45.176.9", NULL };
	static const char *const a90[] = { "127.45.176.90", NULL };
	struct tw_check_result *r = build(scenario("healthy"));
	struct tw_zone_result *z = &r->zones[0];
	struct tw_delegation *d;

	(void)state;
	assert_non_null(z->delegations = calloc(2, sizeof(*z->delegations)));
	z->n_delegations = 2;
	d = &z->delegations[0];
	assert_non_null(d->zone = strdup("kp"));
	assert_non_null(d->parent = strdup(""));
	d->child_seen = true;
	assert_non_null(d->names = calloc(3, sizeof(*d->names)));
	d->n_names = 3;
	ns_name_test(&d->names[0], "ns1.kptc.kp", true, true, a15, a15, 0, 0);
	ns_name_test(&d->names[1], "ns2.kptc.kp", true, true, a16, a16, 0, 0);
	ns_name_test(&d->names[2], "ns3.kptc.kp", false, true, none, none, TW_NS_LOOKUP_EMPTY,
	    TW_OUTCOME_NXDOMAIN);
	d = &z->delegations[1];
	assert_non_null(d->zone = strdup("kcna.kp"));
	assert_non_null(d->parent = strdup("kp"));
	d->child_seen = true;
	assert_non_null(d->names = calloc(2, sizeof(*d->names)));
	d->n_names = 2;
	ns_name_test(&d->names[0], "ns1.kcna.kp", true, true, a8, a8, 0, 0);
	ns_name_test(&d->names[1], "ns2.kcna.kp", true, true, a90, a9, 0, 0);
	assert_int_equal(tw_verdict_apply(r), 0);
	assert_int_equal(z->state, TW_STATE_UP);
	golden_render_verbose("delegation", r);
	golden_render("delegation", scenario("healthy"), r);
}

static char *
xstrdup_test(const char *s)
{
	char *d = strdup(s);

	assert_non_null(d);
	return d;
}

/*
 * identity: the healthy round with each server's NSID and CHAOS identity; ns2.kptc.kp
 * answered FORMERR to EDNS (edns false) and so has no NSID; kcna's have neither.
 */
static void
test_golden_identity(void **state)
{
	struct tw_check_result *r = build(scenario("healthy"));
	struct tw_zone_result *z = &r->zones[0];
	json_t *doc, *srv;
	char *out;

	(void)state;
	z->servers[0].nsid = xstrdup_test("ns1-kptc");
	z->servers[0].identity = xstrdup_test("ns1.kptc.kp");
	z->servers[1].no_edns = true;
	z->servers[1].identity = xstrdup_test("ns2.kptc.kp");
	r->roots[0].nsid = xstrdup_test("a-root");
	r->roots[0].identity = xstrdup_test("a.root-servers.net");
	golden_render_verbose("identity", r);

	/* Without -v the text and Nagios outputs do not show them; JSON always does. */
	out = render(r, TW_FORMAT_TEXT, NULL, NULL);
	assert_null(strstr(out, "ns1-kptc"));
	free(out);
	out = render(r, TW_FORMAT_NAGIOS, NULL, NULL);
	assert_null(strstr(out, "ns1-kptc"));
	free(out);
	out = render(r, TW_FORMAT_JSON, NULL, NULL);
	doc = json_loads(out, 0, NULL);
	assert_non_null(doc);
	srv = json_array_get(json_object_get(json_array_get(json_object_get(doc, "zones"), 0),
	    "servers"), 0);
	assert_string_equal(json_string_value(json_object_get(srv, "nsid")), "ns1-kptc");
	assert_string_equal(json_string_value(json_object_get(srv, "identity")), "ns1.kptc.kp");
	assert_true(json_is_true(json_object_get(srv, "edns")));
	srv = json_array_get(json_object_get(json_array_get(json_object_get(doc, "zones"), 0),
	    "servers"), 1);
	assert_true(json_is_null(json_object_get(srv, "nsid")));
	assert_true(json_is_false(json_object_get(srv, "edns")));
	srv = json_array_get(json_object_get(json_array_get(json_object_get(doc, "zones"), 0),
	    "servers"), 2);
	assert_true(json_is_null(json_object_get(srv, "nsid")));
	assert_true(json_is_null(json_object_get(srv, "identity")));
	assert_true(json_is_true(json_object_get(srv, "edns")));
	json_decref(doc);
	free(out);
	tw_result_free(r);
}

/* Hostile NSID and identity bytes: escaped in every output, never raw. */
static void
test_identity_hostile(void **state)
{
	struct tw_check_result *r = build(scenario("hostile"));
	struct tw_zone_result *z = &r->zones[0];
	struct tw_report_opts opts;
	char big[256], *out;
	json_t *doc, *srv;
	size_t i;

	(void)state;
	/* The longest TXT string: 255 bytes, every value from 0x01 up. */
	for (i = 0; i < 255; i++)
		big[i] = (char)(i + 1);
	big[255] = '\0';
	z->servers[0].nsid = xstrdup_test("<script>alert(\"x\")</script>|\x1b[2J");
	z->servers[0].identity = xstrdup_test("\xff\xfe\xc3\x28 it's \"quoted\" \\000\r\n");
	z->servers[1].nsid = xstrdup_test("a|b=c 'd'");
	z->servers[1].identity = xstrdup_test(big);
	golden_render_verbose("identity-hostile", r);

	memset(&opts, 0, sizeof(opts));
	for (opts.verbosity = 0; opts.verbosity <= 2; opts.verbosity++) {
		out = render(r, TW_FORMAT_TEXT, &opts, NULL);
		assert_clean("text", out);
		free(out);
		out = render(r, TW_FORMAT_NAGIOS, &opts, NULL);
		assert_clean("nagios", out);
		assert_null(strchr(strchr(out, '\n') + 1, '|'));
		free(out);
	}
	out = render(r, TW_FORMAT_JSON, NULL, NULL);
	doc = json_loads(out, 0, NULL);
	assert_non_null(doc);
	srv = json_array_get(json_object_get(json_array_get(json_object_get(doc, "zones"), 0),
	    "servers"), 0);
	/* valid UTF-8 goes through JSON escaping whole; invalid UTF-8 becomes its term form */
	assert_string_equal(json_string_value(json_object_get(srv, "nsid")),
	    "<script>alert(\"x\")</script>|\x1b[2J");
	assert_string_equal(json_string_value(json_object_get(srv, "identity")),
	    "\\xff\\xfe\\xc3( it's \"quoted\" \\000\\x0d\\x0a");
	json_decref(doc);
	/* and the document itself holds no raw control byte */
	assert_null(strchr(out, '\x1b'));
	free(out);
	tw_result_free(r);
}

/* ---- properties that hold for every scenario --------------------------- */

/* No byte outside printable ASCII except the newlines between lines. */
static void
assert_clean(const char *what, const char *out)
{
	const unsigned char *p;

	for (p = (const unsigned char *)out; *p != '\0'; p++)
		if ((*p < 0x20 && *p != '\n') || *p >= 0x7f)
			fail_msg("%s: byte 0x%02x at offset %td", what, *p,
			    (const char *)p - out);
}

static void
test_no_control_bytes(void **state)
{
	struct tw_report_opts opts;
	struct tw_check_result *r;
	char *out;
	size_t i;
	int v;

	memset(&opts, 0, sizeof(opts));
	for (i = 0; i < N(scenarios); i++) {
		r = build(&scenarios[i]);
		for (v = 0; v <= 3; v++) {
			opts.verbosity = v;
			out = render(r, TW_FORMAT_TEXT, &opts, NULL);
			assert_clean(scenarios[i].name, out);
			free(out);
			out = render(r, TW_FORMAT_NAGIOS, &opts, NULL);
			assert_clean(scenarios[i].name, out);
			free(out);
		}
		tw_result_free(r);
	}
}

static void
test_nagios_shape(void **state)
{
	struct tw_report_opts opts;
	struct tw_check_result *r;
	char *out, *nl, *p;
	size_t i;

	memset(&opts, 0, sizeof(opts));
	for (i = 0; i < N(scenarios); i++) {
		r = build(&scenarios[i]);
		out = render(r, TW_FORMAT_NAGIOS, &opts, NULL);
		assert_true(strncmp(out, "TLDWATCH ", 9) == 0);
		nl = strchr(out, '\n');
		assert_non_null(nl);
		/* line 1: exactly one '|', perfdata after it */
		p = strchr(out, '|');
		assert_true(p != NULL && p < nl);
		assert_true(strchr(p + 1, '|') == NULL || strchr(p + 1, '|') > nl);
		assert_non_null(strstr(p, "'time'="));
		/* long output: no '|' at all, every line ends in a newline */
		assert_null(strchr(nl + 1, '|'));
		assert_int_equal(out[strlen(out) - 1], '\n');
		free(out);
		tw_result_free(r);
	}
}

static void
test_json_fields(void **state)
{
	struct tw_check_result *r = build(scenario("degraded"));
	json_t *doc, *zone, *srv, *host;
	char *out;

	out = render(r, TW_FORMAT_JSON, NULL, NULL);
	doc = json_loads(out, 0, NULL);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "state")), "degraded");
	assert_int_equal(json_integer_value(json_object_get(doc, "exit_code")), 1);
	assert_true(json_is_null(json_object_get(doc, "error")));
	assert_true(json_is_null(json_object_get(doc, "deadline_stage")));
	assert_int_equal(json_array_size(json_object_get(doc, "roots")), 2);
	zone = json_array_get(json_object_get(doc, "zones"), 0);
	assert_int_equal(json_integer_value(json_object_get(zone, "auth_answering")), 2);
	assert_int_equal(json_integer_value(json_object_get(zone, "auth_total")), 3);
	/* ns1 udp: 2 of 3 answered */
	srv = json_array_get(json_object_get(zone, "servers"), 0);
	assert_true(json_real_value(json_object_get(srv, "rtt_ms")) == 0.455);
	assert_true(json_real_value(json_object_get(srv, "loss")) == 0.3333);
	assert_int_equal(json_integer_value(json_object_get(srv, "soa_serial")), 2014122301);
	/* ns2: nothing answered, so no RTT and no serial */
	srv = json_array_get(json_object_get(zone, "servers"), 2);
	assert_string_equal(json_string_value(json_object_get(srv, "outcome")), "timeout");
	assert_true(json_is_null(json_object_get(srv, "rtt_ms")));
	assert_true(json_is_null(json_object_get(srv, "soa_serial")));
	assert_true(json_real_value(json_object_get(srv, "loss")) == 1.0);
	host = json_array_get(json_object_get(zone, "hosts"), 3);
	assert_string_equal(json_string_value(json_object_get(host, "name")), "star.co.kp");
	assert_true(json_is_null(json_object_get(host, "label")));
	assert_int_equal(json_array_size(json_object_get(host, "addresses")), 2);
	json_decref(doc);
	free(out);
	tw_result_free(r);
}

static void
test_json_invalid_utf8(void **state)
{
	struct tw_check_result *r = build(scenario("hostile"));
	json_t *doc, *zone, *host;
	char *out;

	out = render(r, TW_FORMAT_JSON, NULL, NULL);
	doc = json_loads(out, 0, NULL);
	assert_non_null(doc);
	zone = json_array_get(json_object_get(doc, "zones"), 0);
	/* invalid UTF-8 falls back to escaped ASCII ... */
	assert_string_equal(json_string_value(json_object_get(zone, "label")),
	    "Nord\\xffkorea\\x0d\\x0a");
	host = json_array_get(json_object_get(zone, "hosts"), 1);
	assert_string_equal(json_string_value(json_object_get(host, "label")),
	    "bad \\xff\\xfe utf-8");
	/* ... while valid UTF-8 and control characters go through JSON escaping */
	host = json_array_get(json_object_get(zone, "hosts"), 0);
	assert_string_equal(json_string_value(json_object_get(host, "label")), "Kor\xc3\xa9" "a");
	assert_string_equal(json_string_value(json_object_get(host, "name")),
	    "caf\xc3\xa9\x07.kp");
	json_decref(doc);
	free(out);
	tw_result_free(r);
}

static void
test_text_colour(void **state)
{
	struct tw_report_opts opts;
	struct tw_check_result *r;
	char *out;

	memset(&opts, 0, sizeof(opts));
	opts.color = true;

	r = build(scenario("healthy"));
	out = render(r, TW_FORMAT_TEXT, &opts, NULL);
	assert_true(strncmp(out, "\033[32mUP\033[0m - ", 12) == 0);
	assert_non_null(strstr(out, "): \033[32mUP\033[0m - all 2"));
	assert_null(strstr(out, "\033[31m"));    /* nothing failed */
	free(out);
	/* with -v the roots show: their referral is no failure either */
	opts.verbosity = 1;
	out = render(r, TW_FORMAT_TEXT, &opts, NULL);
	assert_non_null(strstr(out, "referral"));
	assert_null(strstr(out, "\033[31m"));
	free(out);
	opts.verbosity = 0;
	tw_result_free(r);

	r = build(scenario("degraded"));
	out = render(r, TW_FORMAT_TEXT, &opts, NULL);
	assert_true(strncmp(out, "\033[33mDEGRADED\033[0m", 17) == 0);
	assert_non_null(strstr(out, "\033[31mtimeout\033[0m"));
	free(out);
	tw_result_free(r);

	r = build(scenario("down"));
	out = render(r, TW_FORMAT_TEXT, &opts, NULL);
	assert_true(strncmp(out, "\033[31mDOWN\033[0m", 13) == 0);
	assert_non_null(strstr(out, "\033[31mFAILED\033[0m"));
	free(out);
	tw_result_free(r);

	r = build(scenario("unknown"));
	out = render(r, TW_FORMAT_TEXT, &opts, NULL);
	assert_true(strncmp(out, "\033[35mUNKNOWN\033[0m", 16) == 0);
	free(out);
	/* colour never changes the alignment of the text */
	opts.color = false;
	out = render(r, TW_FORMAT_TEXT, &opts, NULL);
	assert_null(strchr(out, '\033'));
	free(out);
	tw_result_free(r);
}

/* Column of ${needle} on the line that contains ${line_key}. */
static long
column_of(const char *out, const char *line_key, const char *needle)
{
	const char *line = strstr(out, line_key), *start, *hit;

	assert_non_null(line);
	for (start = line; start > out && start[-1] != '\n'; start--)
		;
	hit = strstr(start, needle);
	assert_non_null(hit);
	assert_true(strchr(start, '\n') == NULL || hit < strchr(start, '\n'));
	return (long)(hit - start);
}

static void
test_text_alignment(void **state)
{
	struct tw_check_result *r = build(scenario("partial"));
	char *out;
	long col;

	/* a longer name than any other pushes every later column alike */
	free(r->zones[0].servers[0].name);
	r->zones[0].servers[0].name = strdup("a-rather-long-name.ns.kptc.kp");
	assert_non_null(r->zones[0].servers[0].name);
	out = render(r, TW_FORMAT_TEXT, NULL, NULL);
	col = column_of(out, "a-rather-long-name", "127.45.176.15:");
	assert_int_equal(column_of(out, "ns2.kptc.kp", "127.45.176.16:"), col);
	assert_int_equal(column_of(out, "[::1]:10053", "[::1]"), col);
	col = column_of(out, "ns2.kcna.kp", "answer");
	assert_int_equal(column_of(out, "[::1]:10053", "unreachable"), col);
	/* hosts form their own table */
	col = column_of(out, "  -  star.co.kp", "FAILED");
	assert_int_equal(column_of(out, "key  kcna.kp", "resolved"), col);
	/* no trailing blanks */
	assert_null(strstr(out, " \n"));
	free(out);
	tw_result_free(r);
}

struct threshold_case {
	const char *scenario;
	const char *warn;
	const char *crit;
	int code;
	const char *perf;     /* expected auth_answering datum */
};

static const struct threshold_case threshold_cases[] = {
	/* healthy: 2 answering, state code 0 */
	{ "healthy", NULL, NULL, 0, "'kp_auth_answering'=2;;;0;2" },
	{ "healthy", "2:", "1:", 0, "'kp_auth_answering'=2;2;1;0;2" },
	{ "healthy", "3:", "1:", 1, "'kp_auth_answering'=2;3;1;0;2" },
	{ "healthy", "3:", "3:", 2, "'kp_auth_answering'=2;3;3;0;2" },
	{ "healthy", NULL, "@2", 2, "'kp_auth_answering'=2;;;0;2" },
	{ "healthy", "@0:1", NULL, 0, "'kp_auth_answering'=2;;;0;2" },
	{ "healthy", "~:1", NULL, 1, "'kp_auth_answering'=2;1;;0;2" },
	/* degraded (code 1): a threshold can raise the code, never lower it */
	{ "degraded", "1:", NULL, 1, "'kp_auth_answering'=2;1;;0;3" },
	{ "degraded", NULL, "3:", 2, "'kp_auth_answering'=2;;3;0;3" },
	/* down (code 2) stays critical even when no threshold alerts */
	{ "down", "0:", "0:", 2, "'kp_auth_answering'=0;0;0;0;2" },
	{ "down", "1:", NULL, 2, "'kp_auth_answering'=0;1;;0;2" },
	/* unknown is 3 regardless */
	{ "unknown", NULL, "10:", 3, "'kp_auth_answering'=2;;10;0;2" },
	{ "error", "10:", "10:", 3, NULL },
	/* multi: each zone is tested; root has 2 answering, kp 2 */
	{ "multi", NULL, "3:", 2, "'root_auth_answering'=2;;3;0;2" },
};

static void
test_nagios_thresholds(void **state)
{
	static const char *const words[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };
	const struct threshold_case *c;
	struct tw_report_opts opts;
	struct tw_check_result *r;
	char *out, first[64];
	size_t i;
	int code;

	for (i = 0; i < N(threshold_cases); i++) {
		c = &threshold_cases[i];
		memset(&opts, 0, sizeof(opts));
		if (c->warn != NULL)
			assert_int_equal(tw_range_parse(c->warn, &opts.warn, NULL), 0);
		if (c->crit != NULL)
			assert_int_equal(tw_range_parse(c->crit, &opts.crit, NULL), 0);
		r = build(scenario(c->scenario));
		out = render(r, TW_FORMAT_NAGIOS, &opts, &code);
		if (code != c->code)
			fail_msg("%s -w %s -c %s: code %d, expected %d", c->scenario,
			    c->warn ? c->warn : "-", c->crit ? c->crit : "-", code, c->code);
		/* the word on line 1 matches the code returned */
		snprintf(first, sizeof(first), "TLDWATCH %s - ", words[code]);
		assert_true(strncmp(out, first, strlen(first)) == 0);
		if (c->perf != NULL && strstr(out, c->perf) == NULL)
			fail_msg("%s: no \"%s\" in\n%s", c->scenario, c->perf, out);
		free(out);
		tw_result_free(r);
	}
}

static void
test_nagios_threshold_reason(void **state)
{
	struct tw_check_result *r = build(scenario("healthy"));
	struct tw_report_opts opts;
	char *out;

	memset(&opts, 0, sizeof(opts));
	assert_int_equal(tw_range_parse("3:", &opts.warn, NULL), 0);
	out = render(r, TW_FORMAT_NAGIOS, &opts, NULL);
	assert_non_null(strstr(out, "(2 answering hits the warning threshold)"));
	free(out);
	tw_result_free(r);
}

static void
test_nagios_perf_labels(void **state)
{
	struct tw_check_result *r = build(scenario("hostile"));
	char *out;

	out = render(r, TW_FORMAT_NAGIOS, NULL, NULL);
	/* a quote doubled, '=' and '|' replaced, escapes for the rest */
	assert_non_null(strstr(out, " 'kp_rtt_it''s_ns2'=0.000250s;;;0"));
	assert_non_null(strstr(out, " 'kp_rtt_ns1.evil/kp\\x1b[2J'=0.000500s;;;0"));
	free(out);
	tw_result_free(r);

	/* the same server as two child rows gives one RTT datum */
	r = build(scenario("healthy"));
	free(r->zones[0].servers[3].name);
	r->zones[0].servers[3].name = strdup("ns1.kcna.kp");
	assert_non_null(r->zones[0].servers[3].name);
	out = render(r, TW_FORMAT_NAGIOS, NULL, NULL);
	assert_non_null(strstr(out, "'kp_rtt_ns1.kcna.kp'=0.000297s"));
	assert_null(strstr(out, "'kp_rtt_ns1.kcna.kp'=0.000301s"));
	free(out);
	tw_result_free(r);
}

static void
test_nagios_loss(void **state)
{
	struct tw_check_result *r = build(scenario("degraded"));
	char *out;

	/* 3+2+3+2+2 = 12 sent, 1+3 lost: 33.33 % */
	out = render(r, TW_FORMAT_NAGIOS, NULL, NULL);
	assert_non_null(strstr(out, " 'kp_loss'=33.33%;;;0;100"));
	free(out);
	/* nothing sent: no loss datum rather than a made-up 0 % */
	r->zones[0].n_servers = 0;
	out = render(r, TW_FORMAT_NAGIOS, NULL, NULL);
	assert_null(strstr(out, "'kp_loss'"));
	free(out);
	r->zones[0].n_servers = N(degraded_servers);
	tw_result_free(r);
}

static void
test_escape(void **state)
{
	static const struct {
		const char *in;
		const char *out;
	} cases[] = {
		{ "plain.kp", "plain.kp" },
		{ "", "" },
		{ "a\x1b[31mb", "a\\x1b[31mb" },
		{ "tab\there", "tab\\x09here" },
		{ "nl\r\n", "nl\\x0d\\x0a" },
		{ "del\x7f", "del\\x7f" },
		{ "\xc3\xa9", "\\xc3\\xa9" },
		{ "\xff", "\\xff" },
		{ "back\\slash|pipe ~", "back\\slash|pipe ~" },
	};
	char *out;
	size_t i;

	for (i = 0; i < N(cases); i++) {
		out = tw_escape_dup(tw_escape_term, cases[i].in);
		assert_non_null(out);
		assert_string_equal(out, cases[i].out);
		free(out);
	}
	out = tw_escape_dup(tw_escape_term, NULL);
	assert_non_null(out);
	assert_string_equal(out, "");
	free(out);
}

static void
test_format_str(void **state)
{
	assert_string_equal(tw_report_format_str(TW_FORMAT_TEXT), "text");
	assert_string_equal(tw_report_format_str(TW_FORMAT_JSON), "json");
	assert_string_equal(tw_report_format_str(TW_FORMAT_NAGIOS), "nagios");
	assert_string_equal(tw_report_format_str((enum tw_format)42), "invalid");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_healthy),
		cmocka_unit_test(test_golden_tcp_only),
		cmocka_unit_test(test_golden_delegation),
		cmocka_unit_test(test_golden_degraded),
		cmocka_unit_test(test_golden_partial),
		cmocka_unit_test(test_golden_down),
		cmocka_unit_test(test_golden_unknown),
		cmocka_unit_test(test_golden_error),
		cmocka_unit_test(test_golden_multi),
		cmocka_unit_test(test_golden_hostile),
		cmocka_unit_test(test_golden_verbose_text),
		cmocka_unit_test(test_golden_identity),
		cmocka_unit_test(test_identity_hostile),
		cmocka_unit_test(test_no_control_bytes),
		cmocka_unit_test(test_nagios_shape),
		cmocka_unit_test(test_json_fields),
		cmocka_unit_test(test_json_invalid_utf8),
		cmocka_unit_test(test_text_colour),
		cmocka_unit_test(test_text_alignment),
		cmocka_unit_test(test_nagios_thresholds),
		cmocka_unit_test(test_nagios_threshold_reason),
		cmocka_unit_test(test_nagios_perf_labels),
		cmocka_unit_test(test_nagios_loss),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_format_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
