/*
 * engine.c -- c-ares channels on one libevent base, one per server.
 *
 * The only file that includes <ares.h> or the event2 headers.  See engine.h for
 * the model; the c-ares 1.18 facts behind the details are in
 * shared/DESIGN.md ("Engine facts that cost time to learn").
 */
#define CARES_NO_DEPRECATED 1

#include <ares.h>
#include <event2/event.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tldwatch/endpoint.h"
#include "tldwatch/engine.h"

/* c-ares gets a little longer than our own deadline, so ours decides. */
#define CARES_GRACE_MS 250

struct channel;

/* One libevent event per socket c-ares opens. */
struct sock_watch {
	ares_socket_t fd;
	struct event *ev;
	struct sock_watch *next;
};

struct channel {
	struct tw_engine *e;
	char address[TW_ADDRSTRLEN];
	uint16_t port;
	enum tw_transport transport;
	ares_channel ch;
	struct event *timer;       /* c-ares' own timeout processing */
	struct sock_watch *watches;
	struct channel *next;
};

struct attempt;

struct query {
	struct tw_engine *e;
	struct channel *chan;      /* NULL when blocked by policy */
	char *qname;
	uint16_t qtype;
	tw_engine_cb *cb;
	void *cookie;
	unsigned sent;
	struct attempt *live;      /* the attempt in flight, or NULL */
	bool delivered;
	enum tw_outcome final;     /* transport outcome to deliver */
	uint8_t *buf;              /* response to deliver */
	size_t len;
	double rtt_ms;
	struct query *prev, *next; /* undelivered queries (e->pending_list) */
	struct query *next_ready;  /* queue of queries to deliver */
	bool ready;
};

struct attempt {
	struct query *q;           /* NULL once orphaned (our deadline passed) */
	struct event *deadline;
	double start_ms;
	double end_ms;
	int status;                /* c-ares status */
	uint8_t *buf;
	size_t len;
	struct attempt *next_done;
};

struct tw_engine {
	struct tw_engine_opts opts;
	struct event_base *base;
	struct event *drain;       /* delivers finished attempts and queries */
	struct event *stop_timer;  /* the run's global deadline */
	bool deadline_hit;
	bool destroying;
	struct channel *channels;
	struct query *pending_list; /* every undelivered query */
	struct query *ready_head, *ready_tail;
	struct attempt *done;      /* attempts c-ares finished, not yet handled */
	size_t pending;
	void (*idle_cb)(void *);
	void *idle_cookie;
	struct event **signals;
	size_t n_signals;
};

struct tw_timer {
	struct event *ev;
	tw_timer_cb *cb;
	void *cookie;
};

struct signal_handler {
	tw_signal_cb *cb;
	void *cookie;
};

double
tw_engine_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void start_attempt(struct query *q);

const char *
tw_engine_versions(void)
{
	static char buf[96];

	snprintf(buf, sizeof(buf), "c-ares %s, libevent %s", ares_version(NULL),
	    event_get_version());
	return buf;
}

/* Re-arm the channel's timer from c-ares' view of its next timeout. */
static void
rearm(struct channel *c)
{
	struct timeval buf, *tv;

	tv = ares_timeout(c->ch, NULL, &buf);
	if (tv != NULL)
		evtimer_add(c->timer, tv);
	else
		evtimer_del(c->timer);
}

/* The argument is the channel, never the watch: c-ares may free the watch. */
static void
on_socket(evutil_socket_t fd, short what, void *cookie)
{
	struct channel *c = cookie;

	ares_process_fd(c->ch, (what & EV_READ) ? fd : ARES_SOCKET_BAD,
	    (what & EV_WRITE) ? fd : ARES_SOCKET_BAD);
	rearm(c);
}

static void
on_cares_timer(evutil_socket_t fd, short what, void *cookie)
{
	struct channel *c = cookie;

	ares_process_fd(c->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	rearm(c);
}

static void
on_sock_state(void *cookie, ares_socket_t fd, int readable, int writable)
{
	struct channel *c = cookie;
	struct sock_watch **pp, *w;

	for (pp = &c->watches; *pp != NULL; pp = &(*pp)->next)
		if ((*pp)->fd == fd)
			break;
	w = *pp;
	if (!readable && !writable) {
		/* c-ares is about to close the socket. */
		if (w != NULL) {
			*pp = w->next;
			event_free(w->ev);
			free(w);
		}
		return;
	}
	if (w == NULL) {
		if ((w = calloc(1, sizeof(*w))) == NULL)
			return;
		w->fd = fd;
		w->next = c->watches;
		c->watches = w;
	} else {
		event_free(w->ev);
	}
	w->ev = event_new(c->e->base, fd,
	    (short)((readable ? EV_READ : 0) | (writable ? EV_WRITE : 0) | EV_PERSIST),
	    on_socket, c);
	if (w->ev != NULL)
		event_add(w->ev, NULL);
}

static struct channel *
channel_new(struct tw_engine *e, const struct tw_target *t)
{
	struct ares_options o;
	struct channel *c;
	char csv[TW_ADDRSTRLEN + 16];
	int optmask, rc;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->e = e;
	snprintf(c->address, sizeof(c->address), "%s", t->address);
	c->port = t->port;
	c->transport = t->transport;

	memset(&o, 0, sizeof(o));
	o.flags = ARES_FLAG_NORECURSE | ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH |
	    (t->transport == TW_TRANSPORT_TCP ? ARES_FLAG_USEVC : ARES_FLAG_IGNTC);
	o.timeout = (int)(e->opts.timeout_ms + CARES_GRACE_MS);
	o.tries = 1;
	o.ndomains = 0;
	o.sock_state_cb = on_sock_state;
	o.sock_state_cb_data = c;
	optmask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
	    ARES_OPT_DOMAINS | ARES_OPT_SOCK_STATE_CB;
#ifdef ARES_OPT_QUERY_CACHE
	o.qcache_max_ttl = 0;      /* newer c-ares caches answers: never here */
	optmask |= ARES_OPT_QUERY_CACHE;
#endif
#ifdef ARES_OPT_MAXTIMEOUTMS
	o.maxtimeout = o.timeout;
	optmask |= ARES_OPT_MAXTIMEOUTMS;
#endif
	if ((rc = ares_init_options(&c->ch, &o, optmask)) != ARES_SUCCESS) {
		fprintf(stderr, "tldwatch: c-ares: %s\n", ares_strerror(rc));
		goto err1;
	}
	if (strchr(t->address, ':') != NULL)
		snprintf(csv, sizeof(csv), "[%s]:%u", t->address, (unsigned)t->port);
	else
		snprintf(csv, sizeof(csv), "%s:%u", t->address, (unsigned)t->port);
	if ((rc = ares_set_servers_ports_csv(c->ch, csv)) != ARES_SUCCESS) {
		fprintf(stderr, "tldwatch: c-ares: server %s: %s\n", csv, ares_strerror(rc));
		goto err2;
	}
	if ((c->timer = evtimer_new(e->base, on_cares_timer, c)) == NULL)
		goto err2;
	c->next = e->channels;
	e->channels = c;
	return c;

err2:
	ares_destroy(c->ch);
err1:
	free(c);
	return NULL;
}

static struct channel *
channel_get(struct tw_engine *e, const struct tw_target *t)
{
	struct channel *c;

	for (c = e->channels; c != NULL; c = c->next)
		if (c->port == t->port && c->transport == t->transport &&
		    strcmp(c->address, t->address) == 0)
			return c;
	return channel_new(e, t);
}

/* Queue ${q} for delivery from the drain event. */
static void
make_ready(struct query *q, enum tw_outcome final)
{
	struct tw_engine *e = q->e;

	q->final = final;
	q->ready = true;
	q->next_ready = NULL;
	if (e->ready_tail != NULL)
		e->ready_tail->next_ready = q;
	else
		e->ready_head = q;
	e->ready_tail = q;
	event_active(e->drain, EV_TIMEOUT, 0);
}

/* An attempt ended without a response: try again or give up. */
static void
attempt_failed(struct query *q, enum tw_outcome why)
{
	if (why == TW_OUTCOME_TIMEOUT && q->sent < q->e->opts.attempts)
		start_attempt(q);
	else
		make_ready(q, why);
}

static void
attempt_free(struct attempt *a)
{
	if (a->deadline != NULL)
		event_free(a->deadline);
	free(a->buf);
	free(a);
}

/* Our deadline for one attempt: the attempt is orphaned, c-ares frees it later. */
static void
on_attempt_deadline(evutil_socket_t fd, short what, void *cookie)
{
	struct attempt *a = cookie;
	struct query *q = a->q;

	if (q == NULL)
		return;
	a->q = NULL;
	q->live = NULL;
	attempt_failed(q, TW_OUTCOME_TIMEOUT);
}

/* Called by c-ares, possibly inside ares_query(): only record and defer. */
static void
on_cares_done(void *cookie, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct attempt *a = cookie;
	struct tw_engine *e;

	e = a->q != NULL ? a->q->e : NULL;
	a->status = status;
	a->end_ms = tw_engine_now_ms();
	if (abuf != NULL && alen > 0 && (a->buf = malloc((size_t)alen)) != NULL) {
		memcpy(a->buf, abuf, (size_t)alen);
		a->len = (size_t)alen;
	}
	if (a->deadline != NULL)
		evtimer_del(a->deadline);
	if (e == NULL || e->destroying) {
		attempt_free(a);
		return;
	}
	a->next_done = e->done;
	e->done = a;
	event_active(e->drain, EV_TIMEOUT, 0);
}

/*
 * The server's port is closed.  Every query in flight on the channel shares
 * its socket, and the kernel reports the ICMP error to whichever send or
 * receive comes next, so the others would only wait for their deadline:
 * they were sent to the same closed port, so they end unreachable too.
 */
static void
fail_channel(struct channel *c)
{
	struct query *q;

	for (q = c->e->pending_list; q != NULL; q = q->next) {
		if (q->chan != c || q->live == NULL)
			continue;
		q->live->q = NULL;    /* orphaned: c-ares frees it when it gives up */
		q->live = NULL;
		make_ready(q, TW_OUTCOME_UNREACHABLE);
	}
}

/* Turn one finished attempt into the query's next step. */
static void
handle_done(struct attempt *a)
{
	struct query *q = a->q;

	if (q == NULL) {          /* orphaned: our deadline already counted it */
		attempt_free(a);
		return;
	}
	q->live = NULL;
	if (a->buf != NULL) {
		q->buf = a->buf;
		q->len = a->len;
		a->buf = NULL;
		q->rtt_ms = a->end_ms - a->start_ms;
		make_ready(q, TW_OUTCOME_NONE);
	} else if (a->status == ARES_ETIMEOUT) {
		attempt_failed(q, TW_OUTCOME_TIMEOUT);
	} else if (a->status == ARES_EBADRESP) {
		make_ready(q, TW_OUTCOME_MALFORMED);
	} else {
		/* ECONNREFUSED (ICMP, RST), and anything that kept the query from the wire. */
		make_ready(q, TW_OUTCOME_UNREACHABLE);
		if (a->status == ARES_ECONNREFUSED)
			fail_channel(q->chan);
	}
	attempt_free(a);
}

static void
query_unlink(struct query *q)
{
	struct tw_engine *e = q->e;

	if (q->prev != NULL)
		q->prev->next = q->next;
	else
		e->pending_list = q->next;
	if (q->next != NULL)
		q->next->prev = q->prev;
	q->prev = q->next = NULL;
	e->pending--;
}

static void
query_free(struct query *q)
{
	free(q->qname);
	free(q->buf);
	free(q);
}

/* Hand one query's result to its owner, then forget the query. */
static void
deliver(struct query *q)
{
	struct tw_engine_reply r;

	query_unlink(q);
	memset(&r, 0, sizeof(r));
	r.transport_outcome = q->final;
	r.sent = q->sent;
	r.buf = q->buf;
	r.len = q->len;
	r.answered = q->buf != NULL ? 1 : 0;
	r.rtt_ms = q->buf != NULL ? q->rtt_ms : -1.0;
	q->cb(q->cookie, &r);
	query_free(q);
}

static void
on_drain(evutil_socket_t fd, short what, void *cookie)
{
	struct tw_engine *e = cookie;
	struct attempt *a;
	struct query *q;
	bool delivered = false;

	while (e->done != NULL || e->ready_head != NULL) {
		while ((a = e->done) != NULL) {
			e->done = a->next_done;
			handle_done(a);
		}
		while ((q = e->ready_head) != NULL) {
			e->ready_head = q->next_ready;
			if (e->ready_head == NULL)
				e->ready_tail = NULL;
			deliver(q);
			delivered = true;
		}
	}
	if (delivered && e->pending == 0 && e->idle_cb != NULL)
		e->idle_cb(e->idle_cookie);
}

static void
start_attempt(struct query *q)
{
	struct channel *c = q->chan;
	struct attempt *a;
	struct timeval tv;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		goto fail;
	if ((a->deadline = evtimer_new(q->e->base, on_attempt_deadline, a)) == NULL) {
		free(a);
		goto fail;
	}
	a->q = q;
	q->live = a;
	q->sent++;
	tv.tv_sec = q->e->opts.timeout_ms / 1000;
	tv.tv_usec = (q->e->opts.timeout_ms % 1000) * 1000;
	evtimer_add(a->deadline, &tv);
	a->start_ms = tw_engine_now_ms();
	/* May call on_cares_done() before it returns; a is linked already. */
	ares_query(c->ch, q->qname[0] != '\0' ? q->qname : ".", 1 /* C_IN */,
	    q->qtype, on_cares_done, a);
	rearm(c);
	return;
fail:
	make_ready(q, TW_OUTCOME_UNREACHABLE);
}

int
tw_engine_query(struct tw_engine *e, const struct tw_target *t, const char *qname,
    uint16_t qtype, tw_engine_cb *cb, void *cookie)
{
	struct query *q;

	if ((q = calloc(1, sizeof(*q))) == NULL)
		return -1;
	if ((q->qname = strdup(qname)) == NULL) {
		free(q);
		return -1;
	}
	q->e = e;
	q->qtype = qtype;
	q->cb = cb;
	q->cookie = cookie;
	q->rtt_ms = -1.0;
	q->next = e->pending_list;
	if (q->next != NULL)
		q->next->prev = q;
	e->pending_list = q;
	e->pending++;
	if (e->opts.loopback_only && !tw_address_is_loopback(t->address)) {
		make_ready(q, TW_OUTCOME_BLOCKED);
		return 0;
	}
	if ((q->chan = channel_get(e, t)) == NULL) {
		make_ready(q, TW_OUTCOME_UNREACHABLE);
		return 0;
	}
	start_attempt(q);
	return 0;
}

static void
on_stop(evutil_socket_t fd, short what, void *cookie)
{
	struct tw_engine *e = cookie;

	e->deadline_hit = true;
	event_base_loopbreak(e->base);
}

int
tw_engine_run(struct tw_engine *e, uint32_t deadline_ms)
{
	struct timeval tv;

	e->deadline_hit = false;
	if (deadline_ms > 0) {
		tv.tv_sec = deadline_ms / 1000;
		tv.tv_usec = (deadline_ms % 1000) * 1000;
		evtimer_add(e->stop_timer, &tv);
	}
	while (e->pending > 0 && !e->deadline_hit)
		if (event_base_loop(e->base, EVLOOP_ONCE) < 0)
			break;
	evtimer_del(e->stop_timer);
	if (e->pending == 0)
		return 0;
	tw_engine_cancel_all(e);
	return 1;
}

void
tw_engine_cancel_all(struct tw_engine *e)
{
	struct query *q;

	/* Finished attempts not yet handled belong to queries about to go. */
	while (e->pending_list != NULL) {
		q = e->pending_list;
		if (q->live != NULL) {
			q->live->q = NULL;   /* orphaned: c-ares frees it when it gives up */
			q->live = NULL;
		}
		query_unlink(q);
		if (!q->ready)
			query_free(q);       /* queries on the ready queue are freed below */
	}
	/* The ready queue only holds cancelled queries now. */
	while ((q = e->ready_head) != NULL) {
		e->ready_head = q->next_ready;
		query_free(q);
	}
	e->ready_tail = NULL;
}

void
tw_engine_set_idle_cb(struct tw_engine *e, void (*cb)(void *), void *cookie)
{
	e->idle_cb = cb;
	e->idle_cookie = cookie;
}

static void
channels_free(struct tw_engine *e)
{
	struct channel *c;
	struct sock_watch *w;

	while ((c = e->channels) != NULL) {
		e->channels = c->next;
		ares_destroy(c->ch);
		while ((w = c->watches) != NULL) {
			c->watches = w->next;
			event_free(w->ev);
			free(w);
		}
		event_free(c->timer);
		free(c);
	}
}

int
tw_engine_configure(struct tw_engine *e, const struct tw_engine_opts *opts)
{
	if (e->pending > 0)
		return -1;
	if (opts->timeout_ms != e->opts.timeout_ms) {
		/* The c-ares timeout lives in each channel: start afresh. */
		e->destroying = true;
		channels_free(e);
		e->destroying = false;
	}
	e->opts = *opts;
	if (e->opts.attempts == 0)
		e->opts.attempts = 1;
	return 0;
}

size_t
tw_engine_pending(const struct tw_engine *e)
{
	return e->pending;
}

struct tw_engine *
tw_engine_new(const struct tw_engine_opts *opts)
{
	struct tw_engine *e;
	int rc;

	if ((rc = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS) {
		fprintf(stderr, "tldwatch: c-ares: %s\n", ares_strerror(rc));
		return NULL;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL)
		goto err0;
	e->opts = *opts;
	if (e->opts.attempts == 0)
		e->opts.attempts = 1;
	if ((e->base = event_base_new()) == NULL)
		goto err1;
	if ((e->drain = event_new(e->base, -1, 0, on_drain, e)) == NULL)
		goto err2;
	if ((e->stop_timer = evtimer_new(e->base, on_stop, e)) == NULL)
		goto err3;
	return e;

err3:
	event_free(e->drain);
err2:
	event_base_free(e->base);
err1:
	free(e);
err0:
	fprintf(stderr, "tldwatch: cannot create the event loop\n");
	ares_library_cleanup();
	return NULL;
}

static void
on_timer(evutil_socket_t fd, short what, void *cookie)
{
	struct tw_timer *t = cookie;

	t->cb(t->cookie);
}

struct tw_timer *
tw_timer_new(struct tw_engine *e, tw_timer_cb *cb, void *cookie)
{
	struct tw_timer *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((t->ev = evtimer_new(e->base, on_timer, t)) == NULL) {
		free(t);
		return NULL;
	}
	t->cb = cb;
	t->cookie = cookie;
	return t;
}

void
tw_timer_arm(struct tw_timer *t, double ms)
{
	struct timeval tv;

	if (ms < 0)
		ms = 0;
	tv.tv_sec = (time_t)(ms / 1000.0);
	tv.tv_usec = (suseconds_t)((ms - (double)tv.tv_sec * 1000.0) * 1000.0);
	evtimer_add(t->ev, &tv);
}

void
tw_timer_cancel(struct tw_timer *t)
{
	if (t != NULL)
		evtimer_del(t->ev);
}

void
tw_timer_free(struct tw_timer *t)
{
	if (t == NULL)
		return;
	event_free(t->ev);
	free(t);
}

static void
on_signal(evutil_socket_t signo, short what, void *cookie)
{
	struct signal_handler *h = cookie;

	h->cb((int)signo, h->cookie);
}

int
tw_engine_on_signal(struct tw_engine *e, int signo, tw_signal_cb *cb, void *cookie)
{
	struct signal_handler *h;
	struct event **v;
	struct event *ev;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return -1;
	h->cb = cb;
	h->cookie = cookie;
	if ((v = realloc(e->signals, (e->n_signals + 1) * sizeof(*v))) == NULL)
		goto fail;
	e->signals = v;
	if ((ev = evsignal_new(e->base, signo, on_signal, h)) == NULL)
		goto fail;
	if (evsignal_add(ev, NULL) != 0) {
		event_free(ev);
		goto fail;
	}
	e->signals[e->n_signals++] = ev;
	return 0;
fail:
	free(h);
	return -1;
}

struct event_base *
tw_engine_event_base(struct tw_engine *e)
{
	return e->base;
}

int
tw_engine_loop(struct tw_engine *e)
{
	return event_base_loop(e->base, EVLOOP_NO_EXIT_ON_EMPTY) < 0 ? -1 : 0;
}

void
tw_engine_break(struct tw_engine *e)
{
	event_base_loopbreak(e->base);
}

void
tw_engine_free(struct tw_engine *e)
{
	struct attempt *a;
	size_t i;

	if (e == NULL)
		return;
	tw_engine_cancel_all(e);
	e->destroying = true;
	channels_free(e);     /* ares_destroy() calls back for every orphan: freed there */
	while ((a = e->done) != NULL) {
		e->done = a->next_done;
		attempt_free(a);
	}
	for (i = 0; i < e->n_signals; i++) {
		free(event_get_callback_arg(e->signals[i]));
		event_free(e->signals[i]);
	}
	free(e->signals);
	event_free(e->stop_timer);
	event_free(e->drain);
	event_base_free(e->base);
	free(e);
	ares_library_cleanup();
}
