/*
 * escape.c -- the escapers of every output (see escape.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "tldwatch/escape.h"
#include "tldwatch/text.h"

#define REPLACEMENT "\xef\xbf\xbd"   /* U+FFFD */

static const char *
nz(const char *s)
{
	return s != NULL ? s : "";
}

static bool
unsafe_byte(unsigned char c)
{
	return c < 0x20 || c >= 0x7f;
}

static void
put_hex(FILE *fp, unsigned char c)
{
	fprintf(fp, "\\x%02x", c);
}

/*
 * Each escaper writes the longest run of bytes it leaves alone in one call,
 * then the one byte (or character) it changes: a 1,500-zone exposition is
 * 14 MB, and a call per byte was most of a scrape's cost.
 */

/* Bytes [p, q) as they are. */
static void
put_run(FILE *fp, const unsigned char *p, const unsigned char *q)
{
	if (q > p)
		fwrite(p, 1, (size_t)(q - p), fp);
}

void
tw_escape_term(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)nz(s), *q;

	for (;;) {
		for (q = p; *q != '\0' && !unsafe_byte(*q); q++)
			;
		put_run(fp, p, q);
		if (*q == '\0')
			return;
		put_hex(fp, *q);
		p = q + 1;
	}
}

void
tw_escape_nagios(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)nz(s), *q;

	for (;;) {
		for (q = p; *q != '\0' && !unsafe_byte(*q) && *q != '|'; q++)
			;
		put_run(fp, p, q);
		if (*q == '\0')
			return;
		if (*q == '|')
			fputc('/', fp);
		else
			put_hex(fp, *q);
		p = q + 1;
	}
}

void
tw_escape_nagios_label(FILE *fp, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)nz(s); *p != '\0'; p++) {
		if (unsafe_byte(*p))
			put_hex(fp, *p);
		else if (*p == '\'')
			fputs("''", fp);
		else if (*p == '=')
			fputc('_', fp);
		else
			fputc(*p == '|' ? '/' : *p, fp);
	}
}

/* Plain ASCII that HTML text and attribute values take as it is. */
static bool
html_plain(unsigned char c)
{
	return (c >= 0x20 && c < 0x7f && c != '&' && c != '<' && c != '>' && c != '"' &&
	    c != '\'') || c == '\t' || c == '\n';
}

void
tw_escape_html(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)nz(s), *q;
	size_t n;

	for (;;) {
		for (q = p; *q != '\0' && html_plain(*q); q++)
			;
		put_run(fp, p, q);
		p = q;
		switch (*p) {
		case '\0':
			return;
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&#39;", fp);
			break;
		default:
			/* One U+FFFD per invalid byte, or per whole control character (C1 too). */
			if ((n = tw_text_utf8_len(p)) == 0) {
				fputs(REPLACEMENT, fp);
				p++;
			} else if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] < 0xa0)) {
				fputs(REPLACEMENT, fp);
				p += n;
			} else {
				fwrite(p, 1, n, fp);
				p += n;
			}
			continue;
		}
		p++;
	}
}

/*
 * A control byte a label value must not carry raw (a scrape read on a terminal would run an
 * escape sequence): C0 but tab and newline (escaped as \n), and DEL.
 */
static bool
prom_control(unsigned char c)
{
	return (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f;
}

void
tw_escape_prom_label(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)nz(s), *q;
	size_t n;

	for (;;) {
		for (q = p; *q != '\0' && *q < 0x80 && *q != '\\' && *q != '"' && *q != '\n' &&
		    !prom_control(*q); q++)
			;
		put_run(fp, p, q);
		p = q;
		if (*p == '\0')
			return;
		if (prom_control(*p))
			fputs(REPLACEMENT, fp);
		else if (*p == '\\')
			fputs("\\\\", fp);
		else if (*p == '"')
			fputs("\\\"", fp);
		else if (*p == '\n')
			fputs("\\n", fp);
		else if ((n = tw_text_utf8_len(p)) == 0)
			fputs(REPLACEMENT, fp);
		else {
			fwrite(p, 1, n, fp);
			p += n;
			continue;
		}
		p++;
	}
}

void
tw_escape_csv(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)nz(s), *q;
	size_t n;

	fputc('"', fp);
	if (*p == '=' || *p == '+' || *p == '-' || *p == '@')
		fputc('\'', fp);
	for (;;) {
		for (q = p; *q >= 0x20 && *q < 0x7f && *q != '"'; q++)
			;
		put_run(fp, p, q);
		p = q;
		if (*p == '\0')
			break;
		if (*p == '"')
			fputs("\"\"", fp);
		else if (*p >= 0x80 && (n = tw_text_utf8_len(p)) > 0) {
			fwrite(p, 1, n, fp);
			p += n;
			continue;
		} else
			put_hex(fp, *p);
		p++;
	}
	fputc('"', fp);
}

char *
tw_escape_dup(tw_escape_fn *fn, const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		return NULL;
	fn(fp, s);
	if (fclose(fp) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

json_t *
tw_escape_json(const char *s)
{
	json_t *v;
	char *esc;

	if (s == NULL)
		return json_null();
	if ((v = json_string(s)) != NULL)
		return v;
	/* Not UTF-8 (or out of memory): the term form is ASCII, so it always fits. */
	if ((esc = tw_escape_dup(tw_escape_term, s)) == NULL)
		return NULL;
	v = json_string(esc);
	free(esc);
	return v;
}

const char *
tw_escape_message(char *buf, size_t len, const char *s, size_t n, size_t max, bool quote)
{
	size_t i, o = 0;

	if (len < 16)
		return "";
	if (quote)
		buf[o++] = '"';
	/* Room kept for the longest step (\xHH or "..."), the quote and the NUL. */
	for (i = 0; s != NULL && i < n && o + 9 < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i == max) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
		else if (c == '"' || c == '\\')
			o += (size_t)snprintf(buf + o, len - o, "\\%c", c);
		else
			buf[o++] = (char)c;
	}
	if (quote)
		buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}
