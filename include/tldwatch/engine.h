/*
 * engine.h -- send DNS queries straight to chosen servers, all at once.
 *
 * The engine is the only module that talks to c-ares.  It runs on an event
 * loop it is given (loop.h) and shares it with whatever else waits in the
 * process (the round's deadline, the watcher's schedule and signals, the
 * HTTP endpoint); it only sends queries and takes replies.  Each server
 * (address, port, transport) gets a c-ares channel of its own while it has
 * queries in flight; channels are pooled (a c-ares 1.18 channel costs about
 * 70 KiB and a socket), so a world-sized round never holds more than
 * max_channels of them: an idle one is pointed at the next server that
 * needs one.  Queries beyond max_inflight, or beyond max_per_server for one
 * server (one socket's receive buffer), wait their turn; servers take turns
 * round-robin, those holding a channel before those waiting for one.  Every query is non-recursive (RD=0)
 * and goes to exactly the server it names.  c-ares is told to try once;
 * the engine counts attempts itself, one by one, so a caller can report
 * loss as unanswered/sent.  Each attempt has the engine's own deadline
 * (a loop timer), so the result does not depend on how a c-ares version
 * adapts its timeouts.  The c-ares 1.18 facts behind these choices are in
 * docs/engine.md.
 *
 * Callbacks never run inside tw_engine_query() or inside c-ares: results
 * are queued and delivered from the loop, so a callback may freely submit
 * new queries.  Each query gets exactly one callback, unless the run stops
 * at its deadline first (then the engine drops it silently; callers own
 * their cookies and free them themselves).
 */
#ifndef TLDWATCH_ENGINE_H
#define TLDWATCH_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tldwatch/config.h"
#include "tldwatch/outcome.h"

struct tw_engine;
struct tw_loop;

struct tw_engine_opts {
	uint32_t timeout_ms;   /* per attempt */
	uint32_t attempts;     /* per query, >= 1 */
	bool loopback_only;    /* refuse every target outside 127.0.0.0/8 and ::1 */
	/* Concurrency bounds; 0 = the TW_ENGINE_DEFAULT_* value. */
	uint32_t max_inflight; /* queries in flight at once, all servers */
	uint32_t max_per_server; /* queries in flight at once to one server */
	uint32_t max_channels; /* c-ares channels (and so sockets) kept at once */
};

#define TW_ENGINE_DEFAULT_MAX_INFLIGHT 512
#define TW_ENGINE_DEFAULT_MAX_PER_SERVER 32
#define TW_ENGINE_DEFAULT_MAX_CHANNELS 64

struct tw_target {
	const char *address;   /* numeric IPv4 or IPv6 */
	uint16_t port;
	enum tw_transport transport;
};

/* What one query came to, after all its attempts. */
struct tw_engine_reply {
	/*
	 * TW_OUTCOME_NONE when a DNS message came back (in buf/len: classify
	 * it); otherwise TIMEOUT, UNREACHABLE, MALFORMED or BLOCKED.
	 */
	enum tw_outcome transport_outcome;
	const uint8_t *buf;    /* the response; valid only during the callback */
	size_t len;
	unsigned sent;         /* attempts sent */
	unsigned answered;     /* attempts that got a response (0 or 1) */
	double rtt_ms;         /* of the answered attempt; < 0 when none */
};

typedef void tw_engine_cb(void *cookie, const struct tw_engine_reply *reply);

/*
 * tw_engine_new(loop, opts):
 * Create an engine on ${loop}, which must outlive it.  Returns NULL (after
 * printing why) on failure.
 */
struct tw_engine *tw_engine_new(struct tw_loop *loop, const struct tw_engine_opts *opts);

/*
 * tw_engine_query(e, target, qname, qtype, cb, cookie):
 * Queue ${qname}/${qtype} (class IN; "" is the root) to ${target}; call
 * ${cb}(${cookie}, reply) later from the loop.  Returns 0, or -1 on
 * resource failure (no callback then).
 */
int tw_engine_query(struct tw_engine *e, const struct tw_target *target,
    const char *qname, uint16_t qtype, tw_engine_cb *cb, void *cookie);

/*
 * tw_engine_query_by(e, target, qname, qtype, deadline_at, cb, cookie):
 * As tw_engine_query(), but one attempt only, which ends by ${deadline_at}
 * (tw_clock_mono_ms() time): its timeout is the engine's or the time left,
 * whichever is shorter.  A query whose turn comes only after ${deadline_at}
 * is not sent: it is delivered then as a timeout with sent 0.  For a
 * question that must not make a round longer than it would be without it.
 */
int tw_engine_query_by(struct tw_engine *e, const struct tw_target *target,
    const char *qname, uint16_t qtype, double deadline_at, tw_engine_cb *cb, void *cookie);

/* How a query is asked, beyond its name and type (tw_engine_query_ask). */
struct tw_engine_ask {
	uint16_t qclass;       /* 0: IN; TW_WIRE_CLASS_CH for a CHAOS query */
	bool edns_nsid;        /* with an OPT record (UDP size 1232) holding an empty NSID option */
	bool bounded;          /* one attempt, ending by deadline_at, as tw_engine_query_by() */
	double deadline_at;
};

/*
 * tw_engine_query_ask(e, target, qname, qtype, ask, cb, cookie):
 * As tw_engine_query(), or tw_engine_query_by() when ${ask}->bounded, in
 * ${ask}'s class and with EDNS and NSID when it says so.  NULL ${ask} is
 * tw_engine_query().  The response is the caller's to read (the reply's
 * buf): the engine does not look at EDNS in it, nor retry without it.
 */
int tw_engine_query_ask(struct tw_engine *e, const struct tw_target *target,
    const char *qname, uint16_t qtype, const struct tw_engine_ask *ask, tw_engine_cb *cb,
    void *cookie);

/*
 * tw_engine_run(e, deadline_ms):
 * Run the loop (with whatever else is armed on it) until no query is
 * pending, or until ${deadline_ms} (0 = none) have passed since this call.
 * Returns 0 when everything was delivered, 1 when the deadline expired
 * first (the rest is cancelled: no callback will come for it).
 */
int tw_engine_run(struct tw_engine *e, uint32_t deadline_ms);

/* tw_engine_pending(e): queries submitted and not yet delivered. */
size_t tw_engine_pending(const struct tw_engine *e);

/*
 * tw_engine_configure(e, opts):
 * Change the timeout, attempts and policy for queries submitted from now
 * on.  Only while nothing is pending (between rounds); returns -1 otherwise.
 */
int tw_engine_configure(struct tw_engine *e, const struct tw_engine_opts *opts);

/*
 * tw_engine_cancel_all(e):
 * Drop every pending query: no callback will come for any of them.
 */
void tw_engine_cancel_all(struct tw_engine *e);

/*
 * tw_engine_set_idle_cb(e, cb, cookie):
 * Call ${cb}(${cookie}) from the loop each time the last pending query has
 * been delivered.  NULL removes it.
 */
void tw_engine_set_idle_cb(struct tw_engine *e, void (*cb)(void *), void *cookie);

/*
 * tw_engine_trim(e):
 * Cancel everything and give back what the engine keeps from one round to
 * the next: its channels (c-ares state, ~74 KiB each, and their sockets)
 * and its servers.  For a one-shot check about to build its result; a
 * watcher keeps them.  The engine stays usable.
 */
void tw_engine_trim(struct tw_engine *e);

/* tw_engine_free(e): cancel everything, close every socket; NULL is fine. */
void tw_engine_free(struct tw_engine *e);

/* tw_engine_versions(): "c-ares 1.18.1, libevent 2.1.12-stable" (static). */
const char *tw_engine_versions(void);

#endif
