/*
 * spool.c -- pieces of output written in any order, read back in index order (spool.h).
 *
 * One stdio stream holds every piece, one after another as they come; a piece is its
 * (offset, length) in it.  The stream is an unlinked temporary file (O_TMPFILE, else
 * mkstemp() and unlink()), or, when neither can be made, open_memstream().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tldwatch/spool.h"

#define COPY_CHUNK 65536

struct piece {
	off_t off;
	size_t len;
	bool written;
};

struct tw_spool {
	FILE *fp;
	int fd;                     /* the temporary file's; -1 in memory */
	char *mem;                  /* open_memstream()'s buffer */
	size_t mem_size;
	struct piece *pieces;
	size_t n;
	size_t open;                /* the piece being written; n: none */
	off_t end;                  /* where the next piece starts */
};

/* An unlinked temporary file in $TMPDIR (else /tmp), read-write; -1 when none can be made. */
static int
temp_fd(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	if (dir == NULL || dir[0] == '\0')
		dir = "/tmp";
	if ((fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) >= 0)
		return fd;
	if ((size_t)snprintf(path, sizeof(path), "%s/tldwatch-spool.XXXXXX", dir) >= sizeof(path))
		return -1;
	if ((fd = mkostemp(path, O_CLOEXEC)) < 0)
		return -1;
	(void)unlink(path);
	return fd;
}

struct tw_spool *
tw_spool_new(size_t n)
{
	struct tw_spool *sp;

	if ((sp = calloc(1, sizeof(*sp))) == NULL)
		return NULL;
	sp->n = n;
	sp->open = n;
	if (n > 0 && (sp->pieces = calloc(n, sizeof(*sp->pieces))) == NULL)
		goto fail;
	if ((sp->fd = temp_fd()) >= 0 && (sp->fp = fdopen(sp->fd, "w+")) == NULL) {
		close(sp->fd);
		sp->fd = -1;
	}
	if (sp->fp == NULL && (sp->fp = open_memstream(&sp->mem, &sp->mem_size)) == NULL)
		goto fail;
	return sp;
fail:
	free(sp->pieces);
	free(sp);
	return NULL;
}

bool
tw_spool_in_memory(const struct tw_spool *sp)
{
	return sp->fd < 0;
}

FILE *
tw_spool_begin(struct tw_spool *sp, size_t i)
{
	if (i >= sp->n || sp->pieces[i].written || sp->open != sp->n)
		return NULL;
	sp->open = i;
	sp->pieces[i].off = sp->end;
	return sp->fp;
}

int
tw_spool_end(struct tw_spool *sp, size_t i)
{
	long pos;

	if (i >= sp->n || sp->open != i)
		return -1;
	sp->open = sp->n;
	/* flushed piece by piece: a full disk is known while the zone is at hand */
	if (fflush(sp->fp) != 0 || ferror(sp->fp) || (pos = ftell(sp->fp)) < 0 ||
	    (off_t)pos < sp->end)
		return -1;
	sp->pieces[i].len = (size_t)((off_t)pos - sp->end);
	sp->pieces[i].written = true;
	sp->end = (off_t)pos;
	return 0;
}

int
tw_spool_copy(struct tw_spool *sp, size_t i, FILE *out)
{
	const struct piece *p;
	char buf[COPY_CHUNK];
	size_t left, want;
	off_t at;
	ssize_t got;

	if (i >= sp->n || sp->open != sp->n)
		return -1;
	p = &sp->pieces[i];
	if (!p->written || p->len == 0)
		return 0;
	if (sp->fd < 0)   /* in memory: tw_spool_end()'s fflush() brought the buffer up to date */
		return fwrite(sp->mem + p->off, 1, p->len, out) == p->len ? 0 : -1;
	for (at = p->off, left = p->len; left > 0; at += got, left -= (size_t)got) {
		want = left < sizeof(buf) ? left : sizeof(buf);
		if ((got = pread(sp->fd, buf, want, at)) < 0 && errno == EINTR) {
			got = 0;
			continue;
		}
		if (got <= 0 || fwrite(buf, 1, (size_t)got, out) != (size_t)got)
			return -1;
	}
	return 0;
}

void
tw_spool_free(struct tw_spool *sp)
{
	if (sp == NULL)
		return;
	if (sp->fp != NULL)
		fclose(sp->fp);    /* closes the temporary file's fd too */
	free(sp->mem);
	free(sp->pieces);
	free(sp);
}
