/*
 * eventlog.c -- a watcher's events as JSON lines (file, pipe) or text (terminal).
 *
 * Every line is flushed and fsync'ed as it is written: an event that was
 * reported is on disk, whatever happens to the watcher next.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tldwatch/clock.h"
#include "tldwatch/escape.h"
#include "tldwatch/eventlog.h"

struct tw_eventlog {
	FILE *fp;
	char *path;        /* the file, or NULL for stdout */
	bool text;         /* readable lines for a terminal */
};

static FILE *
open_append(const char *path, struct tw_error *err)
{
	FILE *fp;
	int fd;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0 || (fp = fdopen(fd, "a")) == NULL) {
		tw_error_set(err, path, 0, 0, "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	return fp;
}

struct tw_eventlog *
tw_eventlog_open(const char *path, struct tw_error *err)
{
	struct tw_eventlog *log;

	if ((log = calloc(1, sizeof(*log))) == NULL) {
		tw_error_set(err, path != NULL ? path : "", 0, 0, "out of memory");
		return NULL;
	}
	if (path == NULL) {
		log->fp = stdout;
		log->text = isatty(STDOUT_FILENO) != 0;
		return log;
	}
	if ((log->path = strdup(path)) == NULL) {
		tw_error_set(err, path, 0, 0, "out of memory");
		free(log);
		return NULL;
	}
	if ((log->fp = open_append(path, err)) == NULL) {
		free(log->path);
		free(log);
		return NULL;
	}
	return log;
}

int
tw_eventlog_reopen(struct tw_eventlog *log, struct tw_error *err)
{
	FILE *fp;

	if (log->path == NULL)
		return 0;
	if ((fp = open_append(log->path, err)) == NULL)
		return -1;
	fclose(log->fp);
	log->fp = fp;
	return 0;
}

/* "08:15:02Z  kp  outage  unstable -> down  ..." for a person at a terminal. */
static void
write_text(FILE *fp, const struct tw_event *ev)
{
	char iso[40], since[40];

	fprintf(fp, "%s  ", tw_clock_iso(ev->time, iso, sizeof(iso)));
	tw_escape_term(fp, ev->zone);
	fprintf(fp, "  %-19s %s -> %s", tw_event_kind_str(ev->kind), tw_state_str(ev->from),
	    tw_state_str(ev->to));
	if (ev->has_outage_seconds)
		fprintf(fp, "  after %.1f s of outage", ev->outage_seconds);
	else if (ev->outage_start > 0)
		fprintf(fp, "  (outage since %s)",
		    tw_clock_iso(ev->outage_start, since, sizeof(since)));
	if (ev->diagnosis != NULL) {
		fputs("  ", fp);
		tw_escape_term(fp, ev->diagnosis);
	}
	fputc('\n', fp);
}

int
tw_eventlog_write(struct tw_eventlog *log, const struct tw_event *ev, size_t n)
{
	int rc = 0;
	char *line;
	size_t i;

	for (i = 0; i < n; i++) {
		if (log->text) {
			write_text(log->fp, &ev[i]);
			continue;
		}
		if ((line = tw_event_json_line(&ev[i])) == NULL) {
			errno = ENOMEM;
			rc = -1;
			continue;
		}
		fprintf(log->fp, "%s\n", line);
		free(line);
	}
	if (n > 0) {
		if (fflush(log->fp) != 0)
			rc = -1;
		/* /dev/null, a pipe or a FIFO cannot be synced: nothing to keep there */
		if (log->path != NULL && fsync(fileno(log->fp)) != 0 && errno != EINVAL &&
		    errno != ENOTSUP)
			rc = -1;
	}
	return rc;
}

void
tw_eventlog_close(struct tw_eventlog *log)
{
	if (log == NULL)
		return;
	if (log->path != NULL)
		fclose(log->fp);
	else
		fflush(log->fp);
	free(log->path);
	free(log);
}
