/*
 * metrics.c -- a watcher's view as Prometheus text exposition (format 0.0.4):
 * process counters, published zone states, and per-server and per-host
 * series read from the history rings.  Families and series come out in a
 * fixed order (series sorted by their labels), so two renders of one view
 * are byte-identical and diffs between scrapes stay readable.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tldwatch/escape.h"
#include "tldwatch/history.h"
#include "tldwatch/metrics.h"
#include "tldwatch/text.h"
#include "tldwatch/tracker.h"
#include "tldwatch/view.h"
#include "tldwatch/version.h"

/* ---- text primitives ---- */

char *
tw_metrics_number(double v, char *buf, size_t len)
{
	char *p;

	if (isnan(v))
		snprintf(buf, len, "NaN");
	else if (isinf(v))
		snprintf(buf, len, v > 0 ? "+Inf" : "-Inf");
	else {
		snprintf(buf, len, "%.15g", v);
		/* Whatever LC_NUMERIC says, the decimal point is '.'. */
		for (p = buf; *p != '\0'; p++)
			if (strchr("0123456789+-eE", *p) == NULL)
				*p = '.';
	}
	return buf;
}

static void
family(FILE *fp, const char *name, const char *type, const char *help)
{
	fprintf(fp, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One label: ,name="value" (no comma before the first). */
static void
label(FILE *fp, bool first, const char *name, const char *value)
{
	if (!first)
		fputc(',', fp);
	fputs(name, fp);
	fputs("=\"", fp);
	tw_escape_prom_label(fp, value);
	fputc('"', fp);
}

static void
value(FILE *fp, double v)
{
	char num[48];

	fputc(' ', fp);
	fputs(tw_metrics_number(v, num, sizeof(num)), fp);
	fputc('\n', fp);
}

/* A series without labels. */
static void
plain(FILE *fp, const char *name, double v)
{
	fputs(name, fp);
	value(fp, v);
}

static void
plain_u64(FILE *fp, const char *name, uint64_t v)
{
	fprintf(fp, "%s %" PRIu64 "\n", name, v);
}

/* ---- sorted, de-duplicated rows ---- */

/*
 * Two rows with the same labels would make the exposition invalid; a
 * hand-edited state file can hold them.  Rows are sorted by their labels,
 * newest first among equals, and only the first of equals is rendered.
 */

static const char *
nz(const char *s)
{
	return s != NULL ? s : "";
}

/* The zone a server was asked for, as a label: the root is ".". */
static const char *
served_label(const struct tw_server_history *s)
{
	return s->served == NULL || s->served[0] == '\0' ? "." : s->served;
}

static int
server_cmp_labels(const struct tw_server_history *a, const struct tw_server_history *b)
{
	int c;

	if ((c = strcmp(nz(a->zone), nz(b->zone))) != 0)
		return c;
	if ((c = strcmp(served_label(a), served_label(b))) != 0)
		return c;
	if ((c = strcmp(nz(a->name), nz(b->name))) != 0)
		return c;
	if ((c = strcmp(a->address, b->address)) != 0)
		return c;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if (a->transport != b->transport)
		return a->transport < b->transport ? -1 : 1;
	return 0;
}

static int
server_cmp(const void *pa, const void *pb)
{
	const struct tw_server_history *a = *(const struct tw_server_history *const *)pa;
	const struct tw_server_history *b = *(const struct tw_server_history *const *)pb;
	int c = server_cmp_labels(a, b);

	if (c != 0)
		return c;
	if (a->last_round != b->last_round)
		return a->last_round > b->last_round ? -1 : 1;
	return a < b ? -1 : a > b;
}

static int
host_cmp_labels(const struct tw_host_history *a, const struct tw_host_history *b)
{
	int c;

	if ((c = strcmp(nz(a->zone), nz(b->zone))) != 0)
		return c;
	return strcmp(nz(a->name), nz(b->name));
}

static int
host_cmp(const void *pa, const void *pb)
{
	const struct tw_host_history *a = *(const struct tw_host_history *const *)pa;
	const struct tw_host_history *b = *(const struct tw_host_history *const *)pb;
	int c = host_cmp_labels(a, b);

	if (c != 0)
		return c;
	if (a->last_round != b->last_round)
		return a->last_round > b->last_round ? -1 : 1;
	return a < b ? -1 : a > b;
}

static int
zone_cmp(const void *pa, const void *pb)
{
	const struct tw_zone_track *a = *(const struct tw_zone_track *const *)pa;
	const struct tw_zone_track *b = *(const struct tw_zone_track *const *)pb;
	int c = strcmp(nz(a->name), nz(b->name));

	if (c != 0)
		return c;
	return a < b ? -1 : a > b;
}

struct rows {
	const struct tw_zone_track **zones;
	size_t n_zones;
	const struct tw_server_history **servers;
	size_t n_servers;
	struct tw_window_stats *stats; /* of servers[i], computed once per render */
	const struct tw_host_history **hosts;
	size_t n_hosts;
};

static void
rows_free(struct rows *r)
{
	free(r->zones);
	free(r->servers);
	free(r->stats);
	free(r->hosts);
}

static int
rows_init(struct rows *r, const struct tw_state_doc *doc)
{
	const struct tw_tracker *t = doc != NULL ? doc->tracker : NULL;
	const struct tw_history *h = doc != NULL ? doc->history : NULL;
	size_t i, n;

	memset(r, 0, sizeof(*r));
	if (t != NULL && t->n_zones > 0) {
		if ((r->zones = calloc(t->n_zones, sizeof(*r->zones))) == NULL)
			return -1;
		for (i = 0; i < t->n_zones; i++)
			r->zones[i] = &t->zones[i];
		qsort(r->zones, t->n_zones, sizeof(*r->zones), zone_cmp);
		for (i = n = 0; i < t->n_zones; i++)
			if (n == 0 || strcmp(nz(r->zones[n - 1]->name), nz(r->zones[i]->name)) != 0)
				r->zones[n++] = r->zones[i];
		r->n_zones = n;
	}
	if (h != NULL && h->n_servers > 0) {
		if ((r->servers = calloc(h->n_servers, sizeof(*r->servers))) == NULL)
			goto fail;
		for (i = 0; i < h->n_servers; i++)
			r->servers[i] = &h->servers[i];
		qsort(r->servers, h->n_servers, sizeof(*r->servers), server_cmp);
		for (i = n = 0; i < h->n_servers; i++)
			if (n == 0 || server_cmp_labels(r->servers[n - 1], r->servers[i]) != 0)
				r->servers[n++] = r->servers[i];
		r->n_servers = n;
		if ((r->stats = calloc(n, sizeof(*r->stats))) == NULL)
			goto fail;
		for (i = 0; i < n; i++)
			tw_history_stats(&r->servers[i]->ring, &r->stats[i]);
	}
	if (h != NULL && h->n_hosts > 0) {
		if ((r->hosts = calloc(h->n_hosts, sizeof(*r->hosts))) == NULL)
			goto fail;
		for (i = 0; i < h->n_hosts; i++)
			r->hosts[i] = &h->hosts[i];
		qsort(r->hosts, h->n_hosts, sizeof(*r->hosts), host_cmp);
		for (i = n = 0; i < h->n_hosts; i++)
			if (n == 0 || host_cmp_labels(r->hosts[n - 1], r->hosts[i]) != 0)
				r->hosts[n++] = r->hosts[i];
		r->n_hosts = n;
	}
	return 0;
fail:
	rows_free(r);
	memset(r, 0, sizeof(*r));
	return -1;
}

/* ---- families ---- */

static void
zone_labels(FILE *fp, const struct tw_zone_track *z)
{
	fputc('{', fp);
	label(fp, true, "zone", z->name);
}

static void
render_zones(FILE *fp, const struct rows *r, double now)
{
	const struct tw_zone_track *z;
	size_t i;
	int s;

	family(fp, "tldwatch_zone_state", "gauge",
	    "Published state of the zone: 1 for the current state, 0 for the others.");
	for (i = 0; i < r->n_zones; i++) {
		z = r->zones[i];
		for (s = 0; s < TW_STATE_COUNT; s++) {
			fputs("tldwatch_zone_state", fp);
			zone_labels(fp, z);
			label(fp, false, "state", tw_state_str((enum tw_state)s));
			fputc('}', fp);
			value(fp, tw_tracker_zone_state(z) == (enum tw_state)s ? 1 : 0);
		}
	}
	family(fp, "tldwatch_zone_state_code", "gauge",
	    "Published state as a number: up 0, degraded 1, unstable 2, partial 3, down 4, "
	    "unknown 5.");
	for (i = 0; i < r->n_zones; i++) {
		fputs("tldwatch_zone_state_code", fp);
		zone_labels(fp, r->zones[i]);
		fputc('}', fp);
		value(fp, (double)tw_tracker_zone_state(r->zones[i]));
	}
	family(fp, "tldwatch_zone_state_since_timestamp_seconds", "gauge",
	    "When the published state was published (Unix time); 0 before the first round.");
	for (i = 0; i < r->n_zones; i++) {
		z = r->zones[i];
		fputs("tldwatch_zone_state_since_timestamp_seconds", fp);
		zone_labels(fp, z);
		fputc('}', fp);
		value(fp, z->started ? z->published_since : 0);
	}
	family(fp, "tldwatch_zone_flapping", "gauge",
	    "1 while the zone's raw state changes too often (published as unstable).");
	for (i = 0; i < r->n_zones; i++) {
		fputs("tldwatch_zone_flapping", fp);
		zone_labels(fp, r->zones[i]);
		fputc('}', fp);
		value(fp, r->zones[i]->flapping ? 1 : 0);
	}
	family(fp, "tldwatch_zone_outage_seconds", "gauge",
	    "Duration of the current outage (partial or down); 0 when not in an outage.");
	for (i = 0; i < r->n_zones; i++) {
		double d = 0;

		z = r->zones[i];
		if (z->in_outage && now > z->outage_start)
			d = now - z->outage_start;
		fputs("tldwatch_zone_outage_seconds", fp);
		zone_labels(fp, z);
		fputc('}', fp);
		value(fp, d);
	}
	family(fp, "tldwatch_zone_outage_start_timestamp_seconds", "gauge",
	    "Start of the current outage (Unix time); 0 when not in an outage.");
	for (i = 0; i < r->n_zones; i++) {
		z = r->zones[i];
		fputs("tldwatch_zone_outage_start_timestamp_seconds", fp);
		zone_labels(fp, z);
		fputc('}', fp);
		value(fp, z->in_outage ? z->outage_start : 0);
	}
	family(fp, "tldwatch_outage_onset", "gauge",
	    "1 while an outage lasts, labelled with how it began: cliff, ramp, administrative, "
	    "filtering or unclear.");
	for (i = 0; i < r->n_zones; i++) {
		z = r->zones[i];
		if (!z->in_outage || z->onset.shape == TW_ONSET_NONE)
			continue;
		fputs("tldwatch_outage_onset", fp);
		zone_labels(fp, z);
		fprintf(fp, ",shape=\"%s\"}", tw_onset_shape_str(z->onset.shape));
		value(fp, 1);
	}	family(fp, "tldwatch_delegation_findings", "gauge",
	    "Delegation findings of the latest round, per kind (child_only, parent_only, "
	    "no_address, glue_mismatch), over the zone and the zones met below it.  Health notes: "
	    "they never change the state.");
	for (i = 0; i < r->n_zones; i++) {
		unsigned k;

		z = r->zones[i];
		if (!z->delegation_known)
			continue;
		for (k = 0; k < TW_DELEG_KIND_COUNT; k++) {
			fputs("tldwatch_delegation_findings", fp);
			zone_labels(fp, z);
			fprintf(fp, ",kind=\"%s\"}", tw_delegation_kind_str((enum tw_delegation_kind)k));
			value(fp, z->delegation[k]);
		}
	}
}

/* {zone,served,server,address,port,transport,role -- without the closing brace. */
static void
server_labels(FILE *fp, const struct tw_server_history *s)
{
	char port[8];

	snprintf(port, sizeof(port), "%u", (unsigned)s->port);
	fputc('{', fp);
	label(fp, true, "zone", s->zone);
	label(fp, false, "served", served_label(s));
	label(fp, false, "server", s->name);
	label(fp, false, "address", s->address);
	label(fp, false, "port", port);
	label(fp, false, "transport", tw_transport_str(s->transport));
	label(fp, false, "role", tw_result_role_str(s->role));
}

static const struct tw_sample *
newest(const struct tw_ring *ring)
{
	return ring->len > 0 ? tw_history_ring_at(ring, ring->len - 1) : NULL;
}

static bool
server_is_up(const struct tw_server_history *s, const struct tw_sample *smp)
{
	return smp->outcome == TW_OUTCOME_ANSWER ||
	    (s->role == TW_ROLE_ROOT && smp->outcome == TW_OUTCOME_REFERRAL);
}

static void
render_servers(FILE *fp, const struct rows *r)
{
	static const struct {
		const char *q;
		size_t off;
	} quantiles[] = {
		{ "0", offsetof(struct tw_window_stats, rtt_min_ms) },
		{ "0.5", offsetof(struct tw_window_stats, rtt_median_ms) },
		{ "1", offsetof(struct tw_window_stats, rtt_max_ms) },
	};
	const struct tw_server_history *s;
	const struct tw_sample *smp;
	size_t i, q;
	double ms;

	family(fp, "tldwatch_server_up", "gauge",
	    "1 when the server's latest health query got an answer (a referral, for roots).");
	for (i = 0; i < r->n_servers; i++) {
		s = r->servers[i];
		if ((smp = newest(&s->ring)) == NULL)
			continue;
		fputs("tldwatch_server_up", fp);
		server_labels(fp, s);
		fputc('}', fp);
		value(fp, server_is_up(s, smp) ? 1 : 0);
	}
	family(fp, "tldwatch_server_loss_ratio", "gauge",
	    "Unanswered attempts over attempts sent, over the history window (0..1).");
	for (i = 0; i < r->n_servers; i++) {
		s = r->servers[i];
		if (r->stats[i].loss < 0)
			continue;
		fputs("tldwatch_server_loss_ratio", fp);
		server_labels(fp, s);
		fputc('}', fp);
		value(fp, r->stats[i].loss);
	}
	family(fp, "tldwatch_server_window_rounds", "gauge",
	    "Rounds held in the server's history window.");
	for (i = 0; i < r->n_servers; i++) {
		s = r->servers[i];
		fputs("tldwatch_server_window_rounds", fp);
		server_labels(fp, s);
		fputc('}', fp);
		value(fp, (double)s->ring.len);
	}
	/*
	 * A summary: promtool rejects a quantile label on a gauge, and a
	 * summary's quantiles are over a sliding window anyway.  No _sum or
	 * _count: those are cumulative counters, and the view only holds the
	 * window (tldwatch_server_window_rounds says how many rounds).
	 */
	family(fp, "tldwatch_server_rtt_seconds", "summary",
	    "Round-trip time of answered queries over the history window: quantile 0 = min, "
	    "0.5 = median, 1 = max.");
	for (i = 0; i < r->n_servers; i++) {
		s = r->servers[i];
		for (q = 0; q < sizeof(quantiles) / sizeof(quantiles[0]); q++) {
			memcpy(&ms, (const char *)&r->stats[i] + quantiles[q].off, sizeof(ms));
			if (ms < 0)
				continue;
			fputs("tldwatch_server_rtt_seconds", fp);
			server_labels(fp, s);
			label(fp, false, "quantile", quantiles[q].q);
			fputc('}', fp);
			/* Rings keep floats: more than microseconds would be noise. */
			value(fp, round(ms * 1000.0) / 1e6);
		}
	}	family(fp, "tldwatch_server_instance_info", "gauge",
	    "Always 1: the latest NSID and CHAOS identity (hostname.bind or id.server) the server "
	    "gave, as labels (\"\" when it gave none); servers that never gave either are left out.");
	for (i = 0; i < r->n_servers; i++) {
		s = r->servers[i];
		if (s->nsid == NULL && s->identity == NULL)
			continue;
		fputs("tldwatch_server_instance_info", fp);
		server_labels(fp, s);
		label(fp, false, "nsid", s->nsid);
		label(fp, false, "identity", s->identity);
		fputs("} 1\n", fp);
	}
}

static void
render_hosts(FILE *fp, const struct rows *r, const struct tw_view *v)
{
	const struct tw_host_history *hh;
	const struct tw_sample *smp;
	size_t i;

	family(fp, "tldwatch_host_resolved", "gauge",
	    "1 when the host's latest resolution got an authoritative answer with an address.");
	for (i = 0; i < r->n_hosts; i++) {
		hh = r->hosts[i];
		if ((smp = newest(&hh->ring)) == NULL)
			continue;
		fputs("tldwatch_host_resolved", fp);
		fputc('{', fp);
		label(fp, true, "zone", hh->zone);
		label(fp, false, "host", hh->name);
		label(fp, false, "key", tw_view_host_is_key(v, hh->zone, hh->name) ? "true" :
		    "false");
		fputc('}', fp);
		value(fp, smp->answered > 0 ? 1 : 0);
	}
}

static void
render_process(FILE *fp, const struct tw_view *v)
{
	int k;

	family(fp, "tldwatch_build_info", "gauge", "Always 1; the version is a label.");
	fputs("tldwatch_build_info{", fp);
	label(fp, true, "version", TW_VERSION);
	fputs("} 1\n", fp);
	family(fp, "tldwatch_start_time_seconds", "gauge",
	    "When the watcher process started (Unix time).");
	plain(fp, "tldwatch_start_time_seconds", v->started);
	if (v->doc != NULL) {
		family(fp, "tldwatch_interval_seconds", "gauge",
		    "Configured time between round starts.");
		plain(fp, "tldwatch_interval_seconds", (double)v->doc->interval_ms / 1000.0);
	}
	family(fp, "tldwatch_rounds_total", "counter", "Rounds run by this process.");
	plain_u64(fp, "tldwatch_rounds_total", v->rounds_total);
	/* Absent, rather than a made-up 0, until the first round has run. */
	family(fp, "tldwatch_last_round_timestamp_seconds", "gauge",
	    "Start of the latest round (Unix time).");
	if (v->last_round_start > 0)
		plain(fp, "tldwatch_last_round_timestamp_seconds", v->last_round_start);
	family(fp, "tldwatch_round_duration_seconds", "gauge", "Duration of the latest round.");
	if (v->last_round_seconds >= 0)
		plain(fp, "tldwatch_round_duration_seconds", v->last_round_seconds);
	family(fp, "tldwatch_events_total", "counter", "Events emitted by this process, by kind.");
	for (k = 0; k < TW_EVENT_KIND_COUNT; k++) {
		fputs("tldwatch_events_total{", fp);
		label(fp, true, "event", tw_event_kind_str((enum tw_event_kind)k));
		fprintf(fp, "} %" PRIu64 "\n", v->events_total[k]);
	}
	family(fp, "tldwatch_state_write_errors_total", "counter",
	    "Ledger commits that failed (the round waits in memory).");
	plain_u64(fp, "tldwatch_state_write_errors_total", v->state_write_errors_total);
	family(fp, "tldwatch_identity_hidden_servers", "gauge",
	    "Servers that refused their CHAOS identity within watch.identity_recheck: not asked "
	    "it again until then.");
	plain_u64(fp, "tldwatch_identity_hidden_servers", v->identity_hidden);
}

int
tw_metrics_render(const struct tw_view *view, FILE *fp)
{
	struct rows r;

	if (rows_init(&r, view->doc) != 0)
		return -1;
	render_process(fp, view);
	render_zones(fp, &r, view->now);
	render_servers(fp, &r);
	render_hosts(fp, &r, view);
	rows_free(&r);
	if (fflush(fp) != 0 || ferror(fp))
		return -1;
	return 0;
}
