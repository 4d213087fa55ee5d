/*
 * faultproxy.c -- the lab's DNS fault proxy: sits in front of one NSD (UDP and TCP) and passes,
 * drops, delays, refuses or mangles each query as a one-line mode file says ("KIND [ARG]
 * [@ZONE] [~GAP_MS]").  labctl rewrites that file; it is re-checked on every packet, so a new
 * fault takes effect at once, or with ~GAP_MS at the start of the next burst of queries.
 */

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#define MSG_MAX		65535
#define UDP_SLOTS	4096		/* UDP queries in flight (or held back by "slow") */
#define ENTRY_TTL_MS	10000		/* forget a forwarded query / lossy question after this */
#define LOSSY_SLOTS	4096
#define LOSSY_WINDOW	16		/* probe window of the lossy memory table */
#define TCP_CONNS_MAX	256
#define TCP_QMAX	64		/* queries in flight per TCP connection */
#define TCP_DELAYS_MAX	256		/* responses held back per TCP connection */
#define TCP_OUT_MAX	(1024 * 1024)	/* close a connection whose peer does not read */
#define TCP_IDLE_S	60
#define SLOW_DEFAULT_MS	1500
#define SLOW_MAX_MS	600000
#define FLAP_GAP_DEFAULT_MS	100
#define FLAP_GAP_MAX_MS	600000
/* ramp [MS]: RAMP_STEPS equal steps over MS, step k dropping k/RAMP_STEPS of the queries and
 * holding the answers to the rest k x RAMP_DELAY_MS; silent from MS on */
#define RAMP_DEFAULT_MS	2000
#define RAMP_STEPS	4
#define RAMP_DELAY_MS	20
/* extra-ns [NAME]: the name added to NS answers and referrals (the lab's IPv6 proxy) */
#define EXTRA_NS_DEFAULT "v6.ns1.kptc.kp"

enum kind {
	K_PASS, K_SILENT, K_REFUSE, K_SERVFAIL, K_LAME, K_SLOW, K_LOSSY, K_LOSSY_PCT,
	K_TRUNCATE, K_GARBAGE, K_MALFORMED, K_FLAP, K_RAMP, K_UDPDROP, K_OLDSERIAL,
	K_FORMERR_EDNS, K_NSID_CHANGE, K_EXTRA_NS, K_GLUE_SWAP,
	K_FORMERR		/* not a mode file word: what formerr-edns does to a query with OPT */
};

struct mode {
	enum kind kind;
	unsigned arg;			/* K_SLOW, K_FLAP, K_RAMP: milliseconds; K_LOSSY_PCT: percent;
					   K_UDPDROP: the kind TCP queries get (K_PASS...);
					   K_NSID_CHANGE: in the mode file the burst gap (ms), for a
					   query 1 when its answer's NSID is to be rewritten */
};

/* What a mode file says: the fault, the zone it is limited to, and when it starts. */
struct mode_line {
	struct mode m;
	uint8_t zone[256];		/* "@ZONE" in wire form, lower case */
	size_t zone_len;		/* 0: no filter, the fault applies to every query */
	unsigned sync_ms;		/* "~GAP_MS": start with the first query GAP_MS after
					   the one before (a new burst); 0: at once */
	uint8_t ns[256];		/* K_EXTRA_NS: the NS name added, in wire form */
	size_t ns_len;
};

struct proxy;

/* One UDP query forwarded to the backend under a rewritten ID. */
struct upend {
	struct proxy *p;
	bool used, delayed;
	uint16_t cid, bid;		/* client's ID, ID used towards the backend */
	struct sockaddr_storage peer;
	socklen_t peerlen;
	uint64_t t_ms;
	struct mode mode;		/* mode at query time decides what happens to the answer */
	struct event *timer;		/* "slow" delivery */
	uint8_t *buf;
	size_t len;
};

struct lossy_ent {
	bool used;
	uint64_t h, t_ms;
};

struct tdelay {
	struct tconn *c;
	struct event *ev;
	struct tdelay *prev, *next;
	size_t len;
	uint8_t data[];
};

struct tq {
	uint16_t id;
	struct mode mode;
};

struct tconn {
	struct proxy *p;
	struct bufferevent *cli, *be;
	struct tq q[TCP_QMAX];
	unsigned nq;
	struct tdelay *delays;
	unsigned ndelays;
	struct tconn *prev, *next;
};

struct proxy {
	struct event_base *base;
	const char *mode_path;
	struct sockaddr_storage listen_sa, backend_sa;
	socklen_t listen_len, backend_len;

	/* current mode and the identity of the file it came from */
	struct mode mode;
	uint8_t zone[256];		/* as in struct mode_line */
	size_t zone_len;
	uint8_t extra_ns[256];		/* K_EXTRA_NS's name, as in struct mode_line */
	size_t extra_ns_len;
	bool mode_seen;
	struct stat mode_st;
	struct mode_line pending;	/* read, waiting for the next burst (has_pending) */
	bool has_pending;

	/* flap: the arrival of the last query (any mode), and where the bursts are */
	uint64_t last_query_ms;
	bool flap_begun, flap_silent;
	uint64_t ramp_start_ms;		/* when the ramp (if any) was set */

	int ufd, bfd;			/* UDP listen socket, UDP socket connected to the backend */
	struct event *uev, *bev, *sweep, *sigterm, *sigint;
	struct evconnlistener *listener;

	struct upend slots[UDP_SLOTS];
	uint16_t freelist[UDP_SLOTS];
	unsigned nfree;
	uint16_t idmap[65536];		/* backend ID -> slot index + 1 */

	struct lossy_ent lossy[LOSSY_SLOTS];
	uint64_t rng;

	struct tconn *conns;
	unsigned nconns;

	uint8_t buf[MSG_MAX + 1];
	uint8_t out[MSG_MAX + 1];
};

static uint16_t
get16(const uint8_t *b)
{
	return (uint16_t)((b[0] << 8) | b[1]);
}

static void
set16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)(v & 0xff);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint64_t
rnd(struct proxy *p)
{
	/* xorshift64: a test tool needs spread, not secrecy */
	p->rng ^= p->rng << 13;
	p->rng ^= p->rng >> 7;
	p->rng ^= p->rng << 17;
	return p->rng;
}

/*
 * Length of the single question after the header (name + type + class), or 0 when the message
 * has no well-formed uncompressed question.  Never reads outside [m, m + len).
 */
static size_t
question_len(const uint8_t *m, size_t len)
{
	size_t off = 12, nlen = 0;

	if (len < 12 || get16(m + 4) != 1)
		return 0;
	for (;;) {
		uint8_t l;

		if (off >= len)
			return 0;
		l = m[off];
		if (l & 0xc0)
			return 0;
		off += 1u + l;
		nlen += 1u + l;
		if (nlen > 255)
			return 0;
		if (l == 0)
			break;
	}
	if (off + 4 > len)
		return 0;
	return off + 4 - 12;
}

/* A REFUSED/SERVFAIL answer to query q, as NSD would send it: ID and question, no records. */
static size_t
make_error(const uint8_t *q, size_t n, uint8_t rcode, uint8_t *out)
{
	size_t ql = question_len(q, n);

	memcpy(out, q, 12);
	out[2] = (uint8_t)(0x80 | (q[2] & 0x79));	/* QR; keep opcode and RD; AA=TC=0 */
	out[3] = rcode;
	set16(out + 4, ql ? 1 : 0);
	set16(out + 6, 0);
	set16(out + 8, 0);
	set16(out + 10, 0);
	memcpy(out + 12, q + 12, ql);
	return 12 + ql;
}

/* Cut response r down to its header and question, in place, with TC set. */
static size_t
make_truncated(uint8_t *r, size_t n)
{
	size_t ql = question_len(r, n);

	r[2] |= 0x02;
	set16(r + 4, ql ? 1 : 0);
	set16(r + 6, 0);
	set16(r + 8, 0);
	set16(r + 10, 0);
	return 12 + ql;
}

/* Seven bytes that look like the start of an answer to q and then stop. */
static size_t
make_garbage(const uint8_t *q, uint8_t *out)
{
	static const uint8_t junk[5] = { 0x84, 0x00, 0xde, 0xad, 0xbe };

	memcpy(out, q, 2);
	memcpy(out + 2, junk, sizeof(junk));
	return 7;
}

/*
 * An answer to q whose header and question are sound (so a resolver
 * library passes it on) but whose one A record claims 200 bytes of RDATA
 * and carries 4: only a bounds-checked walker can tell it is broken.
 */
static size_t
make_malformed(const uint8_t *q, size_t n, uint8_t *out)
{
	static const uint8_t rr[] = {
		0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0xc8,
		127, 0, 0, 1,
	};
	size_t len = make_error(q, n, 0, out);

	out[2] |= 0x04;                 /* AA */
	set16(out + 6, 1);              /* ANCOUNT */
	memcpy(out + len, rr, sizeof(rr));
	return len + sizeof(rr);
}

/* Skip a (possibly compressed) name at off; the offset after it, or 0 when it runs off n. */
static size_t
skip_name(const uint8_t *r, size_t n, size_t off)
{
	while (off < n) {
		uint8_t l = r[off];

		if ((l & 0xc0) == 0xc0)
			return off + 2 <= n ? off + 2 : 0;
		if (l & 0xc0)
			return 0;
		off += 1u + l;
		if (l == 0)
			return off <= n ? off : 0;
	}
	return 0;
}

/*
 * The offset of the first OPT record's RDATA in message m (its length in *rdlen), or 0 when
 * there is none or the message does not walk.  Records of every section are walked; the OPT
 * record is taken from the additional section only.
 */
static size_t
find_opt(const uint8_t *m, size_t len, size_t *rdlen)
{
	size_t off = 12, i, total, an;

	if (len < 12 || get16(m + 4) > 1)
		return 0;
	if (get16(m + 4) == 1 && (off = skip_name(m, len, off)) == 0)
		return 0;
	if (get16(m + 4) == 1)
		off += 4;
	an = (size_t)get16(m + 6) + get16(m + 8);
	total = an + get16(m + 10);
	for (i = 0; i < total; i++) {
		uint16_t type, rl;

		if ((off = skip_name(m, len, off)) == 0 || off + 10 > len)
			return 0;
		type = get16(m + off);
		rl = get16(m + off + 8);
		off += 10;
		if (off + rl > len)
			return 0;
		if (type == 41 && i >= an) {
			*rdlen = rl;
			return off;
		}
		off += rl;
	}
	return 0;
}

/* nsid-change: the NSID option's value in response r rewritten in place (a-z to A-Z). */
static void
rewrite_nsid(uint8_t *r, size_t n)
{
	size_t rdlen = 0, off = find_opt(r, n, &rdlen), end = off + rdlen, i;

	if (off == 0)
		return;
	while (off + 4 <= end) {
		uint16_t code = get16(r + off), ol = get16(r + off + 2);

		off += 4;
		if (off + ol > end)
			return;
		if (code == 3)
			for (i = off; i < off + ol; i++)
				if (r[i] >= 'a' && r[i] <= 'z')
					r[i] = (uint8_t)(r[i] - 32);
		off += ol;
	}
}

/* oldserial: every SOA in the answer section one serial older (a secondary lagging behind). */
static void
age_soa(uint8_t *r, size_t n)
{
	size_t off = 12 + question_len(r, n), i, rdlen;
	unsigned an = get16(r + 6);
	uint32_t serial;

	if (off == 12)
		return;
	for (i = 0; i < an; i++) {
		if ((off = skip_name(r, n, off)) == 0 || off + 10 > n)
			return;
		rdlen = get16(r + off + 8);
		if (get16(r + off) == 6 && off + 10 + rdlen <= n) {    /* SOA */
			size_t at = skip_name(r, n, off + 10);

			if (at != 0)
				at = skip_name(r, n, at);
			if (at != 0 && at + 4 <= off + 10 + rdlen) {
				serial = (uint32_t)r[at] << 24 | (uint32_t)r[at + 1] << 16 |
				    (uint32_t)r[at + 2] << 8 | r[at + 3];
				serial--;
				r[at] = (uint8_t)(serial >> 24);
				r[at + 1] = (uint8_t)(serial >> 16);
				r[at + 2] = (uint8_t)(serial >> 8);
				r[at + 3] = (uint8_t)serial;
			}
		}
		off += 10 + rdlen;
	}
}

/* Skip one record at off (name, fixed part, RDATA); the offset after it, or 0. */
static size_t
skip_rr(const uint8_t *r, size_t n, size_t off, uint16_t *type)
{
	if ((off = skip_name(r, n, off)) == 0 || off + 10 > n)
		return 0;
	*type = get16(r + off);
	off += 10 + get16(r + off + 8);
	return off <= n ? off : 0;
}

/* The name at off in r, pointers followed, written uncompressed to out; its length, or 0. */
static size_t
expand_name(const uint8_t *r, size_t n, size_t off, uint8_t *out)
{
	size_t o = 0, hops = 0;

	while (off < n) {
		uint8_t l = r[off];

		if ((l & 0xc0) == 0xc0) {
			if (off + 1 >= n || ++hops > 16)
				return 0;
			off = (size_t)(l & 0x3f) << 8 | r[off + 1];
			continue;
		}
		if (l & 0xc0 || o + 1u + l > 255 || off + 1u + l > n)
			return 0;
		memcpy(out + o, r + off, 1u + l);
		o += 1u + l;
		off += 1u + l;
		if (l == 0)
			return o;
	}
	return 0;
}

/* Wire name a (uncompressed) is b or below it, label-wise, ASCII case ignored. */
static bool
name_under(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
	size_t off = 0, i;

	while (off < a_len) {
		if (a_len - off == b_len) {
			for (i = 0; i < b_len; i++)
				if (tolower(a[off + i]) != tolower(b[i]))
					break;
			if (i == b_len)
				return true;
		}
		if (a[off] == 0)
			break;
		off += 1u + a[off];
	}
	return false;
}

/*
 * extra-ns: one more NS record, for ${ns}, after the last NS record of the answer section (an
 * NS answer) or, in a referral, of the authority section; same owner, TTL 3600, no address;
 * only into the NS set of a zone the name is in (kp.'s, not kcna.kp.'s, for v6.ns1.kptc.kp).
 * Every compression pointer after it that points past it moves along; a message with a
 * record after it whose RDATA could hold a name (anything but A, AAAA, OPT) is left alone.
 * The new length (n when unchanged); r has room for MSG_MAX bytes.
 */
static size_t
add_ns(uint8_t *r, size_t n, const uint8_t *ns, size_t ns_len)
{
	size_t off = 12 + question_len(r, n), ins = 0, owner = 0, at, end, i, total, sec_end[3];
	uint8_t rr[256 + 10 + 256];
	size_t rr_len, o, count_at;
	unsigned counts[3] = { get16(r + 6), get16(r + 8), get16(r + 10) }, sec = 0, where = 3;
	uint16_t type;

	if (off == 12 || ns_len == 0)
		return n;
	/* the last NS record of the answer section, else of the authority section */
	for (sec = 0; sec < 3; sec++) {
		for (i = 0; i < counts[sec]; i++) {
			at = off;
			if ((off = skip_rr(r, n, off, &type)) == 0)
				return n;
			if (type == 2 && sec < 2 && (where == 3 || where == sec)) {
				where = sec;
				owner = at;
				ins = off;
			}
		}
		sec_end[sec] = off;
		if (where == 0 && sec == 0)
			break;
	}
	if (where == 3 || ins != sec_end[where])
		return n;	/* no NS record, or not the section's last record */
	/* the records after ins: no RDATA that may hold a name */
	total = (size_t)counts[0] + counts[1] + counts[2];
	off = 12 + question_len(r, n);
	for (i = 0; i < total; i++)
		if ((off = skip_rr(r, n, off, &type)) == 0 ||
		    (off > ins && type != 1 && type != 28 && type != 41))
			return n;
	if ((o = expand_name(r, n, owner, rr)) == 0 || !name_under(ns, ns_len, rr, o))
		return n;
	set16(rr + o, 2);
	set16(rr + o + 2, 1);
	set16(rr + o + 4, 0);
	set16(rr + o + 6, 3600);
	set16(rr + o + 8, (uint16_t)ns_len);
	memcpy(rr + o + 10, ns, ns_len);
	rr_len = o + 10 + ns_len;
	if (n + rr_len > MSG_MAX)
		return n;
	/* the pointers after ins that point at or past it */
	for (end = ins, i = 0; i < total && end < n; i++) {
		size_t p = end;

		while (p < n && r[p] != 0) {
			if ((r[p] & 0xc0) == 0xc0) {
				size_t target = (size_t)(r[p] & 0x3f) << 8 | r[p + 1];

				if (target >= ins) {
					target += rr_len;
					if (target > 0x3fff)
						return n;
					r[p] = (uint8_t)(0xc0 | target >> 8);
					r[p + 1] = (uint8_t)target;
				}
				break;
			}
			p += 1u + r[p];
		}
		if ((end = skip_rr(r, n, end, &type)) == 0)
			break;
	}
	memmove(r + ins + rr_len, r + ins, n - ins);
	memcpy(r + ins, rr, rr_len);
	count_at = where == 0 ? 6 : 8;	/* ANCOUNT or NSCOUNT */
	set16(r + count_at, (uint16_t)(get16(r + count_at) + 1));
	return n + rr_len;
}

/* glue-swap: the addresses of the first two A records of the additional section swapped. */
static void
swap_glue(uint8_t *r, size_t n)
{
	size_t off = 12 + question_len(r, n), at[2], found = 0, i, total;
	uint8_t tmp[4];
	uint16_t type;

	if (off == 12)
		return;
	total = (size_t)get16(r + 6) + get16(r + 8);
	for (i = 0; i < total; i++)
		if ((off = skip_rr(r, n, off, &type)) == 0)
			return;
	for (i = 0; i < get16(r + 10) && found < 2; i++) {
		size_t rd = skip_name(r, n, off);

		if (rd == 0 || rd + 10 > n)
			return;
		if (get16(r + rd) == 1 && get16(r + rd + 8) == 4 && rd + 14 <= n)
			at[found++] = rd + 10;
		if ((off = skip_rr(r, n, off, &type)) == 0)
			return;
	}
	if (found < 2)
		return;
	memcpy(tmp, r + at[0], 4);
	memcpy(r + at[0], r + at[1], 4);
	memcpy(r + at[1], tmp, 4);
}

/*
 * The answer-side part of a mode (lame, truncate, oldserial, nsid-change, extra-ns,
 * glue-swap) on r; new length.
 */
static size_t
mangle_answer(const struct proxy *p, const struct mode *m, uint8_t *r, size_t n)
{
	if (n < 12)
		return n;
	if (m->kind == K_LAME)
		r[2] &= (uint8_t)~0x04;
	else if (m->kind == K_TRUNCATE)
		return make_truncated(r, n);
	else if (m->kind == K_OLDSERIAL)
		age_soa(r, n);
	else if (m->kind == K_NSID_CHANGE && m->arg == 1)
		rewrite_nsid(r, n);
	else if (m->kind == K_EXTRA_NS)
		return add_ns(r, n, p->extra_ns, p->extra_ns_len);
	else if (m->kind == K_GLUE_SWAP)
		swap_glue(r, n);
	return n;
}

static int
parse_uint(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* "naenara.com.kp", "Kp." or "." to lower-case wire form; -1 if it is no domain name. */
static int
zone_parse(const char *s, uint8_t *out, size_t *len)
{
	size_t o = 0;

	if (strcmp(s, ".") == 0) {
		out[0] = 0;
		*len = 1;
		return 0;
	}
	while (*s != '\0') {
		size_t l = strcspn(s, ".");

		if (l == 0 || l > 63 || o + 1 + l + 1 > 255)
			return -1;
		out[o++] = (uint8_t)l;
		for (; l > 0; l--, s++)
			out[o++] = (uint8_t)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
		if (*s == '.')
			s++;
	}
	if (o == 0)
		return -1;
	out[o++] = 0;
	*len = o;
	return 0;
}

static int
mode_parse(char *line, struct mode_line *ml)
{
	static const struct {
		const char *word;
		enum kind kind;
	} words[] = {
		{ "pass", K_PASS }, { "silent", K_SILENT }, { "refuse", K_REFUSE },
		{ "servfail", K_SERVFAIL }, { "lame", K_LAME }, { "slow", K_SLOW },
		{ "lossy", K_LOSSY }, { "truncate", K_TRUNCATE }, { "garbage", K_GARBAGE },
		{ "malformed", K_MALFORMED }, { "flap", K_FLAP }, { "ramp", K_RAMP },
		{ "udpdrop", K_UDPDROP }, { "oldserial", K_OLDSERIAL },
		{ "formerr-edns", K_FORMERR_EDNS }, { "nsid-change", K_NSID_CHANGE },
		{ "extra-ns", K_EXTRA_NS }, { "glue-swap", K_GLUE_SWAP },
	};
	struct mode *m = &ml->m;
	char *save = NULL, *word, *tok, *arg = NULL, *zone = NULL, *sync = NULL;
	size_t i;

	m->kind = K_PASS;
	m->arg = 0;
	ml->zone_len = 0;
	ml->sync_ms = 0;
	ml->ns_len = 0;
	word = strtok_r(line, " \t\r\n", &save);
	if (word == NULL)
		return 0;
	/* KIND, then ARG, then @ZONE and ~GAP_MS in either order */
	while ((tok = strtok_r(NULL, " \t\r\n", &save)) != NULL) {
		if (tok[0] == '@' && zone == NULL)
			zone = tok + 1;
		else if (tok[0] == '~' && sync == NULL)
			sync = tok + 1;
		else if (arg == NULL && zone == NULL && sync == NULL)
			arg = tok;
		else
			return -1;
	}
	if (zone != NULL && zone_parse(zone, ml->zone, &ml->zone_len) == -1)
		return -1;
	if (sync != NULL && parse_uint(sync, FLAP_GAP_MAX_MS, &ml->sync_ms) == -1)
		return -1;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(word, words[i].word) == 0)
			break;
	if (i == sizeof(words) / sizeof(words[0]))
		return -1;
	m->kind = words[i].kind;
	switch (m->kind) {
	case K_SLOW:
		m->arg = SLOW_DEFAULT_MS;
		if (arg != NULL && parse_uint(arg, SLOW_MAX_MS, &m->arg) == -1)
			return -1;
		return 0;
	case K_LOSSY:
		if (arg == NULL)
			return 0;
		m->kind = K_LOSSY_PCT;
		return parse_uint(arg, 100, &m->arg);
	case K_FLAP:
	case K_NSID_CHANGE:
		m->arg = FLAP_GAP_DEFAULT_MS;
		if (arg != NULL && parse_uint(arg, FLAP_GAP_MAX_MS, &m->arg) == -1)
			return -1;
		return 0;
	case K_EXTRA_NS:
		return zone_parse(arg != NULL ? arg : EXTRA_NS_DEFAULT, ml->ns, &ml->ns_len);
	case K_RAMP:
		m->arg = RAMP_DEFAULT_MS;
		if (arg != NULL && parse_uint(arg, SLOW_MAX_MS, &m->arg) == -1)
			return -1;
		return 0;
	case K_UDPDROP:
		/* UDP dropped; TCP gets ARG, a kind without an argument of its own (default pass) */
		m->arg = K_PASS;
		if (arg == NULL)
			return 0;
		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (strcmp(arg, words[i].word) == 0)
				break;
		if (i == sizeof(words) / sizeof(words[0]))
			return -1;
		switch (words[i].kind) {
		case K_PASS: case K_SILENT: case K_REFUSE: case K_SERVFAIL: case K_LAME:
		case K_SLOW: case K_TRUNCATE: case K_GARBAGE: case K_MALFORMED:
			m->arg = words[i].kind;
			return 0;
		default:
			return -1;
		}
	default:
		return arg == NULL ? 0 : -1;
	}
}

static bool
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static void
mode_set(struct proxy *p, const struct mode_line *ml)
{
	/* a fresh "lossy" starts with an empty memory */
	if (ml->m.kind != p->mode.kind)
		memset(p->lossy, 0, sizeof(p->lossy));
	p->mode = ml->m;
	memcpy(p->zone, ml->zone, ml->zone_len);
	p->zone_len = ml->zone_len;
	memcpy(p->extra_ns, ml->ns, ml->ns_len);
	p->extra_ns_len = ml->ns_len;
	/* every (re)written mode file starts flap over with a silent burst, ramp at its bottom */
	p->flap_begun = false;
	p->ramp_start_ms = now_ms();
}

/* Re-read the mode file if it changed (a stat per packet; labctl replaces it with mv). */
static void
mode_refresh(struct proxy *p)
{
	static const struct mode_line pass = { { K_PASS, 0 }, { 0 }, 0, 0, { 0 }, 0 };
	struct stat st;
	struct mode_line ml;
	char line[384], word[384];
	ssize_t n;
	int fd;

	if (stat(p->mode_path, &st) == -1) {
		p->mode_seen = false;
		p->has_pending = false;
		mode_set(p, &pass);
		return;
	}
	if (p->mode_seen && same_file(&st, &p->mode_st))
		return;
	if ((fd = open(p->mode_path, O_RDONLY | O_CLOEXEC)) == -1) {
		p->mode_seen = false;
		p->has_pending = false;
		mode_set(p, &pass);
		return;
	}
	/* identity of what we actually read, in case it was replaced after the stat */
	if (fstat(fd, &st) == -1 || (n = read(fd, line, sizeof(line) - 1)) < 0) {
		close(fd);
		return;
	}
	close(fd);
	line[n] = '\0';
	line[strcspn(line, "\n")] = '\0';
	p->mode_st = st;
	p->mode_seen = true;
	memcpy(word, line, sizeof(word));
	if (mode_parse(word, &ml) == -1) {
		/* a mode change is rare, so this is not hot-path logging */
		fprintf(stderr, "faultproxy: %s: bad mode \"%s\", using pass\n", p->mode_path,
		    line);
		ml = pass;
	}
	/* a later file replaces a change still waiting for its burst */
	p->has_pending = ml.sync_ms > 0;
	if (p->has_pending)
		p->pending = ml;
	else
		mode_set(p, &ml);
}

/* Is the qname of q equal to the filter zone or below it?  Label-wise, case-insensitive. */
static bool
in_zone(const struct proxy *p, const uint8_t *q, size_t n)
{
	size_t ql = question_len(q, n), end, off = 12, i;

	if (ql == 0)
		return false;
	end = 12 + ql - 4;		/* one past the name's root label */
	for (;;) {
		if (end - off == p->zone_len) {
			for (i = 0; i < p->zone_len; i++) {
				uint8_t c = q[off + i];

				/* length octets are < 64, so folding A-Z never touches them */
				if (c >= 'A' && c <= 'Z')
					c = (uint8_t)(c + 32);
				if (c != p->zone[i])
					break;
			}
			if (i == p->zone_len)
				return true;
		}
		if (q[off] == 0)
			return false;
		off += 1u + q[off];
	}
}

/*
 * What to do with query q: the current mode, resolved for flap and narrowed by the zone filter.
 * Every query counts for the bursts, whatever its name: a burst is a run of queries with gaps
 * under some GAP_MS.  A change marked ~GAP_MS waits for a burst to begin, so it never splits a
 * watcher's round; flap's bursts alternate silent, pass, silent, ...
 */
static struct mode
query_mode(struct proxy *p, const uint8_t *q, size_t n)
{
	static const struct mode pass = { K_PASS, 0 }, silent = { K_SILENT, 0 },
	    formerr = { K_FORMERR, 0 };
	size_t rdlen;
	struct mode m;
	uint64_t now = now_ms();

	if (p->has_pending && now - p->last_query_ms >= p->pending.sync_ms) {
		mode_set(p, &p->pending);
		p->has_pending = false;
	}
	m = p->mode;
	if (m.kind == K_FLAP || m.kind == K_NSID_CHANGE) {
		/* flap: silent bursts first; nsid-change: bursts with the NSID rewritten first */
		if (!p->flap_begun) {
			p->flap_begun = true;
			p->flap_silent = true;
		} else if (now - p->last_query_ms >= m.arg)
			p->flap_silent = !p->flap_silent;
		if (m.kind == K_FLAP)
			m = p->flap_silent ? silent : pass;
		else
			m.arg = p->flap_silent ? 1 : 0;
	} else if (m.kind == K_FORMERR_EDNS) {
		/* an OPT record in the query: FORMERR, as from a server that predates EDNS */
		m = find_opt(q, n, &rdlen) != 0 ? formerr : pass;
	} else if (m.kind == K_RAMP) {
		unsigned k = m.arg > 0 ? (unsigned)((now - p->ramp_start_ms) * RAMP_STEPS / m.arg) :
		    RAMP_STEPS;

		if (k >= RAMP_STEPS || rnd(p) % RAMP_STEPS < k)
			m = silent;
		else if (k > 0) {
			m.kind = K_SLOW;
			m.arg = k * RAMP_DELAY_MS;
		} else
			m = pass;
	}
	p->last_query_ms = now;
	if (p->zone_len > 0 && !in_zone(p, q, n))
		return pass;
	return m;
}

/*
 * Deterministic loss: true (drop) for the first copy of a question, false for the next copy,
 * which also forgets it.  Questions are qname (case-folded) + qtype; memory lasts 10 s.
 */
static bool
lossy_drop(struct proxy *p, const uint8_t *q, size_t n)
{
	size_t ql = question_len(q, n), i;
	uint64_t h = 14695981039346656037u, now = now_ms();
	struct lossy_ent *slot = NULL, *e;

	if (ql == 0)
		return false;
	for (i = 12; i < 12 + ql - 2; i++) {	/* name, type; not class */
		uint8_t c = q[i];

		if (c >= 'A' && c <= 'Z')
			c = (uint8_t)(c + 32);
		h = (h ^ c) * 1099511628211u;
	}
	if (h == 0)
		h = 1;
	for (i = 0; i < LOSSY_WINDOW; i++) {
		e = &p->lossy[(h + i) % LOSSY_SLOTS];
		if (e->used && now - e->t_ms >= ENTRY_TTL_MS)
			e->used = false;
		if (e->used && e->h == h) {
			e->used = false;
			return false;
		}
		if (slot == NULL || (slot->used && (!e->used || e->t_ms < slot->t_ms)))
			slot = e;
	}
	/* slot is a free entry of the window, else its oldest */
	slot->used = true;
	slot->h = h;
	slot->t_ms = now;
	return true;
}

static void
udp_release(struct proxy *p, struct upend *e)
{
	if (!e->used)
		return;
	if (p->idmap[e->bid] == (uint16_t)(e - p->slots) + 1)
		p->idmap[e->bid] = 0;
	evtimer_del(e->timer);
	free(e->buf);
	e->buf = NULL;
	e->used = false;
	e->delayed = false;
	p->freelist[p->nfree++] = (uint16_t)(e - p->slots);
}

static void
udp_sweep(struct proxy *p)
{
	uint64_t now = now_ms();
	size_t i;

	for (i = 0; i < UDP_SLOTS; i++) {
		struct upend *e = &p->slots[i];

		if (e->used && !e->delayed && now - e->t_ms >= ENTRY_TTL_MS)
			udp_release(p, e);
	}
}

static void
sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	udp_sweep(arg);
}

static void
udp_forward(struct proxy *p, uint8_t *q, size_t n, const struct sockaddr_storage *peer,
    socklen_t peerlen, const struct mode *m)
{
	struct upend *e;
	uint16_t bid;
	int tries;

	if (p->nfree == 0)
		udp_sweep(p);
	if (p->nfree == 0)
		return;		/* overloaded: behave like a lossy link */
	for (tries = 0; tries < 64; tries++) {
		bid = (uint16_t)(rnd(p) & 0xffff);
		if (p->idmap[bid] == 0)
			break;
	}
	if (tries == 64)
		return;
	e = &p->slots[p->freelist[--p->nfree]];
	e->used = true;
	e->delayed = false;
	e->cid = get16(q);
	e->bid = bid;
	memcpy(&e->peer, peer, peerlen);
	e->peerlen = peerlen;
	e->t_ms = now_ms();
	e->mode = *m;
	p->idmap[bid] = (uint16_t)(e - p->slots) + 1;
	set16(q, bid);
	if (send(p->bfd, q, n, 0) == -1)
		udp_release(p, e);
}

static void
udp_query(struct proxy *p, uint8_t *q, size_t n, const struct sockaddr_storage *peer,
    socklen_t peerlen)
{
	struct mode m;
	size_t len;

	if (n < 12 || (q[2] & 0x80))
		return;		/* too short to answer, or not a query */
	mode_refresh(p);
	m = query_mode(p, q, n);
	switch (m.kind) {
	case K_SILENT:
	case K_UDPDROP:
		return;
	case K_REFUSE:
	case K_SERVFAIL:
	case K_FORMERR:
		len = make_error(q, n, m.kind == K_REFUSE ? 5 : m.kind == K_FORMERR ? 1 : 2, p->out);
		(void)sendto(p->ufd, p->out, len, 0, (const struct sockaddr *)peer, peerlen);
		return;
	case K_GARBAGE:
		len = make_garbage(q, p->out);
		(void)sendto(p->ufd, p->out, len, 0, (const struct sockaddr *)peer, peerlen);
		return;
	case K_MALFORMED:
		len = make_malformed(q, n, p->out);
		(void)sendto(p->ufd, p->out, len, 0, (const struct sockaddr *)peer, peerlen);
		return;
	case K_LOSSY:
		if (lossy_drop(p, q, n))
			return;
		break;
	case K_LOSSY_PCT:
		if (rnd(p) % 100 < m.arg)
			return;
		break;
	default:
		break;
	}
	udp_forward(p, q, n, peer, peerlen, &m);
}

static void
udp_client_cb(evutil_socket_t fd, short what, void *arg)
{
	struct proxy *p = arg;
	struct sockaddr_storage peer;
	socklen_t peerlen;
	ssize_t n;
	int i;

	for (i = 0; i < 64; i++) {
		peerlen = sizeof(peer);
		n = recvfrom(fd, p->buf, MSG_MAX, 0, (struct sockaddr *)&peer, &peerlen);
		if (n < 0)
			return;
		udp_query(p, p->buf, (size_t)n, &peer, peerlen);
	}
}

static void
udp_delay_cb(evutil_socket_t fd, short what, void *arg)
{
	struct upend *e = arg;
	struct proxy *p = e->p;

	(void)sendto(p->ufd, e->buf, e->len, 0, (const struct sockaddr *)&e->peer, e->peerlen);
	udp_release(p, e);
}

static void
udp_backend_cb(evutil_socket_t fd, short what, void *arg)
{
	struct proxy *p = arg;
	struct upend *e;
	struct timeval tv;
	uint16_t si;
	ssize_t n;
	size_t len;
	int i;

	for (i = 0; i < 64; i++) {
		n = recv(fd, p->buf, MSG_MAX, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			continue;	/* ICMP error from a dead backend: look for more */
		}
		if (n < 12 || (si = p->idmap[get16(p->buf)]) == 0)
			continue;
		e = &p->slots[si - 1];
		if (e->delayed)
			continue;
		set16(p->buf, e->cid);
		len = mangle_answer(p, &e->mode, p->buf, (size_t)n);
		if (e->mode.kind != K_SLOW) {
			(void)sendto(p->ufd, p->buf, len, 0, (const struct sockaddr *)&e->peer,
			    e->peerlen);
			udp_release(p, e);
			continue;
		}
		if ((e->buf = malloc(len)) == NULL) {
			udp_release(p, e);
			continue;
		}
		memcpy(e->buf, p->buf, len);
		e->len = len;
		e->delayed = true;
		p->idmap[e->bid] = 0;	/* a duplicate answer must not find it again */
		tv.tv_sec = e->mode.arg / 1000;
		tv.tv_usec = (suseconds_t)(e->mode.arg % 1000) * 1000;
		evtimer_add(e->timer, &tv);
	}
}

static void
tconn_free(struct tconn *c)
{
	struct proxy *p = c->p;
	struct tdelay *d;

	while ((d = c->delays) != NULL) {
		c->delays = d->next;
		event_free(d->ev);
		free(d);
	}
	if (c->be != NULL)
		bufferevent_free(c->be);
	bufferevent_free(c->cli);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		p->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	p->nconns--;
	free(c);
}

/* Send one framed message to the client; -1 if the client is not reading and must go. */
static int
tcp_reply(struct tconn *c, const uint8_t *m, size_t n)
{
	struct evbuffer *out = bufferevent_get_output(c->cli);
	uint8_t hdr[2];

	set16(hdr, (uint16_t)n);
	if (evbuffer_add(out, hdr, 2) == -1 || evbuffer_add(out, m, n) == -1)
		return -1;
	return evbuffer_get_length(out) > TCP_OUT_MAX ? -1 : 0;
}

static void
tcp_delay_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tdelay *d = arg;
	struct tconn *c = d->c;
	int r;

	r = tcp_reply(c, d->data, d->len);
	if (d->prev != NULL)
		d->prev->next = d->next;
	else
		c->delays = d->next;
	if (d->next != NULL)
		d->next->prev = d->prev;
	c->ndelays--;
	event_free(d->ev);
	free(d);
	if (r == -1)
		tconn_free(c);
}

static int
tcp_delay(struct tconn *c, const uint8_t *m, size_t n, unsigned ms)
{
	struct tdelay *d;
	struct timeval tv;

	if (c->ndelays >= TCP_DELAYS_MAX)
		return 0;	/* drop it */
	if ((d = malloc(sizeof(*d) + n)) == NULL)
		return -1;
	if ((d->ev = evtimer_new(c->p->base, tcp_delay_cb, d)) == NULL) {
		free(d);
		return -1;
	}
	d->c = c;
	d->len = n;
	memcpy(d->data, m, n);
	d->prev = NULL;
	d->next = c->delays;
	if (c->delays != NULL)
		c->delays->prev = d;
	c->delays = d;
	c->ndelays++;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
	evtimer_add(d->ev, &tv);
	return 0;
}

/* One response from the backend: match it to its query, apply that query's mode, relay it. */
static int
tcp_answer(struct tconn *c, uint8_t *r, size_t n)
{
	struct mode m;
	unsigned i;
	uint16_t id;

	if (n < 12)
		return 0;
	id = get16(r);
	for (i = 0; i < c->nq; i++)
		if (c->q[i].id == id)
			break;
	if (i == c->nq)
		return 0;
	m = c->q[i].mode;
	memmove(&c->q[i], &c->q[i + 1], (c->nq - i - 1) * sizeof(c->q[0]));
	c->nq--;
	n = mangle_answer(c->p, &m, r, n);
	if (m.kind == K_SLOW)
		return tcp_delay(c, r, n, m.arg);
	return tcp_reply(c, r, n);
}

static void
tcp_backend_read(struct bufferevent *bev, void *arg)
{
	struct tconn *c = arg;
	struct proxy *p = c->p;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t hdr[2];
	size_t mlen;

	while (evbuffer_get_length(in) >= 2) {
		evbuffer_copyout(in, hdr, 2);
		mlen = get16(hdr);
		if (evbuffer_get_length(in) < 2 + mlen)
			return;
		evbuffer_drain(in, 2);
		evbuffer_remove(in, p->buf, mlen);
		if (tcp_answer(c, p->buf, mlen) == -1) {
			tconn_free(c);
			return;
		}
	}
}

static void
tcp_event(struct bufferevent *bev, short what, void *arg)
{
	/* EOF, error or idle timeout on either side ends the whole connection */
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		tconn_free(arg);
}

static int
tcp_backend_open(struct tconn *c)
{
	struct proxy *p = c->p;

	c->be = bufferevent_socket_new(p->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (c->be == NULL)
		return -1;
	bufferevent_setcb(c->be, tcp_backend_read, NULL, tcp_event, c);
	if (bufferevent_enable(c->be, EV_READ) == -1)
		return -1;
	return bufferevent_socket_connect(c->be, (struct sockaddr *)&p->backend_sa,
	    (int)p->backend_len);
}

static int
tcp_query(struct tconn *c, uint8_t *q, size_t n)
{
	struct proxy *p = c->p;
	struct evbuffer *out;
	struct mode m;
	uint8_t hdr[2];
	size_t len;

	if (n < 12 || (q[2] & 0x80))
		return 0;
	mode_refresh(p);
	m = query_mode(p, q, n);
	if (m.kind == K_UDPDROP) {	/* UDP is dropped; TCP gets the kind named by its arg */
		m.kind = (enum kind)m.arg;
		m.arg = m.kind == K_SLOW ? SLOW_DEFAULT_MS : 0;
	}
	switch (m.kind) {
	case K_SILENT:
		return 0;
	case K_REFUSE:
	case K_SERVFAIL:
	case K_FORMERR:
		len = make_error(q, n, m.kind == K_REFUSE ? 5 : m.kind == K_FORMERR ? 1 : 2, p->out);
		return tcp_reply(c, p->out, len);
	case K_GARBAGE:
		len = make_garbage(q, p->out);
		return tcp_reply(c, p->out, len);
	case K_MALFORMED:
		len = make_malformed(q, n, p->out);
		return tcp_reply(c, p->out, len);
	case K_LOSSY:
		if (lossy_drop(p, q, n))
			return 0;
		break;
	case K_LOSSY_PCT:
		if (rnd(p) % 100 < m.arg)
			return 0;
		break;
	default:
		break;
	}
	if (c->nq == TCP_QMAX)
		return 0;
	if (c->be == NULL && tcp_backend_open(c) == -1)
		return -1;
	out = bufferevent_get_output(c->be);
	set16(hdr, (uint16_t)n);
	if (evbuffer_add(out, hdr, 2) == -1 || evbuffer_add(out, q, n) == -1)
		return -1;
	if (evbuffer_get_length(out) > TCP_OUT_MAX)
		return -1;
	c->q[c->nq].id = get16(q);
	c->q[c->nq].mode = m;
	c->nq++;
	return 0;
}

static void
tcp_client_read(struct bufferevent *bev, void *arg)
{
	struct tconn *c = arg;
	struct proxy *p = c->p;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t hdr[2];
	size_t mlen;

	while (evbuffer_get_length(in) >= 2) {
		evbuffer_copyout(in, hdr, 2);
		mlen = get16(hdr);
		if (evbuffer_get_length(in) < 2 + mlen)
			return;
		evbuffer_drain(in, 2);
		evbuffer_remove(in, p->buf, mlen);
		if (tcp_query(c, p->buf, mlen) == -1) {
			tconn_free(c);
			return;
		}
	}
}

static void
tcp_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen,
    void *arg)
{
	struct proxy *p = arg;
	struct timeval idle = { TCP_IDLE_S, 0 };
	struct tconn *c;

	if (p->nconns >= TCP_CONNS_MAX || (c = calloc(1, sizeof(*c))) == NULL) {
		evutil_closesocket(fd);
		return;
	}
	c->p = p;
	if ((c->cli = bufferevent_socket_new(p->base, fd, BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		evutil_closesocket(fd);
		free(c);
		return;
	}
	c->next = p->conns;
	if (p->conns != NULL)
		p->conns->prev = c;
	p->conns = c;
	p->nconns++;
	bufferevent_setcb(c->cli, tcp_client_read, NULL, tcp_event, c);
	bufferevent_set_timeouts(c->cli, &idle, &idle);
	if (bufferevent_enable(c->cli, EV_READ) == -1)
		tconn_free(c);
}

static void
tcp_accept_error(struct evconnlistener *l, void *arg)
{
	/* EMFILE and friends: keep serving what we have */
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	event_base_loopbreak(arg);
}

/* "A.B.C.D:PORT" or "[V6]:PORT" to a sockaddr. */
static int
parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon;
	unsigned port;
	size_t hl;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (end == NULL || end[1] != ':')
			return -1;
		hl = (size_t)(end - s - 1);
		colon = end + 1;
		s++;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return -1;
		hl = (size_t)(colon - s);
	}
	if (hl == 0 || hl >= sizeof(host))
		return -1;
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (parse_uint(colon + 1, 65535, &port) == -1 || port == 0)
		return -1;
	if (strchr(host, ':') != NULL) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
			return -1;
		*len = sizeof(*sin6);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
			return -1;
		*len = sizeof(*sin);
	}
	return 0;
}

static int
open_socket(const struct sockaddr_storage *sa, socklen_t len, int type, bool bind_it)
{
	int fd, one = 1, rcvbuf = 1 << 20;

	if ((fd = socket(sa->ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (type == SOCK_DGRAM)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (!bind_it) {
		if (connect(fd, (const struct sockaddr *)sa, len) == -1)
			goto fail;
		return fd;
	}
	/* only TCP gets SO_REUSEADDR (TIME_WAIT); for UDP it would allow a second binder */
	if (type == SOCK_STREAM &&
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1)
		goto fail;
	if (sa->ss_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) == -1)
		goto fail;
	if (bind(fd, (const struct sockaddr *)sa, len) == -1)
		goto fail;
	if (type == SOCK_STREAM && listen(fd, 128) == -1)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

static int
write_pidfile(const char *path)
{
	FILE *f;

	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fprintf(f, "%ld\n", (long)getpid());
	return fclose(f) == 0 ? 0 : -1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: faultproxy --listen ADDR:PORT --backend ADDR:PORT "
	    "--mode-file FILE [--pidfile FILE]\n"
	    "mode file: KIND [ARG] [@ZONE] [~GAP_MS]: the fault only for queries at or below\n"
	    "ZONE; from the first query GAP_MS after the one before (the next burst)\n"
	    "kinds: pass silent refuse servfail lame slow [MS] lossy [PCT] truncate garbage\n"
	    "       malformed flap [GAP_MS]\n");
}

static void
proxy_free(struct proxy *p)
{
	size_t i;

	while (p->conns != NULL)
		tconn_free(p->conns);
	for (i = 0; i < UDP_SLOTS; i++) {
		free(p->slots[i].buf);
		if (p->slots[i].timer != NULL)
			event_free(p->slots[i].timer);
	}
	if (p->listener != NULL)
		evconnlistener_free(p->listener);
	if (p->uev != NULL)
		event_free(p->uev);
	if (p->bev != NULL)
		event_free(p->bev);
	if (p->sweep != NULL)
		event_free(p->sweep);
	if (p->sigterm != NULL)
		event_free(p->sigterm);
	if (p->sigint != NULL)
		event_free(p->sigint);
	if (p->ufd != -1)
		close(p->ufd);
	if (p->bfd != -1)
		close(p->bfd);
	if (p->base != NULL)
		event_base_free(p->base);
	free(p);
}

int
main(int argc, char **argv)
{
	const char *listen_s = NULL, *backend_s = NULL, *pidfile = NULL;
	struct timeval second = { 1, 0 };
	struct proxy *p;
	int i, tfd = -1, rc = 1;
	size_t k;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return 1;
	p->ufd = p->bfd = -1;
	for (i = 1; i < argc; i += 2) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage();
			rc = 0;
			goto out;
		}
		if (v == NULL)
			goto bad_usage;
		if (strcmp(argv[i], "--listen") == 0)
			listen_s = v;
		else if (strcmp(argv[i], "--backend") == 0)
			backend_s = v;
		else if (strcmp(argv[i], "--mode-file") == 0)
			p->mode_path = v;
		else if (strcmp(argv[i], "--pidfile") == 0)
			pidfile = v;
		else
			goto bad_usage;
	}
	if (listen_s == NULL || backend_s == NULL || p->mode_path == NULL)
		goto bad_usage;
	if (parse_addr(listen_s, &p->listen_sa, &p->listen_len) == -1) {
		fprintf(stderr, "faultproxy: bad --listen address: %s\n", listen_s);
		goto out;
	}
	if (parse_addr(backend_s, &p->backend_sa, &p->backend_len) == -1) {
		fprintf(stderr, "faultproxy: bad --backend address: %s\n", backend_s);
		goto out;
	}

	signal(SIGPIPE, SIG_IGN);
	p->rng = ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid() ^ now_ms();
	if (p->rng == 0)
		p->rng = 1;
	if ((p->base = event_base_new()) == NULL)
		goto out;
	for (k = 0; k < UDP_SLOTS; k++) {
		p->slots[k].p = p;
		if ((p->slots[k].timer = evtimer_new(p->base, udp_delay_cb, &p->slots[k])) == NULL)
			goto out;
		p->freelist[k] = (uint16_t)(UDP_SLOTS - 1 - k);
	}
	p->nfree = UDP_SLOTS;

	if ((p->ufd = open_socket(&p->listen_sa, p->listen_len, SOCK_DGRAM, true)) == -1 ||
	    (tfd = open_socket(&p->listen_sa, p->listen_len, SOCK_STREAM, true)) == -1) {
		fprintf(stderr, "faultproxy: cannot listen on %s: %s\n", listen_s, strerror(errno));
		goto out;
	}
	p->listener = evconnlistener_new(p->base, tcp_accept, p,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, tfd);
	if (p->listener == NULL) {
		close(tfd);
		goto out;
	}
	evconnlistener_set_error_cb(p->listener, tcp_accept_error);
	if ((p->bfd = open_socket(&p->backend_sa, p->backend_len, SOCK_DGRAM, false)) == -1) {
		fprintf(stderr, "faultproxy: cannot reach backend %s: %s\n", backend_s,
		    strerror(errno));
		goto out;
	}
	p->uev = event_new(p->base, p->ufd, EV_READ | EV_PERSIST, udp_client_cb, p);
	p->bev = event_new(p->base, p->bfd, EV_READ | EV_PERSIST, udp_backend_cb, p);
	p->sweep = event_new(p->base, -1, EV_PERSIST, sweep_cb, p);
	p->sigterm = evsignal_new(p->base, SIGTERM, signal_cb, p->base);
	p->sigint = evsignal_new(p->base, SIGINT, signal_cb, p->base);
	if (p->uev == NULL || p->bev == NULL || p->sweep == NULL || p->sigterm == NULL ||
	    p->sigint == NULL)
		goto out;
	if (event_add(p->uev, NULL) == -1 || event_add(p->bev, NULL) == -1 ||
	    event_add(p->sweep, &second) == -1 || event_add(p->sigterm, NULL) == -1 ||
	    event_add(p->sigint, NULL) == -1)
		goto out;
	mode_refresh(p);

	/* the pidfile says "ready": sockets are bound when it appears */
	if (pidfile != NULL && write_pidfile(pidfile) == -1) {
		fprintf(stderr, "faultproxy: cannot write %s: %s\n", pidfile, strerror(errno));
		goto out;
	}
	fprintf(stderr, "faultproxy: %s -> %s, mode file %s\n", listen_s, backend_s, p->mode_path);
	rc = event_base_dispatch(p->base) == -1 ? 1 : 0;
	if (pidfile != NULL)
		(void)unlink(pidfile);
	goto out;

bad_usage:
	usage();
	rc = 2;
out:
	proxy_free(p);
	libevent_global_shutdown();
	return rc;
}
