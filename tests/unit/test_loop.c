/*
 * test_loop.c -- the event loop: timers fire once, in order of their
 * times, never before; cancel, re-arm and free from inside a callback;
 * activate runs in the same pass; socket watches before timers; watches
 * changed and stopped; signals delivered from the loop; run_once and break.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "tldwatch/clock.h"
#include "tldwatch/loop.h"

#define MAX_FIRED 32

struct log {
	struct tw_loop *loop;
	char order[MAX_FIRED + 1];   /* one letter per callback, in the order they ran */
	size_t n;
	double at[MAX_FIRED];        /* ms since the start */
	double t0;
	size_t stop_after;           /* break the loop after this many callbacks (0: never) */
};

struct tag {
	struct log *log;
	char name;
	struct tw_loop_timer *self;
	int free_self;
	int rearm_ms;                /* re-arm itself once, this much later (< 0: no) */
};

static void
note(struct log *log, char name)
{
	if (log->n < MAX_FIRED) {
		log->at[log->n] = tw_clock_mono_ms() - log->t0;
		log->order[log->n++] = name;
		log->order[log->n] = '\0';
	}
	if (log->stop_after != 0 && log->n == log->stop_after)
		tw_loop_break(log->loop);
}

static void
on_tag(void *cookie)
{
	struct tag *t = cookie;

	note(t->log, t->name);
	if (t->rearm_ms >= 0) {
		tw_loop_timer_arm(t->self, t->rearm_ms);
		t->rearm_ms = -1;
	} else if (t->free_self) {
		tw_loop_timer_free(t->self);
		t->self = NULL;
	}
}

/* Timers armed in any order fire in the order of their times, each once. */
struct timer_case {
	const char *what;
	int ms[4];                   /* -1: not armed; -2: armed at 50 then cancelled */
	const char *order;
};

static const struct timer_case timer_cases[] = {
	{ "in order", { 10, 20, 30, -1 }, "abc" },
	{ "reversed", { 30, 20, 10, -1 }, "cba" },
	{ "one at 0", { 25, 0, -1, -1 }, "ba" },
	{ "cancelled", { 5, -2, 15, -1 }, "ac" },
	{ "none armed", { -1, -1, -1, -1 }, "" },
};

/*
 * libevent reads the coarse monotonic clock (loop.h): a timer may fire up to
 * one of its ticks early, measured on the precise clock.
 */
static double
tick_ms(void)
{
	struct timespec ts;

	if (clock_getres(CLOCK_MONOTONIC_COARSE, &ts) != 0)
		return 10.0;
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void
test_timer_order(void **state)
{
	const struct timer_case *c;
	struct tag tags[4];
	struct log log;
	size_t i, k, armed;
	double slack = tick_ms() + 1.0;

	for (i = 0; i < sizeof(timer_cases) / sizeof(timer_cases[0]); i++) {
		c = &timer_cases[i];
		memset(&log, 0, sizeof(log));
		assert_non_null(log.loop = tw_loop_new());
		armed = 0;
		for (k = 0; k < 4; k++) {
			tags[k] = (struct tag){ &log, (char)('a' + k), NULL, 1, -1 };
			assert_non_null(tags[k].self = tw_loop_timer_new(log.loop, on_tag, &tags[k]));
		}
		log.t0 = tw_clock_mono_ms();
		for (k = 0; k < 4; k++) {
			if (c->ms[k] == -1)
				continue;
			tw_loop_timer_arm(tags[k].self, c->ms[k] == -2 ? 50 : c->ms[k]);
			if (c->ms[k] == -2)
				tw_loop_timer_cancel(tags[k].self);
			else
				armed++;
		}
		/* run_once until everything armed has fired; then nothing is left to wait for. */
		while (log.n < armed)
			assert_int_equal(tw_loop_run_once(log.loop), 0);
		assert_int_equal(tw_loop_run_once(log.loop), 1);
		if (strcmp(log.order, c->order) != 0)
			fail_msg("%s: fired \"%s\", want \"%s\"", c->what, log.order, c->order);
		for (k = 0; k < log.n; k++) {
			size_t which = (size_t)(log.order[k] - 'a');

			if (log.at[k] < c->ms[which] - slack)
				fail_msg("%s: %c fired at %.1f ms, armed for %d (slack %.1f)", c->what,
				    log.order[k], log.at[k], c->ms[which], slack);
		}
		for (k = 0; k < 4; k++)
			tw_loop_timer_free(tags[k].self);    /* those that freed themselves are NULL */
		tw_loop_free(log.loop);
	}
}

static void
test_rearm_and_activate(void **state)
{
	struct tag a, b;
	struct log log;

	memset(&log, 0, sizeof(log));
	assert_non_null(log.loop = tw_loop_new());
	a = (struct tag){ &log, 'a', NULL, 0, 5 };    /* fires, re-arms once, fires again */
	b = (struct tag){ &log, 'b', NULL, 0, -1 };
	assert_non_null(a.self = tw_loop_timer_new(log.loop, on_tag, &a));
	assert_non_null(b.self = tw_loop_timer_new(log.loop, on_tag, &b));
	log.t0 = tw_clock_mono_ms();
	tw_loop_timer_arm(a.self, 1);
	tw_loop_timer_activate(b.self);
	tw_loop_timer_activate(b.self);               /* twice before it ran: once */
	log.stop_after = 3;
	assert_int_equal(tw_loop_run(log.loop), 0);
	assert_string_equal(log.order, "baa");
	assert_true(log.at[2] >= 5.0 - tick_ms() - 1.0);
	/* Re-arming a pending timer moves it: it fires once, at the later time. */
	log.n = 0;
	log.stop_after = 1;
	log.t0 = tw_clock_mono_ms();
	tw_loop_timer_arm(b.self, 1);
	tw_loop_timer_arm(b.self, 20);
	assert_int_equal(tw_loop_run(log.loop), 0);
	assert_string_equal(log.order, "b");
	assert_true(log.at[0] >= 20.0 - tick_ms() - 1.0);
	assert_int_equal(tw_loop_run_once(log.loop), 1);
	tw_loop_timer_free(a.self);
	tw_loop_timer_free(b.self);
	tw_loop_timer_free(NULL);
	tw_loop_timer_cancel(NULL);
	tw_loop_free(log.loop);
	tw_loop_free(NULL);
}

struct io_ctx {
	struct log *log;
	struct tw_loop_io *io;
	int fd;
	unsigned events;
	int reads;
};

static void
on_io(int fd, unsigned events, void *cookie)
{
	struct io_ctx *x = cookie;
	char buf[16];

	x->events |= events;
	note(x->log, (events & TW_LOOP_READ) ? 'r' : 'w');
	if (events & TW_LOOP_READ) {
		x->reads++;
		(void)read(fd, buf, sizeof(buf));
	}
	if (events & TW_LOOP_WRITE)
		(void)tw_loop_io_set(x->io, TW_LOOP_READ);   /* changed from inside its callback */
}

/* A socket ready and a timer due in the same pass: the socket is read first. */
static void
test_io_before_timers(void **state)
{
	struct io_ctx x;
	struct tag t;
	struct log log;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	memset(&log, 0, sizeof(log));
	memset(&x, 0, sizeof(x));
	assert_non_null(log.loop = tw_loop_new());
	x.log = &log;
	x.fd = sv[0];
	assert_non_null(x.io = tw_loop_io_new(log.loop, sv[0], TW_LOOP_READ, on_io, &x));
	t = (struct tag){ &log, 't', NULL, 0, -1 };
	assert_non_null(t.self = tw_loop_timer_new(log.loop, on_tag, &t));
	tw_loop_timer_arm(t.self, 0);
	tw_loop_timer_activate(t.self);
	assert_int_equal(write(sv[1], "x", 1), 1);
	usleep(2000);
	log.stop_after = 2;
	assert_int_equal(tw_loop_run(log.loop), 0);
	assert_string_equal(log.order, "rt");
	/* Watch for writes too: a datagram socket is writable at once; the callback stops it. */
	log.n = 0;
	log.order[0] = '\0';
	log.stop_after = 1;
	assert_int_equal(tw_loop_io_set(x.io, TW_LOOP_READ | TW_LOOP_WRITE), 0);
	assert_int_equal(tw_loop_run(log.loop), 0);
	assert_string_equal(log.order, "w");
	/* No interest: a datagram waiting is not reported, and nothing else is armed. */
	assert_int_equal(tw_loop_io_set(x.io, 0), 0);
	assert_int_equal(write(sv[1], "y", 1), 1);
	assert_int_equal(tw_loop_run_once(log.loop), 1);
	assert_int_equal(x.reads, 1);
	/* Interest again: the datagram still waiting is reported. */
	log.n = 0;
	log.stop_after = 1;
	assert_int_equal(tw_loop_io_set(x.io, TW_LOOP_READ), 0);
	assert_int_equal(tw_loop_run(log.loop), 0);
	assert_int_equal(x.reads, 2);
	tw_loop_io_free(x.io);
	tw_loop_io_free(NULL);
	tw_loop_timer_free(t.self);
	tw_loop_free(log.loop);
	close(sv[0]);
	close(sv[1]);
}

struct sig_ctx {
	struct tw_loop *loop;
	int got[2];
};

static void
on_sig(int signo, void *cookie)
{
	struct sig_ctx *s = cookie;

	s->got[signo == SIGUSR1 ? 0 : 1]++;
	if (s->got[0] > 0 && s->got[1] > 0)
		tw_loop_break(s->loop);
}

static void
test_signals(void **state)
{
	struct sig_ctx s;

	memset(&s, 0, sizeof(s));
	assert_non_null(s.loop = tw_loop_new());
	assert_int_equal(tw_loop_on_signal(s.loop, SIGUSR1, on_sig, &s), 0);
	assert_int_equal(tw_loop_on_signal(s.loop, SIGUSR2, on_sig, &s), 0);
	assert_int_equal(raise(SIGUSR1), 0);
	assert_int_equal(s.got[0], 0);          /* not from the signal handler */
	assert_int_equal(raise(SIGUSR2), 0);
	assert_int_equal(tw_loop_run(s.loop), 0);
	assert_int_equal(s.got[0], 1);
	assert_int_equal(s.got[1], 1);
	tw_loop_free(s.loop);                   /* frees the handlers */
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
}

static void
test_version(void **state)
{
	assert_int_equal(strncmp(tw_loop_version(), "libevent ", 9), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timer_order),
		cmocka_unit_test(test_rearm_and_activate),
		cmocka_unit_test(test_io_before_timers),
		cmocka_unit_test(test_signals),
		cmocka_unit_test(test_version),
	};

	return cmocka_run_group_tests_name("loop", tests, NULL, NULL);
}
