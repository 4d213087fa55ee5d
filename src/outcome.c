/*
 * outcome.c -- names and groupings of the outcomes of one query to one
 * server (see outcome.h).
 */
#include <stdbool.h>
#include <string.h>

#include "tldwatch/outcome.h"

static const char *const names[TW_OUTCOME_COUNT] = {
	[TW_OUTCOME_NONE] = "none",
	[TW_OUTCOME_ANSWER] = "answer",
	[TW_OUTCOME_REFERRAL] = "referral",
	[TW_OUTCOME_NXDOMAIN] = "nxdomain",
	[TW_OUTCOME_NODATA] = "nodata",
	[TW_OUTCOME_LAME] = "lame",
	[TW_OUTCOME_SERVFAIL] = "servfail",
	[TW_OUTCOME_REFUSED] = "refused",
	[TW_OUTCOME_RCODE] = "rcode",
	[TW_OUTCOME_TIMEOUT] = "timeout",
	[TW_OUTCOME_UNREACHABLE] = "unreachable",
	[TW_OUTCOME_TRUNCATED] = "truncated",
	[TW_OUTCOME_MALFORMED] = "malformed",
	[TW_OUTCOME_BLOCKED] = "blocked",
};

const char *
tw_outcome_str(enum tw_outcome o)
{

	/* Compared as unsigned so that a stray negative value is caught too. */
	if ((unsigned)o >= TW_OUTCOME_COUNT)
		return "invalid";
	return names[o];
}

int
tw_outcome_from_str(const char *s, enum tw_outcome *out)
{
	unsigned i;

	for (i = 0; i < TW_OUTCOME_COUNT; i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (enum tw_outcome)i;
			return 0;
		}
	}
	return -1;
}

bool
tw_outcome_is_response(enum tw_outcome o)
{

	switch (o) {
	case TW_OUTCOME_ANSWER:
	case TW_OUTCOME_REFERRAL:
	case TW_OUTCOME_NXDOMAIN:
	case TW_OUTCOME_NODATA:
	case TW_OUTCOME_LAME:
	case TW_OUTCOME_SERVFAIL:
	case TW_OUTCOME_REFUSED:
	case TW_OUTCOME_RCODE:
	case TW_OUTCOME_TRUNCATED:
	case TW_OUTCOME_MALFORMED:
		return true;
	default:
		return false;
	}
}

bool
tw_outcome_is_useful(enum tw_outcome o)
{

	switch (o) {
	case TW_OUTCOME_ANSWER:
	case TW_OUTCOME_REFERRAL:
	case TW_OUTCOME_NXDOMAIN:
	case TW_OUTCOME_NODATA:
		return true;
	default:
		return false;
	}
}
