/*
 * history.h -- bounded per-server and per-host history across rounds.
 *
 * Each server row (zone served, name, address, port, transport) and each
 * host keeps a ring of its last watch.window rounds: what it was sent,
 * what it answered, its RTT and outcome.  A row not seen for a whole window
 * is dropped, so memory stays flat however long the watcher runs.  The
 * summaries (loss, RTT min/median/max) and the status page's heat map read
 * these rings.
 */
#ifndef TLDWATCH_HISTORY_H
#define TLDWATCH_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "tldwatch/result.h"

/* One round of one server. */
struct tw_sample {
	uint64_t round;               /* tracker round number */
	uint16_t sent;
	uint16_t answered;
	float rtt_ms;                 /* < 0: no answer */
	uint8_t outcome;              /* enum tw_outcome */
};

struct tw_ring {
	struct tw_sample *s;          /* capacity = window */
	unsigned len;                 /* samples held (<= window) */
	unsigned head;                /* index of the oldest sample */
};

struct tw_server_history {
	char *zone;                   /* monitored zone this row belongs to ("" for roots) */
	char *served;                 /* zone it was asked as an authority for */
	char *name;                   /* may be NULL */
	char address[TW_ADDRSTRLEN];
	uint16_t port;
	enum tw_transport transport;
	enum tw_role role;
	uint64_t last_round;          /* last round it appeared in */
	double behind_since;          /* serving an older serial than its zone's newest since; 0: not */
	struct tw_ring ring;
	char *nsid, *identity;        /* its latest known instance (NULL: none seen) */
};

struct tw_host_history {
	char *zone;
	char *name;
	uint64_t last_round;
	struct tw_ring ring;          /* sent=1, answered=resolved, outcome = final outcome */
};

struct tw_window_stats {
	unsigned rounds;              /* samples in the window */
	unsigned sent, answered;
	double loss;                  /* unanswered/sent, 0..1; < 0 when nothing was sent */
	double rtt_min_ms, rtt_median_ms, rtt_max_ms;  /* < 0 when no RTT */
};

struct tw_history {
	unsigned window;
	struct tw_server_history *servers;
	size_t n_servers;
	struct tw_host_history *hosts;
	size_t n_hosts;
};

/* tw_history_new(window): empty history keeping ${window} rounds; NULL on failure. */
struct tw_history *tw_history_new(unsigned window);

/* tw_history_free(h): NULL is fine. */
void tw_history_free(struct tw_history *h);

/*
 * tw_history_set_window(h, window):
 * Change the window (config reload); keeps the newest samples.  0 or -1.
 */
int tw_history_set_window(struct tw_history *h, unsigned window);

/*
 * tw_history_add(h, r, round):
 * Record round number ${round} of result ${r} (roots, every zone's rows
 * and hosts) and drop rows last seen more than a window ago.  0 or -1.
 */
int tw_history_add(struct tw_history *h, const struct tw_check_result *r, uint64_t round);

/*
 * tw_history_serial_lag(h, r, now, grace):
 * Mark ${r}'s rows behind their zone's newest serial (tw_serial_mark) and,
 * from each row's history, since when and for how long (the round at ${now}
 * included); a row behind for less than ${grace} seconds is excused (it does
 * not make the zone degraded).  Run before the verdict; tw_history_add then
 * keeps the time each row fell behind.
 */
void tw_history_serial_lag(const struct tw_history *h, struct tw_check_result *r, double now,
    double grace);

/*
 * tw_history_serial_clock(h, r, now, grace): tw_history_serial_lag() for
 * rows whose serial_behind is already set (a ledger's rows read back).
 */
void tw_history_serial_clock(const struct tw_history *h, struct tw_check_result *r, double now,
    double grace);

/* tw_history_stats(ring, out): loss and RTT over the samples held. */
void tw_history_stats(const struct tw_ring *ring, struct tw_window_stats *out);

/* tw_history_ring_at(ring, i): the i-th sample, oldest first (i < ring->len). */
const struct tw_sample *tw_history_ring_at(const struct tw_ring *ring, unsigned i);

#endif
