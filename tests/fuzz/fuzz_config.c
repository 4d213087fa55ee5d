/*
 * fuzz_config.c -- libFuzzer harness for the YAML config loader: the input
 * is a config file.  Whatever loads must print as YAML that loads again to
 * the same config and prints the same text (the round trip `tldwatch
 * config` promises).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tldwatch/config.h"
#include "tldwatch/endpoint.h"
#include "tldwatch/error.h"

/* Print ${cfg} into a new string; aborts when memory runs out (not a finding). */
static char *
print_cfg(const struct tw_config *cfg, size_t *len)
{
	char *text = NULL;
	FILE *fp;

	fp = open_memstream(&text, len);
	FUZZ_CHECK(fp != NULL);
	FUZZ_CHECK(tw_config_print(cfg, fp) == 0);
	FUZZ_CHECK(fclose(fp) == 0);
	return text;
}

static bool
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void
same_endpoints(const struct tw_endpoint *a, const struct tw_endpoint *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		FUZZ_CHECK(str_eq(a[i].name, b[i].name));
		FUZZ_CHECK(strcmp(a[i].address, b[i].address) == 0);
		FUZZ_CHECK(a[i].family == b[i].family);
		FUZZ_CHECK(a[i].port == b[i].port);
	}
}

/* Every field but the source name. */
static void
same_config(const struct tw_config *a, const struct tw_config *b)
{
	const struct tw_zone_cfg *za, *zb;
	size_t i, j;

	FUZZ_CHECK(memcmp(&a->probe, &b->probe, sizeof(a->probe)) == 0);
	FUZZ_CHECK(memcmp(&a->watch, &b->watch, sizeof(a->watch)) == 0);
	FUZZ_CHECK(a->n_roots == b->n_roots);
	same_endpoints(a->roots, b->roots, a->n_roots);
	FUZZ_CHECK(a->n_zones == b->n_zones);
	for (i = 0; i < a->n_zones; i++) {
		za = &a->zones[i];
		zb = &b->zones[i];
		FUZZ_CHECK(str_eq(za->name, zb->name));
		FUZZ_CHECK(str_eq(za->label, zb->label));
		FUZZ_CHECK(za->n_servers == zb->n_servers);
		same_endpoints(za->servers, zb->servers, za->n_servers);
		FUZZ_CHECK(za->n_hosts == zb->n_hosts);
		for (j = 0; j < za->n_hosts; j++) {
			FUZZ_CHECK(str_eq(za->hosts[j].name, zb->hosts[j].name));
			FUZZ_CHECK(str_eq(za->hosts[j].label, zb->hosts[j].label));
			FUZZ_CHECK(za->hosts[j].type == zb->hosts[j].type);
			FUZZ_CHECK(za->hosts[j].key == zb->hosts[j].key);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tw_config *cfg, *again = NULL;
	struct tw_error err;
	char *text1 = NULL, *text2 = NULL, *zone;
	size_t len1 = 0, len2 = 0;

	memset(&err, 0, sizeof(err));
	cfg = tw_config_load_string((const char *)data, size, "fuzz.yaml", &err);
	if (cfg == NULL) {
		/* A rejected config always says why, and where. */
		FUZZ_CHECK(err.msg[0] != '\0');
		FUZZ_CHECK(strcmp(err.file, "fuzz.yaml") == 0);
		return 0;
	}
	FUZZ_CHECK(cfg->n_zones > 0);
	(void)tw_config_find_nonloopback(cfg);

	text1 = print_cfg(cfg, &len1);
	memset(&err, 0, sizeof(err));
	again = tw_config_load_string(text1, len1, "printed.yaml", &err);
	if (again == NULL) {
		fprintf(stderr, "printed config does not load: %s:%u:%u: %s\n--- printed:\n%s---\n",
		    err.file, err.line, err.col, err.msg, text1);
		abort();
	}
	same_config(cfg, again);
	text2 = print_cfg(again, &len2);
	FUZZ_CHECK(len1 == len2 && memcmp(text1, text2, len1) == 0);

	/* --zone with the first zone's name keeps exactly that zone. */
	zone = strdup(cfg->zones[0].name[0] != '\0' ? cfg->zones[0].name : ".");
	FUZZ_CHECK(zone != NULL);
	FUZZ_CHECK(tw_config_select_zones(again, &zone, 1, &err) == 0);
	FUZZ_CHECK(again->n_zones == 1 && strcmp(again->zones[0].name, cfg->zones[0].name) == 0);
	free(zone);

	free(text1);
	free(text2);
	tw_config_free(again);
	tw_config_free(cfg);
	return 0;
}
