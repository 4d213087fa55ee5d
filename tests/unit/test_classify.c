/*
 * test_classify.c -- the classification table of classify.h, row by row,
 * on hand-built responses run through tw_wire_parse + tw_classify, plus
 * broken messages that must all come out malformed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tldwatch/classify.h"
#include "tldwatch/outcome.h"
#include "tldwatch/wire.h"
#include "wire_builder.h"

static struct tw_wire_msg msg;
static struct wb b;

/* One record of a case: section 'a'nswer, 'n'authority or 'r' additional. */
struct rrspec {
	char sec;
	const char *owner;
	uint16_t type;
	const char *data;	/* A/AAAA address, NS/CNAME target, SOA mname */
};

struct ccase {
	const char *what;
	uint16_t flags;
	const char *qname;	/* question in the response; NULL: QDCOUNT 0 */
	uint16_t qtype;
	struct rrspec rr[8];	/* ends at sec == 0 */
	const char *ask;	/* what was asked, and of which zone's server */
	uint16_t ask_type;
	const char *zone;
	enum tw_outcome want;
	const char *want_ref;	/* tw_classify_referral_zone, NULL: none */
};

#define QR	WB_QR
#define AA	WB_AA
#define TC	WB_TC

static const struct ccase cases[] = {
	/* ---- referrals ---- */
	{ "root refers kp NS to the kp servers", QR, "kp", WB_NS,
	    { { 'n', "kp", WB_NS, "ns1.kptc.kp" }, { 'n', "kp", WB_NS, "ns2.kptc.kp" },
	      { 'r', "ns1.kptc.kp", WB_A, "175.45.176.15" },
	      { 'r', "ns2.kptc.kp", WB_A, "175.45.176.16" } },
	    "kp", WB_NS, "", TW_OUTCOME_REFERRAL, "kp" },
	{ "root refers kcna.kp A to kp", QR, "kcna.kp", WB_A,
	    { { 'n', "kp", WB_NS, "ns1.kptc.kp" } },
	    "kcna.kp", WB_A, "", TW_OUTCOME_REFERRAL, "kp" },
	{ "kp server refers kcna.kp A to kcna.kp", QR, "kcna.kp", WB_A,
	    { { 'n', "kcna.kp", WB_NS, "ns1.kcna.kp" }, { 'n', "kcna.kp", WB_NS, "ns2.kcna.kp" },
	      { 'r', "ns1.kcna.kp", WB_A, "175.45.176.71" } },
	    "kcna.kp", WB_A, "kp", TW_OUTCOME_REFERRAL, "kcna.kp" },
	{ "kp server refers www.kcna.kp to kcna.kp", QR, "www.kcna.kp", WB_A,
	    { { 'n', "kcna.kp", WB_NS, "ns1.kcna.kp" } },
	    "www.kcna.kp", WB_A, "kp", TW_OUTCOME_REFERRAL, "kcna.kp" },
	{ "referral two levels down", QR, "rodong.rep.kp", WB_A,
	    { { 'n', "rep.kp", WB_NS, "ns.rep.kp" } },
	    "rodong.rep.kp", WB_A, "kp", TW_OUTCOME_REFERRAL, "rep.kp" },
	{ "referral with AA set is still a referral", QR | AA, "kcna.kp", WB_A,
	    { { 'n', "kcna.kp", WB_NS, "ns1.kcna.kp" } },
	    "kcna.kp", WB_A, "kp", TW_OUTCOME_REFERRAL, "kcna.kp" },
	{ "referral owner in other case", QR, "kcna.kp", WB_A,
	    { { 'n', "KCNA.KP", WB_NS, "ns1.kcna.kp" } },
	    "kcna.kp", WB_A, "KP", TW_OUTCOME_REFERRAL, "kcna.kp" },
	{ "closest of two nested NS sets", QR, "www.rodong.rep.kp", WB_A,
	    { { 'n', "rep.kp", WB_NS, "ns.rep.kp" },
	      { 'n', "rodong.rep.kp", WB_NS, "ns.rodong.rep.kp" } },
	    "www.rodong.rep.kp", WB_A, "kp", TW_OUTCOME_REFERRAL, "rodong.rep.kp" },
	/* ---- not referrals: lame ---- */
	{ "upward referral to the root", QR, "kcna.kp", WB_A,
	    { { 'n', "", WB_NS, "a.root-servers.net" } },
	    "kcna.kp", WB_A, "kp", TW_OUTCOME_LAME, NULL },
	{ "NS set of the server's own zone", QR, "kcna.kp", WB_A,
	    { { 'n', "kp", WB_NS, "ns1.kptc.kp" } },
	    "kcna.kp", WB_A, "kp", TW_OUTCOME_LAME, NULL },
	{ "NS set of a sibling", QR, "kcna.kp", WB_A,
	    { { 'n', "rep.kp", WB_NS, "ns.rep.kp" } },
	    "kcna.kp", WB_A, "kp", TW_OUTCOME_LAME, NULL },
	{ "NS set below qname", QR, "kcna.kp", WB_A,
	    { { 'n', "www.kcna.kp", WB_NS, "ns.kcna.kp" } },
	    "kcna.kp", WB_A, "kp", TW_OUTCOME_LAME, NULL },
	{ "xkp is not below kp", QR, "a.xkp", WB_A,
	    { { 'n', "xkp", WB_NS, "ns.xkp" } },
	    "a.xkp", WB_A, "kp", TW_OUTCOME_LAME, NULL },
	{ "NS in the answer section is no referral", QR, "kcna.kp", WB_A,
	    { { 'a', "kcna.kp", WB_NS, "ns1.kcna.kp" } },
	    "kcna.kp", WB_A, "kp", TW_OUTCOME_LAME, NULL },
	{ "SOA-only authority, AA=0", QR, "kcna.kp", WB_A,
	    { { 'n', "kcna.kp", WB_SOA, "ns1.kcna.kp" } },
	    "kcna.kp", WB_A, "kcna.kp", TW_OUTCOME_LAME, NULL },
	{ "SOA of a child zone is no referral", QR, "kcna.kp", WB_A,
	    { { 'n', "kcna.kp", WB_SOA, "ns1.kcna.kp" } },
	    "kcna.kp", WB_A, "kp", TW_OUTCOME_LAME, NULL },
	{ "SOA of a child zone with AA", QR | AA, "kcna.kp", WB_A,
	    { { 'n', "kcna.kp", WB_SOA, "ns1.kcna.kp" } },
	    "kcna.kp", WB_A, "kp", TW_OUTCOME_NODATA, NULL },
	{ "empty NOERROR, AA=0", QR, "kcna.kp", WB_A, { { 0, NULL, 0, NULL } },
	    "kcna.kp", WB_A, "kcna.kp", TW_OUTCOME_LAME, NULL },
	/* ---- answers ---- */
	{ "AA answer", QR | AA, "kcna.kp", WB_A,
	    { { 'a', "kcna.kp", WB_A, "175.45.176.71" },
	      { 'n', "kcna.kp", WB_NS, "ns1.kcna.kp" } },
	    "kcna.kp", WB_A, "kcna.kp", TW_OUTCOME_ANSWER, NULL },
	{ "non-AA answer", QR, "kcna.kp", WB_A,
	    { { 'a', "kcna.kp", WB_A, "175.45.176.71" } },
	    "kcna.kp", WB_A, "kcna.kp", TW_OUTCOME_LAME, NULL },
	{ "CNAME answer", QR | AA, "www.kcna.kp", WB_A,
	    { { 'a', "www.kcna.kp", WB_CNAME, "kcna.kp" },
	      { 'a', "kcna.kp", WB_A, "175.45.176.71" } },
	    "www.kcna.kp", WB_A, "kcna.kp", TW_OUTCOME_ANSWER, NULL },
	{ "CNAME answer to an AAAA question, no AA", QR, "www.kcna.kp", WB_AAAA,
	    { { 'a', "www.kcna.kp", WB_CNAME, "kcna.kp" } },
	    "www.kcna.kp", WB_AAAA, "kcna.kp", TW_OUTCOME_LAME, NULL },
	{ "answer in other case", QR | AA, "KCNA.kp", WB_A,
	    { { 'a', "Kcna.Kp", WB_A, "175.45.176.71" } },
	    "kcna.KP", WB_A, "kcna.kp", TW_OUTCOME_ANSWER, NULL },
	{ "answer with a root question", QR | AA, "", WB_NS,
	    { { 'a', "", WB_NS, "a.root-servers.net" } },
	    "", WB_NS, "", TW_OUTCOME_ANSWER, NULL },
	{ "answer wins over an NS set below", QR | AA, "kcna.kp", WB_A,
	    { { 'a', "kcna.kp", WB_A, "175.45.176.71" },
	      { 'n', "kcna.kp", WB_NS, "ns1.kcna.kp" } },
	    "kcna.kp", WB_A, "kp", TW_OUTCOME_ANSWER, "kcna.kp" },
	{ "answer for another owner only, AA", QR | AA, "kcna.kp", WB_A,
	    { { 'a', "www.kcna.kp", WB_A, "175.45.176.71" } },
	    "kcna.kp", WB_A, "kcna.kp", TW_OUTCOME_NODATA, NULL },
	{ "answer of another type only, AA", QR | AA, "kcna.kp", WB_AAAA,
	    { { 'a', "kcna.kp", WB_A, "175.45.176.71" } },
	    "kcna.kp", WB_AAAA, "kcna.kp", TW_OUTCOME_NODATA, NULL },
	/* ---- nodata / nxdomain ---- */
	{ "NODATA with SOA in authority", QR | AA, "kcna.kp", WB_AAAA,
	    { { 'n', "kcna.kp", WB_SOA, "ns1.kcna.kp" } },
	    "kcna.kp", WB_AAAA, "kcna.kp", TW_OUTCOME_NODATA, NULL },
	{ "NODATA without SOA", QR | AA, "kcna.kp", WB_AAAA, { { 0, NULL, 0, NULL } },
	    "kcna.kp", WB_AAAA, "kcna.kp", TW_OUTCOME_NODATA, NULL },
	{ "NXDOMAIN with AA", QR | AA | WB_RCODE(3), "nosuch.kp", WB_A,
	    { { 'n', "kp", WB_SOA, "ns1.kptc.kp" } },
	    "nosuch.kp", WB_A, "kp", TW_OUTCOME_NXDOMAIN, NULL },
	{ "NXDOMAIN without AA", QR | WB_RCODE(3), "nosuch.kp", WB_A,
	    { { 'n', "kp", WB_SOA, "ns1.kptc.kp" } },
	    "nosuch.kp", WB_A, "kp", TW_OUTCOME_LAME, NULL },
	/* ---- other rcodes ---- */
	{ "SERVFAIL", QR | WB_RCODE(2), "kp", WB_NS, { { 0, NULL, 0, NULL } },
	    "kp", WB_NS, "kp", TW_OUTCOME_SERVFAIL, NULL },
	{ "SERVFAIL with AA", QR | AA | WB_RCODE(2), "kp", WB_NS, { { 0, NULL, 0, NULL } },
	    "kp", WB_NS, "kp", TW_OUTCOME_SERVFAIL, NULL },
	{ "REFUSED", QR | WB_RCODE(5), "kp", WB_NS, { { 0, NULL, 0, NULL } },
	    "kp", WB_NS, "kp", TW_OUTCOME_REFUSED, NULL },
	{ "FORMERR", QR | WB_RCODE(1), "kp", WB_NS, { { 0, NULL, 0, NULL } },
	    "kp", WB_NS, "kp", TW_OUTCOME_RCODE, NULL },
	{ "NOTIMP", QR | WB_RCODE(4), "kp", WB_NS, { { 0, NULL, 0, NULL } },
	    "kp", WB_NS, "kp", TW_OUTCOME_RCODE, NULL },
	{ "NOTAUTH with an answer", QR | AA | WB_RCODE(9), "kp", WB_NS,
	    { { 'a', "kp", WB_NS, "ns1.kptc.kp" } },
	    "kp", WB_NS, "kp", TW_OUTCOME_RCODE, NULL },
	{ "rcode 15", QR | WB_RCODE(15), "kp", WB_NS, { { 0, NULL, 0, NULL } },
	    "kp", WB_NS, "kp", TW_OUTCOME_RCODE, NULL },
	/* ---- truncated ---- */
	{ "TC=1", QR | TC, "kp", WB_NS, { { 0, NULL, 0, NULL } },
	    "kp", WB_NS, "kp", TW_OUTCOME_TRUNCATED, NULL },
	{ "TC=1 beats SERVFAIL", QR | TC | WB_RCODE(2), "kp", WB_NS, { { 0, NULL, 0, NULL } },
	    "kp", WB_NS, "kp", TW_OUTCOME_TRUNCATED, NULL },
	{ "TC=1 beats an AA answer", QR | AA | TC, "kp", WB_NS,
	    { { 'a', "kp", WB_NS, "ns1.kptc.kp" } },
	    "kp", WB_NS, "kp", TW_OUTCOME_TRUNCATED, NULL },
	/* ---- malformed ---- */
	{ "QR=0", AA, "kcna.kp", WB_A, { { 'a', "kcna.kp", WB_A, "175.45.176.71" } },
	    "kcna.kp", WB_A, "kcna.kp", TW_OUTCOME_MALFORMED, NULL },
	{ "QR=0 and TC=1", TC, "kcna.kp", WB_A, { { 0, NULL, 0, NULL } },
	    "kcna.kp", WB_A, "kcna.kp", TW_OUTCOME_MALFORMED, NULL },
	{ "opcode IQUERY", QR | AA | WB_OPCODE(1), "kcna.kp", WB_A,
	    { { 'a', "kcna.kp", WB_A, "175.45.176.71" } },
	    "kcna.kp", WB_A, "kcna.kp", TW_OUTCOME_MALFORMED, NULL },
	{ "opcode NOTIFY", QR | AA | WB_OPCODE(4), "kcna.kp", WB_SOA, { { 0, NULL, 0, NULL } },
	    "kcna.kp", WB_SOA, "kcna.kp", TW_OUTCOME_MALFORMED, NULL },
	{ "question name mismatch", QR | AA, "rodong.rep.kp", WB_A,
	    { { 'a', "rodong.rep.kp", WB_A, "175.45.176.72" } },
	    "kcna.kp", WB_A, "kcna.kp", TW_OUTCOME_MALFORMED, NULL },
	{ "question name is a parent", QR | AA, "kp", WB_A, { { 0, NULL, 0, NULL } },
	    "kcna.kp", WB_A, "kp", TW_OUTCOME_MALFORMED, NULL },
	{ "question type mismatch", QR | AA, "kcna.kp", WB_AAAA,
	    { { 'a', "kcna.kp", WB_AAAA, "2001:db8::1" } },
	    "kcna.kp", WB_A, "kcna.kp", TW_OUTCOME_MALFORMED, NULL },
	{ "no question (REFUSED, QDCOUNT 0)", QR | WB_RCODE(5), NULL, 0,
	    { { 0, NULL, 0, NULL } },
	    "kcna.kp", WB_A, "kcna.kp", TW_OUTCOME_MALFORMED, NULL },
	{ "no question, asked for the root with type 0", QR | AA, NULL, 0,
	    { { 0, NULL, 0, NULL } },
	    "", 0, "", TW_OUTCOME_MALFORMED, NULL },
};

/* Build the response of ${c} into b: counts from the records, sections in order. */
static void
build_case(const struct ccase *c)
{
	static const char secs[] = "anr";
	unsigned n[3] = { 0, 0, 0 };
	size_t s, i, at;

	for (i = 0; c->rr[i].sec != 0; i++)
		n[strchr(secs, c->rr[i].sec) - secs]++;
	wb_header(&b, 0x4B50, c->flags, c->qname != NULL ? 1 : 0, n[0], n[1], n[2]);
	if (c->qname != NULL)
		wb_question(&b, c->qname, c->qtype);
	for (s = 0; s < 3; s++) {
		for (i = 0; c->rr[i].sec != 0; i++) {
			const struct rrspec *r = &c->rr[i];

			if (r->sec != secs[s])
				continue;
			switch (r->type) {
			case WB_A:
				wb_rr_a(&b, r->owner, r->data);
				break;
			case WB_AAAA:
				wb_rr_aaaa(&b, r->owner, r->data);
				break;
			case WB_SOA:
				wb_rr_soa(&b, r->owner, r->data, "hostmaster.kp", 2014122201);
				break;
			case WB_NS:
			case WB_CNAME:
				wb_rr_name(&b, r->owner, r->type, r->data);
				break;
			default:
				at = wb_rr_begin(&b, r->owner, r->type);
				wb_rr_end(&b, at);
				break;
			}
		}
	}
	assert_int_equal(b.overflow, 0);
}

static void
test_table(void **state)
{
	size_t i;
	int rc;
	enum tw_outcome got;
	const char *ref;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ccase *c = &cases[i];

		build_case(c);
		rc = tw_wire_parse(b.buf, b.len, &msg);
		if (rc != 0)
			fail_msg("%s: parse failed: %s", c->what, msg.error);
		got = tw_classify(&msg, rc, c->ask, c->ask_type, c->zone);
		if (got != c->want)
			fail_msg("%s: got %s, want %s", c->what, tw_outcome_str(got),
			    tw_outcome_str(c->want));
		ref = tw_classify_referral_zone(&msg, c->ask, c->zone);
		if ((ref == NULL) != (c->want_ref == NULL) ||
		    (ref != NULL && strcmp(ref, c->want_ref) != 0))
			fail_msg("%s: referral zone \"%s\", want \"%s\"", c->what,
			    ref != NULL ? ref : "(none)",
			    c->want_ref != NULL ? c->want_ref : "(none)");
		/* The returned zone points into msg. */
		if (ref != NULL)
			assert_true((const char *)ref >= (const char *)&msg &&
			    (const char *)ref < (const char *)(&msg + 1));
	}
}

/* The same referral bytes seen from servers of different zones. */
static void
test_zone_decides(void **state)
{
	static const struct {
		const char *zone;
		enum tw_outcome want;
	} z[] = {
		{ "", TW_OUTCOME_REFERRAL },
		{ "kp", TW_OUTCOME_REFERRAL },
		{ "kp.", TW_OUTCOME_REFERRAL },
		{ "rep.kp", TW_OUTCOME_LAME },		/* NS rep.kp is its own zone */
		{ "rodong.rep.kp", TW_OUTCOME_LAME },	/* upward */
		{ "kcna.kp", TW_OUTCOME_LAME },		/* unrelated */
	};
	size_t i;

	wb_header(&b, 1, QR, 1, 0, 1, 0);
	wb_question(&b, "rodong.rep.kp", WB_A);
	wb_rr_name(&b, "rep.kp", WB_NS, "ns.rep.kp");
	assert_int_equal(tw_wire_parse(b.buf, b.len, &msg), 0);
	for (i = 0; i < sizeof(z) / sizeof(z[0]); i++) {
		enum tw_outcome got = tw_classify(&msg, 0, "rodong.rep.kp", WB_A, z[i].zone);

		if (got != z[i].want)
			fail_msg("zone \"%s\": got %s", z[i].zone, tw_outcome_str(got));
	}
	/* A NULL zone is the root. */
	assert_int_equal(tw_classify(&msg, 0, "rodong.rep.kp", WB_A, NULL), TW_OUTCOME_REFERRAL);
	assert_string_equal(tw_classify_referral_zone(&msg, "rodong.rep.kp", NULL), "rep.kp");
}

/* Escaped odd bytes: "a.b" as one label is not the two labels a.b. */
static void
test_escaped_names(void **state)
{
	size_t q;

	wb_header(&b, 1, QR | AA, 1, 1, 0, 0);
	q = b.len;
	wb_label(&b, "a.b", 3);
	wb_labels(&b, "kp");
	wb_u8(&b, 0);
	wb_u16(&b, WB_A);
	wb_u16(&b, 1);
	wb_rr_begin_ptr(&b, q, WB_A);
	wb_set16(&b, b.len - 2, 4);
	wb_bytes(&b, "\1\2\3\4", 4);
	assert_int_equal(tw_wire_parse(b.buf, b.len, &msg), 0);
	assert_string_equal(msg.qname, "a\\046b.kp");
	assert_int_equal(tw_classify(&msg, 0, "a\\046b.kp", WB_A, "kp"), TW_OUTCOME_ANSWER);
	assert_int_equal(tw_classify(&msg, 0, "A\\046B.KP", WB_A, "kp"), TW_OUTCOME_ANSWER);
	assert_int_equal(tw_classify(&msg, 0, "a.b.kp", WB_A, "kp"), TW_OUTCOME_MALFORMED);

	/* A referral to the child "b.kp" does not enclose the label "a.b". */
	wb_header(&b, 1, QR, 1, 0, 1, 0);
	wb_label(&b, "a.b", 3);
	wb_labels(&b, "kp");
	wb_u8(&b, 0);
	wb_u16(&b, WB_A);
	wb_u16(&b, 1);
	wb_rr_name(&b, "b.kp", WB_NS, "ns.b.kp");
	assert_int_equal(tw_wire_parse(b.buf, b.len, &msg), 0);
	assert_int_equal(tw_classify(&msg, 0, "a\\046b.kp", WB_A, "kp"), TW_OUTCOME_LAME);
	assert_null(tw_classify_referral_zone(&msg, "a\\046b.kp", "kp"));
}

/* ---- broken bytes: parse fails, classify says malformed whatever the header says ---- */

static void
b_short_header(struct wb *w)
{

	wb_header(w, 1, QR | AA, 0, 0, 0, 0);
	w->len = 7;
}

static void
b_compression_loop(struct wb *w)
{

	wb_header(w, 1, QR | AA, 1, 1, 0, 0);
	wb_question(w, "kcna.kp", WB_A);
	wb_ptr(w, w->len);	/* owner points at itself */
	wb_bytes(w, "\0\1\0\1\0\0\0\0\0\4\1\2\3\4", 14);
}

static void
b_pointer_past_end(struct wb *w)
{

	wb_header(w, 1, QR | AA, 1, 1, 0, 0);
	wb_question(w, "kcna.kp", WB_A);
	wb_ptr(w, 0x2000);
	wb_bytes(w, "\0\1\0\1\0\0\0\0\0\4\1\2\3\4", 14);
}

static void
b_lying_counts(struct wb *w)
{

	wb_header(w, 1, QR | AA, 1, 5, 0, 0);
	wb_question(w, "kcna.kp", WB_A);
	wb_rr_a(w, "kcna.kp", "1.2.3.4");
	wb_rr_a(w, "kcna.kp", "1.2.3.5");
}

static void
b_huge_rdlength(struct wb *w)
{

	wb_header(w, 1, QR | AA, 1, 1, 0, 0);
	wb_question(w, "kcna.kp", WB_A);
	wb_rr_a(w, "kcna.kp", "1.2.3.4");
	wb_set16(w, w->len - 6, 0xFFF0);
}

static void
b_a_rdlength_5(struct wb *w)
{
	size_t at;

	wb_header(w, 1, QR | AA, 1, 1, 0, 0);
	wb_question(w, "kcna.kp", WB_A);
	at = wb_rr_begin(w, "kcna.kp", WB_A);
	wb_bytes(w, "\1\2\3\4\5", 5);
	wb_rr_end(w, at);
}

static void
b_label_64(struct wb *w)
{
	uint8_t lab[64];

	memset(lab, 'k', sizeof(lab));
	wb_header(w, 1, QR | AA, 1, 0, 0, 0);
	wb_label(w, lab, sizeof(lab));
	wb_u8(w, 0);
	wb_u16(w, WB_A);
	wb_u16(w, 1);
}

static void
b_name_over_255(struct wb *w)
{
	uint8_t lab[63];
	int i;

	memset(lab, 'k', sizeof(lab));
	wb_header(w, 1, QR | AA, 1, 0, 0, 0);
	for (i = 0; i < 4; i++)
		wb_label(w, lab, sizeof(lab));
	wb_u8(w, 0);
	wb_u16(w, WB_A);
	wb_u16(w, 1);
}

static void
b_truncated_record(struct wb *w)
{

	wb_header(w, 1, QR | AA, 1, 1, 0, 0);
	wb_question(w, "kcna.kp", WB_A);
	wb_rr_a(w, "kcna.kp", "1.2.3.4");
	w->len -= 1;
}

static const struct {
	const char *what;
	void (*build)(struct wb *);
} broken[] = {
	{ "short header", b_short_header },
	{ "compression loop", b_compression_loop },
	{ "pointer past the end", b_pointer_past_end },
	{ "lying counts", b_lying_counts },
	{ "huge RDLENGTH", b_huge_rdlength },
	{ "A with RDLENGTH 5", b_a_rdlength_5 },
	{ "64-byte label", b_label_64 },
	{ "name over 255 bytes", b_name_over_255 },
	{ "record cut short", b_truncated_record },
};

static void
test_broken_is_malformed(void **state)
{
	size_t i;
	int rc;

	for (i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		broken[i].build(&b);
		assert_int_equal(b.overflow, 0);
		rc = tw_wire_parse(b.buf, b.len, &msg);
		if (rc != -1)
			fail_msg("%s: parsed", broken[i].what);
		if (tw_classify(&msg, rc, "kcna.kp", WB_A, "kcna.kp") != TW_OUTCOME_MALFORMED)
			fail_msg("%s: not malformed", broken[i].what);
	}
}

/* parse_rc alone decides: a fine message with parse_rc -1 is malformed. */
static void
test_parse_rc_and_nulls(void **state)
{

	wb_header(&b, 1, QR | AA, 1, 1, 0, 0);
	wb_question(&b, "kcna.kp", WB_A);
	wb_rr_a(&b, "kcna.kp", "1.2.3.4");
	assert_int_equal(tw_wire_parse(b.buf, b.len, &msg), 0);
	assert_int_equal(tw_classify(&msg, 0, "kcna.kp", WB_A, "kcna.kp"), TW_OUTCOME_ANSWER);
	assert_int_equal(tw_classify(&msg, -1, "kcna.kp", WB_A, "kcna.kp"),
	    TW_OUTCOME_MALFORMED);
	assert_int_equal(tw_classify(NULL, 0, "kcna.kp", WB_A, "kcna.kp"), TW_OUTCOME_MALFORMED);
	assert_int_equal(tw_classify(&msg, 0, NULL, WB_A, "kcna.kp"), TW_OUTCOME_MALFORMED);
	assert_null(tw_classify_referral_zone(NULL, "kcna.kp", "kp"));
	assert_null(tw_classify_referral_zone(&msg, NULL, "kp"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_zone_decides),
		cmocka_unit_test(test_escaped_names),
		cmocka_unit_test(test_broken_is_malformed),
		cmocka_unit_test(test_parse_rc_and_nulls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
