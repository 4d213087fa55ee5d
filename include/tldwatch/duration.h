/*
 * duration.h -- "500ms", "2s", "1m" and plain seconds.
 */
#ifndef TLDWATCH_DURATION_H
#define TLDWATCH_DURATION_H

#include <stdint.h>

/*
 * tw_duration_parse(text, ms):
 * Parse a duration: a non-negative decimal number (fractions allowed)
 * followed by "ms", "s" or "m"; a bare number means seconds.  Store
 * milliseconds (rounded to the nearest ms) in ${ms}.  Returns 0, or -1 for
 * junk, a missing number, a negative value or more than 24 hours.
 */
int tw_duration_parse(const char *text, uint64_t *ms);

#endif
