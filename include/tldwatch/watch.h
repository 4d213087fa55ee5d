/*
 * watch.h -- tldwatch watch: rounds forever, published states, events, state file.
 *
 * One event loop and one engine on it for the watcher's whole life.  A round
 * starts every interval (start to start; a round that overruns delays the
 * next, never overlaps it).  After each round: verdict, tracker (events),
 * history, then the state file is rewritten atomically.  SIGHUP reloads the
 * configuration between rounds (a broken one is reported and the old one
 * kept); SIGTERM and SIGINT let the round in flight finish for a bounded
 * grace time (then abandon it), write the state and exit 0.
 */
#ifndef TLDWATCH_WATCH_H
#define TLDWATCH_WATCH_H

#include <stdbool.h>
#include <stdint.h>

struct tw_watch_opts {
	const char *config_path;   /* NULL: the embedded default */
	uint32_t interval_ms;      /* 0: the config's watch.interval */
	uint32_t deadline_ms;      /* per-round deadline */
	const char *state_path;    /* NULL: no state file */
	const char *events_path;   /* NULL: events on stdout */
	const char *listen;        /* HTTP endpoint ("PORT", "ADDR:PORT"); NULL: none */
	uint64_t max_rounds;       /* 0: until a signal */
	bool loopback_only;
	int verbosity;
};

/*
 * tw_watch_run(opts):
 * Run the watcher.  Returns the exit code: 0 after SIGTERM/SIGINT or
 * max_rounds, 3 when it could not start (bad config, unusable state file).
 */
int tw_watch_run(const struct tw_watch_opts *opts);

#endif
