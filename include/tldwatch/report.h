/*
 * report.h -- renderers of one check result.
 *
 * Each renderer only reads a tw_check_result after verdict.c has filled
 * in the states; none recomputes anything except the Nagios threshold
 * test, which is part of that format.  Everything a server sent us
 * (names, and strings in general) is escaped for the format (escape.h):
 * control characters never reach a terminal, '|' never reaches a Nagios line.
 */
#ifndef TLDWATCH_REPORT_H
#define TLDWATCH_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "tldwatch/range.h"
#include "tldwatch/result.h"
#include "tldwatch/vec.h"

enum tw_format {
	TW_FORMAT_TEXT = 0,
	TW_FORMAT_JSON,
	TW_FORMAT_NAGIOS,
};
const char *tw_report_format_str(enum tw_format f);

struct tw_report_opts {
	int verbosity;          /* -v count */
	bool color;             /* text only: ANSI colours (the CLI sets it on a TTY) */
	struct tw_range warn;   /* nagios: on the number of answering authoritative servers */
	struct tw_range crit;
	bool timeout_code_set;  /* nagios: --timeout-result given */
	int timeout_code;       /* nagios: the exit code (0..3) when the -t deadline expired */
};

/*
 * tw_report_text(r, opts, fp):
 * For people: the overall state, then per zone a state line with the
 * diagnosis, one aligned line per server and per host.
 */
void tw_report_text(const struct tw_check_result *r,
    const struct tw_report_opts *opts, FILE *fp);

/*
 * A zone's part of a report, written by the caller (one that wrote each zone out as it
 * ended, e.g. to a spool: spool.h): the *_doc() renderers call it for zone ${i} of the
 * result, in order, where they would render r->zones[i].  0, or -1 on failure.
 */
typedef int tw_report_zone_fn(void *cookie, size_t i, FILE *fp);

/*
 * tw_report_text_zone(z, opts, fp):
 * ${z}'s part of the text report (a state line, its servers and hosts).
 */
void tw_report_text_zone(const struct tw_zone_result *z, const struct tw_report_opts *opts,
    FILE *fp);

/*
 * tw_report_text_doc(r, opts, zone, cookie, fp):
 * tw_report_text() with each zone's part written by ${zone} (NULL: rendered from
 * r->zones); the summary line reads only the zones' names, states and counts.  0, or -1
 * when ${zone} failed.
 */
int tw_report_text_doc(const struct tw_check_result *r, const struct tw_report_opts *opts,
    tw_report_zone_fn *zone, void *cookie, FILE *fp);

/*
 * tw_report_json_zone(z, text):
 * Append ${z}'s object, as the document has it in its zones array (indented to that
 * depth), to ${text} (a byte vector).  0, or -1 when memory ran out.
 */
int tw_report_json_zone(const struct tw_zone_result *z, struct tw_vec *text);

/*
 * tw_report_json_doc(r, zone, cookie, fp):
 * The document of tw_report_json(), each zone's object written by ${zone}; the head reads
 * none of the zones.  0, or -1 on failure.
 */
int tw_report_json_doc(const struct tw_check_result *r, tw_report_zone_fn *zone, void *cookie,
    FILE *fp);

/*
 * tw_report_json(r, opts, fp):
 * One JSON document (see README, "JSON output").  Returns 0, -1 on an
 * allocation failure.
 */
int tw_report_json(const struct tw_check_result *r,
    const struct tw_report_opts *opts, FILE *fp);

/*
 * tw_report_json_value(r):
 * The same document as a JSON value (for the state file); NULL when memory
 * ran out.
 */
json_t *tw_report_json_value(const struct tw_check_result *r);

/*
 * tw_report_nagios(r, opts, fp):
 * Monitoring-plugins output: "TLDWATCH <STATE> - <summary> | <perfdata>"
 * then one line per server and host without '|'.  Returns the exit code
 * (0..3): the zone state's code, raised by -w/-c on the answering count.
 */
int tw_report_nagios(const struct tw_check_result *r,
    const struct tw_report_opts *opts, FILE *fp);

#endif
