/*
 * test_result.c -- state and role names, exit codes, and freeing a fully
 * populated check result (run under ASan to see leaks).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tldwatch/result.h"

static const struct {
	enum tw_state state;
	const char *name;
	int code;
	const char *nagios;
} state_cases[] = {
	{ TW_STATE_UP, "up", 0, "OK" },
	{ TW_STATE_DEGRADED, "degraded", 1, "WARNING" },
	{ TW_STATE_UNSTABLE, "unstable", 1, "WARNING" },
	{ TW_STATE_PARTIAL, "partial", 2, "CRITICAL" },
	{ TW_STATE_DOWN, "down", 2, "CRITICAL" },
	{ TW_STATE_UNKNOWN, "unknown", 3, "UNKNOWN" },
};

static void
test_states(void **state)
{
	size_t i;

	assert_int_equal(sizeof(state_cases) / sizeof(state_cases[0]), TW_STATE_COUNT);
	for (i = 0; i < TW_STATE_COUNT; i++) {
		assert_string_equal(tw_state_str(state_cases[i].state), state_cases[i].name);
		assert_int_equal(tw_state_exit_code(state_cases[i].state), state_cases[i].code);
		assert_string_equal(tw_state_nagios(state_cases[i].state), state_cases[i].nagios);
	}
}

static void
test_state_out_of_range(void **state)
{
	enum tw_state bad = (enum tw_state)TW_STATE_COUNT;

	assert_string_equal(tw_state_str(bad), "invalid");
	assert_int_equal(tw_state_exit_code(bad), 3);
	assert_string_equal(tw_state_nagios(bad), "UNKNOWN");
	assert_int_equal(tw_state_exit_code((enum tw_state)-1), 3);
}

static void
test_roles(void **state)
{
	assert_string_equal(tw_result_role_str(TW_ROLE_ROOT), "root");
	assert_string_equal(tw_result_role_str(TW_ROLE_ZONE), "zone");
	assert_string_equal(tw_result_role_str(TW_ROLE_CHILD), "child");
	assert_string_equal(tw_result_role_str((enum tw_role)7), "invalid");
}

static char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	assert_non_null(d);
	return d;
}

static void
test_result_free(void **state)
{
	struct tw_check_result *r;
	struct tw_zone_result *z;
	struct tw_host_result *h;

	tw_result_free(NULL);

	/* empty */
	r = calloc(1, sizeof(*r));
	assert_non_null(r);
	tw_result_free(r);

	/* every owned pointer set; ASan reports anything left behind */
	r = calloc(1, sizeof(*r));
	assert_non_null(r);
	r->roots = calloc(1, sizeof(*r->roots));
	assert_non_null(r->roots);
	r->n_roots = 1;
	r->roots[0].zone = xstrdup("");
	r->roots[0].name = xstrdup("a.root-servers.net");
	r->zones = calloc(2, sizeof(*r->zones));
	assert_non_null(r->zones);
	r->n_zones = 2;
	z = &r->zones[0];
	z->name = xstrdup("kp");
	z->label = xstrdup("North Korea");
	z->diagnosis = xstrdup("all answer");
	z->servers = calloc(2, sizeof(*z->servers));
	assert_non_null(z->servers);
	z->n_servers = 2;
	z->servers[0].zone = xstrdup("kp");
	z->servers[0].name = xstrdup("ns1.kptc.kp");
	z->servers[1].zone = xstrdup("kcna.kp");     /* name NULL: address only */
	z->hosts = calloc(2, sizeof(*z->hosts));
	assert_non_null(z->hosts);
	z->n_hosts = 2;
	h = &z->hosts[0];
	h->name = xstrdup("kcna.kp");
	h->label = xstrdup("KCNA");
	h->addresses = calloc(2, sizeof(char *));
	assert_non_null(h->addresses);
	h->addresses[0] = xstrdup("127.45.176.71");
	h->addresses[1] = xstrdup("127.45.176.72");
	h->n_addresses = 2;
	h->path = xstrdup("kp > kcna.kp");
	h->detail = xstrdup("none");
	z->hosts[1].name = xstrdup("rodong.rep.kp");
	/* second zone: names only, no rows */
	r->zones[1].name = xstrdup("");
	r->deadline_stage = xstrdup("host resolution");
	r->error = xstrdup("out of sockets");
	tw_result_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_state_out_of_range),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_result_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
