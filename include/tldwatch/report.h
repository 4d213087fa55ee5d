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
