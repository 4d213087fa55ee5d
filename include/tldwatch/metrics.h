/*
 * metrics.h -- a watcher's view in the Prometheus text exposition format.
 *
 * Names start with tldwatch_, use base units (seconds, ratios 0..1) and
 * counters end in _total.  Label values (zone and server names, which may
 * come from DNS answers) are escaped as the format requires (escape.h).
 */
#ifndef TLDWATCH_METRICS_H
#define TLDWATCH_METRICS_H

#include <stdio.h>

#include "tldwatch/view.h"

/* tw_metrics_render(view, fp): write the exposition; 0, or -1 on a write error. */
int tw_metrics_render(const struct tw_view *view, FILE *fp);

/* tw_metrics_number(v, buf, len): ${v} in the format's C-locale syntax ("NaN", "+Inf"). */
char *tw_metrics_number(double v, char *buf, size_t len);

#endif
