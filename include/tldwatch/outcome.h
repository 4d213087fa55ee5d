/*
 * outcome.h -- what one query to one server came to.
 *
 * The outcomes are ordered from good to bad only loosely; they are a
 * classification, not a score.  Transport outcomes (timeout, unreachable,
 * blocked) come from the engine; the rest from classify.c reading the
 * response bytes.
 */
#ifndef TLDWATCH_OUTCOME_H
#define TLDWATCH_OUTCOME_H

#include <stdbool.h>

enum tw_outcome {
	TW_OUTCOME_NONE = 0,     /* not asked (yet) */
	TW_OUTCOME_ANSWER,       /* authoritative answer */
	TW_OUTCOME_REFERRAL,     /* delegation to a zone below the server's */
	TW_OUTCOME_NXDOMAIN,     /* authoritative: name does not exist */
	TW_OUTCOME_NODATA,       /* authoritative: name exists, no data of that type */
	TW_OUTCOME_LAME,         /* non-authoritative from a server that should be authoritative */
	TW_OUTCOME_SERVFAIL,
	TW_OUTCOME_REFUSED,
	TW_OUTCOME_RCODE,        /* any other RCODE (FORMERR, NOTIMP, ...) */
	TW_OUTCOME_TIMEOUT,      /* no response within the deadline, every attempt */
	TW_OUTCOME_UNREACHABLE,  /* ICMP unreachable, RST, ECONNREFUSED */
	TW_OUTCOME_TRUNCATED,    /* TC=1 and no other transport to retry on */
	TW_OUTCOME_MALFORMED,    /* unparseable, QR=0, or a question that does not match */
	TW_OUTCOME_BLOCKED,      /* not sent: TLDWATCH_LOOPBACK_ONLY and not a loopback address */
};
#define TW_OUTCOME_COUNT (TW_OUTCOME_BLOCKED + 1)

/* tw_outcome_str(o): "answer", "referral", ... */
const char *tw_outcome_str(enum tw_outcome o);

/* tw_outcome_from_str(s, out): the outcome named ${s}; 0, or -1 when none is. */
int tw_outcome_from_str(const char *s, enum tw_outcome *out);

/* tw_outcome_is_response(o): a DNS message came back (any rcode, even malformed). */
bool tw_outcome_is_response(enum tw_outcome o);

/* tw_outcome_is_useful(o): answer, referral, nxdomain or nodata. */
bool tw_outcome_is_useful(enum tw_outcome o);

#endif
