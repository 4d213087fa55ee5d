/*
 * test_statuspage.c -- the HTML status page: the escaping helper (table),
 * the zone header, heat map cells and their colours, the event timeline
 * order, hostile names, the refresh interval, the column cap, empty views
 * and write errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "tldwatch/escape.h"
#include "tldwatch/statuspage.h"
#include "view_fixture.h"
#include "ledger_fixture.h"

#define FFFD "\xef\xbf\xbd"

static char *
render(const struct tw_view *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	assert_int_equal(tw_statuspage_render(v, fp), 0);
	assert_int_equal(fclose(fp), 0);
	assert_non_null(buf);
	return buf;
}

static int
count(const char *text, const char *needle)
{
	int n = 0;

	while ((text = strstr(text, needle)) != NULL) {
		n++;
		text += strlen(needle);
	}
	return n;
}

/* The text of element ${id} up to its closing </table> or </section> (malloc'd). */
static char *
element(const char *page, const char *id, const char *end)
{
	char key[128];
	const char *a, *b;

	snprintf(key, sizeof(key), "id=\"%s\"", id);
	a = strstr(page, key);
	assert_non_null(a);
	b = strstr(a, end);
	assert_non_null(b);
	return strndup(a, (size_t)(b - a));
}

/* find_nocase() is a GNU extension. */
static const char *
find_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return hay;
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

static void
test_escape(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ NULL, "" },
		{ "", "" },
		{ "kcna.kp", "kcna.kp" },
		{ "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;" },
		{ "a & b", "a &amp; b" },
		{ "\"double\" 'single'", "&quot;double&quot; &#39;single&#39;" },
		{ "&amp;", "&amp;amp;" },                        /* no double-decoding tricks */
		{ "tab\tnl\n", "tab\tnl\n" },
		{ "esc\x1b[31m", "esc" FFFD "[31m" },             /* C0 control */
		{ "cr\r", "cr" FFFD },
		{ "del\x7f", "del" FFFD },
		{ "c1\xc2\x85", "c1" FFFD },                      /* C1 control (NEL) */
		{ "nbsp\xc2\xa0", "nbsp\xc2\xa0" },               /* first non-control above C1 */
		{ "\xea\xb9\x80\xec\xa0\x95\xec\x9d\x80", "\xea\xb9\x80\xec\xa0\x95\xec\x9d\x80" },
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },
		{ "x\xffy", "x" FFFD "y" },
		{ "\xc3\x28", FFFD "(" },                         /* bad continuation */
		{ "\xc0\xbc", FFFD FFFD },                        /* overlong '<' */
		{ "\xe0\x80\xbc", FFFD FFFD FFFD },               /* overlong '<', 3 bytes */
		{ "\xed\xa0\x80", FFFD FFFD FFFD },               /* surrogate */
		{ "end\xe2\x82", "end" FFFD FFFD },               /* truncated */
	};
	size_t i;
	char *got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = tw_escape_dup(tw_escape_html, cases[i].in);
		assert_non_null(got);
		if (strcmp(got, cases[i].out) != 0)
			fprintf(stderr, "case %zu\n", i);
		assert_string_equal(got, cases[i].out);
		assert_true(valid_utf8(got));
		free(got);
	}
}

static void
test_story_page(void **state)
{
	struct tw_state_doc doc;
	struct tw_view v;
	char *page, *map, *ev;

	fx_doc(&doc, false);
	fx_view(&v, &doc);
	page = render(&v);
	assert_true(strncmp(page, "<!DOCTYPE html>\n<html lang=\"en\">", 31) == 0);
	assert_non_null(strstr(page, "<meta charset=\"utf-8\">"));
	assert_non_null(strstr(page, "<meta http-equiv=\"refresh\" content=\"60\">"));
	assert_non_null(strstr(page, "<title>tldwatch: partial</title>"));
	/* The zone header: state, since when, outage, diagnosis, label. */
	assert_non_null(strstr(page, "<section class=\"zone zone-partial\" id=\"zone-kp\">"));
	assert_non_null(strstr(page, "<span class=\"state state-partial\">partial</span>"));
	assert_non_null(strstr(page, "since <time datetime=\"2014-12-19T14:50:00.000Z\">"));
	assert_non_null(strstr(page, "(1m 30s)"));
	assert_non_null(strstr(page, "<p class=\"outage\">in an outage since "
	    "<time datetime=\"2014-12-19T14:46:00.000Z\">"));
	assert_non_null(strstr(page, "<span class=\"outage-duration\">5m 30s</span>"));
	assert_non_null(strstr(page, "<p class=\"diagnosis\">kcna.kp and rodong.rep.kp resolve; "
	    "naenara.com.kp does not</p>"));
	assert_non_null(strstr(page, "North Korea (lab)"));
	assert_null(strstr(page, "class=\"flapping\""));

	/* The heat map: 4 server rows and 3 hosts, 10 rounds (3..12) each. */
	map = element(page, "heatmap-kp", "</table>");
	assert_non_null(strstr(map, "rounds 3 to 12, oldest left"));
	assert_int_equal(count(map, "<tr class=\"server role-zone\">"), 3);
	assert_int_equal(count(map, "<tr class=\"server role-child\">"), 1);
	assert_int_equal(count(map, "<tr class=\"host\">"), 3);
	assert_int_equal(count(map, "<td class=\"cell "), 7 * 10);
	assert_int_equal(count(map, "<th class=\"round\""), 10);
	/* Servers before hosts; zone servers before child servers. */
	assert_true(strstr(map, "role-child") < strstr(map, "class=\"host\""));
	assert_true(strstr(map, "role-zone") < strstr(map, "role-child"));
	/* Each colour where the story puts it. */
	assert_non_null(strstr(map, "<td class=\"cell lossy\" title=\"round 5: answer, "
	    "2/3 answered, rtt 2.5 ms\">"));
	assert_non_null(strstr(map, "<td class=\"cell timeout\" title=\"round 7: timeout, "
	    "0/3 answered\">"));
	assert_non_null(strstr(map, "<td class=\"cell timeout\" title=\"round 7: unreachable, "
	    "0/1 answered\">"));
	assert_non_null(strstr(map, "<td class=\"cell error\" title=\"round 11: refused, "
	    "3/3 answered, rtt 2.5 ms\">"));
	assert_non_null(strstr(map, "<td class=\"cell ok\" title=\"round 12: answer, "
	    "3/3 answered, rtt 13.0 ms\">"));
	assert_non_null(strstr(map, "<td class=\"cell error\" title=\"round 12: not resolved "
	    "(servfail)\">"));
	assert_non_null(strstr(map, "<td class=\"cell ok\" title=\"round 11: resolved "
	    "(answer)\">"));
	/* Rounds 1 and 2 fell out of the window. */
	assert_null(strstr(map, "title=\"round 2:"));
	/* Oldest left: round 3 comes before round 12 in every row. */
	assert_true(strstr(map, "round 3:") < strstr(map, "round 12:"));
	free(map);

	/* The roots, once, in their own block; the root's referral is green. */
	map = element(page, "heatmap-roots", "</table>");
	assert_int_equal(count(map, "<tr class=\"server role-root\">"), 2);
	assert_non_null(strstr(map, "<td class=\"cell ok\" title=\"round 3: referral"));
	assert_non_null(strstr(map, "<td class=\"cell timeout\" title=\"round 9: timeout"));
	free(map);
	assert_int_equal(count(page, "role-root"), 2);

	/* Legend, then the events, newest first. */
	assert_non_null(strstr(page, "id=\"legend\""));
	assert_true(strstr(page, "id=\"legend\"") < strstr(page, "id=\"events\""));
	ev = element(page, "events", "</section>");
	assert_int_equal(count(ev, "<tr class=\"event "), 4);
	assert_true(strstr(ev, "event-partial_restoration") < strstr(ev, "event-outage"));
	assert_true(strstr(ev, "event-outage") < strstr(ev, "event-degraded"));
	assert_non_null(strstr(ev, "<td class=\"outage-seconds\" title=\"34260.500 s\">"
	    "9h 31m</td>"));
	assert_non_null(strstr(ev, "<span class=\"state state-down\">down</span></td>"
	    "<td>&rarr;</td><td><span class=\"state state-partial\">partial</span>"));
	free(ev);

	/* Self-contained. */
	assert_null(find_nocase(page, "<script"));
	assert_null(find_nocase(page, "src="));
	assert_null(find_nocase(page, "href="));
	assert_null(find_nocase(page, "url("));
	assert_null(find_nocase(page, "@import"));
	assert_true(valid_utf8(page));
	free(page);
	tw_statefile_doc_clear(&doc);
}

static void
test_hostile_page(void **state)
{
	struct tw_state_doc doc;
	struct tw_view v;
	const unsigned char *p;
	char *page, *zone;

	fx_doc(&doc, true);
	fx_view(&v, &doc);
	page = render(&v);
	/* Never raw markup from the data, in any case. */
	assert_null(find_nocase(page, "<script"));
	assert_null(strstr(page, "<b>"));
	assert_null(strstr(page, "<i>"));
	assert_true(valid_utf8(page));
	for (p = (const unsigned char *)page; *p != '\0'; p++)
		assert_true(*p >= 0x20 || *p == '\n' || *p == '\t');
	/* The zone: a sanitised id, escaped name, label and diagnosis, flapping. */
	zone = element(page, "zone-_script_alert__z____script_", "</section>");
	assert_non_null(strstr(zone, "<span class=\"zone-name\">&lt;script&gt;alert(&quot;z&quot;)"
	    "&lt;/script&gt;</span>"));
	assert_non_null(strstr(zone, "&lt;i&gt;evil&lt;/i&gt;"));
	assert_non_null(strstr(zone, "<p class=\"diagnosis\">&lt;script&gt;alert(&#39;d&#39;)"
	    "&lt;/script&gt; " FFFD "[31m " FFFD "( &amp; &quot;q&quot;</p>"));
	assert_non_null(strstr(zone, "<p class=\"flapping\">"));
	/* the server's hostile NSID and identity, on hover: HTML-escaped, no raw control byte */
	assert_non_null(strstr(zone, "<td title=\"nsid &lt;script&gt;alert(&#39;d&#39;)&lt;/script&gt; "
	    FFFD "[31m " FFFD "( &amp; &quot;q&quot;, identity line\nbreak\\host\">"
	    "ns&quot;&lt;b&gt;&#39;&amp;" FFFD FFFD ".evil</td>"));
	assert_non_null(strstr(zone, "<td class=\"cell error\" title=\"round 12: malformed"));
	assert_non_null(strstr(zone, "<td colspan=\"4\">line\nbreak\\host</td>"));
	free(zone);
	/* The hostile event. */
	assert_non_null(strstr(page, "<td>&lt;script&gt;alert(&quot;z&quot;)&lt;/script&gt;</td>"
	    "<td class=\"event-name\">unknown</td>"));
	assert_non_null(strstr(page, "&lt;script&gt;alert(&#39;e&#39;)&lt;/script&gt; &amp; "
	    "&quot;quoted&quot;"));
	/* Worst state in the title. */
	assert_non_null(strstr(page, "<title>tldwatch: unknown</title>"));
	free(page);
	tw_statefile_doc_clear(&doc);
}

/* A row missing from some rounds gets grey "no data" cells there. */
static void
test_nodata_cells(void **state)
{
	struct tw_state_doc doc;
	struct tw_view v;
	struct tw_check_result *r;
	char *page, *map;
	unsigned round;

	fx_doc(&doc, false);
	tw_history_free(doc.history);
	doc.history = tw_history_new(5);
	assert_non_null(doc.history);
	for (round = 1; round <= 4; round++) {
		r = fx_round(1, false);
		if (round < 3)
			r->zones[0].n_hosts = 1;        /* kcna only; the rest appear in round 3 */
		if (round == 2)
			r->zones[0].servers[0].outcome = TW_OUTCOME_NONE;
		assert_int_equal(tw_history_add(doc.history, r, round), 0);
		if (round < 3)
			r->zones[0].n_hosts = 3;        /* so all three are freed */
		tw_result_free(r);
	}
	fx_view(&v, &doc);
	page = render(&v);
	map = element(page, "heatmap-kp", "</table>");
	assert_non_null(strstr(map, "rounds 1 to 4"));
	/* rodong and naenara: no data in rounds 1 and 2; ns1 not asked in round 2. */
	assert_int_equal(count(map, "<td class=\"cell nodata\" title=\"round 1: no data\">"), 2);
	assert_int_equal(count(map, "<td class=\"cell nodata\" title=\"round 2: no data\">"), 2);
	assert_int_equal(count(map, "<td class=\"cell nodata\" title=\"round 2: none,"), 1);
	assert_int_equal(count(map, "title=\"round 3: no data\""), 0);
	free(map);
	free(page);
	tw_statefile_doc_clear(&doc);
}

static void
test_refresh_interval(void **state)
{
	static const struct {
		uint32_t interval_ms;
		const char *want;
	} cases[] = {
		{ 10, "content=\"5\"" },
		{ 1000, "content=\"5\"" },
		{ 5000, "content=\"5\"" },
		{ 12500, "content=\"13\"" },
		{ 60000, "content=\"60\"" },
		{ 86400000, "content=\"86400\"" },
	};
	struct tw_state_doc doc;
	struct tw_view v;
	char *page;
	size_t i;

	fx_doc(&doc, false);
	fx_view(&v, &doc);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		doc.interval_ms = cases[i].interval_ms;
		page = render(&v);
		assert_non_null(strstr(page, cases[i].want));
		free(page);
	}
	tw_statefile_doc_clear(&doc);
}

/* A window of 1000 rounds shows only the newest TW_STATUSPAGE_MAX_COLUMNS. */
static void
test_column_cap(void **state)
{
	struct tw_state_doc doc;
	struct tw_view v;
	struct tw_check_result *r;
	char *page, *map, want[64];
	unsigned round, last = TW_STATUSPAGE_MAX_COLUMNS + 60;

	fx_doc(&doc, false);
	tw_history_free(doc.history);
	doc.history = tw_history_new(1000);
	assert_non_null(doc.history);
	for (round = 1; round <= last; round++) {
		r = fx_round(round % 12 + 1, false);
		assert_int_equal(tw_history_add(doc.history, r, round), 0);
		tw_result_free(r);
	}
	fx_view(&v, &doc);
	page = render(&v);
	map = element(page, "heatmap-kp", "</table>");
	snprintf(want, sizeof(want), "rounds %u to %u", last - TW_STATUSPAGE_MAX_COLUMNS + 1,
	    last);
	assert_non_null(strstr(map, want));
	assert_int_equal(count(map, "<th class=\"round\""), TW_STATUSPAGE_MAX_COLUMNS);
	assert_int_equal(count(map, "<td class=\"cell "), 7 * TW_STATUSPAGE_MAX_COLUMNS);
	free(map);
	free(page);
	tw_statefile_doc_clear(&doc);
}

static void
test_empty_view(void **state)
{
	struct tw_view v;
	struct tw_state_doc doc;
	char *page;

	memset(&v, 0, sizeof(v));
	v.now = 100;
	v.last_round_seconds = -1;
	page = render(&v);
	assert_non_null(strstr(page, "id=\"no-zones\""));
	assert_non_null(strstr(page, "id=\"no-events\""));
	assert_non_null(strstr(page, "content=\"5\""));
	assert_non_null(strstr(page, "</html>\n"));
	free(page);

	/* A document with nothing in it yet, and an empty ring of events. */
	memset(&doc, 0, sizeof(doc));
	doc.interval_ms = 60000;
	doc.tracker = tw_tracker_new();
	doc.history = tw_history_new(10);
	doc.events = fx_alloc(1, sizeof(*doc.events));
	assert_non_null(doc.tracker);
	assert_non_null(doc.history);
	v.doc = &doc;
	page = render(&v);
	assert_non_null(strstr(page, "id=\"no-zones\""));
	assert_non_null(strstr(page, "id=\"no-events\""));
	assert_null(strstr(page, "id=\"roots\""));
	free(page);
	tw_statefile_doc_clear(&doc);
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
	assert_int_equal(tw_statuspage_render(&v, fp), -1);
	fclose(fp);
	tw_statefile_doc_clear(&doc);
}

/*
 * With a ledger: each zone gets a ribbon of the last seven days (an hour a
 * cell, the worst state of the hour) and its outages, newest first, with
 * their durations and who came back first.
 */
static void
test_ledger_sections(void **state)
{
	char dir[] = "/tmp/tw-page-ledger.XXXXXX", path[96], cmd[160];
	struct tw_state_doc doc;
	struct watcher w;
	struct tw_view v;
	char *page, *sec;
	size_t cells = 0;
	const char *p;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ledger.db", dir);
	watcher_open(&w, path);
	play_2014(&w);
	fx_doc(&doc, false);
	fx_view(&v, &doc);
	v.ledger = w.l;
	v.now = T0 + IVAL * (double)w.round;
	page = render(&v);
	sec = element(page, "zone-kp", "</section>");
	/* 168 cells, the story's hour down (red), the hours before it without rounds */
	for (p = strstr(sec, "<div class=\"ribbon\""); p != NULL && (p = strstr(p, "<span class=\"h-")) != NULL;
	    p++)
		cells++;
	assert_int_equal(cells, 168);
	assert_non_null(strstr(sec, "<span class=\"h-down\" title=\"2014-12-19T14:00:00.000Z: up "));
	assert_non_null(strstr(sec, "<span class=\"h-none\" title=\"2014-12-19T13:00:00.000Z: no rounds\">"));
	/* outage 1: 11 minutes within a minute, the news agency and the newspaper first */
	assert_non_null(strstr(sec, "<table class=\"outages\">"));
	assert_non_null(strstr(sec, "<td>1</td>"));
	assert_non_null(strstr(sec, "11m 0s (&plusmn; 1m 0s)"));
	assert_non_null(strstr(sec, "kcna.kp &rarr; rodong.rep.kp &rarr; naenara.com.kp"));
	free(sec);
	free(page);
	tw_statefile_doc_clear(&doc);
	tw_ledger_close(w.l);
	tw_tracker_free(w.t);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_story_page),
		cmocka_unit_test(test_hostile_page),
		cmocka_unit_test(test_nodata_cells),
		cmocka_unit_test(test_refresh_interval),
		cmocka_unit_test(test_column_cap),
		cmocka_unit_test(test_empty_view),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_ledger_sections),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
