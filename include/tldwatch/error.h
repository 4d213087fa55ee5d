/*
 * error.h -- one error message with the place it was found.
 *
 * Modules that read user input (config files, command-line values) report
 * problems by filling a struct tw_error instead of printing: the caller
 * decides where the message goes.  tw_error_print() gives the
 * conventional "FILE:LINE:COL: message" form (or "FILE: message" when no
 * position is known), so an editor can jump to the spot.
 */
#ifndef TLDWATCH_ERROR_H
#define TLDWATCH_ERROR_H

#include <stdio.h>

#define TW_ERROR_MSG_MAX 512

struct tw_error {
	char file[256];      /* file name or other source ("<embedded>", "-w") */
	unsigned line;       /* 1-based; 0 = no position */
	unsigned col;        /* 1-based; 0 = no position */
	char msg[TW_ERROR_MSG_MAX];
};

/*
 * tw_error_set(err, file, line, col, fmt, ...):
 * Fill ${err} (if not NULL) with the formatted message and position.
 */
void tw_error_set(struct tw_error *err, const char *file, unsigned line,
    unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*
 * tw_error_print(err, fp):
 * Print ${err} as "FILE:LINE:COL: message\n" (or "FILE: message\n").
 */
void tw_error_print(const struct tw_error *err, FILE *fp);

#endif
