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
#include "tldwatch/loop.h"
#include "tldwatch/round.h"
#include "tldwatch/wire.h"

#define MAX_REFERRALS 12   /* delegation depth of one resolution */
#define MAX_CNAMES 8       /* CNAME hops of one resolution */
#define MAX_NSADDR_DEPTH 3 /* glueless lookups nested inside glueless lookups */

struct ptrvec {
	void **v;
	size_t n, cap;
};

static int
ptrvec_push(struct ptrvec *pv, void *p)
{
	void **nv;
	size_t ncap;

	if (pv->n == pv->cap) {
		ncap = pv->cap ? pv->cap * 2 : 8;
		if ((nv = realloc(pv->v, ncap * sizeof(*nv))) == NULL)
			return -1;
		pv->v = nv;
		pv->cap = ncap;
	}
	pv->v[pv->n++] = p;
	return 0;
}

struct authset;
struct tw_round;

/* One server as seen from one zone, on one transport. */
struct row {
	struct tw_server_result r;
	struct authset *set;
	double *rtts;
	size_t n_rtts, cap_rtts;
};

struct mzone;

struct authset {
	struct tw_round *rd;
	char *zone;
	enum tw_role role;
	struct mzone *mz;           /* NULL for the roots */
	struct ptrvec rows;         /* struct row * */
	unsigned pending_sources;   /* lookups that may still add rows */
	struct ptrvec waiters;      /* struct resolution * that reached this set */
	struct ptrvec ns_names;     /* char *: NS names whose addresses were sought */
	enum tw_outcome ns_failure; /* how the last failed address lookup ended */
};

struct mzone {
	const struct tw_zone_cfg *cfg;
	struct authset *zoneset;
	struct ptrvec sets;         /* struct authset *: child zones met */
	struct ptrvec hosts;        /* struct resolution *, one per configured host */
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
	unsigned nsaddr_depth;
	char *qname;
	uint16_t qtype;
	struct authset *level;
	unsigned level_outstanding;
	struct seen *seen;
	size_t n_seen, cap_seen;
	int referrals, cnames;
	bool done, resolved;
	enum tw_outcome outcome;
	struct ptrvec addrs;        /* char * */
	char *path;
	char *detail;
};

enum qkind { Q_HEALTH, Q_ZONE_NS, Q_RESOLVE, Q_KINDS };

struct qctx {
	struct tw_round *rd;
	enum qkind kind;
	struct row *row;
	struct mzone *mz;
	struct resolution *res;
	struct authset *level;
	char *qname;
	uint16_t qtype;
	bool done;
};

struct tw_round {
	const struct tw_config *cfg;
	struct tw_loop *loop;
	struct tw_engine *eng;
	struct tw_wire_msg msg;     /* scratch for parsing one reply */
	struct authset *rootset;
	struct mzone *mz;
	size_t n_mz;
	struct ptrvec sets;         /* every authset, for freeing */
	struct ptrvec ress;         /* every resolution */
	struct ptrvec qctxs;        /* every query context */
	unsigned outstanding[Q_KINDS];
	bool oom;
	bool finished;              /* idle or deadline: nothing more will come */
	bool deadline_hit;
	double started;
	struct tw_loop_timer *deadline;
	struct tw_loop_timer *idle;
	tw_round_done_cb *done_cb;
	void *done_cookie;
};

static void res_enter(struct resolution *res, struct authset *set);
static void res_check_stuck(struct resolution *res);

/* ---- small helpers ---- */

static char *
xstrdup(struct tw_round *rd, const char *s)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		rd->oom = true;
	return d;
}

static char *
xprintf(struct tw_round *rd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static char *
xprintf(struct tw_round *rd, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL) {
		rd->oom = true;
		return NULL;
	}
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

static void
push(struct tw_round *rd, struct ptrvec *pv, void *p)
{
	if (ptrvec_push(pv, p) != 0)
		rd->oom = true;
}

static struct authset *
set_new(struct tw_round *rd, const char *zone, enum tw_role role, struct mzone *mz)
{
	struct authset *set;

	if ((set = calloc(1, sizeof(*set))) == NULL) {
		rd->oom = true;
		return NULL;
	}
	set->rd = rd;
	set->zone = xstrdup(rd, zone);
	set->role = role;
	set->mz = mz;
	if (set->zone == NULL || ptrvec_push(&rd->sets, set) != 0) {
		free(set->zone);
		free(set);
		rd->oom = true;
		return NULL;
	}
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
		set = mz->sets.v[i];
		if (strcmp(set->zone, zone) == 0)
			return set;
	}
	if ((set = set_new(rd, zone, TW_ROLE_CHILD, mz)) != NULL)
		push(rd, &mz->sets, set);
	return set;
}

/* ---- queries ---- */

static void on_reply(void *cookie, const struct tw_engine_reply *reply);

static void
send_query(struct tw_round *rd, enum qkind kind, struct row *row, struct mzone *mz,
    struct resolution *res, const char *qname, uint16_t qtype)
{
	struct tw_target t;
	struct qctx *q;

	if ((q = calloc(1, sizeof(*q))) == NULL) {
		rd->oom = true;
		return;
	}
	q->rd = rd;
	q->kind = kind;
	q->row = row;
	q->mz = mz;
	q->res = res;
	q->level = res != NULL ? res->level : NULL;
	q->qtype = qtype;
	if ((q->qname = xstrdup(rd, qname)) == NULL || ptrvec_push(&rd->qctxs, q) != 0) {
		free(q->qname);
		free(q);
		rd->oom = true;
		return;
	}
	t.address = row->r.address;
	t.port = row->r.port;
	t.transport = row->r.transport;
	if (tw_engine_query(rd->eng, &t, qname, qtype, on_reply, q) != 0) {
		rd->oom = true;
		q->done = true;
		return;
	}
	rd->outstanding[kind]++;
}

static void
row_add_rtt(struct tw_round *rd, struct row *row, double rtt)
{
	double *n;
	size_t ncap;

	if (row->n_rtts == row->cap_rtts) {
		ncap = row->cap_rtts ? row->cap_rtts * 2 : 4;
		if ((n = realloc(row->rtts, ncap * sizeof(*n))) == NULL) {
			rd->oom = true;
			return;
		}
		row->rtts = n;
		row->cap_rtts = ncap;
	}
	row->rtts[row->n_rtts++] = rtt;
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
		row = set->rows.v[i];
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

	if (set->role == TW_ROLE_ROOT)
		return;
	send_query(rd, Q_HEALTH, row, set->mz, NULL, set->zone, TW_RR_SOA);
	if (set->role == TW_ROLE_ZONE)
		send_query(rd, Q_ZONE_NS, row, set->mz, NULL, set->zone, TW_RR_NS);
	for (i = 0; i < set->waiters.n; i++) {
		res = set->waiters.v[i];
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
				row->r.name = xstrdup(rd, name);
			continue;
		}
		if ((row = calloc(1, sizeof(*row))) == NULL) {
			rd->oom = true;
			return;
		}
		row->set = set;
		row->r.role = set->role;
		row->r.zone = xstrdup(rd, set->zone);
		row->r.name = xstrdup(rd, name);
		snprintf(row->r.address, sizeof(row->r.address), "%s", address);
		row->r.port = port;
		row->r.transport = (enum tw_transport)tr;
		row->r.pinned = pinned;
		row->r.outcome = TW_OUTCOME_NONE;
		row->r.rtt_ms = -1.0;
		if (ptrvec_push(&set->rows, row) != 0) {
			free(row->r.zone);
			free(row->r.name);
			free(row);
			rd->oom = true;
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
		res = set->waiters.v[i];
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

	if ((res = calloc(1, sizeof(*res))) == NULL) {
		rd->oom = true;
		return NULL;
	}
	res->rd = rd;
	res->mz = mz;
	res->purpose = purpose;
	res->qtype = qtype;
	res->outcome = TW_OUTCOME_NONE;
	if ((res->qname = xstrdup(rd, qname)) == NULL || ptrvec_push(&rd->ress, res) != 0) {
		free(res->qname);
		free(res);
		rd->oom = true;
		return NULL;
	}
	return res;
}

static void
res_path_add(struct resolution *res, const char *sep, const char *what)
{
	char *p;

	if (res->path == NULL)
		p = xprintf(res->rd, "%s", what);
	else
		p = xprintf(res->rd, "%s%s%s", res->path, sep, what);
	if (p != NULL) {
		free(res->path);
		res->path = p;
	}
}

static void
res_finish(struct resolution *res, bool resolved, enum tw_outcome outcome, char *detail)
{
	struct tw_round *rd = res->rd;
	struct authset *set;
	size_t i;

	if (res->done) {
		free(detail);
		return;
	}
	res->done = true;
	res->resolved = resolved;
	res->outcome = outcome;
	free(res->detail);
	res->detail = detail;
	if (res->purpose == P_NSADDR) {
		set = res->target_set;
		if (resolved)
			for (i = 0; i < res->addrs.n; i++)
				set_add_server(set, res->ns_name, res->addrs.v[i],
				    rd->cfg->probe.port, false);
		if (!resolved)
			set->ns_failure = outcome;
		if (set->pending_sources > 0 && res->level != set)
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
	res->n_seen = 0;
	res->level_outstanding = 0;
	res_path_add(res, " > ", zone_display(set->zone));
	push(rd, &set->waiters, res);
	for (i = 0; i < set->rows.n; i++) {
		row = set->rows.v[i];
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
	const struct row *row;
	char *s, *n;
	size_t i;

	*worst = TW_OUTCOME_NONE;
	if (res->n_seen > 1)
		qsort(res->seen, res->n_seen, sizeof(*res->seen), cmp_seen);
	if (res->n_seen == 0 && res->level->ns_names.n > 0) {
		*worst = res->level->ns_failure;
		s = xprintf(rd, "no address found for the %s servers:", zone_display(res->level->zone));
		for (i = 0; s != NULL && i < res->level->ns_names.n; i++) {
			n = xprintf(rd, "%s%s %s", s, i ? "," : "", (char *)res->level->ns_names.v[i]);
			free(s);
			s = n;
		}
		return s;
	}
	if (res->n_seen == 0)
		return xprintf(rd, "no server of %s is known", zone_display(res->level->zone));
	s = xprintf(rd, "%s servers:", zone_display(res->level->zone));
	for (i = 0; s != NULL && i < res->n_seen; i++) {
		row = res->seen[i].row;
		if (*worst == TW_OUTCOME_NONE ||
		    failure_rank(res->seen[i].outcome) < failure_rank(*worst))
			*worst = res->seen[i].outcome;
		n = xprintf(rd, "%s%s %s%s %s", s, i ? "," : "",
		    row->r.name != NULL ? row->r.name : row->r.address,
		    row->r.transport == TW_TRANSPORT_TCP ? "/tcp" : "",
		    tw_outcome_str(res->seen[i].outcome));
		free(s);
		s = n;
	}
	return s;
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

/* Learn a child zone's NS set and glue from a referral (or NS answer). */
static void set_seek_ns(struct authset *set, const char *ns, unsigned depth);

static void
set_learn_ns(struct authset *set, const struct tw_wire_section *ns_sec,
    const struct tw_wire_msg *msg, const char *owner, const char *parent_zone,
    unsigned depth)
{
	struct tw_round *rd = set->rd;
	const struct tw_wire_rr *ns, *glue;
	bool found;
	size_t i, j;

	for (i = 0; i < ns_sec->kept; i++) {
		ns = &ns_sec->rr[i];
		if (ns->type != TW_RR_NS || !name_eq(ns->name, owner))
			continue;
		found = false;
		/* Glue counts only when the referring server is authoritative for it. */
		if (tw_wire_name_is_subdomain(ns->target, parent_zone)) {
			for (j = 0; j < msg->additional.kept; j++) {
				glue = &msg->additional.rr[j];
				if ((glue->type != TW_RR_A && glue->type != TW_RR_AAAA) ||
				    !name_eq(glue->name, ns->target))
					continue;
				set_add_server(set, ns->target, glue->target, rd->cfg->probe.port,
				    false);
				found = true;
			}
		}
		if (!found)
			set_seek_ns(set, ns->target, depth + 1);
	}
}

/* Resolve a glueless NS name; its addresses join ${set} as they arrive. */
static void
set_seek_ns(struct authset *set, const char *ns, unsigned depth)
{
	struct tw_round *rd = set->rd;
	struct mzone *mz = set->mz;
	struct resolution *res;
	struct authset *start;
	size_t i;

	if (depth > MAX_NSADDR_DEPTH || mz == NULL)
		return;
	for (i = 0; i < set->ns_names.n; i++)
		if (name_eq(set->ns_names.v[i], ns))
			return;
	push(rd, &set->ns_names, xstrdup(rd, ns));
	if (tw_wire_name_is_subdomain(ns, mz->cfg->name) && mz->zoneset != set)
		start = mz->zoneset;
	else
		start = rd->rootset;
	if (start->rows.n == 0 && start->pending_sources == 0)
		return;
	if ((res = res_new(rd, mz, P_NSADDR, ns, TW_RR_A)) == NULL)
		return;
	res->target_set = set;
	res->nsaddr_depth = depth;
	if ((res->ns_name = xstrdup(rd, ns)) == NULL)
		return;
	if (start != set)
		set->pending_sources++;
	res_enter(res, start);
}

static void
follow_cname(struct resolution *res, const char *target)
{
	struct tw_round *rd = res->rd;
	struct authset *start;
	char *t;

	if (++res->cnames > MAX_CNAMES) {
		res_finish(res, false, TW_OUTCOME_ANSWER,
		    xprintf(rd, "more than %d CNAMEs", MAX_CNAMES));
		return;
	}
	if ((t = xstrdup(rd, target)) == NULL)
		return;
	free(res->qname);
	res->qname = t;
	if (tw_wire_name_is_subdomain(target, res->mz->cfg->name))
		start = res->mz->zoneset;
	else if (rd->rootset->rows.n > 0)
		start = rd->rootset;
	else {
		res_finish(res, false, TW_OUTCOME_ANSWER,
		    xprintf(rd, "CNAME to %s, outside the zone, and no roots to follow it", target));
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
				push(rd, &res->addrs, xstrdup(rd, rr->target));
		}
		if (res->addrs.n > 0) {
			if (res->purpose == P_DISCOVERY) {
				set_learn_ns(res->mz->zoneset, &msg->answer, msg, res->qname,
				    res->qname, 0);
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
	    xprintf(rd, "%s answered without a %s record",
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
		    xprintf(rd, "more than %d referrals", MAX_REFERRALS));
		return;
	}
	if ((child = mz_set_for(rd, res->mz, zone)) == NULL)
		return;
	set_learn_ns(child, &msg->authority, msg, zone, q->level->zone, res->nsaddr_depth);
	if (res->purpose == P_DISCOVERY && child == res->mz->zoneset) {
		res_path_add(res, " > ", zone_display(zone));
		res_finish(res, true, TW_OUTCOME_REFERRAL, NULL);
		return;
	}
	if (res->purpose == P_NSADDR && child == res->target_set) {
		res_finish(res, false, TW_OUTCOME_REFERRAL,
		    xprintf(rd, "%s is glueless inside its own zone", res->qname));
		return;
	}
	res_enter(res, child);
}

static void
res_on_reply(struct resolution *res, const struct qctx *q, struct row *row,
    enum tw_outcome outcome, const struct tw_wire_msg *msg)
{
	struct seen *ns;
	size_t ncap;

	if (res->done || q->level != res->level)
		return;   /* a slower server of a level already left: counted in its row only */
	res->level_outstanding--;
	if (res->n_seen == res->cap_seen) {
		ncap = res->cap_seen ? res->cap_seen * 2 : 4;
		if ((ns = realloc(res->seen, ncap * sizeof(*ns))) == NULL) {
			res->rd->oom = true;
			return;
		}
		res->seen = ns;
		res->cap_seen = ncap;
	}
	res->seen[res->n_seen].row = row;
	res->seen[res->n_seen].outcome = outcome;
	res->n_seen++;

	switch (outcome) {
	case TW_OUTCOME_ANSWER:
		handle_answer(res, msg, row);
		break;
	case TW_OUTCOME_REFERRAL:
		handle_referral(res, q, msg);
		break;
	case TW_OUTCOME_NXDOMAIN:
	case TW_OUTCOME_NODATA:
		res_finish(res, false, outcome, xprintf(res->rd, "%s from %s", tw_outcome_str(outcome),
		    row->r.name != NULL ? row->r.name : row->r.address));
		break;
	default:
		res_check_stuck(res);
		break;
	}
}

/* ---- replies ---- */

static void
on_reply(void *cookie, const struct tw_engine_reply *reply)
{
	struct qctx *q = cookie;
	struct tw_round *rd = q->rd;
	struct row *row = q->row;
	struct tw_wire_msg *msg = &rd->msg;
	const char *zone = row->set->zone;
	enum tw_outcome outcome;
	size_t i;
	int rc;

	q->done = true;
	rd->outstanding[q->kind]--;
	row->r.sent += reply->sent;
	row->r.answered += reply->answered;
	if (reply->rtt_ms >= 0)
		row_add_rtt(rd, row, reply->rtt_ms);

	outcome = reply->transport_outcome;
	if (outcome == TW_OUTCOME_NONE) {
		rc = tw_wire_parse(reply->buf, reply->len, msg);
		outcome = tw_classify(msg, rc, q->qname, q->qtype, zone);
		if (outcome == TW_OUTCOME_MALFORMED)
			msg->answer.kept = msg->authority.kept = msg->additional.kept = 0;
	} else {
		msg->answer.kept = msg->authority.kept = msg->additional.kept = 0;
	}

	switch (q->kind) {
	case Q_HEALTH:
		row_set_health(row, outcome);
		if (outcome == TW_OUTCOME_ANSWER)
			for (i = 0; i < msg->answer.kept; i++)
				if (msg->answer.rr[i].type == TW_RR_SOA &&
				    name_eq(msg->answer.rr[i].name, zone)) {
					row->r.has_serial = true;
					row->r.serial = msg->answer.rr[i].serial;
				}
		break;
	case Q_ZONE_NS:
		break;
	case Q_RESOLVE:
		if (row->set->role == TW_ROLE_ROOT)
			row_set_health(row, outcome);
		res_on_reply(q->res, q, row, outcome, msg);
		break;
	case Q_KINDS:
		break;
	}
}

/* ---- the result ---- */

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

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

static int
cmp_pstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Move a row's data into ${out}; the row keeps nothing it would free. */
static void
row_export(struct row *row, struct tw_server_result *out)
{
	*out = row->r;
	row->r.zone = NULL;
	row->r.name = NULL;
	if (row->n_rtts > 0) {
		qsort(row->rtts, row->n_rtts, sizeof(double), cmp_double);
		out->rtt_ms = row->n_rtts % 2 ? row->rtts[row->n_rtts / 2] :
		    (row->rtts[row->n_rtts / 2 - 1] + row->rtts[row->n_rtts / 2]) / 2.0;
	} else {
		out->rtt_ms = -1.0;
	}
}

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
			row_export(sets[i]->rows.v[j], &(*out)[(*n_out)++]);
	qsort(*out, *n_out, sizeof(**out), cmp_server);
	return 0;
}

static int
export_host(struct resolution *res, const struct tw_host_cfg *hc, struct tw_host_result *h)
{
	size_t i;

	h->name = strdup(hc->name);
	h->label = hc->label != NULL ? strdup(hc->label) : NULL;
	h->type = hc->type;
	h->key = hc->key;
	h->resolved = res->done && res->resolved;
	h->outcome = res->done ? res->outcome : TW_OUTCOME_NONE;
	h->path = res->path;
	res->path = NULL;
	if (res->done) {
		h->detail = res->detail;
		res->detail = NULL;
	} else {
		h->detail = strdup("not finished before the deadline");
	}
	if (h->resolved && res->addrs.n > 0) {
		qsort(res->addrs.v, res->addrs.n, sizeof(char *), cmp_pstr);
		h->addresses = (char **)res->addrs.v;
		h->n_addresses = res->addrs.n;
		/* Drop repeats (the same answer from both transports never lands here, but be safe). */
		for (i = 1; i < h->n_addresses;) {
			if (strcmp(h->addresses[i], h->addresses[i - 1]) == 0) {
				free(h->addresses[i]);
				memmove(&h->addresses[i], &h->addresses[i + 1],
				    (h->n_addresses - i - 1) * sizeof(char *));
				h->n_addresses--;
			} else {
				i++;
			}
		}
		res->addrs.v = NULL;
		res->addrs.n = res->addrs.cap = 0;
	}
	if (h->name == NULL || (hc->label != NULL && h->label == NULL))
		return -1;
	return 0;
}

static char *
deadline_stage(struct tw_round *rd)
{
	struct resolution *res;
	char *s = NULL, *n;
	size_t i, z;

	for (z = 0; z < rd->n_mz; z++)
		if (rd->mz[z].zoneset->rows.n == 0 && rd->mz[z].zoneset->pending_sources > 0)
			return xprintf(rd, "discovery of %s at the roots",
			    zone_display(rd->mz[z].cfg->name));
	for (z = 0; z < rd->n_mz; z++)
		for (i = 0; i < rd->mz[z].hosts.n; i++) {
			res = rd->mz[z].hosts.v[i];
			if (res->done)
				continue;
			n = s == NULL ? xprintf(rd, "host resolution (%s", rd->mz[z].cfg->hosts[i].name)
			    : xprintf(rd, "%s, %s", s, rd->mz[z].cfg->hosts[i].name);
			free(s);
			s = n;
		}
	if (s != NULL) {
		n = xprintf(rd, "%s)", s);
		free(s);
		return n;
	}
	if (rd->outstanding[Q_HEALTH] + rd->outstanding[Q_ZONE_NS] > 0)
		return xprintf(rd, "server health queries");
	return xprintf(rd, "delegation lookups");
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
		row = roots->rows.v[i];
		seen = false;
		any = false;
		for (j = 0; j < roots->rows.n; j++) {
			other = roots->rows.v[j];
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

static struct tw_check_result *
build_result(struct tw_round *rd, double started)
{
	struct tw_check_result *r;
	struct tw_zone_result *zr;
	struct authset **sets;
	struct mzone *mz;
	size_t z, i;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->state = TW_STATE_UNKNOWN;
	if (export_sets(&rd->rootset, 1, &r->roots, &r->n_roots) != 0)
		goto fail;
	if (rd->n_mz > 0 && (r->zones = calloc(rd->n_mz, sizeof(*r->zones))) == NULL)
		goto fail;
	r->n_zones = rd->n_mz;
	for (z = 0; z < rd->n_mz; z++) {
		mz = &rd->mz[z];
		zr = &r->zones[z];
		zr->state = TW_STATE_UNKNOWN;
		zr->name = strdup(mz->cfg->name);
		zr->label = mz->cfg->label != NULL ? strdup(mz->cfg->label) : NULL;
		if (zr->name == NULL)
			goto fail;
		count_controls(rd->rootset, &zr->controls_answered, &zr->controls_total);
		if ((sets = malloc((mz->sets.n + 1) * sizeof(*sets))) == NULL)
			goto fail;
		sets[0] = mz->zoneset;
		for (i = 0; i < mz->sets.n; i++)
			sets[i + 1] = mz->sets.v[i];
		i = (size_t)export_sets(sets, mz->sets.n + 1, &zr->servers, &zr->n_servers);
		free(sets);
		if (i != 0)
			goto fail;
		if (mz->hosts.n > 0 &&
		    (zr->hosts = calloc(mz->hosts.n, sizeof(*zr->hosts))) == NULL)
			goto fail;
		for (i = 0; i < mz->hosts.n; i++) {
			zr->n_hosts++;
			if (export_host(mz->hosts.v[i], &mz->cfg->hosts[i], &zr->hosts[i]) != 0)
				goto fail;
		}
	}
	r->elapsed_ms = tw_clock_mono_ms() - started;
	return r;
fail:
	tw_result_free(r);
	return NULL;
}

/* ---- lifecycle ---- */

static void
round_free(struct tw_round *rd)
{
	struct authset *set;
	struct resolution *res;
	struct qctx *q;
	struct row *row;
	size_t i, j;

	tw_loop_timer_free(rd->deadline);
	tw_loop_timer_free(rd->idle);
	for (i = 0; i < rd->qctxs.n; i++) {
		q = rd->qctxs.v[i];
		free(q->qname);
		free(q);
	}
	free(rd->qctxs.v);
	for (i = 0; i < rd->ress.n; i++) {
		res = rd->ress.v[i];
		for (j = 0; j < res->addrs.n; j++)
			free(res->addrs.v[j]);
		free(res->addrs.v);
		free(res->qname);
		free(res->ns_name);
		free(res->seen);
		free(res->path);
		free(res->detail);
		free(res);
	}
	free(rd->ress.v);
	for (i = 0; i < rd->sets.n; i++) {
		set = rd->sets.v[i];
		for (j = 0; j < set->rows.n; j++) {
			row = set->rows.v[j];
			free(row->r.zone);
			free(row->r.name);
			free(row->rtts);
			free(row);
		}
		for (j = 0; j < set->ns_names.n; j++)
			free(set->ns_names.v[j]);
		free(set->ns_names.v);
		free(set->rows.v);
		free(set->waiters.v);
		free(set->zone);
		free(set);
	}
	free(rd->sets.v);
	if (rd->mz != NULL)
		for (i = 0; i < rd->n_mz; i++) {
			free(rd->mz[i].sets.v);
			free(rd->mz[i].hosts.v);
		}
	free(rd->mz);
	free(rd);
}

/* After the engine went idle, whatever is still open can only fail. */
static void
sweep(struct tw_round *rd)
{
	struct resolution *res;
	size_t i;

	for (i = 0; i < rd->ress.n; i++) {
		res = rd->ress.v[i];
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

/* The engine went idle: whatever is still open fails, and the round is over. */
static void
on_idle(void *cookie)
{
	struct tw_round *rd = cookie;

	if (rd->finished)
		return;
	sweep(rd);
	rd->finished = true;
	tw_loop_timer_cancel(rd->deadline);
	if (rd->done_cb != NULL)
		rd->done_cb(rd->done_cookie);
}

static void
on_deadline(void *cookie)
{
	struct tw_round *rd = cookie;

	if (rd->finished)
		return;
	rd->deadline_hit = true;
	rd->finished = true;
	tw_engine_cancel_all(rd->eng);
	if (rd->done_cb != NULL)
		rd->done_cb(rd->done_cookie);
}

struct tw_round *
tw_round_start(const struct tw_config *cfg, struct tw_loop *loop, struct tw_engine *eng,
    const struct tw_round_opts *opts, tw_round_done_cb *cb, void *cookie)
{
	struct tw_engine_opts eo;
	const struct tw_endpoint *ep;
	struct resolution *res;
	struct tw_round *rd;
	struct mzone *mz;
	size_t z, i;

	memset(&eo, 0, sizeof(eo));
	eo.timeout_ms = cfg->probe.timeout_ms;
	eo.attempts = cfg->probe.attempts;
	eo.loopback_only = opts->loopback_only;
	if (tw_engine_configure(eng, &eo) != 0) {
		fprintf(stderr, "tldwatch: a round is already running\n");
		return NULL;
	}
	if ((rd = calloc(1, sizeof(*rd))) == NULL)
		goto oom;
	rd->cfg = cfg;
	rd->loop = loop;
	rd->eng = eng;
	rd->done_cb = cb;
	rd->done_cookie = cookie;
	rd->started = tw_clock_mono_ms();
	if ((rd->deadline = tw_loop_timer_new(loop, on_deadline, rd)) == NULL ||
	    (rd->idle = tw_loop_timer_new(loop, on_idle, rd)) == NULL)
		goto oom;
	if ((rd->rootset = set_new(rd, "", TW_ROLE_ROOT, NULL)) == NULL)
		goto oom;
	for (i = 0; i < cfg->n_roots; i++) {
		ep = &cfg->roots[i];
		set_add_server(rd->rootset, ep->name, ep->address,
		    ep->port ? ep->port : cfg->probe.port, false);
	}
	if (cfg->n_zones > 0 && (rd->mz = calloc(cfg->n_zones, sizeof(*rd->mz))) == NULL)
		goto oom;
	rd->n_mz = cfg->n_zones;
	for (z = 0; z < cfg->n_zones; z++) {
		mz = &rd->mz[z];
		mz->cfg = &cfg->zones[z];
		if ((mz->zoneset = set_new(rd, mz->cfg->name, TW_ROLE_ZONE, mz)) == NULL)
			goto oom;
	}
	for (z = 0; z < rd->n_mz && !rd->oom; z++) {
		mz = &rd->mz[z];
		for (i = 0; i < mz->cfg->n_servers; i++) {
			ep = &mz->cfg->servers[i];
			set_add_server(mz->zoneset, ep->name, ep->address,
			    ep->port ? ep->port : cfg->probe.port, true);
		}
		if (rd->rootset->rows.n > 0 &&
		    (res = res_new(rd, mz, P_DISCOVERY, mz->cfg->name, TW_RR_NS)) != NULL) {
			mz->zoneset->pending_sources++;
			res_enter(res, rd->rootset);
		}
		for (i = 0; i < mz->cfg->n_hosts; i++) {
			res = res_new(rd, mz, P_HOST, mz->cfg->hosts[i].name, mz->cfg->hosts[i].type);
			if (res == NULL)
				break;
			push(rd, &mz->hosts, res);
			res_enter(res, mz->zoneset);
		}
	}
	if (rd->oom)
		goto oom;
	tw_engine_set_idle_cb(eng, on_idle, rd);
	if (opts->deadline_ms > 0)
		tw_loop_timer_arm(rd->deadline, opts->deadline_ms);
	if (tw_engine_pending(eng) == 0)
		tw_loop_timer_arm(rd->idle, 0);   /* nothing to ask: over at once, from the loop */
	return rd;
oom:
	fprintf(stderr, "tldwatch: out of memory\n");
	if (rd != NULL)
		round_free(rd);
	return NULL;
}

struct tw_check_result *
tw_round_finish(struct tw_round *rd)
{
	struct tw_check_result *r = NULL;

	if (!rd->finished) {          /* abandoned before it ended */
		rd->deadline_hit = true;
		rd->finished = true;
	}
	tw_engine_cancel_all(rd->eng);
	tw_engine_set_idle_cb(rd->eng, NULL, NULL);
	if (!rd->oom && (r = build_result(rd, rd->started)) != NULL && rd->deadline_hit) {
		r->deadline_hit = true;
		r->deadline_stage = deadline_stage(rd);
	}
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
		r = tw_round_finish(rd);
	}
	tw_engine_free(eng);
	tw_loop_free(loop);
	return r;
}
