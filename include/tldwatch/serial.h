/*
 * serial.h -- SOA serials compared as RFC 1982 says, and the rows that
 * serve an older copy of their zone than another row does.
 */
#ifndef TLDWATCH_SERIAL_H
#define TLDWATCH_SERIAL_H

#include <stdbool.h>
#include <stdint.h>

#include "tldwatch/result.h"

/*
 * tw_serial_newer(a, b): serial ${a} is newer than ${b} in sequence space
 * arithmetic (RFC 1982 section 3.2): 0 < (a - b) mod 2^32 < 2^31.  Two
 * serials exactly 2^31 apart are not ordered: neither is newer.
 */
bool tw_serial_newer(uint32_t a, uint32_t b);

/*
 * tw_serial_mark(z):
 * For every zone that ${z}'s rows serve (the monitored zone, and each zone
 * met on the way to a host), the newest serial any row gave; each row with
 * an older one gets serial_behind (and serial_newest, what it lags).  Rows
 * without a serial are never behind.  The rest of the row is left alone.
 */
void tw_serial_mark(struct tw_zone_result *z);

#endif
