/*
 * fuzz_wire.c -- libFuzzer harness for the response walker and the
 * classifier: the input is one raw DNS message, classified as the answer
 * to a few questions (and for a few zones) derived from the input itself.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "tldwatch/classify.h"
#include "tldwatch/outcome.h"
#include "tldwatch/wire.h"

#define T_A	1
#define T_NS	2
#define T_SOA	6

/* Static: struct tw_wire_msg is about 100 KiB. */
static struct tw_wire_msg msg, back;

static void
check_name(const char *s)
{
	FUZZ_CHECK(strnlen(s, TW_NAME_TEXT_MAX) < TW_NAME_TEXT_MAX);
}

static void
check_section(const struct tw_wire_section *sec, uint16_t header_count, int rc)
{
	uint16_t i;

	FUZZ_CHECK(sec->kept <= TW_WIRE_MAX_RR);
	FUZZ_CHECK(sec->kept <= sec->count);
	FUZZ_CHECK(sec->count <= header_count);
	if (rc == 0)
		FUZZ_CHECK(sec->count == header_count);
	for (i = 0; i < sec->kept; i++) {
		check_name(sec->rr[i].name);
		check_name(sec->rr[i].target);
	}
}

/* The parent of ${name} ("" above a single label), pointing into it. */
static const char *
parent(const char *name)
{
	const char *p;

	for (p = name; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0') {
			p++;	/* \X and \DDD never hold an unescaped dot */
			continue;
		}
		if (*p == '.')
			return p + 1;
	}
	return "";
}

/* Classify against ${qname}/${qtype} for ${zone}; the outcome must be one we know. */
static void
classify_as(int rc, const char *qname, uint16_t qtype, const char *zone)
{
	enum tw_outcome o = tw_classify(&msg, rc, qname, qtype, zone);
	const char *child;

	FUZZ_CHECK((unsigned)o < TW_OUTCOME_COUNT);
	FUZZ_CHECK(tw_outcome_str(o) != NULL);
	/* The classifier never returns the engine's transport outcomes. */
	FUZZ_CHECK(o != TW_OUTCOME_NONE && o != TW_OUTCOME_TIMEOUT &&
	    o != TW_OUTCOME_UNREACHABLE && o != TW_OUTCOME_BLOCKED);
	/* A message that does not parse is malformed, or truncated when TC=1 (RFC 2181, 9). */
	if (rc != 0)
		FUZZ_CHECK(o == TW_OUTCOME_MALFORMED ||
		    (o == TW_OUTCOME_TRUNCATED && msg.tc && msg.has_question));
	if (msg.tc && o != TW_OUTCOME_MALFORMED)
		FUZZ_CHECK(o == TW_OUTCOME_TRUNCATED);
	child = tw_classify_referral_zone(&msg, qname, zone);
	if (child != NULL) {
		/* Below the server's zone, enclosing the name asked. */
		FUZZ_CHECK(tw_wire_name_is_subdomain(qname, child));
		FUZZ_CHECK(tw_wire_name_is_subdomain(child, zone));
		FUZZ_CHECK(!tw_wire_name_is_subdomain(zone, child));
	}
	if (o == TW_OUTCOME_REFERRAL)
		FUZZ_CHECK(child != NULL);
}

/* The question read back from a query built for it is the same name. */
static void
rebuild_question(void)
{
	uint8_t q[512];
	int n;

	n = tw_wire_build_query(msg.id, msg.qname, msg.qtype, msg.rd, q, sizeof(q));
	FUZZ_CHECK(n > 0);
	FUZZ_CHECK(tw_wire_parse(q, (size_t)n, &back) == 0);
	FUZZ_CHECK(back.has_question && back.qtype == msg.qtype && back.qclass == 1);
	FUZZ_CHECK(strcmp(back.qname, msg.qname) == 0);
	FUZZ_CHECK(!back.qr && back.id == msg.id);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *zones[4];
	uint16_t i;
	size_t z;
	int rc;

	rc = tw_wire_parse(data, size, &msg);
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK((rc == 0) == (msg.error == NULL));
	check_name(msg.qname);
	check_section(&msg.answer, msg.ancount, rc);
	check_section(&msg.authority, msg.nscount, rc);
	check_section(&msg.additional, msg.arcount, rc);
	if (rc == 0)
		FUZZ_CHECK(msg.has_question == (msg.qdcount > 0));

	/* The question the message claims, for its zone, parent, the root and kp. */
	if (msg.has_question) {
		FUZZ_CHECK(tw_wire_name_is_subdomain(msg.qname, msg.qname));
		FUZZ_CHECK(tw_wire_name_is_subdomain(msg.qname, ""));
		FUZZ_CHECK(tw_wire_name_is_subdomain(msg.qname, parent(msg.qname)));
		zones[0] = "";
		zones[1] = "kp";
		zones[2] = parent(msg.qname);
		zones[3] = parent(zones[2]);
		for (z = 0; z < 4; z++)
			classify_as(rc, msg.qname, msg.qtype, zones[z]);
		classify_as(rc, msg.qname, T_NS, parent(msg.qname));
		rebuild_question();
	}
	/* The lab's questions, whatever the message says. */
	classify_as(rc, "kcna.kp", T_A, "kp");
	classify_as(rc, "kp", T_SOA, "kp");
	classify_as(rc, "rodong.rep.kp", T_A, "");
	/* Owners and targets the walker printed, as questions and zones. */
	for (i = 0; i < msg.authority.kept && i < 4; i++) {
		classify_as(rc, msg.authority.rr[i].name, T_A, parent(msg.authority.rr[i].name));
		classify_as(rc, msg.authority.rr[i].target, T_NS, msg.authority.rr[i].name);
	}
	for (i = 0; i < msg.answer.kept && i < 4; i++)
		classify_as(rc, msg.answer.rr[i].name, msg.answer.rr[i].type, "");
	return 0;
}
