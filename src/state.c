/*
 * state.c -- the names, exit codes and Nagios words of the six states.
 */
#include <string.h>

#include "tldwatch/state.h"

static const char *const state_names[TW_STATE_COUNT] = {
	[TW_STATE_UP] = "up",
	[TW_STATE_DEGRADED] = "degraded",
	[TW_STATE_UNSTABLE] = "unstable",
	[TW_STATE_PARTIAL] = "partial",
	[TW_STATE_DOWN] = "down",
	[TW_STATE_UNKNOWN] = "unknown",
};

static const int state_codes[TW_STATE_COUNT] = {
	[TW_STATE_UP] = 0,
	[TW_STATE_DEGRADED] = 1,
	[TW_STATE_UNSTABLE] = 1,
	[TW_STATE_PARTIAL] = 2,
	[TW_STATE_DOWN] = 2,
	[TW_STATE_UNKNOWN] = 3,
};

/* Indexed by exit code. */
static const char *const nagios_words[4] = {
	"OK", "WARNING", "CRITICAL", "UNKNOWN",
};

const char *
tw_state_str(enum tw_state s)
{
	if ((unsigned)s >= TW_STATE_COUNT)
		return "invalid";
	return state_names[s];
}

int
tw_state_exit_code(enum tw_state s)
{
	/* A state we do not know is, by definition, UNKNOWN. */
	if ((unsigned)s >= TW_STATE_COUNT)
		return 3;
	return state_codes[s];
}

const char *
tw_state_nagios(enum tw_state s)
{
	return nagios_words[tw_state_exit_code(s)];
}

int
tw_state_from_str(const char *s, enum tw_state *out)
{
	unsigned i;

	for (i = 0; s != NULL && i < TW_STATE_COUNT; i++) {
		if (strcmp(s, state_names[i]) == 0) {
			*out = (enum tw_state)i;
			return 0;
		}
	}
	return -1;
}

bool
tw_state_is_bad(enum tw_state s)
{
	return s == TW_STATE_PARTIAL || s == TW_STATE_DOWN;
}

bool
tw_state_is_good(enum tw_state s)
{
	return s == TW_STATE_UP || s == TW_STATE_DEGRADED;
}
