/*
 * duration.c -- "500ms", "1.5s", "1m" or plain seconds, to milliseconds,
 * in exact integer arithmetic (no strtod: no locale, no rounding drift).
 */
#include <string.h>

#include "tldwatch/duration.h"

#define DAY_MS UINT64_C(86400000)
#define FRAC_DIGITS 18		/* 10^18 still fits in uint64_t, times 6 too */

int
tw_duration_parse(const char *text, uint64_t *ms)
{
	uint64_t whole = 0, frac = 0, num, den, total;
	unsigned frac_n = 0, mult, exp10, i;
	const char *p;

	if (text == NULL || ms == NULL)
		return -1;
	p = text;
	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > DAY_MS)
			return -1;
	}
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		/* Digits past the 18th cannot change the rounded result. */
		for (; *p >= '0' && *p <= '9'; p++)
			if (frac_n < FRAC_DIGITS) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				frac_n++;
			}
	}
	/* unit = mult * 10^exp10 milliseconds */
	if (strcmp(p, "ms") == 0) {
		mult = 1;
		exp10 = 0;
	} else if (strcmp(p, "s") == 0 || *p == '\0') {
		mult = 1;
		exp10 = 3;
	} else if (strcmp(p, "m") == 0) {
		mult = 6;
		exp10 = 4;
	} else
		return -1;

	total = whole * mult;
	for (i = 0; i < exp10; i++)
		total *= 10;	/* whole <= DAY_MS, so at most 5.2e12: no overflow */

	/* Add frac / 10^frac_n units, rounded half up to whole ms. */
	num = frac * mult;
	if (frac_n <= exp10) {
		for (i = frac_n; i < exp10; i++)
			num *= 10;
		total += num;
	} else {
		for (den = 1, i = exp10; i < frac_n; i++)
			den *= 10;
		total += num / den + (num % den >= den - num % den ? 1 : 0);
	}
	if (total > DAY_MS)
		return -1;
	*ms = total;
	return 0;
}
