/*
 * test_region.c -- the region allocator: alignment and separation of what it
 * hands out, chunks and blocks of their own, realloc in every case, strdup
 * and printf, reuse of chunks across resets, and out of memory reported
 * once and sticky.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tldwatch/region.h"

#define CHUNK 1024            /* small chunks, so that tests cross them */
#define ALIGN (_Alignof(max_align_t))

/* Allocation sizes, one after another: small, odd, a chunk's worth, blocks of their own. */
static const size_t sizes[] = {
	1, 0, 7, 16, 17, 100, 255, 256, 3, 1000, 200, 200, 200, 200, 200, 200, 5000, 1,
	CHUNK / 4 - 1, CHUNK / 4, CHUNK / 4 + 1, 64 * 1024, 9, 33,
};

#define N_SIZES (sizeof(sizes) / sizeof(sizes[0]))

static void
test_alloc_table(void **state)
{
	struct tw_region *r = tw_region_new(CHUNK);
	struct tw_region_stats st;
	unsigned char *p[N_SIZES];
	size_t i, j, n;

	assert_non_null(r);
	tw_region_stats(r, &st);
	assert_int_equal(st.chunks, 0);   /* nothing before the first allocation */
	for (i = 0; i < N_SIZES; i++) {
		p[i] = tw_region_alloc(r, sizes[i]);
		assert_non_null(p[i]);
		if ((uintptr_t)p[i] % ALIGN != 0)
			fail_msg("size %zu: %p is not aligned", sizes[i], (void *)p[i]);
		memset(p[i], (int)i + 1, sizes[i]);
	}
	/* Nothing overlaps: each keeps its own pattern. */
	for (i = 0; i < N_SIZES; i++)
		for (j = 0; j < sizes[i]; j++)
			if (p[i][j] != (unsigned char)(i + 1))
				fail_msg("allocation %zu (size %zu) overwritten at %zu", i, sizes[i], j);
	tw_region_stats(r, &st);
	/* Aligned sizes of CHUNK/4 (256) and more have a block of their own. */
	for (i = n = 0; i < N_SIZES; i++)
		n += ((sizes[i] + ALIGN - 1) & ~(ALIGN - 1)) >= CHUNK / 4;
	assert_int_equal(st.blocks, n);
	assert_true(st.chunks >= 2);
	assert_true(st.held >= st.used);
	assert_false(tw_region_oom(r));
	tw_region_free(r);
}

static void
test_zalloc_strdup_printf(void **state)
{
	struct tw_region *r = tw_region_new(CHUNK);
	char big[3000], *s;
	unsigned char *z;
	size_t i;

	assert_non_null(r);
	z = tw_region_alloc(r, 64);
	memset(z, 0xff, 64);
	z = tw_region_zalloc(r, 64);
	for (i = 0; i < 64; i++)
		assert_int_equal(z[i], 0);
	assert_null(tw_region_strdup(r, NULL));
	assert_false(tw_region_oom(r));     /* NULL in, NULL out: not a failure */
	assert_string_equal(tw_region_strdup(r, ""), "");
	assert_string_equal(tw_region_strdup(r, "kcna.kp"), "kcna.kp");
	assert_string_equal(tw_region_printf(r, "%s > %s", "kp", "kcna.kp"), "kp > kcna.kp");
	/* Longer than what is left of the chunk, and longer than a chunk. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (i = 0; i < 40; i++) {
		s = tw_region_printf(r, "%zu:%.*s", i, (int)(i * 30), big);
		assert_non_null(s);
		assert_int_equal(strlen(s), (i < 10 ? 2 : 3) + i * 30);
	}
	s = tw_region_printf(r, "<%s>", big);
	assert_non_null(s);
	assert_int_equal(strlen(s), sizeof(big) + 1);
	tw_region_free(r);
}

/* realloc in each case the region tells apart. */
struct realloc_case {
	const char *what;
	size_t old, size;
	int newest;                 /* the block is the newest allocation */
	int same;                   /* expect the same address back */
};

static const struct realloc_case reallocs[] = {
	{ "newest small grows in place", 16, 48, 1, 1 },
	{ "newest small shrinks in place", 100, 10, 1, 1 },
	{ "older small grows by copy", 16, 48, 0, 0 },
	{ "small past the chunk's end moves", 16, CHUNK / 4 - 16, 1, 0 },
	{ "small becomes a block of its own", 32, 4000, 1, 0 },
	{ "block grows", 4000, 40000, 0, -1 },
	{ "block shrinks to small", 4000, 20, 0, 0 },
};

static void
test_realloc_table(void **state)
{
	const struct realloc_case *c;
	struct tw_region_stats before, after;
	struct tw_region *r;
	unsigned char *p, *q;
	size_t i, j, keep;

	for (i = 0; i < sizeof(reallocs) / sizeof(reallocs[0]); i++) {
		c = &reallocs[i];
		assert_non_null(r = tw_region_new(CHUNK));
		for (j = 0; j < 4; j++)
			(void)tw_region_alloc(r, 200);  /* 832 of the chunk's 1024 bytes used */
		p = tw_region_alloc(r, c->old);
		for (j = 0; j < c->old; j++)
			p[j] = (unsigned char)j;
		if (!c->newest)
			(void)tw_region_alloc(r, 8);
		tw_region_stats(r, &before);
		q = tw_region_realloc(r, p, c->old, c->size);
		if (q == NULL)
			fail_msg("%s: NULL", c->what);
		tw_region_stats(r, &after);
		if (c->same == 1 && q != p)
			fail_msg("%s: moved", c->what);
		if (c->same == 0 && q == p)
			fail_msg("%s: did not move", c->what);
		keep = c->old < c->size ? c->old : c->size;
		for (j = 0; j < keep; j++)
			if (q[j] != (unsigned char)j)
				fail_msg("%s: byte %zu lost", c->what, j);
		memset(q, 0xaa, c->size);      /* all of it is ours */
		if (c->old >= CHUNK / 4 && c->size < CHUNK / 4)
			assert_int_equal(after.blocks, before.blocks - 1);   /* the old block went */
		assert_false(tw_region_oom(r));
		tw_region_free(r);
	}
	/* NULL allocates. */
	assert_non_null(r = tw_region_new(0));
	assert_non_null(tw_region_realloc(r, NULL, 0, 10));
	tw_region_free(r);
}

/* A reset keeps the chunks used, and the next cycle gets the same memory back. */
static void
test_reset_reuse(void **state)
{
	struct tw_region *r = tw_region_new(CHUNK);
	struct tw_region_stats st;
	void *first, *again;
	size_t i, cycle;

	assert_non_null(r);
	first = tw_region_alloc(r, 100);
	for (i = 0; i < 50; i++)
		(void)tw_region_alloc(r, 100);    /* several chunks */
	(void)tw_region_alloc(r, 10000);        /* and a block */
	tw_region_stats(r, &st);
	assert_true(st.chunks > 3);
	assert_int_equal(st.blocks, 1);
	for (cycle = 0; cycle < 5; cycle++) {
		tw_region_reset(r);
		tw_region_stats(r, &st);
		assert_int_equal(st.used, 0);
		assert_int_equal(st.blocks, 0);         /* blocks go at once */
		assert_true(st.chunks > 3);             /* chunks stay */
		/* The first chunk used last cycle is the first one used again. */
		again = tw_region_alloc(r, 100);
		assert_ptr_equal(again, first);
		first = again;
		for (i = 0; i < 50; i++)
			(void)tw_region_alloc(r, 100);
	}
	/* A smaller cycle: the chunks it did not need go at the reset after it. */
	tw_region_reset(r);
	(void)tw_region_alloc(r, 100);
	tw_region_reset(r);
	tw_region_stats(r, &st);
	assert_int_equal(st.chunks, 1);
	assert_int_equal(st.held, CHUNK);
	/* The one kept is reused, not allocated anew. */
	first = tw_region_alloc(r, 100);
	tw_region_reset(r);
	again = tw_region_alloc(r, 100);
	assert_ptr_equal(first, again);
	tw_region_free(r);
}

static void
test_oom_sticky(void **state)
{
	struct tw_region *r = tw_region_new(CHUNK);
	void *p;

	assert_non_null(r);
	assert_false(tw_region_oom(r));
	assert_null(tw_region_alloc(r, SIZE_MAX - 8));
	assert_true(tw_region_oom(r));
	/* Later allocations work, and the mark stays until the owner resets. */
	assert_non_null(p = tw_region_alloc(r, 10));
	assert_true(tw_region_oom(r));
	assert_null(tw_region_realloc(r, p, 10, SIZE_MAX / 2));
	assert_null(tw_region_alloc(r, SIZE_MAX / 2));      /* beyond PTRDIFF_MAX: refused before malloc */
	assert_true(tw_region_oom(r));
	tw_region_reset(r);
	assert_false(tw_region_oom(r));
	tw_region_free(r);
	tw_region_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_table),
		cmocka_unit_test(test_zalloc_strdup_printf),
		cmocka_unit_test(test_realloc_table),
		cmocka_unit_test(test_reset_reuse),
		cmocka_unit_test(test_oom_sticky),
	};

	return cmocka_run_group_tests_name("region", tests, NULL, NULL);
}
