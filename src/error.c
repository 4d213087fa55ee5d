/*
 * error.c -- struct tw_error: a message with the file, line and column
 * where it was found, printed as "FILE:LINE:COL: message".
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tldwatch/error.h"

void
tw_error_set(struct tw_error *err, const char *file, unsigned line,
    unsigned col, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	/* snprintf truncates long names safely; "%s" keeps '%' in names literal. */
	snprintf(err->file, sizeof(err->file), "%s", file != NULL ? file : "");
	err->line = line;
	err->col = col;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

void
tw_error_print(const struct tw_error *err, FILE *fp)
{
	if (err == NULL || fp == NULL)
		return;
	if (err->file[0] == '\0')
		fprintf(fp, "%s\n", err->msg);
	else if (err->line == 0)
		fprintf(fp, "%s: %s\n", err->file, err->msg);
	else if (err->col == 0)
		fprintf(fp, "%s:%u: %s\n", err->file, err->line, err->msg);
	else
		fprintf(fp, "%s:%u:%u: %s\n", err->file, err->line, err->col, err->msg);
}
