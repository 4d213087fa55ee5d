/*
 * loop.c -- one libevent base with its timers, signal handlers and socket
 * watches.
 *
 * See loop.h for the model.  Each timer and watch is one allocation: our
 * header with libevent's struct event after it (event_assign on memory
 * sized by event_get_struct_event_size()), so a query's deadline costs one
 * malloc, as a bare evtimer_new() did.
 */
#include <event2/event.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/queue.h>
#include <sys/time.h>

#include "tldwatch/loop.h"

/* Callback bands: socket watches are read before any timer is judged. */
enum { PRIO_IO = 0, PRIO_LATER = 1, PRIO_COUNT = 2 };

struct signal_handler {
	struct event *ev;
	tw_loop_signal_cb *cb;
	void *cookie;
	LIST_ENTRY(signal_handler) link;
};

struct tw_loop {
	struct event_base *base;
	LIST_HEAD(, signal_handler) signals;
};

struct tw_loop_timer {
	tw_loop_timer_cb *cb;
	void *cookie;
	max_align_t ev[];            /* struct event, event_get_struct_event_size() bytes */
};

struct tw_loop_io {
	struct tw_loop *loop;
	int fd;
	short what;                  /* EV_READ and EV_WRITE as added; 0: not added */
	tw_loop_io_cb *cb;
	void *cookie;
	max_align_t ev[];            /* struct event, as for timers */
};

#define EV(x) ((struct event *)(void *)(x)->ev)

const char *
tw_loop_version(void)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "libevent %s", event_get_version());
	return buf;
}

struct tw_loop *
tw_loop_new(void)
{
	struct tw_loop *loop;

	if ((loop = calloc(1, sizeof(*loop))) == NULL)
		goto err0;
	LIST_INIT(&loop->signals);
	if ((loop->base = event_base_new()) == NULL)
		goto err1;
	if (event_base_priority_init(loop->base, PRIO_COUNT) != 0)
		goto err2;
	return loop;

err2:
	event_base_free(loop->base);
err1:
	free(loop);
err0:
	fprintf(stderr, "tldwatch: cannot create the event loop\n");
	return NULL;
}

void
tw_loop_free(struct tw_loop *loop)
{
	struct signal_handler *h;

	if (loop == NULL)
		return;
	while ((h = LIST_FIRST(&loop->signals)) != NULL) {
		LIST_REMOVE(h, link);
		event_free(h->ev);
		free(h);
	}
	event_base_free(loop->base);
	free(loop);
}

int
tw_loop_run(struct tw_loop *loop)
{
	return event_base_loop(loop->base, EVLOOP_NO_EXIT_ON_EMPTY) < 0 ? -1 : 0;
}

int
tw_loop_run_once(struct tw_loop *loop)
{
	return event_base_loop(loop->base, EVLOOP_ONCE);
}

void
tw_loop_break(struct tw_loop *loop)
{
	event_base_loopbreak(loop->base);
}

struct event_base *
tw_loop_event_base(struct tw_loop *loop)
{
	return loop->base;
}

/* ---- timers ---- */

/* Read what is needed before the call: the callback may free ${t}. */
static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct tw_loop_timer *t = arg;

	t->cb(t->cookie);
}

struct tw_loop_timer *
tw_loop_timer_new(struct tw_loop *loop, tw_loop_timer_cb *cb, void *cookie)
{
	struct tw_loop_timer *t;

	if ((t = malloc(sizeof(*t) + event_get_struct_event_size())) == NULL)
		return NULL;
	t->cb = cb;
	t->cookie = cookie;
	if (evtimer_assign(EV(t), loop->base, on_timer, t) != 0 ||
	    event_priority_set(EV(t), PRIO_LATER) != 0) {
		free(t);
		return NULL;
	}
	return t;
}

/* ${ms} as a timeval, rounded to the microsecond. */
static struct timeval
ms_to_tv(double ms)
{
	struct timeval tv;
	long long us;

	if (!(ms > 0))               /* also NaN */
		ms = 0;
	if (ms > 1e12)               /* about 30 years: never, in practice */
		ms = 1e12;
	us = (long long)(ms * 1000.0 + 0.5);
	tv.tv_sec = (time_t)(us / 1000000);
	tv.tv_usec = (suseconds_t)(us % 1000000);
	return tv;
}

void
tw_loop_timer_arm(struct tw_loop_timer *t, double ms)
{
	struct timeval tv = ms_to_tv(ms);

	evtimer_add(EV(t), &tv);
}

void
tw_loop_timer_activate(struct tw_loop_timer *t)
{
	event_active(EV(t), EV_TIMEOUT, 0);
}

void
tw_loop_timer_cancel(struct tw_loop_timer *t)
{
	if (t != NULL)
		evtimer_del(EV(t));
}

void
tw_loop_timer_free(struct tw_loop_timer *t)
{
	if (t == NULL)
		return;
	evtimer_del(EV(t));
	free(t);
}

/* ---- signals ---- */

static void
on_signal(evutil_socket_t signo, short what, void *arg)
{
	struct signal_handler *h = arg;

	h->cb((int)signo, h->cookie);
}

int
tw_loop_on_signal(struct tw_loop *loop, int signo, tw_loop_signal_cb *cb, void *cookie)
{
	struct signal_handler *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return -1;
	h->cb = cb;
	h->cookie = cookie;
	if ((h->ev = evsignal_new(loop->base, signo, on_signal, h)) == NULL)
		goto fail;
	if (evsignal_add(h->ev, NULL) != 0) {
		event_free(h->ev);
		goto fail;
	}
	LIST_INSERT_HEAD(&loop->signals, h, link);
	return 0;
fail:
	free(h);
	return -1;
}

/* ---- socket watches ---- */

static void
on_io(evutil_socket_t fd, short what, void *arg)
{
	struct tw_loop_io *io = arg;

	io->cb((int)fd, ((what & EV_READ) ? TW_LOOP_READ : 0) |
	    ((what & EV_WRITE) ? TW_LOOP_WRITE : 0), io->cookie);
}

struct tw_loop_io *
tw_loop_io_new(struct tw_loop *loop, int fd, unsigned events, tw_loop_io_cb *cb,
    void *cookie)
{
	struct tw_loop_io *io;

	if ((io = malloc(sizeof(*io) + event_get_struct_event_size())) == NULL)
		return NULL;
	io->loop = loop;
	io->fd = fd;
	io->cb = cb;
	io->cookie = cookie;
	io->what = 0;
	/* Assigned (so that a del is always valid), added only with some interest. */
	if (event_assign(EV(io), loop->base, fd, EV_PERSIST, on_io, io) != 0 ||
	    tw_loop_io_set(io, events) != 0) {
		free(io);
		return NULL;
	}
	return io;
}

/*
 * event_assign() is only for an event neither pending nor active: delete
 * it first (which also drops an activation not yet run; the poll, level
 * triggered, reports a still-ready socket again).
 */
int
tw_loop_io_set(struct tw_loop_io *io, unsigned events)
{
	short what = (short)(((events & TW_LOOP_READ) ? EV_READ : 0) |
	    ((events & TW_LOOP_WRITE) ? EV_WRITE : 0));

	if (what == io->what && what != 0)
		return 0;              /* as it is: no epoll_ctl() pair for nothing */
	event_del(EV(io));
	io->what = 0;
	if (what == 0)
		return 0;
	if (event_assign(EV(io), io->loop->base, io->fd, (short)(what | EV_PERSIST), on_io,
	    io) != 0 || event_priority_set(EV(io), PRIO_IO) != 0 || event_add(EV(io), NULL) != 0)
		return -1;
	io->what = what;
	return 0;
}

void
tw_loop_io_free(struct tw_loop_io *io)
{
	if (io == NULL)
		return;
	event_del(EV(io));
	free(io);
}
