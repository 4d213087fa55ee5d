/*
 * result.h -- the one result model of a check round.
 *
 * The probe round (plan.c) fills a tw_check_result with what every server
 * and every host came to; verdict.c adds the states and diagnoses; the
 * renderers (report_*.c) only read it.  All strings are owned by the
 * result and freed by tw_result_free().
 */
#ifndef TLDWATCH_RESULT_H
#define TLDWATCH_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tldwatch/config.h"
#include "tldwatch/delegation.h"
#include "tldwatch/outcome.h"
#include "tldwatch/state.h"

enum tw_role {
	TW_ROLE_ROOT = 0,    /* discovery start (control) */
	TW_ROLE_ZONE,        /* a server of the monitored zone itself */
	TW_ROLE_CHILD,       /* a server of a zone below it, met on the way to a host */
};
const char *tw_result_role_str(enum tw_role r);

/* tw_result_role_from_str(s, out): the role named ${s}; 0, or -1 when none is. */
int tw_result_role_from_str(const char *s, enum tw_role *out);

/* One (served zone, server, transport) row. */
struct tw_server_result {
	enum tw_role role;
	char *zone;             /* zone it was asked as an authority for ("" = root) */
	char *name;             /* server name; NULL when only an address is known */
	char address[TW_ADDRSTRLEN];
	uint16_t port;
	enum tw_transport transport;
	bool pinned;            /* from the config's servers: list */
	enum tw_outcome outcome; /* of its health query (ZONE SOA; ". NS" for roots) */
	unsigned sent;          /* attempts sent to it this round, all queries */
	unsigned answered;      /* attempts that got any DNS response */
	double rtt_ms;          /* median RTT of answered attempts; < 0 when none */
	bool has_serial;
	uint32_t serial;        /* SOA serial from the health query */
	/*
	 * The TCP second opinion: when this UDP row's health query went
	 * unanswered (timeout, unreachable) and TCP is not a configured
	 * transport, the round asks the same question over TCP once, inside
	 * the UDP query's own time.  Its outcome; TW_OUTCOME_NONE when not
	 * asked.  It counts in none of sent, answered and rtt_ms.
	 */
	enum tw_outcome fallback_tcp;
	/*
	 * The instance that answered (docs/check.md, "Instance identity"): the
	 * NSID option (RFC 5001) of its health reply, and the first string of
	 * its CHAOS TXT hostname.bind (else id.server) answer.  In presentation
	 * form, as names are: printable ASCII as sent, a backslash doubled, any
	 * other byte as \DDD; each output escapes the rest (escape.h).  NULL
	 * when it gave none.
	 */
	char *nsid;
	char *identity;
	/*
	 * It answered FORMERR or NOTIMP to its health query with EDNS and was
	 * asked again without (its outcome is the retry's).  A finding, never
	 * a failure; false (EDNS understood, or nothing learnt) is the default.
	 */
	bool no_edns;
	/*
	 * Serial lag (serial.c): another row serving the same zone gave a
	 * newer serial (serial_newest).  In watch, how long this row has been
	 * behind (from the history; 0 in a one-shot check) and whether that is
	 * still within watch.serial_grace, which keeps it from making the zone
	 * degraded.
	 */
	bool serial_behind;
	uint32_t serial_newest;
	double serial_behind_since;   /* watch: when it fell behind (0: not known) */
	double serial_behind_seconds; /* watch: for how long, up to this round (0: not known) */
	bool serial_excused;
};

struct tw_host_result {
	char *name;
	char *label;            /* may be NULL */
	uint16_t type;
	bool key;
	bool resolved;          /* authoritative answer with at least one address */
	enum tw_outcome outcome; /* final outcome of the resolution */
	char **addresses;
	size_t n_addresses;
	char *path;             /* zones walked, e.g. "kp > kcna.kp"; may be NULL */
	char *detail;           /* why it failed, e.g. "kcna.kp servers: timeout"; may be NULL */
};

struct tw_zone_result {
	char *name;
	char *label;
	struct tw_server_result *servers; /* ZONE rows first, then CHILD rows */
	size_t n_servers;
	struct tw_host_result *hosts;
	size_t n_hosts;
	/*
	 * Delegation consistency (delegation.h): the monitored zone's first,
	 * then each zone met below it; findings filled by verdict.c.
	 */
	struct tw_delegation *delegations;
	size_t n_delegations;
	unsigned controls_answered; /* roots that had given any response when the zone was over */
	unsigned controls_total;
	/*
	 * The round's deadline came before the zone was over (or had started): verdict.c
	 * judges it unknown.  A zone over before the deadline keeps its verdict.
	 */
	bool unfinished;
	/* filled by verdict.c: */
	enum tw_state state;
	char *diagnosis;
	unsigned auth_answering;  /* ZONE rows whose health query got an answer */
	unsigned auth_total;      /* ZONE rows */
};

struct tw_check_result {
	struct tw_server_result *roots; /* controls, shared by every zone */
	size_t n_roots;
	struct tw_zone_result *zones;
	size_t n_zones;
	double elapsed_ms;
	bool deadline_hit;        /* the global -t deadline expired */
	char *deadline_stage;     /* what was still running, e.g. "host resolution (kcna.kp)" */
	char *error;              /* the check could not run (e.g. out of sockets); NULL if it ran */
	/* filled by verdict.c: */
	enum tw_state state;      /* worst zone (unknown when deadline_hit or error) */
};

/*
 * tw_result_zone_strip(z):
 * Free what ${z} holds but its name, state and counts (what a report's summary
 * line reads), once the zone was written out.
 */
void tw_result_zone_strip(struct tw_zone_result *z);

/* tw_result_free(r): free ${r} and everything it owns; NULL is fine. */
void tw_result_free(struct tw_check_result *r);

#endif
