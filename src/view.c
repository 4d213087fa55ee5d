/*
 * view.c -- the lookups a watcher's renderers share (see view.h).
 */
#include <stdlib.h>
#include <string.h>

#include "tldwatch/view.h"

static int
zone_cmp(const void *pa, const void *pb)
{
	const struct tw_zone_cfg *a = *(const struct tw_zone_cfg *const *)pa;
	const struct tw_zone_cfg *b = *(const struct tw_zone_cfg *const *)pb;

	return strcmp(a->name, b->name);
}

int
tw_view_index(struct tw_view *v)
{
	size_t i;

	v->zones_by_name = NULL;
	v->n_zones_by_name = 0;
	if (v->cfg == NULL || v->cfg->n_zones == 0)
		return 0;
	if ((v->zones_by_name = calloc(v->cfg->n_zones, sizeof(*v->zones_by_name))) == NULL)
		return -1;
	for (i = 0; i < v->cfg->n_zones; i++)
		v->zones_by_name[i] = &v->cfg->zones[i];
	qsort(v->zones_by_name, v->cfg->n_zones, sizeof(*v->zones_by_name), zone_cmp);
	v->n_zones_by_name = v->cfg->n_zones;
	return 0;
}

void
tw_view_clear(struct tw_view *v)
{
	free(v->zones_by_name);
	v->zones_by_name = NULL;
	v->n_zones_by_name = 0;
}

const struct tw_zone_cfg *
tw_view_zone(const struct tw_view *v, const char *name)
{
	const struct tw_zone_cfg key = { .name = (char *)(uintptr_t)name }, *kp = &key;
	const struct tw_zone_cfg **hit;

	if (name == NULL || v->n_zones_by_name == 0)
		return NULL;
	hit = bsearch(&kp, v->zones_by_name, v->n_zones_by_name, sizeof(*v->zones_by_name),
	    zone_cmp);
	return hit != NULL ? *hit : NULL;
}

bool
tw_view_host_is_key(const struct tw_view *v, const char *zone, const char *host)
{
	const struct tw_zone_cfg *z = tw_view_zone(v, zone);
	size_t i;

	for (i = 0; z != NULL && host != NULL && i < z->n_hosts; i++)
		if (strcmp(z->hosts[i].name, host) == 0)
			return z->hosts[i].key;
	return false;
}
