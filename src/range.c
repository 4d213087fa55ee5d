/*
 * range.c -- Nagios threshold ranges [@][start:][end], parsed like the
 * monitoring-plugins parse_range_string() but strictly: junk is an error.
 */
#include <ctype.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tldwatch/error.h"
#include "tldwatch/range.h"

/* Longest number we accept; a threshold never needs more. */
#define NUM_MAX 64

/*
 * Length of a decimal number [+-](D+[.D*]|.D+)[(e|E)[+-]D+] at ${s}, 0 if
 * there is none.  strtod alone would also take "inf", "nan", hex and
 * leading blanks, none of which belong in a threshold.
 */
static size_t
number_span(const char *s, size_t n)
{
	size_t i = 0, digits = 0, exp_start;

	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	while (i < n && isdigit((unsigned char)s[i])) {
		i++;
		digits++;
	}
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && isdigit((unsigned char)s[i])) {
			i++;
			digits++;
		}
	}
	if (digits == 0)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		exp_start = i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || !isdigit((unsigned char)s[i]))
			return exp_start;
		while (i < n && isdigit((unsigned char)s[i]))
			i++;
	}
	return i;
}

/*
 * Convert exactly ${n} bytes at ${s} to a finite double, in the C locale
 * whatever LC_NUMERIC says.  Returns 0 or -1.
 */
static int
parse_number(const char *s, size_t n, double *out)
{
	char buf[NUM_MAX + 8], *end;
	const char *point = localeconv()->decimal_point;
	size_t i, o = 0, plen = strlen(point);
	double v;

	if (n == 0 || n > NUM_MAX || number_span(s, n) != n)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] == '.' && plen > 0 && plen < 8 && strcmp(point, ".") != 0) {
			memcpy(buf + o, point, plen);
			o += plen;
		} else
			buf[o++] = s[i];
	}
	buf[o] = '\0';
	v = strtod(buf, &end);
	if (*end != '\0' || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

int
tw_range_parse(const char *text, struct tw_range *range, struct tw_error *err)
{
	struct tw_range r;
	const char *colon, *p;
	size_t len;

	memset(&r, 0, sizeof(r));
	if (text == NULL || *text == '\0') {
		tw_error_set(err, NULL, 0, 0, "empty range");
		return -1;
	}
	p = text;
	if (*p == '@') {
		r.inside = true;
		p++;
	}
	if (*p == '\0') {
		tw_error_set(err, NULL, 0, 0, "empty range after '@'");
		return -1;
	}
	colon = strchr(p, ':');
	if (colon != NULL) {
		len = (size_t)(colon - p);
		if (len == 1 && *p == '~')
			r.start_infinite = true;
		else if (len == 0)
			r.start = 0;        /* "start 0 may be omitted" */
		else if (parse_number(p, len, &r.start) == -1) {
			tw_error_set(err, NULL, 0, 0, "start is not a number");
			return -1;
		}
		p = colon + 1;
		if (*p == '\0')
			r.end_infinite = true;
		else if (parse_number(p, strlen(p), &r.end) == -1) {
			tw_error_set(err, NULL, 0, 0, "end is not a number");
			return -1;
		}
	} else if (parse_number(p, strlen(p), &r.end) == -1) {
		tw_error_set(err, NULL, 0, 0, "not a number or range ([@][start:][end])");
		return -1;
	}
	if (!r.start_infinite && !r.end_infinite && r.start > r.end) {
		tw_error_set(err, NULL, 0, 0, "start is greater than end");
		return -1;
	}
	r.set = true;
	*range = r;
	return 0;
}

bool
tw_range_alerts(const struct tw_range *range, double value)
{
	bool outside;

	if (range == NULL || !range->set)
		return false;
	outside = (!range->start_infinite && value < range->start) ||
	    (!range->end_infinite && value > range->end);
	return range->inside ? !outside : outside;
}

/* Replace the locale's decimal point, if it is not ".", by ".". */
static void
c_point(char *buf)
{
	const char *point = localeconv()->decimal_point;
	size_t plen = strlen(point);
	char *at;

	if (plen == 0 || strcmp(point, ".") == 0)
		return;
	at = strstr(buf, point);
	if (at == NULL)
		return;
	*at = '.';
	memmove(at + 1, at + plen, strlen(at + plen) + 1);
}

/*
 * The shortest fixed-point text that reads back as ${v}; %g-style with an
 * exponent only for values that would need more than 17 decimals.
 */
static void
format_number(double v, char *buf, size_t len)
{
	char tmp[NUM_MAX + 8];
	double back;
	int prec, n;

	if (v == 0) {
		snprintf(buf, len, "0");
		return;
	}
	if (fabs(v) < 1e17) {
		for (prec = 0; prec <= 17; prec++) {
			n = snprintf(tmp, sizeof(tmp), "%.*f", prec, v);
			if (n < 0 || (size_t)n >= sizeof(tmp))
				break;
			c_point(tmp);
			if (parse_number(tmp, strlen(tmp), &back) == 0 && back == v) {
				snprintf(buf, len, "%s", tmp);
				return;
			}
		}
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		c_point(tmp);
		if (parse_number(tmp, strlen(tmp), &back) == 0 && back == v)
			break;
	}
	snprintf(buf, len, "%s", tmp);
}

char *
tw_range_perf(const struct tw_range *range, char *buf, size_t len)
{
	if (buf == NULL || len == 0)
		return buf;
	buf[0] = '\0';
	/* Icinga keeps only plain numbers; "@..." and "a:b" have no such form. */
	if (range == NULL || !range->set || range->inside)
		return buf;
	if (!range->end_infinite && (range->start_infinite || range->start == 0))
		format_number(range->end, buf, len);          /* "N", "~:N" */
	else if (range->end_infinite && !range->start_infinite)
		format_number(range->start, buf, len);        /* "N:" */
	return buf;
}
