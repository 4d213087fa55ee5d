/*
 * vec.c -- a growable array on the heap or in a region.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tldwatch/region.h"
#include "tldwatch/vec.h"

#define MIN_BYTES 16

void
tw_vec_init(struct tw_vec *vec, size_t size, struct tw_region *region)
{
	vec->v = NULL;
	vec->n = vec->cap = 0;
	vec->size = size > 0 ? size : 1;
	vec->region = region;
}

void
tw_vec_free(struct tw_vec *vec)
{
	if (vec->region == NULL)
		free(vec->v);
	vec->v = NULL;
	vec->n = vec->cap = 0;
}

int
tw_vec_reserve(struct tw_vec *vec, size_t more)
{
	size_t need, cap;
	void *nv;

	if (more > SIZE_MAX - vec->n)
		return -1;
	need = vec->n + more;
	if (need <= vec->cap)
		return 0;
	cap = vec->cap > 0 ? vec->cap : (MIN_BYTES + vec->size - 1) / vec->size;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			return -1;
		cap *= 2;
	}
	if (cap > SIZE_MAX / vec->size)
		return -1;
	if (vec->region != NULL)
		nv = tw_region_realloc(vec->region, vec->v, vec->cap * vec->size, cap * vec->size);
	else
		nv = realloc(vec->v, cap * vec->size);
	if (nv == NULL)
		return -1;
	vec->v = nv;
	vec->cap = cap;
	return 0;
}

void *
tw_vec_at(const struct tw_vec *vec, size_t i)
{
	return (char *)vec->v + i * vec->size;
}

void *
tw_vec_push(struct tw_vec *vec)
{
	void *e;

	if (tw_vec_reserve(vec, 1) != 0)
		return NULL;
	e = tw_vec_at(vec, vec->n++);
	memset(e, 0, vec->size);
	return e;
}

int
tw_vec_append(struct tw_vec *vec, const void *elem)
{
	if (tw_vec_reserve(vec, 1) != 0)
		return -1;
	memcpy(tw_vec_at(vec, vec->n++), elem, vec->size);
	return 0;
}

int
tw_vec_push_ptr(struct tw_vec *vec, void *p)
{
	return tw_vec_append(vec, &p);
}

void *
tw_vec_ptr(const struct tw_vec *vec, size_t i)
{
	void *p;

	memcpy(&p, tw_vec_at(vec, i), sizeof(p));
	return p;
}

int
tw_vec_vprintf(struct tw_vec *vec, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	/* Room for the text and its NUL (which stays outside n). */
	if (n < 0 || tw_vec_reserve(vec, (size_t)n + 1) != 0)
		return -1;
	vsnprintf((char *)vec->v + vec->n, (size_t)n + 1, fmt, ap);
	vec->n += (size_t)n;
	return 0;
}

int
tw_vec_printf(struct tw_vec *vec, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = tw_vec_vprintf(vec, fmt, ap);
	va_end(ap);
	return rc;
}

const char *
tw_vec_str(const struct tw_vec *vec)
{
	return vec->v != NULL ? (const char *)vec->v : "";
}
