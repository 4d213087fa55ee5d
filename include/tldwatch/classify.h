/*
 * classify.h -- turn a parsed response into an outcome.
 *
 * Pure: the decision uses only the header bits and sections of the
 * response, the question that was asked and the zone the server was
 * asked as an authority for.  The c-ares status is never consulted for
 * responses (it misreads referrals and NODATA).
 *
 *   parse failed, QR=0, question mismatch    -> malformed
 *   TC=1                                     -> truncated
 *   RCODE 2 / 5 / 3 / other                  -> servfail / refused / nxdomain (lame if AA=0) / rcode
 *   NOERROR, answer for qname (or CNAME)     -> answer (lame if AA=0)
 *   NOERROR, NS for a zone strictly below ${zone} that encloses qname,
 *            AA=0                            -> referral
 *   NOERROR, AA=1, nothing above             -> nodata
 *   otherwise (AA=0, upward referral, ...)   -> lame
 */
#ifndef TLDWATCH_CLASSIFY_H
#define TLDWATCH_CLASSIFY_H

#include <stdint.h>

#include "tldwatch/outcome.h"
#include "tldwatch/wire.h"

/*
 * tw_classify(msg, parse_rc, qname, qtype, zone):
 * Classify ${msg} (as filled by tw_wire_parse, which returned
 * ${parse_rc}) as the response to ${qname}/${qtype} sent to a server
 * expected to be authoritative for ${zone} ("" = root).
 */
enum tw_outcome tw_classify(const struct tw_wire_msg *msg, int parse_rc,
    const char *qname, uint16_t qtype, const char *zone);

/*
 * tw_classify_referral_zone(msg, qname, zone):
 * For a referral: the child zone named by the NS records in the authority
 * section (a pointer into ${msg}), or NULL when there is none below ${zone}
 * enclosing ${qname}.
 */
const char *tw_classify_referral_zone(const struct tw_wire_msg *msg,
    const char *qname, const char *zone);

#endif
