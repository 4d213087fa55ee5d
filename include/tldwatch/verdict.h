/*
 * verdict.h -- judge one round: a state and a diagnosis per zone.
 *
 * Pure: reads the servers, hosts and controls of a tw_check_result and
 * fills each zone's state, diagnosis and answering counts, and the
 * overall state (the worst zone).  The rules, in order:
 *
 *   unknown   the round could not run, or ran out of time before the zone
 *             was over; or roots are configured, none answered and no zone
 *             server answered (our own network is the likely cause)
 *   down      no zone server answers authoritatively and no key host resolves
 *   partial   something answers, but not every key host resolves
 *   degraded  every key host resolves, but a server fails or is lame,
 *             loss > 0, SOA serials differ, or a non-key host fails
 *   up        everything answers authoritatively
 */
#ifndef TLDWATCH_VERDICT_H
#define TLDWATCH_VERDICT_H

#include "tldwatch/result.h"

/*
 * tw_verdict_apply(r):
 * Fill the states and diagnoses of ${r}.  Returns 0, or -1 when memory
 * for a diagnosis ran out (states are still set).
 */
int tw_verdict_apply(struct tw_check_result *r);

/*
 * tw_verdict_zone(z, r):
 * Fill ${z}'s state, diagnosis and answering counts; ${r} says only whether
 * the round could run and whether (and where) its deadline came.  For a
 * round that hands each zone over as it ends (round.h, zone_cb).  Returns
 * 0, or -1 when memory for the diagnosis ran out.
 */
int tw_verdict_zone(struct tw_zone_result *z, const struct tw_check_result *r);

/*
 * tw_verdict_overall(r):
 * ${r}'s state from its zones' (already judged): the worst, or unknown
 * when the round could not run, ran out of time or had no zone.
 */
void tw_verdict_overall(struct tw_check_result *r);

#endif
