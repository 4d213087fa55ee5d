/*
 * test_vec.c -- the growable array, on the heap and in a region: elements
 * of several sizes keep their values through growth, pointer vectors,
 * reserve's overflow guard, and the string builder.
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
#include "tldwatch/vec.h"

struct wide {
	double rtt;
	char name[13];
	uint16_t port;
};

/* Fill element ${i} of ${size} bytes with a pattern that depends on both. */
static void
pattern(unsigned char *e, size_t size, size_t i)
{
	size_t j;

	for (j = 0; j < size; j++)
		e[j] = (unsigned char)(i * 31 + j);
}

struct growth {
	size_t size, n;
	int in_region;
};

static const struct growth growths[] = {
	{ 1, 1000, 0 }, { 1, 1000, 1 },
	{ sizeof(double), 10000, 0 }, { sizeof(double), 10000, 1 },
	{ sizeof(struct wide), 777, 0 }, { sizeof(struct wide), 777, 1 },
	{ 3, 65, 1 }, { 4096, 9, 1 }, { 4096, 9, 0 },
};

static void
test_growth_table(void **state)
{
	unsigned char want[4096];
	struct tw_region *r;
	struct tw_vec v;
	size_t g, i;
	void *e;

	for (g = 0; g < sizeof(growths) / sizeof(growths[0]); g++) {
		r = growths[g].in_region ? tw_region_new(1024) : NULL;
		tw_vec_init(&v, growths[g].size, r);
		for (i = 0; i < growths[g].n; i++) {
			if (i % 2) {
				assert_non_null(e = tw_vec_push(&v));
				pattern(e, v.size, i);
			} else {
				pattern(want, v.size, i);
				assert_int_equal(tw_vec_append(&v, want), 0);
			}
			assert_true(v.cap >= v.n);
		}
		assert_int_equal(v.n, growths[g].n);
		for (i = 0; i < growths[g].n; i++) {
			pattern(want, v.size, i);
			if (memcmp(tw_vec_at(&v, i), want, v.size) != 0)
				fail_msg("size %zu, region %d: element %zu changed", growths[g].size,
				    growths[g].in_region, i);
		}
		tw_vec_free(&v);
		assert_int_equal(v.n, 0);
		assert_null(v.v);
		tw_region_free(r);
	}
}

static void
test_push_zeroes_and_ptrs(void **state)
{
	struct tw_vec v;
	struct wide *w;
	static char names[5][8] = { "a", "b", "c", "d", "e" };
	size_t i;

	tw_vec_init(&v, sizeof(struct wide), NULL);
	assert_non_null(w = tw_vec_push(&v));
	assert_true(w->rtt == 0.0 && w->port == 0 && w->name[0] == '\0');
	((struct wide *)v.v)[0].port = 53;
	assert_int_equal(((struct wide *)tw_vec_at(&v, 0))->port, 53);
	tw_vec_free(&v);

	tw_vec_init(&v, sizeof(char *), NULL);
	for (i = 0; i < 5; i++)
		assert_int_equal(tw_vec_push_ptr(&v, names[i]), 0);
	assert_int_equal(tw_vec_push_ptr(&v, NULL), 0);
	for (i = 0; i < 5; i++)
		assert_ptr_equal(tw_vec_ptr(&v, i), names[i]);
	assert_null(tw_vec_ptr(&v, 5));
	assert_int_equal(tw_vec_reserve(&v, SIZE_MAX), -1);      /* n + more overflows */
	assert_int_equal(tw_vec_reserve(&v, SIZE_MAX / 2), -1);  /* bytes overflow */
	assert_int_equal(v.n, 6);                                /* nothing changed */
	assert_ptr_equal(tw_vec_ptr(&v, 0), names[0]);
	assert_int_equal(tw_vec_reserve(&v, 0), 0);
	tw_vec_free(&v);
}

static void
test_printf(void **state)
{
	struct tw_region *r = tw_region_new(0);
	struct tw_vec v;
	char want[8192];
	size_t i, len = 0;
	int k;

	assert_non_null(r);
	for (k = 0; k < 2; k++) {
		tw_vec_init(&v, 1, k ? r : NULL);
		assert_string_equal(tw_vec_str(&v), "");
		assert_int_equal(tw_vec_printf(&v, "%s", ""), 0);
		assert_string_equal(tw_vec_str(&v), "");
		assert_int_equal(v.n, 0);
		assert_int_equal(tw_vec_printf(&v, "kcna.kp servers:"), 0);
		len = (size_t)snprintf(want, sizeof(want), "kcna.kp servers:");
		for (i = 0; i < 300; i++) {
			assert_int_equal(tw_vec_printf(&v, "%s ns%zu.kcna.kp timeout", i ? "," : "", i),
			    0);
			len += (size_t)snprintf(want + len, sizeof(want) - len, "%s ns%zu.kcna.kp timeout",
			    i ? "," : "", i);
			if (len >= sizeof(want) - 64)
				break;
		}
		assert_string_equal(tw_vec_str(&v), want);
		assert_int_equal(v.n, strlen(want));
		tw_vec_free(&v);
	}
	tw_region_free(r);
}

/* In a region, a vector that is the newest allocation grows where it is. */
static void
test_region_in_place(void **state)
{
	struct tw_region *r = tw_region_new(4096);
	struct tw_vec v;
	void *first;
	size_t i;

	assert_non_null(r);
	tw_vec_init(&v, sizeof(int), r);
	assert_non_null(tw_vec_push(&v));
	first = v.v;
	for (i = 1; i < 100; i++)           /* 400 bytes: below a quarter chunk */
		assert_non_null(tw_vec_push(&v));
	assert_ptr_equal(v.v, first);
	(void)tw_region_alloc(r, 8);        /* no longer the newest: the next growth copies */
	for (; i < 250; i++)
		assert_non_null(tw_vec_push(&v));
	assert_ptr_not_equal(v.v, first);
	tw_vec_free(&v);                    /* a region's vector: a no-op on its memory */
	tw_region_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_growth_table),
		cmocka_unit_test(test_push_zeroes_and_ptrs),
		cmocka_unit_test(test_printf),
		cmocka_unit_test(test_region_in_place),
	};

	return cmocka_run_group_tests_name("vec", tests, NULL, NULL);
}
