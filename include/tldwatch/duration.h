/*
 * duration.h -- "500ms", "1.5s", "5m", "2h", "90d" and plain seconds.
 */
#ifndef TLDWATCH_DURATION_H
#define TLDWATCH_DURATION_H

#include <stddef.h>
#include <stdint.h>

#define TW_DURATION_DAY_MS UINT64_C(86400000)
/* The parser's own limit: 3650 days.  Callers enforce their own ranges. */
#define TW_DURATION_MAX_MS (UINT64_C(3650) * TW_DURATION_DAY_MS)
/* Room for tw_duration_format: "315360000000ms" and a NUL. */
#define TW_DURATION_STRLEN 24

/*
 * tw_duration_parse(text, ms):
 * Parse a duration: a non-negative decimal number (digits, optionally a
 * point and more digits) followed by "ms", "s", "m", "h" or "d"; a bare
 * number means seconds.  No sign, no blanks, lower-case units only.  The
 * value is computed exactly in integers (no floating point): "0.1s" is
 * 100 ms, "1.5h" 5,400,000 ms.  A fraction finer than a millisecond is
 * rounded half up ("0.0005s" is 1 ms, "0.0004999s" is 0 ms), however
 * many digits it has.  Stores milliseconds in ${ms} and returns 0;
 * returns -1 for junk (and leaves ${ms} alone), -2 for a well-formed
 * duration above TW_DURATION_MAX_MS.
 */
int tw_duration_parse(const char *text, uint64_t *ms);

/*
 * tw_duration_format(ms, buf, len):
 * Write ${ms} in a form tw_duration_parse reads back exactly: "Nd" for a
 * whole number of days from two days up, "Nh" for whole hours from one
 * hour up, "Ns" for whole seconds, else "Nms" ("60s", "24h", "90d",
 * "1500ms", "0ms").  Returns ${buf}.
 */
char *tw_duration_format(uint64_t ms, char *buf, size_t len);

#endif
