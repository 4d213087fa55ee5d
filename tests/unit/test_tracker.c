/*
 * test_tracker.c -- hysteresis, flapping and outages in virtual time:
 * scenarios of raw zone states with the published states and exact events.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tldwatch/config.h"
#include "tldwatch/tracker.h"

/*
 * Round i starts at T0 + i: the tracker reads a time of 0 as "no run", so
 * virtual time starts at some second (the night of 2014-12-19, UTC).
 */
#define T0 1418947200.0
#define MAX_EVENTS 10
#define NO -1		/* no outage_start / no outage_seconds */

/* watch: defaults (config.h) */
static const struct tw_watch_cfg defaults = { 60000, 2, 2, 4, 10, 5, 60, 3, 900000, 3600000 };

/*
 * States as letters: u up, g degraded, s unstable, p partial, d down,
 * ? unknown.  In raw sequences also: x = the round hit its deadline, e =
 * the round could not run (the zone's own state, up or down, is ignored).
 */
static enum tw_state
st(char c)
{
	switch (c) {
	case 'u':
	case 'x':
		return TW_STATE_UP;
	case 'g':
		return TW_STATE_DEGRADED;
	case 's':
		return TW_STATE_UNSTABLE;
	case 'p':
		return TW_STATE_PARTIAL;
	case 'd':
	case 'e':
		return TW_STATE_DOWN;
	case '?':
		return TW_STATE_UNKNOWN;
	}
	fail_msg("bad state letter '%c'", c);
	return TW_STATE_UNKNOWN;
}

struct zin {
	const char *name;
	enum tw_state state;
	const char *diagnosis;	/* may be NULL */
};

/* A judged round: only what the tracker reads (zone names, states, diagnoses). */
static struct tw_check_result *
mk_result(const struct zin *zones, size_t n, char blind)
{
	struct tw_check_result *r = calloc(1, sizeof(*r));
	size_t i;

	assert_non_null(r);
	if (n > 0) {
		r->zones = calloc(n, sizeof(*r->zones));
		assert_non_null(r->zones);
	}
	r->n_zones = n;
	for (i = 0; i < n; i++) {
		r->zones[i].name = strdup(zones[i].name);
		assert_non_null(r->zones[i].name);
		r->zones[i].state = zones[i].state;
		if (zones[i].diagnosis != NULL) {
			r->zones[i].diagnosis = strdup(zones[i].diagnosis);
			assert_non_null(r->zones[i].diagnosis);
		}
	}
	if (blind == 'x') {
		r->deadline_hit = true;
		r->deadline_stage = strdup("host resolution (kcna.kp)");
	} else if (blind == 'e') {
		r->error = strdup("out of sockets");
	}
	return r;
}

/* Feed one round; returns the events (caller frees). */
static struct tw_event *
feed(struct tw_tracker *t, const struct tw_watch_cfg *cfg, const struct zin *zones, size_t n,
    char blind, double now, size_t *n_ev)
{
	struct tw_check_result *r = mk_result(zones, n, blind);
	struct tw_event *ev = (struct tw_event *)(uintptr_t)1;

	*n_ev = 99;
	assert_int_equal(tw_tracker_update(t, cfg, r, now, &ev, n_ev), 0);
	if (*n_ev == 0)
		assert_null(ev);
	else
		assert_non_null(ev);
	tw_result_free(r);
	return ev;
}

/* One expected event; round, outage_start (round index) and seconds in rounds. */
struct want_ev {
	int round;
	const char *event;
	char from, to;
	int start;	/* NO: outage_start is 0 */
	int secs;	/* NO: no outage_seconds */
};

struct scenario {
	const char *what;
	const struct tw_watch_cfg *cfg;	/* NULL: the defaults */
	const char *raw;		/* one letter per round */
	const char *published;		/* after each round */
	struct want_ev ev[MAX_EVENTS];	/* in order; ends at event NULL */
};

static const struct tw_watch_cfg fall3_rise1 = { 60000, 3, 1, 4, 10, 5, 60, 3, 900000, 3600000 };
static const struct tw_watch_cfg changes3 = { 60000, 2, 2, 3, 10, 5, 60, 3, 900000, 3600000 };
static const struct tw_watch_cfg settle1 = { 60000, 2, 2, 4, 10, 1, 60, 3, 900000, 3600000 };
static const struct tw_watch_cfg window5 = { 60000, 2, 2, 4, 5, 5, 60, 3, 900000, 3600000 };
static const struct tw_watch_cfg rare_flaps = { 60000, 2, 2, 32, 64, 5, 60, 3, 900000, 3600000 };
static const struct tw_watch_cfg fall1_rise3 = { 60000, 1, 3, 32, 64, 5, 60, 3, 900000, 3600000 };

static const struct scenario scenarios[] = {
	/*
	 * The first round publishes its own state at once, whatever fall and
	 * rise say: quietly when up or unknown, otherwise with an event from
	 * unknown (an outage then starts at that round).
	 */
	{ "starts up", NULL, "uugg", "uuug", { { 3, "degraded", 'u', 'g', NO, NO } } },
	{ "starts degraded, then recovers", NULL, "gguu", "gggu",
	  { { 0, "degraded", '?', 'g', NO, NO },
	    { 3, "recovered", 'g', 'u', NO, NO } } },
	{ "starts partial, gets worse, is restored", NULL, "ppdduu", "pppddu",
	  { { 0, "partial_outage", '?', 'p', 0, NO },
	    { 3, "outage", 'p', 'd', 0, NO },
	    { 5, "restored", 'd', 'u', 0, 4 } } },
	{ "starts down, partial restoration, restored", NULL, "ddppuu", "dddppu",
	  { { 0, "outage", '?', 'd', 0, NO },
	    { 3, "partial_restoration", 'd', 'p', 0, 2 },
	    { 5, "restored", 'p', 'u', 0, 4 } } },
	{ "starts down despite fall 3", &fall3_rise1, "dddu", "dddu",
	  { { 0, "outage", '?', 'd', 0, NO },
	    { 3, "restored", 'd', 'u', 0, 3 } } },
	{ "starts blind while the zone looks down", NULL, "eeuu", "???u",
	  { { 3, "recovered", '?', 'u', NO, NO } } },
	{ "starts blind, then down: the outage starts with the down rounds", NULL, "xdd", "??d",
	  { { 2, "outage", '?', 'd', 1, NO } } },

	/* hysteresis */
	{ "steady", NULL, "uuuuu", "uuuuu", { { 0 } } },
	{ "a down blip", NULL, "uuduu", "uuuuu", { { 0 } } },
	{ "a degraded blip", NULL, "uuguu", "uuuuu", { { 0 } } },
	{ "a partial blip", NULL, "uupuu", "uuuuu", { { 0 } } },
	{ "a blind blip", NULL, "uu?uu", "uuuuu", { { 0 } } },
	{ "an up blip in an outage", NULL, "ddudd", "ddddd",
	  { { 0, "outage", '?', 'd', 0, NO } } },
	{ "starts unknown", NULL, "??uu", "???u", { { 3, "recovered", '?', 'u', NO, NO } } },
	{ "down after fall rounds, from its first round", NULL, "uudd", "uuud",
	  { { 3, "outage", 'u', 'd', 2, NO } } },
	{ "partial vs down: the best of the streak", NULL, "uupddd", "uuuppd",
	  { { 3, "partial_outage", 'u', 'p', 2, NO },
	    { 5, "outage", 'p', 'd', 2, NO } } },
	{ "down then partial: partial", NULL, "uudpd", "uuupp",
	  { { 3, "partial_outage", 'u', 'p', 2, NO } } },
	{ "degraded and recovered", NULL, "uugguu", "uuuggu",
	  { { 3, "degraded", 'u', 'g', NO, NO },
	    { 5, "recovered", 'g', 'u', NO, NO } } },
	{ "a better streak publishes its worst", NULL, "ddgudd", "dddggd",
	  { { 0, "outage", '?', 'd', 0, NO },
	    { 3, "restored", 'd', 'g', 0, 2 },
	    { 5, "outage", 'g', 'd', 4, NO } } },
	{ "rise interrupted", NULL, "dduduu", "dddddu",
	  { { 0, "outage", '?', 'd', 0, NO },
	    { 5, "restored", 'd', 'u', 0, 4 } } },
	{ "fall 3", &fall3_rise1, "uudduddd", "uuuuuuud",
	  { { 7, "outage", 'u', 'd', 5, NO } } },
	{ "rise 1 ends an outage at once", &fall3_rise1, "uudddu", "uuuudu",
	  { { 4, "outage", 'u', 'd', 2, NO },
	    { 5, "restored", 'd', 'u', 2, 3 } } },

	/* flapping */
	{ "flap at exactly flap_changes, settle after flap_settle", NULL, "uududuuuuu",
	  "uuuuussssu", { { 5, "unstable", 'u', 's', NO, NO },
	    { 9, "stable", 's', 'u', NO, NO } } },
	{ "one change short of flapping", NULL, "uududdd", "uuuuudd",
	  { { 5, "outage", 'u', 'd', 4, NO } } },
	{ "flap_changes 3", &changes3, "uudud", "uuuus",
	  { { 4, "unstable", 'u', 's', NO, NO } } },
	{ "settle into down: outage from the first down round of that run", NULL,
	  "uudududdddddd", "uuuuusssssddd",
	  { { 5, "unstable", 'u', 's', NO, NO },
	    { 10, "outage", 's', 'd', 6, NO } } },
	{ "while flapping nothing else happens", NULL, "uududuudduudduuuuu",
	  "uuuuu" "ssssssssssss" "u", { { 5, "unstable", 'u', 's', NO, NO },
	    { 17, "stable", 's', 'u', NO, NO } } },
	{ "flap_settle 1 leaves on the next round", &settle1, "uududuu",
	  "uuuuusu", { { 5, "unstable", 'u', 's', NO, NO },
	    { 6, "stable", 's', 'u', NO, NO } } },
	{ "settle into degraded", NULL, "uudugugggg" "g", "uuuuusssss" "g",
	  { { 5, "unstable", 'u', 's', NO, NO },
	    { 10, "stable", 's', 'g', NO, NO } } },
	{ "flapping within an outage, settling into up", NULL, "ddududuuuuu",
	  "dddddsssssu", { { 0, "outage", '?', 'd', 0, NO },
	    { 5, "unstable", 'd', 's', NO, NO },
	    { 10, "restored", 's', 'u', 0, 6 } } },
	{ "flap window 10: four changes flap", NULL, "uudduudduudd",
	  "uuudduudssss", { { 3, "outage", 'u', 'd', 2, NO },
	    { 5, "restored", 'd', 'u', 2, 2 },
	    { 7, "outage", 'u', 'd', 6, NO },
	    { 8, "unstable", 'd', 's', NO, NO } } },
	{ "flap window 5: old changes fall out", &window5, "uudduudduudd",
	  "uuudduudduud", { { 3, "outage", 'u', 'd', 2, NO },
	    { 5, "restored", 'd', 'u', 2, 2 },
	    { 7, "outage", 'u', 'd', 6, NO },
	    { 9, "restored", 'd', 'u', 6, 2 },
	    { 11, "outage", 'u', 'd', 10, NO } } },
	{ "settle into unknown", NULL, "uudud?????", "uuuuussss?",
	  { { 5, "unstable", 'u', 's', NO, NO },
	    { 9, "unknown", 's', '?', NO, NO } } },

	/*
	 * December 2014: up x5, unstable (alternating x6), down x8, the news
	 * sites back first (partial x4), up x4, down again x3, up x3.
	 */
	{ "2014", NULL, "uuuuu" "dudud" "u" "dddddddd" "pppp" "uuuu" "ddd" "uuu",
	  "uuuuuuuu" "sssssss" "ddddd" "pppp" "uuuu" "ddd" "uu",
	  { { 8, "unstable", 'u', 's', NO, NO },
	    { 15, "outage", 's', 'd', 11, NO },
	    { 20, "partial_restoration", 'd', 'p', 11, 8 },
	    { 24, "restored", 'p', 'u', 11, 12 },
	    { 28, "outage", 'u', 'd', 27, NO },
	    { 31, "restored", 'd', 'u', 27, 3 } } },

	/* blind rounds */
	{ "unknown after fall blind rounds", NULL, "uu??uu", "uuu??u",
	  { { 3, "unknown", 'u', '?', NO, NO },
	    { 5, "recovered", '?', 'u', NO, NO } } },
	{ "deadline and error rounds are blind", NULL, "uuxeuu", "uuu??u",
	  { { 3, "unknown", 'u', '?', NO, NO },
	    { 5, "recovered", '?', 'u', NO, NO } } },
	{ "blind rounds are not down rounds", NULL, "uueeexeuu", "uuu?????u",
	  { { 3, "unknown", 'u', '?', NO, NO },
	    { 8, "recovered", '?', 'u', NO, NO } } },
	{ "unknown then degraded", NULL, "u??gg", "uu??g",
	  { { 2, "unknown", 'u', '?', NO, NO },
	    { 4, "recovered", '?', 'g', NO, NO } } },
	{ "a blind round does not start a bad run", NULL, "uu?dd", "uuudd",
	  { { 3, "outage", 'u', 'd', 3, NO } } },
	{ "a blind round does not break a bad run", &fall3_rise1, "uud?d", "uuuud",
	  { { 4, "outage", 'u', 'd', 2, NO } } },
	{ "an outage across unknown rounds keeps its start", &rare_flaps, "uudd??dduu",
	  "uuudd??ddu", { { 3, "outage", 'u', 'd', 2, NO },
	    { 5, "unknown", 'd', '?', NO, NO },
	    { 7, "outage", '?', 'd', 2, NO },
	    { 9, "restored", 'd', 'u', 2, 6 } } },
	{ "restored straight from unknown", NULL, "uupp??uu", "uuupp??u",
	  { { 3, "partial_outage", 'u', 'p', 2, NO },
	    { 5, "unknown", 'p', '?', NO, NO },
	    { 7, "restored", '?', 'u', 2, 4 } } },
	/*
	 * Out of unknown, the streak down, up, up publishes its worst (down)
	 * on an up round: the outage starts then, and the up run that began
	 * before it ends it after 0 seconds, not -1.
	 */
	{ "an outage declared on a good round", &fall1_rise3, "u?duuuuu", "u???dddu",
	  { { 1, "unknown", 'u', '?', NO, NO },
	    { 4, "outage", '?', 'd', 4, NO },
	    { 7, "restored", 'd', 'u', 4, 0 } } },
	{ "partial restoration after unknown", NULL, "uudd?pp", "uuudddp",
	  { { 3, "outage", 'u', 'd', 2, NO },
	    { 6, "partial_restoration", 'd', 'p', 2, 3 } } },
	{ "partial, down, partial, down in one outage", &rare_flaps, "uuppddppdduu",
	  "uuuppddppddu", { { 3, "partial_outage", 'u', 'p', 2, NO },
	    { 5, "outage", 'p', 'd', 2, NO },
	    { 7, "partial_restoration", 'd', 'p', 2, 4 },
	    { 9, "outage", 'p', 'd', 2, NO },
	    { 11, "restored", 'd', 'u', 2, 8 } } },
};

static char
letter(enum tw_state s)
{
	static const char letters[] = "ugspd?";

	assert_true((unsigned)s < TW_STATE_COUNT);
	return letters[s];
}

static void
run_scenario(const struct scenario *sc)
{
	const struct tw_watch_cfg *cfg = sc->cfg != NULL ? sc->cfg : &defaults;
	struct tw_tracker *t = tw_tracker_new();
	size_t i, n = strlen(sc->raw), k = 0, n_ev;
	char got[128], diag[32];

	assert_non_null(t);
	if (strlen(sc->published) != n)
		fail_msg("%s: %zu published states for %zu rounds", sc->what,
		    strlen(sc->published), n);
	assert_true(n < sizeof(got));
	for (i = 0; i < n; i++) {
		char c = sc->raw[i];
		struct zin z = { "kp", st(c), diag };
		struct tw_zone_track *zt;
		struct tw_event *ev;
		enum tw_state before;

		snprintf(diag, sizeof(diag), "round %zu", i);
		zt = tw_tracker_find(t, "kp");
		/* a first-round event comes from "unknown" */
		before = zt != NULL ? zt->published : TW_STATE_UNKNOWN;
		ev = feed(t, cfg, &z, 1, c == 'x' || c == 'e' ? c : 0, T0 + (double)i, &n_ev);
		assert_non_null(zt = tw_tracker_find(t, "kp"));
		got[i] = letter(zt->published);
		got[i + 1] = '\0';
		assert_int_equal(t->rounds, i + 1);
		assert_true(t->last_round == T0 + (double)i);
		assert_string_equal(zt->diagnosis, diag);
		assert_true(n_ev <= 1);
		if (n_ev == 1) {
			const struct want_ev *w = &sc->ev[k];

			if (k >= MAX_EVENTS || w->event == NULL || w->round != (int)i)
				fail_msg("%s: round %zu: unexpected event %s %c -> %c", sc->what, i,
				    tw_event_kind_str(ev->kind), letter(ev->from), letter(ev->to));
			if (strcmp(tw_event_kind_str(ev->kind), w->event) != 0 || letter(ev->from) != w->from ||
			    letter(ev->to) != w->to)
				fail_msg("%s: round %zu: got %s %c -> %c, want %s %c -> %c",
				    sc->what, i, tw_event_kind_str(ev->kind), letter(ev->from), letter(ev->to),
				    w->event, w->from, w->to);
			assert_true(ev->time == T0 + (double)i);
			assert_string_equal(ev->zone, "kp");
			assert_string_equal(ev->diagnosis, diag);
			assert_int_equal(ev->from, before);
			assert_int_equal(ev->to, zt->published);
			assert_true(zt->published_since == T0 + (double)i);
			if (w->start == NO)
				assert_true(ev->outage_start == 0);
			else if (ev->outage_start != T0 + w->start)
				fail_msg("%s: round %zu: outage_start %.0f, want round %d",
				    sc->what, i, ev->outage_start - T0, w->start);
			assert_int_equal(ev->has_outage_seconds, w->secs != NO);
			if (w->secs != NO && ev->outage_seconds != (double)w->secs)
				fail_msg("%s: round %zu: outage_seconds %g, want %d", sc->what, i,
				    ev->outage_seconds, w->secs);
			k++;
		} else if (k < MAX_EVENTS && sc->ev[k].event != NULL && sc->ev[k].round == (int)i)
			fail_msg("%s: round %zu: no event, want %s", sc->what, i, sc->ev[k].event);
		tw_event_array_free(ev, n_ev);
	}
	if (strcmp(got, sc->published) != 0)
		fail_msg("%s: published %s, want %s", sc->what, got, sc->published);
	if (k < MAX_EVENTS && sc->ev[k].event != NULL)
		fail_msg("%s: missing event %s at round %d", sc->what, sc->ev[k].event,
		    sc->ev[k].round);
	tw_tracker_free(t);
}

static void
test_scenarios(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		run_scenario(&scenarios[i]);
}

/* The first round publishes and reports, and an outage found then starts then. */
static void
test_first_round(void **state)
{
	struct tw_tracker *t = tw_tracker_new();
	struct zin z[] = { { "kp", TW_STATE_PARTIAL, NULL } };
	struct tw_zone_track *zt;
	struct tw_event *ev;
	size_t n_ev;

	assert_non_null(t);
	assert_null(tw_tracker_find(t, "kp"));
	assert_int_equal(t->rounds, 0);
	ev = feed(t, &defaults, z, 1, 0, T0 + 100, &n_ev);
	assert_int_equal(n_ev, 1);
	assert_string_equal(tw_event_kind_str(ev[0].kind), "partial_outage");
	assert_string_equal(ev[0].zone, "kp");
	assert_int_equal(ev[0].from, TW_STATE_UNKNOWN);
	assert_int_equal(ev[0].to, TW_STATE_PARTIAL);
	assert_true(ev[0].time == T0 + 100);
	assert_true(ev[0].outage_start == T0 + 100);
	assert_false(ev[0].has_outage_seconds);
	assert_null(ev[0].diagnosis);
	assert_non_null(zt = tw_tracker_find(t, "kp"));
	assert_true(zt->started);
	assert_int_equal(zt->published, TW_STATE_PARTIAL);
	assert_true(zt->published_since == T0 + 100);
	assert_int_equal(zt->last_raw, TW_STATE_PARTIAL);
	assert_null(zt->diagnosis);
	assert_true(zt->in_outage);
	assert_true(zt->outage_start == T0 + 100);
	assert_int_equal(zt->outage_state, TW_STATE_PARTIAL);
	assert_true(zt->bad_since == T0 + 100);
	assert_true(zt->good_since == 0);
	assert_int_equal(zt->ring_len, 1);
	tw_event_array_free(ev, n_ev);

	/* Down for two rounds: "outage" within the outage that began at the start. */
	z[0].state = TW_STATE_DOWN;
	z[0].diagnosis = "both kp servers silent";
	ev = feed(t, &defaults, z, 1, 0, T0 + 101, &n_ev);
	assert_int_equal(n_ev, 0);
	ev = feed(t, &defaults, z, 1, 0, T0 + 102, &n_ev);
	assert_int_equal(n_ev, 1);
	assert_string_equal(tw_event_kind_str(ev[0].kind), "outage");
	assert_int_equal(ev[0].from, TW_STATE_PARTIAL);
	assert_int_equal(ev[0].to, TW_STATE_DOWN);
	assert_true(ev[0].outage_start == T0 + 100);
	assert_false(ev[0].has_outage_seconds);
	assert_string_equal(ev[0].diagnosis, "both kp servers silent");
	assert_string_equal(tw_tracker_find(t, "kp")->diagnosis, "both kp servers silent");
	tw_event_array_free(ev, n_ev);
	tw_tracker_free(t);
}

/*
 * Each first-round state: published at once, with an event from unknown
 * unless it is up or unknown; partial and down start an outage then.
 */
static void
test_first_round_states(void **state)
{
	static const struct {
		enum tw_state raw;
		char blind;		/* 0, 'x' (deadline hit) or 'e' (round error) */
		enum tw_state published;
		const char *event;	/* NULL: none */
		bool in_outage;
	} cases[] = {
		{ TW_STATE_UP, 0, TW_STATE_UP, NULL, false },
		{ TW_STATE_DEGRADED, 0, TW_STATE_DEGRADED, "degraded", false },
		{ TW_STATE_PARTIAL, 0, TW_STATE_PARTIAL, "partial_outage", true },
		{ TW_STATE_DOWN, 0, TW_STATE_DOWN, "outage", true },
		{ TW_STATE_UNKNOWN, 0, TW_STATE_UNKNOWN, NULL, false },
		/* a blind first round is unknown whatever the zone's own state */
		{ TW_STATE_DOWN, 'x', TW_STATE_UNKNOWN, NULL, false },
		{ TW_STATE_PARTIAL, 'e', TW_STATE_UNKNOWN, NULL, false },
	};
	const double now = T0 + 50;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tw_tracker *t = tw_tracker_new();
		struct zin z = { "kp", cases[i].raw, "why" };
		struct tw_zone_track *zt;
		struct tw_event *ev;
		size_t n_ev;

		assert_non_null(t);
		ev = feed(t, &defaults, &z, 1, cases[i].blind, now, &n_ev);
		assert_non_null(zt = tw_tracker_find(t, "kp"));
		if (zt->published != cases[i].published)
			fail_msg("case %zu: published %s, want %s", i, tw_state_str(zt->published),
			    tw_state_str(cases[i].published));
		assert_true(zt->started);
		assert_true(zt->published_since == now);
		assert_int_equal(zt->last_raw, cases[i].published);
		assert_false(zt->flapping);
		assert_int_equal(zt->ring_len, 1);
		assert_int_equal(zt->ring[0], cases[i].published);
		assert_int_equal(zt->worse_count, 0);
		assert_int_equal(zt->better_count, 0);
		assert_string_equal(zt->diagnosis, "why");
		if (zt->in_outage != cases[i].in_outage)
			fail_msg("case %zu: in_outage %d, want %d", i, zt->in_outage,
			    cases[i].in_outage);
		if (cases[i].in_outage) {
			assert_true(zt->outage_start == now);
			assert_int_equal(zt->outage_state, cases[i].published);
		} else
			assert_true(zt->outage_start == 0);
		if (cases[i].event == NULL) {
			if (n_ev != 0)
				fail_msg("case %zu: unexpected event %s", i, tw_event_kind_str(ev[0].kind));
		} else {
			if (n_ev != 1)
				fail_msg("case %zu: %zu events, want %s", i, n_ev, cases[i].event);
			assert_string_equal(tw_event_kind_str(ev[0].kind), cases[i].event);
			assert_string_equal(ev[0].zone, "kp");
			assert_string_equal(ev[0].diagnosis, "why");
			assert_true(ev[0].time == now);
			assert_int_equal(ev[0].from, TW_STATE_UNKNOWN);
			assert_int_equal(ev[0].to, cases[i].published);
			assert_false(ev[0].has_outage_seconds);
			assert_true(ev[0].outage_start == (cases[i].in_outage ? now : 0));
		}
		tw_event_array_free(ev, n_ev);

		/* The same round again changes nothing and says nothing. */
		ev = feed(t, &defaults, &z, 1, cases[i].blind, now + 1, &n_ev);
		assert_int_equal(n_ev, 0);
		assert_non_null(zt = tw_tracker_find(t, "kp"));
		assert_int_equal(zt->published, cases[i].published);
		assert_true(zt->published_since == now);
		assert_int_equal(zt->in_outage, cases[i].in_outage);
		assert_true(zt->outage_start == (cases[i].in_outage ? now : 0));
		tw_tracker_free(t);
	}
}

/* Zones come and go by name; new ones are appended in the result's order. */
static void
test_zones_added_removed(void **state)
{
	struct tw_tracker *t = tw_tracker_new();
	struct zin kp_up = { "kp", TW_STATE_UP, "kp fine" };
	struct zin kp_down = { "kp", TW_STATE_DOWN, "kp dark" };
	struct zin kr_up = { "kr", TW_STATE_UP, NULL };
	struct zin kr_down = { "kr", TW_STATE_DOWN, "kr dark" };
	struct zin r1[2], r3[2], r4[2], three[4];
	struct tw_event *ev;
	size_t n_ev;

	assert_non_null(t);
	ev = feed(t, &defaults, &kp_up, 1, 0, T0, &n_ev);
	assert_int_equal(n_ev, 0);
	assert_int_equal(t->n_zones, 1);

	/* kr appears, already down: tracked, in an outage, reported at once */
	r1[0] = kp_up;
	r1[1] = kr_down;
	ev = feed(t, &defaults, r1, 2, 0, T0 + 1, &n_ev);
	assert_int_equal(n_ev, 1);
	assert_string_equal(ev[0].zone, "kr");
	assert_string_equal(tw_event_kind_str(ev[0].kind), "outage");
	assert_int_equal(ev[0].from, TW_STATE_UNKNOWN);
	assert_int_equal(ev[0].to, TW_STATE_DOWN);
	assert_string_equal(ev[0].diagnosis, "kr dark");
	assert_true(ev[0].outage_start == T0 + 1);
	assert_false(ev[0].has_outage_seconds);
	tw_event_array_free(ev, n_ev);
	assert_int_equal(t->n_zones, 2);
	assert_string_equal(t->zones[0].name, "kp");
	assert_string_equal(t->zones[1].name, "kr");
	assert_true(tw_tracker_find(t, "kr")->in_outage);

	/* kp leaves: dropped */
	ev = feed(t, &defaults, &kr_down, 1, 0, T0 + 2, &n_ev);
	assert_int_equal(n_ev, 0);
	assert_int_equal(t->n_zones, 1);
	assert_null(tw_tracker_find(t, "kp"));
	assert_string_equal(t->zones[0].name, "kr");

	/* kp returns first in the result: a fresh start, appended after kr */
	r3[0] = kp_up;
	r3[1] = kr_down;
	ev = feed(t, &defaults, r3, 2, 0, T0 + 3, &n_ev);
	assert_int_equal(n_ev, 0);
	assert_int_equal(t->n_zones, 2);
	assert_string_equal(t->zones[0].name, "kr");
	assert_string_equal(t->zones[1].name, "kp");
	assert_false(tw_tracker_find(t, "kp")->in_outage);
	assert_int_equal(tw_tracker_find(t, "kp")->ring_len, 1);

	/* they swap: kp down, kr up; two rounds later an event each */
	r4[0] = kp_down;
	r4[1] = kr_up;
	ev = feed(t, &defaults, r4, 2, 0, T0 + 4, &n_ev);
	assert_int_equal(n_ev, 0);
	ev = feed(t, &defaults, r4, 2, 0, T0 + 5, &n_ev);
	assert_int_equal(n_ev, 2);
	assert_string_equal(ev[0].zone, "kr");
	assert_string_equal(tw_event_kind_str(ev[0].kind), "restored");
	assert_null(ev[0].diagnosis);
	assert_true(ev[0].outage_start == T0 + 1);
	assert_true(ev[0].has_outage_seconds);
	assert_true(ev[0].outage_seconds == 3);
	assert_string_equal(ev[1].zone, "kp");
	assert_string_equal(tw_event_kind_str(ev[1].kind), "outage");
	assert_string_equal(ev[1].diagnosis, "kp dark");
	assert_true(ev[1].outage_start == T0 + 4);
	tw_event_array_free(ev, n_ev);
	assert_int_equal(t->rounds, 6);

	/* No zones at all: everything is dropped. */
	ev = feed(t, &defaults, NULL, 0, 0, T0 + 6, &n_ev);
	assert_int_equal(n_ev, 0);
	assert_int_equal(t->n_zones, 0);
	assert_null(t->zones);
	assert_int_equal(t->rounds, 7);

	/* Several new zones keep the result's order; a repeated name counts once. */
	three[0] = (struct zin){ "c", TW_STATE_UP, NULL };
	three[1] = (struct zin){ "b", TW_STATE_DOWN, NULL };
	three[2] = (struct zin){ "c", TW_STATE_DOWN, NULL };
	three[3] = (struct zin){ "a", TW_STATE_DEGRADED, NULL };
	ev = feed(t, &defaults, three, 4, 0, T0 + 7, &n_ev);
	/* b starts down and a degraded: an event each, in the zones' order */
	assert_int_equal(n_ev, 2);
	assert_string_equal(ev[0].zone, "b");
	assert_string_equal(tw_event_kind_str(ev[0].kind), "outage");
	assert_int_equal(ev[0].from, TW_STATE_UNKNOWN);
	assert_true(ev[0].outage_start == T0 + 7);
	assert_string_equal(ev[1].zone, "a");
	assert_string_equal(tw_event_kind_str(ev[1].kind), "degraded");
	assert_int_equal(ev[1].from, TW_STATE_UNKNOWN);
	assert_true(ev[1].outage_start == 0);
	tw_event_array_free(ev, n_ev);
	assert_int_equal(t->n_zones, 3);
	assert_string_equal(t->zones[0].name, "c");
	assert_int_equal(t->zones[0].published, TW_STATE_UP);
	assert_string_equal(t->zones[1].name, "b");
	assert_string_equal(t->zones[2].name, "a");
	assert_int_equal(t->zones[2].published, TW_STATE_DEGRADED);
	/* find sees the new array, never the one the update freed */
	assert_ptr_equal(tw_tracker_find(t, "a"), &t->zones[2]);
	assert_ptr_equal(tw_tracker_find(t, "c"), &t->zones[0]);
	assert_null(tw_tracker_find(t, "kp"));
	tw_tracker_free(t);
}

/* A name tracked twice (a damaged state file): the first track goes on, the other goes. */
static void
test_tracked_twice(void **state)
{
	struct tw_tracker *t = tw_tracker_new();
	struct zin one = { "kp", TW_STATE_DOWN, "dark" };
	struct tw_event *ev;
	size_t n_ev;

	(void)state;
	assert_non_null(t);
	assert_non_null(t->zones = calloc(3, sizeof(*t->zones)));
	t->n_zones = 3;
	t->zones[0].name = strdup("kp");
	t->zones[0].published = TW_STATE_UP;
	t->zones[0].started = true;
	t->zones[1].name = strdup("kr");
	t->zones[2].name = strdup("kp");
	t->zones[2].published = TW_STATE_DOWN;
	t->zones[2].started = true;
	assert_ptr_equal(tw_tracker_find(t, "kp"), &t->zones[0]);
	assert_ptr_equal(tw_tracker_find(t, "kr"), &t->zones[1]);
	ev = feed(t, &defaults, &one, 1, 0, T0, &n_ev);
	tw_event_array_free(ev, n_ev);
	assert_int_equal(t->n_zones, 1);
	assert_string_equal(t->zones[0].name, "kp");
	assert_int_equal(t->zones[0].published, TW_STATE_UP);   /* one down round: not yet */
	assert_ptr_equal(tw_tracker_find(t, "kp"), &t->zones[0]);
	assert_null(tw_tracker_find(t, "kr"));
	tw_tracker_free(t);
}

/* The watch: numbers come from the config, defaults when it says nothing. */
static void
test_config_defaults(void **state)
{
	static const char *const yaml[] = {
		"zones: [{name: kp}]\n",
		"watch: {fall: 3, rise: 1, flap_changes: 3, flap_window: 5}\nzones: [{name: kp}]\n",
	};
	/* up, a 2-round down blip, up, 3 down, up */
	static const char raw[] = "uudduuuuuudddu";
	static const char *const want[] = { "uuudduuuuuuddd", "uuuuuuuuuuuudu" };
	struct tw_config *cfg;
	struct tw_error err;
	size_t i, j;

	for (i = 0; i < 2; i++) {
		struct tw_tracker *t = tw_tracker_new();
		char got[sizeof(raw)];

		cfg = tw_config_load_string(yaml[i], strlen(yaml[i]), "t.yaml", &err);
		assert_non_null(cfg);
		assert_non_null(t);
		for (j = 0; raw[j] != '\0'; j++) {
			struct zin z = { "kp", st(raw[j]), NULL };
			struct tw_event *ev;
			size_t n_ev;

			ev = feed(t, &cfg->watch, &z, 1, 0, T0 + (double)j, &n_ev);
			tw_event_array_free(ev, n_ev);
			got[j] = letter(tw_tracker_find(t, "kp")->published);
		}
		got[j] = '\0';
		if (strcmp(got, want[i]) != 0)
			fail_msg("config #%zu: published %s, want %s", i, got, want[i]);
		tw_tracker_free(t);
		tw_config_free(cfg);
	}
}

/* A config reload with a smaller flap window keeps the newest raw states. */
static void
test_window_shrinks(void **state)
{
	static const struct tw_watch_cfg wide = { 60000, 2, 2, 10, 10, 5, 60, 3, 900000, 3600000 };
	static const struct tw_watch_cfg narrow = { 60000, 2, 2, 3, 4, 5, 60, 3, 900000, 3600000 };
	static const char raw[] = "gugugugu";
	struct tw_tracker *t = tw_tracker_new();
	struct tw_zone_track *zt;
	struct tw_event *ev;
	size_t i, n_ev;

	assert_non_null(t);
	for (i = 0; raw[i] != '\0'; i++) {
		struct zin z = { "kp", st(raw[i]), NULL };

		ev = feed(t, &wide, &z, 1, 0, T0 + (double)i, &n_ev);
		if (i == 0) {
			/* starts degraded: said at once */
			assert_int_equal(n_ev, 1);
			assert_string_equal(tw_event_kind_str(ev[0].kind), "degraded");
			assert_int_equal(ev[0].from, TW_STATE_UNKNOWN);
			tw_event_array_free(ev, n_ev);
		} else
			assert_int_equal(n_ev, 0);	/* 7 changes < 10 */
	}
	zt = tw_tracker_find(t, "kp");
	assert_int_equal(zt->ring_len, 8);
	assert_false(zt->flapping);
	assert_int_equal(zt->published, TW_STATE_DEGRADED);

	/* Window 4: g u g u + g -> u g u g, 3 changes = flap_changes */
	{
		struct zin z = { "kp", TW_STATE_DEGRADED, NULL };

		ev = feed(t, &narrow, &z, 1, 0, T0 + 8, &n_ev);
	}
	zt = tw_tracker_find(t, "kp");
	assert_int_equal(zt->ring_len, 4);
	assert_int_equal(zt->ring[0], TW_STATE_UP);
	assert_int_equal(zt->ring[1], TW_STATE_DEGRADED);
	assert_int_equal(zt->ring[2], TW_STATE_UP);
	assert_int_equal(zt->ring[3], TW_STATE_DEGRADED);
	assert_true(zt->flapping);
	assert_int_equal(n_ev, 1);
	assert_string_equal(tw_event_kind_str(ev[0].kind), "unstable");
	assert_int_equal(ev[0].from, TW_STATE_DEGRADED);
	tw_event_array_free(ev, n_ev);
	tw_tracker_free(t);
}

/* Small deterministic generator for the property test (xorshift32). */
static uint32_t
next_rand(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static bool
starts_outage(const char *event)
{
	return strcmp(event, "outage") == 0 || strcmp(event, "partial_outage") == 0;
}

/*
 * Random raw sequences under random settings never give an event from a
 * state to itself, and in_outage is true exactly from an outage-starting
 * event (a first round at partial/down gives one) to the next "restored".
 */
static void
test_random_properties(void **state)
{
	static const enum tw_state raw_states[] = {
		TW_STATE_UP, TW_STATE_UP, TW_STATE_UP, TW_STATE_DEGRADED, TW_STATE_PARTIAL,
		TW_STATE_DOWN, TW_STATE_DOWN, TW_STATE_UNKNOWN,
	};
	uint32_t seed = 20141222;
	unsigned run, i, counts[4] = { 0, 0, 0, 0 };

	for (run = 0; run < 400; run++) {
		struct tw_tracker *t = tw_tracker_new();
		struct tw_watch_cfg cfg = defaults;
		unsigned rounds = 50 + next_rand(&seed) % 250;
		unsigned sticky = 1 + next_rand(&seed) % 6;	/* how long states last */
		enum tw_state cur = TW_STATE_UP;
		bool expect_outage = false;

		assert_non_null(t);
		cfg.fall = 1 + next_rand(&seed) % 4;
		cfg.rise = 1 + next_rand(&seed) % 4;
		cfg.flap_window = 2 + next_rand(&seed) % 15;
		cfg.flap_changes = 2 + next_rand(&seed) % (cfg.flap_window - 1);
		cfg.flap_settle = 1 + next_rand(&seed) % 6;
		for (i = 0; i < rounds; i++) {
			struct tw_zone_track *zt = tw_tracker_find(t, "kp");
			bool started = zt != NULL;
			/* a first-round event comes from "unknown" */
			enum tw_state before = started ? zt->published : TW_STATE_UNKNOWN;
			uint32_t roll = next_rand(&seed);
			char blind = roll % 50 == 0 ? 'x' : roll % 50 == 1 ? 'e' : 0;
			struct zin z;
			struct tw_event *ev;
			size_t n_ev;

			if (next_rand(&seed) % sticky == 0)
				cur = raw_states[next_rand(&seed) % 8];
			z = (struct zin){ "kp", cur, NULL };
			ev = feed(t, &cfg, &z, 1, blind, T0 + (double)i, &n_ev);
			zt = tw_tracker_find(t, "kp");
			assert_non_null(zt);
			assert_true(n_ev <= 1);
			if (!started) {
				/* its own state at once; an event unless up or unknown */
				enum tw_state first = blind ? TW_STATE_UNKNOWN : cur;
				const char *want = first == TW_STATE_DEGRADED ? "degraded" :
				    first == TW_STATE_PARTIAL ? "partial_outage" :
				    first == TW_STATE_DOWN ? "outage" : NULL;

				assert_int_equal(zt->published, first);
				assert_int_equal(n_ev, want != NULL);
				if (want != NULL)
					assert_string_equal(tw_event_kind_str(ev->kind), want);
				if (want != NULL && first != TW_STATE_DEGRADED) {
					assert_true(ev->outage_start == T0 + (double)i);
					counts[3]++;
				}
			}
			if (n_ev == 1) {
				if (ev->from == ev->to)
					fail_msg("run %u round %u: %s from %s to itself", run, i,
					    tw_event_kind_str(ev->kind), tw_state_str(ev->from));
				assert_int_equal(ev->from, before);
				assert_int_equal(ev->to, zt->published);
				if (strcmp(tw_event_kind_str(ev->kind), "restored") == 0) {
					assert_true(expect_outage);
					expect_outage = false;
					counts[0]++;
				} else if (starts_outage(tw_event_kind_str(ev->kind)) && !expect_outage) {
					expect_outage = true;
					counts[1]++;
				}
				/* outage_start exactly on events in or ending an outage */
				assert_int_equal(ev->outage_start != 0,
				    starts_outage(tw_event_kind_str(ev->kind)) || ev->has_outage_seconds);
				if (ev->has_outage_seconds && ev->outage_seconds < 0)
					fail_msg("run %u round %u: %s after %g seconds", run, i,
					    tw_event_kind_str(ev->kind), ev->outage_seconds);
				assert_int_equal(strcmp(tw_event_kind_str(ev->kind), "unstable") == 0,
				    ev->to == TW_STATE_UNSTABLE);
				assert_int_equal(strcmp(tw_event_kind_str(ev->kind), "unknown") == 0,
				    ev->to == TW_STATE_UNKNOWN);
				if (strcmp(tw_event_kind_str(ev->kind), "partial_restoration") == 0)
					counts[2]++;
			} else if (started)
				assert_int_equal(zt->published, before);
			if (zt->in_outage != expect_outage)
				fail_msg("run %u round %u: in_outage %d, want %d", run, i,
				    zt->in_outage, expect_outage);
			/* unstable is published exactly while flapping */
			assert_int_equal(zt->flapping, zt->published == TW_STATE_UNSTABLE);
			if (zt->published == TW_STATE_PARTIAL || zt->published == TW_STATE_DOWN)
				assert_true(zt->in_outage);
			if (zt->published == TW_STATE_UP || zt->published == TW_STATE_DEGRADED)
				assert_false(zt->in_outage);
			assert_true(zt->ring_len >= 1 && zt->ring_len <= cfg.flap_window);
			tw_event_array_free(ev, n_ev);
		}
		tw_tracker_free(t);
	}
	/* the random walk did reach every kind of outage event, first rounds too */
	assert_true(counts[0] > 10 && counts[1] > 10 && counts[2] > 0 && counts[3] > 0);
}

static void
test_null_and_errors(void **state)
{
	struct tw_tracker *t = tw_tracker_new();
	struct tw_check_result *r = mk_result(NULL, 0, 0);
	struct tw_event *ev = (struct tw_event *)(uintptr_t)1;
	size_t n_ev = 5;

	assert_non_null(t);
	tw_tracker_free(NULL);
	tw_event_array_free(NULL, 0);
	tw_event_array_free(NULL, 3);
	assert_null(tw_tracker_find(NULL, "kp"));
	assert_null(tw_tracker_find(t, NULL));
	assert_int_equal(tw_tracker_update(NULL, &defaults, r, T0, &ev, &n_ev), -1);
	assert_null(ev);
	assert_int_equal(n_ev, 0);
	assert_int_equal(tw_tracker_update(t, NULL, r, T0, &ev, &n_ev), -1);
	assert_int_equal(tw_tracker_update(t, &defaults, NULL, T0, &ev, &n_ev), -1);
	assert_int_equal(tw_tracker_update(t, &defaults, r, T0, NULL, &n_ev), -1);
	assert_int_equal(tw_tracker_update(t, &defaults, r, T0, &ev, NULL), -1);
	assert_int_equal(t->rounds, 0);
	tw_result_free(r);
	tw_tracker_free(t);
}

/* A round of one up zone "kp" whose servers (name, address, nsid, identity) are given. */
struct srv_in {
	const char *name, *address, *nsid, *identity;
};

static struct tw_event *
feed_servers(struct tw_tracker *t, const struct srv_in *sv, size_t n, double now, size_t *n_ev)
{
	static const struct zin kp = { "kp", TW_STATE_UP, NULL };
	struct tw_check_result *r = mk_result(&kp, 1, 0);
	struct tw_event *ev = NULL;
	size_t i;

	r->zones[0].servers = calloc(n, sizeof(*r->zones[0].servers));
	assert_non_null(r->zones[0].servers);
	r->zones[0].n_servers = n;
	for (i = 0; i < n; i++) {
		struct tw_server_result *s = &r->zones[0].servers[i];

		s->role = TW_ROLE_ZONE;
		s->name = sv[i].name != NULL ? strdup(sv[i].name) : NULL;
		snprintf(s->address, sizeof(s->address), "%s", sv[i].address);
		s->port = 53;
		s->transport = TW_TRANSPORT_UDP;
		s->nsid = sv[i].nsid != NULL ? strdup(sv[i].nsid) : NULL;
		s->identity = sv[i].identity != NULL ? strdup(sv[i].identity) : NULL;
	}
	assert_int_equal(tw_tracker_update(t, &defaults, r, now, &ev, n_ev), 0);
	tw_result_free(r);
	return ev;
}

/*
 * instance_changed: a new NSID or identity against the one known; a round without one (a
 * timeout) changes nothing; the first value is only remembered; one event per server a
 * round however many rows (zones served) it has; the published state never moves.
 */
static void
test_instance_changed(void **state)
{
	const struct srv_in r1[] = {
		{ "ns1.kptc.kp", "127.45.176.15", "ns1", "host-a" },
		{ "ns2.kptc.kp", "127.45.176.16", NULL, NULL },
	};
	const struct srv_in r2[] = {	/* ns1 silent; ns2 tells who it is for the first time */
		{ "ns1.kptc.kp", "127.45.176.15", NULL, NULL },
		{ "ns2.kptc.kp", "127.45.176.16", "ns2", "host-b" },
	};
	const struct srv_in r3[] = {	/* ns1 back on another instance, seen in two rows */
		{ "ns1.kptc.kp", "127.45.176.15", "NS1", "host-a" },
		{ "ns1.rep.kp", "127.45.176.15", "NS1", "host-a" },
		{ "ns2.kptc.kp", "127.45.176.16", "ns2", "host-b" },
	};
	const struct srv_in r4[] = {	/* only ns2's identity changes (its NSID is gone) */
		{ "ns1.kptc.kp", "127.45.176.15", "NS1", "host-a" },
		{ "ns2.kptc.kp", "127.45.176.16", NULL, "host-c" },
	};
	struct tw_tracker *t = tw_tracker_new();
	struct tw_event *ev;
	size_t n;

	(void)state;
	assert_non_null(t);
	ev = feed_servers(t, r1, 2, T0, &n);
	assert_int_equal(n, 0);
	ev = feed_servers(t, r2, 2, T0 + 1, &n);
	assert_int_equal(n, 0);
	ev = feed_servers(t, r3, 3, T0 + 2, &n);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].kind, TW_EVENT_INSTANCE_CHANGED);
	assert_string_equal(ev[0].zone, "kp");
	assert_int_equal(ev[0].from, TW_STATE_UP);
	assert_int_equal(ev[0].to, TW_STATE_UP);
	assert_true(ev[0].time == T0 + 2);
	assert_true(ev[0].has_instance);
	assert_string_equal(ev[0].instance.server, "ns1.kptc.kp");
	assert_string_equal(ev[0].instance.address, "127.45.176.15");
	assert_int_equal(ev[0].instance.port, 53);
	assert_string_equal(ev[0].instance.old_nsid, "ns1");
	assert_string_equal(ev[0].instance.new_nsid, "NS1");
	assert_string_equal(ev[0].instance.old_identity, "host-a");
	assert_string_equal(ev[0].instance.new_identity, "host-a");
	assert_string_equal(ev[0].diagnosis, "ns1.kptc.kp (127.45.176.15:53/udp): nsid ns1 -> NS1");
	tw_event_array_free(ev, n);
	ev = feed_servers(t, r4, 2, T0 + 3, &n);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].instance.server, "ns2.kptc.kp");
	assert_string_equal(ev[0].instance.old_nsid, "ns2");
	assert_string_equal(ev[0].instance.new_nsid, "ns2");
	assert_string_equal(ev[0].instance.new_identity, "host-c");
	assert_string_equal(ev[0].diagnosis,
	    "ns2.kptc.kp (127.45.176.16:53/udp): identity host-b -> host-c");
	tw_event_array_free(ev, n);
	/* the same again: nothing */
	ev = feed_servers(t, r4, 2, T0 + 4, &n);
	assert_int_equal(n, 0);
	assert_int_equal(tw_tracker_zone_state(tw_tracker_find(t, "kp")), TW_STATE_UP);
	tw_tracker_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scenarios),
		cmocka_unit_test(test_first_round),
		cmocka_unit_test(test_first_round_states),
		cmocka_unit_test(test_zones_added_removed),
		cmocka_unit_test(test_tracked_twice),
		cmocka_unit_test(test_config_defaults),
		cmocka_unit_test(test_window_shrinks),
		cmocka_unit_test(test_random_properties),
		cmocka_unit_test(test_null_and_errors),
		cmocka_unit_test(test_instance_changed),
	};

	return cmocka_run_group_tests_name("tracker", tests, NULL, NULL);
}
