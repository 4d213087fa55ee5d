/*
 * region.c -- chunks cut in order, big allocations on their own, all freed at once.
 *
 * See region.h.  The chunks in use form a list, the current one first;
 * chunks kept by a reset wait on a spare list and are taken again before
 * any new one is allocated.  A block of its own (an allocation of a
 * quarter chunk or more) has a small header that links it for freeing.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "tldwatch/region.h"

#define ALIGN (_Alignof(max_align_t))
#define ALIGN_UP(n) (((n) + ALIGN - 1) & ~(ALIGN - 1))
#define MIN_CHUNK 256
/* No object may be larger than PTRDIFF_MAX (malloc refuses it too): keep room for our header. */
#define MAX_SIZE ((size_t)PTRDIFF_MAX - 256)

struct chunk {
	SLIST_ENTRY(chunk) link;
	max_align_t data[];
};

SLIST_HEAD(chunk_list, chunk);

struct block {
	LIST_ENTRY(block) link;
	size_t size;
	max_align_t data[];
};

struct tw_region {
	size_t chunk_size;          /* bytes of data in a chunk, a multiple of ALIGN */
	size_t large_min;           /* aligned sizes from here on get a block of their own */
	struct chunk_list chunks;   /* in use since the last reset, the current one first */
	struct chunk_list spare;    /* kept by the last reset, not used again yet */
	LIST_HEAD(, block) blocks;
	char *cur;                  /* free space of the current chunk ... */
	size_t left;                /* ... and how much (a multiple of ALIGN) */
	char *last;                 /* the newest allocation from a chunk, or NULL */
	size_t n_chunks, n_spare, n_blocks;
	size_t used, block_bytes;
	bool oom;
};

struct tw_region *
tw_region_new(size_t chunk_size)
{
	struct tw_region *r;

	if (chunk_size == 0)
		chunk_size = TW_REGION_CHUNK;
	if (chunk_size < MIN_CHUNK)
		chunk_size = MIN_CHUNK;
	if (chunk_size > SIZE_MAX / 4)
		return NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->chunk_size = ALIGN_UP(chunk_size);
	r->large_min = r->chunk_size / 4;
	SLIST_INIT(&r->chunks);
	SLIST_INIT(&r->spare);
	LIST_INIT(&r->blocks);
	return r;
}

static void
free_blocks(struct tw_region *r)
{
	struct block *b;

	while ((b = LIST_FIRST(&r->blocks)) != NULL) {
		LIST_REMOVE(b, link);
		free(b);
	}
	r->n_blocks = 0;
	r->block_bytes = 0;
}

static void
free_chunks(struct chunk_list *list)
{
	struct chunk *c;

	while ((c = SLIST_FIRST(list)) != NULL) {
		SLIST_REMOVE_HEAD(list, link);
		free(c);
	}
}

void
tw_region_reset(struct tw_region *r)
{
	struct chunk *c;

	free_blocks(r);
	/* A chunk not needed since the last reset is not needed now. */
	free_chunks(&r->spare);
	r->n_chunks -= r->n_spare;
	r->n_spare = 0;
	while ((c = SLIST_FIRST(&r->chunks)) != NULL) {
		SLIST_REMOVE_HEAD(&r->chunks, link);
		SLIST_INSERT_HEAD(&r->spare, c, link);
		r->n_spare++;
	}
	r->cur = r->last = NULL;
	r->left = 0;
	r->used = 0;
	r->oom = false;
}

void
tw_region_free(struct tw_region *r)
{
	if (r == NULL)
		return;
	free_blocks(r);
	free_chunks(&r->spare);
	free_chunks(&r->chunks);
	free(r);
}

bool
tw_region_oom(const struct tw_region *r)
{
	return r->oom;
}

void
tw_region_stats(const struct tw_region *r, struct tw_region_stats *out)
{
	out->chunks = r->n_chunks;
	out->blocks = r->n_blocks;
	out->used = r->used;
	out->held = r->n_chunks * r->chunk_size + r->block_bytes;
}

static void *
fail(struct tw_region *r)
{
	r->oom = true;
	return NULL;
}

/* A block of its own for ${size} bytes. */
static void *
block_alloc(struct tw_region *r, size_t size)
{
	struct block *b;

	if ((b = malloc(sizeof(*b) + size)) == NULL)
		return fail(r);
	b->size = size;
	LIST_INSERT_HEAD(&r->blocks, b, link);
	r->n_blocks++;
	r->block_bytes += size;
	r->used += size;
	return b->data;
}

static struct block *
block_of(void *p)
{
	return (struct block *)(void *)((char *)p - offsetof(struct block, data));
}

/* Make the next chunk current: a spare one, or a new one. */
static bool
next_chunk(struct tw_region *r)
{
	struct chunk *c;

	if ((c = SLIST_FIRST(&r->spare)) != NULL) {
		SLIST_REMOVE_HEAD(&r->spare, link);
		r->n_spare--;
	} else if ((c = malloc(sizeof(*c) + r->chunk_size)) != NULL) {
		r->n_chunks++;
	} else {
		return false;
	}
	SLIST_INSERT_HEAD(&r->chunks, c, link);
	r->cur = (char *)c->data;
	r->left = r->chunk_size;
	return true;
}

void *
tw_region_alloc(struct tw_region *r, size_t size)
{
	size_t asize;
	char *p;

	if (size == 0)
		size = 1;
	if (size > MAX_SIZE)
		return fail(r);
	asize = ALIGN_UP(size);
	if (asize >= r->large_min)
		return block_alloc(r, size);
	if (asize > r->left && !next_chunk(r))
		return fail(r);
	p = r->cur;
	r->cur += asize;
	r->left -= asize;
	r->used += asize;
	r->last = p;
	return p;
}

void *
tw_region_zalloc(struct tw_region *r, size_t size)
{
	void *p;

	if ((p = tw_region_alloc(r, size)) != NULL)
		memset(p, 0, size);
	return p;
}

void *
tw_region_realloc(struct tw_region *r, void *p, size_t old, size_t size)
{
	size_t aold, asize;
	struct block *b, *nb;
	void *q;

	if (p == NULL)
		return tw_region_alloc(r, size);
	if (size == 0)
		size = 1;
	if (size > MAX_SIZE)
		return fail(r);
	aold = ALIGN_UP(old > 0 ? old : 1);
	asize = ALIGN_UP(size);
	if (aold >= r->large_min && asize >= r->large_min) {
		b = block_of(p);
		LIST_REMOVE(b, link);
		if ((nb = realloc(b, sizeof(*b) + size)) == NULL) {
			LIST_INSERT_HEAD(&r->blocks, b, link);
			return fail(r);
		}
		r->block_bytes = r->block_bytes - nb->size + size;
		r->used = r->used - nb->size + size;
		nb->size = size;
		LIST_INSERT_HEAD(&r->blocks, nb, link);
		return nb->data;
	}
	/* The newest allocation grows (or shrinks) where it is when the chunk has room. */
	if (aold < r->large_min && asize < r->large_min && (char *)p == r->last &&
	    asize <= aold + r->left) {
		r->left = r->left + aold - asize;
		r->cur = (char *)p + asize;
		r->used = r->used - aold + asize;
		return p;
	}
	if ((q = tw_region_alloc(r, size)) == NULL)
		return NULL;
	memcpy(q, p, old < size ? old : size);
	if (aold >= r->large_min) {
		b = block_of(p);
		LIST_REMOVE(b, link);
		r->n_blocks--;
		r->block_bytes -= b->size;
		r->used -= b->size;
		free(b);
	}
	return q;
}

char *
tw_region_strdup(struct tw_region *r, const char *s)
{
	size_t n;
	char *d;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	if ((d = tw_region_alloc(r, n)) != NULL)
		memcpy(d, s, n);
	return d;
}

char *
tw_region_vprintf(struct tw_region *r, const char *fmt, va_list ap)
{
	va_list aq;
	char *s;
	int n;

	/* Most strings fit in what is left of the current chunk: format them there at once. */
	va_copy(aq, ap);
	n = r->left > 0 ? vsnprintf(r->cur, r->left, fmt, aq) : -1;
	va_end(aq);
	if (n >= 0 && (size_t)n < r->left && ALIGN_UP((size_t)n + 1) < r->large_min) {
		s = r->cur;
		r->cur += ALIGN_UP((size_t)n + 1);
		r->left -= ALIGN_UP((size_t)n + 1);
		r->used += ALIGN_UP((size_t)n + 1);
		r->last = s;
		return s;
	}
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return fail(r);
	if ((s = tw_region_alloc(r, (size_t)n + 1)) != NULL)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *
tw_region_printf(struct tw_region *r, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = tw_region_vprintf(r, fmt, ap);
	va_end(ap);
	return s;
}
