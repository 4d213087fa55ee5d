/*
 * recall.c -- history and report from the ledger (see recall.h).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tldwatch/clock.h"
#include "tldwatch/escape.h"
#include "tldwatch/ledger_read.h"
#include "tldwatch/recall.h"
#include "tldwatch/story.h"
#include "tldwatch/text.h"

#define JSON_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))

static double
ms(double v)
{
	return round(v * 1000.0) / 1000.0;
}

static int
put_json(json_t *v, FILE *fp, const char *path, struct tw_error *err)
{
	int rc = 0;

	if (v == NULL || json_dumpf(v, fp, JSON_FLAGS) != 0 || fputc('\n', fp) == EOF) {
		tw_error_set(err, path, 0, 0, "out of memory or a write error");
		rc = -1;
	}
	json_decref(v);
	return rc;
}

/* The zones asked about: the one named, or every zone the ledger knows. */
static int
zones_of(struct tw_ledger *l, const struct tw_recall_opts *o, char ***z, size_t *n,
    struct tw_error *err)
{
	if (o->zone == NULL)
		return tw_ledger_read_zones(l, z, n, err);
	if ((*z = calloc(1, sizeof(**z))) == NULL || ((*z)[0] = strdup(o->zone)) == NULL) {
		free(*z);
		tw_error_set(err, tw_ledger_path(l), 0, 0, "out of memory");
		return -1;
	}
	*n = 1;
	return 0;
}

static void
zones_free(char **z, size_t n)
{
	size_t i;

	for (i = 0; z != NULL && i < n; i++)
		free(z[i]);
	free(z);
}

/* ---- history: periods ---- */

static double
period_seconds(const struct tw_timeline_period *p, double now)
{
	double end = p->open ? now : p->end;

	return end > p->start ? end - p->start : 0;
}

static void
period_text(FILE *fp, const char *zone, const struct tw_timeline_period *p, double now,
    size_t width)
{
	char a[40], b[40], c[40];

	tw_escape_term(fp, zone[0] != '\0' ? zone : ".");
	fprintf(fp, "%*s  %-9s %s  %-24s  %-8s", (int)(width - strlen(zone[0] != '\0' ? zone : ".")),
	    "", tw_state_str(p->state), tw_clock_iso(p->start, a, sizeof(a)),
	    p->open ? "(lasting)" : tw_clock_iso(p->end, b, sizeof(b)),
	    tw_text_span(period_seconds(p, now), c, sizeof(c)));
	if (p->diagnosis != NULL) {
		fputs("  ", fp);
		tw_escape_term(fp, p->diagnosis);
	}
	fputc('\n', fp);
}

static json_t *
period_json(const char *zone, const struct tw_timeline_period *p, double now)
{
	char a[40], b[40];

	return json_pack("{s:o, s:s, s:s, s:o, s:f, s:o}", "zone", tw_escape_json(zone),
	    "state", tw_state_str(p->state), "start", tw_clock_iso(p->start, a, sizeof(a)),
	    "end", p->open ? json_null() : json_string(tw_clock_iso(p->end, b, sizeof(b))),
	    "seconds", ms(period_seconds(p, now)), "diagnosis", tw_escape_json(p->diagnosis));
}

static void
period_csv(FILE *fp, const char *zone, const struct tw_timeline_period *p, double now)
{
	char a[40], b[40];

	tw_escape_csv(fp, zone);
	fprintf(fp, ",%s,%s,%s,%.3f,", tw_state_str(p->state), tw_clock_iso(p->start, a, sizeof(a)),
	    p->open ? "" : tw_clock_iso(p->end, b, sizeof(b)), ms(period_seconds(p, now)));
	if (p->diagnosis != NULL)
		tw_escape_csv(fp, p->diagnosis);
	fputs("\r\n", fp);
}

static int
history_periods(struct tw_ledger *l, const struct tw_recall_opts *o, FILE *fp,
    struct tw_error *err)
{
	struct tw_timeline_round *r = NULL;
	struct tw_timeline_period *p = NULL;
	json_t *list = NULL;
	char **zones = NULL;
	size_t nz = 0, nr = 0, np = 0, i, k, width = 4;
	int rc = -1;

	if (zones_of(l, o, &zones, &nz, err) != 0)
		return -1;
	for (i = 0; i < nz; i++)
		if (strlen(zones[i]) > width)
			width = strlen(zones[i]);
	if (o->format == TW_FORMAT_JSON && (list = json_array()) == NULL)
		goto oom;
	if (o->format == TW_RECALL_CSV)
		fputs("zone,state,start,end,seconds,diagnosis\r\n", fp);
	else if (o->format == TW_FORMAT_TEXT)
		fprintf(fp, "%-*s  %-9s %-24s  %-24s  %-8s  %s\n", (int)width, "zone", "state",
		    "start", "end", "for", "diagnosis");
	for (i = 0; i < nz; i++) {
		if (tw_ledger_read_timeline(l, zones[i], o->since, o->until, &r, &nr, err) != 0)
			goto out;
		if (tw_timeline_periods(r, nr, o->now, o->since, o->until, &p, &np) != 0) {
			tw_ledger_read_timeline_free(r, nr);
			goto oom;
		}
		for (k = 0; k < np; k++) {
			if (o->format == TW_FORMAT_JSON) {
				if (json_array_append_new(list, period_json(zones[i], &p[k], o->now)) != 0)
					break;
			} else if (o->format == TW_RECALL_CSV)
				period_csv(fp, zones[i], &p[k], o->now);
			else
				period_text(fp, zones[i], &p[k], o->now, width);
		}
		tw_timeline_periods_free(p, np);
		tw_ledger_read_timeline_free(r, nr);
		if (k < np)
			goto oom;
	}
	rc = o->format == TW_FORMAT_JSON ? put_json(list, fp, tw_ledger_path(l), err) : 0;
	list = NULL;
	goto out;
oom:
	tw_error_set(err, tw_ledger_path(l), 0, 0, "out of memory");
out:
	json_decref(list);
	zones_free(zones, nz);
	return rc;
}

/* ---- history: summary ---- */

/* Up, degraded or unstable, of the time observed (unknown is not observed). */
static double
availability(const struct tw_ledger_read_bucket *b)
{
	double good = b->seconds[TW_STATE_UP] + b->seconds[TW_STATE_DEGRADED] +
	    b->seconds[TW_STATE_UNSTABLE];
	double seen = good + b->seconds[TW_STATE_PARTIAL] + b->seconds[TW_STATE_DOWN];

	return seen > 0 ? 100.0 * good / seen : -1;
}

static int
history_summary(struct tw_ledger *l, const struct tw_recall_opts *o, FILE *fp,
    struct tw_error *err)
{
	struct tw_ledger_read_bucket *b = NULL;
	json_t *list = NULL, *secs, *v;
	size_t n = 0, i;
	char a[40], sp[TW_STATE_COUNT][40];
	double av;
	int s, rc = -1;

	if (tw_ledger_read_summary(l, o->zone, o->since, o->until, o->by, &b, &n, err) != 0)
		return -1;
	if (o->format == TW_FORMAT_JSON && (list = json_array()) == NULL)
		goto oom;
	if (o->format == TW_RECALL_CSV)
		fputs("zone,period,start,up,degraded,unstable,partial,down,unknown,availability\r\n",
		    fp);
	else if (o->format == TW_FORMAT_TEXT)
		fprintf(fp, "%-8s %-24s  %8s %8s %8s %8s %8s %8s  %s\n", "zone", "start", "up",
		    "degraded", "unstable", "partial", "down", "unknown", "available");
	for (i = 0; i < n; i++) {
		av = availability(&b[i]);
		tw_clock_iso(b[i].start, a, sizeof(a));
		if (o->format == TW_FORMAT_JSON) {
			if ((secs = json_object()) == NULL)
				goto oom;
			for (s = 0; s < TW_STATE_COUNT; s++)
				json_object_set_new(secs, tw_state_str((enum tw_state)s),
				    json_real(ms(b[i].seconds[s])));
			v = json_pack("{s:o, s:s, s:s, s:o, s:o}", "zone", tw_escape_json(b[i].zone),
			    "period", tw_timeline_by_str(o->by), "start", a, "seconds", secs,
			    "availability", av >= 0 ? json_real(round(av * 1000.0) / 1000.0) :
			    json_null());
			if (v == NULL || json_array_append_new(list, v) != 0)
				goto oom;
		} else if (o->format == TW_RECALL_CSV) {
			tw_escape_csv(fp, b[i].zone);
			fprintf(fp, ",%s,%s", tw_timeline_by_str(o->by), a);
			for (s = 0; s < TW_STATE_COUNT; s++)
				fprintf(fp, ",%.3f", ms(b[i].seconds[s]));
			if (av >= 0)
				fprintf(fp, ",%.3f\r\n", av);
			else
				fputs(",\r\n", fp);
		} else {
			tw_escape_term(fp, b[i].zone);
			fprintf(fp, "%*s %-24s ", (int)(8 - (strlen(b[i].zone) < 8 ?
			    strlen(b[i].zone) : 8)), "", a);
			for (s = 0; s < TW_STATE_COUNT; s++)
				fprintf(fp, " %8s", tw_text_span(b[i].seconds[s], sp[s], sizeof(sp[s])));
			if (av >= 0)
				fprintf(fp, "  %.3f%%\n", av);
			else
				fputs("  -\n", fp);
		}
	}
	rc = o->format == TW_FORMAT_JSON ? put_json(list, fp, tw_ledger_path(l), err) : 0;
	list = NULL;
	goto out;
oom:
	tw_error_set(err, tw_ledger_path(l), 0, 0, "out of memory");
out:
	json_decref(list);
	tw_ledger_read_summary_free(b, n);
	return rc;
}

int
tw_recall_history(struct tw_ledger *l, const struct tw_recall_opts *o, FILE *fp,
    struct tw_error *err)
{
	int rc;

	if (tw_ledger_read_begin(l, err) != 0)
		return -1;
	rc = o->summary ? history_summary(l, o, fp, err) : history_periods(l, o, fp, err);
	tw_ledger_read_end(l);
	return rc;
}

/* ---- report ---- */

int
tw_recall_report(struct tw_ledger *l, const struct tw_recall_opts *o, FILE *fp,
    struct tw_error *err)
{
	struct tw_outage out;
	char *label = NULL;
	int rc;

	if (tw_ledger_read_begin(l, err) != 0)
		return -1;
	rc = tw_ledger_read_outage(l, o->zone, o->outage, o->outage > 0 ? -1 : o->at, &out, err);
	if (rc == 0)
		label = tw_ledger_read_label(l, out.zone, err);
	tw_ledger_read_end(l);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		if (o->format == TW_FORMAT_JSON)
			fputs("null\n", fp);
		else if (o->format == TW_RECALL_CSV)
			tw_story_csv_header(fp);
		else {
			fputs("no outage in the ledger", fp);
			if (o->zone != NULL) {
				fputs(" for ", fp);
				tw_escape_term(fp, o->zone);
			}
			fputs(o->outage > 0 ? " with that number\n" : o->at >= 0 ? " at that time\n" :
			    "\n", fp);
		}
		return 1;
	}
	switch (o->format) {
	case TW_FORMAT_JSON:
		rc = put_json(tw_story_json(&out), fp, tw_ledger_path(l), err);
		break;
	case TW_FORMAT_TEXT:
		tw_story_text(&out, label, fp);
		break;
	default:
		tw_story_csv_header(fp);
		tw_story_csv(&out, fp);
		break;
	}
	free(label);
	tw_outage_clear(&out);
	return rc;
}

int
tw_recall_outages(struct tw_ledger *l, const struct tw_recall_opts *o, FILE *fp,
    struct tw_error *err)
{
	struct tw_outage *v = NULL;
	json_t *list;
	size_t n = 0, i;
	int rc;

	if (tw_ledger_read_begin(l, err) != 0)
		return -1;
	rc = tw_ledger_read_outages(l, o->zone, o->since, o->until, &v, &n, err);
	tw_ledger_read_end(l);
	if (rc != 0)
		return -1;
	if ((list = json_array()) != NULL)
		for (i = 0; i < n; i++)
			if (json_array_append_new(list, tw_story_json(&v[i])) != 0) {
				json_decref(list);
				list = NULL;
				break;
			}
	tw_ledger_read_outages_free(v, n);
	return put_json(list, fp, tw_ledger_path(l), err);
}
