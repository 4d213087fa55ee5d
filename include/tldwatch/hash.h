/*
 * hash.h -- one hash table: open addressing, linear probing, growing.
 *
 * The table maps a 64-bit hash to the caller's items (pointers, never
 * NULL); it neither copies nor frees them, and knows nothing of keys: a
 * lookup gives the hash and a function that tells whether an item matches
 * the key sought.  It is kept at most half full, so a probe is short; it
 * grows by doubling.  Build hashes with the FNV-1a helpers below (the table
 * mixes the bits again before it picks a slot).
 *
 * A struct tw_hash may sit inside another struct: TW_HASH_INIT or
 * tw_hash_init() make it empty without allocating.
 */
#ifndef TLDWATCH_HASH_H
#define TLDWATCH_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tw_hash_slot {
	uint64_t hash;
	void *item;                /* NULL: empty */
};

struct tw_hash {
	struct tw_hash_slot *slots;
	size_t mask;               /* slots - 1 (a power of two); 0 with no slots */
	size_t n;                  /* items held */
};

#define TW_HASH_INIT { NULL, 0, 0 }

/* Whether ${item} is the one ${key} names. */
typedef bool tw_hash_eq(const void *item, const void *key);

/* tw_hash_init(h): an empty table, nothing allocated. */
void tw_hash_init(struct tw_hash *h);

/* tw_hash_free(h): release the slots (not the items); ${h} is empty again. */
void tw_hash_free(struct tw_hash *h);

/* tw_hash_clear(h): forget every item, keep the slots for reuse. */
void tw_hash_clear(struct tw_hash *h);

/* tw_hash_reserve(h, n): room for ${n} items without growing.  0, or -1 (${h} unchanged). */
int tw_hash_reserve(struct tw_hash *h, size_t n);

/*
 * tw_hash_find(h, hash, eq, key):
 * The first item with ${hash} for which ${eq}(item, ${key}) holds, or NULL.
 */
void *tw_hash_find(const struct tw_hash *h, uint64_t hash, tw_hash_eq *eq, const void *key);

/*
 * tw_hash_add(h, hash, item):
 * Add ${item} (not NULL) under ${hash}, growing if need be; it does not
 * look for an equal item first (tw_hash_find does).  0, or -1 when memory
 * ran out (${h} unchanged).
 */
int tw_hash_add(struct tw_hash *h, uint64_t hash, void *item);

/* tw_hash_remove(h, hash, eq, key): take out and return the item found, or NULL. */
void *tw_hash_remove(struct tw_hash *h, uint64_t hash, tw_hash_eq *eq, const void *key);

/* tw_hash_count(h): items held. */
size_t tw_hash_count(const struct tw_hash *h);

/*
 * tw_hash_next(h, pos):
 * Every item once, in no set order: start with *${pos} = 0 and call until
 * NULL.  The table must not change meanwhile.
 */
void *tw_hash_next(const struct tw_hash *h, size_t *pos);

/* FNV-1a, 64 bits: start from TW_HASH_SEED and feed each field of the key. */
#define TW_HASH_SEED 14695981039346656037ULL

/* tw_hash_bytes(h, p, n): ${h} with ${n} bytes at ${p} fed in. */
uint64_t tw_hash_bytes(uint64_t h, const void *p, size_t n);

/*
 * tw_hash_str(h, s): ${h} with string ${s} fed in as one field: its end is
 * marked, so ("ab", "c") and ("a", "bc") differ, and NULL differs from "".
 */
uint64_t tw_hash_str(uint64_t h, const char *s);

/* tw_hash_u64(h, v): ${h} with the number ${v} fed in. */
uint64_t tw_hash_u64(uint64_t h, uint64_t v);

#endif
