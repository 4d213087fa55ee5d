/*
 * statuspage.h -- one self-contained HTML page for people.
 *
 * Each zone's published verdict and diagnosis, a DNSMON-style heat map
 * (rows: servers and hosts; columns: rounds; colour: answered, lossy,
 * timeout, error) and the event timeline under it.  No external assets,
 * no scripts needed; everything from the view is HTML-escaped.
 */
#ifndef TLDWATCH_STATUSPAGE_H
#define TLDWATCH_STATUSPAGE_H

#include <stdio.h>

#include "tldwatch/view.h"

/* tw_statuspage_render(view, fp): write the page; 0, or -1 on a write error. */
int tw_statuspage_render(const struct tw_view *view, FILE *fp);

/* The heat map shows at most this many rounds (the newest), whatever the window. */
#define TW_STATUSPAGE_MAX_COLUMNS 240

/*
 * tw_statuspage_escape(s):
 * ${s} (NULL reads as "") as HTML text or attribute value: & < > " ' as
 * character references; bytes that are not UTF-8 and control characters
 * as U+FFFD, so the page stays valid UTF-8.  Malloc'd; NULL when out of
 * memory.
 */
char *tw_statuspage_escape(const char *s);

#endif
