/*
 * test_hash.c -- the hash table: find what was added and nothing else,
 * through growth, colliding hashes and runs that wrap around the end;
 * removal that keeps every other item findable; iteration; and the FNV-1a
 * field helpers (NULL differs from "", field boundaries count).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tldwatch/hash.h"

struct item {
	char name[32];
	unsigned port;
	bool in;                  /* in the table now */
	unsigned seen;            /* times iteration met it */
};

struct key {
	const char *name;
	unsigned port;
};

static bool
item_eq(const void *item, const void *key)
{
	const struct item *it = item;
	const struct key *k = key;

	return it->port == k->port && strcmp(it->name, k->name) == 0;
}

static uint64_t
key_hash(const char *name, unsigned port)
{
	return tw_hash_u64(tw_hash_str(TW_HASH_SEED, name), port);
}

/* hash_of: the real hash, or a constant (every item collides), or a few values. */
enum spread { REAL, ONE, FOUR };

static uint64_t
hash_of(enum spread sp, const struct item *it)
{
	switch (sp) {
	case REAL:
		return key_hash(it->name, it->port);
	case ONE:
		return 42;
	case FOUR:
		return it->port % 4;
	}
	return 0;
}

struct scenario {
	const char *what;
	size_t n;
	enum spread spread;
	size_t reserve;
};

static const struct scenario scenarios[] = {
	{ "empty", 0, REAL, 0 },
	{ "one", 1, REAL, 0 },
	{ "a few, real hashes", 7, REAL, 0 },
	{ "grows many times", 5000, REAL, 0 },
	{ "reserved first", 3000, REAL, 3000 },
	{ "every hash equal", 300, ONE, 0 },
	{ "four hashes", 500, FOUR, 0 },
};

static void
check_all(const struct scenario *sc, struct tw_hash *h, struct item *items)
{
	struct key k;
	size_t i;
	void *got;

	for (i = 0; i < sc->n; i++) {
		k.name = items[i].name;
		k.port = items[i].port;
		got = tw_hash_find(h, hash_of(sc->spread, &items[i]), item_eq, &k);
		if (items[i].in && got != &items[i])
			fail_msg("%s: item %zu not found", sc->what, i);
		if (!items[i].in && got != NULL)
			fail_msg("%s: removed item %zu still found", sc->what, i);
	}
}

static void
test_scenarios(void **state)
{
	const struct scenario *sc;
	struct tw_hash h = TW_HASH_INIT;
	struct item *items, *it;
	struct key k;
	size_t s, i, pos, n_in;

	for (s = 0; s < sizeof(scenarios) / sizeof(scenarios[0]); s++) {
		sc = &scenarios[s];
		items = calloc(sc->n + 1, sizeof(*items));
		assert_non_null(items);
		if (sc->reserve > 0) {
			assert_int_equal(tw_hash_reserve(&h, sc->reserve), 0);
			assert_true(h.mask + 1 >= 2 * sc->reserve);
		}
		for (i = 0; i < sc->n; i++) {
			snprintf(items[i].name, sizeof(items[i].name), "ns%zu.example", i % 97);
			items[i].port = (unsigned)(i / 97);
			assert_int_equal(tw_hash_add(&h, hash_of(sc->spread, &items[i]), &items[i]), 0);
			items[i].in = true;
		}
		assert_int_equal(tw_hash_count(&h), sc->n);
		if (sc->n > 0)
			assert_true(2 * sc->n <= h.mask + 1);   /* at most half full */
		check_all(sc, &h, items);
		/* A key never added. */
		k.name = "absent.example";
		k.port = 1;
		assert_null(tw_hash_find(&h, key_hash(k.name, k.port), item_eq, &k));
		assert_null(tw_hash_find(&h, 42, item_eq, &k));
		/* Remove every third item, then every other check still holds. */
		for (i = 0; i < sc->n; i += 3) {
			k.name = items[i].name;
			k.port = items[i].port;
			assert_ptr_equal(tw_hash_remove(&h, hash_of(sc->spread, &items[i]), item_eq, &k),
			    &items[i]);
			items[i].in = false;
			assert_null(tw_hash_remove(&h, hash_of(sc->spread, &items[i]), item_eq, &k));
		}
		check_all(sc, &h, items);
		/* Iteration meets every item still in, once. */
		pos = 0;
		n_in = 0;
		while ((it = tw_hash_next(&h, &pos)) != NULL)
			it->seen++;
		for (i = 0; i < sc->n; i++) {
			if (items[i].seen != (items[i].in ? 1u : 0u))
				fail_msg("%s: item %zu met %u times", sc->what, i, items[i].seen);
			n_in += items[i].in;
		}
		assert_int_equal(tw_hash_count(&h), n_in);
		/* Clear keeps the slots; then nothing is found. */
		tw_hash_clear(&h);
		assert_int_equal(tw_hash_count(&h), 0);
		for (i = 0; i < sc->n; i++)
			items[i].in = false;
		check_all(sc, &h, items);
		tw_hash_free(&h);
		assert_null(h.slots);
		free(items);
	}
}

/* Removal in a run that wraps past the last slot back to the first. */
static void
test_wrapping_run(void **state)
{
	struct tw_hash h;
	struct item items[6];
	struct key k;
	uint64_t hash = 0;
	size_t i, last;

	tw_hash_init(&h);
	assert_int_equal(tw_hash_reserve(&h, 8), 0);
	last = h.mask;
	/* Find a hash whose home is the last slot: the table's own mix decides. */
	for (hash = 0;; hash++) {
		items[0].port = 0;
		snprintf(items[0].name, sizeof(items[0].name), "probe");
		assert_int_equal(tw_hash_add(&h, hash, &items[0]), 0);
		if (h.slots[last].item == &items[0])
			break;
		tw_hash_clear(&h);
	}
	tw_hash_clear(&h);
	for (i = 0; i < 6; i++) {
		snprintf(items[i].name, sizeof(items[i].name), "w%zu", i);
		items[i].port = 0;
		assert_int_equal(tw_hash_add(&h, hash, &items[i]), 0);
	}
	assert_ptr_equal(h.slots[last].item, &items[0]);
	assert_ptr_equal(h.slots[0].item, &items[1]);   /* the run wrapped */
	for (i = 0; i < 6; i += 2) {
		k.name = items[i].name;
		k.port = 0;
		assert_ptr_equal(tw_hash_remove(&h, hash, item_eq, &k), &items[i]);
	}
	for (i = 0; i < 6; i++) {
		k.name = items[i].name;
		k.port = 0;
		if (i % 2)
			assert_ptr_equal(tw_hash_find(&h, hash, item_eq, &k), &items[i]);
		else
			assert_null(tw_hash_find(&h, hash, item_eq, &k));
	}
	tw_hash_free(&h);
}

static void
test_fields(void **state)
{
	uint64_t a, b;

	assert_int_not_equal(tw_hash_str(TW_HASH_SEED, NULL), tw_hash_str(TW_HASH_SEED, ""));
	a = tw_hash_str(tw_hash_str(TW_HASH_SEED, "ab"), "c");
	b = tw_hash_str(tw_hash_str(TW_HASH_SEED, "a"), "bc");
	assert_int_not_equal(a, b);
	assert_int_equal(tw_hash_str(TW_HASH_SEED, "kp"), tw_hash_str(TW_HASH_SEED, "kp"));
	assert_int_not_equal(tw_hash_u64(TW_HASH_SEED, 53), tw_hash_u64(TW_HASH_SEED, 5353));
	/* FNV-1a of "a", the published test vector. */
	assert_int_equal(tw_hash_bytes(TW_HASH_SEED, "a", 1), 0xaf63dc4c8601ec8cULL);
	assert_int_equal(tw_hash_bytes(TW_HASH_SEED, "", 0), TW_HASH_SEED);
	assert_int_equal(tw_hash_add(&(struct tw_hash)TW_HASH_INIT, 1, NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scenarios),
		cmocka_unit_test(test_wrapping_run),
		cmocka_unit_test(test_fields),
	};

	return cmocka_run_group_tests_name("hash", tests, NULL, NULL);
}
