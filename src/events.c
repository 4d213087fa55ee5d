/*
 * events.c -- a watcher's events as JSON lines (file, pipe) or text (terminal).
 *
 * Every line is flushed and fsync'ed as it is written: an event that was
 * reported is on disk, whatever happens to the watcher next.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tldwatch/clock.h"
#include "tldwatch/events.h"
#include "tldwatch/report.h"

struct tw_event_log {
	FILE *fp;
	bool own;          /* opened by us (a file), not stdout */
	bool text;         /* readable lines for a terminal */
	char *recent[TW_EVENTS_KEPT];  /* JSON lines, a ring */
	size_t head, len;
};

struct tw_event_log *
tw_event_log_open(const char *path, char *err, size_t errlen)
{
	struct tw_event_log *log;
	int fd;

	if ((log = calloc(1, sizeof(*log))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (path == NULL) {
		log->fp = stdout;
		log->text = isatty(STDOUT_FILENO) != 0;
		return log;
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0 || (log->fp = fdopen(fd, "a")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(log);
		return NULL;
	}
	log->own = true;
	return log;
}

static json_t *
event_object(const struct tw_event *ev)
{
	char iso[40];
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "time", json_string(tw_clock_iso(ev->time, iso, sizeof(iso))));
	json_object_set_new(o, "unix", json_real(ev->time));
	json_object_set_new(o, "zone", json_string(ev->zone != NULL ? ev->zone : ""));
	json_object_set_new(o, "event", json_string(ev->event));
	json_object_set_new(o, "from", json_string(tw_state_str(ev->from)));
	json_object_set_new(o, "to", json_string(tw_state_str(ev->to)));
	if (ev->diagnosis != NULL) {
		json_t *d = json_string(ev->diagnosis);

		if (d == NULL) {       /* not UTF-8: never drop the event for it */
			char *esc = tw_report_escape(ev->diagnosis);

			d = json_string(esc != NULL ? esc : "");
			free(esc);
		}
		json_object_set_new(o, "diagnosis", d);
	} else {
		json_object_set_new(o, "diagnosis", json_null());
	}
	if (ev->has_outage_seconds)
		json_object_set_new(o, "outage_seconds",
		    json_real((double)(long long)(ev->outage_seconds * 1000.0 + 0.5) / 1000.0));
	if (ev->outage_start > 0)
		json_object_set_new(o, "outage_start",
		    json_string(tw_clock_iso(ev->outage_start, iso, sizeof(iso))));
	return o;
}

char *
tw_event_json_line(const struct tw_event *ev)
{
	json_t *o = event_object(ev);
	char *s;

	if (o == NULL)
		return NULL;
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	json_decref(o);
	return s;
}

static void
keep(struct tw_event_log *log, char *line)
{
	size_t slot;

	if (log->len == TW_EVENTS_KEPT) {
		free(log->recent[log->head]);
		log->recent[log->head] = line;
		log->head = (log->head + 1) % TW_EVENTS_KEPT;
		return;
	}
	slot = (log->head + log->len) % TW_EVENTS_KEPT;
	log->recent[slot] = line;
	log->len++;
}

/* "08:15:02Z  kp  outage  unstable -> down  ..." for a person at a terminal. */
static void
write_text(FILE *fp, const struct tw_event *ev)
{
	char iso[40], since[40];
	char *diag = ev->diagnosis != NULL ? tw_report_escape(ev->diagnosis) : NULL;
	char *zone = tw_report_escape(ev->zone != NULL ? ev->zone : "");

	fprintf(fp, "%s  %s  %-19s %s -> %s", tw_clock_iso(ev->time, iso, sizeof(iso)),
	    zone != NULL ? zone : "?", ev->event, tw_state_str(ev->from), tw_state_str(ev->to));
	if (ev->has_outage_seconds)
		fprintf(fp, "  after %.1f s of outage", ev->outage_seconds);
	else if (ev->outage_start > 0)
		fprintf(fp, "  (outage since %s)", tw_clock_iso(ev->outage_start, since, sizeof(since)));
	if (diag != NULL)
		fprintf(fp, "  %s", diag);
	fputc('\n', fp);
	free(diag);
	free(zone);
}

int
tw_event_log_write(struct tw_event_log *log, const struct tw_event *ev, size_t n)
{
	int rc = 0;
	char *line;
	size_t i;

	for (i = 0; i < n; i++) {
		line = tw_event_json_line(&ev[i]);
		if (log->text)
			write_text(log->fp, &ev[i]);
		else if (line != NULL)
			fprintf(log->fp, "%s\n", line);
		else
			rc = -1;
		if (line != NULL)
			keep(log, line);
	}
	if (n > 0) {
		if (fflush(log->fp) != 0)
			rc = -1;
		if (log->own && fsync(fileno(log->fp)) != 0)
			rc = -1;
	}
	return rc;
}

char *
tw_event_log_recent_json(const struct tw_event_log *log)
{
	size_t i, total = 3;
	char *s, *p;

	for (i = 0; i < log->len; i++)
		total += strlen(log->recent[(log->head + i) % TW_EVENTS_KEPT]) + 1;
	if ((s = malloc(total)) == NULL)
		return NULL;
	p = s;
	*p++ = '[';
	for (i = 0; i < log->len; i++) {
		const char *line = log->recent[(log->head + i) % TW_EVENTS_KEPT];
		size_t k = strlen(line);

		if (i > 0)
			*p++ = ',';
		memcpy(p, line, k);
		p += k;
	}
	*p++ = ']';
	*p = '\0';
	return s;
}

void
tw_event_log_restore(struct tw_event_log *log, const char *json)
{
	json_error_t jerr;
	json_t *a, *v;
	size_t i;
	char *line;

	if (json == NULL || (a = json_loads(json, 0, &jerr)) == NULL)
		return;
	if (json_is_array(a)) {
		json_array_foreach(a, i, v) {
			if (!json_is_object(v))
				continue;
			if ((line = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER |
			    JSON_REAL_PRECISION(15))) != NULL)
				keep(log, line);
		}
	}
	json_decref(a);
}

void
tw_event_log_close(struct tw_event_log *log)
{
	size_t i;

	if (log == NULL)
		return;
	for (i = 0; i < log->len; i++)
		free(log->recent[(log->head + i) % TW_EVENTS_KEPT]);
	if (log->own)
		fclose(log->fp);
	else
		fflush(log->fp);
	free(log);
}
