/*
 * result.c -- the names of the result rows' roles, and freeing a check result (or a zone's part).
 */
#include <stdlib.h>
#include <string.h>

#include "tldwatch/result.h"

const char *
tw_result_role_str(enum tw_role r)
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

int
tw_result_role_from_str(const char *s, enum tw_role *out)
{
	unsigned i;

	for (i = TW_ROLE_ROOT; i <= TW_ROLE_CHILD; i++) {
		if (strcmp(s, tw_result_role_str((enum tw_role)i)) == 0) {
			*out = (enum tw_role)i;
			return 0;
		}
	}
	return -1;
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
		free(servers[i].nsid);
		free(servers[i].identity);
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
tw_result_zone_strip(struct tw_zone_result *z)
{
	free(z->label);
	free_servers(z->servers, z->n_servers);
	free_hosts(z->hosts, z->n_hosts);
	tw_delegation_free(z->delegations, z->n_delegations);
	free(z->diagnosis);
	z->label = z->diagnosis = NULL;
	z->servers = NULL;
	z->hosts = NULL;
	z->delegations = NULL;
	z->n_servers = z->n_hosts = z->n_delegations = 0;
}

void
tw_result_free(struct tw_check_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	free_servers(r->roots, r->n_roots);
	if (r->zones != NULL) {
		for (i = 0; i < r->n_zones; i++) {
			tw_result_zone_strip(&r->zones[i]);
			free(r->zones[i].name);
		}
		free(r->zones);
	}
	free(r->deadline_stage);
	free(r->error);
	free(r);
}
