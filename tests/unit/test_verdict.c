/*
 * test_verdict.c -- the state rules and diagnoses, as tables of hand-built rounds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "tldwatch/verdict.h"

/* A row: role, zone, name, outcome, sent, answered, serial (0 = none). */
struct row_spec {
	enum tw_role role;
	const char *zone;
	const char *name;
	enum tw_outcome outcome;
	unsigned sent, answered;
	uint32_t serial;
};

struct host_spec {
	const char *name;
	bool key;
	bool resolved;
	const char *detail;
};

#define MAX_ROWS 8
#define MAX_HOSTS 4

struct case_spec {
	const char *what;
	struct row_spec rows[MAX_ROWS];
	struct host_spec hosts[MAX_HOSTS];
	unsigned controls_answered, controls_total;
	bool deadline_hit;
	enum tw_state want;
	int want_exit;
	const char *want_diag;   /* substring */
};

#define Z TW_ROLE_ZONE
#define C TW_ROLE_CHILD
#define OK_ROW(role, zone, name) { role, zone, name, TW_OUTCOME_ANSWER, 2, 2, 0 }
#define HEALTHY_KP OK_ROW(Z, "kp", "ns1.kptc.kp"), OK_ROW(Z, "kp", "ns2.kptc.kp"), \
	OK_ROW(C, "kcna.kp", "ns1.kcna.kp"), OK_ROW(C, "kcna.kp", "ns2.kcna.kp")
#define ALL_HOSTS_OK { "kcna.kp", true, true, NULL }, { "rodong.rep.kp", true, true, NULL }, \
	{ "naenara.com.kp", true, true, NULL }

static const struct case_spec cases[] = {
	{ "healthy", { HEALTHY_KP }, { ALL_HOSTS_OK }, 2, 2, false,
	  TW_STATE_UP, 0, "all 2 kp servers answer authoritatively and 3 of 3 key hosts resolve" },
	{ "one kp server silent", {
	    { Z, "kp", "ns1.kptc.kp", TW_OUTCOME_TIMEOUT, 4, 0, 0 },
	    OK_ROW(Z, "kp", "ns2.kptc.kp") }, { ALL_HOSTS_OK }, 2, 2, false,
	  TW_STATE_DEGRADED, 1, "all key hosts resolve, but ns1.kptc.kp timeout" },
	{ "loss only", {
	    { Z, "kp", "ns1.kptc.kp", TW_OUTCOME_ANSWER, 4, 2, 0 },
	    OK_ROW(Z, "kp", "ns2.kptc.kp") }, { ALL_HOSTS_OK }, 2, 2, false,
	  TW_STATE_DEGRADED, 1, "loss 50% at ns1.kptc.kp" },
	{ "serials differ", {
	    { Z, "kp", "ns1.kptc.kp", TW_OUTCOME_ANSWER, 2, 2, 2013083001 },
	    { Z, "kp", "ns2.kptc.kp", TW_OUTCOME_ANSWER, 2, 2, 2013083002 } },
	  { ALL_HOSTS_OK }, 2, 2, false,
	  TW_STATE_DEGRADED, 1, "SOA serials differ: ns1.kptc.kp 2013083001, ns2.kptc.kp 2013083002" },
	{ "same serials", {
	    { Z, "kp", "ns1.kptc.kp", TW_OUTCOME_ANSWER, 2, 2, 7 },
	    { Z, "kp", "ns2.kptc.kp", TW_OUTCOME_ANSWER, 2, 2, 7 } },
	  { ALL_HOSTS_OK }, 2, 2, false, TW_STATE_UP, 0, "answer authoritatively" },
	{ "non-key host fails", { HEALTHY_KP },
	  { ALL_HOSTS_OK, { "airkoryo.com.kp", false, false, NULL } }, 2, 2, false,
	  TW_STATE_DEGRADED, 1, "airkoryo.com.kp does not resolve" },
	{ "child server lame", { OK_ROW(Z, "kp", "ns1.kptc.kp"),
	    { C, "kcna.kp", "ns1.kcna.kp", TW_OUTCOME_LAME, 2, 2, 0 } },
	  { ALL_HOSTS_OK }, 2, 2, false, TW_STATE_DEGRADED, 1, "ns1.kcna.kp lame" },
	{ "news back, portal dark", { HEALTHY_KP },
	  { { "kcna.kp", true, true, NULL }, { "rodong.rep.kp", true, true, NULL },
	    { "naenara.com.kp", true, false, "naenara.com.kp servers: ns1 timeout" } },
	  2, 2, false, TW_STATE_PARTIAL, 2,
	  "kcna.kp and rodong.rep.kp resolve, naenara.com.kp does not (naenara.com.kp servers" },
	{ "one resolves, two do not", { HEALTHY_KP },
	  { { "kcna.kp", true, true, NULL }, { "rodong.rep.kp", true, false, NULL },
	    { "naenara.com.kp", true, false, NULL } },
	  2, 2, false, TW_STATE_PARTIAL, 2, "kcna.kp resolves, rodong.rep.kp and naenara.com.kp do not" },
	{ "kp answers, no key host", { OK_ROW(Z, "kp", "ns1.kptc.kp") },
	  { { "kcna.kp", true, false, NULL }, { "rodong.rep.kp", true, false, NULL } },
	  2, 2, false, TW_STATE_PARTIAL, 2,
	  "kp servers answer, but no key host resolves: kcna.kp and rodong.rep.kp" },
	{ "both kp silent, roots answer", {
	    { Z, "kp", "ns1.kptc.kp", TW_OUTCOME_TIMEOUT, 4, 0, 0 },
	    { Z, "kp", "ns2.kptc.kp", TW_OUTCOME_TIMEOUT, 4, 0, 0 } },
	  { { "kcna.kp", true, false, NULL } }, 2, 2, false, TW_STATE_DOWN, 2,
	  "both kp servers silent (timeouts) while the roots answer: consistent with a route "
	  "withdrawal or upstream cut" },
	{ "three kp servers unreachable", {
	    { Z, "kp", "a", TW_OUTCOME_UNREACHABLE, 1, 0, 0 },
	    { Z, "kp", "b", TW_OUTCOME_UNREACHABLE, 1, 0, 0 },
	    { Z, "kp", "c", TW_OUTCOME_UNREACHABLE, 1, 0, 0 } },
	  { { "kcna.kp", true, false, NULL } }, 1, 2, false, TW_STATE_DOWN, 2,
	  "all 3 kp servers unreachable" },
	{ "kp servers refuse", {
	    { Z, "kp", "ns1.kptc.kp", TW_OUTCOME_REFUSED, 2, 2, 0 },
	    { Z, "kp", "ns2.kptc.kp", TW_OUTCOME_REFUSED, 2, 2, 0 } },
	  { { "kcna.kp", true, false, NULL } }, 2, 2, false, TW_STATE_DOWN, 2,
	  "kp servers answer REFUSED: the zone is not served" },
	{ "kp servers mixed failures", {
	    { Z, "kp", "ns1.kptc.kp", TW_OUTCOME_SERVFAIL, 2, 2, 0 },
	    { Z, "kp", "ns2.kptc.kp", TW_OUTCOME_TIMEOUT, 4, 0, 0 } },
	  { { "kcna.kp", true, false, NULL } }, 2, 2, false, TW_STATE_DOWN, 2,
	  "no kp server answers authoritatively: ns1.kptc.kp servfail, ns2.kptc.kp timeout" },
	{ "nothing answers at all", {
	    { Z, "kp", "ns1.kptc.kp", TW_OUTCOME_TIMEOUT, 4, 0, 0 } },
	  { { "kcna.kp", true, false, NULL } }, 0, 2, false, TW_STATE_UNKNOWN, 3,
	  "our own network is the likely cause" },
	{ "roots silent, pinned kp answers", { HEALTHY_KP }, { ALL_HOSTS_OK }, 0, 2, false,
	  TW_STATE_UP, 0, "(no root answered: the pinned servers stood in)" },
	{ "no roots configured, kp silent", {
	    { Z, "kp", "ns1.kptc.kp", TW_OUTCOME_TIMEOUT, 4, 0, 0 } },
	  { { "kcna.kp", true, false, NULL } }, 0, 0, false, TW_STATE_DOWN, 2,
	  "no roots configured" },
	{ "no kp server known", { { 0, NULL, NULL, 0, 0, 0, 0 } },
	  { { "kcna.kp", true, false, NULL } }, 2, 2, false, TW_STATE_DOWN, 2,
	  "no kp server is known" },
	{ "deadline", { HEALTHY_KP }, { ALL_HOSTS_OK }, 2, 2, true, TW_STATE_UNKNOWN, 3,
	  "ran out of time during host resolution (kcna.kp)" },
	{ "lame kp, hosts still resolve", {
	    { Z, "kp", "ns1.kptc.kp", TW_OUTCOME_LAME, 2, 2, 0 },
	    { Z, "kp", "ns2.kptc.kp", TW_OUTCOME_LAME, 2, 2, 0 } },
	  { ALL_HOSTS_OK }, 2, 2, false, TW_STATE_DEGRADED, 1, "ns1.kptc.kp lame, ns2.kptc.kp lame" },
};

/* The TCP second opinion: a case, and each row's fallback_tcp (NONE: not asked). */
struct tcp_case {
	struct case_spec c;
	enum tw_outcome fallback[MAX_ROWS];
	const char *want_not;    /* the diagnosis must not hold it; NULL: no such check */
};

#define TO TW_OUTCOME_TIMEOUT
#define UNR TW_OUTCOME_UNREACHABLE
#define ANS TW_OUTCOME_ANSWER

static const struct tcp_case tcp_cases[] = {
	{ { "UDP dropped to both kp servers, TCP answers", {
	    { Z, "kp", "ns1.kptc.kp", TO, 4, 0, 0 }, { Z, "kp", "ns2.kptc.kp", TO, 4, 0, 0 } },
	  { { "kcna.kp", true, false, NULL } }, 2, 2, false, TW_STATE_DOWN, 2,
	  "UDP to both kp servers is dropped, TCP answers: a filter on the path (no key host "
	  "resolves)" }, { ANS, ANS }, "route withdrawal" },
	{ { "UDP rejected by the one kp server, TCP answers", {
	    { Z, "kp", "ns1.kptc.kp", UNR, 1, 0, 0 } },
	  { { "kcna.kp", true, false, NULL } }, 2, 2, false, TW_STATE_DOWN, 2,
	  "UDP to the kp server is rejected, TCP answers: a filter on the path" }, { ANS }, NULL },
	{ { "UDP dark to three, one dropped and two rejected, TCP answers at all", {
	    { Z, "kp", "a", TO, 4, 0, 0 }, { Z, "kp", "b", UNR, 1, 0, 0 },
	    { Z, "kp", "c", UNR, 1, 0, 0 } },
	  { { "kcna.kp", true, false, NULL } }, 2, 2, false, TW_STATE_DOWN, 2,
	  "UDP to all 3 kp servers is dropped or rejected, TCP answers" }, { ANS, ANS, ANS }, NULL },
	{ { "both kp silent, TCP silent too: the plain silence", {
	    { Z, "kp", "ns1.kptc.kp", TO, 4, 0, 0 }, { Z, "kp", "ns2.kptc.kp", TO, 4, 0, 0 } },
	  { { "kcna.kp", true, false, NULL } }, 2, 2, false, TW_STATE_DOWN, 2,
	  "both kp servers silent (timeouts) while the roots answer" }, { TO, TO }, "TCP" },
	{ { "both kp silent, TCP answers at one", {
	    { Z, "kp", "ns1.kptc.kp", TO, 4, 0, 0 }, { Z, "kp", "ns2.kptc.kp", TO, 4, 0, 0 } },
	  { { "kcna.kp", true, false, NULL } }, 2, 2, false, TW_STATE_DOWN, 2,
	  "both kp servers silent (timeouts) while the roots answer: consistent with a route "
	  "withdrawal or upstream cut; TCP answers at ns1.kptc.kp (no key host resolves)" },
	  { ANS, TO }, "filter" },
	{ { "refused or malformed over TCP is no answer", {
	    { Z, "kp", "ns1.kptc.kp", TO, 4, 0, 0 }, { Z, "kp", "ns2.kptc.kp", TO, 4, 0, 0 } },
	  { { "kcna.kp", true, false, NULL } }, 2, 2, false, TW_STATE_DOWN, 2,
	  "both kp servers silent (timeouts)" },
	  { TW_OUTCOME_REFUSED, TW_OUTCOME_MALFORMED }, "TCP answers" },
	{ { "mixed failures name each second opinion", {
	    { Z, "kp", "ns1.kptc.kp", TW_OUTCOME_SERVFAIL, 2, 2, 0 },
	    { Z, "kp", "ns2.kptc.kp", TO, 4, 0, 0 } },
	  { { "kcna.kp", true, false, NULL } }, 2, 2, false, TW_STATE_DOWN, 2,
	  "no kp server answers authoritatively: ns1.kptc.kp servfail, ns2.kptc.kp timeout "
	  "(tcp: answer)" }, { TW_OUTCOME_NONE, ANS }, NULL },
	{ { "a second opinion that says the same is not repeated", {
	    { Z, "kp", "ns1.kptc.kp", TW_OUTCOME_REFUSED, 2, 2, 0 },
	    { Z, "kp", "ns2.kptc.kp", TO, 4, 0, 0 } },
	  { { "kcna.kp", true, false, NULL } }, 2, 2, false, TW_STATE_DOWN, 2,
	  "no kp server answers authoritatively: ns1.kptc.kp refused, ns2.kptc.kp timeout "
	  "(no key host" }, { TW_OUTCOME_NONE, TO }, "tcp" },
	{ { "one kp server only over TCP, hosts resolve: degraded, named", {
	    { Z, "kp", "ns1.kptc.kp", TO, 4, 0, 0 }, OK_ROW(Z, "kp", "ns2.kptc.kp") },
	  { ALL_HOSTS_OK }, 2, 2, false, TW_STATE_DEGRADED, 1,
	  "all key hosts resolve, but ns1.kptc.kp timeout (tcp: answer)" }, { ANS }, NULL },
	{ { "a child server only over TCP: degraded, named", { HEALTHY_KP,
	    { C, "kcna.kp", "ns3.kcna.kp", TO, 4, 0, 0 } },
	  { ALL_HOSTS_OK }, 2, 2, false, TW_STATE_DEGRADED, 1,
	  "all key hosts resolve, but ns3.kcna.kp timeout (tcp: answer)" },
	  { [4] = ANS }, "filter" },
	{ { "roots silent, kp only over TCP: still our own network first", {
	    { Z, "kp", "ns1.kptc.kp", TO, 4, 0, 0 }, { Z, "kp", "ns2.kptc.kp", TO, 4, 0, 0 } },
	  { { "kcna.kp", true, false, NULL } }, 0, 2, false, TW_STATE_UNKNOWN, 3,
	  "our own network is the likely cause" }, { ANS, ANS }, NULL },
};

static struct tw_check_result *
build(const struct case_spec *c)
{
	struct tw_check_result *r = calloc(1, sizeof(*r));
	struct tw_zone_result *z;
	size_t i, n;

	assert_non_null(r);
	r->zones = calloc(1, sizeof(*r->zones));
	assert_non_null(r->zones);
	r->n_zones = 1;
	r->deadline_hit = c->deadline_hit;
	if (c->deadline_hit)
		r->deadline_stage = strdup("host resolution (kcna.kp)");
	z = &r->zones[0];
	z->unfinished = c->deadline_hit;   /* the deadline came while the zone ran */
	z->name = strdup("kp");
	z->controls_answered = c->controls_answered;
	z->controls_total = c->controls_total;
	for (n = 0; n < MAX_ROWS && c->rows[n].name != NULL; n++)
		;
	z->servers = calloc(n + 1, sizeof(*z->servers));
	z->n_servers = n;
	for (i = 0; i < n; i++) {
		z->servers[i].role = c->rows[i].role;
		z->servers[i].zone = strdup(c->rows[i].zone);
		z->servers[i].name = strdup(c->rows[i].name);
		snprintf(z->servers[i].address, sizeof(z->servers[i].address), "127.0.0.%zu", i + 1);
		z->servers[i].outcome = c->rows[i].outcome;
		z->servers[i].sent = c->rows[i].sent;
		z->servers[i].answered = c->rows[i].answered;
		z->servers[i].has_serial = c->rows[i].serial != 0;
		z->servers[i].serial = c->rows[i].serial;
		z->servers[i].rtt_ms = -1;
	}
	for (n = 0; n < MAX_HOSTS && c->hosts[n].name != NULL; n++)
		;
	z->hosts = calloc(n + 1, sizeof(*z->hosts));
	z->n_hosts = n;
	for (i = 0; i < n; i++) {
		z->hosts[i].name = strdup(c->hosts[i].name);
		z->hosts[i].key = c->hosts[i].key;
		z->hosts[i].resolved = c->hosts[i].resolved;
		z->hosts[i].outcome = c->hosts[i].resolved ? TW_OUTCOME_ANSWER : TW_OUTCOME_TIMEOUT;
		z->hosts[i].detail = c->hosts[i].detail ? strdup(c->hosts[i].detail) : NULL;
	}
	return r;
}

/* Judge ${c} (each row's fallback_tcp from ${fallback}, or none) and check the verdict. */
static void
check_case(const struct case_spec *c, const enum tw_outcome *fallback, const char *want_not)
{
	struct tw_check_result *r = build(c);
	const char *diag;
	size_t i;

	for (i = 0; fallback != NULL && i < r->zones[0].n_servers; i++)
		r->zones[0].servers[i].fallback_tcp = fallback[i];
	assert_int_equal(tw_verdict_apply(r), 0);
	diag = r->zones[0].diagnosis;
	if (r->zones[0].state != c->want || r->state != c->want ||
	    tw_state_exit_code(r->state) != c->want_exit || diag == NULL ||
	    strstr(diag, c->want_diag) == NULL ||
	    (want_not != NULL && strstr(diag, want_not) != NULL)) {
		print_error("case \"%s\": state %s exit %d diagnosis \"%s\"; want %s exit %d "
		    "diagnosis containing \"%s\"%s%s%s\n", c->what, tw_state_str(r->zones[0].state),
		    tw_state_exit_code(r->state), diag ? diag : "(null)",
		    tw_state_str(c->want), c->want_exit, c->want_diag,
		    want_not ? " and not \"" : "", want_not ? want_not : "", want_not ? "\"" : "");
		fail();
	}
	tw_result_free(r);
}

/*
 * A zone over before the deadline keeps its verdict (a world check whose last zone is slow
 * still says how every other zone is); the round, cut short, is unknown.
 */
static void
test_deadline_after_zone(void **state)
{
	struct tw_check_result *r = build(&cases[0]);   /* healthy */

	(void)state;
	r->deadline_hit = true;
	r->deadline_stage = strdup("host resolution (kcna.kp)");
	assert_non_null(r->deadline_stage);
	assert_int_equal(tw_verdict_apply(r), 0);
	assert_int_equal(r->zones[0].state, TW_STATE_UP);
	assert_non_null(strstr(r->zones[0].diagnosis, "3 of 3 key hosts resolve"));
	assert_int_equal(r->state, TW_STATE_UNKNOWN);
	/* the same zone caught by the deadline */
	r->zones[0].unfinished = true;
	assert_int_equal(tw_verdict_apply(r), 0);
	assert_int_equal(r->zones[0].state, TW_STATE_UNKNOWN);
	assert_non_null(strstr(r->zones[0].diagnosis, "ran out of time during host resolution"));
	assert_int_equal(r->state, TW_STATE_UNKNOWN);
	tw_result_free(r);
}

static void
test_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i], NULL, NULL);
}

/* The TCP second opinion in the diagnosis; it never changes the state UDP earned. */
static void
test_tcp_second_opinion(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(tcp_cases) / sizeof(tcp_cases[0]); i++)
		check_case(&tcp_cases[i].c, tcp_cases[i].fallback, tcp_cases[i].want_not);
}

/* The overall state is the worst zone's; answering counts only ZONE rows. */
static void
test_worst_zone_and_counts(void **state)
{
	struct tw_check_result *a = build(&cases[0]), *b = build(&cases[10]);
	struct tw_zone_result *zs;

	(void)state;
	zs = realloc(a->zones, 2 * sizeof(*zs));
	assert_non_null(zs);
	a->zones = zs;
	a->zones[1] = b->zones[0];
	a->n_zones = 2;
	free(b->zones);
	free(b);
	assert_int_equal(tw_verdict_apply(a), 0);
	assert_int_equal(a->zones[0].state, TW_STATE_UP);
	assert_int_equal(a->zones[1].state, TW_STATE_DOWN);
	assert_int_equal(a->state, TW_STATE_DOWN);
	assert_int_equal(a->zones[0].auth_answering, 2);
	assert_int_equal(a->zones[0].auth_total, 2);
	assert_int_equal(a->zones[1].auth_answering, 0);
	tw_result_free(a);
}

static void
test_no_zones_is_unknown(void **state)
{
	struct tw_check_result *r = calloc(1, sizeof(*r));

	(void)state;
	assert_non_null(r);
	assert_int_equal(tw_verdict_apply(r), 0);
	assert_int_equal(r->state, TW_STATE_UNKNOWN);
	tw_result_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_deadline_after_zone),
		cmocka_unit_test(test_tcp_second_opinion),
		cmocka_unit_test(test_worst_zone_and_counts),
		cmocka_unit_test(test_no_zones_is_unknown),
	};

	return cmocka_run_group_tests_name("verdict", tests, NULL, NULL);
}
