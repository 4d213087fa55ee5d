/*
 * hash.c -- open addressing with linear probing, at most half full.
 *
 * See hash.h.  Removal shifts the following entries of the probe run back
 * (no tombstones), so a table that lives long (a watcher's) never fills up
 * with dead slots.
 */
#include <stdlib.h>
#include <string.h>

#include "tldwatch/hash.h"

#define FNV_PRIME 1099511628211ULL
#define MIN_SLOTS 16

/* The final mix of MurmurHash3: every input bit moves the low bits the slot is taken from. */
static size_t
home(const struct tw_hash *h, uint64_t hash)
{
	hash ^= hash >> 33;
	hash *= 0xff51afd7ed558ccdULL;
	hash ^= hash >> 33;
	hash *= 0xc4ceb9fe1a85ec53ULL;
	hash ^= hash >> 33;
	return (size_t)hash & h->mask;
}

void
tw_hash_init(struct tw_hash *h)
{
	h->slots = NULL;
	h->mask = 0;
	h->n = 0;
}

void
tw_hash_free(struct tw_hash *h)
{
	free(h->slots);
	tw_hash_init(h);
}

void
tw_hash_clear(struct tw_hash *h)
{
	if (h->slots != NULL)
		memset(h->slots, 0, (h->mask + 1) * sizeof(*h->slots));
	h->n = 0;
}

size_t
tw_hash_count(const struct tw_hash *h)
{
	return h->n;
}

/* Put ${item} in the first free slot of its run; there is one. */
static void
place(struct tw_hash *h, uint64_t hash, void *item)
{
	size_t i = home(h, hash);

	while (h->slots[i].item != NULL)
		i = (i + 1) & h->mask;
	h->slots[i].hash = hash;
	h->slots[i].item = item;
}

/* Move to ${cap} slots (a power of two, more than twice the items). */
static int
rehash(struct tw_hash *h, size_t cap)
{
	struct tw_hash old = *h;
	size_t i;

	if ((h->slots = calloc(cap, sizeof(*h->slots))) == NULL) {
		*h = old;
		return -1;
	}
	h->mask = cap - 1;
	if (old.slots != NULL)
		for (i = 0; i <= old.mask; i++)
			if (old.slots[i].item != NULL)
				place(h, old.slots[i].hash, old.slots[i].item);
	free(old.slots);
	return 0;
}

int
tw_hash_reserve(struct tw_hash *h, size_t n)
{
	size_t cap = MIN_SLOTS;

	if (n > SIZE_MAX / 2 / sizeof(struct tw_hash_slot))
		return -1;
	while (cap < 2 * n)
		cap *= 2;
	if (h->slots != NULL && cap <= h->mask + 1)
		return 0;
	return rehash(h, cap);
}

void *
tw_hash_find(const struct tw_hash *h, uint64_t hash, tw_hash_eq *eq, const void *key)
{
	size_t i;

	if (h->n == 0)
		return NULL;
	for (i = home(h, hash); h->slots[i].item != NULL; i = (i + 1) & h->mask)
		if (h->slots[i].hash == hash && eq(h->slots[i].item, key))
			return h->slots[i].item;
	return NULL;
}

int
tw_hash_add(struct tw_hash *h, uint64_t hash, void *item)
{
	if (item == NULL)
		return -1;
	/* A power of two at least twice the items: this doubles the slots when needed. */
	if ((h->slots == NULL || 2 * (h->n + 1) > h->mask + 1) &&
	    tw_hash_reserve(h, h->n + 1) != 0)
		return -1;
	place(h, hash, item);
	h->n++;
	return 0;
}

/* Whether home slot ${want} reaches slot ${i} without passing the emptied slot ${gap}. */
static bool
between(size_t gap, size_t want, size_t i)
{
	if (gap <= i)
		return gap < want && want <= i;
	return gap < want || want <= i;   /* the run wraps around the end */
}

void *
tw_hash_remove(struct tw_hash *h, uint64_t hash, tw_hash_eq *eq, const void *key)
{
	size_t i, gap;
	void *item;

	if (h->n == 0)
		return NULL;
	for (i = home(h, hash); h->slots[i].item != NULL; i = (i + 1) & h->mask)
		if (h->slots[i].hash == hash && eq(h->slots[i].item, key))
			break;
	if ((item = h->slots[i].item) == NULL)
		return NULL;
	/* Shift back every later entry of the run that may sit in the gap. */
	gap = i;
	for (i = (i + 1) & h->mask; h->slots[i].item != NULL; i = (i + 1) & h->mask) {
		if (between(gap, home(h, h->slots[i].hash), i))
			continue;        /* its home is after the gap: it stays */
		h->slots[gap] = h->slots[i];
		gap = i;
	}
	h->slots[gap].item = NULL;
	h->slots[gap].hash = 0;
	h->n--;
	return item;
}

void *
tw_hash_next(const struct tw_hash *h, size_t *pos)
{
	void *item;

	if (h->slots == NULL)
		return NULL;
	while (*pos <= h->mask) {
		item = h->slots[(*pos)++].item;
		if (item != NULL)
			return item;
	}
	return NULL;
}

uint64_t
tw_hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * FNV_PRIME;
	return h;
}

uint64_t
tw_hash_str(uint64_t h, const char *s)
{
	if (s == NULL)
		return (h ^ 0x100) * FNV_PRIME;     /* unlike any byte, so NULL != "" */
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * FNV_PRIME;
	return (h ^ 0x101) * FNV_PRIME;         /* end of field */
}

uint64_t
tw_hash_u64(uint64_t h, uint64_t v)
{
	return (h ^ v) * FNV_PRIME;
}
