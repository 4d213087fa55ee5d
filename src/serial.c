/*
 * serial.c -- RFC 1982 serial order and the rows behind their zone's newest
 * serial (see serial.h).
 */
#include <string.h>

#include "tldwatch/serial.h"

bool
tw_serial_newer(uint32_t a, uint32_t b)
{
	uint32_t d = a - b;            /* mod 2^32 */

	return d != 0 && d < UINT32_C(0x80000000);
}

void
tw_serial_mark(struct tw_zone_result *z)
{
	size_t i, j;

	for (i = 0; i < z->n_servers; i++) {
		struct tw_server_result *a = &z->servers[i];
		uint32_t newest;

		a->serial_behind = false;
		if (!a->has_serial)
			continue;
		/* the newest serial among the rows serving a's zone */
		newest = a->serial;
		for (j = 0; j < z->n_servers; j++) {
			const struct tw_server_result *b = &z->servers[j];

			if (b->has_serial && strcmp(a->zone, b->zone) == 0 &&
			    tw_serial_newer(b->serial, newest))
				newest = b->serial;
		}
		if (newest != a->serial) {
			a->serial_behind = true;
			a->serial_newest = newest;
		}
	}
}
