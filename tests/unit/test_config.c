/*
 * test_config.c -- the YAML config loader: the embedded default, a file
 * using every feature, print/load round trips, a table of bad configs
 * with exact positions, hostile input, zone selection and tw_error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "tldwatch/config.h"
#include "tldwatch/error.h"
#include "golden.h"

#define CONFIGS TW_SOURCE_DIR "/tests/unit/configs/"

static struct tw_config *
load(const char *yaml, struct tw_error *err)
{
	return tw_config_load_string(yaml, strlen(yaml), "t.yaml", err);
}

/* tw_config_print into a malloc'd string. */
static char *
print_cfg(const struct tw_config *cfg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	assert_non_null(fp);
	assert_int_equal(tw_config_print(cfg, fp), 0);
	assert_int_equal(fclose(fp), 0);
	return text;
}

static void
assert_opt_str_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void
assert_ep_equal(const struct tw_endpoint *a, const struct tw_endpoint *b)
{
	assert_opt_str_equal(a->name, b->name);
	assert_string_equal(a->address, b->address);
	assert_int_equal(a->family, b->family);
	assert_int_equal(a->port, b->port);
}

/* Deep equality of everything but the source name. */
static void
assert_cfg_equal(const struct tw_config *a, const struct tw_config *b)
{
	size_t i, j;
	int t;

	assert_int_equal(a->probe.timeout_ms, b->probe.timeout_ms);
	assert_int_equal(a->probe.attempts, b->probe.attempts);
	for (t = 0; t < TW_TRANSPORT_COUNT; t++)
		assert_int_equal(a->probe.transport[t], b->probe.transport[t]);
	assert_int_equal(a->probe.port, b->probe.port);
	assert_int_equal(a->watch.interval_ms, b->watch.interval_ms);
	assert_int_equal(a->watch.fall, b->watch.fall);
	assert_int_equal(a->watch.rise, b->watch.rise);
	assert_int_equal(a->watch.flap_changes, b->watch.flap_changes);
	assert_int_equal(a->watch.flap_window, b->watch.flap_window);
	assert_int_equal(a->watch.flap_settle, b->watch.flap_settle);
	assert_int_equal(a->watch.window, b->watch.window);
	assert_int_equal(a->watch.onset_rounds, b->watch.onset_rounds);
	assert_int_equal(a->watch.serial_grace_ms, b->watch.serial_grace_ms);
	assert_int_equal(a->watch.identity_recheck_ms, b->watch.identity_recheck_ms);
	assert_int_equal(a->n_roots, b->n_roots);
	for (i = 0; i < a->n_roots; i++)
		assert_ep_equal(&a->roots[i], &b->roots[i]);
	assert_int_equal(a->n_zones, b->n_zones);
	for (i = 0; i < a->n_zones; i++) {
		const struct tw_zone_cfg *za = &a->zones[i], *zb = &b->zones[i];

		assert_string_equal(za->name, zb->name);
		assert_opt_str_equal(za->label, zb->label);
		assert_int_equal(za->n_servers, zb->n_servers);
		for (j = 0; j < za->n_servers; j++)
			assert_ep_equal(&za->servers[j], &zb->servers[j]);
		assert_int_equal(za->n_hosts, zb->n_hosts);
		for (j = 0; j < za->n_hosts; j++) {
			assert_string_equal(za->hosts[j].name, zb->hosts[j].name);
			assert_opt_str_equal(za->hosts[j].label, zb->hosts[j].label);
			assert_int_equal(za->hosts[j].type, zb->hosts[j].type);
			assert_int_equal(za->hosts[j].key, zb->hosts[j].key);
		}
	}
}

/*
 * Print ${cfg}, load the text again, compare, and print once more: the
 * second text must be the same as the first (printing is a fixpoint).
 */
static void
round_trip(const struct tw_config *cfg)
{
	struct tw_error err;
	struct tw_config *again;
	char *text, *text2;

	text = print_cfg(cfg);
	again = load(text, &err);
	if (again == NULL) {
		fprintf(stderr, "%s", text);
		fail_msg("printed config does not load: %u:%u: %s", err.line, err.col, err.msg);
	}
	assert_cfg_equal(cfg, again);
	text2 = print_cfg(again);
	assert_string_equal(text, text2);
	free(text);
	free(text2);
	tw_config_free(again);
}

/* The watch: defaults of config.h. */
static void
assert_watch_defaults(const struct tw_watch_cfg *w)
{
	assert_int_equal(w->interval_ms, 60000);
	assert_int_equal(w->fall, 2);
	assert_int_equal(w->rise, 2);
	assert_int_equal(w->flap_changes, 4);
	assert_int_equal(w->flap_window, 10);
	assert_int_equal(w->flap_settle, 5);
	assert_int_equal(w->window, 60);
}

struct root {
	const char *name;
	const char *address;
};

static const struct root iana_roots[] = {
	{ "a.root-servers.net", "198.41.0.4" }, { "b.root-servers.net", "170.247.170.2" },
	{ "c.root-servers.net", "192.33.4.12" }, { "d.root-servers.net", "199.7.91.13" },
	{ "e.root-servers.net", "192.203.230.10" }, { "f.root-servers.net", "192.5.5.241" },
	{ "g.root-servers.net", "192.112.36.4" }, { "h.root-servers.net", "198.97.190.53" },
	{ "i.root-servers.net", "192.36.148.17" }, { "j.root-servers.net", "192.58.128.30" },
	{ "k.root-servers.net", "193.0.14.129" }, { "l.root-servers.net", "199.7.83.42" },
	{ "m.root-servers.net", "202.12.27.33" },
};

static void
test_default(void **state)
{
	const char *yaml = tw_config_default_yaml();
	struct tw_error err;
	struct tw_config *cfg;
	const struct tw_zone_cfg *kp;
	size_t i;

	cfg = tw_config_load_string(yaml, strlen(yaml), "<embedded>", &err);
	if (cfg == NULL)
		fail_msg("default config: %u:%u: %s", err.line, err.col, err.msg);
	assert_string_equal(cfg->source, "<embedded>");
	assert_int_equal(cfg->probe.timeout_ms, 2000);
	assert_int_equal(cfg->probe.attempts, 2);
	assert_true(cfg->probe.transport[TW_TRANSPORT_UDP]);
	assert_false(cfg->probe.transport[TW_TRANSPORT_TCP]);
	assert_int_equal(cfg->probe.port, 53);
	assert_watch_defaults(&cfg->watch);

	assert_int_equal(cfg->n_roots, 13);
	for (i = 0; i < 13; i++) {
		assert_string_equal(cfg->roots[i].name, iana_roots[i].name);
		assert_string_equal(cfg->roots[i].address, iana_roots[i].address);
		assert_int_equal(cfg->roots[i].family, AF_INET);
		assert_int_equal(cfg->roots[i].port, 0);
		assert_false(tw_endpoint_is_loopback(&cfg->roots[i]));
	}

	assert_int_equal(cfg->n_zones, 1);
	kp = &cfg->zones[0];
	assert_string_equal(kp->name, "kp");
	assert_string_equal(kp->label, "North Korea");
	assert_int_equal(kp->n_servers, 2);
	assert_string_equal(kp->servers[0].name, "ns1.kptc.kp");
	assert_string_equal(kp->servers[0].address, "175.45.176.15");
	assert_string_equal(kp->servers[1].name, "ns2.kptc.kp");
	assert_string_equal(kp->servers[1].address, "175.45.176.16");
	assert_int_equal(kp->servers[0].port, 0);
	assert_int_equal(kp->n_hosts, 3);
	assert_string_equal(kp->hosts[0].name, "kcna.kp");
	assert_string_equal(kp->hosts[0].label, "Korean Central News Agency");
	assert_string_equal(kp->hosts[1].name, "rodong.rep.kp");
	assert_string_equal(kp->hosts[1].label, "Rodong Sinmun");
	assert_string_equal(kp->hosts[2].name, "naenara.com.kp");
	assert_string_equal(kp->hosts[2].label, "Naenara portal");
	for (i = 0; i < 3; i++) {
		assert_int_equal(kp->hosts[i].type, TW_RR_A);
		assert_true(kp->hosts[i].key);
	}
	round_trip(cfg);
	tw_config_free(cfg);
}

static void
test_minimal_defaults(void **state)
{
	struct tw_error err;
	struct tw_config *cfg = load("zones: [{name: kp}]\n", &err);

	assert_non_null(cfg);
	assert_string_equal(cfg->source, "t.yaml");
	assert_int_equal(cfg->probe.timeout_ms, 2000);
	assert_int_equal(cfg->probe.attempts, 2);
	assert_true(cfg->probe.transport[TW_TRANSPORT_UDP]);
	assert_false(cfg->probe.transport[TW_TRANSPORT_TCP]);
	assert_int_equal(cfg->probe.port, 53);
	assert_watch_defaults(&cfg->watch);
	assert_int_equal(cfg->n_roots, 0);
	assert_null(cfg->roots);
	assert_int_equal(cfg->n_zones, 1);
	assert_string_equal(cfg->zones[0].name, "kp");
	assert_null(cfg->zones[0].label);
	assert_int_equal(cfg->zones[0].n_servers, 0);
	assert_int_equal(cfg->zones[0].n_hosts, 0);
	round_trip(cfg);
	tw_config_free(cfg);

	/* Keys given without a value are empty lists or default mappings. */
	cfg = load("probe:\nwatch:\nroots:\nzones:\n  - name: kp\n    label: ~\n    servers:\n"
	    "    hosts: null\n", &err);
	if (cfg == NULL)
		fail_msg("%u:%u: %s", err.line, err.col, err.msg);
	assert_int_equal(cfg->probe.timeout_ms, 2000);
	assert_watch_defaults(&cfg->watch);
	assert_int_equal(cfg->n_roots, 0);
	assert_null(cfg->zones[0].label);
	assert_int_equal(cfg->zones[0].n_servers, 0);
	assert_int_equal(cfg->zones[0].n_hosts, 0);
	tw_config_free(cfg);

	/* A UTF-8 byte order mark is fine. */
	cfg = load("\xef\xbb\xbfzones: [{name: kp}]\n", &err);
	assert_non_null(cfg);
	assert_string_equal(cfg->zones[0].name, "kp");
	tw_config_free(cfg);

	/* A quoted empty label is a label, not null. */
	cfg = load("zones: [{name: kp, label: \"\"}]\n", &err);
	assert_non_null(cfg);
	assert_string_equal(cfg->zones[0].label, "");
	round_trip(cfg);
	tw_config_free(cfg);
}

static void
test_full_file(void **state)
{
	struct tw_error err;
	struct tw_config *cfg = tw_config_load_file(CONFIGS "full.yaml", &err);
	const struct tw_zone_cfg *z;

	if (cfg == NULL)
		fail_msg("%s:%u:%u: %s", err.file, err.line, err.col, err.msg);
	assert_string_equal(cfg->source, CONFIGS "full.yaml");
	assert_int_equal(cfg->probe.timeout_ms, 1500);
	assert_int_equal(cfg->probe.attempts, 3);
	assert_true(cfg->probe.transport[TW_TRANSPORT_UDP]);
	assert_true(cfg->probe.transport[TW_TRANSPORT_TCP]);
	assert_int_equal(cfg->probe.port, 10053);
	assert_int_equal(cfg->watch.interval_ms, 2500);
	assert_int_equal(cfg->watch.fall, 3);
	assert_int_equal(cfg->watch.rise, 1);
	assert_int_equal(cfg->watch.flap_changes, 5);
	assert_int_equal(cfg->watch.flap_window, 6);
	assert_int_equal(cfg->watch.flap_settle, 2);
	assert_int_equal(cfg->watch.window, 120);

	assert_int_equal(cfg->n_roots, 5);
	assert_string_equal(cfg->roots[0].name, "a.root-servers.net");
	assert_string_equal(cfg->roots[0].address, "127.41.0.4");
	assert_int_equal(cfg->roots[0].port, 10053);
	assert_string_equal(cfg->roots[1].name, "b.root");
	assert_string_equal(cfg->roots[1].address, "::1");
	assert_int_equal(cfg->roots[1].family, AF_INET6);
	assert_int_equal(cfg->roots[1].port, 10053);
	assert_null(cfg->roots[2].name);
	assert_string_equal(cfg->roots[2].address, "::1");
	assert_int_equal(cfg->roots[2].port, 0);
	assert_null(cfg->roots[3].name);
	assert_string_equal(cfg->roots[3].address, "127.0.0.1");
	assert_string_equal(cfg->roots[4].address, "2001:db8::53");
	assert_int_equal(cfg->roots[4].port, 5353);

	assert_int_equal(cfg->n_zones, 3);
	z = &cfg->zones[0];
	assert_string_equal(z->name, "kp");
	assert_string_equal(z->label, "North Korea: \"the\" #1 zone");
	assert_int_equal(z->n_servers, 2);
	assert_string_equal(z->servers[1].address, "::1");
	assert_int_equal(z->servers[1].port, 10054);
	assert_int_equal(z->n_hosts, 4);
	assert_string_equal(z->hosts[0].name, "kcna.kp");
	assert_string_equal(z->hosts[0].label,
	    "Korean Central News Agency\ttab\nnewline \\ backslash");
	assert_int_equal(z->hosts[0].type, TW_RR_AAAA);
	assert_true(z->hosts[0].key);
	assert_string_equal(z->hosts[1].name, "rodong.rep.kp");
	assert_string_equal(z->hosts[1].label, "Rodong Sinmun");
	assert_int_equal(z->hosts[1].type, TW_RR_A);
	assert_true(z->hosts[1].key);
	assert_string_equal(z->hosts[2].name, "kp");	/* the zone's own name is inside it */
	assert_string_equal(z->hosts[2].label,
	    "\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87 \xe2\x80\xa8 \xc2\x85 \xef\xbb\xbf");
	assert_false(z->hosts[2].key);
	assert_string_equal(z->hosts[3].label, "Naenara portal");
	assert_false(z->hosts[3].key);

	z = &cfg->zones[1];
	assert_string_equal(z->name, "");	/* "." is the root */
	assert_null(z->label);
	assert_int_equal(z->n_servers, 0);
	assert_int_equal(z->n_hosts, 1);
	assert_string_equal(z->hosts[0].label, "Naenara portal");	/* an alias */

	z = &cfg->zones[2];
	assert_string_equal(z->name, "example_lab");
	assert_string_equal(z->label, "  spaces  around  ");

	round_trip(cfg);
	tw_config_free(cfg);
}

static size_t
count_lines(const char *text)
{
	size_t n = 0;

	for (; *text != '\0'; text++)
		n += *text == '\n';
	return n;
}

/* Labels that a careless printer would break: each must survive a round trip. */
static void
test_print_quoting(void **state)
{
	static const char *const labels[] = {
		"a: b", "#x", "x #y", "\"q\"", "'s'", "true", "False", "null", "~", "yes",
		"No", "on", "y", "", " lead", "trail ", "a\nb", "tab\there", "\x01\x1f\x7f",
		"\xc2\x85", "\xc2\x80\xc2\x9f", "\xe2\x80\xa8\xe2\x80\xa9", "\xef\xbb\xbf",
		"\xef\xbf\xbd", "\xf0\x9f\x98\x80", "- x", "-", "[x]", "{x}", "*x", "&x",
		"!x", "%x", "@x", "`x", "|", ">", "?", "? x", "1.5", "0x10", "a  b", "a\\b",
		"---", "...", "=", ",", "a, b", "\r\n", "\\u2028", "ok label",
		/* for libyaml's emitter: no folding, odd spaces and characters */
		"a:", "a:b", "a=b", "[::1]:53", "\xc2\xa0x", "x\xc2\xa0", "\t", " ", "  ", "a \n b",
		("Long label with many words that goes on and on well past the eighty columns "
		"where an emitter would fold it, and on and on and on, with a \"quote\" too"),
	};
	size_t i;

	struct tw_error err0;
	struct tw_config *plain = load("zones: [{name: kp, label: x}]\n", &err0);
	char *plain_text;
	size_t plain_lines;

	assert_non_null(plain);
	plain_text = print_cfg(plain);
	plain_lines = count_lines(plain_text);
	free(plain_text);
	tw_config_free(plain);
	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		struct tw_error err;
		struct tw_config *cfg, *again;
		char *text;

		cfg = load("zones: [{name: kp}]\n", &err);
		assert_non_null(cfg);
		cfg->zones[0].label = strdup(labels[i]);
		assert_non_null(cfg->zones[0].label);
		text = print_cfg(cfg);
		again = load(text, &err);
		if (again == NULL)
			fail_msg("label #%zu: %u:%u: %s\n%s", i, err.line, err.col, err.msg, text);
		assert_non_null(again->zones[0].label);
		if (strcmp(again->zones[0].label, labels[i]) != 0)
			fail_msg("label #%zu came back different:\n%s", i, text);
		/* one line per label, as many lines as with a plain one: nothing folded */
		assert_int_equal(count_lines(text), plain_lines);
		free(text);
		tw_config_free(again);
		tw_config_free(cfg);
	}
	assert_int_equal(tw_config_print(NULL, stdout), -1);
}

struct bad {
	const char *yaml;
	unsigned line, col;
	const char *msg;	/* a fragment of the message */
};

#define KP "zones: [{name: kp}]\n"
#define HOST(extra) "zones:\n  - name: kp\n    hosts:\n      - name: kcna.kp\n" extra

static const struct bad bads[] = {
	/* probe values */
	{ "probe:\n  timeout: fast\n" KP, 2, 12,
	    "probe.timeout: expected a duration like 500ms, 2s or 1m, got \"fast\"" },
	{ "probe:\n  timeout: 1h\n" KP, 2, 12, "probe.timeout: 1h is out of range (1ms..60s)" },
	{ "probe:\n  timeout: 1w\n" KP, 2, 12, "expected a duration like 500ms" },
	{ "probe:\n  timeout: 3651d\n" KP, 2, 12, "3651d is out of range (1ms..60s)" },
	{ "probe:\n  timeout: -1s\n" KP, 2, 12, "expected a duration like 500ms" },
	{ "probe:\n  timeout: 0\n" KP, 2, 12, "probe.timeout: 0 is out of range (1ms..60s)" },
	{ "probe:\n  timeout: 61s\n" KP, 2, 12, "61s is out of range (1ms..60s)" },
	{ "probe:\n  timeout: 100000m\n" KP, 2, 12, "100000m is out of range" },
	{ "probe:\n  timeout: [2s]\n" KP, 2, 12, "probe.timeout: expected a duration like 500ms, "
	    "2s or 1m, got a sequence" },
	{ "probe:\n  timeout:\n" KP, 2, 11, "probe.timeout: expected a duration like 500ms, "
	    "2s or 1m, got nothing" },
	{ "probe:\n  attempts: 0\n" KP, 2, 13, "probe.attempts: 0 is out of range (1..10)" },
	{ "probe:\n  attempts: 11\n" KP, 2, 13, "probe.attempts: 11 is out of range (1..10)" },
	{ "probe:\n  attempts: 99999999999999999999999\n" KP, 2, 13, "is out of range (1..10)" },
	{ "probe:\n  attempts: two\n" KP, 2, 13,
	    "probe.attempts: expected an integer 1..10, got \"two\"" },
	{ "probe:\n  attempts: -1\n" KP, 2, 13, "expected an integer 1..10, got \"-1\"" },
	{ "probe:\n  attempts: 2.0\n" KP, 2, 13, "expected an integer 1..10" },
	{ "probe:\n  attempts: 0x2\n" KP, 2, 13, "expected an integer 1..10" },
	{ "probe:\n  port: 0\n" KP, 2, 9, "probe.port: 0 is out of range (1..65535)" },
	{ "probe:\n  port: 65536\n" KP, 2, 9, "65536 is out of range (1..65535)" },
	{ "probe:\n  port: 53a\n" KP, 2, 9, "expected a port number 1..65535, got \"53a\"" },
	{ "probe:\n  transports: [udp, sctp]\n" KP, 2, 21,
	    "probe.transports[1]: expected udp or tcp, got \"sctp\"" },
	{ "probe:\n  transports: [udp, tcp, udp]\n" KP, 2, 26,
	    "probe.transports[2]: duplicate transport \"udp\"" },
	{ "probe:\n  transports: []\n" KP, 2, 15, "probe.transports: expected a list of udp "
	    "and/or tcp, like [udp, tcp], got an empty list" },
	{ "probe:\n  transports: udp\n" KP, 2, 15, "probe.transports: expected a list" },
	{ "probe:\n  transports: [[udp]]\n" KP, 2, 16,
	    "probe.transports[0]: expected udp or tcp, got a sequence" },
	{ "probe: 5\n" KP, 1, 8, "probe: expected a mapping with keys timeout, attempts, "
	    "transports, port, got \"5\"" },
	{ "probe: [1]\n" KP, 1, 8, "probe: expected a mapping" },
	{ "probe:\n  timout: 2s\n" KP, 2, 3, "unknown key \"timout\" in probe (expected one "
	    "of: timeout, attempts, transports, port)" },

	/* keys */
	{ KP "zone: x\n", 2, 1, "unknown key \"zone\" in the top level (expected one of: "
	    "probe, watch, ledger, roots, zones)" },
	{ "zones:\n  - name: kp\n    sever: x\n", 3, 5, "unknown key \"sever\" in zones[0] "
	    "(expected one of: name, label, servers, hosts)" },
	{ HOST("        typ: A\n"), 5, 9, "unknown key \"typ\" in zones[0].hosts[0] "
	    "(expected one of: name, label, type, key)" },
	{ KP "probe: {}\nprobe: {}\n", 3, 1, "duplicate key \"probe\"" },
	{ "zones:\n  - name: kp\n    label: a\n    label: b\n", 4, 5,
	    "duplicate key \"label\" in zones[0]" },
	{ HOST("        key: true\n        key: false\n"), 6, 9,
	    "duplicate key \"key\" in zones[0].hosts[0]" },
	{ "probe: {}\n", 1, 1, "missing required key \"zones\"" },
	{ "zones:\n  - label: x\n", 2, 5, "zones[0]: missing required key \"name\"" },
	{ "zones: [{label: x}]\n", 1, 9, "zones[0]: missing required key \"name\"" },
	{ "zones:\n  - name: kp\n    hosts:\n      - label: x\n", 4, 9,
	    "zones[0].hosts[0]: missing required key \"name\"" },
	{ "? [a]\n: b\n" KP, 1, 3, "keys must be plain strings, got a sequence" },
	{ "<<: {zones: [{name: kp}]}\n", 1, 1, "unknown key \"<<\"" },

	/* watch: */
#define W(body) "watch:\n" body KP
	{ W("  interval: 5ms\n"), 2, 13,
	    "watch.interval: 5ms is out of range (10ms..24h)" },
	{ W("  interval: 9ms\n"), 2, 13, "9ms is out of range (10ms..24h)" },
	{ W("  interval: 0\n"), 2, 13, "watch.interval: 0 is out of range (10ms..24h)" },
	{ W("  interval: 1441m\n"), 2, 13, "watch.interval: 1441m is out of range" },
	{ W("  interval: 86400.001s\n"), 2, 13, "86400.001s is out of range (10ms..24h)" },
	{ W("  interval: 2d\n"), 2, 13, "watch.interval: 2d is out of range (10ms..24h)" },
	{ W("  interval: 25h\n"), 2, 13, "watch.interval: 25h is out of range (10ms..24h)" },
	{ W("  interval: 1H\n"), 2, 13, "watch.interval: expected a duration like 500ms, "
	    "30s or 5m, got \"1H\"" },
	{ W("  interval: -1s\n"), 2, 13, "expected a duration like 500ms, 30s or 5m" },
	{ W("  interval: [60s]\n"), 2, 13, "watch.interval: expected a duration like 500ms, "
	    "30s or 5m, got a sequence" },
	{ W("  interval:\n"), 2, 12, "watch.interval: expected a duration like 500ms, 30s or "
	    "5m, got nothing" },
	{ W("  fall: 0\n"), 2, 9, "watch.fall: 0 is out of range (1..100)" },
	{ W("  fall: 101\n"), 2, 9, "watch.fall: 101 is out of range (1..100)" },
	{ W("  fall: 2.0\n"), 2, 9, "watch.fall: expected an integer 1..100, got \"2.0\"" },
	{ W("  fall:\n"), 2, 8, "watch.fall: expected an integer 1..100, got nothing" },
	{ W("  rise: 0\n"), 2, 9, "watch.rise: 0 is out of range (1..100)" },
	{ W("  rise: 1000\n"), 2, 9, "watch.rise: 1000 is out of range (1..100)" },
	{ W("  rise: x\n"), 2, 9, "watch.rise: expected an integer 1..100, got \"x\"" },
	{ W("  flap_changes: 1\n"), 2, 17, "watch.flap_changes: 1 is out of range (2..64)" },
	{ W("  flap_changes: 65\n"), 2, 17, "watch.flap_changes: 65 is out of range (2..64)" },
	{ W("  flap_window: 1\n"), 2, 16, "watch.flap_window: 1 is out of range (2..64)" },
	{ W("  flap_window: 65\n"), 2, 16, "watch.flap_window: 65 is out of range (2..64)" },
	{ W("  flap_settle: 0\n"), 2, 16, "watch.flap_settle: 0 is out of range (1..64)" },
	{ W("  flap_settle: 65\n"), 2, 16, "watch.flap_settle: 65 is out of range (1..64)" },
	{ W("  window: 0\n"), 2, 11, "watch.window: 0 is out of range (1..10000)" },
	{ W("  window: 10001\n"), 2, 11, "watch.window: 10001 is out of range (1..10000)" },
	{ W("  window: -1\n"), 2, 11, "watch.window: expected an integer 1..10000, got \"-1\"" },
	{ W("  onset_rounds: 0\n"), 2, 17, "watch.onset_rounds: 0 is out of range (1..100)" },
	{ W("  serial_grace: 25h\n"), 2, 17, "watch.serial_grace: 25h is out of range" },
	{ W("  identity_recheck: 25h\n"), 2, 21, "watch.identity_recheck: 25h is out of range" },
	{ W("  identity_recheck: soon\n"), 2, 21,
	    "watch.identity_recheck: expected a duration like 1h or 0s, got \"soon\"" },
	/* flap_changes > flap_window: at flap_changes, wherever it is */
	{ W("  flap_changes: 8\n  flap_window: 6\n"), 2, 17,
	    "watch.flap_changes: 8 must be less than watch.flap_window (6)" },
	{ W("  flap_window: 6\n  fall: 3\n  flap_changes: 7\n"), 4, 17,
	    "watch.flap_changes: 7 must be less than watch.flap_window (6)" },
	{ W("  flap_changes: 11\n"), 2, 17,
	    "watch.flap_changes: 11 must be less than watch.flap_window (10)" },
	/* ... or at the flap_window that undercuts the default flap_changes */
	{ W("  flap_window: 3\n"), 2, 16,
	    "watch.flap_changes: 4 must be less than watch.flap_window (3)" },
	{ "watch: {flap_changes: 64, flap_window: 63}\n" KP, 1, 23,
	    "watch.flap_changes: 64 must be less than watch.flap_window (63)" },
	/* equal: a window of 10 rounds holds at most 9 changes */
	{ W("  flap_changes: 10\n  flap_window: 10\n"), 2, 17,
	    "watch.flap_changes: 10 must be less than watch.flap_window (10): "
	    "10 rounds hold at most 9 changes" },
	{ "watch: {fall: 0}\n" KP, 1, 15, "watch.fall: 0 is out of range (1..100)" },
	{ W("  intervall: 1s\n"), 2, 3, "unknown key \"intervall\" in watch (expected one of: "
	    "interval, fall, rise, flap_changes, flap_window, flap_settle, window, onset_rounds, serial_grace, "
	    "identity_recheck)" },
	{ W("  fall: 2\n  rise: 2\n  fall: 3\n"), 4, 3,
	    "duplicate key \"fall\" in watch (first on line 2)" },
	{ "watch: 5\n" KP, 1, 8, "watch: expected a mapping with keys interval, fall, rise, "
	    "flap_changes, flap_window, flap_settle, window, onset_rounds, serial_grace, identity_recheck, "
	    "got \"5\"" },
	{ "watch: [fall]\n" KP, 1, 8, "watch: expected a mapping" },
	{ KP "watch: {}\nwatch: {}\n", 3, 1, "duplicate key \"watch\" (first on line 2)" },
	{ "probe:\n  fall: 2\n" KP, 2, 3, "unknown key \"fall\" in probe" },
#undef W

	/* kinds */
	{ "- zones\n", 1, 1, "the top level must be a mapping with keys probe, watch, ledger, "
	    "roots, zones, got a sequence" },
	{ "hello\n", 1, 1, "the top level must be a mapping with keys probe, watch, ledger, "
	    "roots, zones, got \"hello\"" },
	{ "zones: {name: kp}\n", 1, 8, "zones: expected a non-empty list of zones" },
	{ "zones: []\n", 1, 8, "zones: expected a non-empty list of zones (mappings with a "
	    "name), got an empty list" },
	{ "zones:\n", 1, 7, "zones: expected a non-empty list of zones (mappings with a name), "
	    "got nothing" },
	{ "zones: [kp]\n", 1, 9, "zones[0]: expected a mapping with keys name, label, "
	    "servers, hosts, got \"kp\"" },
	{ "zones: [{name: [kp]}]\n", 1, 16, "zones[0].name: expected a DNS name, got a "
	    "sequence" },
	{ "zones: [{name: kp, label: {a: b}}]\n", 1, 27, "zones[0].label: expected a string, "
	    "got a mapping" },
	{ "zones: [{name: kp, servers: x}]\n", 1, 29, "zones[0].servers: expected a list of "
	    "servers" },
	{ "zones: [{name: kp, hosts: [kcna.kp]}]\n", 1, 28, "zones[0].hosts[0]: expected a "
	    "mapping with keys name, label, type, key, got \"kcna.kp\"" },
	{ "roots: x\n" KP, 1, 8, "roots: expected a list of servers like NAME=ADDRESS[:PORT], "
	    "got \"x\"" },
	{ "roots: [[1.2.3.4]]\n" KP, 1, 9, "roots[0]: expected a server like "
	    "NAME=ADDRESS[:PORT], got a sequence" },
	{ "zones: [{name: kp}]\nroots: [{a: 1}]\n", 2, 9, "roots[0]: expected a server" },

	/* endpoints */
	{ "roots:\n  - a=1.2.3.4\n  - x\n" KP, 3, 5,
	    "roots[1]: \"x\" is not a numeric IPv4 or IPv6 address" },
	{ "roots:\n  - a=1.2.3.4:99999\n" KP, 2, 5, "roots[0]: bad port \"99999\"" },
	{ "roots:\n  - a=1.2.3.4:0\n" KP, 2, 5, "roots[0]: bad port \"0\"" },
	{ "roots:\n  - \"[::1]:0\"\n" KP, 2, 5, "roots[0]: bad port \"0\"" },
	{ "roots:\n  -\n" KP, 2, 4, "roots[0]: expected a server like NAME=ADDRESS[:PORT], "
	    "got nothing" },
	{ "zones:\n  - name: kp\n    servers:\n      - ns1.kptc.kp=175.45.176.15\n"
	    "      - ns..kp=175.45.176.16\n", 5, 9, "zones[0].servers[1]: bad server name: "
	    "empty label" },

	/* names, types, booleans */
	{ "zones: [{name: \"k p\"}]\n", 1, 16, "zones[0].name: expected a DNS name: bad "
	    "character ' '" },
	{ "zones:\n  - name: a..b\n", 2, 11, "zones[0].name: expected a DNS name: empty label" },
	{ "zones:\n  - name: \"\"\n", 2, 11, "zones[0].name: expected a DNS name: empty name" },
	{ "zones:\n  - name:\n", 2, 10, "zones[0].name: expected a DNS name, got nothing" },
	{ HOST("        type: MX\n"), 5, 15,
	    "zones[0].hosts[0].type: expected A or AAAA, got \"MX\"" },
	{ HOST("        type: [A]\n"), 5, 15, "zones[0].hosts[0].type: expected A or AAAA, got "
	    "a sequence" },
	{ HOST("        key: maybe\n"), 5, 14,
	    "zones[0].hosts[0].key: expected true or false, got \"maybe\"" },
	{ HOST("        key: on\n"), 5, 14, "expected true or false, got \"on\"" },
	{ HOST("        key: 1\n"), 5, 14, "expected true or false, got \"1\"" },
	{ HOST("      - name: kcna.kr\n"), 5, 15,
	    "zones[0].hosts[1].name: \"kcna.kr\" is not inside zone \"kp\"" },
	{ HOST("      - name: akp\n"), 5, 15, "\"akp\" is not inside zone \"kp\"" },
	{ HOST("      - name: kp.kp.x\n"), 5, 15, "\"kp.kp.x\" is not inside zone \"kp\"" },
	{ HOST("      - name: rodong.rep.kp\n      - name: KCNA.KP.\n"), 6, 15,
	    "zones[0].hosts[2].name: duplicate host \"kcna.kp\" (also hosts[0])" },
	{ "zones:\n  - name: kp\n  - name: kr\n  - name: KP.\n", 4, 11,
	    "zones[2].name: duplicate zone \"kp\" (also zones[0])" },
	/* the first repeat in file order is reported, whatever the sort order */
	{ "zones:\n  - name: b\n  - name: a\n  - name: a\n  - name: b\n", 4, 11,
	    "zones[2].name: duplicate zone \"a\" (also zones[1])" },
	{ "zones:\n  - name: a\n  - name: a\n  - name: a\n", 3, 11,
	    "zones[1].name: duplicate zone \"a\" (also zones[0])" },
	{ HOST("      - name: b.kp\n      - name: b.kp\n      - name: kcna.kp\n"), 6, 15,
	    "zones[0].hosts[2].name: duplicate host \"b.kp\" (also hosts[1])" },
	{ "zones:\n  - name: .\n  - name: kp\n  - {name: .}\n", 4, 12,
	    "zones[2].name: duplicate zone \".\" (also zones[0])" },
	/* an alias repeats the anchored node: positions are the anchor's */
	{ HOST("      - &h {name: rodong.rep.kp}\n      - *h\n"), 5, 19,
	    "zones[0].hosts[2].name: duplicate host \"rodong.rep.kp\" (also hosts[1])" },
	{ "zones: &z [*z]\n", 1, 8, "zones[0]: expected a mapping with keys name, label, "
	    "servers, hosts, got a sequence" },
	{ "zones: [&m {name: kp, hosts: [*m]}]\n", 1, 23, "unknown key \"hosts\" in "
	    "zones[0].hosts[0]" },

	/* strings with NUL characters (escaped) */
	{ "zones:\n  - name: \"k\\0p\"\n", 2, 11, "zones[0].name: expected a DNS name, got text "
	    "with a NUL character" },
	{ "zones:\n  - name: kp\n    label: \"a\\x00b\"\n", 3, 12,
	    "zones[0].label: expected a string, got text with a NUL character" },

	/* YAML errors */
	{ "", 0, 0, "empty config" },
	{ "# just a comment\n", 0, 0, "empty config" },
	{ "---\n", 0, 0, "empty config" },
	{ "~\n", 0, 0, "empty config" },
	{ "zones:\n  - name: kp\n- b\n", 3, 1, "YAML syntax error: did not find expected key "
	    "(while parsing a block mapping at line 1, column 1)" },
	{ "zones:\n  - name: kp\n    - x\n", 3, 5, "YAML syntax error:" },
	{ "zones:\n\t- name: kp\n", 2, 1, "YAML syntax error: found character that cannot "
	    "start any token" },
	{ "zones: [{name: kp}\n", 2, 1, "YAML syntax error:" },
	{ "zones: \"kp\n", 2, 1, "YAML syntax error: found unexpected end of stream" },
	{ "zones:\n  - name: *x\n", 2, 11, "YAML syntax error: found undefined alias" },
	{ KP "---\n" KP, 2, 1, "a second YAML document" },
	{ KP "...\n---\nzones: []\n", 3, 1, "a second YAML document" },
	{ KP "...\nzones: []\n", 3, 1, "did not find expected <document start>" },
	{ "zones:\n  - label: \xc3\xa9\xff\n", 2, 13, "not a valid UTF-8 text file: invalid "
	    "leading UTF-8 octet" },
	{ "zones:\n  - label: \xc3\n", 2, 13, "not a valid UTF-8 text file: invalid trailing "
	    "UTF-8 octet (#xA)" },
};

/* The same with NUL bytes in the text: the length is given. */
struct bad_bytes {
	struct bad b;
	size_t len;
};

static const struct bad_bytes bads_bytes[] = {
	{ { "zones:\n  - name: k\0p\n", 2, 12, "not a valid UTF-8 text file: control "
	    "characters are not allowed (#x0)" }, 21 },
	{ { "zones:\n  - name: kp\n\0\0\0", 3, 1, "control characters are not allowed" },
	    23 },
	/* UTF-16 is valid YAML, but config files are UTF-8 */
	{ { "\xfe\xff\x00z", 1, 1, "not a valid UTF-8 text file: invalid leading UTF-8 octet "
	    "(#xFE)" }, 4 },
};

/* watch: sections that load, with what they must give; each is round-tripped. */
struct watch_good {
	const char *yaml;
	struct tw_watch_cfg want;
};

static const struct watch_good watch_goods[] = {
	{ "watch: {}\n" KP, { 60000, 2, 2, 4, 10, 5, 60, 3, 900000, 3600000 } },
	{ "watch:\n" KP, { 60000, 2, 2, 4, 10, 5, 60, 3, 900000, 3600000 } },
	{ "watch:\n  interval: 1m\n" KP, { 60000, 2, 2, 4, 10, 5, 60, 3, 900000, 3600000 } },
	{ "watch:\n  interval: 90\n  rise: 7\n" KP, { 90000, 2, 7, 4, 10, 5, 60, 3, 900000, 3600000 } },
	{ "watch:\n  interval: 1.5s\n  window: 10000\n" KP, { 1500, 2, 2, 4, 10, 5, 10000, 3, 900000, 3600000 } },
	/* every minimum (flap_window must exceed flap_changes) */
	{ "watch: {interval: 10ms, fall: 1, rise: 1, flap_changes: 2, flap_window: 3, "
	    "flap_settle: 1, window: 1, onset_rounds: 1, serial_grace: 0s, identity_recheck: 0s}\n" KP,
	    { 10, 1, 1, 2, 3, 1, 1, 1, 0, 0 } },
	/* every maximum */
	{ "watch:\n  interval: 1440m\n  fall: 100\n  rise: 100\n  flap_changes: 63\n"
	    "  flap_window: 64\n  flap_settle: 64\n  window: 10000\n  onset_rounds: 100\n"
	    "  serial_grace: 24h\n  identity_recheck: 24h\n" KP,
	    { 86400000, 100, 100, 63, 64, 64, 10000, 100, 86400000, 86400000 } },
	{ "watch: {interval: 86400s}\n" KP, { 86400000, 2, 2, 4, 10, 5, 60, 3, 900000, 3600000 } },
	{ "watch: {interval: 24h}\n" KP, { 86400000, 2, 2, 4, 10, 5, 60, 3, 900000, 3600000 } },
	{ "watch: {interval: 1d}\n" KP, { 86400000, 2, 2, 4, 10, 5, 60, 3, 900000, 3600000 } },
	{ "watch: {interval: 1.5h}\n" KP, { 5400000, 2, 2, 4, 10, 5, 60, 3, 900000, 3600000 } },
	{ "watch: {interval: 0.1s}\n" KP, { 100, 2, 2, 4, 10, 5, 60, 3, 900000, 3600000 } },
	/* a smaller window that still holds the default flap_changes */
	{ "watch: {flap_window: 5}\n" KP, { 60000, 2, 2, 4, 5, 5, 60, 3, 900000, 3600000 } },
	{ "watch: {flap_changes: 9}\n" KP, { 60000, 2, 2, 9, 10, 5, 60, 3, 900000, 3600000 } },
	/* keys in any order, flap_window before flap_changes */
	{ "zones: [{name: kp}]\nwatch:\n  window: 5\n  flap_window: 20\n  flap_changes: 12\n"
	    "  fall: 4\n", { 60000, 4, 2, 12, 20, 5, 5, 3, 900000, 3600000 } },
};

/* ledger.keep: default 90d, days and weeks, its range (1d .. 3650d) in the message. */
static void
test_ledger_keep(void **state)
{
	static const struct {
		const char *yaml;
		uint64_t want_ms;       /* 0: an error */
		const char *msg;
	} cases[] = {
		{ KP, 90ull * 86400000, NULL },
		{ "ledger:\n  keep: 30d\n" KP, 30ull * 86400000, NULL },
		{ "ledger:\n  keep: 3650d\n" KP, 3650ull * 86400000, NULL },
		{ "ledger:\n  keep: 36h\n" KP, 36ull * 3600000, NULL },
		{ "ledger:\n  keep: 1h\n" KP, 0, "ledger.keep: 1h is out of range (24h..3650d)" },
		{ "ledger:\n  keep: 3651d\n" KP, 0, "ledger.keep: 3651d is out of range" },
		{ "ledger:\n  keep: forever\n" KP, 0, "ledger.keep" },
		{ "ledger:\n  kept: 30d\n" KP, 0, "unknown key \"kept\" in ledger" },
	};
	struct tw_error err;
	struct tw_config *cfg;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&err, 0, sizeof(err));
		cfg = load(cases[i].yaml, &err);
		if (cases[i].want_ms == 0) {
			assert_null(cfg);
			if (strstr(err.msg, cases[i].msg) == NULL)
				fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].msg);
			assert_int_equal(err.line, 2);
			continue;
		}
		if (cfg == NULL)
			fail_msg("case %zu: %s", i, err.msg);
		assert_true(cfg->ledger.keep_ms == cases[i].want_ms);
		round_trip(cfg);
		tw_config_free(cfg);
	}
}

static void
test_watch_good(void **state)
{
	static const char defaults[] = "watch:\n  interval: 60s\n  fall: 2\n  rise: 2\n"
	    "  flap_changes: 4\n  flap_window: 10\n  flap_settle: 5\n  window: 60\n";
	struct tw_error err;
	struct tw_config *cfg;
	char *text;
	size_t i;

	for (i = 0; i < sizeof(watch_goods) / sizeof(watch_goods[0]); i++) {
		const struct tw_watch_cfg *want = &watch_goods[i].want;

		cfg = load(watch_goods[i].yaml, &err);
		if (cfg == NULL)
			fail_msg("watch good #%zu: %u:%u: %s", i, err.line, err.col, err.msg);
		assert_int_equal(cfg->watch.interval_ms, want->interval_ms);
		assert_int_equal(cfg->watch.fall, want->fall);
		assert_int_equal(cfg->watch.rise, want->rise);
		assert_int_equal(cfg->watch.flap_changes, want->flap_changes);
		assert_int_equal(cfg->watch.flap_window, want->flap_window);
		assert_int_equal(cfg->watch.flap_settle, want->flap_settle);
		assert_int_equal(cfg->watch.window, want->window);
		assert_int_equal(cfg->watch.onset_rounds, want->onset_rounds);
		assert_int_equal(cfg->watch.serial_grace_ms, want->serial_grace_ms);
		assert_int_equal(cfg->watch.identity_recheck_ms, want->identity_recheck_ms);
		round_trip(cfg);
		tw_config_free(cfg);
	}

	/* The printed section, exactly, between probe and roots. */
	cfg = load(KP, &err);
	assert_non_null(cfg);
	text = print_cfg(cfg);
	assert_non_null(strstr(text, "  port: 53\n"));
	assert_non_null(strstr(text, defaults));
	assert_true(strstr(text, "  port: 53\n") < strstr(text, defaults));
	assert_true(strstr(text, defaults) < strstr(text, "roots: []\n"));
	free(text);

	/* Odd intervals print as milliseconds and come back the same. */
	cfg->watch.interval_ms = 1234;
	text = print_cfg(cfg);
	assert_non_null(strstr(text, "  interval: 1234ms\n"));
	round_trip(cfg);
	free(text);
	tw_config_free(cfg);
}

/* One bad case; prints what went wrong and returns 1 so all are reported. */
static int
check_bad(size_t i, const struct bad *b, size_t len)
{
	struct tw_error err;
	struct tw_config *cfg;

	memset(&err, 0, sizeof(err));
	cfg = tw_config_load_string(b->yaml, len, "t.yaml", &err);
	if (cfg != NULL) {
		tw_config_free(cfg);
		print_error("bad #%zu was accepted:\n%s\n", i, b->yaml);
		return 1;
	}
	if (strcmp(err.file, "t.yaml") != 0 || err.line != b->line || err.col != b->col ||
	    strstr(err.msg, b->msg) == NULL) {
		print_error("bad #%zu:\n%s\ngot  %s:%u:%u: %s\nwant %u:%u: ...%s...\n", i,
		    b->yaml, err.file, err.line, err.col, err.msg, b->line, b->col, b->msg);
		return 1;
	}
	return 0;
}

static void
test_bad_table(void **state)
{
	size_t i;
	int failed = 0;

	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++)
		failed += check_bad(i, &bads[i], strlen(bads[i].yaml));
	for (i = 0; i < sizeof(bads_bytes) / sizeof(bads_bytes[0]); i++)
		failed += check_bad(1000 + i, &bads_bytes[i].b, bads_bytes[i].len);
	assert_int_equal(failed, 0);
}

/* The brief's own example: the message points at the value "MX", not the key. */
static void
test_bad_host_type_position(void **state)
{
	struct tw_error err;
	struct tw_config *cfg = tw_config_load_file(CONFIGS "bad-type.yaml", &err);
	char *text = NULL;
	size_t len = 0;
	FILE *fp;

	assert_null(cfg);
	assert_string_equal(err.file, CONFIGS "bad-type.yaml");
	assert_int_equal(err.line, 8);
	assert_int_equal(err.col, 15);
	assert_string_equal(err.msg, "zones[0].hosts[0].type: expected A or AAAA, got \"MX\"");

	fp = open_memstream(&text, &len);
	assert_non_null(fp);
	tw_error_print(&err, fp);
	fclose(fp);
	assert_string_equal(text, CONFIGS "bad-type.yaml:8:15: zones[0].hosts[0].type: "
	    "expected A or AAAA, got \"MX\"\n");
	free(text);
}

static char *
repeat(const char *head, const char *unit, size_t n, const char *tail)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail), i;
	char *s = malloc(hl + ul * n + tl + 1), *p;

	assert_non_null(s);
	memcpy(s, head, hl);
	for (p = s + hl, i = 0; i < n; i++, p += ul)
		memcpy(p, unit, ul);
	memcpy(p, tail, tl + 1);
	return s;
}

/* Input no config should be: each must fail cleanly, fast and without leaks. */
static void
test_hostile(void **state)
{
	struct tw_error err;
	char *s;
	size_t big = 10 * 1024 * 1024;

	/* 10 MB in memory */
	s = malloc(big);
	assert_non_null(s);
	memset(s, '#', big);
	assert_null(tw_config_load_string(s, big, "big.yaml", &err));
	assert_int_equal(err.line, 0);
	assert_non_null(strstr(err.msg, "too large for a config file"));
	free(s);

	/* a million flow sequences deep */
	s = repeat("zones: ", "[", 1000000, "");
	assert_null(load(s, &err));
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.msg, "nested more than 32 levels deep"));
	free(s);

	/* block sequences, nested one per line */
	s = repeat("zones:\n", "- ", 200, "kp\n");
	assert_null(load(s, &err));
	assert_non_null(strstr(err.msg, "nested more than 32 levels deep"));
	free(s);

	/* half a million scalars */
	s = repeat("zones: [", "a,", 500000, "]\n");
	assert_null(load(s, &err));
	assert_non_null(strstr(err.msg, "more than 100000 YAML nodes"));
	free(s);

	/* many aliases of one anchor: shared nodes, no blow-up */
	s = repeat("a: &a [x, y]\nb: [", "*a,", 30000, "]\nzones: [{name: kp}]\n");
	assert_null(load(s, &err));
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.msg, "unknown key \"a\" in the top level"));
	free(s);

	/* a NULL text or source does not crash */
	assert_null(tw_config_load_string(NULL, 0, NULL, &err));
	assert_null(tw_config_load_string("", 0, NULL, NULL));
	assert_null(tw_config_load_file(NULL, &err));
}

static char *
temp_file(const void *data, size_t len)
{
	char *path = strdup("/tmp/tldwatch-test-config-XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

static void
test_file_errors(void **state)
{
	struct tw_error err;
	struct tw_config *cfg;
	char *path, *data;
	size_t len;

	assert_null(tw_config_load_file(CONFIGS "no-such-file.yaml", &err));
	assert_string_equal(err.file, CONFIGS "no-such-file.yaml");
	assert_int_equal(err.line, 0);
	assert_int_equal(err.col, 0);
	assert_string_equal(err.msg, "cannot open: No such file or directory");

	assert_null(tw_config_load_file(CONFIGS, &err));
	assert_int_equal(err.line, 0);
	assert_string_equal(err.msg, "cannot read: Is a directory");

	/* 10 MB on disk: refused after reading a little over the limit */
	len = 10 * 1024 * 1024;
	data = malloc(len);
	assert_non_null(data);
	memset(data, ' ', len);
	path = temp_file(data, len);
	assert_null(tw_config_load_file(path, &err));
	assert_string_equal(err.file, path);
	assert_int_equal(err.line, 0);
	assert_non_null(strstr(err.msg, "too large for a config file"));
	unlink(path);
	free(path);
	free(data);

	/* a good file exactly read */
	path = temp_file(KP, strlen(KP));
	cfg = tw_config_load_file(path, &err);
	assert_non_null(cfg);
	assert_string_equal(cfg->source, path);
	tw_config_free(cfg);
	unlink(path);
	free(path);

	/* invalid UTF-8 in a file: position from the byte offset */
	path = temp_file("zones:\n  - name: kp\n    label: \"\x80\"\n", 35);
	assert_null(tw_config_load_file(path, &err));
	assert_int_equal(err.line, 3);
	assert_int_equal(err.col, 13);
	assert_non_null(strstr(err.msg, "not a valid UTF-8 text file"));
	unlink(path);
	free(path);
}

static const char three_zones[] =
    "zones:\n"
    "  - name: kp\n"
    "    label: North Korea\n"
    "    hosts: [{name: kcna.kp}]\n"
    "  - name: kr\n"
    "    servers: [ns=1.2.3.4]\n"
    "  - name: .\n";

static void
test_select_zones(void **state)
{
	struct tw_error err;
	struct tw_config *cfg = load(three_zones, &err);
	char kr[] = "KR.", kp[] = "kp", kr2[] = "kr", cn[] = "cn", dot[] = ".", junk1[] = "k p";
	char *pick[] = { kr, kp, kr2 };
	char *none[] = { kp, cn };
	char *root[] = { dot };

	assert_non_null(cfg);
	/* unknown name: error, config untouched */
	assert_int_equal(tw_config_select_zones(cfg, none, 2, &err), -1);
	assert_non_null(strstr(err.msg, "--zone cn: no such zone in t.yaml"));
	assert_non_null(strstr(err.msg, "configured: kp, kr, ."));
	assert_int_equal(err.line, 0);
	assert_int_equal(cfg->n_zones, 3);
	/* a name that is not even a DNS name is just not there either */
	{
		char *junk[] = { junk1 };

		assert_int_equal(tw_config_select_zones(cfg, junk, 1, &err), -1);
		assert_non_null(strstr(err.msg, "no such zone"));
	}

	/* nothing named: everything stays */
	assert_int_equal(tw_config_select_zones(cfg, NULL, 0, &err), 0);
	assert_int_equal(cfg->n_zones, 3);

	/* the given order, names matched case-blind, a repeat counted once */
	assert_int_equal(tw_config_select_zones(cfg, pick, 3, &err), 0);
	assert_int_equal(cfg->n_zones, 2);
	assert_string_equal(cfg->zones[0].name, "kr");
	assert_int_equal(cfg->zones[0].n_servers, 1);
	assert_string_equal(cfg->zones[1].name, "kp");
	assert_string_equal(cfg->zones[1].label, "North Korea");
	assert_int_equal(cfg->zones[1].n_hosts, 1);
	round_trip(cfg);
	tw_config_free(cfg);

	cfg = load(three_zones, &err);
	assert_non_null(cfg);
	assert_int_equal(tw_config_select_zones(cfg, root, 1, &err), 0);
	assert_int_equal(cfg->n_zones, 1);
	assert_string_equal(cfg->zones[0].name, "");
	tw_config_free(cfg);

	assert_int_equal(tw_config_select_zones(NULL, pick, 1, &err), -1);
	tw_config_free(NULL);
}

static char *error_text(const struct tw_error *err);

/* One load with the loopback rule: the lab passes, the real .kp does not. */
static void
test_load_checked(void **state)
{
	struct tw_error err;
	struct tw_config *cfg;
	char *text;

	cfg = tw_config_load_checked(TW_SOURCE_DIR "/zones/lab.yaml", true, &err);
	assert_non_null(cfg);
	tw_config_free(cfg);

	memset(&err, 0, sizeof(err));
	assert_null(tw_config_load_checked(NULL, true, &err));
	text = error_text(&err);
	assert_string_equal(text, "<embedded>: TLDWATCH_LOOPBACK_ONLY is set: refusing "
	    "non-loopback server 198.41.0.4 a.root-servers.net\n");
	free(text);

	/* without the rule the default loads (`tldwatch config` prints it) */
	cfg = tw_config_load_checked(NULL, false, &err);
	assert_non_null(cfg);
	tw_config_free(cfg);

	/* a pinned server without a name, after loopback roots */
	memset(&err, 0, sizeof(err));
	assert_null(tw_config_load_checked(CONFIGS "no-such-file.yaml", true, &err));
	assert_string_equal(err.msg, "cannot open: No such file or directory");
	cfg = load("roots: [127.0.0.1, \"::1\"]\nzones: [{name: kp, servers: [192.0.2.1]}]\n",
	    &err);
	assert_non_null(cfg);
	assert_ptr_equal(tw_config_find_nonloopback(cfg), &cfg->zones[0].servers[0]);
	tw_config_free(cfg);
	{
		char path[] = "/tmp/tldwatch-test-checked-XXXXXX";
		static const char yaml[] = "roots: [127.0.0.1]\n"
		    "zones: [{name: kp, servers: [192.0.2.1]}]\n";
		int fd = mkstemp(path);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, yaml, strlen(yaml)), (ssize_t)strlen(yaml));
		close(fd);
		assert_null(tw_config_load_checked(path, true, &err));
		assert_string_equal(err.file, path);
		assert_int_equal(err.line, 0);
		assert_string_equal(err.msg, "TLDWATCH_LOOPBACK_ONLY is set: refusing non-loopback "
		    "server 192.0.2.1");
		unlink(path);
	}
}

static void
test_loopback_env(void **state)
{
	static const struct {
		const char *value;	/* NULL: unset */
		bool on;
	} cases[] = {
		{ NULL, false }, { "", false }, { "0", false }, { "1", true }, { "yes", true },
		{ "00", true },
	};
	const char *saved = getenv("TLDWATCH_LOOPBACK_ONLY");
	char *keep = saved != NULL ? strdup(saved) : NULL;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].value == NULL)
			assert_int_equal(unsetenv("TLDWATCH_LOOPBACK_ONLY"), 0);
		else
			assert_int_equal(setenv("TLDWATCH_LOOPBACK_ONLY", cases[i].value, 1), 0);
		assert_int_equal(tw_config_loopback_only_env(), cases[i].on);
	}
	if (keep != NULL)
		setenv("TLDWATCH_LOOPBACK_ONLY", keep, 1);
	else
		unsetenv("TLDWATCH_LOOPBACK_ONLY");
	free(keep);
}

static char *
error_text(const struct tw_error *err)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	assert_non_null(fp);
	tw_error_print(err, fp);
	fclose(fp);
	return text;
}

static void
test_error(void **state)
{
	struct tw_error err;
	char longname[400], *text;

	tw_error_set(&err, "lab.yaml", 3, 12, "probe.timeout: %s %d", "bad", 7);
	text = error_text(&err);
	assert_string_equal(text, "lab.yaml:3:12: probe.timeout: bad 7\n");
	free(text);

	tw_error_set(&err, "lab.yaml", 0, 0, "cannot open: %s", "No such file or directory");
	text = error_text(&err);
	assert_string_equal(text, "lab.yaml: cannot open: No such file or directory\n");
	free(text);

	tw_error_set(&err, "lab.yaml", 4, 0, "line only");
	text = error_text(&err);
	assert_string_equal(text, "lab.yaml:4: line only\n");
	free(text);

	tw_error_set(&err, NULL, 0, 0, "--zone kr: no such zone");
	text = error_text(&err);
	assert_string_equal(text, "--zone kr: no such zone\n");
	free(text);

	/* '%' in a file name is text, long names and messages are cut */
	memset(longname, 'f', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	longname[0] = '%';
	tw_error_set(&err, longname, 1, 1, "%s", longname);
	assert_int_equal(strlen(err.file), sizeof(err.file) - 1);
	assert_int_equal(err.file[0], '%');
	assert_int_equal(strlen(err.msg), sizeof(longname) - 1);

	tw_error_set(NULL, "x", 1, 1, "ignored");
	tw_error_print(NULL, stderr);
}

static void
test_transport_str(void **state)
{
	assert_string_equal(tw_transport_str(TW_TRANSPORT_UDP), "udp");
	assert_string_equal(tw_transport_str(TW_TRANSPORT_TCP), "tcp");
	assert_string_equal(tw_transport_str((enum tw_transport)7), "invalid");
}

/*
 * What `tldwatch config` prints, byte for byte, for the embedded default, the
 * file using every feature and the lab's two configs.
 */
static void
test_print_golden(void **state)
{
	static const struct {
		const char *path;       /* NULL: the embedded default */
		const char *golden;
	} cases[] = {
		{ NULL, "config-default.yaml" },
		{ CONFIGS "full.yaml", "config-full.yaml" },
		{ TW_SOURCE_DIR "/zones/lab.yaml", "config-lab.yaml" },
		{ TW_SOURCE_DIR "/zones/replay.yaml", "config-replay.yaml" },
	};
	struct tw_config *cfg;
	struct tw_error err;
	char *text;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&err, 0, sizeof(err));
		cfg = tw_config_load(cases[i].path, &err);
		if (cfg == NULL)
			fail_msg("%s: %s", cases[i].golden, err.msg);
		text = print_cfg(cfg);
		golden_check(cases[i].golden, text);
		free(text);
		tw_config_free(cfg);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_print_golden),
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_minimal_defaults),
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_watch_good),
		cmocka_unit_test(test_ledger_keep),
		cmocka_unit_test(test_print_quoting),
		cmocka_unit_test(test_bad_table),
		cmocka_unit_test(test_bad_host_type_position),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_select_zones),
		cmocka_unit_test(test_error),
		cmocka_unit_test(test_transport_str),
		cmocka_unit_test(test_load_checked),
		cmocka_unit_test(test_loopback_env),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
