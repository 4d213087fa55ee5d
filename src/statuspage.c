/*
 * statuspage.c -- the watcher's view as one self-contained HTML5 page:
 * zone verdicts, a DNSMON-style heat map per zone, the event timeline.
 * Inline CSS only; every string from the view goes through tw_escape_html().
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tldwatch/clock.h"
#include "tldwatch/escape.h"
#include "tldwatch/ledger_read.h"
#include "tldwatch/history.h"
#include "tldwatch/statuspage.h"
#include "tldwatch/text.h"
#include "tldwatch/tracker.h"

#define MIN_REFRESH_S 5
#define EVENTS_SHOWN 200
#define RIBBON_HOURS (7 * 24)
#define OUTAGES_SHOWN 10

/* ${s} as the tail of an id: letters, digits, '-', '_' and '.' kept, the rest '_'. */
static void
id_put(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");

	if (*p == '\0')
		fputc('_', fp);
	for (; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.')
			fputc(*p, fp);
		else
			fputc('_', fp);
	}
}

/* ---- small formatters ---- */

static void
time_put(FILE *fp, double t)
{
	char iso[40];

	tw_clock_iso(t, iso, sizeof(iso));
	fprintf(fp, "<time datetime=\"%s\">%s</time>", iso, iso);
}

static void
state_put(FILE *fp, enum tw_state s)
{
	const char *name = tw_state_str(s);

	fprintf(fp, "<span class=\"state state-%s\">%s</span>", name, name);
}

/* ---- the page ---- */

static const char css[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:1em 2em;color:#222;background:#fafafa}\n"
	"h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.2em;margin:.2em 0}\n"
	"section{margin:1em 0 1.5em}\n"
	".zone{border-left:6px solid #999;padding-left:.8em}\n"
	".zone.zone-up{border-color:#2e9e44}.zone.zone-degraded{border-color:#e0a000}\n"
	".zone.zone-unstable{border-color:#d46a00}.zone.zone-partial{border-color:#d9480f}\n"
	".zone.zone-down{border-color:#c92a2a}.zone.zone-unknown{border-color:#868e96}\n"
	".state{display:inline-block;padding:0 .5em;border-radius:3px;color:#fff;"
	"font-weight:bold}\n"
	".state-up{background:#2e9e44}.state-degraded{background:#e0a000}\n"
	".state-unstable{background:#d46a00}.state-partial{background:#d9480f}\n"
	".state-down{background:#c92a2a}.state-unknown{background:#868e96}\n"
	".diagnosis{font-family:monospace}.flapping{color:#d46a00;font-weight:bold}\n"
	"table{border-collapse:collapse}th,td{padding:1px 6px;text-align:left;"
	"white-space:nowrap}\n"
	".heatmap td.cell,.heatmap th.round{padding:0;width:10px;min-width:10px;height:16px}\n"
	".heatmap td.cell{border:1px solid #fff}\n"
	".cell.ok{background:#2e9e44}.cell.lossy{background:#f08c00}\n"
	".cell.timeout{background:#c92a2a}.cell.error{background:#7048e8}\n"
	".cell.nodata{background:#ced4da}\n"
	".legend span.cell{display:inline-block;width:12px;height:12px;"
	"margin:0 4px 0 12px;vertical-align:middle}\n"
	"#events td,#events th{border-bottom:1px solid #ddd}\n"
	"#events td.diagnosis{white-space:normal}\n"
	/*
	 * A wide heat map scrolls in its own box, not the page; the box is
	 * right-to-left so it opens on the newest rounds, the table inside
	 * stays left-to-right and left-aligned.
	 */
	".heatwrap{overflow-x:auto;max-width:100%;direction:rtl}\n"
	".heatwrap table{direction:ltr;margin-right:auto}\n"
	".muted{color:#777}\n"
	/* the seven-day ribbon: one cell per hour, the worst published state in it */
	".ribbon{display:flex;margin:.4em 0}.ribbon span{width:4px;height:14px;"
	"margin-right:1px;background:#e9ecef}\n"
	".ribbon .h-up{background:#2e9e44}.ribbon .h-degraded{background:#e0a000}\n"
	".ribbon .h-unstable{background:#d46a00}.ribbon .h-partial{background:#d9480f}\n"
	".ribbon .h-down{background:#c92a2a}.ribbon .h-unknown{background:#868e96}\n"
	"table.outages td,table.outages th{border-bottom:1px solid #ddd}\n";

/* The round columns shared by every heat map: [first, last]; none when last == 0. */
struct columns {
	uint64_t first, last;
	uint64_t shown_max;     /* cap, so a huge window cannot make a huge page */
};

static void
columns_find(const struct tw_history *h, struct columns *c)
{
	const struct tw_sample *smp;
	uint64_t lo = UINT64_MAX, hi = 0;
	size_t i;

	memset(c, 0, sizeof(*c));
	c->shown_max = TW_STATUSPAGE_MAX_COLUMNS;
	if (h == NULL)
		return;
	for (i = 0; i < h->n_servers + h->n_hosts; i++) {
		const struct tw_ring *ring = i < h->n_servers ? &h->servers[i].ring :
		    &h->hosts[i - h->n_servers].ring;

		if (ring->len == 0)
			continue;
		smp = tw_history_ring_at(ring, 0);
		if (smp->round < lo)
			lo = smp->round;
		smp = tw_history_ring_at(ring, ring->len - 1);
		if (smp->round > hi)
			hi = smp->round;
	}
	if (hi == 0 || lo > hi)
		return;
	if (h->window > 0 && hi - lo >= h->window)
		lo = hi - h->window + 1;
	if (hi - lo >= c->shown_max)
		lo = hi - c->shown_max + 1;
	c->first = lo;
	c->last = hi;
}

enum cell_kind { CELL_OK, CELL_LOSSY, CELL_TIMEOUT, CELL_ERROR, CELL_NODATA };

static const char *const cell_names[] = { "ok", "lossy", "timeout", "error", "nodata" };

static enum cell_kind
server_cell(const struct tw_sample *smp)
{
	enum tw_outcome o = (enum tw_outcome)smp->outcome;

	if (o == TW_OUTCOME_NONE)
		return CELL_NODATA;
	if (o == TW_OUTCOME_TIMEOUT || o == TW_OUTCOME_UNREACHABLE)
		return CELL_TIMEOUT;
	if (!tw_outcome_is_useful(o))
		return CELL_ERROR;
	return smp->answered < smp->sent ? CELL_LOSSY : CELL_OK;
}

static enum cell_kind
host_cell(const struct tw_sample *smp)
{
	enum tw_outcome o = (enum tw_outcome)smp->outcome;

	if (smp->answered > 0)
		return CELL_OK;
	if (o == TW_OUTCOME_NONE)
		return CELL_NODATA;
	if (o == TW_OUTCOME_TIMEOUT || o == TW_OUTCOME_UNREACHABLE)
		return CELL_TIMEOUT;
	return CELL_ERROR;
}

/* One row's cells: walks ${ring} (oldest first) along the columns. */
static void
cells_put(FILE *fp, const struct tw_ring *ring, const struct columns *c, bool host)
{
	const struct tw_sample *smp;
	unsigned i = 0;
	uint64_t r;
	enum cell_kind k;

	for (r = c->first; r <= c->last && r != 0; r++) {
		smp = NULL;
		while (i < ring->len && tw_history_ring_at(ring, i)->round < r)
			i++;
		if (i < ring->len && tw_history_ring_at(ring, i)->round == r)
			smp = tw_history_ring_at(ring, i);
		if (smp == NULL) {
			fprintf(fp, "<td class=\"cell nodata\" title=\"round %llu: no data\"></td>",
			    (unsigned long long)r);
			continue;
		}
		k = host ? host_cell(smp) : server_cell(smp);
		fprintf(fp, "<td class=\"cell %s\" title=\"round %llu: ", cell_names[k],
		    (unsigned long long)r);
		if (host)
			fprintf(fp, "%s (%s)", smp->answered > 0 ? "resolved" : "not resolved",
			    tw_outcome_str((enum tw_outcome)smp->outcome));
		else {
			fprintf(fp, "%s, %u/%u answered",
			    tw_outcome_str((enum tw_outcome)smp->outcome),
			    (unsigned)smp->answered, (unsigned)smp->sent);
			if (smp->rtt_ms >= 0)
				fprintf(fp, ", rtt %.1f ms", (double)smp->rtt_ms);
		}
		fputs("\"></td>", fp);
	}
}

static const char *
nz(const char *s)
{
	return s != NULL ? s : "";
}

/* Servers of a heat map: by role (zone before child), served zone, name, address. */
static int
server_cmp(const void *pa, const void *pb)
{
	const struct tw_server_history *a = *(const struct tw_server_history *const *)pa;
	const struct tw_server_history *b = *(const struct tw_server_history *const *)pb;
	int c;

	if (a->role != b->role)
		return a->role < b->role ? -1 : 1;
	if ((c = strcmp(nz(a->served), nz(b->served))) != 0)
		return c;
	if ((c = strcmp(nz(a->name), nz(b->name))) != 0)
		return c;
	if ((c = strcmp(a->address, b->address)) != 0)
		return c;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if (a->transport != b->transport)
		return a->transport < b->transport ? -1 : 1;
	return a < b ? -1 : a > b;
}

static void
heat_head(FILE *fp, const char *id, const struct columns *c)
{
	uint64_t r;

	fputs("<div class=\"heatwrap\">\n<table class=\"heatmap\" id=\"heatmap-", fp);
	id_put(fp, id);
	fputs("\">\n<caption class=\"muted\">", fp);
	if (c->last == 0)
		fputs("no rounds yet", fp);
	else
		fprintf(fp, "rounds %llu to %llu, oldest left", (unsigned long long)c->first,
		    (unsigned long long)c->last);
	fputs("</caption>\n<thead><tr><th>role</th><th>server</th><th>address</th>"
	    "<th>transport</th><th>zone served</th>", fp);
	for (r = c->first; r <= c->last && r != 0; r++)
		fprintf(fp, "<th class=\"round\" title=\"round %llu\"></th>",
		    (unsigned long long)r);
	fputs("</tr></thead>\n<tbody>\n", fp);
}

/* "delegation: 1 child_only, 1 no_address" when the latest round found any. */
static void
delegation_put(const struct tw_zone_track *z, FILE *fp)
{
	const char *sep = "";
	unsigned k;

	for (k = 0; z->delegation_known && k < TW_DELEG_KIND_COUNT; k++) {
		if (z->delegation[k] == 0)
			continue;
		fprintf(fp, "%s%u %s", sep[0] == '\0' ? "<p class=\"delegation\">delegation: " : sep,
		    z->delegation[k], tw_delegation_kind_str((enum tw_delegation_kind)k));
		sep = ", ";
	}
	if (sep[0] != '\0')
		fputs("</p>\n", fp);
}

/* A server cell's hover text: its latest known NSID and identity, when it gave either. */
static void
instance_title(FILE *fp, const struct tw_server_history *s)
{
	if (s->nsid == NULL && s->identity == NULL)
		return;
	fputs(" title=\"nsid ", fp);
	tw_escape_html(fp, s->nsid != NULL ? s->nsid : "-");
	fputs(", identity ", fp);
	tw_escape_html(fp, s->identity != NULL ? s->identity : "-");
	fputc('"', fp);
}

/*
 * The heat map of the rows whose monitored zone is ${zone} ("" = the
 * roots, which every zone shares).  -1 on allocation failure.
 */
static int
heatmap_put(FILE *fp, const struct tw_history *h, const char *zone, const char *id,
    const struct columns *c)
{
	const struct tw_server_history **rows = NULL, *s;
	const struct tw_host_history *hh;
	size_t i, n = 0;

	if (h != NULL && h->n_servers > 0 &&
	    (rows = calloc(h->n_servers, sizeof(*rows))) == NULL)
		return -1;
	for (i = 0; h != NULL && i < h->n_servers; i++)
		if (strcmp(nz(h->servers[i].zone), zone) == 0)
			rows[n++] = &h->servers[i];
	if (n > 0)
		qsort(rows, n, sizeof(*rows), server_cmp);
	heat_head(fp, id, c);
	for (i = 0; i < n; i++) {
		s = rows[i];
		fprintf(fp, "<tr class=\"server role-%s\"><td>%s</td><td", tw_result_role_str(s->role),
		    tw_result_role_str(s->role));
		instance_title(fp, s);
		fputc('>', fp);
		if (s->name != NULL)
			tw_escape_html(fp, s->name);
		else
			fputs("<span class=\"muted\">(address only)</span>", fp);
		fputs("</td><td>", fp);
		tw_escape_html(fp, s->address);
		fprintf(fp, " port %u</td><td>%s</td><td>", (unsigned)s->port,
		    tw_transport_str(s->transport));
		tw_escape_html(fp, s->served == NULL || s->served[0] == '\0' ? "." : s->served);
		fputs("</td>", fp);
		cells_put(fp, &s->ring, c, false);
		fputs("</tr>\n", fp);
	}
	for (i = 0; h != NULL && i < h->n_hosts; i++) {
		hh = &h->hosts[i];
		if (strcmp(nz(hh->zone), zone) != 0)
			continue;
		fputs("<tr class=\"host\"><td>host</td><td colspan=\"4\">", fp);
		tw_escape_html(fp, hh->name);
		fputs("</td>", fp);
		cells_put(fp, &hh->ring, c, true);
		fputs("</tr>\n", fp);
	}
	fputs("</tbody>\n</table>\n</div>\n", fp);
	free(rows);
	return 0;
}

/* The zone's label ("North Korea (lab)") from the configuration, or NULL. */
static const char *
zone_label(const struct tw_view *v, const char *zone)
{
	const struct tw_zone_cfg *z = tw_view_zone(v, zone);

	return z != NULL ? z->label : NULL;
}

/*
 * The state an hour shows: the worst published state it held (blind time
 * counts only when nothing else was seen), or none without data.
 */
static int
hour_state(const struct tw_ledger_read_bucket *b)
{
	static const enum tw_state worst_first[] = { TW_STATE_DOWN, TW_STATE_PARTIAL,
		TW_STATE_UNSTABLE, TW_STATE_DEGRADED, TW_STATE_UP, TW_STATE_UNKNOWN };
	size_t i;

	for (i = 0; i < sizeof(worst_first) / sizeof(worst_first[0]); i++)
		if (b->seconds[worst_first[i]] > 0)
			return (int)worst_first[i];
	return -1;
}

/* The last seven days of ${zone}, an hour a cell, oldest left (from the ledger's rollups). */
static void
ribbon_put(FILE *fp, const struct tw_view *v, const char *zone)
{
	struct tw_ledger_read_bucket *b = NULL;
	struct tw_error err;
	double first = tw_timeline_bucket(v->now, TW_TIMELINE_HOUR) - (RIBBON_HOURS - 1) * 3600.0;
	double hour;
	size_t n = 0, k = 0, h;
	char iso[40], span[40];
	int st, s;

	memset(&err, 0, sizeof(err));
	if (tw_ledger_read_summary(v->ledger, zone, first, -1, TW_TIMELINE_HOUR, &b, &n, &err) != 0)
		return;
	fputs("<div class=\"ribbon\" title=\"the last 7 days, an hour a cell\">", fp);
	for (h = 0; h < RIBBON_HOURS; h++) {
		hour = first + (double)h * 3600.0;
		while (k < n && b[k].start < hour)
			k++;
		tw_clock_iso(hour, iso, sizeof(iso));
		if (k >= n || b[k].start != hour || (st = hour_state(&b[k])) < 0) {
			fprintf(fp, "<span class=\"h-none\" title=\"%s: no rounds\"></span>", iso);
			continue;
		}
		fprintf(fp, "<span class=\"h-%s\" title=\"%s:", tw_state_str((enum tw_state)st), iso);
		for (s = 0; s < TW_STATE_COUNT; s++)
			if (b[k].seconds[s] > 0)
				fprintf(fp, " %s %s", tw_state_str((enum tw_state)s),
				    tw_text_span(b[k].seconds[s], span, sizeof(span)));
		fputs("\"></span>", fp);
	}
	fputs("</div>\n", fp);
	tw_ledger_read_summary_free(b, n);
}

/* The zone's latest outages, newest first: when, how long, who came back first. */
static void
outages_put(FILE *fp, const struct tw_view *v, const char *zone)
{
	struct tw_outage *o = NULL;
	struct tw_error err;
	size_t n = 0, i, k, shown = 0;
	char a[40], b[40];

	memset(&err, 0, sizeof(err));
	if (tw_ledger_read_outages(v->ledger, zone, 0, -1, &o, &n, &err) != 0)
		return;
	if (n == 0) {
		fputs("<p class=\"muted no-outages\">no outage in the ledger</p>\n", fp);
		return;
	}
	fputs("<table class=\"outages\">\n<thead><tr><th>outage</th><th>began</th><th>lasted</th>"
	    "<th>back, in order</th></tr></thead>\n<tbody>\n", fp);
	for (i = n; i-- > 0 && shown < OUTAGES_SHOWN; shown++) {
		fprintf(fp, "<tr class=\"outage%s\"><td>%u</td><td>", o[i].ongoing ? " ongoing" : "",
		    o[i].number);
		time_put(fp, o[i].start);
		if (o[i].ongoing)
			fprintf(fp, "</td><td>ongoing, %s so far</td><td>",
			    tw_text_span(o[i].seconds, a, sizeof(a)));
		else
			fprintf(fp, "</td><td title=\"%.3f s, within %.3f s\">%s (&plusmn; %s)</td><td>",
			    o[i].seconds, o[i].uncertainty, tw_text_span(o[i].seconds, a, sizeof(a)),
			    tw_text_span(o[i].uncertainty, b, sizeof(b)));
		for (k = 0; k < o[i].n_order; k++) {
			if (k > 0)
				fputs(" &rarr; ", fp);
			tw_escape_html(fp, o[i].hosts[o[i].order[k]].name);
		}
		fputs("</td></tr>\n", fp);
	}
	fputs("</tbody>\n</table>\n", fp);
	tw_ledger_read_outages_free(o, n);
}

static int
zone_put(FILE *fp, const struct tw_view *v, const struct tw_zone_track *z,
    const struct columns *c)
{
	enum tw_state st = tw_tracker_zone_state(z);
	const char *label = zone_label(v, nz(z->name));
	char a[40];

	fprintf(fp, "<section class=\"zone zone-%s\" id=\"zone-", tw_state_str(st));
	id_put(fp, z->name);
	fputs("\">\n<h2><span class=\"zone-name\">", fp);
	tw_escape_html(fp, z->name);
	fputs("</span> ", fp);
	state_put(fp, st);
	if (label != NULL) {
		fputs(" <span class=\"zone-label muted\">", fp);
		tw_escape_html(fp, label);
		fputs("</span>", fp);
	}
	fputs("</h2>\n", fp);
	if (z->started) {
		fputs("<p class=\"since\">since ", fp);
		time_put(fp, z->published_since);
		fprintf(fp, " (%s)", tw_text_span(v->now - z->published_since, a, sizeof(a)));
		if ((unsigned)z->last_raw < TW_STATE_COUNT && z->last_raw != st) {
			fputs("; latest round: ", fp);
			state_put(fp, z->last_raw);
		}
		fputs("</p>\n", fp);
	} else {
		fputs("<p class=\"since muted\">no state published yet</p>\n", fp);
	}
	if (z->in_outage) {
		fputs("<p class=\"outage\">in an outage since ", fp);
		time_put(fp, z->outage_start);
		fprintf(fp, ", for <span class=\"outage-duration\">%s</span></p>\n",
		    tw_text_span(v->now - z->outage_start, a, sizeof(a)));
		if (z->onset.shape != TW_ONSET_NONE) {
			fprintf(fp, "<p class=\"onset\">how it began: <b>%s</b>: ",
			    tw_onset_shape_str(z->onset.shape));
			tw_escape_html(fp, z->onset.evidence);
			fputs("</p>\n", fp);
		}
	}
	if (z->flapping)
		fputs("<p class=\"flapping\">flapping: the raw state keeps changing</p>\n", fp);
	delegation_put(z, fp);
	fputs("<p class=\"diagnosis\">", fp);
	if (z->diagnosis != NULL)
		tw_escape_html(fp, z->diagnosis);
	else
		fputs("<span class=\"muted\">no diagnosis</span>", fp);
	fputs("</p>\n", fp);
	if (v->ledger != NULL) {
		ribbon_put(fp, v, nz(z->name));
		outages_put(fp, v, nz(z->name));
	}
	if (heatmap_put(fp, v->doc->history, nz(z->name), nz(z->name), c) != 0)
		return -1;
	fputs("</section>\n", fp);
	return 0;
}

static void
legend_put(FILE *fp)
{
	fputs("<section id=\"legend\" class=\"legend\"><h2>Legend</h2><p>"
	    "<span class=\"cell ok\"></span>answered"
	    "<span class=\"cell lossy\"></span>answered with loss"
	    "<span class=\"cell timeout\"></span>timeout or unreachable"
	    "<span class=\"cell error\"></span>error (refused, servfail, lame, malformed...)"
	    "<span class=\"cell nodata\"></span>no data</p>\n"
	    "<p class=\"muted\">Hosts: answered = resolved to an address.  "
	    "Hover a cell for its round, outcome and RTT.</p></section>\n", fp);
}

static void
state_cell(FILE *fp, enum tw_state st)
{
	const char *s = tw_state_str(st);

	fputs("<span class=\"state state-", fp);
	id_put(fp, s);
	fputs("\">", fp);
	tw_escape_html(fp, s);
	fputs("</span>", fp);
}

static void
events_put(FILE *fp, const struct tw_event_ring *ring)
{
	const struct tw_event *ev;
	size_t i, n = ring != NULL ? ring->len : 0, shown = 0;
	char iso[40], buf[40];

	fputs("<section id=\"events\"><h2>Events</h2>\n", fp);
	if (n == 0) {
		fputs("<p class=\"muted\" id=\"no-events\">no events</p>\n</section>\n", fp);
		return;
	}
	fputs("<table>\n<thead><tr><th>time</th><th>zone</th><th>event</th><th>from</th>"
	    "<th></th><th>to</th><th>outage</th><th>diagnosis</th></tr></thead>\n<tbody>\n", fp);
	/* The ring is oldest first; people want the newest on top. */
	for (i = n; i-- > 0 && shown < EVENTS_SHOWN;) {
		ev = tw_event_ring_at(ring, i);
		shown++;
		fputs("<tr class=\"event event-", fp);
		id_put(fp, tw_event_kind_str(ev->kind));
		fputs("\"><td>", fp);
		tw_escape_html(fp, tw_clock_iso(ev->time, iso, sizeof(iso)));
		fputs("</td><td>", fp);
		tw_escape_html(fp, ev->zone);
		fputs("</td><td class=\"event-name\">", fp);
		tw_escape_html(fp, tw_event_kind_str(ev->kind));
		fputs("</td><td>", fp);
		state_cell(fp, ev->from);
		fputs("</td><td>&rarr;</td><td>", fp);
		state_cell(fp, ev->to);
		fputs("</td><td class=\"outage-seconds\"", fp);
		if (ev->has_outage_seconds) {
			/* As the event's JSON gives it: to the millisecond. */
			double secs = (double)(long long)(ev->outage_seconds * 1000.0 + 0.5) / 1000.0;

			fprintf(fp, " title=\"%.3f s\">%s", secs,
			    tw_text_span(secs, buf, sizeof(buf)));
		} else {
			fputc('>', fp);
		}
		fputs("</td><td class=\"diagnosis\">", fp);
		tw_escape_html(fp, ev->diagnosis);
		fputs("</td></tr>\n", fp);
	}
	fputs("</tbody>\n</table>\n</section>\n", fp);
}

/* Whether an earlier zone of ${t} has the same name as zone ${i} (a duplicate id). */
static bool
seen_before(const struct tw_tracker *t, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (strcmp(nz(t->zones[j].name), nz(t->zones[i].name)) == 0)
			return true;
	return false;
}

static bool
has_roots(const struct tw_history *h)
{
	size_t i;

	for (i = 0; h != NULL && i < h->n_servers; i++)
		if (nz(h->servers[i].zone)[0] == '\0')
			return true;
	return false;
}

int
tw_statuspage_render(const struct tw_view *v, FILE *fp)
{
	const struct tw_state_doc *doc = v->doc;
	const struct tw_tracker *t = doc != NULL ? doc->tracker : NULL;
	const struct tw_history *h = doc != NULL ? doc->history : NULL;
	struct columns c;
	enum tw_state all = tw_tracker_overall(t);
	unsigned refresh;
	char a[40];
	size_t i;
	int rc = -1;

	refresh = doc != NULL ? (doc->interval_ms + 999) / 1000 : 0;
	if (refresh < MIN_REFRESH_S)
		refresh = MIN_REFRESH_S;
	columns_find(h, &c);

	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"refresh\" content=\"%u\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<title>tldwatch: %s</title>\n<style>\n%s</style>\n</head>\n<body>\n",
	    refresh, tw_state_str(all), css);
	fputs("<header id=\"summary\">\n<h1>tldwatch ", fp);
	state_put(fp, all);
	fputs("</h1>\n<p class=\"muted\">rendered ", fp);
	time_put(fp, v->now);
	if (v->last_round_start > 0) {
		fputs("; latest round ", fp);
		time_put(fp, v->last_round_start);
		if (v->last_round_seconds >= 0)
			fprintf(fp, " took %.3f s", v->last_round_seconds);
	}
	if (t != NULL)
		fprintf(fp, "; round %llu", (unsigned long long)t->rounds);
	fprintf(fp, "; watcher up %s; refreshes every %u s</p>\n</header>\n",
	    tw_text_span(v->now - v->started, a, sizeof(a)), refresh);

	if (v->ledger != NULL) {
		struct tw_error err;

		memset(&err, 0, sizeof(err));
		(void)tw_ledger_read_begin(v->ledger, &err);
	}
	if (t == NULL || t->n_zones == 0)
		fputs("<p class=\"muted\" id=\"no-zones\">no zone state yet</p>\n", fp);
	for (i = 0; t != NULL && i < t->n_zones; i++) {
		if (seen_before(t, i))
			continue;
		if (zone_put(fp, v, &t->zones[i], &c) != 0)
			goto out;
	}
	if (has_roots(h)) {
		fputs("<section class=\"roots\" id=\"roots\">\n<h2>Root servers "
		    "<span class=\"muted\">(control: shared by every zone)</span></h2>\n", fp);
		if (heatmap_put(fp, h, "", "roots", &c) != 0)
			goto out;
		fputs("</section>\n", fp);
	}
	legend_put(fp);
	events_put(fp, doc != NULL ? doc->events : NULL);
	fputs("</body>\n</html>\n", fp);
	rc = 0;
out:
	if (v->ledger != NULL)
		tw_ledger_read_end(v->ledger);
	if (fflush(fp) != 0 || ferror(fp))
		rc = -1;
	return rc;
}
