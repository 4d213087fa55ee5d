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
#include "tldwatch/escape.h"
#include "tldwatch/history.h"
#include "tldwatch/ledger.h"
#include "tldwatch/ledger_read.h"
#include "tldwatch/status.h"
#include "tldwatch/text.h"
#include "tldwatch/tracker.h"

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

/* The summary for one zone, e.g. "kp down for 6m 3s: <diagnosis>" (escaped). */
static void
zone_line(const struct tw_zone_track *z, double now, FILE *fp, tw_escape_fn *esc)
{
	char a[40], b[40];

	esc(fp, z->name);
	fprintf(fp, " %s for %s", tw_state_str(tw_tracker_zone_state(z)),
	    tw_text_span(now - z->published_since, a, sizeof(a)));
	if (z->in_outage)
		fprintf(fp, " (outage since %s, %s%s%s)", tw_clock_iso(z->outage_start, b, sizeof(b)),
		    tw_text_span(now - z->outage_start, a, sizeof(a)),
		    z->onset.shape != TW_ONSET_NONE ? ", onset: " : "",
		    z->onset.shape != TW_ONSET_NONE ? tw_onset_shape_str(z->onset.shape) : "");
	if (z->diagnosis != NULL) {
		fputs(": ", fp);
		esc(fp, z->diagnosis);
	}
}

static void
server_line(const struct tw_server_history *s, FILE *fp, tw_escape_fn *esc)
{
	struct tw_window_stats st;

	tw_history_stats(&s->ring, &st);
	fprintf(fp, "%s ", tw_result_role_str(s->role));
	esc(fp, s->name != NULL ? s->name : s->address);
	fprintf(fp, " %s:%u/%s zone=", s->address, (unsigned)s->port,
	    tw_transport_str(s->transport));
	if (s->served != NULL && s->served[0] != '\0')
		esc(fp, s->served);
	else
		fputc('.', fp);
	fprintf(fp, " rounds=%u", st.rounds);
	if (st.loss >= 0)
		fprintf(fp, " loss=%.1f%%", st.loss * 100.0);
	if (st.rtt_median_ms >= 0)
		fprintf(fp, " rtt=%.1f/%.1f/%.1fms", st.rtt_min_ms, st.rtt_median_ms,
		    st.rtt_max_ms);
	fputc('\n', fp);
}

static int
render_problem(const char *problem, const struct tw_status_opts *o, FILE *fp)
{
	json_t *j;

	if (problem == NULL)
		problem = "no usable state";
	switch (o->format) {
	case TW_FORMAT_NAGIOS:
		fputs("TLDWATCH UNKNOWN - ", fp);
		tw_escape_term(fp, problem);
		fputc('\n', fp);
		break;
	case TW_FORMAT_JSON:
		j = json_pack("{s:s, s:i, s:o}", "state", "unknown", "exit_code", 3, "error",
		    tw_escape_json(problem));
		if (j != NULL) {
			json_dumpf(j, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			fputc('\n', fp);
			json_decref(j);
		}
		break;
	case TW_FORMAT_TEXT:
		fputs("UNKNOWN - ", fp);
		tw_escape_term(fp, problem);
		fputc('\n', fp);
		break;
	}
	return 3;
}

/* The latest round's delegation findings per kind; null before the first round here. */
static json_t *
delegation_json(const struct tw_zone_track *z)
{
	json_t *o;
	unsigned k;

	if (!z->delegation_known || (o = json_object()) == NULL)
		return json_null();
	for (k = 0; k < TW_DELEG_KIND_COUNT; k++)
		json_object_set_new(o, tw_delegation_kind_str((enum tw_delegation_kind)k),
		    json_integer(z->delegation[k]));
	return o;
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
		json_object_set_new(zo, "name", tw_escape_json(z->name));
		json_object_set_new(zo, "state", json_string(tw_state_str(tw_tracker_zone_state(z))));
		json_object_set_new(zo, "since", json_string(tw_clock_iso(z->published_since, iso,
		    sizeof(iso))));
		json_object_set_new(zo, "raw", json_string(tw_state_str(z->last_raw)));
		json_object_set_new(zo, "diagnosis", tw_escape_json(z->diagnosis));
		json_object_set_new(zo, "flapping", json_boolean(z->flapping));
		json_object_set_new(zo, "in_outage", json_boolean(z->in_outage));
		if (z->in_outage) {
			json_object_set_new(zo, "outage_start", json_string(tw_clock_iso(
			    z->outage_start, iso, sizeof(iso))));
			json_object_set_new(zo, "outage_seconds", json_real(now - z->outage_start));
			json_object_set_new(zo, "onset", z->onset.shape != TW_ONSET_NONE ?
			    tw_onset_json(&z->onset) : json_null());
		} else {
			json_object_set_new(zo, "outage_start", json_null());
			json_object_set_new(zo, "outage_seconds", json_null());
			json_object_set_new(zo, "onset", json_null());
		}
		json_object_set_new(zo, "delegation_findings", delegation_json(z));
		for (j = 0; doc->history != NULL && j < doc->history->n_servers; j++) {
			s = &doc->history->servers[j];
			if (strcmp(s->zone, z->name) != 0)
				continue;
			tw_history_stats(&s->ring, &st);
			so = json_object();
			if (so == NULL)
				continue;
			json_object_set_new(so, "role", json_string(tw_result_role_str(s->role)));
			json_object_set_new(so, "zone", tw_escape_json(s->served));
			json_object_set_new(so, "name", tw_escape_json(s->name));
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
			/* how long it has served an older serial than its zone's newest */
			json_object_set_new(so, "serial_behind_seconds", s->behind_since > 0 ?
			    json_real(now > s->behind_since ? now - s->behind_since : 0) :
			    json_null());
			json_array_append_new(servers, so);
		}
		json_object_set_new(zo, "servers", servers);
		json_array_append_new(zones, zo);
	}
	json_object_set_new(root, "zones", zones);
	events = tw_event_ring_json(doc->events);
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
	state = tw_tracker_overall(t);
	if (age > limit) {
		snprintf(buf, sizeof(buf), "%.0f", limit);
		if (o->format != TW_FORMAT_JSON) {
			char msg[256];

			snprintf(msg, sizeof(msg), "the ledger is %s old (max %ss): is the "
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
			zone_line(&t->zones[i], now, fp, tw_escape_nagios);
		}
		fprintf(fp, " |");
		for (i = 0; i < t->n_zones; i++) {
			const char *n = t->zones[i].name != NULL && t->zones[i].name[0] != '\0' ?
			    t->zones[i].name : "root";

			fputs(" '", fp);
			tw_escape_nagios_label(fp, n);
			fprintf(fp, "_state'=%d;;;0;%d", (int)tw_tracker_zone_state(&t->zones[i]),
			    TW_STATE_COUNT - 1);
			fputs(" '", fp);
			tw_escape_nagios_label(fp, n);
			fprintf(fp, "_outage_seconds'=%.3fs;;;0",
			    t->zones[i].in_outage ? now - t->zones[i].outage_start : 0.0);
		}
		fprintf(fp, " 'age'=%.3fs;;;0\n", age);
		for (j = 0; doc->history != NULL && j < doc->history->n_servers; j++)
			server_line(&doc->history->servers[j], fp, tw_escape_nagios);
		break;
	case TW_FORMAT_TEXT:
		fprintf(fp, "%s - %llu rounds, state written %s ago\n", tw_state_nagios(state),
		    (unsigned long long)t->rounds, tw_text_span(age, a, sizeof(a)));
		for (i = 0; i < t->n_zones; i++) {
			fprintf(fp, "\n");
			zone_line(&t->zones[i], now, fp, tw_escape_term);
			fprintf(fp, "\n");
			for (j = 0; doc->history != NULL && j < doc->history->n_servers; j++)
				if (strcmp(doc->history->servers[j].zone, t->zones[i].name) == 0) {
					fprintf(fp, "  ");
					server_line(&doc->history->servers[j], fp, tw_escape_term);
				}
		}
		break;
	}
	return code;
}

/* The watcher's state from its ledger (or from a JSON state file of an earlier tldwatch). */
static int
load_state(const char *path, struct tw_state_doc *doc, char *problem, size_t len)
{
	struct tw_ledger *l = NULL;
	struct tw_error err, jerr;
	int rc = -1;

	memset(doc, 0, sizeof(*doc));
	memset(&err, 0, sizeof(err));
	switch (tw_ledger_open(path, false, &l, &err)) {
	case TW_LEDGER_OK:
		if (tw_ledger_read_begin(l, &err) == 0 && tw_ledger_resume(l, 0, doc, &err) == 0)
			rc = 0;
		tw_ledger_read_end(l);
		tw_ledger_close(l);
		if (rc == 0 && doc->written <= 0) {
			snprintf(problem, len, "the ledger %s holds no round yet: is the watcher "
			    "running?", path);
			tw_statefile_doc_clear(doc);
			return -1;
		}
		break;
	case TW_LEDGER_MISSING:
		snprintf(problem, len, "no ledger %s: is the watcher running?", path);
		return -1;
	case TW_LEDGER_BAD:
		/* Not a ledger: a JSON state file no watcher has imported yet, perhaps. */
		memset(&jerr, 0, sizeof(jerr));
		if (tw_statefile_load(path, doc, &jerr) == TW_STATEFILE_OK)
			return 0;
		tw_statefile_doc_clear(doc);
		break;
	case TW_LEDGER_FAILED:
		break;
	}
	if (rc != 0)
		snprintf(problem, len, "unusable ledger: %s%s%s", err.file,
		    err.file[0] ? ": " : "", err.msg);
	return rc;
}

int
tw_status_run(const struct tw_status_opts *o)
{
	struct tw_state_doc doc;
	char problem[TW_ERROR_MSG_MAX + 400];
	int code;

	if (load_state(o->state_path, &doc, problem, sizeof(problem)) == 0)
		code = tw_status_render(&doc, tw_clock_wall(), o, NULL, stdout);
	else
		code = tw_status_render(NULL, tw_clock_wall(), o, problem, stdout);
	tw_statefile_doc_clear(&doc);
	fflush(stdout);
	return code;
}
