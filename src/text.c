/*
 * text.c -- UTF-8 validity and human durations, shared by the renderers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tldwatch/text.h"

size_t
tw_text_utf8_len(const unsigned char *p)
{
	unsigned char c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;

		return p[1] >= lo && p[1] <= hi && (p[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;

		return p[1] >= lo && p[1] <= hi && (p[2] & 0xc0) == 0x80 &&
		    (p[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

char *
tw_text_span(double s, char *buf, size_t len)
{
	long t;

	if (!(s >= 0))
		s = 0;
	t = (long)s;
	if (s < 60)
		snprintf(buf, len, "%.1fs", s);
	else if (t < 3600)
		snprintf(buf, len, "%ldm %lds", t / 60, t % 60);
	else if (t < 86400)
		snprintf(buf, len, "%ldh %ldm", t / 3600, (t % 3600) / 60);
	else
		snprintf(buf, len, "%ldd %ldh", t / 86400, (t % 86400) / 3600);
	return buf;
}

char *
tw_text_dup(const char *s, bool *failed)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*failed = true;
	return d;
}
