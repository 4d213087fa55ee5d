/*
 * clock.c -- the wall clock, the monotonic clock, and ISO 8601 times.
 */
#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	/* A microsecond over: a time read back from its own text keeps its millisecond. */
	int ms = (int)((t - (double)secs) * 1000.0 + 1e-3);

	if (ms < 0)
		ms = 0;
	if (ms > 999)
		ms = 999;
	gmtime_r(&secs, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
	return buf;
}

/* ${n} digits at ${p} as a number; -1 when they are not all digits. */
static int
digits(const char *p, int n)
{
	int v = 0;

	while (n-- > 0) {
		if (!isdigit((unsigned char)*p))
			return -1;
		v = v * 10 + (*p++ - '0');
	}
	return v;
}

static bool
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* "YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|+00:00]" */
static int
parse_iso(const char *s, double *out)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, sec = 0;
	double frac = 0, scale = 0.1;
	time_t t;

	if ((y = digits(s, 4)) < 1970 || s[4] != '-' || (mo = digits(s + 5, 2)) < 1 || mo > 12 ||
	    s[7] != '-' || (d = digits(s + 8, 2)) < 1 ||
	    d > mdays[mo - 1] + (mo == 2 && leap(y) ? 1 : 0))
		return -1;
	s += 10;
	if (*s == 'T' || *s == 't' || *s == ' ') {
		if ((h = digits(s + 1, 2)) < 0 || h > 23 || s[3] != ':' ||
		    (mi = digits(s + 4, 2)) < 0 || mi > 59)
			return -1;
		s += 6;
		if (*s == ':') {
			if ((sec = digits(s + 1, 2)) < 0 || sec > 59)
				return -1;
			s += 3;
			if (*s == '.') {
				if (!isdigit((unsigned char)s[1]))
					return -1;
				for (s++; isdigit((unsigned char)*s); s++, scale /= 10)
					frac += (*s - '0') * scale;
			}
		}
	}
	if (*s == 'Z' || *s == 'z')
		s++;
	else if (strcmp(s, "+00:00") == 0)
		s += 6;
	if (*s != '\0')
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	*out = (double)t + frac;
	return 0;
}

/* "[+-]N[.N](ms|s|m|h|d|w)": a bare or minus amount is in the past. */
static int
parse_relative(const char *s, double now, double *out)
{
	static const struct {
		const char *unit;
		double seconds;
	} units[] = {
		{ "ms", 0.001 }, { "s", 1 }, { "m", 60 }, { "h", 3600 }, { "d", 86400 },
		{ "w", 604800 },
	};
	double sign = -1, v;
	char *end;
	size_t i;

	if (*s == '+' || *s == '-') {
		sign = *s == '+' ? 1 : -1;
		s++;
	}
	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtod(s, &end);
	if (end == s || !isfinite(v))
		return -1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit) == 0) {
			v *= units[i].seconds;
			/* More than a hundred years either way is not a time anyone means. */
			if (v > 100.0 * 366 * 86400)
				return -1;
			*out = now + sign * v;
			return *out >= 0 ? 0 : -1;
		}
	}
	return -1;
}

int
tw_clock_parse(const char *text, double now, double *out)
{
	if (text == NULL || *text == '\0')
		return -1;
	if (strcmp(text, "now") == 0) {
		*out = now;
		return 0;
	}
	if (strlen(text) >= 10 && text[4] == '-')
		return parse_iso(text, out);
	return parse_relative(text, now, out);
}
