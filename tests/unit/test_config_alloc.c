/*
 * test_config_alloc.c -- allocation-failure injection in config loading: the
 * Nth malloc/calloc/realloc/strdup/strndup fails, for every N until a load
 * needs no more than N-1 allocations; each failing load must return NULL with
 * an error set, and the load that gets through must equal a normal load.
 *
 * Built with -Wl,--wrap=malloc,... (mk/hardening.mk).  --wrap only rewrites
 * references in the objects of this link (this file and libtldwatch.a:
 * config.c, endpoint.c, duration.c, ...); libyaml, libc (fopen's buffer,
 * stdio) and cmocka are shared libraries and keep the real allocator, so a
 * failure inside libyaml itself is not injected here (fuzz_config covers
 * libyaml's input side; its own out-of-memory paths are libyaml's).
 * Run it under ASan/LSan too (make SANITIZE=address,undefined config-alloc):
 * a leak on any failure path fails the run.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tldwatch/config.h"
#include "tldwatch/error.h"

#define CONFIGS TW_SOURCE_DIR "/tests/unit/configs/"

void *__real_malloc(size_t n);
void *__real_calloc(size_t nmemb, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t nmemb, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

/* Counting is on only while a load runs; fail_at 0 never fails. */
static int armed;
static unsigned long calls;
static unsigned long fail_at;

/* Whether this allocation is the one to fail. */
static int
inject(void)
{
	if (!armed)
		return 0;
	calls++;
	if (fail_at != 0 && calls == fail_at) {
		errno = ENOMEM;
		return 1;
	}
	return 0;
}

void *
__wrap_malloc(size_t n)
{
	return inject() ? NULL : __real_malloc(n);
}

void *
__wrap_calloc(size_t nmemb, size_t size)
{
	return inject() ? NULL : __real_calloc(nmemb, size);
}

void *
__wrap_realloc(void *p, size_t n)
{
	return inject() ? NULL : __real_realloc(p, n);
}

char *
__wrap_strdup(const char *s)
{
	return inject() ? NULL : __real_strdup(s);
}

char *
__wrap_strndup(const char *s, size_t n)
{
	return inject() ? NULL : __real_strndup(s, n);
}

/* One way to load a config. */
struct load_case {
	const char *what;
	const char *path;      /* NULL: the embedded default */
	int valid;             /* does it load without injected failures? */
	unsigned long min_allocs; /* fewer would mean the injection is not reaching the loader */
};

static const struct load_case cases[] = {
	{ "full.yaml (every feature)", CONFIGS "full.yaml", 1, 20 },
	{ "embedded default", NULL, 1, 10 },
	{ "bad-type.yaml (an error of its own)", CONFIGS "bad-type.yaml", 0, 2 },
};

/* Load with the fail_at-th allocation failing; *n_calls = allocations asked for. */
static struct tw_config *
load_failing(const struct load_case *c, unsigned long n, unsigned long *n_calls,
    struct tw_error *err)
{
	struct tw_config *cfg;

	memset(err, 0, sizeof(*err));
	calls = 0;
	fail_at = n;
	armed = 1;
	cfg = tw_config_load(c->path, err);
	armed = 0;
	*n_calls = calls;
	return cfg;
}

/* tw_config_print into a malloc'd string (allocations not counted). */
static char *
print_cfg(const struct tw_config *cfg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	assert_non_null(fp);
	assert_int_equal(tw_config_print(cfg, fp), 0);
	assert_int_equal(fclose(fp), 0);
	return text;
}

static void
test_each_allocation_fails(void **state)
{
	const struct load_case *c = *state;
	struct tw_config *ref, *cfg;
	struct tw_error err;
	unsigned long total, n, got;
	char *ref_text = NULL, *text;

	ref = load_failing(c, 0, &total, &err);
	if (c->valid) {
		if (ref == NULL)
			fail_msg("%s: %s", c->what, err.msg);
		ref_text = print_cfg(ref);
	} else {
		assert_null(ref);
		assert_true(err.msg[0] != '\0');
	}
	/* A load that allocated (almost) nothing would make this test empty. */
	if (total < c->min_allocs)
		fail_msg("%s: only %lu allocations seen", c->what, total);

	for (n = 1;; n++) {
		cfg = load_failing(c, n, &got, &err);
		if (got < n) {
			/* Nothing failed: the same as the reference load. */
			assert_int_equal(got, total);
			if (c->valid) {
				assert_non_null(cfg);
				text = print_cfg(cfg);
				assert_string_equal(text, ref_text);
				assert_string_equal(cfg->source, ref->source);
				assert_int_equal(cfg->n_zones, ref->n_zones);
				assert_int_equal(cfg->n_roots, ref->n_roots);
				free(text);
				tw_config_free(cfg);
			} else {
				assert_null(cfg);
			}
			break;
		}
		if (cfg != NULL)
			fail_msg("%s: allocation %lu of %lu failed, yet the load succeeded",
			    c->what, n, total);
		if (err.msg[0] == '\0')
			fail_msg("%s: allocation %lu of %lu failed with no error set",
			    c->what, n, total);
	}
	/* Every allocation was made to fail once, and then the full count got through. */
	assert_int_equal(n, total + 1);
	print_message("%s: %lu allocations, each failed once\n", c->what, total);
	free(ref_text);
	tw_config_free(ref);
}

int
main(void)
{
	struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0])];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tests[i] = (struct CMUnitTest){ cases[i].what, test_each_allocation_fails,
		    NULL, NULL, (void *)(uintptr_t)&cases[i] };
	}
	return _cmocka_run_group_tests("config_alloc", tests, i, NULL, NULL);
}
