/*
 * vec.h -- one growable array: elements of one size, in order, contiguous.
 *
 * A vector lives on the heap, or in a region (region.h): then it grows
 * inside the region (in place when it was the region's newest allocation)
 * and goes with the region, so tw_vec_free() need not be called.  Growth
 * doubles the room, so pushing n elements costs O(n).
 *
 * With elements of one byte a vector is also a string buffer:
 * tw_vec_printf() appends formatted text and keeps it NUL-terminated (the
 * NUL is not counted in n).
 *
 * Read elements through v (cast to the element type) or tw_vec_at(); a
 * pointer into a vector is valid only until the next push.
 */
#ifndef TLDWATCH_VEC_H
#define TLDWATCH_VEC_H

#include <stdarg.h>
#include <stddef.h>

struct tw_region;

struct tw_vec {
	void *v;                   /* the elements; NULL while empty and unallocated */
	size_t n;                  /* elements held */
	size_t cap;                /* elements there is room for */
	size_t size;               /* bytes of one element */
	struct tw_region *region;  /* where it grows; NULL: malloc */
};

/* tw_vec_init(vec, size, region): empty, for ${size}-byte elements, in ${region} or (NULL) on the heap. */
void tw_vec_init(struct tw_vec *vec, size_t size, struct tw_region *region);

/* tw_vec_free(vec): release a heap vector's memory (a region's stays); ${vec} is empty again. */
void tw_vec_free(struct tw_vec *vec);

/* tw_vec_reserve(vec, more): room for ${more} elements beyond n.  0, or -1 (nothing changed). */
int tw_vec_reserve(struct tw_vec *vec, size_t more);

/* tw_vec_push(vec): a new, zeroed element at the end; its address, or NULL. */
void *tw_vec_push(struct tw_vec *vec);

/* tw_vec_append(vec, elem): copy the element at ${elem} to the end.  0 or -1. */
int tw_vec_append(struct tw_vec *vec, const void *elem);

/* tw_vec_at(vec, i): the address of element ${i} (< n). */
void *tw_vec_at(const struct tw_vec *vec, size_t i);

/* For vectors of pointers: tw_vec_push_ptr(vec, p) (0 or -1), tw_vec_ptr(vec, i). */
int tw_vec_push_ptr(struct tw_vec *vec, void *p);
void *tw_vec_ptr(const struct tw_vec *vec, size_t i);

/*
 * tw_vec_printf(vec, fmt, ...):
 * Append the formatted text to a vector of bytes (size 1) and keep it
 * NUL-terminated.  0, or -1 (the text held so far is unchanged).  No
 * argument may point into ${vec} itself (it may move).
 */
int tw_vec_printf(struct tw_vec *vec, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* tw_vec_vprintf(vec, fmt, ap): the same with a va_list. */
int tw_vec_vprintf(struct tw_vec *vec, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* tw_vec_str(vec): the text tw_vec_printf() built ("" before any); valid until the next append. */
const char *tw_vec_str(const struct tw_vec *vec);

#endif
