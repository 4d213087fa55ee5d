/*
 * duration.c -- "500ms", "1.5s", "5m", "2h", "90d" or plain seconds, to
 * milliseconds, in exact integer arithmetic (no strtod: no locale, no
 * rounding drift), and back.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "tldwatch/duration.h"

#define HOUR_MS UINT64_C(3600000)

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Milliseconds per unit, or 0 for an unknown unit. */
static uint64_t
unit_ms(const char *unit)
{
	static const struct {
		const char *name;
		uint64_t ms;
	} units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "", 1000 }, { "m", 60000 }, { "h", HOUR_MS },
		{ "d", TW_DURATION_DAY_MS },
	};
	size_t i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(unit, units[i].name) == 0)
			return units[i].ms;
	return 0;
}

int
tw_duration_parse(const char *text, uint64_t *ms)
{
	const char *p, *frac = NULL, *frac_end = NULL, *q;
	uint64_t whole = 0, unit, twice, total;

	if (text == NULL || ms == NULL)
		return -1;
	p = text;
	if (!is_digit(*p))
		return -1;
	/* Past the limit the digits still count for the syntax, not the value. */
	for (; is_digit(*p); p++)
		if (whole <= TW_DURATION_MAX_MS)
			whole = whole * 10 + (uint64_t)(*p - '0');
	if (*p == '.') {
		frac = ++p;
		if (!is_digit(*p))
			return -1;
		while (is_digit(*p))
			p++;
		frac_end = p;
	}
	if ((unit = unit_ms(p)) == 0)
		return -1;
	if (whole > TW_DURATION_MAX_MS / unit)
		return -2;
	total = whole * unit;

	/*
	 * The fraction 0.d1..dk is worth 0.d1..dk * unit ms; round half up:
	 * floor(x + 1/2) = floor((floor(2x) + 1) / 2).  floor(2 * unit *
	 * 0.d1..dk) is the carry out of a long multiplication done from the
	 * last digit to the first; every step stays below 20 * unit.
	 */
	if (frac != NULL) {
		uint64_t carry = 0;

		twice = 2 * unit;
		for (q = frac_end; q > frac; q--)
			carry = ((uint64_t)(q[-1] - '0') * twice + carry) / 10;
		total += (carry + 1) / 2;
	}
	if (total > TW_DURATION_MAX_MS)
		return -2;
	*ms = total;
	return 0;
}

char *
tw_duration_format(uint64_t ms, char *buf, size_t len)
{
	if (buf == NULL || len == 0)
		return buf;
	if (ms == 0 || ms % 1000 != 0)
		snprintf(buf, len, "%llums", (unsigned long long)ms);
	else if (ms % TW_DURATION_DAY_MS == 0 && ms >= 2 * TW_DURATION_DAY_MS)
		snprintf(buf, len, "%llud", (unsigned long long)(ms / TW_DURATION_DAY_MS));
	else if (ms % HOUR_MS == 0)
		snprintf(buf, len, "%lluh", (unsigned long long)(ms / HOUR_MS));
	else
		snprintf(buf, len, "%llus", (unsigned long long)(ms / 1000));
	return buf;
}
