/*
 * delegation.h -- does a zone's delegation hold together?
 *
 * For every zone a round meets (the monitored zone, and each zone below it
 * on the way to a host) the round keeps what the parent said (the NS names
 * of its referral, and their glue) and what the zone says of itself (the NS
 * RRset its own servers answer, and the addresses they give for those names
 * in the same answer), plus, for a name nobody gave an address, how looking
 * it up (A, then AAAA) ended.  tw_delegation_judge() turns that into
 * findings, in the manner of Zonemaster's DELEGATION07, NAMESERVER06 and
 * CONSISTENCY05:
 *
 *   child_only     in the zone's NS set, not in the parent's referral;
 *   parent_only    in the parent's referral, not in the zone's NS set;
 *   no_address     no glue, no address from the zone's servers, and its
 *                  own lookup found none (NXDOMAIN, or no A and no AAAA);
 *   glue_mismatch  the parent's glue and the zone's own addresses for the
 *                  name differ (compared per address family).
 *
 * The set comparisons need both sides: without a referral (pinned servers
 * and no root answered) or without an NS answer from the zone, there is no
 * child_only or parent_only.  Findings are health notes, never a reason for
 * a state (verdict.c names them when the state is otherwise up).
 */
#ifndef TLDWATCH_DELEGATION_H
#define TLDWATCH_DELEGATION_H

#include <stdbool.h>
#include <stddef.h>

#include "tldwatch/outcome.h"

enum tw_delegation_kind {
	TW_DELEG_CHILD_ONLY = 0,
	TW_DELEG_PARENT_ONLY,
	TW_DELEG_NO_ADDRESS,
	TW_DELEG_GLUE_MISMATCH,
	TW_DELEG_KIND_COUNT
};

/* How looking up a name's address ended (only names nobody gave an address are looked up). */
enum tw_ns_lookup {
	TW_NS_LOOKUP_NONE = 0,   /* not looked up, or it did not finish: nothing known */
	TW_NS_LOOKUP_FOUND,      /* A or AAAA records */
	TW_NS_LOOKUP_EMPTY,      /* NXDOMAIN, or neither A nor AAAA (NODATA both) */
	TW_NS_LOOKUP_FAILED,     /* the servers asked did not say (timeouts, errors) */
};

/* One NS name as the parent and the zone show it.  Address lists are sorted, no repeats. */
struct tw_ns_name {
	char *name;
	bool in_parent;            /* in the parent's referral */
	bool in_child;             /* in the zone's own NS RRset */
	char **glue;               /* the parent's addresses for it (in-bailiwick glue) */
	size_t n_glue;
	char **addrs;              /* the zone's servers' addresses for it, or its lookup's */
	size_t n_addrs;
	enum tw_ns_lookup lookup;
	enum tw_outcome lookup_outcome; /* EMPTY, FAILED: how the last lookup ended */
};

struct tw_delegation_finding {
	enum tw_delegation_kind kind;
	char *name;                /* the NS name it is about */
	char *detail;              /* one clause, e.g. "listed by kp's servers, not by the root's referral" */
};

/* One zone's delegation: what a round saw, and (tw_delegation_judge) what it makes of it. */
struct tw_delegation {
	char *zone;                /* "kp", "kcna.kp" */
	char *parent;              /* the zone of the server that referred to it ("" = the root); NULL: no referral seen */
	bool child_seen;           /* one of its servers answered its NS query authoritatively */
	struct tw_ns_name *names;  /* parent's and zone's names together, sorted by name */
	size_t n_names;
	struct tw_delegation_finding *findings; /* sorted by name, then kind */
	size_t n_findings;
};

/* tw_delegation_kind_str(k): "child_only", ...; tw_delegation_kind_from_str: 0, or -1. */
const char *tw_delegation_kind_str(enum tw_delegation_kind k);
int tw_delegation_kind_from_str(const char *s, enum tw_delegation_kind *out);

/*
 * tw_delegation_judge(d):
 * Replace ${d}'s findings with those its names show.  0, or -1 when memory
 * ran out (${d} then has no findings).
 */
int tw_delegation_judge(struct tw_delegation *d);

/* tw_delegation_count(d, n, counts): findings of each kind over ${n} delegations, into counts[KIND_COUNT]. */
void tw_delegation_count(const struct tw_delegation *d, size_t n,
    unsigned counts[TW_DELEG_KIND_COUNT]);

/* tw_delegation_free(d, n): free what ${n} delegations own, and the array; NULL is fine. */
void tw_delegation_free(struct tw_delegation *d, size_t n);

#endif
