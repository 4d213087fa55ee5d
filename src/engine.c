/*
 * engine.c -- c-ares channels on the process's event loop, one per server.
 *
 * The only file that includes <ares.h>; its sockets and timers are the
 * loop's (loop.h).  See engine.h for the model; the c-ares 1.18 facts behind
 * the details are in docs/engine.md.
 */
#define CARES_NO_DEPRECATED 1

#include <ares.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include "tldwatch/clock.h"
#include "tldwatch/endpoint.h"
#include "tldwatch/engine.h"
#include "tldwatch/hash.h"
#include "tldwatch/loop.h"
#include "tldwatch/transport.h"
#include "tldwatch/wire.h"

/* Room for a burst of replies to one socket (the kernel may cap it). */
#define SOCK_RCVBUF (1 << 20)
/* c-ares gets a little longer than our own deadline, so ours decides. */
#define CARES_GRACE_MS 250
/* A query: header, a name of 255 bytes at most, type and class, an OPT record with an option. */
#define QUERY_MAX (12 + 255 + 4 + 11 + 4)
/* Random picks before a query ID is searched for in order (a channel holds a few dozen). */
#define ID_TRIES 64

struct channel;
struct query;

/* One loop watch per socket c-ares opens; a parked socket's stays. */
struct sock_watch {
	ares_socket_t fd;
	struct tw_loop_io *io;
	LIST_ENTRY(sock_watch) link;
};

/*
 * A UDP socket a channel opened for c-ares.  When c-ares closes it (the channel is
 * re-pointed at another server, or the server's port was unreachable) it is parked instead:
 * still open, still watched, its datagrams read and dropped; the next UDP socket c-ares asks
 * the channel for in that family is this one, connected to the new server.  That spares
 * socket(), setsockopt(), close() and two epoll_ctl() calls for every server a channel
 * serves in turn (7,500 on the world lab).
 */
struct udp_sock {
	ares_socket_t fd;           /* ARES_SOCKET_BAD: the slot is free */
	int family;
	bool parked;
};

#define CHANNEL_UDP_SOCKS 2     /* one per address family */

/* A server (address, port, transport): where its queries wait their turn. */
struct target {
	char address[TW_ADDRSTRLEN];
	uint16_t port;
	enum tw_transport transport;
	struct channel *chan;       /* bound channel, or NULL */
	STAILQ_HEAD(, query) waiting; /* queries not started yet, in order */
	LIST_HEAD(, query) started; /* started, not delivered */
	unsigned inflight;          /* started, not delivered */
	bool runnable;              /* on one of the engine's round-robin queues */
	STAILQ_ENTRY(target) run_link;
	SLIST_ENTRY(target) all_link;
};

/* A pooled c-ares channel, bound to one target at a time. */
struct channel {
	struct tw_engine *e;
	struct target *t;           /* bound target, or NULL */
	ares_channel ch;
	struct tw_loop_timer *timer; /* c-ares' own timeout processing */
	LIST_HEAD(, sock_watch) watches;
	struct udp_sock udp[CHANNEL_UDP_SOCKS];
	bool closing;               /* ares_destroy() runs: its sockets are really closed */
	bool idle;                  /* on the idle queue: no query in flight */
	TAILQ_ENTRY(channel) idle_link;
	LIST_ENTRY(channel) link;   /* every channel */
	/*
	 * Query IDs c-ares holds on this channel, from ares_send() until it calls
	 * back.  c-ares 1.18 gives a reply to the first query with its ID and uses
	 * the ID ares_send() is given, so two at once would steal each other's.
	 */
	uint64_t ids[65536 / 64];
};

struct attempt;

struct query {
	struct tw_engine *e;
	struct target *t;           /* NULL when blocked by policy */
	struct channel *chan;       /* set when started */
	uint16_t qtype;
	struct tw_wire_qspec spec;  /* class, EDNS */
	tw_engine_cb *cb;
	void *cookie;
	unsigned sent;
	unsigned attempts;          /* attempts allowed (the engine's, or 1 with a deadline) */
	double deadline_at;         /* > 0: the monotonic time the query must end by */
	struct attempt *live;       /* the attempt in flight, or NULL */
	bool started;
	bool ready;
	enum tw_outcome final;      /* transport outcome to deliver */
	uint8_t *buf;               /* response to deliver */
	size_t len;
	double rtt_ms;
	LIST_ENTRY(query) pending_link;  /* every undelivered query (e->pending_list) */
	STAILQ_ENTRY(query) wait_link;   /* the target's wait queue */
	LIST_ENTRY(query) started_link;  /* the target's started list */
	STAILQ_ENTRY(query) ready_link;  /* queries to deliver (e->ready) */
	char qname[];               /* in the same allocation */
};

struct attempt {
	struct query *q;            /* NULL once orphaned (our deadline passed) */
	struct channel *chan;       /* where it was sent, and under which ID */
	uint16_t id;
	struct tw_loop_timer *deadline;
	double start_ms;
	double end_ms;
	int status;                 /* c-ares status */
	uint8_t *buf;
	size_t len;
	SLIST_ENTRY(attempt) done_link;
};

struct tw_engine {
	struct tw_engine_opts opts;
	struct tw_loop *loop;
	struct tw_loop_timer *drain; /* delivers finished attempts and queries */
	struct tw_loop_timer *stop_timer; /* tw_engine_run()'s deadline */
	bool deadline_hit;
	bool destroying;
	struct tw_hash by_key;      /* every target, by (address, port, transport) */
	SLIST_HEAD(, target) targets; /* every target */
	/*
	 * Targets with queries ready to start, in turn: those holding a channel first (no
	 * channel is spent on them), then those waiting for one.
	 */
	STAILQ_HEAD(, target) run_bound;
	STAILQ_HEAD(, target) run;
	LIST_HEAD(, channel) channels; /* every channel */
	TAILQ_HEAD(, channel) idle; /* idle channels, least recently used first */
	size_t n_channels;
	size_t inflight;            /* started queries not yet delivered */
	LIST_HEAD(, query) pending_list; /* every undelivered query, newest first */
	STAILQ_HEAD(, query) ready; /* queries to deliver, in order */
	SLIST_HEAD(, attempt) done; /* attempts c-ares finished, not yet handled (newest first) */
	SLIST_HEAD(, attempt) spare; /* handled attempts kept, with their timers, for the next */
	size_t n_spare;
	size_t pending;
	void (*idle_cb)(void *);
	void *idle_cookie;
	/* Random query IDs, drawn in bulk (glibc 2.36 makes a getrandom() call per arc4random()). */
	uint16_t rand_ids[256];
	unsigned rand_left;
};

static void start_attempt(struct query *q);

const char *
tw_engine_versions(void)
{
	static char buf[96];

	snprintf(buf, sizeof(buf), "c-ares %s, %s", ares_version(NULL), tw_loop_version());
	return buf;
}

/* Re-arm the channel's timer from c-ares' view of its next timeout. */
static void
rearm(struct channel *c)
{
	struct timeval buf, *tv;

	tv = ares_timeout(c->ch, NULL, &buf);
	if (tv != NULL)
		tw_loop_timer_arm(c->timer, (double)tv->tv_sec * 1000.0 +
		    (double)tv->tv_usec / 1000.0);
	else
		tw_loop_timer_cancel(c->timer);
}

static struct udp_sock *
udp_find(struct channel *c, ares_socket_t fd)
{
	size_t i;

	for (i = 0; i < CHANNEL_UDP_SOCKS; i++)
		if (c->udp[i].fd == fd && fd != ARES_SOCKET_BAD)
			return &c->udp[i];
	return NULL;
}

/*
 * A parked socket became readable: a late reply from the server it was connected to, or
 * that server's ICMP error.  Read and drop them (the poll is level triggered).
 */
static void
udp_drain(ares_socket_t fd)
{
	unsigned char buf[512];
	int i;

	for (i = 0; i < 64; i++)
		if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) < 0 &&
		    errno != ECONNREFUSED && errno != EHOSTUNREACH && errno != ENETUNREACH)
			break;
}

/* The cookie is the channel, never the watch: c-ares may free the watch. */
static void
on_socket(int fd, unsigned events, void *cookie)
{
	struct channel *c = cookie;
	struct udp_sock *u;

	if ((u = udp_find(c, fd)) != NULL && u->parked) {
		udp_drain(fd);
		return;
	}
	ares_process_fd(c->ch, (events & TW_LOOP_READ) ? fd : ARES_SOCKET_BAD,
	    (events & TW_LOOP_WRITE) ? fd : ARES_SOCKET_BAD);
	rearm(c);
}

static void
on_cares_timer(void *cookie)
{
	struct channel *c = cookie;

	ares_process_fd(c->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	rearm(c);
}

static void
on_sock_state(void *cookie, ares_socket_t fd, int readable, int writable)
{
	struct channel *c = cookie;
	struct sock_watch *w;
	unsigned events = (readable ? TW_LOOP_READ : 0) | (writable ? TW_LOOP_WRITE : 0);

	LIST_FOREACH(w, &c->watches, link)
		if (w->fd == fd)
			break;
	if (events == 0) {
		/* c-ares is about to close the socket: a UDP one is parked, still watched. */
		if (w != NULL && !c->closing && udp_find(c, fd) != NULL) {
			(void)tw_loop_io_set(w->io, TW_LOOP_READ);
			return;
		}
		if (w != NULL) {
			LIST_REMOVE(w, link);
			tw_loop_io_free(w->io);
			free(w);
		}
		return;
	}
	if (w != NULL) {
		(void)tw_loop_io_set(w->io, events);
		return;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return;
	w->fd = fd;
	if ((w->io = tw_loop_io_new(c->e->loop, fd, events, on_socket, c)) == NULL) {
		free(w);
		return;
	}
	LIST_INSERT_HEAD(&c->watches, w, link);
}

/*
 * The sockets c-ares opens, through ares_set_socket_functions(): the same calls it would
 * make, with fewer system calls.  A socket is born non-blocking and close-on-exec (c-ares
 * 1.18 would add three fcntl() calls), and c-ares leaves every option of a socket it did not
 * make to us: the receive buffer, and TCP_NODELAY on TCP.  Sends never raise SIGPIPE.
 */
static ares_socket_t
sock_open(int family, int type, int protocol, void *cookie)
{
	struct channel *c = cookie;
	struct udp_sock *u, *free_slot = NULL;
	int fd, one = 1, rcvbuf = SOCK_RCVBUF, err;
	socklen_t len = sizeof(err);
	size_t i;

	if (type == SOCK_DGRAM) {
		for (i = 0; i < CHANNEL_UDP_SOCKS; i++) {
			u = &c->udp[i];
			if (u->fd == ARES_SOCKET_BAD) {
				if (free_slot == NULL)
					free_slot = u;
			} else if (u->parked && u->family == family) {
				/* an ICMP error its last server sent is not the next one's */
				(void)getsockopt(u->fd, SOL_SOCKET, SO_ERROR, &err, &len);
				u->parked = false;
				return u->fd;
			}
		}
	}
	if ((fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol)) < 0)
		return ARES_SOCKET_BAD;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (type == SOCK_STREAM)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (free_slot != NULL) {
		free_slot->fd = fd;
		free_slot->family = family;
		free_slot->parked = false;
	}
	return fd;
}

static int
sock_close(ares_socket_t fd, void *cookie)
{
	struct channel *c = cookie;
	struct udp_sock *u;

	if ((u = udp_find(c, fd)) != NULL) {
		if (!c->closing) {
			u->parked = true;
			return 0;
		}
		u->fd = ARES_SOCKET_BAD;
	}
	return close(fd);
}

static int
sock_connect(ares_socket_t fd, const struct sockaddr *sa, ares_socklen_t len, void *cookie)
{
	(void)cookie;
	return connect(fd, sa, len);
}

static ares_ssize_t
sock_recvfrom(ares_socket_t fd, void *buf, size_t len, int flags, struct sockaddr *from,
    ares_socklen_t *fromlen, void *cookie)
{
	(void)cookie;
	return recvfrom(fd, buf, len, flags, from, fromlen);
}

static ares_ssize_t
sock_sendv(ares_socket_t fd, const struct iovec *iov, int n, void *cookie)
{
	struct msghdr m;

	(void)cookie;
	if (n == 1)
		return send(fd, iov[0].iov_base, iov[0].iov_len, MSG_NOSIGNAL);
	memset(&m, 0, sizeof(m));
	m.msg_iov = (struct iovec *)(uintptr_t)iov;
	m.msg_iovlen = (size_t)n;
	return sendmsg(fd, &m, MSG_NOSIGNAL);
}

static const struct ares_socket_functions sock_funcs = {
	sock_open, sock_close, sock_connect, sock_recvfrom, sock_sendv,
};

/* Point ${c}'s server list at ${t}'s server alone; a c-ares status. */
static int
channel_point(struct channel *c, const struct target *t)
{
	char csv[TW_ADDRSTRLEN + 16];

	if (strchr(t->address, ':') != NULL)
		snprintf(csv, sizeof(csv), "[%s]:%u", t->address, (unsigned)t->port);
	else
		snprintf(csv, sizeof(csv), "%s:%u", t->address, (unsigned)t->port);
	return ares_set_servers_ports_csv(c->ch, csv);
}

/* Create a channel for ${t}'s server; NULL (after saying why) on failure. */
static struct channel *
channel_new(struct tw_engine *e, struct target *t)
{
	static char lookups[] = "b";
	struct in_addr placeholder;
	struct ares_options o;
	struct channel *c;
	int optmask, rc;
	size_t i;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->e = e;
	LIST_INIT(&c->watches);
	for (i = 0; i < CHANNEL_UDP_SOCKS; i++)
		c->udp[i].fd = ARES_SOCKET_BAD;
	placeholder.s_addr = htonl(INADDR_LOOPBACK);
	memset(&o, 0, sizeof(o));
	o.flags = ARES_FLAG_NORECURSE | ARES_FLAG_NOCHECKRESP | ARES_FLAG_NOSEARCH |
	    ARES_FLAG_STAYOPEN |
	    (t->transport == TW_TRANSPORT_TCP ? ARES_FLAG_USEVC : ARES_FLAG_IGNTC);
	o.timeout = (int)(e->opts.timeout_ms + CARES_GRACE_MS);
	o.tries = 1;
	o.ndomains = 0;
	o.sock_state_cb = on_sock_state;
	o.sock_state_cb_data = c;
	/*
	 * A placeholder server and lookup order keep ares_init_options() from
	 * reading resolv.conf, nsswitch.conf and host.conf for every channel
	 * (the real server is set below); a world round makes thousands.
	 */
	o.servers = &placeholder;
	o.nservers = 1;
	o.lookups = lookups;
	o.ndots = 1;
	o.nsort = 0;
	optmask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
	    ARES_OPT_DOMAINS | ARES_OPT_SOCK_STATE_CB |
	    ARES_OPT_SERVERS | ARES_OPT_LOOKUPS | ARES_OPT_NDOTS | ARES_OPT_SORTLIST;
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
	ares_set_socket_functions(c->ch, &sock_funcs, c);
	if ((rc = channel_point(c, t)) != ARES_SUCCESS) {
		fprintf(stderr, "tldwatch: c-ares: server %s port %u: %s\n", t->address,
		    (unsigned)t->port, ares_strerror(rc));
		goto err2;
	}
	if ((c->timer = tw_loop_timer_new(e->loop, on_cares_timer, c)) == NULL)
		goto err2;
	LIST_INSERT_HEAD(&e->channels, c, link);
	e->n_channels++;
	c->t = t;
	t->chan = c;
	return c;

err2:
	ares_destroy(c->ch);
err1:
	free(c);
	return NULL;
}

static void
idle_remove(struct tw_engine *e, struct channel *c)
{
	if (!c->idle)
		return;
	TAILQ_REMOVE(&e->idle, c, idle_link);
	c->idle = false;
}

static void
idle_append(struct tw_engine *e, struct channel *c)
{
	if (c->idle)
		return;
	c->idle = true;
	TAILQ_INSERT_TAIL(&e->idle, c, idle_link);
}

/*
 * Destroy ${c}.  Never from inside a c-ares callback: ares_destroy() calls
 * back every query it still holds (all orphans here: freed as they come).
 */
static void
channel_destroy(struct tw_engine *e, struct channel *c)
{
	struct sock_watch *w;
	bool was = e->destroying;
	size_t i;

	idle_remove(e, c);
	if (c->t != NULL)
		c->t->chan = NULL;
	LIST_REMOVE(c, link);
	e->n_channels--;
	e->destroying = true;
	c->closing = true;
	ares_destroy(c->ch);
	e->destroying = was;
	while ((w = LIST_FIRST(&c->watches)) != NULL) {
		LIST_REMOVE(w, link);
		tw_loop_io_free(w->io);
		free(w);
	}
	for (i = 0; i < CHANNEL_UDP_SOCKS; i++)   /* parked: c-ares had closed them */
		if (c->udp[i].fd != ARES_SOCKET_BAD)
			(void)close(c->udp[i].fd);
	tw_loop_timer_free(c->timer);
	free(c);
}

static uint64_t
target_hash(const struct tw_target *spec)
{
	return tw_transport_server_hash(spec->address, spec->port, spec->transport);
}

static bool
target_eq(const void *item, const void *key)
{
	const struct target *t = item;
	const struct tw_target *spec = key;

	return t->port == spec->port && t->transport == spec->transport &&
	    strcmp(t->address, spec->address) == 0;
}

static struct target *
target_get(struct tw_engine *e, const struct tw_target *spec)
{
	uint64_t h = target_hash(spec);
	struct target *t;

	if ((t = tw_hash_find(&e->by_key, h, target_eq, spec)) != NULL)
		return t;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	snprintf(t->address, sizeof(t->address), "%s", spec->address);
	t->port = spec->port;
	t->transport = spec->transport;
	STAILQ_INIT(&t->waiting);
	LIST_INIT(&t->started);
	if (tw_hash_add(&e->by_key, h, t) != 0) {
		free(t);
		return NULL;
	}
	SLIST_INSERT_HEAD(&e->targets, t, all_link);
	return t;
}

static void
run_append(struct tw_engine *e, struct target *t)
{
	if (t->runnable)
		return;
	t->runnable = true;
	if (t->chan != NULL)
		STAILQ_INSERT_TAIL(&e->run_bound, t, run_link);
	else
		STAILQ_INSERT_TAIL(&e->run, t, run_link);
}

static void
run_pop(struct tw_engine *e, bool bound)
{
	struct target *t;

	if (bound) {
		t = STAILQ_FIRST(&e->run_bound);
		STAILQ_REMOVE_HEAD(&e->run_bound, run_link);
	} else {
		t = STAILQ_FIRST(&e->run);
		STAILQ_REMOVE_HEAD(&e->run, run_link);
	}
	t->runnable = false;
}

/* Queue ${q} for delivery from the drain event. */
static void
make_ready(struct query *q, enum tw_outcome final)
{
	struct tw_engine *e = q->e;

	q->final = final;
	q->ready = true;
	STAILQ_INSERT_TAIL(&e->ready, q, ready_link);
	tw_loop_timer_activate(e->drain);
}

/*
 * Give ${t} a channel: a new one while the pool has room, else the least recently used idle
 * one, pointed at ${t}'s server.  c-ares 1.18 changes an idle channel's servers in place
 * (closing its sockets), keeping its ~70 KiB of tables: no ares_init_options() and no fresh
 * pages per server.  It refuses while the channel still holds a query (an attempt our own
 * deadline gave up, which c-ares keeps until its timeout): that channel is renewed instead.
 */
static bool
bind_channel(struct tw_engine *e, struct target *t)
{
	struct channel *c;

	if (t->chan != NULL)
		return true;
	if (e->n_channels < e->opts.max_channels)
		return channel_new(e, t) != NULL;
	if ((c = TAILQ_FIRST(&e->idle)) == NULL)
		return false;   /* every channel busy: wait for one */
	if (channel_point(c, t) == ARES_SUCCESS) {
		idle_remove(e, c);
		if (c->t != NULL)
			c->t->chan = NULL;
		c->t = t;
		t->chan = c;
		return true;
	}
	channel_destroy(e, c);
	return channel_new(e, t) != NULL;
}

/* The target could not get a channel at all: its waiting queries fail. */
static void
fail_waiting(struct target *t)
{
	struct query *q;

	while ((q = STAILQ_FIRST(&t->waiting)) != NULL) {
		STAILQ_REMOVE_HEAD(&t->waiting, wait_link);
		make_ready(q, TW_OUTCOME_UNREACHABLE);
	}
}

/*
 * Start waiting queries, round-robin over servers, within the bounds.  Servers that hold a
 * channel go first: one waiting for a channel never holds up those that have one.
 */
static void
pump(struct tw_engine *e)
{
	struct target *t;
	struct query *q;
	bool bound;

	while (e->inflight < e->opts.max_inflight) {
		if ((t = STAILQ_FIRST(&e->run_bound)) != NULL) {
			bound = true;
			if (t->chan == NULL) {      /* (never: a channel waited for is not idle) */
				run_pop(e, true);
				run_append(e, t);
				continue;
			}
		} else if ((t = STAILQ_FIRST(&e->run)) != NULL) {
			bound = false;
			if (t->chan == NULL && !bind_channel(e, t)) {
				if (e->n_channels < e->opts.max_channels ||
				    !TAILQ_EMPTY(&e->idle)) {
					run_pop(e, false);  /* creation failed outright */
					fail_waiting(t);
					continue;
				}
				break;              /* wait for a channel to go idle */
			}
		} else {
			break;
		}
		run_pop(e, bound);
		q = STAILQ_FIRST(&t->waiting);
		STAILQ_REMOVE_HEAD(&t->waiting, wait_link);
		idle_remove(e, t->chan);
		q->started = true;
		q->chan = t->chan;
		LIST_INSERT_HEAD(&t->started, q, started_link);
		t->inflight++;
		e->inflight++;
		if (!STAILQ_EMPTY(&t->waiting) && t->inflight < e->opts.max_per_server)
			run_append(e, t);
		start_attempt(q);
	}
}

/* A started query is done: free its slot, maybe its channel, maybe its server's turn. */
static void
query_stop(struct query *q)
{
	struct tw_engine *e = q->e;
	struct target *t = q->t;

	if (!q->started)
		return;
	q->started = false;
	LIST_REMOVE(q, started_link);
	t->inflight--;
	e->inflight--;
	/* Idle (free to recycle) only once nothing waits for it either. */
	if (t->inflight == 0 && t->chan != NULL && STAILQ_EMPTY(&t->waiting))
		idle_append(e, t->chan);
	if (!STAILQ_EMPTY(&t->waiting) && t->inflight < e->opts.max_per_server)
		run_append(e, t);
}

/* An attempt ended without a response: try again or give up. */
static void
attempt_failed(struct query *q, enum tw_outcome why)
{
	if (why == TW_OUTCOME_TIMEOUT && q->sent < q->attempts)
		start_attempt(q);
	else
		make_ready(q, why);
}

static bool
id_taken(const struct channel *c, uint16_t id)
{
	return (c->ids[id / 64] >> (id % 64) & 1) != 0;
}

/* A random 16-bit number from the engine's stock, refilled with one arc4random_buf(). */
static uint16_t
random_id(struct tw_engine *e)
{
	if (e->rand_left == 0) {
		arc4random_buf(e->rand_ids, sizeof(e->rand_ids));
		e->rand_left = sizeof(e->rand_ids) / sizeof(e->rand_ids[0]);
	}
	return e->rand_ids[--e->rand_left];
}

/* A query ID free on ${c}, marked taken: random, so an off-path spoofer has to guess it. */
static bool
id_claim(struct channel *c, uint16_t *id)
{
	uint16_t v = random_id(c->e);
	unsigned i;

	for (i = 0; i < ID_TRIES && id_taken(c, v); i++)
		v = random_id(c->e);
	for (i = 0; i < 65536 && id_taken(c, v); i++)
		v++;
	if (id_taken(c, v))
		return false;
	c->ids[v / 64] |= (uint64_t)1 << (v % 64);
	*id = v;
	return true;
}

static void
id_release(struct channel *c, uint16_t id)
{
	c->ids[id / 64] &= ~((uint64_t)1 << (id % 64));
}

static void
attempt_free(struct attempt *a)
{
	tw_loop_timer_free(a->deadline);
	free(a->buf);
	free(a);
}

static void on_attempt_deadline(void *cookie);

/* A handled attempt, kept for the next one with its timer (a round starts ~50,000). */
static void
attempt_recycle(struct tw_engine *e, struct attempt *a)
{
	struct tw_loop_timer *timer = a->deadline;

	if (e->destroying || e->n_spare >= e->opts.max_inflight) {
		attempt_free(a);
		return;
	}
	free(a->buf);
	memset(a, 0, sizeof(*a));
	a->deadline = timer;          /* cancelled when c-ares finished; its cookie is ${a} */
	SLIST_INSERT_HEAD(&e->spare, a, done_link);
	e->n_spare++;
}

/* An attempt with its deadline timer: a spare one, else a new one; NULL when memory ran out. */
static struct attempt *
attempt_get(struct tw_engine *e)
{
	struct attempt *a;

	if ((a = SLIST_FIRST(&e->spare)) != NULL) {
		SLIST_REMOVE_HEAD(&e->spare, done_link);
		e->n_spare--;
		return a;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	if ((a->deadline = tw_loop_timer_new(e->loop, on_attempt_deadline, a)) == NULL) {
		free(a);
		return NULL;
	}
	return a;
}

/* Our deadline for one attempt: the attempt is orphaned, c-ares frees it later. */
static void
on_attempt_deadline(void *cookie)
{
	struct attempt *a = cookie;
	struct query *q = a->q;

	if (q == NULL)
		return;
	a->q = NULL;
	q->live = NULL;
	attempt_failed(q, TW_OUTCOME_TIMEOUT);
}

/* Called by c-ares, possibly inside ares_send(): only record and defer. */
static void
on_cares_done(void *cookie, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct attempt *a = cookie;
	struct tw_engine *e = a->chan->e;   /* the channel outlives its c-ares callbacks */

	id_release(a->chan, a->id);    /* c-ares has let go of it */
	a->status = status;
	a->end_ms = tw_clock_mono_ms();
	if (abuf != NULL && alen > 0 && (a->buf = malloc((size_t)alen)) != NULL) {
		memcpy(a->buf, abuf, (size_t)alen);
		a->len = (size_t)alen;
	}
	tw_loop_timer_cancel(a->deadline);
	if (e->destroying) {
		attempt_free(a);
		return;
	}
	SLIST_INSERT_HEAD(&e->done, a, done_link);
	tw_loop_timer_activate(e->drain);
}

/*
 * The server's port is closed.  Every query in flight to it shares the
 * channel's socket, and the kernel reports the ICMP error to whichever send
 * or receive comes next, so the others would only wait for their deadline:
 * they were sent to the same closed port, so they end unreachable too.
 */
static void
fail_channel(struct query *failed)
{
	struct query *q;

	LIST_FOREACH(q, &failed->t->started, started_link) {
		if (q->live == NULL || q->chan != failed->chan)
			continue;
		q->live->q = NULL;    /* orphaned: c-ares frees it when it gives up */
		q->live = NULL;
		make_ready(q, TW_OUTCOME_UNREACHABLE);
	}
}

/* Turn one finished attempt into the query's next step. */
static void
handle_done(struct tw_engine *e, struct attempt *a)
{
	struct query *q = a->q;

	if (q == NULL) {          /* orphaned: our deadline already counted it */
		attempt_recycle(e, a);
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
			fail_channel(q);
	}
	attempt_recycle(e, a);
}

static void
query_unlink(struct query *q)
{
	LIST_REMOVE(q, pending_link);
	q->e->pending--;
}

static void
query_free(struct query *q)
{
	free(q->buf);
	free(q);
}

/* Hand one query's result to its owner, then forget the query. */
static void
deliver(struct query *q)
{
	struct tw_engine_reply r;

	query_unlink(q);
	query_stop(q);
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
on_drain(void *cookie)
{
	struct tw_engine *e = cookie;
	struct attempt *a;
	struct query *q;
	bool delivered = false;

	while (!SLIST_EMPTY(&e->done) || !STAILQ_EMPTY(&e->ready)) {
		while ((a = SLIST_FIRST(&e->done)) != NULL) {
			SLIST_REMOVE_HEAD(&e->done, done_link);
			handle_done(e, a);
		}
		while ((q = STAILQ_FIRST(&e->ready)) != NULL) {
			STAILQ_REMOVE_HEAD(&e->ready, ready_link);
			deliver(q);
			delivered = true;
		}
		pump(e);                /* slots freed by deliveries go to waiting queries */
	}
	if (delivered && e->pending == 0 && e->idle_cb != NULL)
		e->idle_cb(e->idle_cookie);
}

/*
 * Send one attempt of ${q}.  The query is built here, not by ares_query(): c-ares 1.18
 * reads "\DDD" in a name as the three digits, and names learnt from DNS come as
 * presentation text with any byte outside [a-z0-9-_*] written \DDD (wire.c).
 */
static void
start_attempt(struct query *q)
{
	struct channel *c = q->chan;
	uint8_t buf[QUERY_MAX];
	struct attempt *a;
	double timeout = (double)q->e->opts.timeout_ms;
	int len;

	if (q->deadline_at > 0) {
		/* Bounded by the caller's deadline; a query that waited past it is not sent. */
		double left = q->deadline_at - tw_clock_mono_ms();

		if (left < timeout)
			timeout = left;
		if (timeout < 1.0) {
			make_ready(q, TW_OUTCOME_TIMEOUT);
			return;
		}
	}
	if ((a = attempt_get(q->e)) == NULL)
		goto fail;
	if (!id_claim(c, &a->id)) {
		attempt_recycle(q->e, a);
		goto fail;
	}
	a->chan = c;
	len = tw_wire_build_query_spec(a->id, q->qname, q->qtype, false, &q->spec, buf,
	    sizeof(buf));
	if (len < 0) {
		id_release(c, a->id);
		attempt_recycle(q->e, a);
		goto fail;
	}
	a->q = q;
	q->live = a;
	q->sent++;
	tw_loop_timer_arm(a->deadline, timeout);
	a->start_ms = tw_clock_mono_ms();
	/* May call on_cares_done() before it returns; a is linked already. */
	ares_send(c->ch, buf, len, on_cares_done, a);
	rearm(c);
	return;
fail:
	make_ready(q, TW_OUTCOME_UNREACHABLE);
}

/*
 * Queue one query: the engine's attempts, or one attempt ending by ${deadline_at} when > 0;
 * in ${ask}'s class, with EDNS and NSID when it says so (NULL: IN, no EDNS).
 */
static int
query_submit(struct tw_engine *e, const struct tw_target *spec, const char *qname,
    uint16_t qtype, const struct tw_engine_ask *ask, double deadline_at, tw_engine_cb *cb,
    void *cookie)
{
	struct target *t = NULL;
	struct query *q;
	size_t len;

	if (!(e->opts.loopback_only && !tw_endpoint_address_is_loopback(spec->address)) &&
	    (t = target_get(e, spec)) == NULL)
		return -1;
	len = strlen(qname) + 1;
	if ((q = calloc(1, sizeof(*q) + len)) == NULL)
		return -1;
	memcpy(q->qname, qname, len);
	q->e = e;
	q->t = t;
	q->qtype = qtype;
	if (ask != NULL) {
		q->spec.qclass = ask->qclass;
		if (ask->edns_nsid) {
			q->spec.edns_udp = TW_WIRE_EDNS_UDP;
			q->spec.nsid = true;
		}
	}
	q->cb = cb;
	q->cookie = cookie;
	q->rtt_ms = -1.0;
	q->attempts = deadline_at > 0 ? 1 : e->opts.attempts;
	q->deadline_at = deadline_at;
	LIST_INSERT_HEAD(&e->pending_list, q, pending_link);
	e->pending++;
	if (t == NULL) {
		make_ready(q, TW_OUTCOME_BLOCKED);
		return 0;
	}
	STAILQ_INSERT_TAIL(&t->waiting, q, wait_link);
	if (t->chan != NULL)
		idle_remove(e, t->chan);   /* about to be used: not to be recycled */
	if (t->inflight < e->opts.max_per_server)
		run_append(e, t);
	pump(e);
	return 0;
}

int
tw_engine_query(struct tw_engine *e, const struct tw_target *spec, const char *qname,
    uint16_t qtype, tw_engine_cb *cb, void *cookie)
{
	return query_submit(e, spec, qname, qtype, NULL, 0, cb, cookie);
}

int
tw_engine_query_by(struct tw_engine *e, const struct tw_target *spec, const char *qname,
    uint16_t qtype, double deadline_at, tw_engine_cb *cb, void *cookie)
{
	if (deadline_at <= 0)
		deadline_at = 1;   /* long past: delivered as a timeout, never sent */
	return query_submit(e, spec, qname, qtype, NULL, deadline_at, cb, cookie);
}

int
tw_engine_query_ask(struct tw_engine *e, const struct tw_target *spec, const char *qname,
    uint16_t qtype, const struct tw_engine_ask *ask, tw_engine_cb *cb, void *cookie)
{
	double deadline_at = ask != NULL ? ask->deadline_at : 0;

	if (ask != NULL && ask->bounded && deadline_at <= 0)
		deadline_at = 1;   /* long past: delivered as a timeout, never sent */
	return query_submit(e, spec, qname, qtype, ask, deadline_at, cb, cookie);
}

static void
on_stop(void *cookie)
{
	struct tw_engine *e = cookie;

	e->deadline_hit = true;
}

int
tw_engine_run(struct tw_engine *e, uint32_t deadline_ms)
{
	e->deadline_hit = false;
	if (deadline_ms > 0)
		tw_loop_timer_arm(e->stop_timer, (double)deadline_ms);
	while (e->pending > 0 && !e->deadline_hit)
		if (tw_loop_run_once(e->loop) != 0)
			break;
	tw_loop_timer_cancel(e->stop_timer);
	if (e->pending == 0)
		return 0;
	tw_engine_cancel_all(e);
	return 1;
}

void
tw_engine_cancel_all(struct tw_engine *e)
{
	struct target *t;
	struct query *q;

	/* Finished attempts not yet handled belong to queries about to go. */
	while ((q = LIST_FIRST(&e->pending_list)) != NULL) {
		if (q->live != NULL) {
			q->live->q = NULL;   /* orphaned: c-ares frees it when it gives up */
			q->live = NULL;
		}
		query_unlink(q);
		query_stop(q);
		if (!q->ready)
			query_free(q);       /* queries on the ready queue are freed below */
	}
	while ((q = STAILQ_FIRST(&e->ready)) != NULL) {
		STAILQ_REMOVE_HEAD(&e->ready, ready_link);
		query_free(q);
	}
	/* Every wait queue held only queries freed above. */
	SLIST_FOREACH(t, &e->targets, all_link) {
		STAILQ_INIT(&t->waiting);
		t->runnable = false;
		if (t->chan != NULL && t->inflight == 0)
			idle_append(e, t->chan);
	}
	STAILQ_INIT(&e->run_bound);
	STAILQ_INIT(&e->run);
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

	while ((c = LIST_FIRST(&e->channels)) != NULL)
		channel_destroy(e, c);
}

/*
 * Sockets are bounded by max_channels, but a low soft limit should not be
 * the bound: raise it to the hard limit.  Under a hard limit too small for
 * the pool (ulimit -n 64), shrink the pool instead of failing sockets:
 * a channel may hold a UDP socket per address family and a TCP socket, and
 * the process needs some descriptors of its own (ledger, events, HTTP
 * clients).
 */
#define FDS_RESERVED 32

static uint32_t
fit_fd_limit(uint32_t max_channels)
{
	struct rlimit rl;
	rlim_t room;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return max_channels;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY)
		return max_channels;
	room = rl.rlim_cur > FDS_RESERVED + 3 ? (rl.rlim_cur - FDS_RESERVED) / 3 : 1;
	return room < max_channels ? (uint32_t)room : max_channels;
}

static void
apply_defaults(struct tw_engine_opts *o)
{
	if (o->attempts == 0)
		o->attempts = 1;
	if (o->max_inflight == 0)
		o->max_inflight = TW_ENGINE_DEFAULT_MAX_INFLIGHT;
	if (o->max_per_server == 0)
		o->max_per_server = TW_ENGINE_DEFAULT_MAX_PER_SERVER;
	if (o->max_channels == 0)
		o->max_channels = TW_ENGINE_DEFAULT_MAX_CHANNELS;
}

int
tw_engine_configure(struct tw_engine *e, const struct tw_engine_opts *opts)
{
	struct tw_engine_opts o = *opts;

	if (e->pending > 0)
		return -1;
	apply_defaults(&o);
	o.max_channels = fit_fd_limit(o.max_channels);
	if (o.timeout_ms != e->opts.timeout_ms || o.max_channels < e->n_channels)
		channels_free(e);     /* the c-ares timeout lives in each channel */
	e->opts = o;
	return 0;
}

size_t
tw_engine_pending(const struct tw_engine *e)
{
	return e->pending;
}

struct tw_engine *
tw_engine_new(struct tw_loop *loop, const struct tw_engine_opts *opts)
{
	struct tw_engine *e;
	int rc;

	if ((rc = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS) {
		fprintf(stderr, "tldwatch: c-ares: %s\n", ares_strerror(rc));
		return NULL;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL)
		goto err0;
	e->loop = loop;
	e->opts = *opts;
	apply_defaults(&e->opts);
	e->opts.max_channels = fit_fd_limit(e->opts.max_channels);
	tw_hash_init(&e->by_key);
	SLIST_INIT(&e->targets);
	STAILQ_INIT(&e->run_bound);
	STAILQ_INIT(&e->run);
	LIST_INIT(&e->channels);
	TAILQ_INIT(&e->idle);
	LIST_INIT(&e->pending_list);
	STAILQ_INIT(&e->ready);
	SLIST_INIT(&e->done);
	SLIST_INIT(&e->spare);
	if ((e->drain = tw_loop_timer_new(loop, on_drain, e)) == NULL)
		goto err1;
	if ((e->stop_timer = tw_loop_timer_new(loop, on_stop, e)) == NULL)
		goto err2;
	return e;

err2:
	tw_loop_timer_free(e->drain);
err1:
	free(e);
err0:
	fprintf(stderr, "tldwatch: cannot create the DNS engine\n");
	ares_library_cleanup();
	return NULL;
}

void
tw_engine_trim(struct tw_engine *e)
{
	struct attempt *a;
	struct target *t;

	tw_engine_cancel_all(e);
	channels_free(e);     /* ares_destroy() calls back for every orphan: freed there */
	while ((a = SLIST_FIRST(&e->done)) != NULL) {
		SLIST_REMOVE_HEAD(&e->done, done_link);
		attempt_free(a);
	}
	while ((a = SLIST_FIRST(&e->spare)) != NULL) {
		SLIST_REMOVE_HEAD(&e->spare, done_link);
		attempt_free(a);
	}
	e->n_spare = 0;
	while ((t = SLIST_FIRST(&e->targets)) != NULL) {
		SLIST_REMOVE_HEAD(&e->targets, all_link);
		free(t);
	}
	tw_hash_free(&e->by_key);
	tw_hash_init(&e->by_key);
}

void
tw_engine_free(struct tw_engine *e)
{
	if (e == NULL)
		return;
	e->destroying = true;
	tw_engine_trim(e);
	tw_loop_timer_free(e->stop_timer);
	tw_loop_timer_free(e->drain);
	free(e);
	ares_library_cleanup();
}
