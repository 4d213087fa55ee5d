/*
 * state.h -- the six states of a zone, their names and exit codes.
 *
 * Ordered from best to worst, so the overall state is the maximum over zones.
 */
#ifndef TLDWATCH_STATE_H
#define TLDWATCH_STATE_H

#include <stdbool.h>

/* Worst-last order: the overall state is the maximum over zones. */
enum tw_state {
	TW_STATE_UP = 0,
	TW_STATE_DEGRADED,
	TW_STATE_UNSTABLE,   /* only published by watch mode (hysteresis) */
	TW_STATE_PARTIAL,
	TW_STATE_DOWN,
	TW_STATE_UNKNOWN,
};
#define TW_STATE_COUNT (TW_STATE_UNKNOWN + 1)

/*
 * tw_state_is_bad(s): partial or down, what an outage is made of.
 * tw_state_is_good(s): up or degraded, what ends one.  (Unstable and
 * unknown are neither.)
 */
bool tw_state_is_bad(enum tw_state s);
bool tw_state_is_good(enum tw_state s);

/* tw_state_str(s): "up", "degraded", ... */
const char *tw_state_str(enum tw_state s);

/* tw_state_exit_code(s): up 0, degraded/unstable 1, partial/down 2, unknown 3. */
int tw_state_exit_code(enum tw_state s);

/* tw_state_nagios(s): "OK", "WARNING", "CRITICAL", "UNKNOWN". */
const char *tw_state_nagios(enum tw_state s);

/* tw_state_from_str(s, out): the state named ${s}; 0, or -1 when none is (or s is NULL). */
int tw_state_from_str(const char *s, enum tw_state *out);

#endif
