/*
 * test_wire.c -- unit tests of the wire walker on hand-built messages:
 * header bits, names and escapes, compression, every RDATA rule, broken
 * messages of every kind, the subdomain test and the query builder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tldwatch/wire.h"
#include "wire_builder.h"

/* The message struct is ~100 KB: keep it off the stack. */
static struct tw_wire_msg msg;
static struct wb b;

static int
parse(struct wb *w)
{

	assert_int_equal(w->overflow, 0);
	return tw_wire_parse(w->buf, w->len, &msg);
}

/* ---- header ---- */

static const struct {
	uint16_t flags;
	bool qr, aa, tc, rd, ra;
	uint8_t opcode, rcode;
} header_cases[] = {
	{ 0x0000, false, false, false, false, false, 0, 0 },
	{ WB_QR, true, false, false, false, false, 0, 0 },
	{ WB_AA, false, true, false, false, false, 0, 0 },
	{ WB_TC, false, false, true, false, false, 0, 0 },
	{ WB_RD, false, false, false, true, false, 0, 0 },
	{ WB_RA, false, false, false, false, true, 0, 0 },
	{ WB_OPCODE(15), false, false, false, false, false, 15, 0 },
	{ WB_OPCODE(4) | WB_RCODE(9), false, false, false, false, false, 4, 9 },
	{ WB_RCODE(15), false, false, false, false, false, 0, 15 },
	/* Z, AD and CD bits change nothing we read. */
	{ 0x0070, false, false, false, false, false, 0, 0 },
	{ 0xFFFF, true, true, true, true, true, 15, 15 },
	{ WB_QR | WB_AA | WB_RD | WB_OPCODE(2) | WB_RCODE(5), true, true, false, true, false,
	    2, 5 },
};

static void
test_header_bits(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(header_cases) / sizeof(header_cases[0]); i++) {
		wb_header(&b, (uint16_t)(0xBE00 + i), header_cases[i].flags, 0, 0, 0, 0);
		assert_int_equal(parse(&b), 0);
		assert_int_equal(msg.id, 0xBE00 + i);
		assert_int_equal(msg.qr, header_cases[i].qr);
		assert_int_equal(msg.aa, header_cases[i].aa);
		assert_int_equal(msg.tc, header_cases[i].tc);
		assert_int_equal(msg.rd, header_cases[i].rd);
		assert_int_equal(msg.ra, header_cases[i].ra);
		assert_int_equal(msg.opcode, header_cases[i].opcode);
		assert_int_equal(msg.rcode, header_cases[i].rcode);
		assert_false(msg.has_question);
		assert_string_equal(msg.qname, "");
		assert_null(msg.error);
	}
}

static void
test_short_header(void **state)
{
	size_t n;

	wb_header(&b, 0x1234, WB_QR, 0, 0, 0, 0);
	for (n = 0; n < 12; n++) {
		assert_int_equal(tw_wire_parse(b.buf, n, &msg), -1);
		assert_string_equal(msg.error, "short header");
		assert_int_equal(msg.id, 0);
	}
	assert_int_equal(tw_wire_parse(NULL, 0, &msg), -1);
	assert_int_equal(tw_wire_parse(b.buf, 12, NULL), -1);
	assert_int_equal(tw_wire_parse(b.buf, 12, &msg), 0);
	assert_int_equal(msg.id, 0x1234);
}

/* ---- a full response: every decoded type, compression, skipped types ---- */

static void
test_full_response(void **state)
{
	size_t at, ns1_target;

	wb_header(&b, 0x1234, WB_QR | WB_AA, 1, 4, 3, 2);
	wb_question(&b, "www.Kcna.KP", WB_A);	/* name at 12, "kcna.kp" at 16, "kp" at 21 */
	/* CNAME www -> kcna.kp, both compressed */
	at = wb_rr_begin_ptr(&b, 12, WB_CNAME);
	wb_ptr(&b, 16);
	wb_rr_end(&b, at);
	at = wb_rr_begin_ptr(&b, 16, WB_A);
	wb_bytes(&b, "\xaf\x2d\xb0\x47", 4);
	wb_rr_end(&b, at);
	wb_rr_aaaa(&b, "kcna.kp", "2001:db8::47");
	/* MX: skipped, but still walked */
	at = wb_rr_begin(&b, "kcna.kp", WB_MX);
	wb_u16(&b, 10);
	wb_name(&b, "mail.kcna.kp");
	wb_rr_end(&b, at);
	/* authority: two NS (the second target partly compressed) and a SOA */
	at = wb_rr_begin_ptr(&b, 21, WB_NS);
	ns1_target = wb_name(&b, "ns1.kptc.kp");
	wb_rr_end(&b, at);
	at = wb_rr_begin_ptr(&b, 21, WB_NS);
	wb_labels(&b, "NS2");
	wb_ptr(&b, ns1_target + 4);
	wb_rr_end(&b, at);
	wb_rr_soa(&b, "kp", "ns1.kptc.kp", "hostmaster.star-co.net.kp", 2014122201);
	/* additional */
	wb_rr_a(&b, "ns1.kptc.kp", "175.45.176.15");
	at = wb_rr_begin(&b, "ns1.kptc.kp", WB_TXT);
	wb_label(&b, "hello", 5);
	wb_rr_end(&b, at);

	assert_int_equal(parse(&b), 0);
	assert_null(msg.error);
	assert_int_equal(msg.id, 0x1234);
	assert_true(msg.qr);
	assert_true(msg.aa);
	assert_int_equal(msg.qdcount, 1);
	assert_int_equal(msg.ancount, 4);
	assert_int_equal(msg.nscount, 3);
	assert_int_equal(msg.arcount, 2);
	assert_true(msg.has_question);
	assert_string_equal(msg.qname, "www.kcna.kp");
	assert_int_equal(msg.qtype, WB_A);
	assert_int_equal(msg.qclass, 1);

	assert_int_equal(msg.answer.count, 4);
	assert_int_equal(msg.answer.kept, 4);
	assert_string_equal(msg.answer.rr[0].name, "www.kcna.kp");
	assert_int_equal(msg.answer.rr[0].type, WB_CNAME);
	assert_string_equal(msg.answer.rr[0].target, "kcna.kp");
	assert_string_equal(msg.answer.rr[1].name, "kcna.kp");
	assert_int_equal(msg.answer.rr[1].type, WB_A);
	assert_int_equal(msg.answer.rr[1].rclass, 1);
	assert_int_equal(msg.answer.rr[1].ttl, 3600);
	assert_string_equal(msg.answer.rr[1].target, "175.45.176.71");
	assert_int_equal(msg.answer.rr[2].type, WB_AAAA);
	assert_string_equal(msg.answer.rr[2].target, "2001:db8::47");
	assert_int_equal(msg.answer.rr[3].type, WB_MX);
	assert_string_equal(msg.answer.rr[3].name, "kcna.kp");
	assert_string_equal(msg.answer.rr[3].target, "");

	assert_int_equal(msg.authority.count, 3);
	assert_int_equal(msg.authority.kept, 3);
	assert_string_equal(msg.authority.rr[0].name, "kp");
	assert_int_equal(msg.authority.rr[0].type, WB_NS);
	assert_string_equal(msg.authority.rr[0].target, "ns1.kptc.kp");
	assert_string_equal(msg.authority.rr[1].name, "kp");
	assert_string_equal(msg.authority.rr[1].target, "ns2.kptc.kp");
	assert_int_equal(msg.authority.rr[2].type, WB_SOA);
	assert_string_equal(msg.authority.rr[2].target, "ns1.kptc.kp");
	assert_int_equal(msg.authority.rr[2].serial, 2014122201);

	assert_int_equal(msg.additional.count, 2);
	assert_int_equal(msg.additional.kept, 2);
	assert_string_equal(msg.additional.rr[0].target, "175.45.176.15");
	assert_int_equal(msg.additional.rr[1].type, WB_TXT);
	assert_string_equal(msg.additional.rr[1].target, "");
}

static void
test_root_and_no_question(void **state)
{

	wb_header(&b, 1, WB_QR | WB_AA, 1, 1, 0, 0);
	wb_question(&b, "", WB_NS);
	wb_rr_name(&b, "", WB_NS, "A.Root-Servers.NET");
	assert_int_equal(parse(&b), 0);
	assert_true(msg.has_question);
	assert_string_equal(msg.qname, "");
	assert_int_equal(msg.qtype, WB_NS);
	assert_string_equal(msg.answer.rr[0].name, "");
	assert_string_equal(msg.answer.rr[0].target, "a.root-servers.net");

	/* QDCOUNT 0: records are still read, no question. */
	wb_header(&b, 2, WB_QR | WB_RCODE(5), 0, 1, 0, 0);
	wb_rr_a(&b, "kp", "10.0.0.1");
	assert_int_equal(parse(&b), 0);
	assert_false(msg.has_question);
	assert_string_equal(msg.qname, "");
	assert_int_equal(msg.rcode, 5);
	assert_int_equal(msg.answer.count, 1);
}

static void
test_two_questions(void **state)
{

	wb_header(&b, 1, WB_QR, 2, 1, 0, 0);
	wb_question(&b, "kcna.kp", WB_A);
	wb_question(&b, "rodong.rep.kp", WB_AAAA);
	wb_rr_a(&b, "kcna.kp", "10.0.0.1");
	assert_int_equal(parse(&b), 0);
	assert_string_equal(msg.qname, "kcna.kp");
	assert_int_equal(msg.qtype, WB_A);
	assert_int_equal(msg.answer.count, 1);
	assert_string_equal(msg.answer.rr[0].target, "10.0.0.1");
}

static void
test_many_records(void **state)
{
	char addr[32];
	unsigned i;

	wb_header(&b, 1, WB_QR, 1, 20, 20, 0);
	wb_question(&b, "kp", WB_A);
	for (i = 1; i <= 20; i++) {
		snprintf(addr, sizeof(addr), "10.0.0.%u", i);
		wb_rr_a(&b, "kp", addr);
	}
	for (i = 1; i <= 20; i++)
		wb_rr_name(&b, "kp", WB_NS, i == 20 ? "last.kp" : "ns.kp");
	assert_int_equal(parse(&b), 0);
	assert_int_equal(msg.answer.count, 20);
	assert_int_equal(msg.answer.kept, TW_WIRE_MAX_RR);
	assert_string_equal(msg.answer.rr[15].target, "10.0.0.16");
	assert_int_equal(msg.authority.count, 20);
	assert_int_equal(msg.authority.kept, TW_WIRE_MAX_RR);
	assert_string_equal(msg.authority.rr[15].target, "ns.kp");
	assert_int_equal(msg.additional.count, 0);

	/* Records past the kept ones are still checked. */
	b.buf[b.len - 1] = 7;	/* root byte of "last.kp" becomes a label running off the end */
	assert_int_equal(parse(&b), -1);
	assert_int_equal(msg.authority.count, 19);
}

static void
test_every_kept_field_written(void **state)
{
	size_t at;

	memset(&msg, 0x5A, sizeof(msg));
	wb_header(&b, 1, WB_QR, 1, 5, 0, 0);
	wb_question(&b, "kp", WB_A);
	at = wb_rr_begin(&b, "kp", WB_MX);
	wb_u16(&b, 10);
	wb_name(&b, "mx.kp");
	wb_rr_end(&b, at);
	at = wb_rr_begin(&b, "kp", WB_TXT);
	wb_rr_end(&b, at);	/* empty RDATA */
	wb_rr_a(&b, "kp", "1.2.3.4");
	wb_rr_name(&b, "kp", WB_NS, "ns.kp");
	wb_rr_soa(&b, "kp", "ns.kp", "h.kp", 7);
	assert_int_equal(tw_wire_parse(b.buf, b.len, &msg), 0);
	assert_null(msg.error);
	assert_int_equal(msg.authority.count, 0);
	assert_int_equal(msg.authority.kept, 0);
	assert_int_equal(msg.additional.kept, 0);
	assert_string_equal(msg.answer.rr[0].target, "");
	assert_int_equal(msg.answer.rr[0].serial, 0);
	assert_string_equal(msg.answer.rr[1].target, "");
	assert_int_equal(msg.answer.rr[1].serial, 0);
	assert_int_equal(msg.answer.rr[2].serial, 0);
	assert_int_equal(msg.answer.rr[3].serial, 0);
	assert_string_equal(msg.answer.rr[4].target, "ns.kp");
	assert_int_equal(msg.answer.rr[4].serial, 7);

	/* Reusing the struct: nothing of the previous message survives. */
	wb_header(&b, 9, 0, 0, 0, 0, 0);
	assert_int_equal(parse(&b), 0);
	assert_false(msg.qr);
	assert_false(msg.has_question);
	assert_string_equal(msg.qname, "");
	assert_int_equal(msg.qtype, 0);
	assert_int_equal(msg.answer.count, 0);
	assert_int_equal(msg.answer.kept, 0);
}

static void
test_trailing_bytes_accepted(void **state)
{

	wb_header(&b, 1, WB_QR, 1, 1, 0, 0);
	wb_question(&b, "kp", WB_A);
	wb_rr_a(&b, "kp", "1.2.3.4");
	wb_bytes(&b, "\0\0\0\0\xff\xc0\x01", 7);
	assert_int_equal(parse(&b), 0);
	assert_null(msg.error);
	assert_int_equal(msg.answer.count, 1);
}

/* ---- names ---- */

static void
test_name_escapes(void **state)
{
	static const uint8_t odd[] = { 'A', '.', '\\', ' ', '_', '*', '-', '0', '9', 'z',
	    0x00, 0xff, '"', 'Z', 0x7f, '@', '[', '`', '{', '/', ':' };

	wb_header(&b, 1, WB_QR, 1, 0, 0, 0);
	wb_label(&b, odd, sizeof(odd));
	wb_labels(&b, "KP");
	wb_u8(&b, 0);
	wb_u16(&b, WB_A);
	wb_u16(&b, 1);
	assert_int_equal(parse(&b), 0);
	assert_string_equal(msg.qname,
	    "a\\046\\092\\032_*-09z\\000\\255\\034z\\127\\064\\091\\096\\123\\047\\058.kp");
}

/* A name of ${wire} wire bytes in labels of 63 and one shorter, all bytes ${c}. */
static void
put_long_name(struct wb *w, size_t wire, uint8_t c)
{
	uint8_t lab[63];
	size_t left = wire - 1;

	memset(lab, c, sizeof(lab));
	while (left > 0) {
		size_t n = left - 1 > 63 ? 63 : left - 1;

		wb_label(w, lab, n);
		left -= n + 1;
	}
	wb_u8(w, 0);
}

static void
test_name_length_limits(void **state)
{
	static uint8_t lab63[63];

	/* 255 wire bytes: accepted; with odd bytes the text is 250 * 4 + 3 chars. */
	wb_header(&b, 1, WB_QR, 1, 0, 0, 0);
	put_long_name(&b, 255, 'a');
	wb_u16(&b, WB_A);
	wb_u16(&b, 1);
	assert_int_equal(b.len, 12 + 255 + 4);
	assert_int_equal(parse(&b), 0);
	assert_int_equal(strlen(msg.qname), 63 * 3 + 61 + 3);

	wb_header(&b, 1, WB_QR, 1, 0, 0, 0);
	put_long_name(&b, 255, 0x01);
	wb_u16(&b, WB_A);
	wb_u16(&b, 1);
	assert_int_equal(parse(&b), 0);
	assert_int_equal(strlen(msg.qname), 250 * 4 + 3);
	assert_memory_equal(msg.qname, "\\001\\001", 8);

	/* One 63-byte label is fine. */
	memset(lab63, 'q', sizeof(lab63));
	wb_header(&b, 1, WB_QR, 1, 0, 0, 0);
	wb_label(&b, lab63, 63);
	wb_u8(&b, 0);
	wb_u16(&b, WB_A);
	wb_u16(&b, 1);
	assert_int_equal(parse(&b), 0);
	assert_int_equal(strlen(msg.qname), 63);
}

/* Exactly ${hops} pointer hops to reach the NS target "x". */
static void
build_hops(struct wb *w, unsigned hops)
{
	size_t at, prev;
	unsigned i;

	wb_header(w, 1, WB_QR, 0, 2, 0, 0);
	at = wb_rr_begin(w, "", 99);	/* unknown type: a store of names */
	prev = wb_name(w, "x");
	for (i = 1; i < hops; i++) {
		size_t here = w->len;

		wb_ptr(w, prev);
		prev = here;
	}
	wb_rr_end(w, at);
	at = wb_rr_begin(w, "", WB_NS);
	wb_ptr(w, prev);
	wb_rr_end(w, at);
}

static void
test_hop_limit(void **state)
{

	build_hops(&b, 128);
	assert_int_equal(parse(&b), 0);
	assert_string_equal(msg.answer.rr[1].target, "x");

	build_hops(&b, 129);
	assert_int_equal(parse(&b), -1);
	assert_string_equal(msg.error, "too many compression pointers");
}

/* ---- broken messages ---- */

static void
m_11_bytes(struct wb *w)
{

	wb_header(w, 1, WB_QR, 0, 0, 0, 0);
	w->len = 11;
}

static void
m_self_pointer(struct wb *w)
{

	wb_header(w, 1, WB_QR, 1, 0, 0, 0);
	wb_ptr(w, 12);
	wb_u16(w, WB_A);
	wb_u16(w, 1);
}

static void
m_pointer_to_own_start(struct wb *w)
{

	wb_header(w, 1, WB_QR, 1, 0, 0, 0);
	wb_labels(w, "a");
	wb_ptr(w, 12);
	wb_u16(w, WB_A);
	wb_u16(w, 1);
}

/* X -> Y (backwards), then Y -> X: a two-pointer loop. */
static void
m_two_pointer_loop(struct wb *w)
{
	size_t at, y;

	wb_header(w, 1, WB_QR, 0, 2, 0, 0);
	at = wb_rr_begin(w, "", 99);
	y = w->len;
	wb_ptr(w, 0);		/* patched below to point at X */
	wb_rr_end(w, at);
	wb_set16(w, y, 0xC000 | (unsigned)w->len);
	at = wb_rr_begin_ptr(w, y, WB_A);
	wb_bytes(w, "\1\2\3\4", 4);
	wb_rr_end(w, at);
}

static void
m_forward_pointer(struct wb *w)
{

	/* Pointing forward to a perfectly good name is refused too. */
	wb_header(w, 1, WB_QR, 1, 0, 0, 1);
	wb_ptr(w, 18);
	wb_u16(w, WB_A);
	wb_u16(w, 1);
	wb_rr_a(w, "kp", "1.2.3.4");	/* owner "kp" at 18 */
}

static void
m_pointer_past_end(struct wb *w)
{

	wb_header(w, 1, WB_QR, 1, 0, 0, 0);
	wb_ptr(w, 0x3FFF);
	wb_u16(w, WB_A);
	wb_u16(w, 1);
}

static void
m_pointer_cut(struct wb *w)
{

	wb_header(w, 1, WB_QR, 1, 0, 0, 0);
	wb_u8(w, 0xC0);
}

static void
m_pointer_into_header(struct wb *w)
{

	wb_header(w, 1, WB_QR, 0, 1, 0, 0);
	wb_rr_begin_ptr(w, 4, 99);
}

static void
m_label_type_40(struct wb *w)
{

	wb_header(w, 1, WB_QR, 1, 0, 0, 0);
	wb_u8(w, 0x41);
	wb_bytes(w, "abcdefgh", 8);
	wb_u8(w, 0);
}

static void
m_label_type_80(struct wb *w)
{

	wb_header(w, 1, WB_QR, 1, 0, 0, 0);
	wb_u8(w, 0x80);
	wb_u8(w, 0);
	wb_u16(w, WB_A);
	wb_u16(w, 1);
}

static void
m_label_64(struct wb *w)
{
	uint8_t lab[64];

	memset(lab, 'a', sizeof(lab));
	wb_header(w, 1, WB_QR, 1, 0, 0, 0);
	wb_label(w, lab, 64);
	wb_u8(w, 0);
	wb_u16(w, WB_A);
	wb_u16(w, 1);
}

static void
m_name_256(struct wb *w)
{

	wb_header(w, 1, WB_QR, 1, 0, 0, 0);
	put_long_name(w, 256, 'a');
	wb_u16(w, WB_A);
	wb_u16(w, 1);
}

static void
m_name_257_via_pointer(struct wb *w)
{
	uint8_t lab[63];
	size_t at;

	memset(lab, 'b', sizeof(lab));
	wb_header(w, 1, WB_QR, 1, 1, 0, 0);
	put_long_name(w, 193, 'a');	/* three 63-byte labels */
	wb_u16(w, WB_A);
	wb_u16(w, 1);
	wb_label(w, lab, 63);
	wb_ptr(w, 12);			/* 64 + 193 = 257 */
	wb_u16(w, WB_A);
	wb_u16(w, 1);
	wb_u32(w, 0);
	at = w->len;
	wb_u16(w, 0);
	wb_bytes(w, "\1\2\3\4", 4);
	wb_rr_end(w, at);
}

static void
m_label_past_end(struct wb *w)
{

	wb_header(w, 1, WB_QR, 1, 0, 0, 0);
	wb_u8(w, 10);
	wb_bytes(w, "abc", 3);
}

static void
m_name_no_root(struct wb *w)
{

	wb_header(w, 1, WB_QR, 1, 0, 0, 0);
	wb_labels(w, "kcna.kp");
}

static void
m_question_cut(struct wb *w)
{

	wb_header(w, 1, WB_QR, 1, 0, 0, 0);
	wb_question(w, "kp", WB_A);
	w->len--;
}

static void
m_second_question_bad(struct wb *w)
{

	wb_header(w, 1, WB_QR, 2, 0, 0, 0);
	wb_question(w, "kp", WB_A);
	wb_u8(w, 0x40);
	wb_u16(w, WB_A);
	wb_u16(w, 1);
}

static void
m_lying_qdcount(struct wb *w)
{

	wb_header(w, 1, WB_QR, 2, 0, 0, 0);
	wb_question(w, "kp", WB_A);
}

static void
m_lying_ancount(struct wb *w)
{

	wb_header(w, 1, WB_QR, 1, 5, 0, 0);
	wb_question(w, "kp", WB_A);
	wb_rr_a(w, "kp", "1.2.3.4");
	wb_rr_a(w, "kp", "5.6.7.8");
}

static void
m_lying_arcount(struct wb *w)
{

	wb_header(w, 1, WB_QR, 1, 0, 1, 1);
	wb_question(w, "kp", WB_NS);
	wb_rr_name(w, "kp", WB_NS, "ns.kp");
}

static void
m_rr_fixed_cut(struct wb *w)
{

	wb_header(w, 1, WB_QR, 1, 1, 0, 0);
	wb_question(w, "kp", WB_A);
	wb_name(w, "kp");
	wb_bytes(w, "\0\1\0\1\0\0\0\0\0", 9);
}

static void
m_huge_rdlength(struct wb *w)
{

	wb_header(w, 1, WB_QR, 1, 1, 0, 0);
	wb_question(w, "kp", WB_A);
	wb_rr_a(w, "kp", "1.2.3.4");
	wb_set16(w, w->len - 6, 0xFFFF);
}

static void
m_rdlength_one_too_many(struct wb *w)
{

	wb_header(w, 1, WB_QR, 1, 1, 0, 0);
	wb_question(w, "kp", WB_A);
	wb_rr_a(w, "kp", "1.2.3.4");
	wb_set16(w, w->len - 6, 5);
}

static void
m_a_rdlength_5(struct wb *w)
{
	size_t at;

	wb_header(w, 1, WB_QR, 1, 1, 0, 0);
	wb_question(w, "kp", WB_A);
	at = wb_rr_begin(w, "kp", WB_A);
	wb_bytes(w, "\1\2\3\4\5", 5);
	wb_rr_end(w, at);
}

static void
m_a_rdlength_0(struct wb *w)
{

	wb_header(w, 1, WB_QR, 1, 1, 0, 0);
	wb_question(w, "kp", WB_A);
	wb_rr_begin(w, "kp", WB_A);
}

static void
m_aaaa_rdlength_4(struct wb *w)
{
	size_t at;

	wb_header(w, 1, WB_QR, 1, 1, 0, 0);
	wb_question(w, "kp", WB_AAAA);
	at = wb_rr_begin(w, "kp", WB_AAAA);
	wb_bytes(w, "\1\2\3\4", 4);
	wb_rr_end(w, at);
}

static void
m_ns_rdata_longer(struct wb *w)
{
	size_t at;

	wb_header(w, 1, WB_QR, 1, 0, 1, 0);
	wb_question(w, "kp", WB_NS);
	at = wb_rr_begin(w, "kp", WB_NS);
	wb_name(w, "ns.kp");
	wb_u8(w, 0);
	wb_rr_end(w, at);
}

static void
m_ns_rdata_shorter(struct wb *w)
{
	size_t at;

	/* The target runs on into the next record's bytes. */
	wb_header(w, 1, WB_QR, 1, 0, 2, 0);
	wb_question(w, "kp", WB_NS);
	at = wb_rr_begin(w, "kp", WB_NS);
	wb_labels(w, "ns");
	wb_rr_end(w, at);
	wb_rr_name(w, "kp", WB_NS, "ns.kp");
}

static void
m_cname_bad_pointer(struct wb *w)
{
	size_t at;

	wb_header(w, 1, WB_QR, 1, 1, 0, 0);
	wb_question(w, "www.kp", WB_A);
	at = wb_rr_begin(w, "www.kp", WB_CNAME);
	wb_ptr(w, w->len + 0);	/* points at itself */
	wb_rr_end(w, at);
}

static void
soa_with_tail(struct wb *w, size_t tail)
{
	size_t at;
	uint8_t z[24];

	memset(z, 0, sizeof(z));
	wb_header(w, 1, WB_QR | WB_AA, 1, 0, 1, 0);
	wb_question(w, "kp", WB_SOA);
	at = wb_rr_begin(w, "kp", WB_SOA);
	wb_name(w, "ns.kp");
	wb_name(w, "h.kp");
	wb_bytes(w, z, tail);
	wb_rr_end(w, at);
}

static void
m_soa_19(struct wb *w)
{

	soa_with_tail(w, 19);
}

static void
m_soa_21(struct wb *w)
{

	soa_with_tail(w, 21);
}

static void
m_soa_bad_rname(struct wb *w)
{
	size_t at;

	wb_header(w, 1, WB_QR | WB_AA, 1, 0, 1, 0);
	wb_question(w, "kp", WB_SOA);
	at = wb_rr_begin(w, "kp", WB_SOA);
	wb_name(w, "ns.kp");
	wb_u8(w, 0x80);
	wb_rr_end(w, at);
}

static void
m_bad_owner_in_additional(struct wb *w)
{

	wb_header(w, 1, WB_QR, 1, 1, 0, 1);
	wb_question(w, "kp", WB_A);
	wb_rr_a(w, "kp", "1.2.3.4");
	wb_ptr(w, 0x3000);
	wb_bytes(w, "\0\1\0\1\0\0\0\0\0\0", 10);
}

static const struct {
	const char *what;
	void (*build)(struct wb *);
	const char *error;		/* expected msg->error */
} broken[] = {
	{ "11 bytes", m_11_bytes, "short header" },
	{ "pointer to itself", m_self_pointer, "compression pointer does not point backwards" },
	{ "pointer to the name's start", m_pointer_to_own_start,
	    "compression pointer does not point backwards" },
	{ "two-pointer loop", m_two_pointer_loop, "compression pointer does not point backwards" },
	{ "forward pointer", m_forward_pointer, "compression pointer does not point backwards" },
	{ "pointer past the end", m_pointer_past_end,
	    "compression pointer past the end of the message" },
	{ "pointer cut short", m_pointer_cut, "compression pointer cut short" },
	{ "pointer into the header", m_pointer_into_header, "compression pointer into the header" },
	{ "label type 0x40", m_label_type_40, "reserved label type" },
	{ "label type 0x80", m_label_type_80, "reserved label type" },
	{ "64-byte label", m_label_64, "reserved label type" },
	{ "name of 256 bytes", m_name_256, "name longer than 255 bytes" },
	{ "name of 257 bytes via pointer", m_name_257_via_pointer, "name longer than 255 bytes" },
	{ "label past the end", m_label_past_end, "label runs past the end of the message" },
	{ "name without root", m_name_no_root, "name runs past the end of the message" },
	{ "question cut short", m_question_cut, "question cut short" },
	{ "second question broken", m_second_question_bad, "reserved label type" },
	{ "lying QDCOUNT", m_lying_qdcount, "fewer questions than the header counts" },
	{ "lying ANCOUNT", m_lying_ancount, "fewer records than the header counts" },
	{ "lying ARCOUNT", m_lying_arcount, "fewer records than the header counts" },
	{ "fixed fields cut short", m_rr_fixed_cut, "record cut short" },
	{ "huge RDLENGTH", m_huge_rdlength, "RDATA runs past the end of the message" },
	{ "RDLENGTH one too many", m_rdlength_one_too_many,
	    "RDATA runs past the end of the message" },
	{ "A with RDLENGTH 5", m_a_rdlength_5, "A record with RDLENGTH other than 4" },
	{ "A with RDLENGTH 0", m_a_rdlength_0, "A record with RDLENGTH other than 4" },
	{ "AAAA with RDLENGTH 4", m_aaaa_rdlength_4, "AAAA record with RDLENGTH other than 16" },
	{ "NS RDATA longer than the name", m_ns_rdata_longer,
	    "NS/CNAME target does not fill its RDATA" },
	{ "NS RDATA shorter than the name", m_ns_rdata_shorter,
	    "NS/CNAME target does not fill its RDATA" },
	{ "CNAME pointing at itself", m_cname_bad_pointer,
	    "compression pointer does not point backwards" },
	{ "SOA with 19 fixed bytes", m_soa_19, "SOA RDATA of the wrong length" },
	{ "SOA with 21 fixed bytes", m_soa_21, "SOA RDATA of the wrong length" },
	{ "SOA with a bad RNAME", m_soa_bad_rname, "reserved label type" },
	{ "bad owner in additional", m_bad_owner_in_additional,
	    "compression pointer past the end of the message" },
};

static void
test_broken_messages(void **state)
{
	size_t i;
	int rc;

	for (i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		broken[i].build(&b);
		assert_int_equal(b.overflow, 0);
		rc = tw_wire_parse(b.buf, b.len, &msg);
		if (rc != -1 || msg.error == NULL || strcmp(msg.error, broken[i].error) != 0)
			fail_msg("%s: rc %d, error \"%s\", want \"%s\"", broken[i].what, rc,
			    msg.error != NULL ? msg.error : "(null)", broken[i].error);
		/* Whatever was read is still there and printable. */
		assert_true(strlen(msg.qname) < TW_NAME_TEXT_MAX);
		if (b.len >= 12)
			assert_int_equal(msg.id, 1);
	}
}

/* The SOA tail of exactly 20 bytes passes: the two neighbours above do not. */
static void
test_soa_20(void **state)
{

	soa_with_tail(&b, 20);
	assert_int_equal(parse(&b), 0);
	assert_int_equal(msg.authority.rr[0].serial, 0);
	assert_string_equal(msg.authority.rr[0].target, "ns.kp");
}

static void
test_lying_counts_keep_state(void **state)
{

	m_lying_ancount(&b);
	assert_int_equal(parse(&b), -1);
	assert_non_null(msg.error);
	assert_int_equal(msg.id, 1);
	assert_true(msg.qr);
	assert_int_equal(msg.ancount, 5);
	assert_true(msg.has_question);
	assert_string_equal(msg.qname, "kp");
	assert_int_equal(msg.answer.count, 2);
	assert_int_equal(msg.answer.kept, 2);
	assert_string_equal(msg.answer.rr[1].target, "5.6.7.8");
	assert_int_equal(msg.authority.count, 0);

	m_lying_arcount(&b);
	assert_int_equal(parse(&b), -1);
	assert_int_equal(msg.authority.count, 1);
	assert_string_equal(msg.authority.rr[0].target, "ns.kp");
	assert_int_equal(msg.additional.count, 0);
}

/* Every prefix of a good message is either the whole message or malformed. */
static void
test_every_prefix(void **state)
{
	size_t n, full;

	test_full_response(state);
	full = b.len;
	for (n = 0; n < full; n++) {
		assert_int_equal(tw_wire_parse(b.buf, n, &msg), -1);
		assert_non_null(msg.error);
	}
	assert_int_equal(tw_wire_parse(b.buf, full, &msg), 0);
}

/* ---- subdomain ---- */

static const struct {
	const char *name, *zone;
	bool want;
} sub_cases[] = {
	{ "kcna.kp", "kp", true },
	{ "kp", "kp", true },
	{ "KCNA.KP", "kp", true },
	{ "kcna.kp", "Kp", true },
	{ "xkp", "kp", false },
	{ "x.xkp", "kp", false },
	{ "kp", "kcna.kp", false },
	{ "kcna.kp", "cna.kp", false },
	{ "rodong.rep.kp", "rep.kp", true },
	{ "rodong.rep.kp", "kp", true },
	{ "rep.kp", "rodong.rep.kp", false },
	{ "a.b.c", "a.b", false },
	{ "", "", true },
	{ "kp", "", true },
	{ "kcna.kp", "", true },
	{ "", "kp", false },
	{ "kp.", "kp", true },
	{ "kcna.kp", "kp.", true },
	{ "kcna.kp", ".", true },
	{ ".", "", true },
	{ "", ".", true },
	/* An escaped dot is part of a label, not a separator. */
	{ "a\\046kp", "kp", false },
	{ "x.a\\046kp", "a\\046kp", true },
	{ "x.a\\046kp", "046kp", false },
	{ "a\\.kp", "kp", false },
	{ "b.a\\.kp", "a\\.kp", true },
	{ "a\\092.kp", "kp", true },
	{ "kp\\", "kp", false },
};

static void
test_subdomain(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(sub_cases) / sizeof(sub_cases[0]); i++) {
		if (tw_wire_name_is_subdomain(sub_cases[i].name, sub_cases[i].zone) !=
		    sub_cases[i].want)
			fail_msg("subdomain(\"%s\", \"%s\") should be %s", sub_cases[i].name,
			    sub_cases[i].zone, sub_cases[i].want ? "true" : "false");
	}
	assert_false(tw_wire_name_is_subdomain(NULL, "kp"));
	assert_false(tw_wire_name_is_subdomain("kp", NULL));
}

/* ---- query builder ---- */

static char long63[64], long64[65], name255[300], name256[300];

static void
make_long_names(void)
{
	memset(long63, 'a', 63);
	long63[63] = '\0';
	memset(long64, 'a', 64);
	long64[64] = '\0';
	/* 3 x 63 + 61 data bytes: 250 + 4 length bytes + root = 255 */
	snprintf(name255, sizeof(name255), "%s.%s.%s.%.61s", long63, long63, long63, long63);
	snprintf(name256, sizeof(name256), "%s.%s.%s.%.62s", long63, long63, long63, long63);
}

static void
test_build_query(void **state)
{
	static const struct {
		const char *in;
		const char *parsed;	/* NULL: must be rejected */
		int len;
	} cases[] = {
		{ "kcna.kp", "kcna.kp", 12 + 9 + 4 },
		{ "KCNA.KP", "kcna.kp", 12 + 9 + 4 },
		{ "kp.", "kp", 12 + 4 + 4 },
		{ "", "", 12 + 1 + 4 },
		{ ".", "", 12 + 1 + 4 },
		{ "a\\046b.kp", "a\\046b.kp", 12 + 8 + 4 },
		{ "a\\.b.kp", "a\\046b.kp", 12 + 8 + 4 },
		{ "x\\255\\000y", "x\\255\\000y", 12 + 6 + 4 },
		{ "a..b", NULL, 0 },
		{ ".kp", NULL, 0 },
		{ "kp..", NULL, 0 },
		{ "..", NULL, 0 },
		{ "a\\256", NULL, 0 },
		{ "a\\12x", NULL, 0 },
		{ "a\\", NULL, 0 },
	};
	uint8_t q[512];
	size_t i;
	int n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = tw_wire_build_query(0xABCD, cases[i].in, WB_NS, (i & 1) != 0, q, sizeof(q));
		if (n != (cases[i].parsed == NULL ? -1 : cases[i].len))
			fail_msg("build_query(\"%s\") = %d", cases[i].in, n);
		if (cases[i].parsed == NULL)
			continue;
		assert_int_equal(tw_wire_parse(q, (size_t)n, &msg), 0);
		assert_int_equal(msg.id, 0xABCD);
		assert_false(msg.qr);
		assert_false(msg.aa);
		assert_int_equal(msg.opcode, 0);
		assert_int_equal(msg.rcode, 0);
		assert_int_equal(msg.rd, (i & 1) != 0);
		assert_int_equal(msg.qdcount, 1);
		assert_int_equal(msg.ancount + msg.nscount + msg.arcount, 0);
		assert_string_equal(msg.qname, cases[i].parsed);
		assert_int_equal(msg.qtype, WB_NS);
		assert_int_equal(msg.qclass, 1);
	}

	make_long_names();
	assert_int_equal(tw_wire_build_query(1, long63, WB_A, false, q, sizeof(q)),
	    12 + 65 + 4);
	assert_int_equal(tw_wire_build_query(1, long64, WB_A, false, q, sizeof(q)), -1);
	assert_int_equal(tw_wire_build_query(1, name255, WB_A, false, q, sizeof(q)),
	    12 + 255 + 4);
	assert_int_equal(tw_wire_parse(q, 12 + 255 + 4, &msg), 0);
	assert_string_equal(msg.qname, name255);
	assert_int_equal(tw_wire_build_query(1, name256, WB_A, false, q, sizeof(q)), -1);
	/* A trailing dot does not count against the 255 bytes. */
	strcat(name255, ".");
	assert_int_equal(tw_wire_build_query(1, name255, WB_A, false, q, sizeof(q)),
	    12 + 255 + 4);

	/* Buffer size: exact fits, one less does not. */
	assert_int_equal(tw_wire_build_query(1, "kp", WB_A, false, q, 20), 20);
	assert_int_equal(tw_wire_build_query(1, "kp", WB_A, false, q, 19), -1);
	assert_int_equal(tw_wire_build_query(1, NULL, WB_A, false, q, sizeof(q)), -1);
	assert_int_equal(tw_wire_build_query(1, "kp", WB_A, false, NULL, 512), -1);

	/* Exact bytes of one query. */
	n = tw_wire_build_query(0x0102, "kp", 28, true, q, sizeof(q));
	assert_int_equal(n, 20);
	assert_memory_equal(q, "\x01\x02\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
	    "\x02kp\x00\x00\x1c\x00\x01", 20);
}

/* The OPT record with an empty NSID option, byte for byte (RFC 6891, RFC 5001). */
static void
test_build_query_edns(void **state)
{
	static const uint8_t want[] = {
		0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
		0x02, 'k', 'p', 0x00, 0x00, 0x06, 0x00, 0x01,
		0x00,			/* owner: root */
		0x00, 0x29,		/* OPT */
		0x04, 0xD0,		/* UDP payload 1232 */
		0x00, 0x00, 0x00, 0x00,	/* extended RCODE, version 0, DO clear */
		0x00, 0x04,		/* RDLENGTH */
		0x00, 0x03, 0x00, 0x00,	/* NSID, empty */
	};
	struct tw_wire_qspec spec = { .edns_udp = TW_WIRE_EDNS_UDP, .nsid = true };
	uint8_t q[512];
	int n;

	(void)state;
	n = tw_wire_build_query_spec(0x0102, "kp", WB_SOA, false, &spec, q, sizeof(q));
	assert_int_equal(n, (int)sizeof(want));
	assert_memory_equal(q, want, sizeof(want));
	/* Our own walker reads it back: one OPT, an empty NSID. */
	assert_int_equal(tw_wire_parse(q, (size_t)n, &msg), 0);
	assert_int_equal(msg.arcount, 1);
	assert_true(msg.has_opt);
	assert_int_equal(msg.opt_udp, 1232);
	assert_int_equal(msg.opt_version, 0);
	assert_true(msg.has_nsid);
	assert_int_equal(msg.nsid_len, 0);
	/* Exact fit and one byte short. */
	assert_int_equal(tw_wire_build_query_spec(1, "kp", WB_SOA, false, &spec, q,
	    sizeof(want)), (int)sizeof(want));
	assert_int_equal(tw_wire_build_query_spec(1, "kp", WB_SOA, false, &spec, q,
	    sizeof(want) - 1), -1);

	/* EDNS without NSID: an OPT record with empty RDATA. */
	spec.nsid = false;
	n = tw_wire_build_query_spec(0x0102, "kp", WB_SOA, false, &spec, q, sizeof(q));
	assert_int_equal(n, (int)sizeof(want) - 4);
	assert_memory_equal(q, want, 29);
	assert_int_equal(q[29], 0);
	assert_int_equal(q[30], 0);
	assert_int_equal(tw_wire_parse(q, (size_t)n, &msg), 0);
	assert_true(msg.has_opt);
	assert_false(msg.has_nsid);

	/* NSID alone asks for nothing: it lives in an OPT record. */
	spec.edns_udp = 0;
	spec.nsid = true;
	assert_int_equal(tw_wire_build_query_spec(0x0102, "kp", WB_SOA, false, &spec, q,
	    sizeof(q)), 20);
	assert_int_equal(q[11], 0);

	/* CHAOS TXT hostname.bind, no EDNS; NULL spec is the plain IN query. */
	spec = (struct tw_wire_qspec){ .qclass = TW_WIRE_CLASS_CH };
	n = tw_wire_build_query_spec(7, "hostname.bind", WB_TXT, false, &spec, q, sizeof(q));
	assert_int_equal(n, 12 + 15 + 4);
	assert_int_equal(tw_wire_parse(q, (size_t)n, &msg), 0);
	assert_string_equal(msg.qname, "hostname.bind");
	assert_int_equal(msg.qtype, WB_TXT);
	assert_int_equal(msg.qclass, 3);
	assert_false(msg.has_opt);
	n = tw_wire_build_query_spec(0x0102, "kp", 28, true, NULL, q, sizeof(q));
	assert_int_equal(n, 20);
	assert_memory_equal(q, "\x01\x02\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
	    "\x02kp\x00\x00\x1c\x00\x01", 20);
}

/* An answer with an OPT record: ${opts} (raw option bytes, ${olen}) as its RDATA. */
static void
build_opt_answer(struct wb *w, const uint8_t *opts, size_t olen)
{
	size_t at;

	wb_header(w, 0x4242, WB_QR | WB_AA, 1, 1, 0, 1);
	wb_question(w, "kp", WB_SOA);
	at = wb_rr_begin(w, "kp", WB_SOA);
	wb_name(w, "ns1.kptc.kp");
	wb_name(w, "hostmaster.kp");
	wb_u32(w, 2013083001);
	wb_u32(w, 1);
	wb_u32(w, 2);
	wb_u32(w, 3);
	wb_u32(w, 4);
	wb_rr_end(w, at);
	wb_u8(w, 0);		/* OPT: root owner */
	wb_u16(w, 41);
	wb_u16(w, 1232);
	wb_u32(w, 0);
	wb_u16(w, (unsigned)olen);
	wb_bytes(w, opts, olen);
	assert_false(w->overflow);
}

static void
test_nsid_in_response(void **state)
{
	/* A COOKIE option first (code 10), then NSID "ns1", then padding (12). */
	static const uint8_t opts[] = {
		0x00, 0x0A, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8,
		0x00, 0x03, 0x00, 0x03, 'n', 's', '1',
		0x00, 0x0C, 0x00, 0x02, 0, 0,
	};
	static const uint8_t empty_nsid[] = { 0x00, 0x03, 0x00, 0x00 };
	static const uint8_t no_nsid[] = { 0x00, 0x0A, 0x00, 0x00 };

	(void)state;
	build_opt_answer(&b, opts, sizeof(opts));
	assert_int_equal(tw_wire_parse(b.buf, b.len, &msg), 0);
	assert_true(msg.has_opt);
	assert_int_equal(msg.opt_udp, 1232);
	assert_true(msg.has_nsid);
	assert_int_equal(msg.nsid_len, 3);
	assert_memory_equal(msg.nsid, "ns1", 3);
	/* The SOA before it is read as ever. */
	assert_int_equal(msg.answer.kept, 1);
	assert_int_equal(msg.answer.rr[0].serial, 2013083001);
	assert_int_equal(msg.additional.count, 1);

	build_opt_answer(&b, empty_nsid, sizeof(empty_nsid));
	assert_int_equal(tw_wire_parse(b.buf, b.len, &msg), 0);
	assert_true(msg.has_nsid);
	assert_int_equal(msg.nsid_len, 0);

	build_opt_answer(&b, no_nsid, sizeof(no_nsid));
	assert_int_equal(tw_wire_parse(b.buf, b.len, &msg), 0);
	assert_true(msg.has_opt);
	assert_false(msg.has_nsid);

	build_opt_answer(&b, NULL, 0);
	assert_int_equal(tw_wire_parse(b.buf, b.len, &msg), 0);
	assert_true(msg.has_opt);
	assert_false(msg.has_nsid);

	/* A message without OPT, parsed after one with it: nothing carried over. */
	build_opt_answer(&b, opts, sizeof(opts));
	assert_int_equal(tw_wire_parse(b.buf, b.len, &msg), 0);
	wb_header(&b, 1, WB_QR, 1, 0, 0, 0);
	wb_question(&b, "kp", WB_SOA);
	assert_int_equal(tw_wire_parse(b.buf, b.len, &msg), 0);
	assert_false(msg.has_opt);
	assert_false(msg.has_nsid);
	assert_false(msg.has_txt);
}

/* Options that do not fit their OPT record make the message malformed, never an overread. */
static void
test_opt_broken(void **state)
{
	static const uint8_t cut_hdr[] = { 0x00, 0x03, 0x00 };
	static const uint8_t long_opt[] = { 0x00, 0x03, 0x00, 0x05, 'a', 'b' };
	static const uint8_t second_long[] = { 0x00, 0x03, 0x00, 0x01, 'a', 0x00, 0x0A, 0xFF, 0xFF };

	(void)state;
	build_opt_answer(&b, cut_hdr, sizeof(cut_hdr));
	assert_int_equal(tw_wire_parse(b.buf, b.len, &msg), -1);
	assert_string_equal(msg.error, "EDNS option cut short");
	build_opt_answer(&b, long_opt, sizeof(long_opt));
	assert_int_equal(tw_wire_parse(b.buf, b.len, &msg), -1);
	assert_string_equal(msg.error, "EDNS option runs past its OPT record");
	build_opt_answer(&b, second_long, sizeof(second_long));
	assert_int_equal(tw_wire_parse(b.buf, b.len, &msg), -1);
	/* An OPT record in the answer section is walked as any unknown type. */
	wb_header(&b, 1, WB_QR, 1, 1, 0, 0);
	wb_question(&b, "kp", WB_SOA);
	wb_u8(&b, 0);
	wb_u16(&b, 41);
	wb_u16(&b, 1232);
	wb_u32(&b, 0);
	wb_u16(&b, 3);
	wb_bytes(&b, cut_hdr, 3);
	assert_int_equal(tw_wire_parse(b.buf, b.len, &msg), 0);
	assert_false(msg.has_opt);
}

/* A CHAOS TXT answer: ${n} strings, the first ${s0} (${l0} bytes). */
static void
build_chaos_answer(struct wb *w, const char *qname, const void *s0, size_t l0, unsigned n)
{
	size_t at;
	unsigned i;

	wb_header(w, 7, WB_QR | WB_AA, 1, 1, 0, 0);
	wb_name(w, qname);
	wb_u16(w, WB_TXT);
	wb_u16(w, 3);
	wb_name(w, qname);
	wb_u16(w, WB_TXT);
	wb_u16(w, 3);
	wb_u32(w, 0);
	at = w->len;
	wb_u16(w, 0);
	wb_label(w, s0, l0);
	for (i = 1; i < n; i++)
		wb_label(w, "more", 4);
	wb_rr_end(w, at);
	assert_false(w->overflow);
}

static void
test_chaos_txt(void **state)
{
	size_t at;

	(void)state;
	build_chaos_answer(&b, "hostname.bind", "ns1.kptc.kp", 11, 1);
	assert_int_equal(tw_wire_parse(b.buf, b.len, &msg), 0);
	assert_int_equal(msg.qclass, 3);
	assert_true(msg.has_txt);
	assert_string_equal(msg.txt_name, "hostname.bind");
	assert_int_equal(msg.txt_class, 3);
	assert_int_equal(msg.txt_len, 11);
	assert_memory_equal(msg.txt, "ns1.kptc.kp", 11);

	/* Several strings: the first is kept. */
	build_chaos_answer(&b, "id.server", "a", 1, 3);
	assert_int_equal(tw_wire_parse(b.buf, b.len, &msg), 0);
	assert_true(msg.has_txt);
	assert_int_equal(msg.txt_len, 1);
	assert_memory_equal(msg.txt, "a", 1);

	/* A string that claims more than its RDATA holds: malformed. */
	build_chaos_answer(&b, "id.server", "abc", 3, 1);
	b.buf[b.len - 4] = 4;
	assert_int_equal(tw_wire_parse(b.buf, b.len, &msg), -1);
	assert_string_equal(msg.error, "TXT string runs past its RDATA");

	/* A TXT record in the authority section is not an answer. */
	wb_header(&b, 7, WB_QR | WB_AA, 1, 0, 1, 0);
	wb_question(&b, "kp", WB_SOA);
	at = wb_rr_begin(&b, "kp", WB_TXT);
	wb_label(&b, "x", 1);
	wb_rr_end(&b, at);
	assert_int_equal(tw_wire_parse(b.buf, b.len, &msg), 0);
	assert_false(msg.has_txt);
}

/* Hostile bytes come through raw and whole, with their lengths: escaping is the outputs' job. */
static void
test_hostile_nsid_and_txt(void **state)
{
	static const char *const hostile[] = {
		"a\x01\x1b[31mred\x7f",
		"\"quoted\" \\ 'single'",
		"<script>alert(1)</script>",
		"\xff\xfe\xc3\x28 not UTF-8",
	};
	uint8_t opts[4 + 300], big[255];
	char text[TW_WIRE_BYTES_TEXT_MAX];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		n = strlen(hostile[i]);
		opts[0] = 0;
		opts[1] = 3;
		opts[2] = 0;
		opts[3] = (uint8_t)n;
		memcpy(opts + 4, hostile[i], n);
		build_opt_answer(&b, opts, 4 + n);
		assert_int_equal(tw_wire_parse(b.buf, b.len, &msg), 0);
		assert_int_equal(msg.nsid_len, n);
		assert_memory_equal(msg.nsid, hostile[i], n);
		build_chaos_answer(&b, "hostname.bind", hostile[i], n, 1);
		assert_int_equal(tw_wire_parse(b.buf, b.len, &msg), 0);
		assert_int_equal(msg.txt_len, n);
		assert_memory_equal(msg.txt, hostile[i], n);
	}

	/* NUL bytes are bytes: kept, and the length says where the value ends. */
	build_chaos_answer(&b, "hostname.bind", "a\0b", 3, 1);
	assert_int_equal(tw_wire_parse(b.buf, b.len, &msg), 0);
	assert_int_equal(msg.txt_len, 3);
	assert_memory_equal(msg.txt, "a\0b", 3);

	/* The longest TXT string, every byte value. */
	for (i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i + 1);
	build_chaos_answer(&b, "hostname.bind", big, sizeof(big), 1);
	assert_int_equal(tw_wire_parse(b.buf, b.len, &msg), 0);
	assert_int_equal(msg.txt_len, 255);
	assert_memory_equal(msg.txt, big, 255);

	/* Their presentation form: nothing but printable ASCII, reversible. */
	assert_string_equal(tw_wire_bytes_text((const uint8_t *)hostile[0], strlen(hostile[0]),
	    text), "a\\001\\027[31mred\\127");
	assert_string_equal(tw_wire_bytes_text((const uint8_t *)hostile[1], strlen(hostile[1]),
	    text), "\"quoted\" \\\\ 'single'");
	assert_string_equal(tw_wire_bytes_text((const uint8_t *)hostile[2], strlen(hostile[2]),
	    text), "<script>alert(1)</script>");
	assert_string_equal(tw_wire_bytes_text((const uint8_t *)hostile[3], strlen(hostile[3]),
	    text), "\\255\\254\\195( not UTF-8");
	assert_string_equal(tw_wire_bytes_text((const uint8_t *)"a\0b", 3, text), "a\\000b");
	tw_wire_bytes_text(big, sizeof(big), text);
	/* 1..31 and 127..255 as \DDD, 0x5c as two backslashes, the other 94 of 0x20..0x7e as they are */
	assert_int_equal(strlen(text), 31 * 4 + 2 + 94 + 129 * 4);
	for (i = 0; text[i] != '\0'; i++)
		assert_true(text[i] >= 0x20 && text[i] < 0x7f);
	assert_int_equal(strncmp(text, "\\001\\002", 8), 0);
	assert_string_equal(text + strlen(text) - 8, "\\254\\255");
	/* 300 bytes: the first 255 */
	memset(opts, 'x', 300);
	assert_int_equal(strlen(tw_wire_bytes_text(opts, 300, text)), 255);

	/* An NSID longer than we keep: its first TW_WIRE_NSID_MAX bytes, and its real length. */
	opts[0] = 0;
	opts[1] = 3;
	opts[2] = 0x01;
	opts[3] = 0x2C;		/* 300 */
	for (i = 0; i < 300; i++)
		opts[4 + i] = (uint8_t)('a' + i % 26);
	build_opt_answer(&b, opts, sizeof(opts));
	assert_int_equal(tw_wire_parse(b.buf, b.len, &msg), 0);
	assert_int_equal(msg.nsid_len, 300);
	assert_memory_equal(msg.nsid, opts + 4, TW_WIRE_NSID_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_bits),
		cmocka_unit_test(test_short_header),
		cmocka_unit_test(test_full_response),
		cmocka_unit_test(test_root_and_no_question),
		cmocka_unit_test(test_two_questions),
		cmocka_unit_test(test_many_records),
		cmocka_unit_test(test_every_kept_field_written),
		cmocka_unit_test(test_trailing_bytes_accepted),
		cmocka_unit_test(test_name_escapes),
		cmocka_unit_test(test_name_length_limits),
		cmocka_unit_test(test_hop_limit),
		cmocka_unit_test(test_broken_messages),
		cmocka_unit_test(test_soa_20),
		cmocka_unit_test(test_lying_counts_keep_state),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_subdomain),
		cmocka_unit_test(test_build_query),
		cmocka_unit_test(test_build_query_edns),
		cmocka_unit_test(test_nsid_in_response),
		cmocka_unit_test(test_opt_broken),
		cmocka_unit_test(test_chaos_txt),
		cmocka_unit_test(test_hostile_nsid_and_txt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
