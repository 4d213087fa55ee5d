/*
 * escape.h -- every way tldwatch shows a string it did not write itself.
 *
 * Names and diagnoses come from DNS answers, config files and state files:
 * any byte may be in them.  Each output has one writer here, and nowhere
 * else escapes by hand:
 *
 *   term         terminals and logs: control and non-ASCII bytes as \xHH
 *   nagios       a plugin line: as term, and '|' (which starts perfdata) as '/'
 *   nagios_label a quoted perfdata label: as nagios, ' as '', '=' as '_'
 *   html         HTML text and attribute values: & < > " ' as references,
 *                invalid UTF-8 and control characters as U+FFFD
 *   prom_label   a Prometheus label value: \ " and newline escaped, invalid
 *                UTF-8 as U+FFFD (one bad byte would lose the whole scrape),
 *                and control bytes but tab too (a scrape read on a terminal)
 *   json         a JSON string; text that is not UTF-8 becomes its term form
 *   message      a piece of user text quoted in an error message (a buffer,
 *                not a stream): control bytes as \xHH, " and \ escaped, cut
 *                with "..." after a given length, so a message is one line
 *   csv          an RFC 4180 field, always quoted ("" for a quote); control
 *                bytes and invalid UTF-8 as \xHH; a leading = + - @ gets a '
 *                so that a spreadsheet never runs it as a formula
 *
 * NULL reads as "" everywhere.
 */
#ifndef TLDWATCH_ESCAPE_H
#define TLDWATCH_ESCAPE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef void tw_escape_fn(FILE *fp, const char *s);

void tw_escape_term(FILE *fp, const char *s);
void tw_escape_nagios(FILE *fp, const char *s);
void tw_escape_nagios_label(FILE *fp, const char *s);
void tw_escape_html(FILE *fp, const char *s);
void tw_escape_prom_label(FILE *fp, const char *s);
void tw_escape_csv(FILE *fp, const char *s);

/*
 * tw_escape_message(buf, len, s, n, max, quote):
 * The message form of the ${n} bytes at ${s}, in ${buf} (returned), cut
 * after ${max} bytes of them, in double quotes when ${quote}.  A buffer of
 * TW_ESCAPE_MESSAGE_LEN(max) bytes holds any text; a smaller one cuts it
 * shorter (under 16 bytes: "").
 */
#define TW_ESCAPE_MESSAGE_LEN(max) ((max) * 4 + 16)
const char *tw_escape_message(char *buf, size_t len, const char *s, size_t n, size_t max,
    bool quote);

/* tw_escape_dup(fn, s): what ${fn} writes for ${s}, as a malloc'd string; NULL when out of memory. */
char *tw_escape_dup(tw_escape_fn *fn, const char *s);

/* tw_escape_json(s): a JSON string for ${s} (its term form when not UTF-8), JSON null for NULL. */
json_t *tw_escape_json(const char *s);

#endif
