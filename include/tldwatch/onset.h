/*
 * onset.h -- how a zone went dark: the shape of the rounds before an outage.
 *
 * When an outage begins, the rounds just before it say something about its
 * cause, never who caused it:
 *
 *   cliff           every server answered in one of the 2 rounds before the
 *                   first bad one: consistent with a route withdrawal, an
 *                   upstream cut, or a power or router failure;
 *   ramp            in at least watch.onset_rounds of the rounds before it
 *                   the zone's servers lost queries or answered well above
 *                   their own RTT, or the zone was unstable: consistent with
 *                   overload or an attack, or failing equipment;
 *   administrative  the servers answer but refuse the zone (REFUSED,
 *                   SERVFAIL, lame, NXDOMAIN): consistent with the operator
 *                   withdrawing the zone;
 *   filtering       UDP is dark while the TCP second opinion answers:
 *                   consistent with a filter on the path;
 *   unclear         none of these: too little history, or a decline too
 *                   short to be a ramp and too slow to be a cliff.
 *
 * Pure: reads the history rings and the round, writes a tw_onset.
 */
#ifndef TLDWATCH_ONSET_H
#define TLDWATCH_ONSET_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "tldwatch/history.h"
#include "tldwatch/result.h"
#include "tldwatch/state.h"

enum tw_onset_shape {
	TW_ONSET_NONE = 0,            /* not an outage's start */
	TW_ONSET_CLIFF,
	TW_ONSET_RAMP,
	TW_ONSET_ADMINISTRATIVE,
	TW_ONSET_FILTERING,
	TW_ONSET_UNCLEAR,
};
#define TW_ONSET_SHAPE_COUNT (TW_ONSET_UNCLEAR + 1)

/* The default of watch.onset_rounds. */
#define TW_ONSET_ROUNDS_DEFAULT 3

#define TW_ONSET_EVIDENCE_LEN 256

struct tw_onset {
	enum tw_onset_shape shape;
	unsigned rounds_before;       /* rounds before the first bad one that were looked at */
	char evidence[TW_ONSET_EVIDENCE_LEN]; /* one sentence with the numbers; counts, no names */
};

/* tw_onset_shape_str(s): "cliff", ... ("none" for TW_ONSET_NONE, "invalid" beyond). */
const char *tw_onset_shape_str(enum tw_onset_shape s);

/* tw_onset_shape_from_str(s, out): the shape named ${s}; 0, or -1 when none is. */
int tw_onset_shape_from_str(const char *s, enum tw_onset_shape *out);

/*
 * tw_onset_consistent_with(s): the scenarios the shape fits, in words, as a
 * NULL-terminated list ("a route withdrawal", ...); an empty list for none
 * and unclear.
 */
const char *const *tw_onset_consistent_with(enum tw_onset_shape s);

struct tw_onset_input {
	const struct tw_history *history; /* holding this round already */
	const char *zone;
	uint64_t round;               /* this round's number (the outage's start event's) */
	const enum tw_state *raw;     /* the zone's raw states, oldest first, the last this round's */
	size_t n_raw;
	enum tw_state published_before; /* what was published before the outage */
	const struct tw_zone_result *now; /* this round's result for the zone */
	unsigned onset_rounds;        /* watch.onset_rounds; 0: TW_ONSET_ROUNDS_DEFAULT */
};

/* tw_onset_find(in, out): the shape of the outage that begins with this round. */
void tw_onset_find(const struct tw_onset_input *in, struct tw_onset *out);

/*
 * tw_onset_json(o):
 * {"shape", "rounds_before", "evidence", "consistent_with": [...]}: the one
 * JSON form of an onset, for events, /status.json and report.  NULL when
 * memory ran out.
 */
json_t *tw_onset_json(const struct tw_onset *o);

/*
 * tw_onset_from_json(v, out):
 * Read an object written by tw_onset_json() (consistent_with is derived from
 * the shape, not read).  0, or -1 when it is not one.
 */
int tw_onset_from_json(const json_t *v, struct tw_onset *out);

#endif
