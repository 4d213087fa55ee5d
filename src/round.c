/*
 * round.c -- one check round: discovery, zone servers, hosts, in parallel.
 *
 * See round.h for the model.  Servers are grouped in "authority sets",
 * one per zone met (the roots, the monitored zone, each child zone); a
 * resolution sits at one set at a time and asks every server of it.  A
 * server added to a set later (a second root's referral, a glueless NS
 * name resolved) is asked by every resolution still waiting there.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tldwatch/classify.h"
#include "tldwatch/clock.h"
#include "tldwatch/engine.h"
#include "tldwatch/hash.h"
#include "tldwatch/identmemo.h"
#include "tldwatch/loop.h"
#include "tldwatch/region.h"
#include "tldwatch/round.h"
#include "tldwatch/vec.h"
#include "tldwatch/transport.h"
#include "tldwatch/wire.h"

#define MAX_REFERRALS 12   /* delegation depth of one resolution */
#define MAX_CNAMES 8       /* CNAME hops of one resolution */
#define MAX_NSADDR_DEPTH 3 /* glueless lookups nested inside glueless lookups */
#define ROW_RTTS_FIRST 8   /* RTTs a row has room for before its vector grows */

struct authset;
struct tw_round;
struct ident;

/* One server as seen from one zone, on one transport. */
struct row {
	struct tw_server_result r;  /* its strings are the region's until exported */
	struct authset *set;
	struct tw_vec rtts;         /* float, ms: to a microsecond up to 8 s, half a double's room */
	double health_at;           /* when its health query was submitted (mono ms) */
	bool second_asked;          /* the TCP second opinion went out (at most once a round) */
	bool edns_off;              /* it answered FORMERR or NOTIMP to EDNS: asked without since */
	struct ident *ident;        /* its server's CHAOS identity, shared by its rows */
};

/*
 * A server's identity (CHAOS TXT hostname.bind, else id.server), asked once a round per
 * (address, port, transport) whatever the number of rows (zones) it has, in parallel with
 * the health queries and never longer than they may take; it counts in no row's sent,
 * answered or RTT.
 */
struct ident {
	const char *address;        /* the round's copy: the rows that share it come and go */
	uint16_t port;
	enum tw_transport transport;
	char *identity;             /* NULL until (and unless) one came */
	bool pending;               /* a query for it is out */
	struct tw_vec waiting;      /* struct mzone *: zones done but for this identity */
};

struct mzone;

/*
 * One NS name of a set as its parent and the zone itself show it (delegation.h): the
 * referral's names and glue, the zone's NS answer and the addresses it gives, and how
 * looking up a name nobody gave an address ended.
 */
struct nsinfo {
	char *name;
	bool in_parent, in_child;
	struct tw_vec glue;         /* char *: the parent's */
	struct tw_vec addrs;        /* char *: the zone's servers', or the lookup's */
	enum tw_ns_lookup lookup;
	enum tw_outcome lookup_outcome;
};

struct authset {
	struct tw_round *rd;
	struct tw_region *region;   /* its zone's (the round's for the roots) */
	char *zone;
	enum tw_role role;
	struct mzone *mz;           /* NULL for the roots */
	struct tw_vec rows;         /* struct row * */
	unsigned pending_sources;   /* lookups that may still add rows */
	struct tw_vec waiters;      /* struct resolution * that reached this set */
	struct tw_vec ns_names;     /* char *: NS names whose addresses were sought */
	enum tw_outcome ns_failure; /* how the last failed address lookup ended */
	char *parent_zone;          /* the zone of the server whose referral named it; NULL: none */
	bool child_seen;            /* one of its servers answered its NS query */
	struct tw_vec nsinfo;       /* struct nsinfo * */
};

/*
 * A monitored zone.  It is started when the round's window has room for it (zone_admit), and
 * everything it meets lives in a region of its own, reset as soon as the zone is over
 * (zone_export): its result is copied out then, and the region goes to the next zone.
 */
struct mzone {
	const struct tw_zone_cfg *cfg;
	size_t index;               /* in the config and the result */
	struct tw_region *region;   /* NULL before it started and once it is exported */
	struct authset *zoneset;
	struct tw_vec sets;         /* struct authset *: child zones met */
	struct tw_vec hosts;        /* struct resolution *, one per configured host */
	struct tw_vec ress;         /* struct resolution *: every one of the zone's */
	unsigned outstanding;       /* its queries out (identities are the servers', not its) */
	unsigned ident_waits;       /* identities still out that its rows show */
	double park_due;            /* parked: when it stops waiting for them */
	bool parked, exported;
};

enum purpose { P_DISCOVERY, P_HOST, P_NSADDR };

struct seen {
	struct row *row;
	enum tw_outcome outcome;
};

struct resolution {
	struct tw_round *rd;
	struct mzone *mz;
	enum purpose purpose;
	struct authset *target_set; /* P_NSADDR: where the addresses go */
	char *ns_name;              /* P_NSADDR */
	bool holds_pending;         /* P_NSADDR: counted in target_set's pending_sources */
	unsigned nsaddr_depth;
	char *qname;                /* the name asked now (a CNAME's target moves it) */
	uint16_t qtype;
	struct authset *level;
	unsigned level_outstanding;
	struct tw_vec seen;         /* struct seen: replies at this level */
	int referrals, cnames;
	bool done, resolved;
	enum tw_outcome outcome;
	struct tw_vec addrs;        /* char * */
	char *path;
	char *detail;
};

/*
 * Q_SECOND: the TCP second opinion of a UDP row's health query (fallback_tcp).
 * Q_IDENT: a server's CHAOS identity; the round does not wait long for it (ident_grace).
 */
enum qkind { Q_HEALTH, Q_ZONE_NS, Q_RESOLVE, Q_SECOND, Q_IDENT, Q_KINDS };

struct qctx {
	struct tw_round *rd;
	enum qkind kind;
	struct row *row;
	struct mzone *mz;
	struct resolution *res;
	struct authset *level;
	const char *qname;          /* the round's own copy (a set's zone, a resolution's name) */
	uint16_t qtype;
	bool edns;                  /* asked with EDNS and NSID */
	struct ident *ident;        /* Q_IDENT */
	double ident_end;           /* Q_IDENT: when its time is up (mono ms) */
	bool done;
	struct qctx *next_free;     /* on the round's free list, once its reply was handled */
};

/*
 * What the round shares (the roots, the identities, the queries' contexts) lives in its
 * region, freed in one call; each zone's own state lives in its zone's region, and only the
 * result (on the heap, filled in a zone at a time) outlives them.  At most ${window} zones run
 * at once, started in the config's order as others end, so what a round holds follows the
 * window, not the number of zones.  Out of memory is a region's mark, or ${failed} for what is
 * not a region's (a query the engine refused), and is reported once, at the end.
 */
struct tw_round {
	struct tw_region *region;
	bool region_owned;          /* made for this round (a one-shot check); else a watcher's */
	const struct tw_config *cfg;
	struct tw_loop *loop;
	struct tw_engine *eng;
	struct tw_wire_msg *msg;    /* scratch for parsing one reply (100 KB: not in the region) */
	struct authset *rootset;
	struct mzone *mz;
	size_t n_mz;
	size_t next_zone;           /* the first zone not started */
	size_t live;                /* zones started and not exported */
	size_t window;              /* how many may run at once */
	struct tw_vec spare_regions; /* struct tw_region *: exported zones', reset, to reuse */
	struct tw_check_result *result; /* on the heap; each zone's part filled as it ends */
	struct tw_vec parked;       /* struct mzone *: done but for their servers' identities */
	size_t parked_next;
	struct tw_loop_timer *park_timer;
	bool admitting;             /* zone_admit is on the stack: it starts the next zones */
	struct qctx *free_q;        /* queries whose reply was handled, to reuse */
	unsigned outstanding[Q_KINDS];
	bool failed;
	bool finished;              /* idle or deadline: nothing more will come */
	bool deadline_hit;
	double started;
	struct tw_loop_timer *deadline;
	struct tw_loop_timer *idle;
	/*
	 * The TCP second opinion (on when UDP is a transport and TCP is not): UDP rows whose
	 * health query went out, in that order; a row still unanswered ${suspect_after_ms}
	 * later (its first attempt's time) is asked over TCP until its UDP query's end.
	 */
	bool second_opinion;
	double suspect_after_ms;
	double health_ms;           /* timeout x attempts: how long a health query may take */
	struct tw_vec suspects;     /* struct suspect */
	size_t suspects_next;
	struct tw_loop_timer *suspect_timer;
	/* Identities: one per server endpoint; the wait for the last ones once all else is done. */
	struct tw_hash idents;      /* struct ident *, by (address, port, transport) */
	struct tw_loop_timer *ident_grace;
	bool grace_armed;
	double max_rtt_ms;          /* the slowest answer of the round so far */
	struct tw_identmemo *identmemo; /* a watcher's: servers that refused their identity */
	tw_round_done_cb *done_cb;
	void *done_cookie;
	void (*zone_cb)(void *, const struct tw_check_result *, struct tw_zone_result *);
	void *zone_cookie;
};

static void res_enter(struct resolution *res, struct authset *set);
static void zone_check(struct tw_round *rd, struct mzone *mz);
static void res_check_stuck(struct resolution *res);
static bool name_eq(const char *a, const char *b);

/*
 * ---- small helpers: everything inside a round comes from a region: the round's for what
 * it shares, a zone's (its sets, rows and resolutions: ZR()) for what is the zone's ----
 */

#define ZR(mz) ((mz)->region)

static void *
zalloc(struct tw_region *r, size_t size)
{
	return tw_region_zalloc(r, size);
}

static char *
xstrdup(struct tw_region *r, const char *s)
{
	return tw_region_strdup(r, s);
}

static char *
xprintf(struct tw_region *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static char *
xprintf(struct tw_region *r, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = tw_region_vprintf(r, fmt, ap);
	va_end(ap);
	return s;
}

/* Append to a text being built (a byte vector in the region). */
static void
bprintf(struct tw_round *rd, struct tw_vec *b, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
bprintf(struct tw_round *rd, struct tw_vec *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (tw_vec_vprintf(b, fmt, ap) != 0)
		rd->failed = true;
	va_end(ap);
}

static void
vec_init(struct tw_region *r, struct tw_vec *v, size_t size)
{
	tw_vec_init(v, size, r);
}

/* Push ${p} (never NULL: a failed allocation is not recorded). */
static void
push(struct tw_round *rd, struct tw_vec *v, void *p)
{
	if (p != NULL && tw_vec_push_ptr(v, p) != 0)
		rd->failed = true;
}

static void *
at(const struct tw_vec *v, size_t i)
{
	return ((void **)v->v)[i];
}

/* A new set in ${mz}'s region (the round's for the roots: ${mz} NULL). */
static struct authset *
set_new(struct tw_round *rd, const char *zone, enum tw_role role, struct mzone *mz)
{
	struct tw_region *r = mz != NULL ? ZR(mz) : rd->region;
	struct authset *set;

	if ((set = zalloc(r, sizeof(*set))) == NULL)
		return NULL;
	set->rd = rd;
	set->region = r;
	set->role = role;
	set->mz = mz;
	vec_init(r, &set->rows, sizeof(struct row *));
	vec_init(r, &set->waiters, sizeof(struct resolution *));
	vec_init(r, &set->ns_names, sizeof(char *));
	vec_init(r, &set->nsinfo, sizeof(struct nsinfo *));
	if ((set->zone = xstrdup(r, zone)) == NULL)
		return NULL;
	return set;
}

/* The set for ${zone} within ${mz}: the zone itself or a child met on the way. */
static struct authset *
mz_set_for(struct tw_round *rd, struct mzone *mz, const char *zone)
{
	struct authset *set;
	size_t i;

	if (strcmp(zone, mz->cfg->name) == 0)
		return mz->zoneset;
	for (i = 0; i < mz->sets.n; i++) {
		set = at(&mz->sets, i);
		if (strcmp(set->zone, zone) == 0)
			return set;
	}
	if ((set = set_new(rd, zone, TW_ROLE_CHILD, mz)) != NULL)
		push(rd, &mz->sets, set);
	return set;
}

/* ---- queries ---- */

static void on_reply(void *cookie, const struct tw_engine_reply *reply);
static void on_reply_release(void *cookie, const struct tw_engine_reply *reply);

/*
 * A query's context, zeroed: one whose reply was handled, or a new one.  Nothing holds a
 * query past its reply, so a round keeps only those in flight (a world round sends 58,000
 * queries; a few thousand are out at once).
 */
static struct qctx *
qctx_alloc(struct tw_round *rd)
{
	struct qctx *q = rd->free_q;

	if (q == NULL)
		return zalloc(rd->region, sizeof(*q));
	rd->free_q = q->next_free;
	memset(q, 0, sizeof(*q));
	return q;
}

/*
 * A health query carries EDNS with NSID: a zone or child row's ZONE SOA, and a root's
 * discovery query (its health).  Not once the row answered FORMERR or NOTIMP to EDNS.
 */
static bool
wants_edns(const struct row *row, enum qkind kind)
{
	if (row->edns_off)
		return false;
	return kind == Q_HEALTH || (kind == Q_RESOLVE && row->set->role == TW_ROLE_ROOT);
}

/*
 * A query for ${row}'s server (NULL: an identity's, which no row holds): a new context of
 * ${kind} for ${qname}/${qtype} (NULL when memory ran out).  submit() hands it to the engine.
 */
static struct qctx *
query_new(struct tw_round *rd, enum qkind kind, struct row *row, const char *qname,
    uint16_t qtype)
{
	struct qctx *q;

	if ((q = qctx_alloc(rd)) == NULL)
		return NULL;
	q->rd = rd;
	q->kind = kind;
	q->row = row;
	q->mz = row != NULL ? row->set->mz : NULL;
	q->qname = qname;
	q->qtype = qtype;
	return q;
}

/*
 * Send ${q} to ${address} port ${port} over ${tr} as ${ask} says; counted (in its zone too)
 * until its reply.
 */
static void
submit(struct tw_round *rd, struct qctx *q, const char *address, uint16_t port,
    enum tw_transport tr, const struct tw_engine_ask *ask)
{
	struct tw_target t;

	t.address = address;
	t.port = port;
	t.transport = tr;
	if (tw_engine_query_ask(rd->eng, &t, q->qname, q->qtype, ask, on_reply_release, q) != 0) {
		rd->failed = true;
		q->done = true;
		return;
	}
	rd->outstanding[q->kind]++;
	if (q->mz != NULL)
		q->mz->outstanding++;
}

/* submit() to ${q}'s row's server. */
static void
submit_row(struct tw_round *rd, struct qctx *q, enum tw_transport tr,
    const struct tw_engine_ask *ask)
{
	submit(rd, q, q->row->r.address, q->row->r.port, tr, ask);
}

static void
send_query(struct tw_round *rd, enum qkind kind, struct row *row, struct mzone *mz,
    struct resolution *res, const char *qname, uint16_t qtype)
{
	struct tw_engine_ask ask;
	struct qctx *q;

	if ((q = query_new(rd, kind, row, qname, qtype)) == NULL)
		return;
	q->mz = mz;
	q->res = res;
	q->level = res != NULL ? res->level : NULL;
	q->edns = wants_edns(row, kind);
	memset(&ask, 0, sizeof(ask));
	ask.edns_nsid = q->edns;
	submit_row(rd, q, row->r.transport, &ask);
}

/*
 * Ask ${row}'s health question over TCP, once, ending when its UDP health query would
 * (health_at + timeout x attempts): the second opinion never lengthens the round.  Not
 * asked when that time has already come.
 */
static void
ask_second(struct tw_round *rd, struct row *row)
{
	struct tw_engine_ask ask;
	struct qctx *q;

	memset(&ask, 0, sizeof(ask));
	ask.bounded = true;
	ask.deadline_at = row->health_at + rd->health_ms;
	if (!rd->second_opinion || row->second_asked || row->r.transport != TW_TRANSPORT_UDP ||
	    row->set->role == TW_ROLE_ROOT || ask.deadline_at - tw_clock_mono_ms() < 1.0)
		return;
	row->second_asked = true;
	if ((q = query_new(rd, Q_SECOND, row, row->set->zone, TW_RR_SOA)) != NULL)
		submit_row(rd, q, TW_TRANSPORT_TCP, &ask);
}

/*
 * A UDP row whose health query went out, in the round's queue of suspects: its zone is
 * looked at before the row, which went with the zone's region once the zone was exported.
 */
struct suspect {
	struct row *row;
	struct mzone *mz;
	double due;                 /* its first attempt's time is up (mono ms) */
};

/* Rows whose first attempt's time has passed without a health reply get their second opinion. */
static void
on_suspect(void *cookie)
{
	struct tw_round *rd = cookie;
	struct suspect *sp;
	double now = tw_clock_mono_ms();

	if (rd->finished)
		return;
	while (rd->suspects_next < rd->suspects.n) {
		sp = (struct suspect *)rd->suspects.v + rd->suspects_next;
		if (sp->due > now) {
			tw_loop_timer_arm(rd->suspect_timer, sp->due - now);
			return;
		}
		rd->suspects_next++;
		/* (a parked zone is over but for identities: nothing more is asked for it) */
		if (!sp->mz->exported && !sp->mz->parked && sp->row->r.outcome == TW_OUTCOME_NONE)
			ask_second(rd, sp->row);
	}
}

/* ${row}'s health query just went out: watch it for a second opinion. */
static void
suspect_add(struct tw_round *rd, struct row *row)
{
	struct suspect *sp;
	size_t rest;

	row->health_at = tw_clock_mono_ms();
	if (!rd->second_opinion || row->r.transport != TW_TRANSPORT_UDP)
		return;
	/* a queue: what was looked at goes, so it holds the rows of the window, not the round's */
	if (rd->suspects_next >= 256 && rd->suspects_next * 2 >= rd->suspects.n) {
		rest = rd->suspects.n - rd->suspects_next;
		memmove(rd->suspects.v, (struct suspect *)rd->suspects.v + rd->suspects_next,
		    rest * sizeof(struct suspect));
		rd->suspects.n = rest;
		rd->suspects_next = 0;
	}
	if ((sp = tw_vec_push(&rd->suspects)) == NULL) {
		rd->failed = true;
		return;
	}
	sp->row = row;
	sp->mz = row->set->mz;
	sp->due = row->health_at + rd->suspect_after_ms;
	if (rd->suspects.n - rd->suspects_next == 1)
		tw_loop_timer_arm(rd->suspect_timer, rd->suspect_after_ms);
}

/* ---- identities ---- */

static const char *const ident_names[] = { "hostname.bind", "id.server" };

static bool
ident_eq(const void *item, const void *key)
{
	const struct ident *id = item;
	const struct row *row = key;

	return id->port == row->r.port && id->transport == row->r.transport &&
	    strcmp(id->address, row->r.address) == 0;
}

/*
 * Ask ${id}'s server ident_names[${step}] in class CH, by ${end}.  The query is the server's,
 * not a row's: the rows that show the identity may be gone (their zone exported) before it
 * comes.
 */
static void
ident_ask(struct tw_round *rd, struct ident *id, unsigned step, double end)
{
	struct tw_engine_ask ask;
	struct qctx *q;

	id->pending = false;
	if ((q = query_new(rd, Q_IDENT, NULL, ident_names[step], TW_WIRE_TYPE_TXT)) == NULL)
		return;
	q->ident = id;
	q->ident_end = end;
	memset(&ask, 0, sizeof(ask));
	ask.qclass = TW_WIRE_CLASS_CH;
	ask.bounded = true;
	ask.deadline_at = end;
	submit(rd, q, id->address, id->port, id->transport, &ask);
	id->pending = !q->done;
}

/* ${row}'s server's identity: asked now if no row of it asked this round. */
static void
ident_start(struct tw_round *rd, struct row *row)
{
	uint64_t h = tw_transport_server_hash(row->r.address, row->r.port, row->r.transport);
	struct ident *id;

	if ((id = tw_hash_find(&rd->idents, h, ident_eq, row)) != NULL) {
		row->ident = id;
		return;
	}
	if ((id = zalloc(rd->region, sizeof(*id))) == NULL ||
	    (id->address = xstrdup(rd->region, row->r.address)) == NULL)
		return;
	vec_init(rd->region, &id->waiting, sizeof(struct mzone *));
	id->port = row->r.port;
	id->transport = row->r.transport;
	if (tw_hash_add(&rd->idents, h, id) != 0) {
		rd->failed = true;
		return;
	}
	row->ident = id;
	if (rd->identmemo != NULL && rd->cfg->watch.identity_recheck_ms > 0 &&
	    tw_identmemo_skip(rd->identmemo, id->address, id->port, id->transport, rd->started,
	    rd->cfg->watch.identity_recheck_ms))
		return;                     /* it refused not long ago: no identity this round */
	ident_ask(rd, id, 0, tw_clock_mono_ms() + rd->health_ms);
}

/* A foreign byte string (an NSID, a TXT string) as the result keeps it; NULL when empty. */
static char *
bytes_text(struct tw_region *r, const uint8_t *p, size_t n)
{
	char text[TW_WIRE_BYTES_TEXT_MAX];

	if (n == 0)
		return NULL;
	return xstrdup(r, tw_wire_bytes_text(p, n, text));
}

/* A CHAOS TXT answer to ${q}: sound, for the name asked, with a string in it. */
static bool
ident_answer(const struct qctx *q, const struct tw_wire_msg *msg, int rc)
{
	return rc == 0 && msg->qr && msg->opcode == 0 && !msg->tc && msg->rcode == 0 &&
	    msg->has_question && msg->qtype == TW_WIRE_TYPE_TXT &&
	    msg->qclass == TW_WIRE_CLASS_CH && name_eq(msg->qname, q->qname) &&
	    msg->has_txt && msg->txt_class == TW_WIRE_CLASS_CH &&
	    name_eq(msg->txt_name, q->qname) && msg->txt_len > 0;
}

static void
row_add_rtt(struct tw_round *rd, struct row *row, double rtt)
{
	/* room for a healthy row's round at once: a region vector's outgrown copies stay */
	float ms = (float)rtt;

	if (row->rtts.cap == 0 && tw_vec_reserve(&row->rtts, ROW_RTTS_FIRST) != 0)
		rd->failed = true;
	if (tw_vec_append(&row->rtts, &ms) != 0)
		rd->failed = true;
	if (rtt > rd->max_rtt_ms)
		rd->max_rtt_ms = rtt;
}

/* Keep the most telling outcome when one row gets several health replies. */
static void
row_set_health(struct row *row, enum tw_outcome o)
{
	enum tw_outcome old = row->r.outcome;

	if (old == TW_OUTCOME_NONE || (tw_outcome_is_useful(old) && !tw_outcome_is_useful(o)))
		row->r.outcome = o;
}

/* ---- sets and rows ---- */

static struct row *
set_find(struct authset *set, const char *address, uint16_t port, enum tw_transport tr)
{
	struct row *row;
	size_t i;

	for (i = 0; i < set->rows.n; i++) {
		row = at(&set->rows, i);
		if (row->r.port == port && row->r.transport == tr &&
		    strcmp(row->r.address, address) == 0)
			return row;
	}
	return NULL;
}

static void
row_start(struct tw_round *rd, struct row *row)
{
	struct authset *set = row->set;
	struct resolution *res;
	size_t i;

	ident_start(rd, row);
	if (set->role == TW_ROLE_ROOT)
		return;
	send_query(rd, Q_HEALTH, row, set->mz, NULL, set->zone, TW_RR_SOA);
	suspect_add(rd, row);
	if (set->role == TW_ROLE_ZONE)
		send_query(rd, Q_ZONE_NS, row, set->mz, NULL, set->zone, TW_RR_NS);
	for (i = 0; i < set->waiters.n; i++) {
		res = at(&set->waiters, i);
		if (!res->done && res->level == set) {
			res->level_outstanding++;
			send_query(rd, Q_RESOLVE, row, res->mz, res, res->qname, res->qtype);
		}
	}
}


/*
 * set_add_server(set, name, address, port, pinned):
 * Add one row per enabled transport (or update the one there) and start
 * asking it: its health query, and every resolution waiting at ${set}.
 */
static void
set_add_server(struct authset *set, const char *name, const char *address,
    uint16_t port, bool pinned)
{
	struct tw_round *rd = set->rd;
	struct row *row;
	int tr;

	for (tr = 0; tr < TW_TRANSPORT_COUNT; tr++) {
		if (!rd->cfg->probe.transport[tr])
			continue;
		if ((row = set_find(set, address, port, (enum tw_transport)tr)) != NULL) {
			row->r.pinned = row->r.pinned || pinned;
			if (row->r.name == NULL && name != NULL)
				row->r.name = xstrdup(set->region, name);
			continue;
		}
		if ((row = zalloc(set->region, sizeof(*row))) == NULL)
			return;
		row->set = set;
		vec_init(set->region, &row->rtts, sizeof(float));
		row->r.role = set->role;
		row->r.zone = set->zone;
		row->r.name = xstrdup(set->region, name);
		snprintf(row->r.address, sizeof(row->r.address), "%s", address);
		row->r.port = port;
		row->r.transport = (enum tw_transport)tr;
		row->r.pinned = pinned;
		row->r.outcome = TW_OUTCOME_NONE;
		row->r.rtt_ms = -1.0;
		if (tw_vec_push_ptr(&set->rows, row) != 0) {
			rd->failed = true;
			return;
		}
		row_start(rd, row);
	}
}

/* Tell every resolution waiting at ${set} that its sources may have run dry. */
static void
set_wake(struct authset *set)
{
	struct resolution *res;
	size_t i;

	for (i = 0; i < set->waiters.n; i++) {
		res = at(&set->waiters, i);
		if (!res->done && res->level == set)
			res_check_stuck(res);
	}
}

/* ---- resolutions ---- */

static const char *
zone_display(const char *zone)
{
	return zone[0] != '\0' ? zone : ".";
}

static struct resolution *
res_new(struct tw_round *rd, struct mzone *mz, enum purpose purpose, const char *qname,
    uint16_t qtype)
{
	struct resolution *res;

	if ((res = zalloc(ZR(mz), sizeof(*res))) == NULL)
		return NULL;
	res->rd = rd;
	res->mz = mz;
	res->purpose = purpose;
	res->qtype = qtype;
	res->outcome = TW_OUTCOME_NONE;
	vec_init(ZR(mz), &res->seen, sizeof(struct seen));
	vec_init(ZR(mz), &res->addrs, sizeof(char *));
	if ((res->qname = xstrdup(ZR(mz), qname)) == NULL)
		return NULL;
	if (tw_vec_push_ptr(&mz->ress, res) != 0) {
		rd->failed = true;
		return NULL;
	}
	return res;
}

/* The path grows a few steps at most (referrals, CNAMEs): old copies stay in the region. */
static void
res_path_add(struct resolution *res, const char *sep, const char *what)
{
	char *p;

	if (res->path == NULL)
		p = xstrdup(ZR(res->mz), what);
	else
		p = xprintf(ZR(res->mz), "%s%s%s", res->path, sep, what);
	if (p != NULL)
		res->path = p;
}

static void seek_start(struct authset *set, const char *ns, unsigned depth, uint16_t qtype);
static struct nsinfo *nsinfo_get(struct authset *set, const char *name);
static void str_add(struct tw_round *rd, struct tw_vec *v, const char *s);

/* What an NS name's lookup found, for its set's delegation; no A record: ask for AAAA. */
static void
ns_looked_up(struct resolution *res, struct authset *set)
{
	struct nsinfo *ni = nsinfo_get(set, res->ns_name);
	size_t i;

	if (ni == NULL)
		return;
	if (res->resolved) {
		ni->lookup = TW_NS_LOOKUP_FOUND;
		for (i = 0; i < res->addrs.n; i++)
			str_add(res->rd, &ni->addrs, at(&res->addrs, i));
	} else if (res->outcome == TW_OUTCOME_NODATA && res->qtype == TW_RR_A) {
		seek_start(set, res->ns_name, res->nsaddr_depth, TW_RR_AAAA);
	} else if (ni->lookup == TW_NS_LOOKUP_FOUND) {
		return;
	} else if (res->outcome == TW_OUTCOME_NXDOMAIN || res->outcome == TW_OUTCOME_NODATA) {
		ni->lookup = TW_NS_LOOKUP_EMPTY;
		ni->lookup_outcome = res->outcome;
	} else {
		ni->lookup = TW_NS_LOOKUP_FAILED;
		ni->lookup_outcome = res->outcome;
	}
}

static void
res_finish(struct resolution *res, bool resolved, enum tw_outcome outcome, char *detail)
{
	struct tw_round *rd = res->rd;
	struct authset *set;
	size_t i;

	if (res->done)
		return;
	res->done = true;
	res->resolved = resolved;
	res->outcome = outcome;
	res->detail = detail;
	if (res->purpose == P_NSADDR) {
		set = res->target_set;
		ns_looked_up(res, set);
		if (resolved)
			for (i = 0; i < res->addrs.n; i++)
				set_add_server(set, res->ns_name, at(&res->addrs, i),
				    rd->cfg->probe.port, false);
		if (!resolved)
			set->ns_failure = outcome;
		if (res->holds_pending && set->pending_sources > 0)
			set->pending_sources--;
		set_wake(set);
	} else if (res->purpose == P_DISCOVERY) {
		set = res->mz->zoneset;
		if (set->pending_sources > 0)
			set->pending_sources--;
		set_wake(set);
	}
}

static void
res_enter(struct resolution *res, struct authset *set)
{
	struct tw_round *rd = res->rd;
	struct row *row;
	size_t i;

	res->level = set;
	res->seen.n = 0;
	res->level_outstanding = 0;
	res_path_add(res, " > ", zone_display(set->zone));
	/*
	 * The roots' rows are all there before any zone starts, so nothing looks at their
	 * waiters; and they outlive the zones, whose resolutions go with their regions.
	 */
	if (set != rd->rootset)
		push(rd, &set->waiters, res);
	for (i = 0; i < set->rows.n; i++) {
		row = at(&set->rows, i);
		res->level_outstanding++;
		send_query(rd, Q_RESOLVE, row, res->mz, res, res->qname, res->qtype);
	}
	res_check_stuck(res);
}

/* Failures at a level are ranked by what they tell an operator. */
static int
failure_rank(enum tw_outcome o)
{
	static const enum tw_outcome order[] = {
		TW_OUTCOME_LAME, TW_OUTCOME_REFUSED, TW_OUTCOME_SERVFAIL, TW_OUTCOME_RCODE,
		TW_OUTCOME_MALFORMED, TW_OUTCOME_TRUNCATED, TW_OUTCOME_UNREACHABLE,
		TW_OUTCOME_TIMEOUT, TW_OUTCOME_BLOCKED,
	};
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (order[i] == o)
			return (int)i;
	return (int)(sizeof(order) / sizeof(order[0]));
}

/* Name order, so a diagnosis reads the same whichever server answered first. */
static int
cmp_seen(const void *pa, const void *pb)
{
	const struct row *a = ((const struct seen *)pa)->row, *b = ((const struct seen *)pb)->row;
	int c;

	if ((c = strcmp(a->r.name != NULL ? a->r.name : "", b->r.name != NULL ? b->r.name : "")))
		return c;
	if ((c = strcmp(a->r.address, b->r.address)) != 0)
		return c;
	return (int)a->r.transport - (int)b->r.transport;
}

/* "kcna.kp servers: ns1.kcna.kp timeout, ns2.kcna.kp timeout" */
static char *
level_detail(struct resolution *res, enum tw_outcome *worst)
{
	struct tw_round *rd = res->rd;
	const struct authset *level = res->level;
	struct seen *seen = res->seen.v;
	const struct row *row;
	struct tw_vec b;
	size_t i;

	*worst = TW_OUTCOME_NONE;
	if (res->seen.n > 1)
		qsort(seen, res->seen.n, sizeof(*seen), cmp_seen);
	if (res->seen.n == 0 && level->ns_names.n > 0) {
		*worst = level->ns_failure;
		vec_init(ZR(res->mz), &b, 1);
		bprintf(rd, &b, "no address found for the %s servers:", zone_display(level->zone));
		for (i = 0; i < level->ns_names.n; i++)
			bprintf(rd, &b, "%s %s", i ? "," : "", (const char *)at(&level->ns_names, i));
		return b.v;
	}
	if (res->seen.n == 0)
		return xprintf(ZR(res->mz), "no server of %s is known", zone_display(level->zone));
	vec_init(ZR(res->mz), &b, 1);
	bprintf(rd, &b, "%s servers:", zone_display(level->zone));
	for (i = 0; i < res->seen.n; i++) {
		row = seen[i].row;
		if (*worst == TW_OUTCOME_NONE || failure_rank(seen[i].outcome) < failure_rank(*worst))
			*worst = seen[i].outcome;
		bprintf(rd, &b, "%s %s%s %s", i ? "," : "",
		    row->r.name != NULL ? row->r.name : row->r.address,
		    row->r.transport == TW_TRANSPORT_TCP ? "/tcp" : "",
		    tw_outcome_str(seen[i].outcome));
	}
	return b.v;
}

static void
res_check_stuck(struct resolution *res)
{
	enum tw_outcome worst;
	char *detail;

	if (res->done || res->level_outstanding > 0 || res->level->pending_sources > 0)
		return;
	detail = level_detail(res, &worst);
	res_finish(res, false, worst, detail);
}

static bool
name_eq(const char *a, const char *b)
{
	return strcmp(a, b) == 0; /* wire.c and config.c both give lower case */
}

/* ${set}'s record of NS name ${name}, made on first use; NULL when memory ran out. */
static struct nsinfo *
nsinfo_get(struct authset *set, const char *name)
{
	struct tw_round *rd = set->rd;
	struct nsinfo *ni;
	size_t i;

	for (i = 0; i < set->nsinfo.n; i++) {
		ni = at(&set->nsinfo, i);
		if (name_eq(ni->name, name))
			return ni;
	}
	if ((ni = zalloc(set->region, sizeof(*ni))) == NULL ||
	    (ni->name = xstrdup(set->region, name)) == NULL)
		return NULL;
	vec_init(set->region, &ni->glue, sizeof(char *));
	vec_init(set->region, &ni->addrs, sizeof(char *));
	ni->lookup_outcome = TW_OUTCOME_NONE;
	push(rd, &set->nsinfo, ni);
	return ni;
}

static void
str_add(struct tw_round *rd, struct tw_vec *v, const char *s)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strcmp(at(v, i), s) == 0)
			return;
	push(rd, v, xstrdup(v->region, s));
}

static void set_seek_ns(struct authset *set, const char *ns, unsigned depth);

/*
 * set_learn_ns(set, ns_sec, msg, owner, parent_zone, depth, from_parent):
 * Learn ${set}'s NS names from ${ns_sec} and their addresses from ${msg}'s additional
 * section (those under ${parent_zone} only: the answering server is authoritative for
 * them), start asking every address, and look up the names that came without one.
 * From a referral (${from_parent}) they are the parent's names and glue; from the zone's
 * own NS answer they are the zone's names and its servers' addresses.
 */
static void
set_learn_ns(struct authset *set, const struct tw_wire_section *ns_sec,
    const struct tw_wire_msg *msg, const char *owner, const char *parent_zone,
    unsigned depth, bool from_parent)
{
	struct tw_round *rd = set->rd;
	const struct tw_wire_rr *ns, *glue;
	struct nsinfo *ni;
	bool found;
	size_t i, j;

	if (from_parent && set->parent_zone == NULL)
		set->parent_zone = xstrdup(set->region, parent_zone);
	if (!from_parent)
		set->child_seen = true;
	for (i = 0; i < ns_sec->kept; i++) {
		ns = &ns_sec->rr[i];
		if (ns->type != TW_RR_NS || !name_eq(ns->name, owner))
			continue;
		if ((ni = nsinfo_get(set, ns->target)) == NULL)
			return;
		if (from_parent)
			ni->in_parent = true;
		else
			ni->in_child = true;
		found = false;
		/* Glue counts only when the referring server is authoritative for it. */
		if (tw_wire_name_is_subdomain(ns->target, parent_zone)) {
			for (j = 0; j < msg->additional.kept; j++) {
				glue = &msg->additional.rr[j];
				if ((glue->type != TW_RR_A && glue->type != TW_RR_AAAA) ||
				    !name_eq(glue->name, ns->target))
					continue;
				str_add(rd, from_parent ? &ni->glue : &ni->addrs, glue->target);
				set_add_server(set, ns->target, glue->target, rd->cfg->probe.port,
				    false);
				found = true;
			}
		}
		/* the zone's answer without an address: the parent's glue may have one */
		if (!found && (from_parent || ni->glue.n == 0))
			set_seek_ns(set, ns->target, depth + 1);
	}
}

/* Look ${ns} up (${qtype}) for ${set}; its addresses join ${set} as they arrive. */
static void
seek_start(struct authset *set, const char *ns, unsigned depth, uint16_t qtype)
{
	struct tw_round *rd = set->rd;
	struct mzone *mz = set->mz;
	struct resolution *res;
	struct authset *start;

	/* a name inside the set's own zone: its servers know it, when it has any */
	if (tw_wire_name_is_subdomain(ns, set->zone) && set->rows.n > 0)
		start = set;
	else if (tw_wire_name_is_subdomain(ns, mz->cfg->name) && mz->zoneset != set)
		start = mz->zoneset;
	else
		start = rd->rootset;
	if (start->rows.n == 0 && start->pending_sources == 0)
		return;
	if ((res = res_new(rd, mz, P_NSADDR, ns, qtype)) == NULL)
		return;
	res->target_set = set;
	res->nsaddr_depth = depth;
	if ((res->ns_name = xstrdup(ZR(mz), ns)) == NULL)
		return;
	if (start != set) {
		set->pending_sources++;
		res->holds_pending = true;
	}
	res_enter(res, start);
}

/* Resolve a glueless NS name (A, then AAAA when it has no A), once a round per set. */
static void
set_seek_ns(struct authset *set, const char *ns, unsigned depth)
{
	struct tw_round *rd = set->rd;
	size_t i;

	if (depth > MAX_NSADDR_DEPTH || set->mz == NULL)
		return;
	for (i = 0; i < set->ns_names.n; i++)
		if (name_eq(at(&set->ns_names, i), ns))
			return;
	push(rd, &set->ns_names, xstrdup(set->region, ns));
	seek_start(set, ns, depth, TW_RR_A);
}

static void
follow_cname(struct resolution *res, const char *target)
{
	struct tw_round *rd = res->rd;
	struct authset *start;
	char *t;

	if (++res->cnames > MAX_CNAMES) {
		res_finish(res, false, TW_OUTCOME_ANSWER,
		    xprintf(ZR(res->mz), "more than %d CNAMEs", MAX_CNAMES));
		return;
	}
	if ((t = xstrdup(ZR(res->mz), target)) == NULL)
		return;
	res->qname = t;
	if (tw_wire_name_is_subdomain(target, res->mz->cfg->name))
		start = res->mz->zoneset;
	else if (rd->rootset->rows.n > 0)
		start = rd->rootset;
	else {
		res_finish(res, false, TW_OUTCOME_ANSWER,
		    xprintf(ZR(res->mz), "CNAME to %s, outside the zone, and no roots to follow it",
		    target));
		return;
	}
	res_path_add(res, " > ", "CNAME");
	res_enter(res, start);
}

static void
handle_answer(struct resolution *res, const struct tw_wire_msg *msg, const struct row *row)
{
	struct tw_round *rd = res->rd;
	const struct tw_wire_rr *rr;
	const char *name = res->qname;
	bool cname;
	size_t i;
	int hop;

	for (hop = 0; hop <= MAX_CNAMES; hop++) {
		for (i = 0; i < msg->answer.kept; i++) {
			rr = &msg->answer.rr[i];
			if (rr->type == res->qtype && name_eq(rr->name, name))
				push(rd, &res->addrs, xstrdup(ZR(res->mz), rr->target));
		}
		if (res->addrs.n > 0) {
			if (res->purpose == P_DISCOVERY) {
				set_learn_ns(res->mz->zoneset, &msg->answer, msg, res->qname,
				    res->qname, 0, false);
			}
			res_finish(res, true, TW_OUTCOME_ANSWER, NULL);
			return;
		}
		cname = false;
		for (i = 0; i < msg->answer.kept && !cname; i++) {
			rr = &msg->answer.rr[i];
			if (rr->type == TW_RR_CNAME && name_eq(rr->name, name)) {
				name = rr->target;
				cname = true;
			}
		}
		if (!cname)
			break;
	}
	if (name != res->qname) {
		follow_cname(res, name);
		return;
	}
	res_finish(res, false, TW_OUTCOME_NODATA,
	    xprintf(ZR(res->mz), "%s answered without a %s record",
	    row->r.name != NULL ? row->r.name : row->r.address,
	    res->qtype == TW_RR_AAAA ? "AAAA" : res->qtype == TW_RR_NS ? "NS" : "A"));
}

static void
handle_referral(struct resolution *res, const struct qctx *q, const struct tw_wire_msg *msg)
{
	struct tw_round *rd = res->rd;
	struct authset *child;
	const char *zone;

	zone = tw_classify_referral_zone(msg, res->qname, q->level->zone);
	if (zone == NULL) {
		res_check_stuck(res);
		return;
	}
	if (++res->referrals > MAX_REFERRALS) {
		res_finish(res, false, TW_OUTCOME_REFERRAL,
		    xprintf(ZR(res->mz), "more than %d referrals", MAX_REFERRALS));
		return;
	}
	if ((child = mz_set_for(rd, res->mz, zone)) == NULL)
		return;
	set_learn_ns(child, &msg->authority, msg, zone, q->level->zone, res->nsaddr_depth, true);
	if (res->purpose == P_DISCOVERY && child == res->mz->zoneset) {
		res_path_add(res, " > ", zone_display(zone));
		res_finish(res, true, TW_OUTCOME_REFERRAL, NULL);
		return;
	}
	if (res->purpose == P_NSADDR && child == res->target_set) {
		res_finish(res, false, TW_OUTCOME_REFERRAL,
		    xprintf(ZR(res->mz), "%s is glueless inside its own zone", res->qname));
		return;
	}
	res_enter(res, child);
}

static void
res_on_reply(struct resolution *res, const struct qctx *q, struct row *row,
    enum tw_outcome outcome, const struct tw_wire_msg *msg)
{
	struct seen *seen;

	if (res->done || q->level != res->level)
		return;   /* a slower server of a level already left: counted in its row only */
	res->level_outstanding--;
	if ((seen = tw_vec_push(&res->seen)) == NULL) {
		res->rd->failed = true;
		return;
	}
	seen->row = row;
	seen->outcome = outcome;

	switch (outcome) {
	case TW_OUTCOME_ANSWER:
		handle_answer(res, msg, row);
		break;
	case TW_OUTCOME_REFERRAL:
		handle_referral(res, q, msg);
		break;
	case TW_OUTCOME_NXDOMAIN:
	case TW_OUTCOME_NODATA:
		res_finish(res, false, outcome, xprintf(ZR(res->mz), "%s from %s", tw_outcome_str(outcome),
		    row->r.name != NULL ? row->r.name : row->r.address));
		break;
	default:
		res_check_stuck(res);
		break;
	}
}

/* ---- replies ---- */

/*
 * The zone's own NS set, for its delegation (delegation.h), from a health answer: most
 * servers (NSD, BIND) put it in the authority section of an answer, and then it costs no
 * query.  A child row whose answer lacks it is asked ZONE NS (the monitored zone's rows
 * always are).
 */
static void
health_ns(struct tw_round *rd, struct row *row, const struct tw_wire_msg *msg)
{
	const char *zone = row->set->zone;
	size_t i;

	for (i = 0; i < msg->authority.kept; i++)
		if (msg->authority.rr[i].type == TW_RR_NS && name_eq(msg->authority.rr[i].name, zone)) {
			set_learn_ns(row->set, &msg->authority, msg, zone, zone, 0, false);
			return;
		}
	if (row->set->role == TW_ROLE_CHILD)
		send_query(rd, Q_ZONE_NS, row, row->set->mz, NULL, zone, TW_RR_NS);
}

/* Ask ${q}'s question again, as the same kind of query for the same row, without EDNS. */
static void
resend(struct tw_round *rd, const struct qctx *q)
{
	struct tw_engine_ask ask;
	struct qctx *n;

	if ((n = qctx_alloc(rd)) == NULL)
		return;
	*n = *q;
	n->next_free = NULL;
	n->done = false;
	n->edns = false;
	memset(&ask, 0, sizeof(ask));
	submit_row(rd, n, q->row->r.transport, &ask);
	if (n->done && n->res != NULL && n->res->level == n->level) {
		/* Not sent: as if that server had not answered, the resolution may move on. */
		n->res->level_outstanding--;
		res_check_stuck(n->res);
	}
}

/* How long identities still out are waited for: twice the round's slowest answer, at least 10 ms. */
static double
ident_grace_ms(const struct tw_round *rd)
{
	return rd->max_rtt_ms * 2.0 > 10.0 ? rd->max_rtt_ms * 2.0 : 10.0;
}

/*
 * Everything but identities answered: the round waits a little for those still out (twice
 * its slowest answer, at least 10 ms, never past their own time), then ends without them.
 */
static void
round_check_rest(struct tw_round *rd)
{
	unsigned k, rest = 0;

	/* (while zones remain, each waits for its own servers' identities: zone_check) */
	if (rd->finished || rd->outstanding[Q_IDENT] == 0 || rd->live > 0 ||
	    rd->next_zone < rd->n_mz)
		return;
	for (k = 0; k < Q_KINDS; k++)
		if (k != Q_IDENT)
			rest += rd->outstanding[k];
	if (rest > 0 || rd->grace_armed)
		return;
	rd->grace_armed = true;
	tw_loop_timer_arm(rd->ident_grace, ident_grace_ms(rd));
}

/* ${id}'s queries are over, answered or not: the zones that waited for it may end. */
static void
ident_over(struct tw_round *rd, struct ident *id)
{
	struct mzone *mz;
	size_t i;

	id->pending = false;
	for (i = 0; i < id->waiting.n; i++) {
		mz = at(&id->waiting, i);
		if (!mz->exported && mz->ident_waits > 0 && --mz->ident_waits == 0)
			zone_check(rd, mz);
	}
	id->waiting.n = 0;
}

static void
on_ident_reply(struct tw_round *rd, struct qctx *q, const struct tw_engine_reply *reply)
{
	struct tw_wire_msg *msg = rd->msg;
	bool refused = false, hidden = false;
	int rc;

	if (reply->transport_outcome == TW_OUTCOME_NONE) {
		rc = tw_wire_parse(reply->buf, reply->len, msg);
		if (ident_answer(q, msg, rc)) {
			q->ident->identity = bytes_text(rd->region, msg->txt, msg->txt_len);
			ident_over(rd, q->ident);
			return;
		}
		refused = rc == 0 && msg->qr && msg->rcode == TW_WIRE_RCODE_REFUSED;
		/* a response without an identity to the last name asked: it hides it */
		hidden = refused || (rc == 0 && msg->qr && q->qname == ident_names[1]);
	}
	if (hidden && rd->identmemo != NULL && rd->cfg->watch.identity_recheck_ms > 0 &&
	    tw_identmemo_refused(rd->identmemo, q->ident->address, q->ident->port,
	    q->ident->transport, rd->started) != 0)
		rd->failed = true;
	/*
	 * hostname.bind gave nothing: id.server, inside the same time (not sent when it is up),
	 * unless it was refused: NSD, Unbound, Knot and PowerDNS hide both names together (only
	 * BIND set to "hostname none" with a server-id answers the one and refuses the other).
	 */
	if (q->qname == ident_names[0] && !refused && !rd->finished)
		ident_ask(rd, q->ident, 1, q->ident_end);
	else
		q->ident->pending = false;
	if (!q->ident->pending)
		ident_over(rd, q->ident);
	round_check_rest(rd);
}

static void
on_reply(void *cookie, const struct tw_engine_reply *reply)
{
	struct qctx *q = cookie;
	struct tw_round *rd = q->rd;
	struct row *row = q->row;
	struct tw_wire_msg *msg = rd->msg;
	const char *zone;
	enum tw_outcome outcome;
	size_t i;
	int rc;

	q->done = true;
	rd->outstanding[q->kind]--;
	if (q->mz != NULL)
		q->mz->outstanding--;
	if (q->kind == Q_IDENT) {
		on_ident_reply(rd, q, reply);
		return;
	}
	zone = row->set->zone;
	if (q->kind != Q_SECOND) {   /* the row's counts are its own transport's */
		row->r.sent += reply->sent;
		row->r.answered += reply->answered;
		if (reply->rtt_ms >= 0)
			row_add_rtt(rd, row, reply->rtt_ms);
	}

	outcome = reply->transport_outcome;
	if (outcome == TW_OUTCOME_NONE) {
		rc = tw_wire_parse(reply->buf, reply->len, msg);
		outcome = tw_classify(msg, rc, q->qname, q->qtype, zone);
		if (outcome == TW_OUTCOME_MALFORMED)
			msg->answer.kept = msg->authority.kept = msg->additional.kept = 0;
	} else {
		msg->answer.kept = msg->authority.kept = msg->additional.kept = 0;
	}

	/*
	 * FORMERR or NOTIMP to a query with EDNS: the server does not speak it.  Asked again
	 * without (this and every later query of the row); the reply to that decides.
	 */
	if (q->edns && outcome == TW_OUTCOME_RCODE &&
	    (msg->rcode == TW_WIRE_RCODE_FORMERR || msg->rcode == TW_WIRE_RCODE_NOTIMP)) {
		row->r.no_edns = true;
		row->edns_off = true;
		resend(rd, q);
		round_check_rest(rd);
		return;
	}
	if (q->edns && outcome != TW_OUTCOME_MALFORMED && reply->transport_outcome ==
	    TW_OUTCOME_NONE && msg->has_nsid && msg->nsid_len > 0)
		row->r.nsid = bytes_text(row->set->region, msg->nsid,
		    msg->nsid_len < TW_WIRE_NSID_MAX ? msg->nsid_len : TW_WIRE_NSID_MAX);

	switch (q->kind) {
	case Q_HEALTH:
		row_set_health(row, outcome);
		if (outcome == TW_OUTCOME_TIMEOUT || outcome == TW_OUTCOME_UNREACHABLE)
			ask_second(rd, row);
		if (outcome == TW_OUTCOME_ANSWER)
			health_ns(rd, row, msg);
		if (outcome == TW_OUTCOME_ANSWER)
			for (i = 0; i < msg->answer.kept; i++)
				if (msg->answer.rr[i].type == TW_RR_SOA &&
				    name_eq(msg->answer.rr[i].name, zone)) {
					row->r.has_serial = true;
					row->r.serial = msg->answer.rr[i].serial;
				}
		break;
	case Q_ZONE_NS:
		if (outcome == TW_OUTCOME_ANSWER)
			set_learn_ns(row->set, &msg->answer, msg, zone, zone, 0, false);
		break;
	case Q_SECOND:
		/* Sent 0: it waited in the engine past its deadline and was never asked. */
		if (reply->sent > 0)
			row->r.fallback_tcp = outcome;
		break;
	case Q_RESOLVE:
		if (row->set->role == TW_ROLE_ROOT)
			row_set_health(row, outcome);
		res_on_reply(q->res, q, row, outcome, msg);
		break;
	case Q_IDENT:
	case Q_KINDS:
		break;
	}
	round_check_rest(rd);
}

/* The engine's callback: the reply handled, the query's context goes back for reuse. */
static void
on_reply_release(void *cookie, const struct tw_engine_reply *reply)
{
	struct qctx *q = cookie;
	struct tw_round *rd = q->rd;
	struct mzone *mz = q->mz;

	on_reply(q, reply);
	q->next_free = rd->free_q;
	rd->free_q = q;
	if (mz != NULL && mz->outstanding == 0)
		zone_check(rd, mz);
}

/* ---- the result ---- */

static int
cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y ? 1 : 0;
}

static int
cmp_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == NULL) - (b == NULL);
	return strcmp(a, b);
}

/* Stable, readable order: zone, then name, address, port, transport. */
static int
cmp_server(const void *pa, const void *pb)
{
	const struct tw_server_result *a = pa, *b = pb;
	int c;

	if (a->role != b->role)
		return (int)a->role - (int)b->role;
	if ((c = cmp_str(a->zone, b->zone)) != 0)
		return c;
	if ((c = cmp_str(a->name, b->name)) != 0)
		return c;
	if ((c = strcmp(a->address, b->address)) != 0)
		return c;
	if (a->port != b->port)
		return (int)a->port - (int)b->port;
	return (int)a->transport - (int)b->transport;
}

/* Child zones in name order (the order rows are sorted in), not in the order they were met. */
static int
cmp_set_zone(const void *pa, const void *pb)
{
	const struct authset *a = *(struct authset *const *)pa, *b = *(struct authset *const *)pb;

	return strcmp(a->zone, b->zone);
}

static int
cmp_pstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A heap copy of ${s}, for the result; NULL for NULL (and when memory ran out). */
static char *
heap_copy(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/* *${out} = heap_copy(${s}); false when memory ran out. */
static bool
dup_out(char **out, const char *s)
{
	*out = heap_copy(s);
	return s == NULL || *out != NULL;
}

/* Copy a row into the result (the result's strings are its own: the round's go with its region). */
static int
row_export(struct row *row, struct tw_server_result *out)
{
	float *rtts = row->rtts.v;
	size_t n = row->rtts.n;

	*out = row->r;
	/* (the region's strings: none may stay in a result freed half made) */
	out->zone = out->name = out->nsid = out->identity = NULL;
	if (!dup_out(&out->zone, row->r.zone) || !dup_out(&out->name, row->r.name) ||
	    !dup_out(&out->nsid, row->r.nsid) ||
	    !dup_out(&out->identity, row->ident != NULL ? row->ident->identity : NULL))
		return -1;
	if (n > 0) {
		qsort(rtts, n, sizeof(float), cmp_float);
		out->rtt_ms = n % 2 ? (double)rtts[n / 2] :
		    ((double)rtts[n / 2 - 1] + (double)rtts[n / 2]) / 2.0;
	} else {
		out->rtt_ms = -1.0;
	}
	return 0;
}

/* Every row of ${sets}, sorted; on failure what was copied is in *out for tw_result_free. */
static int
export_sets(struct authset *const *sets, size_t n_sets, struct tw_server_result **out,
    size_t *n_out)
{
	size_t i, j, n = 0;

	for (i = 0; i < n_sets; i++)
		n += sets[i]->rows.n;
	*n_out = 0;
	if (n == 0) {
		*out = NULL;
		return 0;
	}
	if ((*out = calloc(n, sizeof(**out))) == NULL)
		return -1;
	for (i = 0; i < n_sets; i++)
		for (j = 0; j < sets[i]->rows.n; j++)
			if (row_export(at(&sets[i]->rows, j), &(*out)[(*n_out)++]) != 0)
				return -1;
	qsort(*out, *n_out, sizeof(**out), cmp_server);
	return 0;
}

static int
export_host(struct resolution *res, const struct tw_host_cfg *hc, struct tw_host_result *h)
{
	char **addrs = res->addrs.v;
	size_t i;

	h->type = hc->type;
	h->key = hc->key;
	h->resolved = res->done && res->resolved;
	h->outcome = res->done ? res->outcome : TW_OUTCOME_NONE;
	if (!dup_out(&h->name, hc->name) || !dup_out(&h->label, hc->label) ||
	    !dup_out(&h->path, res->path) ||
	    !dup_out(&h->detail, res->done ? res->detail : "not finished before the deadline"))
		return -1;
	if (!h->resolved || res->addrs.n == 0)
		return 0;
	if ((h->addresses = calloc(res->addrs.n, sizeof(char *))) == NULL)
		return -1;
	/* Sorted, without repeats (the same answer from both transports never lands here, but be safe). */
	qsort(addrs, res->addrs.n, sizeof(char *), cmp_pstr);
	for (i = 0; i < res->addrs.n; i++) {
		if (i > 0 && strcmp(addrs[i], addrs[i - 1]) == 0)
			continue;
		if ((h->addresses[h->n_addresses] = strdup(addrs[i])) == NULL)
			return -1;
		h->n_addresses++;
	}
	return 0;
}

/* ${v}'s strings (char *), sorted, without repeats, on the heap: 0, or -1 (what was copied is in *out). */
static int
strv_export(const struct tw_vec *v, char ***out, size_t *n_out)
{
	char **src = v->v;
	size_t i;

	*out = NULL;
	*n_out = 0;
	if (v->n == 0)
		return 0;
	if ((*out = calloc(v->n, sizeof(char *))) == NULL)
		return -1;
	qsort(src, v->n, sizeof(char *), cmp_pstr);
	for (i = 0; i < v->n; i++) {
		if (i > 0 && strcmp(src[i], src[i - 1]) == 0)
			continue;
		if (((*out)[*n_out] = strdup(src[i])) == NULL)
			return -1;
		(*n_out)++;
	}
	return 0;
}

static int
cmp_nsinfo(const void *pa, const void *pb)
{
	const struct nsinfo *a = *(struct nsinfo *const *)pa, *b = *(struct nsinfo *const *)pb;

	return strcmp(a->name, b->name);
}

static int
delegation_export(struct authset *set, struct tw_delegation *d)
{
	struct nsinfo **names = set->nsinfo.v;
	struct tw_ns_name *n;
	size_t i;

	d->child_seen = set->child_seen;
	if (!dup_out(&d->zone, set->zone) || !dup_out(&d->parent, set->parent_zone))
		return -1;
	if (set->nsinfo.n == 0)
		return 0;
	if ((d->names = calloc(set->nsinfo.n, sizeof(*d->names))) == NULL)
		return -1;
	qsort(names, set->nsinfo.n, sizeof(*names), cmp_nsinfo);
	for (i = 0; i < set->nsinfo.n; i++) {
		n = &d->names[d->n_names++];
		n->in_parent = names[i]->in_parent;
		n->in_child = names[i]->in_child;
		n->lookup = names[i]->lookup;
		n->lookup_outcome = names[i]->lookup_outcome;
		if (!dup_out(&n->name, names[i]->name) ||
		    strv_export(&names[i]->glue, &n->glue, &n->n_glue) != 0 ||
		    strv_export(&names[i]->addrs, &n->addrs, &n->n_addrs) != 0)
			return -1;
	}
	return 0;
}

/* The zone's own delegation first, then each zone met below it that a referral or answer named. */
static int
delegations_export(struct authset *const *sets, size_t n_sets, struct tw_zone_result *zr)
{
	size_t i;

	if ((zr->delegations = calloc(n_sets, sizeof(*zr->delegations))) == NULL)
		return -1;
	for (i = 0; i < n_sets; i++) {
		if (i > 0 && sets[i]->parent_zone == NULL && !sets[i]->child_seen)
			continue;
		if (delegation_export(sets[i], &zr->delegations[zr->n_delegations++]) != 0)
			return -1;
	}
	return 0;
}

/* What was still running when the deadline passed, on the heap for the result; NULL: no memory. */
static char *
deadline_stage(struct tw_round *rd)
{
	struct resolution *res;
	struct mzone *mz;
	struct tw_vec b;
	size_t i, z;

	/* (the zones running: started, not exported) */
	for (z = 0; z < rd->n_mz; z++) {
		mz = &rd->mz[z];
		if (mz->region != NULL && mz->zoneset->rows.n == 0 &&
		    mz->zoneset->pending_sources > 0)
			return heap_copy(xprintf(rd->region, "discovery of %s at the roots",
			    zone_display(mz->cfg->name)));
	}
	vec_init(rd->region, &b, 1);
	for (z = 0; z < rd->n_mz; z++) {
		mz = &rd->mz[z];
		for (i = 0; mz->region != NULL && i < mz->hosts.n; i++) {
			res = at(&mz->hosts, i);
			if (!res->done)
				bprintf(rd, &b, "%s%s", b.n == 0 ? "host resolution (" : ", ",
				    mz->cfg->hosts[i].name);
		}
	}
	if (b.n > 0) {
		bprintf(rd, &b, ")");
		return heap_copy(tw_vec_str(&b));
	}
	if (rd->outstanding[Q_HEALTH] + rd->outstanding[Q_ZONE_NS] > 0)
		return strdup("server health queries");
	if (rd->outstanding[Q_SECOND] > 0)
		return strdup("TCP second opinions");
	if (rd->outstanding[Q_IDENT] > 0)
		return strdup("identity queries");
	return strdup("delegation lookups");
}

/*
 * Root servers, and those that gave any response on any transport: a root asked over UDP
 * and TCP is one control, not two.
 */
static void
count_controls(const struct authset *roots, unsigned *answered, unsigned *total)
{
	const struct row *row, *other;
	size_t i, j;
	bool seen, any;

	*answered = *total = 0;
	for (i = 0; i < roots->rows.n; i++) {
		row = at(&roots->rows, i);
		seen = false;
		any = false;
		for (j = 0; j < roots->rows.n; j++) {
			other = at(&roots->rows, j);
			if (other->r.port != row->r.port ||
			    strcmp(other->r.address, row->r.address) != 0)
				continue;
			if (j < i)
				seen = true;
			if (other->r.answered > 0)
				any = true;
		}
		if (seen)
			continue;
		(*total)++;
		if (any)
			(*answered)++;
	}
}

/* A host of a zone the deadline kept from starting. */
static int
export_unstarted_host(const struct tw_host_cfg *hc, struct tw_host_result *h)
{
	h->type = hc->type;
	h->key = hc->key;
	h->outcome = TW_OUTCOME_NONE;
	if (!dup_out(&h->name, hc->name) || !dup_out(&h->label, hc->label) ||
	    !dup_out(&h->detail, "not finished before the deadline"))
		return -1;
	return 0;
}

/*
 * ${mz}'s part of the result, copied into ${zr} from its region, with the roots that have
 * answered so far: 0, or -1 when memory ran out (what was copied is in ${zr}).
 */
static int
zone_export(struct tw_round *rd, struct mzone *mz, struct tw_zone_result *zr)
{
	const struct tw_zone_cfg *zc = mz->cfg;
	struct authset **sets;
	size_t i;

	zr->state = TW_STATE_UNKNOWN;
	/* (a parked zone is over but for identities: its verdict stands) */
	zr->unfinished = rd->deadline_hit && !mz->parked;
	count_controls(rd->rootset, &zr->controls_answered, &zr->controls_total);
	if (!dup_out(&zr->name, zc->name) || !dup_out(&zr->label, zc->label))
		return -1;
	if (zc->n_hosts > 0 && (zr->hosts = calloc(zc->n_hosts, sizeof(*zr->hosts))) == NULL)
		return -1;
	if (mz->region == NULL) {             /* not started before the deadline */
		for (i = 0; i < zc->n_hosts; i++) {
			zr->n_hosts++;
			if (export_unstarted_host(&zc->hosts[i], &zr->hosts[i]) != 0)
				return -1;
		}
		return 0;
	}
	/* The zone's own servers first, then each child zone's. */
	if ((sets = tw_region_alloc(ZR(mz), (mz->sets.n + 1) * sizeof(*sets))) == NULL)
		return -1;
	sets[0] = mz->zoneset;
	for (i = 0; i < mz->sets.n; i++)
		sets[i + 1] = at(&mz->sets, i);
	qsort(sets + 1, mz->sets.n, sizeof(*sets), cmp_set_zone);
	if (export_sets(sets, mz->sets.n + 1, &zr->servers, &zr->n_servers) != 0 ||
	    delegations_export(sets, mz->sets.n + 1, zr) != 0)
		return -1;
	for (i = 0; i < mz->hosts.n; i++) {
		zr->n_hosts++;
		if (export_host(at(&mz->hosts, i), &zc->hosts[i], &zr->hosts[i]) != 0)
			return -1;
	}
	return 0;
}

/* ---- zones: started as the window has room, exported and forgotten as they end ---- */

/* Start ${mz}: a region, its sets, its pinned servers, its discovery and its hosts. */
static void
zone_start(struct tw_round *rd, struct mzone *mz)
{
	const struct tw_endpoint *ep;
	struct resolution *res;
	struct tw_region *r;
	size_t i;

	if (rd->spare_regions.n > 0)
		r = ((struct tw_region **)rd->spare_regions.v)[--rd->spare_regions.n];
	else if ((r = tw_region_new(TW_ROUND_ZONE_CHUNK)) == NULL) {
		rd->failed = true;
		mz->exported = true;          /* (nothing of it will come: the round fails) */
		return;
	}
	mz->region = r;
	rd->live++;
	vec_init(r, &mz->sets, sizeof(struct authset *));
	vec_init(r, &mz->hosts, sizeof(struct resolution *));
	vec_init(r, &mz->ress, sizeof(struct resolution *));
	if ((mz->zoneset = set_new(rd, mz->cfg->name, TW_ROLE_ZONE, mz)) == NULL) {
		rd->failed = true;
		return;
	}
	for (i = 0; i < mz->cfg->n_servers; i++) {
		ep = &mz->cfg->servers[i];
		set_add_server(mz->zoneset, ep->name, ep->address,
		    ep->port ? ep->port : rd->cfg->probe.port, true);
	}
	if (rd->rootset->rows.n > 0 &&
	    (res = res_new(rd, mz, P_DISCOVERY, mz->cfg->name, TW_RR_NS)) != NULL) {
		mz->zoneset->pending_sources++;
		res_enter(res, rd->rootset);
	}
	for (i = 0; i < mz->cfg->n_hosts; i++) {
		if ((res = res_new(rd, mz, P_HOST, mz->cfg->hosts[i].name,
		    mz->cfg->hosts[i].type)) == NULL)
			break;
		push(rd, &mz->hosts, res);
		res_enter(res, mz->zoneset);
	}
}

/* Start zones while the window has room (the loop of the outermost call starts them all). */
static void
zone_admit(struct tw_round *rd)
{
	struct mzone *mz;

	if (rd->admitting)
		return;
	rd->admitting = true;
	while (!rd->finished && !rd->failed && rd->live < rd->window &&
	    rd->next_zone < rd->n_mz) {
		mz = &rd->mz[rd->next_zone++];
		zone_start(rd, mz);
		if (mz->outstanding == 0)     /* nothing to ask (no roots, no servers) */
			zone_check(rd, mz);
	}
	rd->admitting = false;
}

/* ${mz} is over: its part of the result is copied out, its region goes to the next zone. */
static void
zone_done(struct tw_round *rd, struct mzone *mz)
{
	struct tw_region *r = ZR(mz);

	/* (a round that failed reports only that: its zones may be half made) */
	if (!rd->failed &&
	    (tw_region_oom(r) || zone_export(rd, mz, &rd->result->zones[mz->index]) != 0))
		rd->failed = true;
	if (!rd->failed && rd->zone_cb != NULL)
		rd->zone_cb(rd->zone_cookie, rd->result, &rd->result->zones[mz->index]);
	mz->exported = true;
	mz->parked = false;
	mz->region = NULL;
	mz->zoneset = NULL;
	rd->live--;
	tw_region_reset(r);
	if (tw_vec_push_ptr(&rd->spare_regions, r) != 0) {
		tw_region_free(r);
		rd->failed = true;
	}
	zone_admit(rd);
	round_check_rest(rd);   /* the last zone: only identities (the roots', or late ones) left */
	if (rd->live == 0 && rd->next_zone == rd->n_mz && tw_engine_pending(rd->eng) == 0)
		tw_loop_timer_arm(rd->idle, 0);   /* nothing out: no reply will end the round */
}

/* Whatever of ${mz} is still open, with none of its queries out, can only fail. */
static void
zone_sweep(struct mzone *mz)
{
	struct resolution *res;
	size_t i;

	for (i = 0; i < mz->ress.n; i++) {
		res = at(&mz->ress, i);
		if (res->done)
			continue;
		if (res->level == NULL) {
			res->done = true;
			continue;
		}
		res->level->pending_sources = 0;
		res->level_outstanding = 0;
		res_check_stuck(res);
	}
}

/*
 * The identities still out that ${mz}'s rows show; ${mz} is put on the waiting list of each,
 * once.
 */
static unsigned
zone_wait_idents(struct tw_round *rd, struct mzone *mz)
{
	struct authset *set;
	struct row *row;
	unsigned n = 0;
	size_t s, i;

	for (s = 0; s <= mz->sets.n; s++) {
		set = s == 0 ? mz->zoneset : at(&mz->sets, s - 1);
		for (i = 0; set != NULL && i < set->rows.n; i++) {
			row = at(&set->rows, i);
			if (row->ident == NULL || !row->ident->pending || (row->ident->waiting.n > 0 &&
			    at(&row->ident->waiting, row->ident->waiting.n - 1) == mz))
				continue;
			push(rd, &row->ident->waiting, mz);
			n++;
		}
	}
	return n;
}

/*
 * The parked zones whose wait is over end without the identities they waited for, as a
 * round ended without those still out (twice its slowest answer, at least 10 ms).
 */
static void
on_park(void *cookie)
{
	struct tw_round *rd = cookie;
	struct mzone *mz;
	double now = tw_clock_mono_ms();

	while (!rd->finished && rd->parked_next < rd->parked.n) {
		mz = at(&rd->parked, rd->parked_next);
		if (mz->exported) {
			rd->parked_next++;
			continue;
		}
		if (mz->park_due > now) {
			tw_loop_timer_arm(rd->park_timer, mz->park_due - now);
			return;
		}
		rd->parked_next++;
		mz->ident_waits = 0;          /* (it ends once none of its own queries is out) */
		zone_check(rd, mz);
	}
}

/* ${mz} waits for ${n} identities, a little. */
static void
zone_park(struct tw_round *rd, struct mzone *mz, unsigned n)
{
	double grace = ident_grace_ms(rd);

	mz->parked = true;
	mz->ident_waits = n;
	mz->park_due = tw_clock_mono_ms() + grace;
	if (rd->parked_next == rd->parked.n)
		rd->parked.n = rd->parked_next = 0;
	push(rd, &rd->parked, mz);
	if (rd->parked.n - rd->parked_next == 1)
		tw_loop_timer_arm(rd->park_timer, grace);
}

/* ${mz} may be over: no query of its own out, and no identity its rows show (or waited enough). */
static void
zone_check(struct tw_round *rd, struct mzone *mz)
{
	unsigned n;

	if (mz->exported || mz->region == NULL || rd->finished)
		return;
	if (mz->parked) {
		if (mz->ident_waits == 0 && mz->outstanding == 0)
			zone_done(rd, mz);
		return;
	}
	if (mz->outstanding > 0)
		return;
	zone_sweep(mz);
	if (mz->outstanding > 0)
		return;
	if ((n = zone_wait_idents(rd, mz)) > 0)
		zone_park(rd, mz, n);
	else
		zone_done(rd, mz);
}

/* ---- lifecycle ---- */

/* Everything the round holds goes with its regions; the timers and the scratch are the loop's and the heap's. */
static void
round_free(struct tw_round *rd)
{
	size_t i;

	tw_loop_timer_free(rd->deadline);
	tw_loop_timer_free(rd->idle);
	tw_loop_timer_free(rd->suspect_timer);
	tw_loop_timer_free(rd->ident_grace);
	tw_loop_timer_free(rd->park_timer);
	tw_hash_free(&rd->idents);
	free(rd->msg);
	tw_result_free(rd->result);
	for (i = 0; i < rd->n_mz; i++)
		tw_region_free(rd->mz[i].region);
	for (i = 0; i < rd->spare_regions.n; i++)
		tw_region_free(((struct tw_region **)rd->spare_regions.v)[i]);
	if (rd->region_owned)
		tw_region_free(rd->region);   /* a watcher's is reset by its next round */
}

/* The round is over (everything answered or failed, or the deadline): tell its owner. */
static void
round_over(struct tw_round *rd)
{
	rd->finished = true;
	tw_loop_timer_cancel(rd->deadline);
	tw_loop_timer_cancel(rd->suspect_timer);
	tw_loop_timer_cancel(rd->ident_grace);
	tw_loop_timer_cancel(rd->park_timer);
	if (rd->done_cb != NULL)
		rd->done_cb(rd->done_cookie);
}

/*
 * The engine went idle (or the last identities' grace is over): a zone still open can only
 * fail, which may start the next zones; once every zone is exported the round is over.
 */
static void
on_idle(void *cookie)
{
	struct tw_round *rd = cookie;
	size_t z;

	if (rd->finished)
		return;
	for (z = 0; z < rd->n_mz; z++)
		if (rd->mz[z].region != NULL && rd->mz[z].outstanding == 0)
			zone_check(rd, &rd->mz[z]);
	if (rd->failed || (rd->live == 0 && rd->next_zone == rd->n_mz))
		round_over(rd);
}

static void
on_deadline(void *cookie)
{
	struct tw_round *rd = cookie;

	if (rd->finished)
		return;
	rd->deadline_hit = true;
	tw_engine_cancel_all(rd->eng);
	round_over(rd);
}

struct tw_round *
tw_round_start(const struct tw_config *cfg, struct tw_loop *loop, struct tw_engine *eng,
    const struct tw_round_opts *opts, tw_round_done_cb *cb, void *cookie)
{
	struct tw_engine_opts eo;
	const struct tw_endpoint *ep;
	struct tw_region *region;
	struct tw_round *rd = NULL;
	size_t z, i;

	memset(&eo, 0, sizeof(eo));
	eo.timeout_ms = cfg->probe.timeout_ms;
	eo.attempts = cfg->probe.attempts;
	eo.loopback_only = opts->loopback_only;
	if (tw_engine_configure(eng, &eo) != 0) {
		fprintf(stderr, "tldwatch: a round is already running\n");
		return NULL;
	}
	if ((region = opts->region) != NULL)
		tw_region_reset(region);      /* the last round's memory, already faulted in */
	else if ((region = tw_region_new(0)) == NULL)
		goto oom;
	if ((rd = tw_region_zalloc(region, sizeof(*rd))) == NULL) {
		if (opts->region == NULL)
			tw_region_free(region);
		goto oom;
	}
	rd->region = region;
	rd->region_owned = opts->region == NULL;
	rd->cfg = cfg;
	rd->loop = loop;
	rd->eng = eng;
	rd->done_cb = cb;
	rd->done_cookie = cookie;
	rd->identmemo = opts->identmemo;
	rd->zone_cb = opts->zone_cb;
	rd->zone_cookie = opts->zone_cookie;
	rd->window = opts->zone_window > 0 ? opts->zone_window : TW_ROUND_ZONE_WINDOW;
	rd->started = tw_clock_mono_ms();
	vec_init(region, &rd->suspects, sizeof(struct suspect));
	vec_init(region, &rd->parked, sizeof(struct mzone *));
	vec_init(region, &rd->spare_regions, sizeof(struct tw_region *));
	tw_hash_init(&rd->idents);
	rd->second_opinion = cfg->probe.transport[TW_TRANSPORT_UDP] &&
	    !cfg->probe.transport[TW_TRANSPORT_TCP];
	rd->health_ms = (double)cfg->probe.timeout_ms * (double)cfg->probe.attempts;
	/* The first attempt's time; half the query's when there is only one attempt. */
	rd->suspect_after_ms = cfg->probe.attempts >= 2 ? (double)cfg->probe.timeout_ms :
	    rd->health_ms / 2.0;
	if ((rd->msg = calloc(1, sizeof(*rd->msg))) == NULL ||
	    (rd->result = calloc(1, sizeof(*rd->result))) == NULL ||
	    (cfg->n_zones > 0 &&
	    (rd->result->zones = calloc(cfg->n_zones, sizeof(*rd->result->zones))) == NULL) ||
	    (rd->deadline = tw_loop_timer_new(loop, on_deadline, rd)) == NULL ||
	    (rd->idle = tw_loop_timer_new(loop, on_idle, rd)) == NULL ||
	    (rd->suspect_timer = tw_loop_timer_new(loop, on_suspect, rd)) == NULL ||
	    (rd->ident_grace = tw_loop_timer_new(loop, on_idle, rd)) == NULL ||
	    (rd->park_timer = tw_loop_timer_new(loop, on_park, rd)) == NULL)
		goto oom;
	rd->result->n_zones = cfg->n_zones;
	rd->result->state = TW_STATE_UNKNOWN;
	if ((rd->rootset = set_new(rd, "", TW_ROLE_ROOT, NULL)) == NULL)
		goto oom;
	for (i = 0; i < cfg->n_roots; i++) {
		ep = &cfg->roots[i];
		set_add_server(rd->rootset, ep->name, ep->address,
		    ep->port ? ep->port : cfg->probe.port, false);
	}
	if (cfg->n_zones > 0 &&
	    (rd->mz = zalloc(region, cfg->n_zones * sizeof(*rd->mz))) == NULL)
		goto oom;
	rd->n_mz = cfg->n_zones;
	for (z = 0; z < cfg->n_zones; z++) {
		rd->mz[z].cfg = &cfg->zones[z];
		rd->mz[z].index = z;
	}
	zone_admit(rd);
	if (tw_region_oom(rd->region) || rd->failed)
		goto oom;
	tw_engine_set_idle_cb(eng, on_idle, rd);
	if (opts->deadline_ms > 0)
		tw_loop_timer_arm(rd->deadline, opts->deadline_ms);
	if (tw_engine_pending(eng) == 0)
		tw_loop_timer_arm(rd->idle, 0);   /* nothing to ask: over at once, from the loop */
	return rd;
oom:
	fprintf(stderr, "tldwatch: out of memory\n");
	if (rd != NULL) {
		tw_engine_cancel_all(eng);   /* the queries sent so far carry the round's cookies */
		round_free(rd);
	}
	return NULL;
}

/*
 * The rest of the result: the zones not exported yet (those the deadline caught, and those
 * it kept from starting), the roots, the controls.  NULL when memory ran out.
 */
static struct tw_check_result *
result_finish(struct tw_round *rd)
{
	struct tw_check_result *r = rd->result;
	size_t z;

	r->elapsed_ms = tw_clock_mono_ms() - rd->started;   /* the round's, not its write-up's */
	if (rd->deadline_hit) {
		r->deadline_hit = true;
		if ((r->deadline_stage = deadline_stage(rd)) == NULL)
			return NULL;
	}
	for (z = 0; z < rd->n_mz; z++) {
		if (rd->mz[z].exported)
			continue;
		if (zone_export(rd, &rd->mz[z], &r->zones[z]) != 0)
			return NULL;
		if (rd->zone_cb != NULL)
			rd->zone_cb(rd->zone_cookie, r, &r->zones[z]);
	}
	if (export_sets(&rd->rootset, 1, &r->roots, &r->n_roots) != 0)
		return NULL;
	rd->result = NULL;
	return r;
}

struct tw_check_result *
tw_round_finish(struct tw_round *rd)
{
	struct tw_check_result *r = NULL;
	size_t z;

	if (!rd->finished) {          /* abandoned before it ended */
		rd->deadline_hit = true;
		rd->finished = true;
	}
	tw_engine_cancel_all(rd->eng);
	tw_engine_set_idle_cb(rd->eng, NULL, NULL);
	for (z = 0; z < rd->n_mz; z++)
		if (rd->mz[z].region != NULL && tw_region_oom(rd->mz[z].region))
			rd->failed = true;
	if (!tw_region_oom(rd->region) && !rd->failed)
		r = result_finish(rd);
	if (r == NULL)
		fprintf(stderr, "tldwatch: out of memory\n");
	round_free(rd);
	return r;
}

static void
break_loop(void *cookie)
{
	tw_loop_break(cookie);
}

struct tw_check_result *
tw_round_run(const struct tw_config *cfg, const struct tw_round_opts *opts)
{
	struct tw_engine_opts eo;
	struct tw_check_result *r = NULL;
	struct tw_engine *eng;
	struct tw_loop *loop;
	struct tw_round *rd;

	memset(&eo, 0, sizeof(eo));
	eo.timeout_ms = cfg->probe.timeout_ms;
	eo.attempts = cfg->probe.attempts;
	eo.loopback_only = opts->loopback_only;
	if ((loop = tw_loop_new()) == NULL)
		return NULL;
	if ((eng = tw_engine_new(loop, &eo)) == NULL) {
		tw_loop_free(loop);
		return NULL;
	}
	if ((rd = tw_round_start(cfg, loop, eng, opts, break_loop, loop)) != NULL) {
		if (tw_loop_run(loop) != 0)
			fprintf(stderr, "tldwatch: the event loop failed\n");
		tw_engine_trim(eng);   /* its channels go before the rest of the result is built */
		r = tw_round_finish(rd);
	}
	tw_engine_free(eng);
	tw_loop_free(loop);
	return r;
}
