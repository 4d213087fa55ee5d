/*
 * report.c -- what the three renderers share: the format names and the
 * escaping of bytes that came from the network.
 */
#include <stdlib.h>
#include <string.h>

#include "tldwatch/report.h"

const char *
tw_report_format_str(enum tw_format f)
{
	switch (f) {
	case TW_FORMAT_TEXT:
		return "text";
	case TW_FORMAT_JSON:
		return "json";
	case TW_FORMAT_NAGIOS:
		return "nagios";
	}
	return "invalid";
}

static bool
needs_escape(unsigned char c)
{
	return c < 0x20 || c >= 0x7f;
}

char *
tw_report_escape(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p;
	size_t n = 0;
	char *out, *o;

	if (s == NULL)
		s = "";
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		n += needs_escape(*p) ? 4 : 1;
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	o = out;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (needs_escape(*p)) {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 0xf];
		} else
			*o++ = (char)*p;
	}
	*o = '\0';
	return out;
}
