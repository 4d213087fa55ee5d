/*
 * loop.h -- the process's event loop: one libevent base, timers, signals,
 * socket watches.
 *
 * A loop is made once per process mode (one check, one watcher) and lent to
 * everything that waits: the DNS engine (its sockets and deadlines), the
 * round (its deadline), the watcher (its schedule and signals) and the HTTP
 * endpoint (http.c, the one other user of libevent, reaches the base through
 * tw_loop_event_base()).  loop.c is the only file that creates events; the
 * engine knows nothing of libevent and the loop nothing of DNS (as unbound's
 * util/netevent.c and services/outside_network.c).
 *
 * Everything runs on one thread, and every callback is called from
 * tw_loop_run() or tw_loop_run_once(), never from the function that armed
 * it.  Callbacks run in two bands: socket watches first, then timers (and
 * signals), so a reply that has arrived is read before a deadline that has
 * also passed is judged.  Timers read libevent's default clock, the coarse
 * monotonic one: a timer may fire up to one of its ticks (a few
 * milliseconds, by the kernel's HZ) before its time by tw_clock_mono_ms().
 *
 * A loop must outlive everything made on it: free every timer and watch,
 * the engine and the HTTP endpoint first, then the loop (which frees its
 * signal handlers itself).
 */
#ifndef TLDWATCH_LOOP_H
#define TLDWATCH_LOOP_H

#include <stdbool.h>

struct tw_loop;
struct tw_loop_timer;
struct tw_loop_io;

typedef void tw_loop_timer_cb(void *cookie);
typedef void tw_loop_signal_cb(int signo, void *cookie);
/* ${events}: TW_LOOP_READ and/or TW_LOOP_WRITE, as the socket is ready. */
typedef void tw_loop_io_cb(int fd, unsigned events, void *cookie);

#define TW_LOOP_READ 1u
#define TW_LOOP_WRITE 2u

/* tw_loop_new(): a new loop; NULL (after saying why on stderr) on failure. */
struct tw_loop *tw_loop_new(void);

/* tw_loop_free(loop): free the loop and its signal handlers; NULL is fine. */
void tw_loop_free(struct tw_loop *loop);

/*
 * tw_loop_run(loop):
 * Run callbacks until tw_loop_break(), even while nothing is armed (a
 * watcher waits for signals).  Returns 0, or -1 when the loop failed.
 */
int tw_loop_run(struct tw_loop *loop);

/*
 * tw_loop_run_once(loop):
 * Wait until something is due, run every callback due, and return: 0, 1
 * when nothing was armed to wait for (it returns at once), -1 on failure.
 */
int tw_loop_run_once(struct tw_loop *loop);

/* tw_loop_break(loop): make tw_loop_run() return after the current callback. */
void tw_loop_break(struct tw_loop *loop);

/*
 * tw_loop_timer_new(loop, cb, cookie):
 * A disarmed one-shot timer calling ${cb}(${cookie}); NULL on failure.
 */
struct tw_loop_timer *tw_loop_timer_new(struct tw_loop *loop, tw_loop_timer_cb *cb,
    void *cookie);

/* tw_loop_timer_arm(t, ms): (re)arm ${t} to fire once, ${ms} from now (< 0: 0). */
void tw_loop_timer_arm(struct tw_loop_timer *t, double ms);

/*
 * tw_loop_timer_activate(t):
 * Fire ${t} in this pass of the loop, after the socket callbacks already
 * due and without waiting for the next poll (a deferred call).  Calling it
 * again before it has fired changes nothing.
 */
void tw_loop_timer_activate(struct tw_loop_timer *t);

/* tw_loop_timer_cancel(t): disarm (it will not fire); NULL is fine. */
void tw_loop_timer_cancel(struct tw_loop_timer *t);

/* tw_loop_timer_free(t): disarm and free; NULL is fine.  Also from its own callback. */
void tw_loop_timer_free(struct tw_loop_timer *t);

/*
 * tw_loop_on_signal(loop, signo, cb, cookie):
 * Call ${cb}(${signo}, ${cookie}) from the loop (not from the signal handler)
 * whenever ${signo} arrives, for the loop's lifetime.  Returns 0 or -1.
 */
int tw_loop_on_signal(struct tw_loop *loop, int signo, tw_loop_signal_cb *cb, void *cookie);

/*
 * tw_loop_io_new(loop, fd, events, cb, cookie):
 * Watch socket ${fd} for ${events} (TW_LOOP_READ, TW_LOOP_WRITE, both, or
 * 0 for none yet): ${cb} is called each time it is ready, until changed or
 * freed.  NULL on failure.  The socket stays the caller's.
 */
struct tw_loop_io *tw_loop_io_new(struct tw_loop *loop, int fd, unsigned events,
    tw_loop_io_cb *cb, void *cookie);

/* tw_loop_io_set(io, events): watch for ${events} from now on (0: none).  0 or -1. */
int tw_loop_io_set(struct tw_loop_io *io, unsigned events);

/* tw_loop_io_free(io): stop watching and free; NULL is fine.  Also from its own callback. */
void tw_loop_io_free(struct tw_loop_io *io);

/*
 * tw_loop_event_base(loop):
 * The loop's libevent base, for http.c (evhttp needs one); nothing else
 * should create events behind the loop's back.
 */
struct event_base;
struct event_base *tw_loop_event_base(struct tw_loop *loop);

/* tw_loop_version(): "libevent 2.1.12-stable" (static). */
const char *tw_loop_version(void);

#endif
