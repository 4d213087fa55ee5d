/*
 * test_delegation.c -- delegation findings from tables: the 2016 .kp NS set
 * (ns3.kptc.kp named only by the zone, with no address), a parent-only name,
 * glue that differs from the zone's own address (per address family), what is
 * not judged when a side was not seen or a lookup did not finish, and the
 * note verdict.c adds to an up zone's diagnosis.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tldwatch/delegation.h"
#include "tldwatch/result.h"
#include "tldwatch/verdict.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_ADDRS 3

struct name_spec {
	const char *name;
	bool in_parent, in_child;
	const char *glue[MAX_ADDRS];
	const char *addrs[MAX_ADDRS];
	enum tw_ns_lookup lookup;
	enum tw_outcome lookup_outcome;
};

struct case_spec {
	const char *what;
	const char *parent;          /* NULL: no referral seen */
	bool child_seen;
	struct name_spec names[4];
	const char *want;            /* "kind name: detail|..." */
};

static const struct case_spec cases[] = {
	{ "the 2016 kp. NS set: ns3.kptc.kp named by the zone only, and nowhere an address", "", true, {
	    { "ns1.kptc.kp", true, true, { "127.45.176.15" }, { "127.45.176.15" }, 0, 0 },
	    { "ns2.kptc.kp", true, true, { "127.45.176.16" }, { "127.45.176.16" }, 0, 0 },
	    { "ns3.kptc.kp", false, true, { NULL }, { NULL }, TW_NS_LOOKUP_EMPTY, TW_OUTCOME_NXDOMAIN },
	  },
	  "child_only ns3.kptc.kp: listed by kp's servers, not in the root's referral|"
	  "no_address ns3.kptc.kp: no such name (NXDOMAIN), and no glue" },
	{ "a name only the parent gives, with glue", "", true, {
	    { "ns1.kptc.kp", true, true, { "127.45.176.15" }, { "127.45.176.15" }, 0, 0 },
	    { "ns9.kptc.kp", true, false, { "127.45.176.99" }, { NULL }, 0, 0 },
	  },
	  "parent_only ns9.kptc.kp: in the root's referral, not in kp's own NS set" },
	{ "glue that differs from the zone's own address", "", true, {
	    { "ns1.kptc.kp", true, true, { "127.45.176.16" }, { "127.45.176.15" }, 0, 0 },
	    { "ns2.kptc.kp", true, true, { "127.45.176.15" }, { "127.45.176.16" }, 0, 0 },
	  },
	  "glue_mismatch ns1.kptc.kp: the root's glue 127.45.176.16, kp's servers say 127.45.176.15|"
	  "glue_mismatch ns2.kptc.kp: the root's glue 127.45.176.15, kp's servers say 127.45.176.16" },
	{ "one more address on one side is a mismatch too", "", true, {
	    { "ns1.kptc.kp", true, true, { "127.0.0.1", "127.0.0.2" }, { "127.0.0.1" }, 0, 0 },
	  },
	  "glue_mismatch ns1.kptc.kp: the root's glue 127.0.0.1, 127.0.0.2, kp's servers say 127.0.0.1" },
	{ "families compared apart: IPv4 glue against IPv4 and IPv6 addresses that agree", "", true, {
	    { "ns1.kptc.kp", true, true, { "127.45.176.15" }, { "127.45.176.15", "::1" }, 0, 0 },
	  },
	  "" },
	{ "an IPv6 glue mismatch, IPv4 agreeing", "", true, {
	    { "ns1.kptc.kp", true, true, { "127.45.176.15", "::2" }, { "127.45.176.15", "::1" }, 0, 0 },
	  },
	  "glue_mismatch ns1.kptc.kp: the root's glue ::2, kp's servers say ::1" },
	{ "glue without the zone's own address: nothing to compare", "", true, {
	    { "ns1.kptc.kp", true, true, { "127.45.176.15" }, { NULL }, 0, 0 },
	  },
	  "" },
	{ "no referral seen (pinned servers, no root answered): no set comparison", NULL, true, {
	    { "ns1.kptc.kp", false, true, { NULL }, { "127.45.176.15" }, 0, 0 },
	    { "ns3.kptc.kp", false, true, { NULL }, { NULL }, TW_NS_LOOKUP_EMPTY, TW_OUTCOME_NODATA },
	  },
	  "no_address ns3.kptc.kp: neither an A nor an AAAA record, and no glue" },
	{ "the zone's servers silent: no set comparison", "", false, {
	    { "ns1.kptc.kp", true, false, { "127.45.176.15" }, { NULL }, 0, 0 },
	    { "ns2.kptc.kp", true, false, { "127.45.176.16" }, { NULL }, 0, 0 },
	  },
	  "" },
	{ "a lookup that did not finish, or timed out, says nothing", "kp", true, {
	    { "ns1.kcna.kp", true, true, { NULL }, { NULL }, TW_NS_LOOKUP_FAILED, TW_OUTCOME_TIMEOUT },
	    { "ns2.kcna.kp", true, true, { NULL }, { NULL }, TW_NS_LOOKUP_NONE, TW_OUTCOME_NONE },
	  },
	  "" },
	{ "a zone below the TLD names its parent", "kp", true, {
	    { "ns1.kcna.kp", true, true, { "127.45.176.8" }, { "127.45.176.8" }, 0, 0 },
	    { "ns3.kcna.kp", false, true, { NULL }, { "127.45.176.10" }, TW_NS_LOOKUP_NONE, 0 },
	  },
	  "child_only ns3.kcna.kp: listed by kcna.kp's servers, not in kp's referral" },
};

static char **
strv(const char *const *v, size_t *n)
{
	char **out = calloc(MAX_ADDRS, sizeof(char *));
	size_t i;

	assert_non_null(out);
	for (*n = 0, i = 0; i < MAX_ADDRS && v[i] != NULL; i++)
		assert_non_null(out[(*n)++] = strdup(v[i]));
	return out;
}

static void
build(const struct case_spec *c, const char *zone, struct tw_delegation *d)
{
	size_t i;

	memset(d, 0, sizeof(*d));
	assert_non_null(d->zone = strdup(zone));
	if (c->parent != NULL)
		assert_non_null(d->parent = strdup(c->parent));
	d->child_seen = c->child_seen;
	assert_non_null(d->names = calloc(N(c->names), sizeof(*d->names)));
	for (i = 0; i < N(c->names) && c->names[i].name != NULL; i++) {
		struct tw_ns_name *n = &d->names[d->n_names++];

		assert_non_null(n->name = strdup(c->names[i].name));
		n->in_parent = c->names[i].in_parent;
		n->in_child = c->names[i].in_child;
		n->glue = strv(c->names[i].glue, &n->n_glue);
		n->addrs = strv(c->names[i].addrs, &n->n_addrs);
		n->lookup = c->names[i].lookup;
		n->lookup_outcome = c->names[i].lookup_outcome;
	}
}

static void
test_table(void **state)
{
	struct tw_delegation *d;
	char got[1024];
	size_t i, j;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		assert_non_null(d = calloc(1, sizeof(*d)));
		build(&cases[i], cases[i].parent != NULL && strcmp(cases[i].parent, "kp") == 0 ?
		    "kcna.kp" : "kp", d);
		assert_int_equal(tw_delegation_judge(d), 0);
		/* judging twice gives the same findings, not twice as many */
		assert_int_equal(tw_delegation_judge(d), 0);
		got[0] = '\0';
		for (j = 0; j < d->n_findings; j++)
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s %s: %s",
			    j ? "|" : "", tw_delegation_kind_str(d->findings[j].kind),
			    d->findings[j].name, d->findings[j].detail);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("%s:\n got  %s\n want %s", cases[i].what, got, cases[i].want);
		tw_delegation_free(d, 1);
	}
}

static void
test_kind_names(void **state)
{
	enum tw_delegation_kind k;
	unsigned i;

	(void)state;
	for (i = 0; i < TW_DELEG_KIND_COUNT; i++) {
		assert_int_equal(tw_delegation_kind_from_str(
		    tw_delegation_kind_str((enum tw_delegation_kind)i), &k), 0);
		assert_int_equal(k, i);
	}
	assert_int_equal(tw_delegation_kind_from_str("glue", &k), -1);
	assert_string_equal(tw_delegation_kind_str(TW_DELEG_KIND_COUNT), "invalid");
}

/*
 * An up zone with the 2016 NS set stays up, its diagnosis names ns3.kptc.kp once with
 * both findings, and the counts per kind add up; a down zone's diagnosis leaves them out.
 */
static void
test_verdict_note(void **state)
{
	struct tw_check_result *r;
	struct tw_zone_result *z;
	unsigned counts[TW_DELEG_KIND_COUNT];
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		assert_non_null(r = calloc(1, sizeof(*r)));
		assert_non_null(r->zones = calloc(1, sizeof(*r->zones)));
		r->n_zones = 1;
		z = &r->zones[0];
		assert_non_null(z->name = strdup("kp"));
		assert_non_null(z->servers = calloc(1, sizeof(*z->servers)));
		z->n_servers = 1;
		z->servers[0].role = TW_ROLE_ZONE;
		assert_non_null(z->servers[0].zone = strdup("kp"));
		assert_non_null(z->servers[0].name = strdup("ns1.kptc.kp"));
		z->servers[0].outcome = i == 0 ? TW_OUTCOME_ANSWER : TW_OUTCOME_TIMEOUT;
		z->servers[0].sent = z->servers[0].answered = 1;
		z->servers[0].rtt_ms = 1;
		z->controls_answered = z->controls_total = 1;
		assert_non_null(z->delegations = calloc(1, sizeof(*z->delegations)));
		z->n_delegations = 1;
		build(&cases[0], "kp", &z->delegations[0]);
		assert_int_equal(tw_verdict_apply(r), 0);
		tw_delegation_count(z->delegations, z->n_delegations, counts);
		assert_int_equal(counts[TW_DELEG_CHILD_ONLY], 1);
		assert_int_equal(counts[TW_DELEG_PARENT_ONLY], 0);
		assert_int_equal(counts[TW_DELEG_NO_ADDRESS], 1);
		assert_int_equal(counts[TW_DELEG_GLUE_MISMATCH], 0);
		if (i == 0) {
			assert_int_equal(z->state, TW_STATE_UP);
			assert_string_equal(z->diagnosis, "all 1 kp servers answer authoritatively "
			    "and 0 hosts resolve; delegation: ns3.kptc.kp is named only by kp's servers "
			    "and has no address");
		} else {
			assert_int_equal(z->state, TW_STATE_DOWN);
			assert_null(strstr(z->diagnosis, "delegation"));
		}
		tw_result_free(r);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_verdict_note),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
