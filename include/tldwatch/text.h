/*
 * text.h -- small text facts the renderers share.
 *
 * Several outputs must stay valid UTF-8 whatever a server or a file sent
 * (Prometheus rejects a whole scrape over one bad byte; a page must not
 * break), and several show durations to people.
 */
#ifndef TLDWATCH_TEXT_H
#define TLDWATCH_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * tw_text_utf8_len(p):
 * Length of the valid UTF-8 sequence starting at ${p} (NUL-terminated),
 * or 0 when it is not one (overlongs, surrogates, beyond U+10FFFF, cut short).
 */
size_t tw_text_utf8_len(const unsigned char *p);

/*
 * tw_text_span(seconds, buf, len):
 * A duration for people: "12.5s", "6m 3s", "2h 14m", "3d 2h" (negative
 * and NaN as 0).  Returns ${buf}.
 */
char *tw_text_span(double seconds, char *buf, size_t len);

/*
 * tw_text_dup(s, failed):
 * A copy of ${s}, or NULL for NULL; when memory runs out, NULL and
 * *${failed} set (never cleared), so that a caller copying many strings
 * checks once at the end.
 */
char *tw_text_dup(const char *s, bool *failed);

#endif
