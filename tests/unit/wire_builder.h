/*
 * wire_builder.h -- assemble DNS messages byte by byte for the unit tests
 * of wire.c and classify.c: header, question, records, raw labels and
 * compression pointers.  Test-only; everything is static inline.
 */
#ifndef TW_TEST_WIRE_BUILDER_H
#define TW_TEST_WIRE_BUILDER_H

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define WB_QR		0x8000
#define WB_AA		0x0400
#define WB_TC		0x0200
#define WB_RD		0x0100
#define WB_RA		0x0080
#define WB_OPCODE(o)	((uint16_t)(((o) & 0x0F) << 11))
#define WB_RCODE(r)	((uint16_t)((r) & 0x0F))

enum {
	WB_A = 1, WB_NS = 2, WB_CNAME = 5, WB_SOA = 6, WB_MX = 15, WB_TXT = 16,
	WB_AAAA = 28
};

struct wb {
	uint8_t buf[8192];
	size_t len;
	int overflow;		/* set when a write did not fit: a bug in the test */
};

static inline void
wb_u8(struct wb *b, unsigned v)
{

	if (b->len < sizeof(b->buf))
		b->buf[b->len++] = (uint8_t)v;
	else
		b->overflow = 1;
}

static inline void
wb_u16(struct wb *b, unsigned v)
{

	wb_u8(b, (v >> 8) & 0xFF);
	wb_u8(b, v & 0xFF);
}

static inline void
wb_u32(struct wb *b, uint32_t v)
{

	wb_u16(b, v >> 16);
	wb_u16(b, v & 0xFFFF);
}

static inline void
wb_bytes(struct wb *b, const void *p, size_t n)
{
	const uint8_t *q = p;
	size_t i;

	for (i = 0; i < n; i++)
		wb_u8(b, q[i]);
}

static inline void
wb_set16(struct wb *b, size_t at, unsigned v)
{

	b->buf[at] = (uint8_t)(v >> 8);
	b->buf[at + 1] = (uint8_t)v;
}

/* Start a message: 12-byte header. */
static inline void
wb_header(struct wb *b, uint16_t id, uint16_t flags, unsigned qd, unsigned an,
    unsigned ns, unsigned ar)
{

	b->len = 0;
	b->overflow = 0;
	wb_u16(b, id);
	wb_u16(b, flags);
	wb_u16(b, qd);
	wb_u16(b, an);
	wb_u16(b, ns);
	wb_u16(b, ar);
}

static inline void
wb_counts(struct wb *b, unsigned qd, unsigned an, unsigned ns, unsigned ar)
{

	wb_set16(b, 4, qd);
	wb_set16(b, 6, an);
	wb_set16(b, 8, ns);
	wb_set16(b, 10, ar);
}

/* One label from raw bytes (any length byte, even an invalid one). */
static inline void
wb_label(struct wb *b, const void *p, size_t n)
{

	wb_u8(b, (unsigned)n);
	wb_bytes(b, p, n);
}

/* The labels of a dotted name (no escapes), without the root byte. */
static inline void
wb_labels(struct wb *b, const char *dotted)
{
	const char *s = dotted, *dot;

	while (*s != '\0') {
		dot = strchr(s, '.');
		if (dot == NULL)
			dot = s + strlen(s);
		wb_label(b, s, (size_t)(dot - s));
		s = *dot == '.' ? dot + 1 : dot;
	}
}

/* A full uncompressed name; returns its offset for later pointers. */
static inline size_t
wb_name(struct wb *b, const char *dotted)
{
	size_t at = b->len;

	wb_labels(b, dotted);
	wb_u8(b, 0);
	return at;
}

static inline void
wb_ptr(struct wb *b, size_t off)
{

	wb_u16(b, 0xC000 | (unsigned)off);
}

static inline void
wb_question(struct wb *b, const char *name, unsigned type)
{

	wb_name(b, name);
	wb_u16(b, type);
	wb_u16(b, 1);
}

/* Owner name then the fixed fields, RDLENGTH 0 for now; returns where RDLENGTH is. */
static inline size_t
wb_rr_begin(struct wb *b, const char *owner, unsigned type)
{
	size_t at;

	wb_name(b, owner);
	wb_u16(b, type);
	wb_u16(b, 1);
	wb_u32(b, 3600);
	at = b->len;
	wb_u16(b, 0);
	return at;
}

/* Same, with the owner given as a compression pointer. */
static inline size_t
wb_rr_begin_ptr(struct wb *b, size_t owner_off, unsigned type)
{
	size_t at;

	wb_ptr(b, owner_off);
	wb_u16(b, type);
	wb_u16(b, 1);
	wb_u32(b, 3600);
	at = b->len;
	wb_u16(b, 0);
	return at;
}

/* Patch RDLENGTH to cover everything written since wb_rr_begin. */
static inline void
wb_rr_end(struct wb *b, size_t at)
{

	wb_set16(b, at, (unsigned)(b->len - at - 2));
}

static inline void
wb_rr_a(struct wb *b, const char *owner, const char *addr)
{
	uint8_t a[4];
	size_t at = wb_rr_begin(b, owner, WB_A);

	if (inet_pton(AF_INET, addr, a) != 1)
		b->overflow = 1;
	wb_bytes(b, a, 4);
	wb_rr_end(b, at);
}

static inline void
wb_rr_aaaa(struct wb *b, const char *owner, const char *addr)
{
	uint8_t a[16];
	size_t at = wb_rr_begin(b, owner, WB_AAAA);

	if (inet_pton(AF_INET6, addr, a) != 1)
		b->overflow = 1;
	wb_bytes(b, a, 16);
	wb_rr_end(b, at);
}

/* NS or CNAME (or any single-name RDATA) with an uncompressed target. */
static inline void
wb_rr_name(struct wb *b, const char *owner, unsigned type, const char *target)
{
	size_t at = wb_rr_begin(b, owner, type);

	wb_name(b, target);
	wb_rr_end(b, at);
}

static inline void
wb_rr_soa(struct wb *b, const char *owner, const char *mname, const char *rname,
    uint32_t serial)
{
	size_t at = wb_rr_begin(b, owner, WB_SOA);

	wb_name(b, mname);
	wb_name(b, rname);
	wb_u32(b, serial);
	wb_u32(b, 3600);	/* refresh */
	wb_u32(b, 900);		/* retry */
	wb_u32(b, 604800);	/* expire */
	wb_u32(b, 300);		/* minimum */
	wb_rr_end(b, at);
}

#endif
