/*
 * result.c -- names and exit codes of the result model's states and
 * roles, and freeing a check result.
 */
#include <stdlib.h>

#include "tldwatch/result.h"

static const char *const state_names[TW_STATE_COUNT] = {
	[TW_STATE_UP] = "up",
	[TW_STATE_DEGRADED] = "degraded",
	[TW_STATE_UNSTABLE] = "unstable",
	[TW_STATE_PARTIAL] = "partial",
	[TW_STATE_DOWN] = "down",
	[TW_STATE_UNKNOWN] = "unknown",
};

static const int state_codes[TW_STATE_COUNT] = {
	[TW_STATE_UP] = 0,
	[TW_STATE_DEGRADED] = 1,
	[TW_STATE_UNSTABLE] = 1,
	[TW_STATE_PARTIAL] = 2,
	[TW_STATE_DOWN] = 2,
	[TW_STATE_UNKNOWN] = 3,
};

/* Indexed by exit code. */
static const char *const nagios_words[4] = {
	"OK", "WARNING", "CRITICAL", "UNKNOWN",
};

const char *
tw_state_str(enum tw_state s)
{
	if ((unsigned)s >= TW_STATE_COUNT)
		return "invalid";
	return state_names[s];
}

int
tw_state_exit_code(enum tw_state s)
{
	/* A state we do not know is, by definition, UNKNOWN. */
	if ((unsigned)s >= TW_STATE_COUNT)
		return 3;
	return state_codes[s];
}

const char *
tw_state_nagios(enum tw_state s)
{
	return nagios_words[tw_state_exit_code(s)];
}

const char *
tw_role_str(enum tw_role r)
{
	switch (r) {
	case TW_ROLE_ROOT:
		return "root";
	case TW_ROLE_ZONE:
		return "zone";
	case TW_ROLE_CHILD:
		return "child";
	}
	return "invalid";
}

static void
free_servers(struct tw_server_result *servers, size_t n)
{
	size_t i;

	if (servers == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(servers[i].zone);
		free(servers[i].name);
	}
	free(servers);
}

static void
free_hosts(struct tw_host_result *hosts, size_t n)
{
	size_t i, j;

	if (hosts == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(hosts[i].name);
		free(hosts[i].label);
		if (hosts[i].addresses != NULL) {
			for (j = 0; j < hosts[i].n_addresses; j++)
				free(hosts[i].addresses[j]);
			free(hosts[i].addresses);
		}
		free(hosts[i].path);
		free(hosts[i].detail);
	}
	free(hosts);
}

void
tw_check_result_free(struct tw_check_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	free_servers(r->roots, r->n_roots);
	if (r->zones != NULL) {
		for (i = 0; i < r->n_zones; i++) {
			free(r->zones[i].name);
			free(r->zones[i].label);
			free_servers(r->zones[i].servers, r->zones[i].n_servers);
			free_hosts(r->zones[i].hosts, r->zones[i].n_hosts);
			free(r->zones[i].diagnosis);
		}
		free(r->zones);
	}
	free(r->deadline_stage);
	free(r->error);
	free(r);
}
