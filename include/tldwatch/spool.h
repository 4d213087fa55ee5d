/*
 * spool.h -- pieces of output written in any order, read back in index order.
 *
 * A one-shot check writes each zone's part of its report as the zone ends (in whatever
 * order zones end) and forgets the zone; the report's head (the overall state, the roots)
 * is known only at the end, and the zones must follow it in the config's order.  The
 * pieces wait in an unlinked temporary file (in $TMPDIR, else /tmp), so what the process
 * holds does not grow with the report; when no such file can be made they wait in memory.
 */
#ifndef TLDWATCH_SPOOL_H
#define TLDWATCH_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct tw_spool;

/* tw_spool_new(n): a spool for pieces 0 .. ${n}-1, none written; NULL when memory ran out. */
struct tw_spool *tw_spool_new(size_t n);

/*
 * tw_spool_begin(sp, i):
 * Where piece ${i} is written (each piece once, one at a time, ended by tw_spool_end());
 * NULL when ${i} is out of range or already written.
 */
FILE *tw_spool_begin(struct tw_spool *sp, size_t i);

/* tw_spool_end(sp, i): piece ${i} is what was written since tw_spool_begin().  0, or -1 on a write error. */
int tw_spool_end(struct tw_spool *sp, size_t i);

/*
 * tw_spool_copy(sp, i, out):
 * Write piece ${i} to ${out} (nothing for a piece never written).  0, or -1 when reading
 * the spool or writing ${out} failed.
 */
int tw_spool_copy(struct tw_spool *sp, size_t i, FILE *out);

/* tw_spool_in_memory(sp): whether the pieces wait in memory (no temporary file could be made). */
bool tw_spool_in_memory(const struct tw_spool *sp);

/* tw_spool_free(sp): free ${sp} and its file; NULL is fine. */
void tw_spool_free(struct tw_spool *sp);

#endif
