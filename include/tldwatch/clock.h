/*
 * clock.h -- the two clocks and how times are written.
 *
 * The wall clock dates what happened (events, outages, the state); the
 * monotonic clock measures how long things take and schedules rounds, so a
 * step of the wall clock can neither stretch nor shorten a duration.
 */
#ifndef TLDWATCH_CLOCK_H
#define TLDWATCH_CLOCK_H

#include <stddef.h>

/* tw_clock_wall(): the wall clock, Unix seconds with sub-second precision. */
double tw_clock_wall(void);

/* tw_clock_mono_ms(): the monotonic clock in milliseconds. */
double tw_clock_mono_ms(void);

/* tw_clock_iso(t, buf, len): Unix time ${t} as "2026-11-27T08:15:02.250Z" (UTC, ms). */
char *tw_clock_iso(double t, char *buf, size_t len);

/*
 * tw_clock_parse(text, now, out):
 * A time as people write it on a command line or in a URL: ISO 8601 in UTC
 * ("2014-12-22", "2014-12-22T16:15Z", "2014-12-22T16:15:30.250Z"; a trailing
 * Z or +00:00 may be left out: times are UTC), "now", or relative to ${now}:
 * "-7d", "36h" (both mean that long ago), "-90m", "+1h" (ahead).  Units: ms,
 * s, m, h, d, w.  Stores Unix seconds in ${out}; 0, or -1 for anything else.
 */
int tw_clock_parse(const char *text, double now, double *out);

#endif
