/*
 * statuspage.h -- one self-contained HTML page for people.
 *
 * Each zone's published verdict and diagnosis, a DNSMON-style heat map
 * (rows: servers and hosts; columns: rounds; colour: answered, lossy,
 * timeout, error) and the event timeline under it.  No external assets,
 * no scripts needed; everything from the view is HTML-escaped (escape.h).
 */
#ifndef TLDWATCH_STATUSPAGE_H
#define TLDWATCH_STATUSPAGE_H

#include <stdio.h>

#include "tldwatch/view.h"

/* tw_statuspage_render(view, fp): write the page; 0, or -1 on a write error. */
int tw_statuspage_render(const struct tw_view *view, FILE *fp);

/* The heat map shows at most this many rounds (the newest), whatever the window. */
#define TW_STATUSPAGE_MAX_COLUMNS 240

#endif
