/*
 * wire.h -- a bounds-checked walker over one raw DNS message.
 *
 * tw_wire_parse() reads the header, the question and every resource
 * record of the answer, authority and additional sections of a message
 * exactly as it came off the wire, following name compression with a hop
 * limit, and checks every length against the buffer.  It keeps a small
 * summary of what the classifier and the delegation logic need: the
 * header bits, the question, and up to TW_WIRE_MAX_RR records per section
 * (names in presentation form, lower case, no trailing dot, "" for the
 * root; A/AAAA as numeric text; NS/CNAME targets; SOA serial).  Records
 * past that limit are still walked and checked, only not kept.  Two
 * foreign byte strings are kept raw, with their lengths: the NSID option
 * (RFC 5001) of an OPT record in the additional section, and the first
 * character-string of the first TXT record of the answer section (what a
 * CHAOS "hostname.bind" or "id.server" query returns).  They may hold any
 * byte, NUL included: whoever shows them escapes them (escape.h).
 *
 * It never allocates and never reads outside [buf, buf+len).
 */
#ifndef TLDWATCH_WIRE_H
#define TLDWATCH_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TW_WIRE_MAX_RR 16
/* 255 wire bytes at most, each shown as \DDD at worst, plus NUL. */
#define TW_NAME_TEXT_MAX 1024
/* An NSID longer than this is kept cut to it (nsid_len says how long it was). */
#define TW_WIRE_NSID_MAX 255
/* A TXT character-string is at most 255 bytes. */
#define TW_WIRE_TXT_MAX 255

#define TW_WIRE_CLASS_IN 1
#define TW_WIRE_CLASS_CH 3
#define TW_WIRE_TYPE_TXT 16
/* Header RCODEs (RFC 1035 4.1.1) this program tells apart. */
#define TW_WIRE_RCODE_NOERROR 0
#define TW_WIRE_RCODE_FORMERR 1
#define TW_WIRE_RCODE_SERVFAIL 2
#define TW_WIRE_RCODE_NXDOMAIN 3
#define TW_WIRE_RCODE_NOTIMP 4
#define TW_WIRE_RCODE_REFUSED 5
#define TW_WIRE_TYPE_OPT 41
#define TW_WIRE_OPT_NSID 3
/* The UDP payload size tldwatch offers (the DNS Flag Day 2020 value). */
#define TW_WIRE_EDNS_UDP 1232

struct tw_wire_rr {
	char name[TW_NAME_TEXT_MAX]; /* owner */
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	/* decoded RDATA, by type: */
	char target[TW_NAME_TEXT_MAX]; /* NS, CNAME: target name; A/AAAA: address text; SOA: mname */
	uint32_t serial;             /* SOA only */
};

struct tw_wire_section {
	uint16_t count;              /* as walked (equals the header count when parsing succeeded) */
	uint16_t kept;               /* records stored in rr[] (<= TW_WIRE_MAX_RR) */
	struct tw_wire_rr rr[TW_WIRE_MAX_RR];
};

struct tw_wire_msg {
	uint16_t id;
	bool qr, aa, tc, rd, ra;
	uint8_t opcode;
	uint8_t rcode;               /* header RCODE (4 bits; no EDNS extension) */
	uint16_t qdcount, ancount, nscount, arcount;
	bool has_question;
	char qname[TW_NAME_TEXT_MAX];
	uint16_t qtype, qclass;
	struct tw_wire_section answer, authority, additional;
	/* EDNS: the first OPT record of the additional section, when there is one. */
	bool has_opt;
	uint16_t opt_udp;            /* its CLASS: the sender's UDP payload size */
	uint8_t opt_version;
	bool has_nsid;               /* it carries an NSID option (possibly empty) */
	uint16_t nsid_len;           /* the option's length on the wire */
	uint8_t nsid[TW_WIRE_NSID_MAX]; /* its first min(nsid_len, TW_WIRE_NSID_MAX) bytes */
	/* The first TXT record of the answer section: its owner and first string. */
	bool has_txt;
	char txt_name[TW_NAME_TEXT_MAX];
	uint16_t txt_class;
	uint8_t txt_len;
	uint8_t txt[TW_WIRE_TXT_MAX];
	const char *error;           /* static reason when parsing failed, else NULL */
};

/*
 * tw_wire_parse(buf, len, msg):
 * Walk the message in ${buf} (${len} bytes) and fill ${msg}.  Returns 0,
 * or -1 when the message is malformed (msg->error says why; the fields
 * read so far stay filled, e.g. the header of a message cut short).
 */
int tw_wire_parse(const uint8_t *buf, size_t len, struct tw_wire_msg *msg);

/* Room for tw_wire_bytes_text() of 255 bytes: 4 characters each, and the NUL. */
#define TW_WIRE_BYTES_TEXT_MAX (255 * 4 + 1)

/*
 * tw_wire_bytes_text(p, n, out):
 * The presentation form (RFC 1035 5.1, as names are shown) of the first
 * min(${n}, 255) bytes at ${p}, into ${out} (TW_WIRE_BYTES_TEXT_MAX bytes),
 * which it returns: printable ASCII as it is, a backslash doubled, any other
 * byte (control, NUL, non-ASCII) as \DDD.  For an NSID or a TXT string: no
 * byte of it reaches an output raw, and each output escapes what is special
 * to it.
 */
const char *tw_wire_bytes_text(const uint8_t *p, size_t n, char *out);

/*
 * tw_wire_name_is_subdomain(name, zone):
 * True when ${name} equals ${zone} or lies below it (label-wise,
 * case-insensitive; "" is the root and contains everything).
 */
bool tw_wire_name_is_subdomain(const char *name, const char *zone);

/*
 * tw_wire_build_query(id, qname, qtype, rd, buf, len):
 * Write a query for ${qname}/${qtype} (class IN) into ${buf}.  Returns the
 * message length, or -1 when ${qname} is invalid or ${len} too small.
 * The engine sends these through ares_send(): ares_query() would read a
 * \DDD escape as three digits.
 */
int tw_wire_build_query(uint16_t id, const char *qname, uint16_t qtype, bool rd,
    uint8_t *buf, size_t len);

/* How a query is asked beyond its name and type. */
struct tw_wire_qspec {
	uint16_t qclass;             /* 0 reads as TW_WIRE_CLASS_IN */
	uint16_t edns_udp;           /* 0: no OPT record; else one offering this UDP size */
	bool nsid;                   /* with an OPT record: ask for the NSID (an empty option) */
};

/*
 * tw_wire_build_query_spec(id, qname, qtype, rd, spec, buf, len):
 * As tw_wire_build_query(), in ${spec}'s class, with an OPT record (EDNS
 * version 0, DO clear, ARCOUNT 1) when ${spec}->edns_udp is not 0, holding
 * an empty NSID option when ${spec}->nsid.  NULL ${spec} is plain IN.
 */
int tw_wire_build_query_spec(uint16_t id, const char *qname, uint16_t qtype, bool rd,
    const struct tw_wire_qspec *spec, uint8_t *buf, size_t len);

#endif
