/*
 * round.h -- one check round: discovery, zone servers, key hosts.
 *
 * A round asks, all in parallel on one engine:
 *   1. every root for "ZONE NS" (discovery: servers and glue), while
 *      pinned servers are asked from the start and stay the fallback;
 *   2. every zone server for "ZONE SOA" and "ZONE NS";
 *   3. for every host, the zone's servers, following referrals down to
 *      the child zone's servers (glue, or resolving glueless NS names)
 *      and CNAMEs (bounded), to an authoritative answer.
 * Each server met on the way becomes a row of the result with its own
 * sent/answered counts, RTTs and the outcome of its health query (its
 * zone's SOA).  A resolution moves down as soon as one server gives a
 * useful answer; the other servers' replies still count for their rows.
 *
 * Unless TCP is a configured transport, a UDP row of a zone or child
 * server whose health query goes one attempt's time unanswered (half the
 * query's time with one attempt), or fails as unreachable, is asked the
 * same question over TCP once, ending when the UDP query would: the row's
 * fallback_tcp (docs/check.md, "The TCP second opinion").
 *
 * Zones run TW_ROUND_ZONE_WINDOW at a time: a zone's state lives in a
 * region of its own while it runs, and is copied into the result and
 * forgotten as soon as the zone is over (none of its queries out, and its
 * servers' identities in, or given twice the slowest answer to come).
 *
 * The round knows nothing about verdicts: it fills a tw_check_result
 * that verdict.c then judges.
 */
#ifndef TLDWATCH_ROUND_H
#define TLDWATCH_ROUND_H

#include <stdbool.h>
#include <stdint.h>

#include "tldwatch/config.h"
#include "tldwatch/result.h"

struct tw_identmemo;
struct tw_region;

struct tw_round_opts {
	uint32_t deadline_ms;  /* global deadline for the whole round; 0 = none */
	bool loopback_only;    /* refuse targets outside 127.0.0.0/8 and ::1 */
	/*
	 * A watcher's servers that refused their identity (identmemo.h): skipped until
	 * watch.identity_recheck has passed, and those that refuse now are added.  NULL (a
	 * one-shot check): every server is asked.
	 */
	struct tw_identmemo *identmemo;
	/*
	 * A watcher's region (region.h), reset at the start of each round and kept after it,
	 * so that round after round reuses the same memory.  NULL: the round makes its own
	 * and frees it.
	 */
	struct tw_region *region;
	/*
	 * How many zones run at once (0: TW_ROUND_ZONE_WINDOW).  The others start, in the
	 * config's order, as zones end; a zone's state is kept only while it runs, so a round
	 * holds what the window holds, not what every zone would.
	 */
	size_t zone_window;
	/*
	 * NULL, or called with each zone's part of the result (${z}, in ${r}'s zones) as soon
	 * as the zone is over, in the order zones end, and from tw_round_finish() for each zone
	 * the deadline caught (z->unfinished, with r->deadline_hit and deadline_stage set by
	 * then).  ${r} is the result being built: only its error, deadline and zones are there.
	 * The callback may judge ${z} (verdict.c), write it out and free what it holds; the
	 * result keeps whatever it leaves.  So a one-shot check holds one zone at a time.
	 */
	void (*zone_cb)(void *cookie, const struct tw_check_result *r, struct tw_zone_result *z);
	void *zone_cookie;
};

#define TW_ROUND_ZONE_WINDOW 128
/* The chunk size of a running zone's region (the region of a .kp-sized zone is ~8 KiB). */
#define TW_ROUND_ZONE_CHUNK 8192

struct tw_engine;
struct tw_loop;
struct tw_round;
typedef void tw_round_done_cb(void *cookie);

/*
 * tw_round_start(cfg, loop, engine, opts, cb, cookie):
 * Submit a round's first queries on ${engine}, which must be idle (rounds
 * never overlap) and run on ${loop}.  ${cb}(${cookie}) is called from the
 * loop once the round is over (everything answered or failed, or the
 * deadline passed).  ${cfg} must outlive the round.  Returns NULL on
 * failure.
 */
struct tw_round *tw_round_start(const struct tw_config *cfg, struct tw_loop *loop,
    struct tw_engine *engine, const struct tw_round_opts *opts, tw_round_done_cb *cb,
    void *cookie);

/*
 * tw_round_finish(round):
 * Cancel whatever is still pending (a round finished early counts as
 * having hit its deadline), build the result and free ${round}.  Returns
 * the result (free with tw_result_free) or NULL when memory ran out.
 */
struct tw_check_result *tw_round_finish(struct tw_round *round);

/*
 * tw_round_run(cfg, opts):
 * Run one round over every zone of ${cfg} on a loop and an engine of its
 * own.  Returns a new result (free with tw_result_free), or NULL when
 * memory ran out.  States and diagnoses are left for verdict.c.
 */
struct tw_check_result *tw_round_run(const struct tw_config *cfg,
    const struct tw_round_opts *opts);

#endif
