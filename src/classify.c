/*
 * classify.c -- turn a response parsed by wire.c into an outcome, from
 * the header bits and sections alone (the table is in classify.h).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tldwatch/classify.h"
#include "tldwatch/outcome.h"
#include "tldwatch/wire.h"

#define T_NS		2
#define T_CNAME		5

/* Same name, label-wise and case-insensitive. */
static bool
name_eq(const char *a, const char *b)
{

	return tw_wire_name_is_subdomain(a, b) && tw_wire_name_is_subdomain(b, a);
}

/* ${name} lies strictly below ${zone}. */
static bool
strictly_below(const char *name, const char *zone)
{

	return tw_wire_name_is_subdomain(name, zone) && !name_eq(name, zone);
}

static bool
has_answer(const struct tw_wire_msg *msg, const char *qname, uint16_t qtype)
{
	uint16_t i;

	for (i = 0; i < msg->answer.kept; i++) {
		const struct tw_wire_rr *rr = &msg->answer.rr[i];

		if ((rr->type == qtype || rr->type == T_CNAME) && name_eq(rr->name, qname))
			return true;
	}
	return false;
}

const char *
tw_classify_referral_zone(const struct tw_wire_msg *msg, const char *qname,
    const char *zone)
{
	const char *best = NULL;
	uint16_t i;

	if (msg == NULL || qname == NULL)
		return NULL;
	if (zone == NULL)
		zone = "";
	for (i = 0; i < msg->authority.kept; i++) {
		const struct tw_wire_rr *rr = &msg->authority.rr[i];

		if (rr->type != T_NS)
			continue;
		/* The child zone encloses qname and sits below the server's zone. */
		if (!tw_wire_name_is_subdomain(qname, rr->name) || !strictly_below(rr->name, zone))
			continue;
		/* Mixed owners cannot happen in a sane referral; prefer the closest. */
		if (best == NULL || strictly_below(rr->name, best))
			best = rr->name;
	}
	return best;
}

enum tw_outcome
tw_classify(const struct tw_wire_msg *msg, int parse_rc, const char *qname,
    uint16_t qtype, const char *zone)
{

	if (msg == NULL || qname == NULL)
		return TW_OUTCOME_MALFORMED;
	/*
	 * A truncated message may end inside a record (RFC 2181, 9): with TC
	 * set, a sound header and the question asked, it is truncated, not
	 * malformed.  Anything else that does not parse is malformed.
	 */
	if (parse_rc != 0 && !(msg->tc && msg->has_question))
		return TW_OUTCOME_MALFORMED;
	if (zone == NULL)
		zone = "";
	if (!msg->qr || msg->opcode != 0)
		return TW_OUTCOME_MALFORMED;
	if (!msg->has_question || msg->qtype != qtype || !name_eq(msg->qname, qname))
		return TW_OUTCOME_MALFORMED;

	/* TC first: a truncated message's rcode and sections cannot be trusted. */
	if (msg->tc)
		return TW_OUTCOME_TRUNCATED;

	switch (msg->rcode) {
	case TW_WIRE_RCODE_NOERROR:
		break;
	case TW_WIRE_RCODE_SERVFAIL:
		return TW_OUTCOME_SERVFAIL;
	case TW_WIRE_RCODE_REFUSED:
		return TW_OUTCOME_REFUSED;
	case TW_WIRE_RCODE_NXDOMAIN:
		return msg->aa ? TW_OUTCOME_NXDOMAIN : TW_OUTCOME_LAME;
	default:
		return TW_OUTCOME_RCODE;
	}

	if (has_answer(msg, qname, qtype))
		return msg->aa ? TW_OUTCOME_ANSWER : TW_OUTCOME_LAME;
	/* Some servers set AA on referrals: the NS set decides, not the bit. */
	if (tw_classify_referral_zone(msg, qname, zone) != NULL)
		return TW_OUTCOME_REFERRAL;
	return msg->aa ? TW_OUTCOME_NODATA : TW_OUTCOME_LAME;
}
