/*
 * test_watch_golden.c -- every output of a watcher's view, byte for byte: the
 * Prometheus exposition, the status page, `tldwatch status` in its three formats
 * (fresh, stale, and with no usable state), the /events body and one event line,
 * for the fixture view of view_fixture.h (plain and hostile).  (The JSON state
 * file the watcher wrote before the ledger stays as golden/watch-state.json:
 * the ledger's import test reads it.)
 *
 * The goldens pin what users and their tools read; a change to any of them is
 * a change of interface, made with TW_UPDATE_GOLDEN=1 and read line by line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tldwatch/event.h"
#include "tldwatch/metrics.h"
#include "tldwatch/report.h"
#include "tldwatch/status.h"
#include "tldwatch/statuspage.h"
#include "tldwatch/verdict.h"
#include "golden.h"
#include "view_fixture.h"

/* The fixture view's document. */
static void
fixture(struct tw_state_doc *doc, bool hostile)
{
	fx_doc(doc, hostile);
}

static char *
render_view(const struct tw_view *v, bool page)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	assert_int_equal(page ? tw_statuspage_render(v, fp) : tw_metrics_render(v, fp), 0);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

static char *
render_status(const struct tw_state_doc *doc, double now, enum tw_format f, int *code)
{
	struct tw_status_opts so;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	memset(&so, 0, sizeof(so));
	so.format = f;
	*code = tw_status_render(doc, now, &so,
	    doc == NULL ? "no ledger /var/lib/tldwatch/state: is the watcher running?" :
	    NULL, fp);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

static void
views(bool hostile)
{
	static const char *const ext[] = { "txt", "json", "nagios" };
	static const enum tw_format fmt[] = { TW_FORMAT_TEXT, TW_FORMAT_JSON, TW_FORMAT_NAGIOS };
	const char *tag = hostile ? "-hostile" : "";
	struct tw_state_doc doc;
	struct tw_view v;
	char file[128], *out;
	unsigned i;
	int code;
	fixture(&doc, hostile);
	fx_view(&v, &doc);

	out = render_view(&v, false);
	snprintf(file, sizeof(file), "watch-metrics%s.prom", tag);
	golden_check(file, out);
	free(out);
	out = render_view(&v, true);
	snprintf(file, sizeof(file), "watch-page%s.html", tag);
	golden_check(file, out);
	free(out);

	for (i = 0; i < 3; i++) {
		out = render_status(&doc, v.now, fmt[i], &code);
		assert_int_equal(code, hostile ? 3 : 2);
		snprintf(file, sizeof(file), "watch-status%s.%s", tag, ext[i]);
		golden_check(file, out);
		free(out);
		/* a day later: stale */
		out = render_status(&doc, v.now + 86400, fmt[i], &code);
		assert_int_equal(code, 3);
		snprintf(file, sizeof(file), "watch-status-stale%s.%s", tag, ext[i]);
		golden_check(file, out);
		free(out);
	}
	tw_statefile_doc_clear(&doc);
}

static void
test_views(void **state)
{
	views(false);
}

static void
test_views_hostile(void **state)
{
	views(true);
}

static void
test_status_problem(void **state)
{
	static const char *const ext[] = { "txt", "json", "nagios" };
	static const enum tw_format fmt[] = { TW_FORMAT_TEXT, TW_FORMAT_JSON, TW_FORMAT_NAGIOS };
	char file[128], *out;
	unsigned i;
	int code;

	for (i = 0; i < 3; i++) {
		out = render_status(NULL, FX_T0, fmt[i], &code);
		assert_int_equal(code, 3);
		snprintf(file, sizeof(file), "watch-status-problem.%s", ext[i]);
		golden_check(file, out);
		free(out);
	}
}

/* One event as its JSON line, each of the story's. */
static void
test_event_lines(void **state)
{
	struct tw_event *ev = fx_events();
	char *buf = NULL, *line;
	size_t len = 0, i;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	for (i = 0; i < FX_N_EVENTS; i++) {
		line = tw_event_json_line(&ev[i]);
		assert_non_null(line);
		fprintf(fp, "%s\n", line);
		free(line);
	}
	assert_int_equal(fclose(fp), 0);
	golden_check("watch-events.jsonl", buf);
	free(buf);
	tw_event_array_free(ev, FX_N_EVENTS);
}

/*
 * Every output asks the tracker for a zone's state: a zone that has not
 * published anything yet (a state file that says so) is unknown everywhere,
 * whatever its "published" field holds, and so is the overall state.
 */
static void
test_outputs_agree(void **state)
{
	static const enum tw_format fmt[] = { TW_FORMAT_TEXT, TW_FORMAT_JSON, TW_FORMAT_NAGIOS };
	struct tw_state_doc doc;
	struct tw_view v;
	json_error_t jerr;
	json_t *j;
	char *out;
	unsigned i;
	int code;

	fx_doc(&doc, false);
	doc.tracker->zones[0].started = false;          /* its "published" says partial */
	fx_view(&v, &doc);

	out = render_view(&v, false);
	assert_non_null(strstr(out, "tldwatch_zone_state_code{zone=\"kp\"} 5\n"));
	assert_non_null(strstr(out, "tldwatch_zone_state{zone=\"kp\",state=\"unknown\"} 1\n"));
	free(out);
	out = render_view(&v, true);
	assert_non_null(strstr(out, "<title>tldwatch: unknown</title>"));
	assert_non_null(strstr(out, "<section class=\"zone zone-unknown\" id=\"zone-kp\">"));
	free(out);
	for (i = 0; i < 3; i++) {
		out = render_status(&doc, v.now, fmt[i], &code);
		assert_int_equal(code, 3);
		switch (fmt[i]) {
		case TW_FORMAT_TEXT:
			assert_true(strncmp(out, "UNKNOWN - ", 10) == 0);
			assert_non_null(strstr(out, "\nkp unknown for "));
			break;
		case TW_FORMAT_NAGIOS:
			assert_true(strncmp(out, "TLDWATCH UNKNOWN - kp unknown for ", 34) == 0);
			assert_non_null(strstr(out, " 'kp_state'=5;;;0;5 "));
			break;
		case TW_FORMAT_JSON:
			j = json_loads(out, 0, &jerr);
			assert_non_null(j);
			assert_string_equal(json_string_value(json_object_get(j, "state")),
			    "unknown");
			assert_string_equal(json_string_value(json_object_get(json_array_get(
			    json_object_get(j, "zones"), 0), "state")), "unknown");
			json_decref(j);
			break;
		}
		free(out);
	}
	tw_statefile_doc_clear(&doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_views),
		cmocka_unit_test(test_views_hostile),
		cmocka_unit_test(test_status_problem),
		cmocka_unit_test(test_event_lines),
		cmocka_unit_test(test_outputs_agree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
