/*
 * clock.c -- the wall clock, the monotonic clock, and ISO 8601 times.
 */
#include <stdio.h>
#include <time.h>

#include "tldwatch/clock.h"

double
tw_clock_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

double
tw_clock_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char *
tw_clock_iso(double t, char *buf, size_t len)
{
	time_t secs = (time_t)t;
	struct tm tm;
	/* A hair over, so a time read back from its own text keeps its millisecond. */
	int ms = (int)((t - (double)secs) * 1000.0 + 1e-6);

	if (ms < 0)
		ms = 0;
	if (ms > 999)
		ms = 999;
	gmtime_r(&secs, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
	return buf;
}
