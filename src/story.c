/*
 * story.c -- an outage as JSON, as text for people, as CSV (see story.h).
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tldwatch/clock.h"
#include "tldwatch/escape.h"
#include "tldwatch/story.h"
#include "tldwatch/text.h"

static const char *
phase_name(const struct tw_outage_phase *p)
{
	return p->restored ? "restored" : tw_state_str(p->state);
}

/* Seconds of a phase; an open one lasts until the outage's latest round. */
static double
phase_seconds(const struct tw_outage *o, const struct tw_outage_phase *p)
{
	double end = p->open ? o->start + o->seconds : p->end;

	return end > p->start ? end - p->start : 0;
}

/* To the millisecond, as the times are written. */
static double
ms(double v)
{
	return round(v * 1000.0) / 1000.0;
}

/* ---- JSON ---- */

static json_t *
iso(double t)
{
	char buf[40];

	return json_string(tw_clock_iso(t, buf, sizeof(buf)));
}

static json_t *
pair(json_t *a, json_t *b)
{
	json_t *v = json_array();

	if (v == NULL || a == NULL || b == NULL || json_array_append_new(v, a) != 0 ||
	    json_array_append_new(v, b) != 0) {
		json_decref(v);
		return NULL;
	}
	return v;
}

struct builder {
	bool failed;
};

static void
set(struct builder *b, json_t *o, const char *key, json_t *v)
{
	if (o == NULL || v == NULL || json_object_set_new(o, key, v) != 0)
		b->failed = true;
}

static void
append(struct builder *b, json_t *a, json_t *v)
{
	if (a == NULL || v == NULL || json_array_append_new(a, v) != 0)
		b->failed = true;
}

json_t *
tw_story_json(const struct tw_outage *o)
{
	struct builder b = { false };
	json_t *root = json_object(), *phases = json_array(), *hosts = json_array();
	json_t *order = json_array(), *v;
	const struct tw_outage_phase *p;
	const struct tw_outage_host *h;
	size_t i;

	set(&b, root, "zone", tw_escape_json(o->zone));
	set(&b, root, "outage", json_integer(o->number));
	set(&b, root, "ongoing", json_boolean(o->ongoing));
	set(&b, root, "start", iso(o->start));
	set(&b, root, "start_bounds", pair(o->start_lo_known ? iso(o->start_lo) : json_null(),
	    iso(o->start)));
	set(&b, root, "end", o->ongoing ? json_null() : iso(o->end));
	set(&b, root, "end_bounds", o->ongoing ? json_null() : pair(iso(o->end_lo), iso(o->end)));
	set(&b, root, "seconds", json_real(ms(o->seconds)));
	set(&b, root, "uncertainty_seconds", json_real(ms(o->uncertainty)));
	for (i = 0; i < o->n_phases; i++) {
		p = &o->phases[i];
		v = json_object();
		set(&b, v, "state", json_string(phase_name(p)));
		set(&b, v, "start", iso(p->start));
		set(&b, v, "end", p->open ? json_null() : iso(p->end));
		set(&b, v, "seconds", json_real(ms(phase_seconds(o, p))));
		set(&b, v, "diagnosis", tw_escape_json(p->diagnosis));
		append(&b, phases, v);
	}
	set(&b, root, "phases", phases);
	for (i = 0; i < o->n_hosts; i++) {
		h = &o->hosts[i];
		v = json_object();
		set(&b, v, "name", tw_escape_json(h->name));
		set(&b, v, "key", json_boolean(h->key));
		set(&b, v, "lost", h->lost_known ? iso(h->lost) : json_null());
		set(&b, v, "back", h->back_known ? iso(h->back) : json_null());
		set(&b, v, "back_bounds", h->back_known ? pair(iso(h->back_lo), iso(h->back)) :
		    json_null());
		append(&b, hosts, v);
	}
	set(&b, root, "hosts", hosts);
	for (i = 0; i < o->n_order; i++)
		append(&b, order, tw_escape_json(o->hosts[o->order[i]].name));
	set(&b, root, "restoration_order", order);
	set(&b, root, "onset", o->onset.shape != TW_ONSET_NONE ? tw_onset_json(&o->onset) :
	    json_null());
	set(&b, root, "first_round", json_integer(o->first_round));
	set(&b, root, "last_round", json_integer(o->last_round));
	if (!b.failed)
		return root;
	json_decref(root);
	return NULL;
}

/* ---- text ---- */

/* "2014-12-22 16:15 UTC" */
static const char *
when(double t, char *buf, size_t len)
{
	time_t s = (time_t)t;
	struct tm tm;

	gmtime_r(&s, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M UTC", &tm);
	return buf;
}

/* Did the outage reach down, or was it partial all along? */
static bool
went_down(const struct tw_outage *o)
{
	size_t i;

	for (i = 0; i < o->n_phases; i++)
		if (!o->phases[i].restored && o->phases[i].start >= o->start &&
		    o->phases[i].state == TW_STATE_DOWN)
			return true;
	return false;
}

/* The stretch before the outage, as a few words ("3d 1h of instability"). */
static void
put_before(const struct tw_outage *o, FILE *fp)
{
	const struct tw_outage_phase *p;
	char a[40];

	if (o->n_phases == 0 || o->phases[0].start >= o->start)
		return;
	p = &o->phases[0];
	fprintf(fp, ", after %s ", tw_text_span(o->start - p->start, a, sizeof(a)));
	switch (p->state) {
	case TW_STATE_UNSTABLE:
		fputs("of instability", fp);
		break;
	case TW_STATE_DEGRADED:
		fputs("degraded", fp);
		break;
	default:
		fprintf(fp, "%s", tw_state_str(p->state));
		break;
	}
}

/*
 * "kcna.kp and rodong.rep.kp resolved again at ...; naenara.com.kp 2h 5m
 * later."  Hosts back in one round (the same time) form one group.
 */
static void
put_return(const struct tw_outage *o, FILE *fp)
{
	const struct tw_outage_host *h, *first;
	char a[40];
	size_t i, j, groups = 0;

	if (o->n_order == 0)
		return;
	for (i = 0; i < o->n_order; i = j) {
		for (j = i; j < o->n_order &&
		    o->hosts[o->order[j]].back == o->hosts[o->order[i]].back; j++)
			;
		groups++;
	}
	first = &o->hosts[o->order[0]];
	fputs(groups > 1 ? " It came back only partly at first: " : " ", fp);
	for (i = 0; i < o->n_order; i = j) {
		h = &o->hosts[o->order[i]];
		for (j = i; j < o->n_order && o->hosts[o->order[j]].back == h->back; j++) {
			if (j > i)
				fputs(j + 1 < o->n_order &&
				    o->hosts[o->order[j + 1]].back == h->back ? ", " : " and ", fp);
			tw_escape_term(fp, o->hosts[o->order[j]].name);
		}
		if (i == 0)
			fprintf(fp, " resolved again at %s", when(h->back, a, sizeof(a)));
		else
			fprintf(fp, " %s later", tw_text_span(h->back - first->back, a, sizeof(a)));
		fputs(j < o->n_order ? "; " : ".", fp);
	}
}

static void
put_label(const struct tw_outage *o, const char *label, FILE *fp)
{
	tw_escape_term(fp, o->zone[0] != '\0' ? o->zone : ".");
	if (label != NULL) {
		fputs(" (", fp);
		tw_escape_term(fp, label);
		fputc(')', fp);
	}
}

void
tw_story_text(const struct tw_outage *o, const char *label, FILE *fp)
{
	const struct tw_outage_phase *p;
	const struct tw_outage_host *h;
	char a[40], b[40], c[40];
	const char *what = went_down(o) ? "unreachable" : "partly unreachable";
	size_t i, k, width = 0;

	put_label(o, label, fp);
	if (o->ongoing)
		fprintf(fp, " has been %s since %s, for %s so far", what,
		    when(o->start, a, sizeof(a)), tw_text_span(o->seconds, b, sizeof(b)));
	else
		fprintf(fp, " was %s from %s for %s (give or take %s)", what,
		    when(o->start, a, sizeof(a)), tw_text_span(o->seconds, b, sizeof(b)),
		    tw_text_span(o->uncertainty, c, sizeof(c)));
	put_before(o, fp);
	fputc('.', fp);
	put_return(o, fp);
	fputs("\n\n", fp);

	fprintf(fp, "outage %u of ", o->number);
	put_label(o, NULL, fp);
	fprintf(fp, ", %s (rounds %lld to %lld)\n", o->ongoing ? "ongoing" : "restored",
	    (long long)o->first_round, (long long)o->last_round);
	if (o->start_lo_known)
		fprintf(fp, "  began   between %s and %s\n", tw_clock_iso(o->start_lo, a, sizeof(a)),
		    tw_clock_iso(o->start, b, sizeof(b)));
	else
		fprintf(fp, "  began   by %s (no earlier round)\n",
		    tw_clock_iso(o->start, a, sizeof(a)));
	if (!o->ongoing)
		fprintf(fp, "  ended   between %s and %s\n", tw_clock_iso(o->end_lo, a, sizeof(a)),
		    tw_clock_iso(o->end, b, sizeof(b)));
	if (o->onset.shape != TW_ONSET_NONE) {
		const char *const *fits = tw_onset_consistent_with(o->onset.shape);

		fprintf(fp, "  onset   %s: ", tw_onset_shape_str(o->onset.shape));
		tw_escape_term(fp, o->onset.evidence);
		for (i = 0; fits[i] != NULL; i++)
			fprintf(fp, "%s%s", i == 0 ? "\n          consistent with " :
			    fits[i + 1] == NULL ? " or " : ", ", fits[i]);
		fputc('\n', fp);
	}
	fputs("  phases\n", fp);
	for (i = 0; i < o->n_phases; i++) {
		p = &o->phases[i];
		fprintf(fp, "    %-9s %s  %-8s", phase_name(p), tw_clock_iso(p->start, a, sizeof(a)),
		    p->restored ? "" : tw_text_span(phase_seconds(o, p), b, sizeof(b)));
		if (p->diagnosis != NULL) {
			fputs("  ", fp);
			tw_escape_term(fp, p->diagnosis);
		}
		fputc('\n', fp);
	}
	if (o->n_hosts == 0)
		return;
	for (i = 0; i < o->n_hosts; i++)
		if (o->hosts[i].name != NULL && strlen(o->hosts[i].name) > width)
			width = strlen(o->hosts[i].name);
	fputs("  hosts, in the order they came back\n", fp);
	for (k = 0; k < o->n_hosts; k++) {
		/* those that came back, in order, then the rest in configuration order */
		if (k < o->n_order)
			h = &o->hosts[o->order[k]];
		else {
			size_t skip = k - o->n_order, n = 0;

			for (i = 0; i < o->n_hosts; i++)
				if (!o->hosts[i].back_known && n++ == skip)
					break;
			h = &o->hosts[i];
		}
		fputs("    ", fp);
		tw_escape_term(fp, h->name);
		/* pad by the raw length: an escaped name only pushes its own line */
		fprintf(fp, "%*s  %-3s", (int)(width - (h->name != NULL ? strlen(h->name) : 0)), "",
		    h->key ? "key" : "-");
		if (!h->lost_known)
			fputs("  resolved throughout\n", fp);
		else if (!h->back_known)
			fprintf(fp, "  lost %s, not back\n", tw_clock_iso(h->lost, a, sizeof(a)));
		else
			fprintf(fp, "  lost %s, back %s\n", tw_clock_iso(h->lost, a, sizeof(a)),
			    tw_clock_iso(h->back, b, sizeof(b)));
	}
}

/* ---- CSV ---- */

static void
csv_time(FILE *fp, bool known, double t)
{
	char buf[40];

	fputc(',', fp);
	if (known)
		fputs(tw_clock_iso(t, buf, sizeof(buf)), fp);
}

static void
csv_num(FILE *fp, bool known, double v)
{
	fputc(',', fp);
	if (known)
		fprintf(fp, "%.3f", ms(v));
}

/* record,zone,outage, */
static void
csv_head(const struct tw_outage *o, const char *record, FILE *fp)
{
	fprintf(fp, "%s,", record);
	tw_escape_csv(fp, o->zone);
	fprintf(fp, ",%u,", o->number);
}

void
tw_story_csv_header(FILE *fp)
{
	fputs("record,zone,outage,name,key,state,start,end,seconds,uncertainty_seconds,"
	    "diagnosis\r\n", fp);
}

void
tw_story_csv(const struct tw_outage *o, FILE *fp)
{
	const struct tw_outage_phase *p;
	const struct tw_outage_host *h;
	size_t i;

	csv_head(o, "outage", fp);
	fprintf(fp, ",,%s", o->ongoing ? "ongoing" : "restored");
	csv_time(fp, true, o->start);
	csv_time(fp, !o->ongoing, o->end);
	csv_num(fp, true, o->seconds);
	csv_num(fp, true, o->uncertainty);
	fputs(",\r\n", fp);
	for (i = 0; i < o->n_phases; i++) {
		p = &o->phases[i];
		csv_head(o, "phase", fp);
		fprintf(fp, ",,%s", phase_name(p));
		csv_time(fp, true, p->start);
		csv_time(fp, !p->open, p->end);
		csv_num(fp, true, phase_seconds(o, p));
		fputs(",,", fp);
		if (p->diagnosis != NULL)
			tw_escape_csv(fp, p->diagnosis);
		fputs("\r\n", fp);
	}
	for (i = 0; i < o->n_hosts; i++) {
		h = &o->hosts[i];
		csv_head(o, "host", fp);
		tw_escape_csv(fp, h->name);
		fprintf(fp, ",%s,%s", h->key ? "true" : "false", !h->lost_known ? "resolved" :
		    h->back_known ? "back" : "dark");
		csv_time(fp, h->lost_known, h->lost);
		csv_time(fp, h->back_known, h->back);
		csv_num(fp, h->lost_known && h->back_known, h->back - h->lost);
		fputs(",,\r\n", fp);
	}
}
