/*
 * hostile_server.c -- a DNS test server on loopback that answers with crafted bytes: one
 * misbehaviour per address (127.66.0.N, UDP and TCP on one port), for tests/integration/
 * 80-hostile.sh.  `hostile_server --list` prints the table; docs/hostile.md has the results.
 * A second set of addresses (127.66.1.N, "names") is a small well-formed tree whose servers
 * call themselves by hostile byte strings: what a DNS server names itself must reach every
 * output of tldwatch escaped.  Its zone servers also tell hostile instance identities: an
 * NSID option (RFC 5001) in each answer to a query that asks for one, and a CHAOS TXT
 * hostname.bind / id.server answer.
 */
#define _GNU_SOURCE 1		/* sendmmsg(): the flood goes out in batches */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#define MSG_MAX		65535
#define HDR_LEN		12
#define UDPBIG_LEN	1400		/* "udpbig": over 512 bytes, TC clear */
#define UDP_MAX		512		/* RFC 1035 without EDNS */
#define FLOOD_COUNT	10000		/* junk datagrams per query */
#define FLOOD_DELAY_MS	50		/* the real answer follows the junk after this */
#define FLOOD_BATCH	100		/* datagrams per sendmmsg() */
#define SEND_RETRY_MS	2		/* a delayed answer refused by a full buffer: again */
#define SEND_RETRIES	500
#define FLOOD_QUIET_MS	1000		/* no second flood to one client socket within this */
#define SLOW_STEP_MS	100		/* slowloris: one byte per step */
#define LATE_MS		600		/* "late" */
#define TCP_CONNS_MAX	256
#define OTHER_SRC_HOST	99		/* "othersrc" answers from PREFIX.99 */
#define SERIAL_DEFAULT	2013083001u	/* zones/kp.zone, so serials agree with the lab */
#define NAMES_ROOT	1		/* names: PREFIX.1 refers ZONE to .NAMES_ZONE+i */
#define NAMES_ZONE	10		/* ZONE's servers, one per hostile label */
#define NAMES_CHILD	40		/* the servers of the zones below ZONE */
#define NAMES_CHILD_A	251		/* the address of every host below them */

#define T_A		1
#define T_NS		2
#define T_SOA		6
#define T_TXT		16
#define T_OPT		41
#define C_IN		1
#define C_CH		3
#define OPT_NSID	3
#define EDNS_UDP_MAX	1232		/* what an EDNS query may get over UDP here */
#define F_QR		0x8000
#define F_AA		0x0400
#define F_TC		0x0200
#define F_RD		0x0100
#define RC_REFUSED	5
#define RCODE_MASK	0x000F

enum mode {
	M_GOOD = 1, M_SHORT, M_CUT, M_BADID, M_QR0, M_QNAME, M_QTYPE, M_LOOP, M_PTREND,
	M_COUNTS, M_RDLEN, M_BIG, M_TC, M_OTHERSRC, M_FLOOD, M_SLOW, M_TCPCLOSE, M_TCPRESET,
	M_QCASE, M_QLOOP, M_LONGNAME, M_BADLABEL, M_TCPART, M_UDPBIG, M_TCPZERO, M_EMPTY,
	M_LATE, M_TCPCUT, M_TRAIL,
	M_END
};

/* The table --list prints; the index is the last octet of the mode's address. */
static const struct {
	const char *name;
	const char *what;
} modes[M_END] = {
	[M_GOOD] = { "good", "control: SOA/NS of the zone (AA), REFUSED below it" },
	[M_SHORT] = { "short", "3 bytes: the ID and one byte (header < 12 bytes)" },
	[M_CUT] = { "cut", "header, then the question cut in the middle of its name" },
	[M_BADID] = { "badid", "the control's answer under another ID" },
	[M_QR0] = { "qr0", "the control's answer with QR=0" },
	[M_QNAME] = { "qname", "a sound answer for another name (x.QNAME)" },
	[M_QTYPE] = { "qtype", "a sound answer for the name, another type" },
	[M_LOOP] = { "loop", "answer owner: a label, then a pointer back to that label" },
	[M_PTREND] = { "ptrend", "answer owner: a compression pointer past the end" },
	[M_COUNTS] = { "counts", "counts that lie: AN+4, NS 2, AR 3 claimed, none there" },
	[M_RDLEN] = { "rdlen", "an A record with RDLENGTH 65535 and 4 bytes of data" },
	[M_BIG] = { "big", "UDP: TC=1, empty; TCP: a valid answer of 65525 bytes, 4091 RRs" },
	[M_TC] = { "tc", "TC=1 forever, empty sections, UDP and TCP" },
	[M_OTHERSRC] = { "othersrc", "UDP: the answer comes from PREFIX.99; TCP: normal" },
	[M_FLOOD] = { "flood", "UDP: 10000 junk datagrams to the client, the answer 50 ms on" },
	[M_SLOW] = { "slow", "TCP: slowloris, the answer one byte per 100 ms; UDP: normal" },
	[M_TCPCLOSE] = { "tcpclose", "TCP: accept, then close; UDP: normal" },
	[M_TCPRESET] = { "tcpreset", "TCP: accept, then reset (RST); UDP: normal" },
	[M_QCASE] = { "qcase", "the control's answer with the question name in mixed case" },
	[M_QLOOP] = { "qloop", "the question name is a pointer to itself" },
	[M_LONGNAME] = { "longname", "answer owner of 5 labels of 63 bytes (321 > 255 bytes)" },
	[M_BADLABEL] = { "badlabel", "answer owner with the reserved label type 0x40" },
	[M_TCPART] = { "tcpart", "TC=1 with a partial answer: AN 3, one RR and a half" },
	[M_UDPBIG] = { "udpbig", "a 1400-byte answer, TC=0, over UDP and TCP (no EDNS asked)" },
	[M_TCPZERO] = { "tcpzero", "TCP: a zero-length message, then the answer; UDP: normal" },
	[M_EMPTY] = { "empty", "UDP: a zero-length datagram; TCP: normal" },
	[M_LATE] = { "late", "the control's answer 600 ms late (after a 500 ms deadline)" },
	[M_TCPCUT] = { "tcpcut", "TCP: one answer, prefix 100 bytes too long, FIN; UDP: normal" },
	[M_TRAIL] = { "trail", "the control's answer and 100 bytes of junk after it" },
};

/*
 * The "names" tree: every server in it is called <label>.<zone> for each label here, raw
 * bytes a server may put in a name (RFC 2181 s11: any octet).  tldwatch shows each as \DDD
 * presentation; tests/integration/80-hostile.sh holds the expected text, written by hand.
 */
#define LABEL(s) { s, sizeof(s) - 1 }
static const struct {
	const char *b;
	size_t len;
} evil_labels[] = {
	LABEL("\"q\"'sq'"),			/* quotes */
	LABEL("|pipe|perf=1;2"),		/* Nagios' perfdata separator */
	LABEL("<script>alert(1)</script>"),	/* HTML */
	LABEL("cr\r\nlf"),			/* a line break */
	LABEL("\033[31mred\007"),		/* a terminal colour and BEL */
	LABEL("bad\377\376utf8\303"),		/* invalid UTF-8 */
	LABEL("back\\slash"),
	LABEL("dot.inside"),			/* a dot inside one label */
	LABEL("nul\0byte"),
	LABEL("rlo\342\200\256&amp;"),		/* U+202E (right-to-left override), & */
	LABEL("SP ace$(id)`id`"),		/* case, a space, shell syntax */
};
/*
 * What the names tree's zone servers (.10+i) say they are: NSID and identity
 * evil_ids[i % N_EVIL_IDS]; the last one is 255 bytes: 0x01 to 0xff in turn but '&', then
 * 0x01.  None holds a string of hn_no_raw's list in 80-hostile.sh (no '&' at all: a page
 * would show it as &amp;): those must never reach an output raw, while these may, escaped
 * for each output as it needs.
 */
static const struct {
	const char *b;
	size_t len;
} evil_ids[] = {
	LABEL("\033]0;owned\007<img src=x onerror=alert(2)>"),	/* a terminal title, HTML */
	LABEL("nsid|perf=1 'sq' \"dq\" back\\slash"),		/* Nagios, quotes */
	LABEL("\r\nX-Injected: 1\t\177"),			/* a header injection, DEL */
	LABEL("bad\377\376\303 utf8 \342\200\256rlo"),	/* invalid UTF-8, U+202E */
	LABEL("nul\0byte"),
	LABEL(""),						/* placeholder: the 255 bytes */
};
#undef LABEL
#define N_EVIL (sizeof(evil_labels) / sizeof(evil_labels[0]))
#define N_EVIL_IDS (sizeof(evil_ids) / sizeof(evil_ids[0]))

/* The role of one address of the names tree. */
enum names_role { R_ROOT, R_ZONE, R_CHILD };

/* A message under construction; the header counts are written last. */
struct mb {
	uint8_t b[MSG_MAX];
	size_t len;
	bool full;
	uint16_t id, flags, qd, an, ns, ar;
};

/* The query as read. */
struct query {
	uint16_t id, qtype, qclass;
	bool rd;
	uint8_t qname[255];		/* wire form, as sent (no compression in queries) */
	size_t qname_len;
	char text[1024];		/* lower case, no trailing dot, "" = root */
	bool apex;			/* the zone itself */
	bool edns;			/* it has an OPT record */
	bool nsid;			/* ... with an NSID option */
};

struct server;
struct tcp_conn;

struct udp_sock {
	struct server *s;
	enum mode mode;
	bool names;			/* a server of the names tree, as ${role} */
	enum names_role role;
	unsigned host;			/* the names tree: the last octet of its address */
	evutil_socket_t fd;
	struct event *ev;
};

/* An answer held back ("flood", "late"), freed when sent, at exit or with its connection. */
struct delayed {
	struct server *s;
	struct tcp_conn *conn;		/* TCP: the message goes there (with its prefix) */
	evutil_socket_t fd;		/* UDP: from this socket to ${to} */
	struct sockaddr_storage to;
	socklen_t tolen;
	struct event *ev;
	unsigned retries;		/* sends refused for a full buffer */
	size_t len;
	uint8_t *msg;
	struct delayed *prev, *next;
};

struct tcp_conn {
	struct server *s;
	enum mode mode;
	bool names;
	enum names_role role;
	unsigned host;
	struct bufferevent *bev;
	struct evbuffer *drip;		/* slowloris: bytes still to send */
	struct event *drip_ev;
	bool closing;			/* tcpcut: close once the output is flushed */
	struct tcp_conn *prev, *next;
};

struct tcp_lsn {
	struct server *s;
	enum mode mode;
	bool names;
	enum names_role role;
	unsigned host;
	struct evconnlistener *l;
};

struct server {
	struct event_base *base;
	char prefix[32];
	uint16_t port;
	char zone[256];
	uint32_t serial;
	bool verbose;
	uint64_t rng;
	struct udp_sock udp[M_END];
	struct tcp_lsn tcp[M_END];
	char names_prefix[32];		/* the names tree: PREFIX.1, .10+i, .40+i */
	uint32_t names_net;		/* names_prefix.0, host order */
	struct udp_sock names_udp[1 + 2 * N_EVIL];
	struct tcp_lsn names_tcp[1 + 2 * N_EVIL];
	evutil_socket_t other_fd;	/* PREFIX.99, for "othersrc" */
	struct sockaddr_storage flooded;	/* the last client flooded, and when */
	socklen_t flooded_len;
	double flooded_at;
	struct delayed *delayed;
	struct tcp_conn *conns;
	size_t n_conns;
	struct event *sigterm, *sigint;
};

static uint32_t
rnd(struct server *s)
{
	/* xorshift64: junk needs no quality, only no repeats in a burst */
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	return (uint32_t)(s->rng >> 16);
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* ---- building messages ---- */

static void
put8(struct mb *m, unsigned v)
{
	if (m->len + 1 > sizeof(m->b)) {
		m->full = true;
		return;
	}
	m->b[m->len++] = (uint8_t)v;
}

static void
put16(struct mb *m, unsigned v)
{
	put8(m, (v >> 8) & 0xFF);
	put8(m, v & 0xFF);
}

static void
put32(struct mb *m, uint32_t v)
{
	put16(m, (v >> 16) & 0xFFFF);
	put16(m, v & 0xFFFF);
}

static void
put_bytes(struct mb *m, const uint8_t *p, size_t n)
{
	if (m->len + n > sizeof(m->b)) {
		m->full = true;
		return;
	}
	memcpy(m->b + m->len, p, n);
	m->len += n;
}

/* A name in presentation form ("ns1.kptc.kp"), uncompressed. */
static void
put_name(struct mb *m, const char *name)
{
	const char *p = name, *dot;
	size_t n;

	while (*p != '\0') {
		dot = strchr(p, '.');
		n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		put8(m, (unsigned)n);
		put_bytes(m, (const uint8_t *)p, n);
		p += n;
		if (*p == '.')
			p++;
	}
	put8(m, 0);
}

/* Start a message: a header with zero counts (patched by finish()). */
static void
begin(struct mb *m, uint16_t id, uint16_t flags)
{
	m->full = false;
	m->id = id;
	m->flags = flags;
	m->qd = m->an = m->ns = m->ar = 0;
	m->len = HDR_LEN;
}

static void
finish(struct mb *m)
{
	m->b[0] = (uint8_t)(m->id >> 8);
	m->b[1] = (uint8_t)m->id;
	m->b[2] = (uint8_t)(m->flags >> 8);
	m->b[3] = (uint8_t)m->flags;
	m->b[4] = (uint8_t)(m->qd >> 8);
	m->b[5] = (uint8_t)m->qd;
	m->b[6] = (uint8_t)(m->an >> 8);
	m->b[7] = (uint8_t)m->an;
	m->b[8] = (uint8_t)(m->ns >> 8);
	m->b[9] = (uint8_t)m->ns;
	m->b[10] = (uint8_t)(m->ar >> 8);
	m->b[11] = (uint8_t)m->ar;
}

static void
put_question(struct mb *m, const struct query *q)
{
	put_bytes(m, q->qname, q->qname_len);
	put16(m, q->qtype);
	put16(m, q->qclass);
	m->qd++;
}

/* The fixed part of an RR whose owner is the question name (pointer to offset 12). */
static void
put_rr_head(struct mb *m, uint16_t type, uint16_t rdlen)
{
	put16(m, 0xC000 | HDR_LEN);
	put16(m, type);
	put16(m, C_IN);
	put32(m, 3600);
	put16(m, rdlen);
}

static void
put_soa(struct mb *m, const struct server *s)
{
	size_t at;
	char mname[300], rname[300];

	snprintf(mname, sizeof(mname), "ns1.hostile.%s", s->zone);
	snprintf(rname, sizeof(rname), "root.hostile.%s", s->zone);
	put_rr_head(m, T_SOA, 0);
	at = m->len - 2;
	put_name(m, mname);
	put_name(m, rname);
	put32(m, s->serial);
	put32(m, 28800);
	put32(m, 86400);
	put32(m, 1209600);
	put32(m, 86400);
	if (!m->full) {
		m->b[at] = (uint8_t)((m->len - at - 2) >> 8);
		m->b[at + 1] = (uint8_t)(m->len - at - 2);
	}
}

static void
put_ns(struct mb *m, const char *target)
{
	size_t at;

	put_rr_head(m, T_NS, 0);
	at = m->len - 2;
	put_name(m, target);
	if (!m->full) {
		m->b[at] = (uint8_t)((m->len - at - 2) >> 8);
		m->b[at + 1] = (uint8_t)(m->len - at - 2);
	}
}

static void
put_a(struct mb *m, uint32_t addr)
{
	put_rr_head(m, T_A, 4);
	put32(m, addr);
}

/*
 * The control's answer: the zone's SOA and NS with AA, NODATA for other types at
 * the apex, REFUSED for everything else (this server only serves the apex, so the
 * hosts of a round always resolve through the lab's servers).
 */
static void
build_good(struct mb *m, const struct server *s, const struct query *q)
{
	char ns[300];

	begin(m, q->id, F_QR | (q->rd ? F_RD : 0) | (q->apex ? F_AA : RC_REFUSED));
	put_question(m, q);
	if (!q->apex)
		return;
	if (q->qtype == T_SOA) {
		put_soa(m, s);
		m->an++;
	} else if (q->qtype == T_NS) {
		snprintf(ns, sizeof(ns), "ns1.hostile.%s", s->zone);
		put_ns(m, ns);
		snprintf(ns, sizeof(ns), "ns2.hostile.%s", s->zone);
		put_ns(m, ns);
		m->an += 2;
	} else {
		put_soa(m, s);
		m->ns++;
	}
}

/* Additional A records owned by the question name until the message is ${target} bytes. */
static void
fill(struct mb *m, size_t target)
{
	uint32_t n = 0;

	while (m->len + 16 <= target && m->ar < 0xFFFF) {
		put_a(m, 0x7F420000u | (n++ & 0xFFFF));   /* 127.66.x.y */
		m->ar++;
	}
}

/* An AA message with the question and one answer RR, written raw by the caller. */
static void
begin_crafted(struct mb *m, const struct query *q)
{
	begin(m, q->id, F_QR | F_AA | (q->rd ? F_RD : 0));
	put_question(m, q);
	m->an = 1;
}

static void
put_rr_tail_a(struct mb *m)
{
	put16(m, T_A);
	put16(m, C_IN);
	put32(m, 3600);
	put16(m, 4);
	put32(m, 0x7F420001u);
}

/*
 * The message for ${q} under ${mode} over UDP or TCP, into ${m}; returns 0.  What
 * happens around the message (delays, floods, resets) is up to the callers.
 */
static int
build(struct mb *m, const struct server *s, const struct query *q, enum mode mode, bool tcp)
{
	size_t at, i;
	uint8_t c;

	switch (mode) {
	case M_GOOD:
	case M_OTHERSRC:
	case M_FLOOD:
	case M_SLOW:
	case M_TCPCLOSE:
	case M_TCPRESET:
	case M_TCPZERO:
	case M_EMPTY:
	case M_LATE:
	case M_TCPCUT:
	case M_END:
		build_good(m, s, q);
		break;
	case M_SHORT:
		m->len = 3;
		m->b[0] = (uint8_t)(q->id >> 8);
		m->b[1] = (uint8_t)q->id;
		m->b[2] = 0x84;
		return 0;
	case M_CUT:
		begin_crafted(m, q);
		m->len -= q->qname_len / 2 + 4;  /* drop half the name, the type and the class */
		break;
	case M_BADID:
		build_good(m, s, q);
		m->id = (uint16_t)(q->id + 1);
		break;
	case M_QR0:
		build_good(m, s, q);
		m->flags &= (uint16_t)~F_QR;
		break;
	case M_QNAME:
		begin(m, q->id, F_QR | F_AA | (q->rd ? F_RD : 0));
		put8(m, 1);
		put8(m, 'x');
		put_bytes(m, q->qname, q->qname_len);
		put16(m, q->qtype);
		put16(m, q->qclass);
		m->qd = 1;
		put_a(m, 0x7F420001u);           /* its owner is x.QNAME */
		m->an = 1;
		break;
	case M_QTYPE:
		begin(m, q->id, F_QR | F_AA | (q->rd ? F_RD : 0));
		put_bytes(m, q->qname, q->qname_len);
		put16(m, q->qtype == T_TXT ? T_A : T_TXT);
		put16(m, q->qclass);
		m->qd = 1;
		break;
	case M_LOOP:
		begin_crafted(m, q);
		at = m->len;
		put8(m, 3);
		put_bytes(m, (const uint8_t *)"lop", 3);
		put16(m, 0xC000 | (unsigned)at);
		put_rr_tail_a(m);
		break;
	case M_PTREND:
		begin_crafted(m, q);
		put16(m, 0xFFFF);                /* offset 16383 */
		put_rr_tail_a(m);
		break;
	case M_COUNTS:
		build_good(m, s, q);
		m->an += 4;
		m->ns += 2;
		m->ar += 3;
		break;
	case M_RDLEN:
		begin_crafted(m, q);
		put16(m, 0xC000 | HDR_LEN);
		put16(m, T_A);
		put16(m, C_IN);
		put32(m, 3600);
		put16(m, 0xFFFF);
		put32(m, 0x7F420001u);
		break;
	case M_BIG:
		if (!tcp) {
			begin(m, q->id, F_QR | F_AA | F_TC | (q->rd ? F_RD : 0));
			put_question(m, q);
			break;
		}
		build_good(m, s, q);
		fill(m, MSG_MAX);
		break;
	case M_TC:
		begin(m, q->id, F_QR | F_AA | F_TC | (q->rd ? F_RD : 0));
		put_question(m, q);
		break;
	case M_QCASE:
		build_good(m, s, q);
		/* flip the case of every other letter of the question name (0x20 style) */
		for (i = HDR_LEN, c = 0; i < HDR_LEN + q->qname_len; i++)
			if (isalpha(m->b[i]) && (c++ & 1) == 0)
				m->b[i] ^= 0x20;
		break;
	case M_QLOOP:
		begin(m, q->id, F_QR | F_AA | (q->rd ? F_RD : 0));
		put16(m, 0xC000 | HDR_LEN);      /* the name at 12 points to 12 */
		put16(m, q->qtype);
		put16(m, q->qclass);
		m->qd = 1;
		break;
	case M_LONGNAME:
		begin_crafted(m, q);
		for (i = 0; i < 5; i++) {
			put8(m, 63);
			for (c = 0; c < 63; c++)
				put8(m, 'a' + i);
		}
		put8(m, 0);
		put_rr_tail_a(m);
		break;
	case M_BADLABEL:
		begin_crafted(m, q);
		put8(m, 0x41);                   /* type 01: the obsolete extended label */
		put8(m, 'x');
		put8(m, 0);
		put_rr_tail_a(m);
		break;
	case M_TCPART:
		begin(m, q->id, F_QR | F_AA | F_TC | (q->rd ? F_RD : 0));
		put_question(m, q);
		put_a(m, 0x7F420001u);
		put_a(m, 0x7F420002u);
		m->len -= 9;                     /* the second RR stops inside its TTL */
		m->an = 3;
		break;
	case M_UDPBIG:
		build_good(m, s, q);
		fill(m, UDPBIG_LEN);
		break;
	case M_TRAIL:
		build_good(m, s, q);
		finish(m);
		for (i = 0; i < 100; i++)
			put8(m, 0xA5);
		return 0;
	}
	finish(m);
	return 0;
}

/* ---- the names tree ---- */

/*
 * Offset in ${q}'s wire name where ${suffix} (plain labels, "" = root) starts as its last
 * labels, compared case-insensitively; -1 if the name is not ${suffix} or under it.  Labels
 * are walked by their lengths: a query for a name with '.' or NUL inside a label still matches.
 */
static int
q_suffix_at(const struct query *q, const char *suffix)
{
	uint8_t w[256];
	size_t wl = 0, pos = 0, i;
	const char *p = suffix, *dot;
	size_t n;

	while (*p != '\0') {
		dot = strchr(p, '.');
		n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (n == 0 || n > 63 || wl + 1 + n >= sizeof(w))
			return -1;
		w[wl++] = (uint8_t)n;
		memcpy(w + wl, p, n);
		wl += n;
		p += n + (dot != NULL);
	}
	w[wl++] = 0;
	for (;;) {
		if (q->qname_len - pos == wl) {
			for (i = 0; i < wl; i++)
				if (tolower(q->qname[pos + i]) != tolower(w[i]))
					break;
			if (i == wl)
				return (int)pos;
		}
		if (pos >= q->qname_len || q->qname[pos] == 0)
			return -1;
		pos += 1 + (size_t)q->qname[pos];
	}
}

/* Type, class, TTL and a zero RDLENGTH after an owner already written; rr_end() sets it. */
static size_t
rr_begin(struct mb *m, uint16_t type)
{
	put16(m, type);
	put16(m, C_IN);
	put32(m, 3600);
	put16(m, 0);
	return m->len;
}

static void
rr_end(struct mb *m, size_t rdata_at)
{
	size_t n = m->len - rdata_at;

	if (!m->full) {
		m->b[rdata_at - 2] = (uint8_t)(n >> 8);
		m->b[rdata_at - 1] = (uint8_t)n;
	}
}

/*
 * The hostile NS set of the zone whose name sits at message offset ${zone_at}: NS records
 * <label>[.<mid>].<name at target_at> (compressed: with glue, 478 bytes and the question) into
 * the answer or the authority section, and, when ${glue} is not 0, an A record for each name
 * in the additional section: addresses PREFIX.glue+i.
 */
static void
put_names_ns_set(struct mb *m, const struct server *s, size_t zone_at, const char *mid,
    size_t target_at, bool answer, unsigned glue)
{
	size_t name_at[N_EVIL], at, i;

	for (i = 0; i < N_EVIL; i++) {
		put16(m, 0xC000 | (unsigned)zone_at);
		at = rr_begin(m, T_NS);
		name_at[i] = m->len;
		put8(m, (unsigned)evil_labels[i].len);
		put_bytes(m, (const uint8_t *)evil_labels[i].b, evil_labels[i].len);
		if (mid != NULL) {
			put8(m, (unsigned)strlen(mid));
			put_bytes(m, (const uint8_t *)mid, strlen(mid));
		}
		put16(m, 0xC000 | (unsigned)target_at);
		rr_end(m, at);
	}
	if (answer)
		m->an += N_EVIL;
	else
		m->ns += N_EVIL;
	if (glue == 0)
		return;
	for (i = 0; i < N_EVIL; i++) {
		put16(m, 0xC000 | (unsigned)name_at[i]);
		at = rr_begin(m, T_A);
		put32(m, s->names_net | (glue + (uint32_t)i));
		rr_end(m, at);
		m->ar++;
	}
}

/*
 * A referral (no AA) for the zone at ${off} in the question to its hostile servers, named
 * under that zone, or under <mid>.ZONE when ${mid} is set (ZONE at ${zone_off}).
 */
static void
names_referral(struct mb *m, const struct server *s, const struct query *q, int off,
    const char *mid, int zone_off, unsigned glue)
{
	begin(m, q->id, F_QR | (q->rd ? F_RD : 0));
	put_question(m, q);
	put_names_ns_set(m, s, HDR_LEN + (size_t)off, mid,
	    HDR_LEN + (size_t)(mid != NULL ? zone_off : off), false, glue);
}

/* The apex of a zone the server serves: SOA, or the hostile NS set, or NODATA; AA. */
static void
names_apex(struct mb *m, const struct server *s, const struct query *q, unsigned glue)
{
	begin(m, q->id, F_QR | F_AA | (q->rd ? F_RD : 0));
	put_question(m, q);
	if (q->qtype == T_SOA) {
		put_soa(m, s);
		m->an++;
	} else if (q->qtype == T_NS) {
		put_names_ns_set(m, s, HDR_LEN, NULL, HDR_LEN, true, glue);
	}
}

/* A host below a zone the server serves: an A record (AA), NODATA for other types. */
static void
names_host(struct mb *m, const struct server *s, const struct query *q, uint32_t host)
{
	begin(m, q->id, F_QR | F_AA | (q->rd ? F_RD : 0));
	put_question(m, q);
	if (q->qtype == T_A) {
		put_rr_head(m, T_A, 4);
		put32(m, s->names_net | host);
		m->an++;
	}
}

/* Offset in the question's name of the label just before the one at ${off}; -1 if none. */
static int
label_before(const struct query *q, int off)
{
	int prev = -1, pos = 0;

	while (pos < off) {
		prev = pos;
		pos += 1 + q->qname[pos];
	}
	return prev;
}

/* Which hostile label the question's first label is (case aside); -1 if none. */
static int
evil_index(const struct query *q)
{
	size_t i, k, n = q->qname[0];

	for (i = 0; i < N_EVIL; i++) {
		if (evil_labels[i].len != n)
			continue;
		for (k = 0; k < n; k++)
			if (tolower((unsigned char)evil_labels[i].b[k]) != tolower(q->qname[1 + k]))
				break;
		if (k == n)
			return (int)i;
	}
	return -1;
}

/*
 * The names tree, ZONE = --zone:
 *   root (.1)       everything at or under ZONE: referred to ZONE's servers, with glue
 *   ZONE (.10+i)    the apex (SOA; NS: the hostile names, glue .10+i); below it:
 *     kcna.ZONE     referred to <label>.kcna.ZONE, no glue: the names are inside the zone they
 *                   serve, their addresses can never be found, and tldwatch says which
 *     com.ZONE      referred to <label>.evil.ZONE, no glue: found by asking ZONE's servers
 *     evil.ZONE     <label_i>.evil.ZONE has the address .40+i (AA); other names: REFUSED
 *                   (so <label_i>.<anything>.evil.ZONE gets it too: no harm here)
 *     X.ZONE        (any other) referred to <label>.X.ZONE with glue .40+i
 *   X.ZONE (.40+i)  serve every zone X.ZONE: the apex (SOA; NS: <label>.X.ZONE, glue), and the
 *                   address .251 for any host below it
 * Anything else: REFUSED.  A host under com.ZONE resolves only if tldwatch asked for
 * <label>.evil.ZONE byte for byte: the hostile names must survive the round trip.
 * Over UDP, a reply over 512 bytes (a question name over 30 bytes) is sent as a real
 * server would: TC=1, the question only; the test's names all fit.
 */
/* The identity the zone server at .${host} tells (NSID and CHAOS TXT), into ${buf}; its length. */
static size_t
evil_id(unsigned host, uint8_t buf[255])
{
	size_t k = (host - NAMES_ZONE) % N_EVIL_IDS, i;

	if (evil_ids[k].len > 0) {
		memcpy(buf, evil_ids[k].b, evil_ids[k].len);
		return evil_ids[k].len;
	}
	for (i = 0; i < 255; i++)
		buf[i] = (uint8_t)(i < 0x25 ? i + 1 : i < 254 ? i + 2 : 1);	/* skips '&' (0x26) */
	return 255;
}

/* The OPT record of an answer to a query that asked for the NSID: ${host}'s identity. */
static void
put_opt_nsid(struct mb *m, unsigned host)
{
	uint8_t id[255];
	size_t n = evil_id(host, id);

	put8(m, 0);
	put16(m, T_OPT);
	put16(m, EDNS_UDP_MAX);
	put32(m, 0);
	put16(m, (unsigned)(4 + n));
	put16(m, OPT_NSID);
	put16(m, (unsigned)n);
	put_bytes(m, id, n);
	m->ar++;
}

/* A CHAOS TXT hostname.bind or id.server answer (AA) from the zone server at .${host}. */
static void
names_chaos(struct mb *m, const struct query *q, unsigned host)
{
	uint8_t id[255];
	size_t n = evil_id(host, id);

	begin(m, q->id, F_QR | F_AA | (q->rd ? F_RD : 0));
	put_question(m, q);
	put16(m, 0xC000 | HDR_LEN);
	put16(m, T_TXT);
	put16(m, C_CH);
	put32(m, 0);
	put16(m, (unsigned)(1 + n));
	put8(m, (unsigned)n);
	put_bytes(m, id, n);
	m->an++;
}

static void
build_names(struct mb *m, const struct server *s, const struct query *q, enum names_role role,
    unsigned host, bool tcp)
{
	char kcna[300], com[300], evil[300];
	int zone_off, off, child, i;

	if (q->qclass == C_CH) {
		if (role == R_ZONE && q->qtype == T_TXT && (strcmp(q->text, "hostname.bind") == 0 ||
		    strcmp(q->text, "id.server") == 0)) {
			names_chaos(m, q, host);
			goto done;
		}
		begin(m, q->id, F_QR | (q->rd ? F_RD : 0) | RC_REFUSED);
		put_question(m, q);
		goto done;
	}

	snprintf(kcna, sizeof(kcna), "kcna.%s", s->zone);
	snprintf(com, sizeof(com), "com.%s", s->zone);
	snprintf(evil, sizeof(evil), "evil.%s", s->zone);
	zone_off = q_suffix_at(q, s->zone);
	child = zone_off > 0 ? label_before(q, zone_off) : -1;
	switch (role) {
	case R_ROOT:
		if (zone_off >= 0) {
			names_referral(m, s, q, zone_off, NULL, zone_off, NAMES_ZONE);
			goto done;
		}
		break;
	case R_ZONE:
		if (zone_off == 0) {
			names_apex(m, s, q, NAMES_ZONE);
		} else if ((off = q_suffix_at(q, kcna)) >= 0) {
			names_referral(m, s, q, off, NULL, zone_off, 0);
		} else if ((off = q_suffix_at(q, com)) >= 0) {
			names_referral(m, s, q, off, "evil", zone_off, 0);
		} else if (q_suffix_at(q, evil) >= 0) {
			if ((i = evil_index(q)) < 0)
				break;
			names_host(m, s, q, NAMES_CHILD + (uint32_t)i);
		} else if (child >= 0) {
			names_referral(m, s, q, child, NULL, zone_off, NAMES_CHILD);
		} else {
			break;
		}
		goto done;
	case R_CHILD:
		if (child == 0) {
			names_apex(m, s, q, NAMES_CHILD);
			goto done;
		}
		if (child > 0) {
			names_host(m, s, q, NAMES_CHILD_A);
			goto done;
		}
		break;
	}
	begin(m, q->id, F_QR | (q->rd ? F_RD : 0) | RC_REFUSED);
	put_question(m, q);
done:
	if (role == R_ZONE && q->nsid && q->qclass != C_CH)
		put_opt_nsid(m, host);
	if (!tcp && m->len > (q->edns ? EDNS_UDP_MAX : UDP_MAX)) {
		begin(m, q->id, (uint16_t)((m->flags & ~RCODE_MASK) | F_TC));
		put_question(m, q);
	}
	finish(m);
}

/* ---- queries ---- */

/* Read a query; -1 if it is not one this server answers (then it is ignored). */
static int
parse_query(const struct server *s, const uint8_t *p, size_t len, struct query *q)
{
	size_t pos = HDR_LEN, o = 0, i;
	uint8_t c;

	if (len < HDR_LEN + 5 || (p[2] & 0x80) != 0)
		return -1;
	if (p[4] != 0 || p[5] != 1)
		return -1;
	q->id = (uint16_t)(p[0] << 8 | p[1]);
	q->rd = (p[2] & 0x01) != 0;
	for (;;) {
		if (pos >= len)
			return -1;
		c = p[pos];
		if (c == 0)
			break;
		if (c > 63 || pos + 1 + c >= len || pos + 1 + c - HDR_LEN > 254)
			return -1;
		if (o != 0)
			q->text[o++] = '.';
		for (i = 1; i <= c; i++) {
			if (o + 5 >= sizeof(q->text))
				return -1;
			q->text[o++] = (char)tolower(p[pos + i]);
		}
		pos += 1 + (size_t)c;
	}
	q->text[o] = '\0';
	q->qname_len = pos + 1 - HDR_LEN;
	memcpy(q->qname, p + HDR_LEN, q->qname_len);
	pos++;
	if (pos + 4 > len)
		return -1;
	q->qtype = (uint16_t)(p[pos] << 8 | p[pos + 1]);
	q->qclass = (uint16_t)(p[pos + 2] << 8 | p[pos + 3]);
	q->apex = strcmp(q->text, s->zone) == 0;
	q->edns = q->nsid = false;
	pos += 4;
	/* An OPT record right after the question (ARCOUNT 1, the root as owner), and its options. */
	if (p[10] == 0 && p[11] == 1 && pos + 11 <= len && p[pos] == 0 &&
	    (p[pos + 1] << 8 | p[pos + 2]) == T_OPT) {
		size_t end = pos + 11 + (size_t)(p[pos + 9] << 8 | p[pos + 10]);

		q->edns = true;
		for (pos += 11; end <= len && pos + 4 <= end;
		    pos += 4 + (size_t)(p[pos + 2] << 8 | p[pos + 3]))
			if ((p[pos] << 8 | p[pos + 1]) == OPT_NSID)
				q->nsid = true;
	}
	return 0;
}

static void
log_query(const struct server *s, const char *who, const char *tr, const struct query *q)
{
	if (s->verbose)
		fprintf(stderr, "hostile_server: %.3f %s %s %s/%u id %u\n", now_ms() / 1000.0,
		    who, tr, q->text[0] != '\0' ? q->text : ".", (unsigned)q->qtype,
		    (unsigned)q->id);
}

/* The answer to ${q} from a mode's server or one of the names tree, into ${m}; 0 to send it. */
static int
respond(struct mb *m, const struct server *s, const struct query *q, enum mode mode,
    bool names, enum names_role role, unsigned host, bool tcp)
{
	log_query(s, names ? "names" : modes[mode].name, tcp ? "tcp" : "udp", q);
	if (!names)
		return build(m, s, q, mode, tcp);
	build_names(m, s, q, role, host, tcp);
	return 0;
}

/* ---- UDP ---- */

static void
delayed_free(struct delayed *d)
{
	struct server *s = d->s;

	if (d->prev != NULL)
		d->prev->next = d->next;
	else
		s->delayed = d->next;
	if (d->next != NULL)
		d->next->prev = d->prev;
	event_free(d->ev);
	free(d->msg);
	free(d);
}

static void
delayed_cb(evutil_socket_t fd, short what, void *cookie)
{
	struct delayed *d = cookie;
	struct timeval tv = { 0, SEND_RETRY_MS * 1000 };

	if (d->conn != NULL) {
		bufferevent_write(d->conn->bev, d->msg, d->len);
		delayed_free(d);
		return;
	}
	/*
	 * Right after a flood the socket's send buffer can still be full of junk
	 * the kernel has not delivered: the answer must not be lost to that.
	 */
	if (sendto(d->fd, d->msg, d->len, 0, (struct sockaddr *)&d->to, d->tolen) == -1 &&
	    (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) &&
	    d->retries++ < SEND_RETRIES) {
		evtimer_add(d->ev, &tv);
		return;
	}
	if (d->s->verbose)
		fprintf(stderr, "hostile_server: %.3f delayed answer id %u sent (%u retries)\n",
		    now_ms() / 1000.0, (unsigned)(d->msg[0] << 8 | d->msg[1]), d->retries);
	delayed_free(d);
}

/* Hold ${msg} back for ${ms} milliseconds, then send it to ${to} from ${fd}, or on ${conn}. */
static void
send_later(struct server *s, struct tcp_conn *conn, evutil_socket_t fd,
    const struct sockaddr_storage *to, socklen_t tolen, const uint8_t *msg, size_t len,
    unsigned ms)
{
	struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000 };
	struct delayed *d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return;
	if ((d->msg = malloc(len)) == NULL ||
	    (d->ev = evtimer_new(s->base, delayed_cb, d)) == NULL) {
		free(d->msg);
		free(d);
		return;
	}
	d->s = s;
	d->conn = conn;
	d->fd = fd;
	if (to != NULL) {
		d->to = *to;
		d->tolen = tolen;
	}
	d->len = len;
	memcpy(d->msg, msg, len);
	d->next = s->delayed;
	if (d->next != NULL)
		d->next->prev = d;
	s->delayed = d;
	/* from now, not from the loop's cached time: a flood takes 50-300 ms */
	event_base_update_cache_time(s->base);
	evtimer_add(d->ev, &tv);
}

/*
 * 10000 datagrams to the query's source port, from the queried address (a
 * connected client socket would not even see them from anywhere else): short
 * ones, random ones, and some with the query's ID and a wrong question.  None
 * is empty (see "empty") and none can pass for the answer.
 */
static void
flood(struct server *s, evutil_socket_t fd, const struct query *q,
    const struct sockaddr_storage *to, socklen_t tolen)
{
	static uint8_t junk[FLOOD_BATCH][200];
	struct mmsghdr mh[FLOOD_BATCH];
	struct iovec iov[FLOOD_BATCH];
	size_t len, i;
	int k, j;

	for (k = 0; k < FLOOD_COUNT; k += FLOOD_BATCH) {
		for (j = 0; j < FLOOD_BATCH; j++) {
			uint8_t *b = junk[j];

			switch ((k + j) % 4) {
			case 0:                  /* shorter than a header */
				len = 1 + rnd(s) % 11;
				for (i = 0; i < len; i++)
					b[i] = (uint8_t)rnd(s);
				break;
			case 1:                  /* random bytes under a random ID */
				len = HDR_LEN + rnd(s) % (sizeof(junk[0]) - HDR_LEN);
				for (i = 0; i < len; i++)
					b[i] = (uint8_t)rnd(s);
				break;
			default:                 /* the right ID, QR=1, a garbage question */
				len = HDR_LEN + 4 + rnd(s) % (sizeof(junk[0]) - HDR_LEN - 4);
				for (i = 0; i < len; i++)
					b[i] = (uint8_t)rnd(s);
				b[0] = (uint8_t)(q->id >> 8);
				b[1] = (uint8_t)q->id;
				b[2] = 0x84;
				b[4] = 0;
				b[5] = 1;
				/* a first label of 63 bytes: never the question of our probes */
				b[HDR_LEN] = 63;
				break;
			}
			iov[j].iov_base = b;
			iov[j].iov_len = len;
			memset(&mh[j], 0, sizeof(mh[j]));
			mh[j].msg_hdr.msg_name = (void *)(uintptr_t)to;
			mh[j].msg_hdr.msg_namelen = tolen;
			mh[j].msg_hdr.msg_iov = &iov[j];
			mh[j].msg_hdr.msg_iovlen = 1;
		}
		(void)sendmmsg(fd, mh, FLOOD_BATCH, 0);
	}
}

static void
udp_cb(evutil_socket_t fd, short what, void *cookie)
{
	struct udp_sock *u = cookie;
	struct server *s = u->s;
	struct sockaddr_storage from;
	socklen_t fromlen;
	uint8_t buf[4096];
	static struct mb m;
	struct query q;
	ssize_t n;
	double t0;
	int burst;

	for (burst = 0; burst < 64; burst++) {
		fromlen = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fromlen);
		if (n < 0)
			return;
		if (parse_query(s, buf, (size_t)n, &q) != 0)
			continue;
		if (respond(&m, s, &q, u->mode, u->names, u->role, u->host, false) != 0)
			continue;
		switch (u->mode) {
		case M_OTHERSRC:
			(void)sendto(s->other_fd, m.b, m.len, 0, (struct sockaddr *)&from, fromlen);
			break;
		case M_FLOOD:
			/*
			 * One flood per client socket and second: a client asks
			 * several questions at once on one socket, and this box
			 * takes 100-300 ms to send 10000 datagrams; every answer
			 * still comes after the junk already in the socket.
			 */
			t0 = now_ms();
			if (fromlen != s->flooded_len || memcmp(&from, &s->flooded, fromlen) != 0 ||
			    t0 - s->flooded_at > FLOOD_QUIET_MS) {
				flood(s, fd, &q, &from, fromlen);
				s->flooded = from;
				s->flooded_len = fromlen;
				s->flooded_at = now_ms();
				if (s->verbose)
					fprintf(stderr, "hostile_server: flood: %d datagrams in "
					    "%.1f ms\n", FLOOD_COUNT, s->flooded_at - t0);
			}
			send_later(s, NULL, fd, &from, fromlen, m.b, m.len, FLOOD_DELAY_MS);
			break;
		case M_EMPTY:
			(void)sendto(fd, m.b, 0, 0, (struct sockaddr *)&from, fromlen);
			break;
		case M_LATE:
			send_later(s, NULL, fd, &from, fromlen, m.b, m.len, LATE_MS);
			break;
		default:
			(void)sendto(fd, m.b, m.len, 0, (struct sockaddr *)&from, fromlen);
			break;
		}
	}
}

/* ---- TCP ---- */

static void
conn_free(struct tcp_conn *c)
{
	struct server *s = c->s;
	struct delayed *d, *next;

	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	s->n_conns--;
	for (d = s->delayed; d != NULL; d = next) {
		next = d->next;
		if (d->conn == c)
			delayed_free(d);
	}
	if (c->drip_ev != NULL)
		event_free(c->drip_ev);
	if (c->drip != NULL)
		evbuffer_free(c->drip);
	bufferevent_free(c->bev);
	free(c);
}

static void
drip_cb(evutil_socket_t fd, short what, void *cookie)
{
	struct tcp_conn *c = cookie;
	struct timeval tv = { 0, SLOW_STEP_MS * 1000 };
	uint8_t b;

	if (evbuffer_remove(c->drip, &b, 1) == 1)
		bufferevent_write(c->bev, &b, 1);
	if (evbuffer_get_length(c->drip) > 0)
		evtimer_add(c->drip_ev, &tv);
}

static void
tcp_send(struct tcp_conn *c, const uint8_t *msg, size_t len)
{
	struct timeval tv = { 0, SLOW_STEP_MS * 1000 };
	uint8_t pre[2] = { (uint8_t)(len >> 8), (uint8_t)len };
	static const uint8_t zero[2] = { 0, 0 };
	static uint8_t late[MSG_MAX + 2];

	if (c->mode == M_SLOW) {
		evbuffer_add(c->drip, pre, 2);
		evbuffer_add(c->drip, msg, len);
		if (!evtimer_pending(c->drip_ev, NULL))
			evtimer_add(c->drip_ev, &tv);
		return;
	}
	if (c->mode == M_LATE) {
		memcpy(late, pre, 2);
		memcpy(late + 2, msg, len);
		send_later(c->s, c, -1, NULL, 0, late, len + 2, LATE_MS);
		return;
	}
	if (c->mode == M_TCPCUT) {
		pre[0] = (uint8_t)((len + 100) >> 8);
		pre[1] = (uint8_t)(len + 100);
		c->closing = true;
	}
	if (c->mode == M_TCPZERO)
		bufferevent_write(c->bev, zero, 2);
	bufferevent_write(c->bev, pre, 2);
	bufferevent_write(c->bev, msg, len);
}

/* tcpcut: the message is out, short of what its prefix promised: FIN. */
static void
tcp_write_cb(struct bufferevent *bev, void *cookie)
{
	struct tcp_conn *c = cookie;

	if (c->closing)
		conn_free(c);
}

static void
tcp_read_cb(struct bufferevent *bev, void *cookie)
{
	struct tcp_conn *c = cookie;
	struct evbuffer *in = bufferevent_get_input(bev);
	static uint8_t buf[MSG_MAX];
	static struct mb m;
	struct query q;
	uint8_t pre[2];
	size_t len;

	for (;;) {
		if (evbuffer_copyout(in, pre, 2) != 2)
			return;
		len = (size_t)pre[0] << 8 | pre[1];
		if (evbuffer_get_length(in) < 2 + len)
			return;
		evbuffer_drain(in, 2);
		evbuffer_remove(in, buf, len);
		if (c->closing)
			return;          /* tcpcut: the first answer only, then FIN */
		if (parse_query(c->s, buf, len, &q) != 0)
			continue;
		if (respond(&m, c->s, &q, c->mode, c->names, c->role, c->host, true) == 0)
			tcp_send(c, m.b, m.len);
	}
}

static void
tcp_event_cb(struct bufferevent *bev, short what, void *cookie)
{
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		conn_free(cookie);
}

static void
tcp_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen,
    void *cookie)
{
	struct tcp_lsn *t = cookie;
	struct server *s = t->s;
	struct linger lg = { 1, 0 };
	struct tcp_conn *c;

	if (t->mode == M_TCPCLOSE || s->n_conns >= TCP_CONNS_MAX) {
		close(fd);
		return;
	}
	if (t->mode == M_TCPRESET) {
		/* linger 0: close() sends RST instead of FIN */
		(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(fd);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return;
	}
	c->s = s;
	c->mode = t->mode;
	c->names = t->names;
	c->role = t->role;
	c->host = t->host;
	if ((c->bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		close(fd);
		free(c);
		return;
	}
	c->next = s->conns;
	if (c->next != NULL)
		c->next->prev = c;
	s->conns = c;
	s->n_conns++;
	if (c->mode == M_SLOW &&
	    ((c->drip = evbuffer_new()) == NULL ||
	    (c->drip_ev = evtimer_new(s->base, drip_cb, c)) == NULL)) {
		conn_free(c);
		return;
	}
	bufferevent_setcb(c->bev, tcp_read_cb, tcp_write_cb, tcp_event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

/* ---- setup ---- */

static evutil_socket_t
open_socket(const char *addr, uint16_t port, int type)
{
	struct sockaddr_in sin;
	evutil_socket_t fd;
	int one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		errno = EINVAL;
		return -1;
	}
	if ((fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    (type == SOCK_STREAM && listen(fd, 64) == -1)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
server_close(struct udp_sock *u, struct tcp_lsn *t)
{
	if (u->ev != NULL)
		event_free(u->ev);
	if (u->fd != -1)
		close(u->fd);
	if (t->l != NULL)
		evconnlistener_free(t->l);
}

static void
server_free(struct server *s)
{
	size_t k;
	int i;

	while (s->delayed != NULL)
		delayed_free(s->delayed);
	while (s->conns != NULL)
		conn_free(s->conns);
	for (i = 1; i < M_END; i++)
		server_close(&s->udp[i], &s->tcp[i]);
	for (k = 0; k < 1 + 2 * N_EVIL; k++)
		server_close(&s->names_udp[k], &s->names_tcp[k]);
	if (s->other_fd != -1)
		close(s->other_fd);
	if (s->sigterm != NULL)
		event_free(s->sigterm);
	if (s->sigint != NULL)
		event_free(s->sigint);
	if (s->base != NULL)
		event_base_free(s->base);
	free(s);
}

static void
signal_cb(evutil_socket_t sig, short what, void *cookie)
{
	event_base_loopbreak(cookie);
}

static int
write_pidfile(const char *path)
{
	char tmp[4096];
	FILE *fp;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fp = fopen(tmp, "w")) == NULL)
		return -1;
	fprintf(fp, "%ld\n", (long)getpid());
	if (fclose(fp) != 0 || rename(tmp, path) != 0)
		return -1;
	return 0;
}

static void
usage(FILE *fp)
{
	fputs("usage: hostile_server [--port N] [--prefix 127.66.0] [--names-prefix 127.66.1]\n"
	    "                      [--zone kp] [--serial N] [--pidfile FILE] [-v]\n"
	    "       hostile_server --list [--prefix P]\n"
	    "Serves one misbehaviour per address PREFIX.N (UDP and TCP, port N, default 20553);\n"
	    "--list prints N, the mode, the address and what it does.  The names tree (servers\n"
	    "called by hostile byte strings) is on NAMES-PREFIX.1 (a root), .10-.20 (ZONE) and\n"
	    ".40-.50 (the zones below ZONE).  SIGTERM stops it.\n", fp);
}

/* One server: a UDP socket and a TCP listener on ${prefix}.${host}, answering as ${u}/${t} say. */
static int
bind_server(struct server *s, const char *prefix, unsigned host, struct udp_sock *u,
    struct tcp_lsn *t)
{
	char addr[64];
	evutil_socket_t fd;

	snprintf(addr, sizeof(addr), "%s.%u", prefix, host);
	u->s = t->s = s;
	if ((u->fd = open_socket(addr, s->port, SOCK_DGRAM)) == -1)
		goto fail;
	u->ev = event_new(s->base, u->fd, EV_READ | EV_PERSIST, udp_cb, u);
	if (u->ev == NULL || event_add(u->ev, NULL) == -1)
		return -1;
	if ((fd = open_socket(addr, s->port, SOCK_STREAM)) == -1)
		goto fail;
	t->l = evconnlistener_new(s->base, tcp_accept, t,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd);
	if (t->l == NULL) {
		close(fd);
		return -1;
	}
	return 0;
fail:
	fprintf(stderr, "hostile_server: cannot bind %s:%u: %s\n", addr, (unsigned)s->port,
	    strerror(errno));
	return -1;
}

/* The address of the names tree's server ${k}: the root, ZONE's, then those below ZONE. */
static unsigned
names_host_of(size_t k, enum names_role *role)
{
	if (k == 0) {
		*role = R_ROOT;
		return NAMES_ROOT;
	}
	if (k <= N_EVIL) {
		*role = R_ZONE;
		return NAMES_ZONE + (unsigned)(k - 1);
	}
	*role = R_CHILD;
	return NAMES_CHILD + (unsigned)(k - 1 - N_EVIL);
}

/* "127.66.1" -> 127.66.1.0 in host order. */
static int
names_net(const char *prefix, uint32_t *net)
{
	char addr[64];
	struct in_addr in;

	snprintf(addr, sizeof(addr), "%s.0", prefix);
	if (inet_pton(AF_INET, addr, &in) != 1)
		return -1;
	*net = ntohl(in.s_addr);
	return 0;
}

static int
bind_all(struct server *s)
{
	char addr[64];
	enum names_role role;
	unsigned host;
	size_t k;
	int i;

	for (i = 1; i < M_END; i++) {
		s->udp[i].mode = s->tcp[i].mode = (enum mode)i;
		if (bind_server(s, s->prefix, (unsigned)i, &s->udp[i], &s->tcp[i]) != 0)
			return -1;
	}
	for (k = 0; k < 1 + 2 * N_EVIL; k++) {
		host = names_host_of(k, &role);
		s->names_udp[k].mode = s->names_tcp[k].mode = M_GOOD;
		s->names_udp[k].names = s->names_tcp[k].names = true;
		s->names_udp[k].role = s->names_tcp[k].role = role;
		s->names_udp[k].host = s->names_tcp[k].host = host;
		if (bind_server(s, s->names_prefix, host, &s->names_udp[k], &s->names_tcp[k]) != 0)
			return -1;
	}
	snprintf(addr, sizeof(addr), "%s.%d", s->prefix, OTHER_SRC_HOST);
	if ((s->other_fd = open_socket(addr, s->port, SOCK_DGRAM)) == -1) {
		fprintf(stderr, "hostile_server: cannot bind %s:%u: %s\n", addr,
		    (unsigned)s->port, strerror(errno));
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const char *pidfile = NULL;
	struct server *s;
	unsigned long v;
	bool list = false;
	char *end;
	int i, rc = 1;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return 1;
	s->other_fd = -1;
	for (i = 1; i < M_END; i++)
		s->udp[i].fd = -1;
	for (i = 0; i < (int)(1 + 2 * N_EVIL); i++)
		s->names_udp[i].fd = -1;
	snprintf(s->prefix, sizeof(s->prefix), "127.66.0");
	snprintf(s->names_prefix, sizeof(s->names_prefix), "127.66.1");
	snprintf(s->zone, sizeof(s->zone), "kp");
	s->port = 20553;
	s->serial = SERIAL_DEFAULT;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			rc = 0;
			goto out;
		} else if (strcmp(a, "-v") == 0) {
			s->verbose = true;
		} else if (strcmp(a, "--list") == 0) {
			list = true;
		} else if (val == NULL) {
			goto bad_usage;
		} else if (strcmp(a, "--port") == 0) {
			v = strtoul(val, &end, 10);
			if (*end != '\0' || v == 0 || v > 65535)
				goto bad_usage;
			s->port = (uint16_t)v;
			i++;
		} else if (strcmp(a, "--serial") == 0) {
			v = strtoul(val, &end, 10);
			if (*end != '\0' || v > 0xFFFFFFFFul)
				goto bad_usage;
			s->serial = (uint32_t)v;
			i++;
		} else if (strcmp(a, "--prefix") == 0 && strlen(val) < sizeof(s->prefix)) {
			snprintf(s->prefix, sizeof(s->prefix), "%s", val);
			i++;
		} else if (strcmp(a, "--names-prefix") == 0 &&
		    strlen(val) < sizeof(s->names_prefix)) {
			snprintf(s->names_prefix, sizeof(s->names_prefix), "%s", val);
			i++;
		} else if (strcmp(a, "--zone") == 0 && strlen(val) < sizeof(s->zone) - 32) {
			snprintf(s->zone, sizeof(s->zone), "%s", val);
			for (end = s->zone; *end != '\0'; end++)
				*end = (char)tolower((unsigned char)*end);
			i++;
		} else if (strcmp(a, "--pidfile") == 0) {
			pidfile = val;
			i++;
		} else {
			goto bad_usage;
		}
	}
	if (list) {
		for (i = 1; i < M_END; i++)
			printf("%d %s %s.%d %s\n", i, modes[i].name, s->prefix, i, modes[i].what);
		rc = 0;
		goto out;
	}
	if (names_net(s->names_prefix, &s->names_net) != 0) {
		fprintf(stderr, "hostile_server: --names-prefix %s: not like 127.66.1\n",
		    s->names_prefix);
		goto bad_usage;
	}

	signal(SIGPIPE, SIG_IGN);
	s->rng = ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid() ^ 0x9E3779B97F4A7C15ull;
	if ((s->base = event_base_new()) == NULL)
		goto out;
	if (bind_all(s) != 0)
		goto out;
	s->sigterm = evsignal_new(s->base, SIGTERM, signal_cb, s->base);
	s->sigint = evsignal_new(s->base, SIGINT, signal_cb, s->base);
	if (s->sigterm == NULL || s->sigint == NULL || event_add(s->sigterm, NULL) == -1 ||
	    event_add(s->sigint, NULL) == -1)
		goto out;
	/* the pidfile says "ready": every socket is bound when it appears */
	if (pidfile != NULL && write_pidfile(pidfile) == -1) {
		fprintf(stderr, "hostile_server: cannot write %s: %s\n", pidfile, strerror(errno));
		goto out;
	}
	rc = event_base_dispatch(s->base) == -1 ? 1 : 0;
	if (pidfile != NULL)
		(void)unlink(pidfile);
	goto out;

bad_usage:
	usage(stderr);
	rc = 2;
out:
	server_free(s);
	libevent_global_shutdown();
	return rc;
}
