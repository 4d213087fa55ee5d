/*
 * region.h -- a region (arena): many allocations, freed all at once.
 *
 * NSD's region allocator is the model.  Small allocations are cut from
 * chunks of a fixed size, in order; an allocation of a quarter chunk or
 * more gets a block of its own.  Nothing is freed one by one: a region is
 * emptied by tw_region_reset() or freed by tw_region_free().  A round of
 * checks allocates its inner state here, so ending it is one call.
 *
 * Out of memory is sticky: an allocation that fails returns NULL and marks
 * the region, and the owner asks tw_region_oom() once, at the end, instead
 * of checking and reporting at every call.  The code in between must still
 * not use a NULL it got back.
 *
 * tw_region_reset() keeps the chunks the region used since the last reset
 * (and frees the blocks of their own, and any chunk left unused), so a
 * region that is reset and refilled round after round reuses the same,
 * already faulted, memory: it holds what the last round needed, no more.
 */
#ifndef TLDWATCH_REGION_H
#define TLDWATCH_REGION_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct tw_region;

/* The chunk size when tw_region_new() is given 0. */
#define TW_REGION_CHUNK 16384

/*
 * tw_region_new(chunk_size):
 * An empty region cutting chunks of ${chunk_size} bytes (0: TW_REGION_CHUNK;
 * at least 256).  No chunk is allocated before the first allocation.
 * NULL when memory ran out.
 */
struct tw_region *tw_region_new(size_t chunk_size);

/* tw_region_free(r): free ${r} and everything allocated from it; NULL is fine. */
void tw_region_free(struct tw_region *r);

/*
 * tw_region_reset(r):
 * Free everything allocated from ${r} at once (and clear its out-of-memory
 * mark), keeping the chunks used since the last reset for what comes next.
 */
void tw_region_reset(struct tw_region *r);

/*
 * tw_region_alloc(r, size):
 * ${size} bytes aligned for any type (max_align_t), valid until the next
 * reset; NULL (and the region marked) when memory ran out.
 */
void *tw_region_alloc(struct tw_region *r, size_t size);

/* tw_region_zalloc(r, size): the same, zeroed. */
void *tw_region_zalloc(struct tw_region *r, size_t size);

/*
 * tw_region_realloc(r, p, old, size):
 * Make the ${old} bytes at ${p} (from ${r}; NULL with ${old} 0 allocates)
 * ${size} bytes long, in place when ${p} is the newest allocation or has a
 * block of its own; the first min(${old}, ${size}) bytes are kept.  ${old}
 * must be the size ${p} was last given.  NULL when memory ran out (${p}
 * stays valid).
 */
void *tw_region_realloc(struct tw_region *r, void *p, size_t old, size_t size);

/* tw_region_strdup(r, s): a copy of ${s}; NULL for a NULL ${s} (not marked then). */
char *tw_region_strdup(struct tw_region *r, const char *s);

/* tw_region_printf(r, fmt, ...): the formatted string, or NULL. */
char *tw_region_printf(struct tw_region *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* tw_region_vprintf(r, fmt, ap): the same with a va_list. */
char *tw_region_vprintf(struct tw_region *r, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* tw_region_oom(r): whether an allocation failed since the region was made or reset. */
bool tw_region_oom(const struct tw_region *r);

struct tw_region_stats {
	size_t chunks;         /* chunks held (in use or kept for reuse) */
	size_t blocks;         /* allocations with a block of their own */
	size_t used;           /* bytes handed out since the last reset, alignment included */
	size_t held;           /* bytes of memory the region holds from malloc */
};

/* tw_region_stats(r, out): what ${r} holds now. */
void tw_region_stats(const struct tw_region *r, struct tw_region_stats *out);

#endif
