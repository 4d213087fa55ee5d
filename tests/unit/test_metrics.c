/*
 * test_metrics.c -- the Prometheus exposition: exact output for a small
 * view, label escaping and number syntax (tables), state series, the up
 * rule, sorted and de-duplicated rows, hostile names, empty views and
 * write errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <math.h>

#include <cmocka.h>

#include "tldwatch/escape.h"
#include "tldwatch/metrics.h"
#include "view_fixture.h"

/* ---- helpers ---- */

static char *
render(const struct tw_view *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	assert_int_equal(tw_metrics_render(v, fp), 0);
	assert_int_equal(fclose(fp), 0);
	assert_non_null(buf);
	return buf;
}

/* How many lines of ${text} start with ${prefix}. */
static int
count_lines(const char *text, const char *prefix)
{
	const char *p = text;
	size_t n = strlen(prefix);
	int count = 0;

	while (*p != '\0') {
		if (strncmp(p, prefix, n) == 0)
			count++;
		if ((p = strchr(p, '\n')) == NULL)
			break;
		p++;
	}
	return count;
}

/* The whole line that starts with ${prefix}, or NULL (static buffer). */
static const char *
line_of(const char *text, const char *prefix)
{
	static char line[2048];
	const char *p = text, *e;
	size_t n = strlen(prefix);

	while (*p != '\0') {
		e = strchr(p, '\n');
		if (strncmp(p, prefix, n) == 0) {
			size_t k = e != NULL ? (size_t)(e - p) : strlen(p);

			if (k >= sizeof(line))
				k = sizeof(line) - 1;
			memcpy(line, p, k);
			line[k] = '\0';
			return line;
		}
		if (e == NULL)
			break;
		p = e + 1;
	}
	return NULL;
}

static bool
valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int need;

	while (*p != '\0') {
		if (*p < 0x80) {
			p++;
			continue;
		}
		need = *p >= 0xf0 ? 3 : *p >= 0xe0 ? 2 : *p >= 0xc2 ? 1 : -1;
		if (need < 0 || *p > 0xf4)
			return false;
		for (p++; need > 0; need--, p++)
			if ((*p & 0xc0) != 0x80)
				return false;
	}
	return true;
}

/* ---- the small view, rendered exactly ---- */

static void
small_doc(struct tw_state_doc *doc)
{
	struct tw_check_result *r;
	struct tw_zone_result *z;
	unsigned round;

	memset(doc, 0, sizeof(*doc));
	doc->interval_ms = 30000;
	doc->history = tw_history_new(3);
	assert_non_null(doc->history);
	for (round = 1; round <= 2; round++) {
		r = fx_alloc(1, sizeof(*r));
		r->n_roots = 1;
		r->roots = fx_alloc(1, sizeof(*r->roots));
		fx_server(&r->roots[0], TW_ROLE_ROOT, "", "a.root", "127.0.0.1", TW_TRANSPORT_UDP,
		    TW_OUTCOME_REFERRAL, 1, 1, round == 1 ? 0.5 : 0.7);
		r->n_zones = 1;
		r->zones = z = fx_alloc(1, sizeof(*z));
		z->name = fx_strdup("kp");
		z->n_servers = 1;
		z->servers = fx_alloc(1, sizeof(*z->servers));
		fx_server(&z->servers[0], TW_ROLE_ZONE, "kp", "ns1.kp", "127.0.0.53",
		    TW_TRANSPORT_UDP, round == 1 ? TW_OUTCOME_ANSWER : TW_OUTCOME_TIMEOUT, 2,
		    round == 1 ? 2 : 0, round == 1 ? 1.5 : -1);
		/* its NSID (a quote and a backslash in it) in round 1; round 2 times out */
		if (round == 1)
			z->servers[0].nsid = fx_strdup("ns1-a\"\\");
		z->n_hosts = 1;
		z->hosts = fx_alloc(1, sizeof(*z->hosts));
		fx_host(&z->hosts[0], "www.kp", true, round == 1,
		    round == 1 ? TW_OUTCOME_ANSWER : TW_OUTCOME_TIMEOUT);
		assert_int_equal(tw_history_add(doc->history, r, round), 0);
		tw_result_free(r);
	}
	doc->tracker = fx_alloc(1, sizeof(*doc->tracker));
	doc->tracker->n_zones = 1;
	doc->tracker->zones = fx_alloc(1, sizeof(*doc->tracker->zones));
	fx_zone(&doc->tracker->zones[0], "kp", TW_STATE_DOWN, 1000, "nothing answers");
	doc->tracker->zones[0].in_outage = true;
	doc->tracker->zones[0].outage_start = 940;
	doc->tracker->zones[0].onset.shape = TW_ONSET_RAMP;
	/* the 2016 NS set: ns3.kptc.kp named only by kp, with no address */
	doc->tracker->zones[0].delegation_known = true;
	doc->tracker->zones[0].delegation[TW_DELEG_CHILD_ONLY] = 1;
	doc->tracker->zones[0].delegation[TW_DELEG_NO_ADDRESS] = 1;
}

/* The small view's configuration: zone kp with its key host www.kp. */
static const struct tw_config *
small_config(void)
{
	static char kp[] = "kp", www[] = "www.kp", source[] = "small";
	static struct tw_host_cfg hosts[1];
	static struct tw_zone_cfg zones[1];
	static struct tw_config cfg;

	hosts[0] = (struct tw_host_cfg){ www, NULL, TW_RR_A, true };
	zones[0] = (struct tw_zone_cfg){ kp, NULL, NULL, 0, hosts, 1 };
	cfg.source = source;
	cfg.zones = zones;
	cfg.n_zones = 1;
	return &cfg;
}

static void
small_view(struct tw_view *v, const struct tw_state_doc *doc)
{
	static struct tw_view index;

	if (index.cfg == NULL) {
		index.cfg = small_config();
		assert_int_equal(tw_view_index(&index), 0);
	}
	memset(v, 0, sizeof(*v));
	v->doc = doc;
	v->cfg = index.cfg;
	v->zones_by_name = index.zones_by_name;
	v->n_zones_by_name = index.n_zones_by_name;
	v->now = 1090.5;
	v->started = 900;
	v->last_round_start = 1060;
	v->last_round_seconds = 2.5;
	v->rounds_total = 2;
	v->events_total[TW_EVENT_OUTAGE] = 1;
	v->state_write_errors_total = 3;
	v->identity_hidden = 7;
}

#define SRV_ROOT "{zone=\"\",served=\".\",server=\"a.root\",address=\"127.0.0.1\"," \
	"port=\"10053\",transport=\"udp\",role=\"root\""
#define SRV_NS1 "{zone=\"kp\",served=\"kp\",server=\"ns1.kp\",address=\"127.0.0.53\"," \
	"port=\"10053\",transport=\"udp\",role=\"zone\""

static const char small_expected[] =
	"# HELP tldwatch_build_info Always 1; the version is a label.\n"
	"# TYPE tldwatch_build_info gauge\n"
	"tldwatch_build_info{version=\"0.1.0\"} 1\n"
	"# HELP tldwatch_start_time_seconds When the watcher process started (Unix time).\n"
	"# TYPE tldwatch_start_time_seconds gauge\n"
	"tldwatch_start_time_seconds 900\n"
	"# HELP tldwatch_interval_seconds Configured time between round starts.\n"
	"# TYPE tldwatch_interval_seconds gauge\n"
	"tldwatch_interval_seconds 30\n"
	"# HELP tldwatch_rounds_total Rounds run by this process.\n"
	"# TYPE tldwatch_rounds_total counter\n"
	"tldwatch_rounds_total 2\n"
	"# HELP tldwatch_last_round_timestamp_seconds Start of the latest round (Unix time).\n"
	"# TYPE tldwatch_last_round_timestamp_seconds gauge\n"
	"tldwatch_last_round_timestamp_seconds 1060\n"
	"# HELP tldwatch_round_duration_seconds Duration of the latest round.\n"
	"# TYPE tldwatch_round_duration_seconds gauge\n"
	"tldwatch_round_duration_seconds 2.5\n"
	"# HELP tldwatch_events_total Events emitted by this process, by kind.\n"
	"# TYPE tldwatch_events_total counter\n"
	"tldwatch_events_total{event=\"degraded\"} 0\n"
	"tldwatch_events_total{event=\"recovered\"} 0\n"
	"tldwatch_events_total{event=\"unstable\"} 0\n"
	"tldwatch_events_total{event=\"stable\"} 0\n"
	"tldwatch_events_total{event=\"unknown\"} 0\n"
	"tldwatch_events_total{event=\"partial_outage\"} 0\n"
	"tldwatch_events_total{event=\"outage\"} 1\n"
	"tldwatch_events_total{event=\"partial_restoration\"} 0\n"
	"tldwatch_events_total{event=\"restored\"} 0\n"
	"tldwatch_events_total{event=\"instance_changed\"} 0\n"
	"# HELP tldwatch_state_write_errors_total Ledger commits that failed (the round waits in memory).\n"
	"# TYPE tldwatch_state_write_errors_total counter\n"
	"tldwatch_state_write_errors_total 3\n"
	"# HELP tldwatch_identity_hidden_servers Servers that refused their CHAOS identity within "
	"watch.identity_recheck: not asked it again until then.\n"
	"# TYPE tldwatch_identity_hidden_servers gauge\n"
	"tldwatch_identity_hidden_servers 7\n"
	"# HELP tldwatch_zone_state Published state of the zone: 1 for the current state, "
	"0 for the others.\n"
	"# TYPE tldwatch_zone_state gauge\n"
	"tldwatch_zone_state{zone=\"kp\",state=\"up\"} 0\n"
	"tldwatch_zone_state{zone=\"kp\",state=\"degraded\"} 0\n"
	"tldwatch_zone_state{zone=\"kp\",state=\"unstable\"} 0\n"
	"tldwatch_zone_state{zone=\"kp\",state=\"partial\"} 0\n"
	"tldwatch_zone_state{zone=\"kp\",state=\"down\"} 1\n"
	"tldwatch_zone_state{zone=\"kp\",state=\"unknown\"} 0\n"
	"# HELP tldwatch_zone_state_code Published state as a number: up 0, degraded 1, "
	"unstable 2, partial 3, down 4, unknown 5.\n"
	"# TYPE tldwatch_zone_state_code gauge\n"
	"tldwatch_zone_state_code{zone=\"kp\"} 4\n"
	"# HELP tldwatch_zone_state_since_timestamp_seconds When the published state was "
	"published (Unix time); 0 before the first round.\n"
	"# TYPE tldwatch_zone_state_since_timestamp_seconds gauge\n"
	"tldwatch_zone_state_since_timestamp_seconds{zone=\"kp\"} 1000\n"
	"# HELP tldwatch_zone_flapping 1 while the zone's raw state changes too often "
	"(published as unstable).\n"
	"# TYPE tldwatch_zone_flapping gauge\n"
	"tldwatch_zone_flapping{zone=\"kp\"} 0\n"
	"# HELP tldwatch_zone_outage_seconds Duration of the current outage (partial or "
	"down); 0 when not in an outage.\n"
	"# TYPE tldwatch_zone_outage_seconds gauge\n"
	"tldwatch_zone_outage_seconds{zone=\"kp\"} 150.5\n"
	"# HELP tldwatch_zone_outage_start_timestamp_seconds Start of the current outage "
	"(Unix time); 0 when not in an outage.\n"
	"# TYPE tldwatch_zone_outage_start_timestamp_seconds gauge\n"
	"tldwatch_zone_outage_start_timestamp_seconds{zone=\"kp\"} 940\n"
	"# HELP tldwatch_outage_onset 1 while an outage lasts, labelled with how it began: "
	"cliff, ramp, administrative, filtering or unclear.\n"
	"# TYPE tldwatch_outage_onset gauge\n"
	"tldwatch_outage_onset{zone=\"kp\",shape=\"ramp\"} 1\n"
	"# HELP tldwatch_delegation_findings Delegation findings of the latest round, per kind "
	"(child_only, parent_only, no_address, glue_mismatch), over the zone and the zones met "
	"below it.  Health notes: they never change the state.\n"
	"# TYPE tldwatch_delegation_findings gauge\n"
	"tldwatch_delegation_findings{zone=\"kp\",kind=\"child_only\"} 1\n"
	"tldwatch_delegation_findings{zone=\"kp\",kind=\"parent_only\"} 0\n"
	"tldwatch_delegation_findings{zone=\"kp\",kind=\"no_address\"} 1\n"
	"tldwatch_delegation_findings{zone=\"kp\",kind=\"glue_mismatch\"} 0\n"
	"# HELP tldwatch_server_up 1 when the server's latest health query got an answer "
	"(a referral, for roots).\n"
	"# TYPE tldwatch_server_up gauge\n"
	"tldwatch_server_up" SRV_ROOT "} 1\n"
	"tldwatch_server_up" SRV_NS1 "} 0\n"
	"# HELP tldwatch_server_loss_ratio Unanswered attempts over attempts sent, over the "
	"history window (0..1).\n"
	"# TYPE tldwatch_server_loss_ratio gauge\n"
	"tldwatch_server_loss_ratio" SRV_ROOT "} 0\n"
	"tldwatch_server_loss_ratio" SRV_NS1 "} 0.5\n"
	"# HELP tldwatch_server_window_rounds Rounds held in the server's history window.\n"
	"# TYPE tldwatch_server_window_rounds gauge\n"
	"tldwatch_server_window_rounds" SRV_ROOT "} 2\n"
	"tldwatch_server_window_rounds" SRV_NS1 "} 2\n"
	"# HELP tldwatch_server_rtt_seconds Round-trip time of answered queries over the "
	"history window: quantile 0 = min, 0.5 = median, 1 = max.\n"
	"# TYPE tldwatch_server_rtt_seconds summary\n"
	"tldwatch_server_rtt_seconds" SRV_ROOT ",quantile=\"0\"} 0.0005\n"
	"tldwatch_server_rtt_seconds" SRV_ROOT ",quantile=\"0.5\"} 0.0006\n"
	"tldwatch_server_rtt_seconds" SRV_ROOT ",quantile=\"1\"} 0.0007\n"
	"tldwatch_server_rtt_seconds" SRV_NS1 ",quantile=\"0\"} 0.0015\n"
	"tldwatch_server_rtt_seconds" SRV_NS1 ",quantile=\"0.5\"} 0.0015\n"
	"tldwatch_server_rtt_seconds" SRV_NS1 ",quantile=\"1\"} 0.0015\n"
	"# HELP tldwatch_server_instance_info Always 1: the latest NSID and CHAOS identity "
	"(hostname.bind or id.server) the server gave, as labels (\"\" when it gave none); "
	"servers that never gave either are left out.\n"
	"# TYPE tldwatch_server_instance_info gauge\n"
	"tldwatch_server_instance_info" SRV_NS1 ",nsid=\"ns1-a\\\"\\\\\",identity=\"\"} 1\n"
	"# HELP tldwatch_host_resolved 1 when the host's latest resolution got an "
	"authoritative answer with an address.\n"
	"# TYPE tldwatch_host_resolved gauge\n"
	"tldwatch_host_resolved{zone=\"kp\",host=\"www.kp\",key=\"true\"} 0\n";

static void
test_small_view_exact(void **state)
{
	struct tw_state_doc doc;
	struct tw_view v;
	char *out;

	small_doc(&doc);
	small_view(&v, &doc);
	out = render(&v);
	if (strcmp(out, small_expected) != 0)
		fprintf(stderr, "---- got:\n%s---- expected:\n%s", out, small_expected);
	assert_string_equal(out, small_expected);
	free(out);
	tw_statefile_doc_clear(&doc);
}

/* Two renders of one view are byte-identical. */
static void
test_stable_output(void **state)
{
	struct tw_state_doc doc;
	struct tw_view v;
	char *a, *b;

	fx_doc(&doc, true);
	fx_view(&v, &doc);
	a = render(&v);
	b = render(&v);
	assert_string_equal(a, b);
	free(a);
	free(b);
	tw_statefile_doc_clear(&doc);
}

/* ---- tables ---- */

static void
test_escape_label(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ NULL, "" },
		{ "", "" },
		{ "ns1.kptc.kp", "ns1.kptc.kp" },
		{ "a\"b", "a\\\"b" },
		{ "a\\b", "a\\\\b" },
		{ "a\nb", "a\\nb" },
		{ "\\\"\n", "\\\\\\\"\\n" },
		{ "tab\there", "tab\there" },                    /* only three escapes exist */
		{ "<script>", "<script>" },                       /* not HTML */
		{ "caf\xc3\xa9", "caf\xc3\xa9" },                 /* valid UTF-8 kept */
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },       /* 4-byte sequence kept */
		{ "x\xffy", "x\xef\xbf\xbdy" },                   /* stray byte */
		{ "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd" },       /* overlong '/' */
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },  /* surrogate */
		{ "\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "end\xe2\x82", "end\xef\xbf\xbd\xef\xbf\xbd" }, /* truncated at the end */
	};
	size_t i;
	char *got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = tw_escape_dup(tw_escape_prom_label, cases[i].in);
		assert_non_null(got);
		if (strcmp(got, cases[i].out) != 0)
			fprintf(stderr, "case %zu\n", i);
		assert_string_equal(got, cases[i].out);
		free(got);
	}
}

static void
test_number(void **state)
{
	static const struct {
		double v;
		const char *out;
	} cases[] = {
		{ 0, "0" },
		{ 1, "1" },
		{ 2.5, "2.5" },
		{ 0.1, "0.1" },
		{ -3.25, "-3.25" },
		{ 1e-6, "1e-06" },
		{ 1419000000.25, "1419000000.25" },
		{ 0.533333333333333333, "0.533333333333333" },
	};
	char buf[48];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(tw_metrics_number(cases[i].v, buf, sizeof(buf)),
		    cases[i].out);
	assert_string_equal(tw_metrics_number((double)NAN, buf, sizeof(buf)), "NaN");
	assert_string_equal(tw_metrics_number((double)INFINITY, buf, sizeof(buf)), "+Inf");
	assert_string_equal(tw_metrics_number(-(double)INFINITY, buf, sizeof(buf)), "-Inf");
}

/* ---- the story view ---- */

static void
test_zone_series(void **state)
{
	struct tw_state_doc doc;
	struct tw_view v;
	char *out;

	fx_doc(&doc, false);
	fx_view(&v, &doc);
	out = render(&v);
	/* One series per state name, exactly one of them 1. */
	assert_int_equal(count_lines(out, "tldwatch_zone_state{zone=\"kp\","), TW_STATE_COUNT);
	assert_non_null(strstr(out, "tldwatch_zone_state{zone=\"kp\",state=\"partial\"} 1\n"));
	assert_non_null(strstr(out, "tldwatch_zone_state{zone=\"kp\",state=\"down\"} 0\n"));
	assert_non_null(strstr(out, "tldwatch_zone_state{zone=\"kp\",state=\"up\"} 0\n"));
	assert_non_null(strstr(out, "tldwatch_zone_state_code{zone=\"kp\"} 3\n"));
	/* In an outage since round 7 (T0 + 360), rendered at round 12 + 30.25 s. */
	assert_non_null(strstr(out, "tldwatch_zone_outage_seconds{zone=\"kp\"} 330.25\n"));
	assert_non_null(strstr(out,
	    "tldwatch_zone_outage_start_timestamp_seconds{zone=\"kp\"} 1419000360\n"));
	assert_non_null(strstr(out, "tldwatch_zone_flapping{zone=\"kp\"} 0\n"));
	/* Hosts: key from the latest result; kcna back, naenara still dark. */
	assert_non_null(strstr(out,
	    "tldwatch_host_resolved{zone=\"kp\",host=\"kcna.kp\",key=\"true\"} 1\n"));
	assert_non_null(strstr(out,
	    "tldwatch_host_resolved{zone=\"kp\",host=\"naenara.com.kp\",key=\"false\"} 0\n"));
	/* ns2 timed out in round 12; b.root timed out once in the 10-round window. */
	assert_non_null(strstr(line_of(out, "tldwatch_server_up{zone=\"kp\",served=\"kp\","
	    "server=\"ns2.kptc.kp\""), "} 0"));
	assert_non_null(strstr(line_of(out, "tldwatch_server_loss_ratio{zone=\"\",served=\".\","
	    "server=\"b.root-servers.net\""), "} 0.1"));
	/* Every HELP has its TYPE right after it, and families are not repeated. */
	assert_int_equal(count_lines(out, "# HELP "), count_lines(out, "# TYPE "));
	assert_int_equal(count_lines(out, "# TYPE tldwatch_server_up "), 1);
	free(out);

	/* Out of the outage: 0, not a stale duration. */
	doc.tracker->zones[0].in_outage = false;
	doc.tracker->zones[0].published = TW_STATE_UP;
	out = render(&v);
	assert_non_null(strstr(out, "tldwatch_zone_outage_seconds{zone=\"kp\"} 0\n"));
	assert_non_null(strstr(out,
	    "tldwatch_zone_outage_start_timestamp_seconds{zone=\"kp\"} 0\n"));
	assert_non_null(strstr(out, "tldwatch_zone_state{zone=\"kp\",state=\"up\"} 1\n"));
	assert_non_null(strstr(out, "tldwatch_zone_state_code{zone=\"kp\"} 0\n"));
	free(out);

	/* A zone that never published is unknown (code 5). */
	doc.tracker->zones[0].started = false;
	out = render(&v);
	assert_non_null(strstr(out, "tldwatch_zone_state{zone=\"kp\",state=\"unknown\"} 1\n"));
	assert_non_null(strstr(out, "tldwatch_zone_state_code{zone=\"kp\"} 5\n"));
	free(out);
	tw_statefile_doc_clear(&doc);
}

/* Up: answer for everyone; referral only for roots. */
static void
test_server_up_rule(void **state)
{
	static const struct {
		enum tw_role role;
		enum tw_outcome outcome;
		int up;
	} cases[] = {
		{ TW_ROLE_ROOT, TW_OUTCOME_REFERRAL, 1 },
		{ TW_ROLE_ROOT, TW_OUTCOME_ANSWER, 1 },
		{ TW_ROLE_ROOT, TW_OUTCOME_TIMEOUT, 0 },
		{ TW_ROLE_ZONE, TW_OUTCOME_ANSWER, 1 },
		{ TW_ROLE_ZONE, TW_OUTCOME_REFERRAL, 0 },
		{ TW_ROLE_ZONE, TW_OUTCOME_LAME, 0 },
		{ TW_ROLE_ZONE, TW_OUTCOME_REFUSED, 0 },
		{ TW_ROLE_CHILD, TW_OUTCOME_ANSWER, 1 },
		{ TW_ROLE_CHILD, TW_OUTCOME_NXDOMAIN, 0 },
	};
	struct tw_state_doc doc;
	struct tw_view v;
	struct tw_server_history *s;
	char *out, want[32];
	size_t i;

	fx_doc(&doc, false);
	fx_view(&v, &doc);
	s = NULL;
	for (i = 0; i < doc.history->n_servers; i++)
		if (strcmp(doc.history->servers[i].address, "127.45.176.16") == 0)
			s = &doc.history->servers[i];
	assert_non_null(s);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s->role = cases[i].role;
		/* Only the newest sample counts. */
		s->ring.s[(s->ring.head + s->ring.len - 1) % s->ring.len].outcome =
		    (uint8_t)cases[i].outcome;
		s->ring.s[s->ring.head].outcome = (uint8_t)(cases[i].up ? TW_OUTCOME_TIMEOUT :
		    TW_OUTCOME_ANSWER);
		out = render(&v);
		snprintf(want, sizeof(want), "role=\"%s\"} %d", tw_result_role_str(cases[i].role),
		    cases[i].up);
		assert_non_null(strstr(line_of(out, "tldwatch_server_up{zone=\"kp\",served=\"kp\","
		    "server=\"ns2.kptc.kp\""), want));
		free(out);
	}
	tw_statefile_doc_clear(&doc);
}

/* Duplicate rows (a hand-edited state file) never make duplicate series; order is by labels. */
static void
test_dedup_and_order(void **state)
{
	struct tw_state_doc doc;
	struct tw_view v;
	struct tw_history *h;
	struct tw_zone_track *zones;
	static const char *const order[] = {
		"server=\"a.root-servers.net\"",
		"server=\"b.root-servers.net\"",
		"served=\"kcna.kp\",server=\"\"",
		"server=\"ns1.kptc.kp\",address=\"127.45.176.15\",port=\"10053\",transport=\"udp\"",
		"server=\"ns1.kptc.kp\",address=\"127.45.176.15\",port=\"10053\",transport=\"tcp\"",
		"server=\"ns2.kptc.kp\"",
	};
	const char *p;
	char *out, *line;
	size_t i, n;

	fx_doc(&doc, false);
	fx_view(&v, &doc);
	h = doc.history;
	/* Append a copy of every server row, with an older last_round. */
	n = h->n_servers;
	h->servers = realloc(h->servers, 2 * n * sizeof(*h->servers));
	assert_non_null(h->servers);
	for (i = 0; i < n; i++) {
		struct tw_server_history *d = &h->servers[n + i];

		*d = h->servers[i];
		d->zone = fx_strdup(d->zone);
		d->served = fx_strdup(d->served);
		d->name = fx_strdup(d->name);
		d->nsid = fx_strdup(d->nsid);
		d->identity = fx_strdup(d->identity);
		d->ring.s = fx_alloc(h->window, sizeof(*d->ring.s));
		memcpy(d->ring.s, h->servers[i].ring.s, h->window * sizeof(*d->ring.s));
		d->last_round -= 1;
		d->ring.s[(d->ring.head + d->ring.len - 1) % d->ring.len].outcome = 99;
	}
	h->n_servers = 2 * n;
	/* And the zone twice. */
	zones = realloc(doc.tracker->zones, 2 * sizeof(*zones));
	assert_non_null(zones);
	doc.tracker->zones = zones;
	fx_zone(&zones[1], "kp", TW_STATE_DOWN, 0, NULL);
	doc.tracker->n_zones = 2;

	out = render(&v);
	assert_int_equal(count_lines(out, "tldwatch_server_up{"), (int)n);
	assert_int_equal(count_lines(out, "tldwatch_zone_state_code{"), 1);
	/* The newer of two equal rows wins (the copy's outcome would read as down). */
	assert_non_null(strstr(line_of(out, "tldwatch_server_up{zone=\"kp\",served=\"kp\","
	    "server=\"ns1.kptc.kp\",address=\"127.45.176.15\",port=\"10053\",transport=\"udp\""),
	    "} 1"));
	/* Series sorted by zone, served zone, name, address, port, transport (udp first). */
	for (p = out, i = 0; (p = strstr(p, "\ntldwatch_server_up{")) != NULL; p++, i++) {
		assert_true(i < sizeof(order) / sizeof(order[0]));
		line = strndup(p + 1, (size_t)(strchr(p + 1, '}') - (p + 1)));
		assert_non_null(line);
		if (strstr(line, order[i]) == NULL)
			fprintf(stderr, "series %zu: %s\n", i, line);
		assert_non_null(strstr(line, order[i]));
		free(line);
	}
	assert_int_equal(i, sizeof(order) / sizeof(order[0]));
	free(out);
	tw_statefile_doc_clear(&doc);
}

static void
test_hostile_names(void **state)
{
	struct tw_state_doc doc;
	struct tw_view v;
	char *out;
	const char *p;

	fx_doc(&doc, true);
	fx_view(&v, &doc);
	out = render(&v);
	assert_true(valid_utf8(out));
	assert_non_null(strstr(out, "tldwatch_zone_state_code{zone=\"<script>alert(\\\"z\\\")"
	    "</script>\"} 5\n"));
	assert_non_null(strstr(out, "host=\"line\\nbreak\\\\host\",key=\"true\"} 0\n"));
	assert_non_null(strstr(out, "server=\"ns\\\"<b>'&\xef\xbf\xbd\xef\xbf\xbd.evil\""));
	/* Every line is a comment or name{...} value: no label broke out of its quotes. */
	for (p = out; *p != '\0'; p = strchr(p, '\n') + 1) {
		assert_true(strncmp(p, "# ", 2) == 0 || strncmp(p, "tldwatch_", 9) == 0);
		assert_non_null(strchr(p, '\n'));
	}
	free(out);
	tw_statefile_doc_clear(&doc);
}

static void
test_empty_view(void **state)
{
	struct tw_view v;
	char *out;

	memset(&v, 0, sizeof(v));
	v.now = 100;
	v.started = 50;
	v.last_round_seconds = -1;
	out = render(&v);
	assert_non_null(strstr(out, "tldwatch_rounds_total 0\n"));
	assert_non_null(strstr(out, "tldwatch_start_time_seconds 50\n"));
	/* No round yet: the family is declared, the sample absent. */
	assert_non_null(strstr(out, "# TYPE tldwatch_last_round_timestamp_seconds gauge\n"));
	assert_null(strstr(out, "\ntldwatch_last_round_timestamp_seconds "));
	assert_null(strstr(out, "\ntldwatch_round_duration_seconds "));
	assert_int_equal(count_lines(out, "tldwatch_zone_state{"), 0);
	assert_int_equal(count_lines(out, "tldwatch_server_up{"), 0);
	assert_int_equal(count_lines(out, "tldwatch_events_total{"), TW_EVENT_KIND_COUNT);
	free(out);
}

static void
test_write_error(void **state)
{
	struct tw_state_doc doc;
	struct tw_view v;
	FILE *fp = fopen("/dev/full", "w");

	if (fp == NULL)
		skip();
	fx_doc(&doc, false);
	fx_view(&v, &doc);
	assert_int_equal(tw_metrics_render(&v, fp), -1);
	fclose(fp);
	tw_statefile_doc_clear(&doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_view_exact),
		cmocka_unit_test(test_stable_output),
		cmocka_unit_test(test_escape_label),
		cmocka_unit_test(test_number),
		cmocka_unit_test(test_zone_series),
		cmocka_unit_test(test_server_up_rule),
		cmocka_unit_test(test_dedup_and_order),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_empty_view),
		cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
