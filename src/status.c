/*
 * status.c -- render a watcher's published state (text, json, nagios).
 *
 * Reads only the state document; the published states are the watcher's,
 * hysteresis included.  Everything taken from the file is escaped on the
 * way out, as the check renderers do.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "tldwatch/clock.h"
#include "tldwatch/events.h"
#include "tldwatch/history.h"
#include "tldwatch/status.h"
#include "tldwatch/text.h"

#define MIN_MAX_AGE_S 10.0

static double
max_age(const struct tw_state_doc *doc, const struct tw_status_opts *o)
{
	double m;

	if (o->max_age_s > 0)
		return o->max_age_s;
	m = 3.0 * (double)doc->interval_ms / 1000.0;
	return m < MIN_MAX_AGE_S ? MIN_MAX_AGE_S : m;
}

static enum tw_state
overall(const struct tw_tracker *t)
{
	enum tw_state s = TW_STATE_UP;
	size_t i;

	if (t == NULL || t->n_zones == 0)
		return TW_STATE_UNKNOWN;
	for (i = 0; i < t->n_zones; i++)
		if (t->zones[i].published > s)
			s = t->zones[i].published;
	return s;
}

/* The summary for one zone, e.g. "kp down for 6m 3s: <diagnosis>" (escaped). */
static void
zone_line(const struct tw_zone_track *z, double now, FILE *fp, bool pipe_safe)
{
	char a[40], b[40];
	char *name = tw_report_escape(z->name), *diag = NULL, *p;

	fprintf(fp, "%s %s for %s", name != NULL ? name : "?", tw_state_str(z->published),
	    tw_text_span(now - z->published_since, a, sizeof(a)));
	if (z->in_outage)
		fprintf(fp, " (outage since %s, %s)", tw_clock_iso(z->outage_start, b, sizeof(b)),
		    tw_text_span(now - z->outage_start, a, sizeof(a)));
	if (z->diagnosis != NULL && (diag = tw_report_escape(z->diagnosis)) != NULL) {
		if (pipe_safe)
			for (p = diag; *p != '\0'; p++)
				if (*p == '|')
					*p = '/';
		fprintf(fp, ": %s", diag);
	}
	free(diag);
	free(name);
}

static void
server_line(const struct tw_server_history *s, FILE *fp, bool pipe_safe)
{
	struct tw_window_stats st;
	char *name = tw_report_escape(s->name != NULL ? s->name : s->address);
	char *served = tw_report_escape(s->served);
	char *p;

	if (pipe_safe)
		for (p = name; p != NULL && *p != '\0'; p++)
			if (*p == '|')
				*p = '/';
	tw_history_stats(&s->ring, &st);
	fprintf(fp, "%s %s %s:%u/%s zone=%s rounds=%u", tw_result_role_str(s->role),
	    name != NULL ? name : "?", s->address, (unsigned)s->port,
	    tw_transport_str(s->transport), served != NULL && served[0] ? served : ".",
	    st.rounds);
	if (st.loss >= 0)
		fprintf(fp, " loss=%.1f%%", st.loss * 100.0);
	if (st.rtt_median_ms >= 0)
		fprintf(fp, " rtt=%.1f/%.1f/%.1fms", st.rtt_min_ms, st.rtt_median_ms,
		    st.rtt_max_ms);
	fputc('\n', fp);
	free(name);
	free(served);
}

static int
render_problem(const char *problem, const struct tw_status_opts *o, FILE *fp)
{
	char *esc = tw_report_escape(problem);
	json_t *j;

	switch (o->format) {
	case TW_FORMAT_NAGIOS:
		fprintf(fp, "TLDWATCH UNKNOWN - %s\n", esc != NULL ? esc : "no usable state");
		break;
	case TW_FORMAT_JSON:
		j = json_pack("{s:s, s:i, s:s?}", "state", "unknown", "exit_code", 3, "error",
		    esc);
		if (j != NULL) {
			json_dumpf(j, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			fputc('\n', fp);
			json_decref(j);
		}
		break;
	case TW_FORMAT_TEXT:
		fprintf(fp, "UNKNOWN - %s\n", esc != NULL ? esc : "no usable state");
		break;
	}
	free(esc);
	return 3;
}

static json_t *
status_json(const struct tw_state_doc *doc, double now, double age, double limit,
    enum tw_state state, int code)
{
	const struct tw_tracker *t = doc->tracker;
	const struct tw_zone_track *z;
	const struct tw_server_history *s;
	struct tw_window_stats st;
	json_t *root, *zones, *zo, *servers, *so, *events;
	json_error_t jerr;
	char iso[40];
	size_t i, j;

	root = json_object();
	zones = json_array();
	if (root == NULL || zones == NULL) {
		json_decref(root);
		json_decref(zones);
		return NULL;
	}
	json_object_set_new(root, "state", json_string(tw_state_str(state)));
	json_object_set_new(root, "exit_code", json_integer(code));
	json_object_set_new(root, "written", json_string(tw_clock_iso(doc->written, iso, sizeof(iso))));
	json_object_set_new(root, "age_seconds", json_real(age));
	json_object_set_new(root, "max_age_seconds", json_real(limit));
	json_object_set_new(root, "stale", json_boolean(age > limit));
	json_object_set_new(root, "rounds", json_integer((json_int_t)t->rounds));
	json_object_set_new(root, "interval_ms", json_integer(doc->interval_ms));
	for (i = 0; i < t->n_zones; i++) {
		z = &t->zones[i];
		zo = json_object();
		servers = json_array();
		if (zo == NULL || servers == NULL) {
			json_decref(zo);
			json_decref(servers);
			continue;
		}
		json_object_set_new(zo, "name", json_string(z->name));
		json_object_set_new(zo, "state", json_string(tw_state_str(z->published)));
		json_object_set_new(zo, "since", json_string(tw_clock_iso(z->published_since, iso,
		    sizeof(iso))));
		json_object_set_new(zo, "raw", json_string(tw_state_str(z->last_raw)));
		json_object_set_new(zo, "diagnosis", z->diagnosis != NULL ?
		    json_string(z->diagnosis) : json_null());
		json_object_set_new(zo, "flapping", json_boolean(z->flapping));
		json_object_set_new(zo, "in_outage", json_boolean(z->in_outage));
		if (z->in_outage) {
			json_object_set_new(zo, "outage_start", json_string(tw_clock_iso(
			    z->outage_start, iso, sizeof(iso))));
			json_object_set_new(zo, "outage_seconds", json_real(now - z->outage_start));
		} else {
			json_object_set_new(zo, "outage_start", json_null());
			json_object_set_new(zo, "outage_seconds", json_null());
		}
		for (j = 0; doc->history != NULL && j < doc->history->n_servers; j++) {
			s = &doc->history->servers[j];
			if (strcmp(s->zone, z->name) != 0)
				continue;
			tw_history_stats(&s->ring, &st);
			so = json_object();
			if (so == NULL)
				continue;
			json_object_set_new(so, "role", json_string(tw_result_role_str(s->role)));
			json_object_set_new(so, "zone", json_string(s->served));
			json_object_set_new(so, "name", s->name ? json_string(s->name) : json_null());
			json_object_set_new(so, "address", json_string(s->address));
			json_object_set_new(so, "port", json_integer(s->port));
			json_object_set_new(so, "transport", json_string(tw_transport_str(s->transport)));
			json_object_set_new(so, "rounds", json_integer(st.rounds));
			json_object_set_new(so, "loss", st.loss >= 0 ? json_real(st.loss) : json_null());
			json_object_set_new(so, "rtt_min_ms",
			    st.rtt_min_ms >= 0 ? json_real(st.rtt_min_ms) : json_null());
			json_object_set_new(so, "rtt_median_ms",
			    st.rtt_median_ms >= 0 ? json_real(st.rtt_median_ms) : json_null());
			json_object_set_new(so, "rtt_max_ms",
			    st.rtt_max_ms >= 0 ? json_real(st.rtt_max_ms) : json_null());
			json_array_append_new(servers, so);
		}
		json_object_set_new(zo, "servers", servers);
		json_array_append_new(zones, zo);
	}
	json_object_set_new(root, "zones", zones);
	events = doc->events_json != NULL ? json_loads(doc->events_json, 0, &jerr) : NULL;
	json_object_set_new(root, "events", events != NULL ? events : json_array());
	return root;
}

int
tw_status_render(const struct tw_state_doc *doc, double now, const struct tw_status_opts *o,
    const char *problem, FILE *fp)
{
	const struct tw_tracker *t;
	char buf[64], a[40];
	double age, limit;
	enum tw_state state;
	int code;
	size_t i, j;
	json_t *root;

	if (doc == NULL || doc->tracker == NULL)
		return render_problem(problem != NULL ? problem : "no usable state", o, fp);
	t = doc->tracker;
	age = now - doc->written;
	limit = max_age(doc, o);
	state = overall(t);
	if (age > limit) {
		snprintf(buf, sizeof(buf), "%.0f", limit);
		if (o->format != TW_FORMAT_JSON) {
			char msg[256];

			snprintf(msg, sizeof(msg), "the state file is %s old (max %ss): is the "
			    "watcher running?", tw_text_span(age, a, sizeof(a)), buf);
			return render_problem(msg, o, fp);
		}
		state = TW_STATE_UNKNOWN;
	}
	code = tw_state_exit_code(state);
	switch (o->format) {
	case TW_FORMAT_JSON:
		if ((root = status_json(doc, now, age, limit, state, code)) == NULL)
			return 3;
		json_dumpf(root, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
		fputc('\n', fp);
		json_decref(root);
		break;
	case TW_FORMAT_NAGIOS:
		fprintf(fp, "TLDWATCH %s - ", tw_state_nagios(state));
		for (i = 0; i < t->n_zones; i++) {
			if (i > 0)
				fprintf(fp, " / ");
			zone_line(&t->zones[i], now, fp, true);
		}
		fprintf(fp, " |");
		for (i = 0; i < t->n_zones; i++) {
			char *n = tw_report_escape(t->zones[i].name);

			for (j = 0; n != NULL && n[j] != '\0'; j++)
				if (n[j] == '\'' || n[j] == '=' || n[j] == '|')
					n[j] = '_';
			fprintf(fp, " '%s_state'=%d;;;0;%d", n != NULL && n[0] ? n : "root",
			    (int)t->zones[i].published, TW_STATE_COUNT - 1);
			fprintf(fp, " '%s_outage_seconds'=%.3fs;;;0", n != NULL && n[0] ? n : "root",
			    t->zones[i].in_outage ? now - t->zones[i].outage_start : 0.0);
			free(n);
		}
		fprintf(fp, " 'age'=%.3fs;;;0\n", age);
		for (j = 0; doc->history != NULL && j < doc->history->n_servers; j++)
			server_line(&doc->history->servers[j], fp, true);
		break;
	case TW_FORMAT_TEXT:
		fprintf(fp, "%s - %llu rounds, state written %s ago\n", tw_state_nagios(state),
		    (unsigned long long)t->rounds, tw_text_span(age, a, sizeof(a)));
		for (i = 0; i < t->n_zones; i++) {
			fprintf(fp, "\n");
			zone_line(&t->zones[i], now, fp, false);
			fprintf(fp, "\n");
			for (j = 0; doc->history != NULL && j < doc->history->n_servers; j++)
				if (strcmp(doc->history->servers[j].zone, t->zones[i].name) == 0) {
					fprintf(fp, "  ");
					server_line(&doc->history->servers[j], fp, false);
				}
		}
		break;
	}
	return code;
}

int
tw_status_run(const struct tw_status_opts *o)
{
	struct tw_state_doc doc;
	struct tw_error err;
	char problem[TW_ERROR_MSG_MAX + 400];
	int code;

	memset(&err, 0, sizeof(err));
	switch (tw_statefile_load(o->state_path, &doc, &err)) {
	case TW_STATEFILE_OK:
		code = tw_status_render(&doc, tw_clock_wall(), o, NULL, stdout);
		break;
	case TW_STATEFILE_MISSING:
		snprintf(problem, sizeof(problem), "no state file %s: is the watcher running?",
		    o->state_path);
		code = tw_status_render(NULL, tw_clock_wall(), o, problem, stdout);
		break;
	default:
		snprintf(problem, sizeof(problem), "unusable state file: %s%s%s", err.file,
		    err.file[0] ? ": " : "", err.msg);
		code = tw_status_render(NULL, tw_clock_wall(), o, problem, stdout);
		break;
	}
	tw_statefile_doc_clear(&doc);
	fflush(stdout);
	return code;
}
