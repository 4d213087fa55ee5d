/*
 * fuzz_range.c -- libFuzzer harness for Nagios threshold ranges: the input
 * is a range text.  A range that parses must alert exactly as its bounds
 * say, and its perfdata number must parse back to the same bound.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tldwatch/range.h"

#define MAX_TEXT	256	/* -w/-c values are short; the parser's limit is 64 digits */
#define PERF_LEN	96
#define INF	HUGE_VAL	/* a double (INFINITY is a float) */

/* The monitoring-plugins rule, written out: alert outside [start, end] or, with @, inside. */
static bool
oracle(const struct tw_range *r, double v)
{
	bool in = (r->start_infinite || v >= r->start) && (r->end_infinite || v <= r->end);

	return r->inside ? in : !in;
}

static void
check_alerts(const struct tw_range *r)
{
	double probes[16];
	size_t n = 0, i;

	probes[n++] = 0;
	probes[n++] = -1e308;
	probes[n++] = 1e308;
	probes[n++] = -INF;
	probes[n++] = INF;
	if (!r->start_infinite) {
		probes[n++] = r->start;
		probes[n++] = nextafter(r->start, -INF);
		probes[n++] = nextafter(r->start, INF);
	}
	if (!r->end_infinite) {
		probes[n++] = r->end;
		probes[n++] = nextafter(r->end, -INF);
		probes[n++] = nextafter(r->end, INF);
	}
	for (i = 0; i < n; i++)
		FUZZ_CHECK(tw_range_alerts(r, probes[i]) == oracle(r, probes[i]));
}

/* Two ranges that alert alike: same flags, same finite bounds. */
static void
same_range(const struct tw_range *a, const struct tw_range *b)
{
	FUZZ_CHECK(a->set == b->set && a->inside == b->inside);
	FUZZ_CHECK(a->start_infinite == b->start_infinite && a->end_infinite == b->end_infinite);
	if (!a->start_infinite)
		FUZZ_CHECK(a->start == b->start);
	if (!a->end_infinite)
		FUZZ_CHECK(a->end == b->end);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tw_range r, back;
	char text[MAX_TEXT + 1], perf[PERF_LEN], again[PERF_LEN + 8], *small;
	struct tw_error why;
	size_t n = size < MAX_TEXT ? size : MAX_TEXT, k;
	int rc;

	memcpy(text, data, n);
	text[n] = '\0';
	memset(&r, 0x5a, sizeof(r));
	memset(&why, 0, sizeof(why));
	rc = tw_range_parse(text, &r, &why);
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc == -1) {
		FUZZ_CHECK(why.msg[0] != '\0');
		/* No alert from a range that is not set. */
		memset(&r, 0, sizeof(r));
		FUZZ_CHECK(!tw_range_alerts(&r, 0) && tw_range_perf(&r, perf, sizeof(perf))[0] == '\0');
		return 0;
	}
	FUZZ_CHECK(r.set);
	FUZZ_CHECK(!(r.start_infinite && r.end_infinite) || strchr(text, '~') != NULL);
	if (!r.start_infinite)
		FUZZ_CHECK(isfinite(r.start));
	if (!r.end_infinite)
		FUZZ_CHECK(isfinite(r.end));
	if (!r.start_infinite && !r.end_infinite)
		FUZZ_CHECK(r.start <= r.end);
	check_alerts(&r);

	/* Perfdata: a plain number exactly where Icinga keeps one. */
	tw_range_perf(&r, perf, sizeof(perf));
	if (r.inside || (r.start_infinite && r.end_infinite) ||
	    (!r.start_infinite && !r.end_infinite && r.start != 0)) {
		FUZZ_CHECK(perf[0] == '\0');
		return 0;
	}
	FUZZ_CHECK(perf[0] != '\0' && strlen(perf) < sizeof(perf) - 1);
	/* Rebuild the range around that number: "N", "~:N" or "N:". */
	snprintf(again, sizeof(again), "%s%s%s", r.start_infinite ? "~:" : "", perf,
	    r.end_infinite ? ":" : "");
	memset(&back, 0, sizeof(back));
	if (tw_range_parse(again, &back, &why) != 0) {
		fprintf(stderr, "perf text %s of range \"%s\" does not parse: %s\n", again, text,
		    why.msg);
		abort();
	}
	same_range(&r, &back);

	/* Short buffers: cut, NUL-terminated, never overrun (exact heap size for ASan). */
	for (k = 1; k <= strlen(perf) + 1; k++) {
		FUZZ_CHECK((small = malloc(k)) != NULL);
		tw_range_perf(&r, small, k);
		FUZZ_CHECK(strlen(small) == k - 1 || strlen(small) == strlen(perf));
		FUZZ_CHECK(strncmp(small, perf, strlen(small)) == 0);
		free(small);
	}
	return 0;
}
