/*
 * verdict.c -- from one round's rows to a state and a one-line diagnosis.
 *
 * The diagnosis names the pattern an analyst would look for first: every
 * TLD server silent while the roots answer (a route withdrawal), every one
 * refusing (the zone is not served), the key hosts that resolve and those
 * that do not.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tldwatch/serial.h"
#include "tldwatch/text.h"
#include "tldwatch/verdict.h"

#define LIST_MAX 3 /* items named in one part of a diagnosis */

/* A growing string; on allocation failure it stays NULL and says so. */
struct sbuf {
	char *s;
	size_t len;
	bool failed;
};

static void
sb_add(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
sb_add(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	char *n;
	int k;

	if (b->failed)
		return;
	va_start(ap, fmt);
	k = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (k < 0 || (n = realloc(b->s, b->len + (size_t)k + 1)) == NULL) {
		b->failed = true;
		return;
	}
	b->s = n;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)k + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)k;
}

static const char *
zname(const char *zone)
{
	return zone[0] != '\0' ? zone : "root";
}

static const char *
server_label(const struct tw_server_result *s)
{
	return s->name != NULL ? s->name : s->address;
}

/* What one zone's rows and hosts add up to. */
struct tally {
	unsigned zone_rows, zone_answering, zone_responding;
	unsigned outcome_count[TW_OUTCOME_COUNT];  /* of ZONE rows */
	unsigned failing_rows;                      /* ZONE or CHILD rows not answering */
	unsigned lossy_rows;
	unsigned tcp_only;                          /* ZONE rows dark over UDP, TCP answering */
	unsigned keys, keys_resolved, others_failed, hosts_resolved;
	bool serials_differ;
};

static bool
row_fails(const struct tw_server_result *s)
{
	return s->outcome != TW_OUTCOME_ANSWER;
}

/* Silent or unreachable over UDP, but its TCP second opinion is an authoritative answer. */
static bool
row_tcp_only(const struct tw_server_result *s)
{
	return s->transport == TW_TRANSPORT_UDP && s->fallback_tcp == TW_OUTCOME_ANSWER &&
	    (s->outcome == TW_OUTCOME_TIMEOUT || s->outcome == TW_OUTCOME_UNREACHABLE);
}

/*
 * Rows serving the same zone should carry the same SOA serial: a row behind
 * the newest counts unless the watcher excused it (behind for less than
 * watch.serial_grace: a secondary mid-transfer); two serials that RFC 1982
 * cannot order count too.
 */
static bool
serials_differ(const struct tw_zone_result *z)
{
	const struct tw_server_result *a, *b;
	size_t i, j;
	bool behind = false;

	for (i = 0; i < z->n_servers; i++) {
		a = &z->servers[i];
		if (a->serial_behind) {
			behind = true;
			if (!a->serial_excused)
				return true;
		}
	}
	for (i = 0; !behind && i < z->n_servers; i++) {
		a = &z->servers[i];
		if (!a->has_serial)
			continue;
		for (j = i + 1; j < z->n_servers; j++) {
			b = &z->servers[j];
			if (b->has_serial && strcmp(a->zone, b->zone) == 0 && a->serial != b->serial)
				return true;
		}
	}
	return false;
}

static void
count(struct tw_zone_result *z, struct tally *t)
{
	const struct tw_server_result *s;
	const struct tw_host_result *h;
	size_t i;

	memset(t, 0, sizeof(*t));
	tw_serial_mark(z);
	for (i = 0; i < z->n_servers; i++) {
		s = &z->servers[i];
		if (s->role == TW_ROLE_ZONE) {
			t->zone_rows++;
			t->outcome_count[s->outcome]++;
			if (s->outcome == TW_OUTCOME_ANSWER)
				t->zone_answering++;
			if (s->answered > 0)
				t->zone_responding++;
			if (row_tcp_only(s))
				t->tcp_only++;
		}
		if (row_fails(s))
			t->failing_rows++;
		if (s->sent > s->answered)
			t->lossy_rows++;
	}
	for (i = 0; i < z->n_hosts; i++) {
		h = &z->hosts[i];
		if (h->resolved)
			t->hosts_resolved++;
		if (h->key) {
			t->keys++;
			if (h->resolved)
				t->keys_resolved++;
		} else if (!h->resolved) {
			t->others_failed++;
		}
	}
	t->serials_differ = serials_differ(z);
}

/* "both kp servers", "all 3 kp servers", "the kp server" */
static void
sb_servers(struct sbuf *b, const char *zone, unsigned n)
{
	if (n == 1)
		sb_add(b, "the %s server", zname(zone));
	else if (n == 2)
		sb_add(b, "both %s servers", zname(zone));
	else
		sb_add(b, "all %u %s servers", n, zname(zone));
}

/*
 * "ns1.kptc.kp timeout", "ns1.kptc.kp/tcp refused", "ns1.kptc.kp timeout (tcp: answer)": a
 * second opinion is named when it differs (the rows show it always).
 */
static void
sb_row(struct sbuf *b, const struct tw_server_result *s)
{
	sb_add(b, "%s%s %s", server_label(s), s->transport == TW_TRANSPORT_TCP ? "/tcp" : "",
	    tw_outcome_str(s->outcome));
	if (s->fallback_tcp != TW_OUTCOME_NONE && s->fallback_tcp != s->outcome)
		sb_add(b, " (tcp: %s)", tw_outcome_str(s->fallback_tcp));
}

/* "; TCP answers at ns1.kptc.kp" when some of the zone's dark servers answer over TCP. */
static void
sb_tcp_answers(struct sbuf *b, const struct tw_zone_result *z, const struct tally *t)
{
	const struct tw_server_result *s;
	size_t i, named;

	if (t->tcp_only == 0)
		return;
	sb_add(b, "; TCP answers at");
	for (i = 0, named = 0; i < z->n_servers; i++) {
		s = &z->servers[i];
		if (s->role != TW_ROLE_ZONE || !row_tcp_only(s))
			continue;
		sb_add(b, "%s %s", named ? "," : "", server_label(s));
		named++;
	}
}

static void
diagnose_down(const struct tw_zone_result *z, const struct tally *t, struct sbuf *b)
{
	const struct tw_server_result *s;
	unsigned n = t->zone_rows;
	size_t i, named;

	if (n == 0) {
		sb_add(b, "no %s server is known: discovery at the roots found none%s",
		    zname(z->name), z->controls_total == 0 ? " (no roots configured)" : "");
		return;
	}
	if (t->tcp_only == n) {
		/* Resolvers ask over UDP first: a zone only TCP reaches is down for them. */
		sb_add(b, "UDP to ");
		sb_servers(b, z->name, n);
		sb_add(b, " is %s, TCP answers: a filter on the path",
		    t->outcome_count[TW_OUTCOME_TIMEOUT] == n ? "dropped" :
		    t->outcome_count[TW_OUTCOME_UNREACHABLE] == n ? "rejected" : "dropped or rejected");
	} else if (t->outcome_count[TW_OUTCOME_TIMEOUT] == n) {
		sb_servers(b, z->name, n);
		if (z->controls_answered > 0)
			sb_add(b, " silent (timeouts) while the roots answer: consistent with a route "
			    "withdrawal or upstream cut");
		else
			sb_add(b, " silent (timeouts); no roots configured to rule out our own network");
		sb_tcp_answers(b, z, t);
	} else if (t->outcome_count[TW_OUTCOME_UNREACHABLE] == n) {
		sb_servers(b, z->name, n);
		sb_add(b, " unreachable (port closed or ICMP unreachable): the name servers are "
		    "not running or are filtered");
		sb_tcp_answers(b, z, t);
	} else if (t->outcome_count[TW_OUTCOME_REFUSED] == n) {
		sb_add(b, "%s servers answer REFUSED: the zone is not served", zname(z->name));
	} else if (t->outcome_count[TW_OUTCOME_SERVFAIL] == n) {
		sb_add(b, "%s servers answer SERVFAIL: the zone failed to load or expired",
		    zname(z->name));
	} else if (t->outcome_count[TW_OUTCOME_LAME] == n) {
		sb_add(b, "%s servers answer without authority (lame): the delegation is broken",
		    zname(z->name));
	} else {
		sb_add(b, "no %s server answers authoritatively:", zname(z->name));
		for (i = 0, named = 0; i < z->n_servers; i++) {
			s = &z->servers[i];
			if (s->role != TW_ROLE_ZONE)
				continue;
			sb_add(b, "%s ", named ? "," : "");
			sb_row(b, s);
			named++;
		}
	}
	sb_add(b, " (no key host resolves)");
}

/* "kcna.kp and rodong.rep.kp" / "a, b and c" over hosts matching ${want}. */
static void
sb_hosts(struct sbuf *b, const struct tw_zone_result *z, bool want_resolved, unsigned n)
{
	const struct tw_host_result *h;
	unsigned k = 0;
	size_t i;

	for (i = 0; i < z->n_hosts; i++) {
		h = &z->hosts[i];
		if (!h->key || h->resolved != want_resolved)
			continue;
		k++;
		sb_add(b, "%s%s", k == 1 ? "" : k == n ? " and " : ", ", h->name);
	}
}

static void
diagnose_partial(const struct tw_zone_result *z, const struct tally *t, struct sbuf *b)
{
	const struct tw_host_result *h;
	unsigned failed = t->keys - t->keys_resolved;
	size_t i;

	if (t->keys_resolved > 0) {
		sb_hosts(b, z, true, t->keys_resolved);
		sb_add(b, " resolve%s, ", t->keys_resolved == 1 ? "s" : "");
	} else {
		sb_add(b, "%s servers answer, but no key host resolves: ", zname(z->name));
	}
	sb_hosts(b, z, false, failed);
	if (t->keys_resolved > 0)
		sb_add(b, " do%s not", failed == 1 ? "es" : "");
	for (i = 0; i < z->n_hosts; i++) {
		h = &z->hosts[i];
		if (h->key && !h->resolved && h->detail != NULL) {
			sb_add(b, " (%s)", h->detail);
			break;
		}
	}
}

static void
diagnose_degraded(const struct tw_zone_result *z, const struct tally *t, struct sbuf *b)
{
	const struct tw_server_result *s;
	const struct tw_host_result *h;
	const char *sep = "";
	size_t i, named;

	sb_add(b, "all key hosts resolve, but ");
	if (t->failing_rows > 0) {
		for (i = 0, named = 0; i < z->n_servers; i++) {
			s = &z->servers[i];
			if (!row_fails(s))
				continue;
			if (named < LIST_MAX) {
				sb_add(b, "%s", named ? ", " : "");
				sb_row(b, s);
			}
			named++;
		}
		if (named > LIST_MAX)
			sb_add(b, " and %zu more", named - LIST_MAX);
		sep = ", and ";
	}
	if (t->lossy_rows > 0) {
		sb_add(b, "%sloss", sep);
		for (i = 0, named = 0; i < z->n_servers; i++) {
			s = &z->servers[i];
			if (s->sent <= s->answered)
				continue;
			if (named < LIST_MAX)
				sb_add(b, "%s %.0f%% at %s%s", named ? "," : "",
				    100.0 * (double)(s->sent - s->answered) / (double)s->sent,
				    server_label(s), s->transport == TW_TRANSPORT_TCP ? "/tcp" : "");
			named++;
		}
		if (named > LIST_MAX)
			sb_add(b, " and %zu more", named - LIST_MAX);
		sep = ", and ";
	}
	if (t->serials_differ) {
		sb_add(b, "%sSOA serials differ:", sep);
		for (i = 0, named = 0; i < z->n_servers && named < LIST_MAX + 1; i++) {
			s = &z->servers[i];
			if (!s->has_serial)
				continue;
			sb_add(b, "%s %s %u", named ? "," : "", server_label(s), (unsigned)s->serial);
			named++;
		}
		/* in watch: how long the ones past their grace have lagged */
		for (i = 0; i < z->n_servers; i++) {
			char span[40];

			s = &z->servers[i];
			if (s->serial_behind && !s->serial_excused && s->serial_behind_seconds > 0)
				sb_add(b, " (%s behind for %s)", server_label(s),
				    tw_text_span(s->serial_behind_seconds, span, sizeof(span)));
		}
		sep = ", and ";
	}
	if (t->others_failed > 0) {
		for (i = 0, named = 0; i < z->n_hosts; i++) {
			h = &z->hosts[i];
			if (h->key || h->resolved)
				continue;
			sb_add(b, "%s%s does not resolve", named ? ", " : sep, h->name);
			named++;
		}
	}
}

/* A finding of ${kind} about ${name} in delegation ${d}. */
static bool
has_finding(const struct tw_delegation *d, const char *name, enum tw_delegation_kind kind)
{
	size_t j;

	for (j = 0; j < d->n_findings; j++)
		if (d->findings[j].kind == kind && strcmp(d->findings[j].name, name) == 0)
			return true;
	return false;
}

/*
 * The delegation's findings as a note on an up zone: "; delegation: ns3.kptc.kp is named
 * only by kp's servers and has no address", one clause per name and zone.
 */
static void
note_delegation(const struct tw_zone_result *z, struct sbuf *b)
{
	const struct tw_delegation *d;
	const struct tw_delegation_finding *f;
	size_t i, j, named = 0;
	unsigned k;
	bool first;

	for (i = 0; i < z->n_delegations; i++) {
		d = &z->delegations[i];
		for (j = 0; j < d->n_findings; j++) {
			f = &d->findings[j];
			/* one clause per name: at its first finding (findings are sorted by name) */
			if (j > 0 && strcmp(d->findings[j - 1].name, f->name) == 0)
				continue;
			if (named++ >= LIST_MAX)
				continue;
			sb_add(b, "%s%s", named == 1 ? "; delegation: " : "; ", f->name);
			for (k = 0, first = true; k < TW_DELEG_KIND_COUNT; k++) {
				if (!has_finding(d, f->name, (enum tw_delegation_kind)k))
					continue;
				sb_add(b, "%s", first ? " " : " and ");
				first = false;
				switch ((enum tw_delegation_kind)k) {
				case TW_DELEG_CHILD_ONLY:
					sb_add(b, "is named only by %s's servers", zname(d->zone));
					break;
				case TW_DELEG_PARENT_ONLY:
					sb_add(b, "is named only by %s's referral",
					    d->parent == NULL || d->parent[0] == '\0' ? "the root" :
					    d->parent);
					break;
				case TW_DELEG_NO_ADDRESS:
					sb_add(b, "has no address");
					break;
				case TW_DELEG_GLUE_MISMATCH:
				case TW_DELEG_KIND_COUNT:
					sb_add(b, "has glue that differs from its address");
					break;
				}
			}
		}
	}
	if (named > LIST_MAX)
		sb_add(b, "; and %zu more", named - LIST_MAX);
}

static enum tw_state
judge(const struct tw_zone_result *z, const struct tally *t)
{
	bool any_response = t->zone_responding > 0;

	if (z->controls_total > 0 && z->controls_answered == 0 && !any_response)
		return TW_STATE_UNKNOWN;
	if (t->zone_answering == 0 && t->keys_resolved == 0 && t->hosts_resolved == 0)
		return TW_STATE_DOWN;
	if (t->keys_resolved < t->keys)
		return TW_STATE_PARTIAL;
	if (t->failing_rows > 0 || t->lossy_rows > 0 || t->serials_differ ||
	    t->others_failed > 0 || t->zone_rows == 0)
		return TW_STATE_DEGRADED;
	return TW_STATE_UP;
}

int
tw_verdict_zone(struct tw_zone_result *z, const struct tw_check_result *r)
{
	struct sbuf b = { NULL, 0, false };
	struct tally t;
	size_t i;
	int rc = 0;

	for (i = 0; i < z->n_delegations; i++)
		if (tw_delegation_judge(&z->delegations[i]) != 0)
			rc = -1;
	count(z, &t);
	z->auth_answering = t.zone_answering;
	z->auth_total = t.zone_rows;
	if (r->error != NULL) {
		z->state = TW_STATE_UNKNOWN;
		sb_add(&b, "the check could not run: %s", r->error);
	} else if (r->deadline_hit && z->unfinished) {
		z->state = TW_STATE_UNKNOWN;
		sb_add(&b, "the check ran out of time during %s",
		    r->deadline_stage != NULL ? r->deadline_stage : "the round");
	} else {
		z->state = judge(z, &t);
		switch (z->state) {
		case TW_STATE_UNKNOWN:
			sb_add(&b, "no root and no %s server answered: our own network is the likely "
			    "cause", zname(z->name));
			break;
		case TW_STATE_DOWN:
			diagnose_down(z, &t, &b);
			break;
		case TW_STATE_PARTIAL:
			diagnose_partial(z, &t, &b);
			break;
		case TW_STATE_DEGRADED:
			diagnose_degraded(z, &t, &b);
			break;
		case TW_STATE_UP:
		case TW_STATE_UNSTABLE:
			sb_add(&b, "all %u %s servers answer authoritatively and ", t.zone_rows,
			    zname(z->name));
			if (t.keys > 0)
				sb_add(&b, "%u of %u key hosts resolve", t.keys_resolved, t.keys);
			else
				sb_add(&b, "%u hosts resolve", t.hosts_resolved);
			if (z->controls_total > 0 && z->controls_answered == 0)
				sb_add(&b, " (no root answered: the pinned servers stood in)");
			note_delegation(z, &b);
			break;
		}
	}
	free(z->diagnosis);
	z->diagnosis = b.failed ? NULL : b.s;
	if (b.failed)
		free(b.s);
	return b.failed ? -1 : rc;
}

void
tw_verdict_overall(struct tw_check_result *r)
{
	size_t i;

	r->state = TW_STATE_UP;
	for (i = 0; i < r->n_zones; i++)
		if (r->zones[i].state > r->state)
			r->state = r->zones[i].state;
	if (r->error != NULL || r->deadline_hit || r->n_zones == 0)
		r->state = TW_STATE_UNKNOWN;
}

int
tw_verdict_apply(struct tw_check_result *r)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < r->n_zones; i++)
		if (tw_verdict_zone(&r->zones[i], r) != 0)
			rc = -1;
	tw_verdict_overall(r);
	return rc;
}
