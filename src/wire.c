/*
 * wire.c -- a bounds-checked, single-pass walker over one raw DNS message,
 * the label-wise subdomain test and a small query builder.  Pure C: no
 * allocation, no c-ares (names are decoded here, not by ares_expand_name).
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "tldwatch/wire.h"

#define HDR_LEN		12
#define MAX_LABEL	63
#define MAX_NAME_WIRE	255
#define MAX_HOPS	128
#define FIXED_RR_LEN	10
#define SOA_TAIL_LEN	20

#define T_A		1
#define T_NS		2
#define T_CNAME		5
#define T_SOA		6
#define T_TXT		TW_WIRE_TYPE_TXT
#define T_AAAA		28
#define T_OPT		TW_WIRE_TYPE_OPT
#define OPT_RR_LEN	11	/* root name, TYPE, CLASS, TTL, RDLENGTH */
#define OPTION_HDR_LEN	4	/* OPTION-CODE, OPTION-LENGTH */

static uint16_t
get16(const uint8_t *p)
{

	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{

	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

/* Append one label byte in presentation form: [a-z0-9-_*] as is, all else \DDD. */
static size_t
put_label_byte(char *out, size_t o, uint8_t c)
{

	if (c >= 'A' && c <= 'Z')
		c = (uint8_t)(c - 'A' + 'a');
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '_' || c == '*') {
		out[o++] = (char)c;
		return o;
	}
	out[o++] = '\\';
	out[o++] = (char)('0' + c / 100);
	out[o++] = (char)('0' + c / 10 % 10);
	out[o++] = (char)('0' + c % 10);
	return o;
}

/*
 * Read the name at *offp into ${out} (TW_NAME_TEXT_MAX bytes, or NULL to
 * only walk it) and move *offp past the name as it sits in place.  Every
 * compression pointer must point strictly before the start of the run of
 * labels that holds it (hence before the name's own start), so a pointer
 * chain can only move backwards and cannot loop; the hop cap is a second
 * guard.  Pointers into the 12-byte header are rejected too: no name can
 * live there.
 */
static int
read_name(const uint8_t *buf, size_t len, size_t *offp, char *out, const char **err)
{
	size_t pos = *offp;	/* next length byte */
	size_t run = pos;	/* start of the run of labels being read */
	size_t end = 0;		/* offset just past the name in place */
	bool jumped = false;
	size_t wire = 0;	/* wire length so far, without the root byte */
	size_t o = 0;		/* text written */
	unsigned hops = 0;
	uint8_t c;

	for (;;) {
		if (pos >= len) {
			*err = "name runs past the end of the message";
			goto fail;
		}
		c = buf[pos];
		if ((c & 0xC0) == 0xC0) {
			size_t target;

			if (len - pos < 2) {
				*err = "compression pointer cut short";
				goto fail;
			}
			target = ((size_t)(c & 0x3F) << 8) | buf[pos + 1];
			if (target >= len) {
				*err = "compression pointer past the end of the message";
				goto fail;
			}
			if (target >= run) {
				*err = "compression pointer does not point backwards";
				goto fail;
			}
			if (target < HDR_LEN) {
				*err = "compression pointer into the header";
				goto fail;
			}
			if (++hops > MAX_HOPS) {
				*err = "too many compression pointers";
				goto fail;
			}
			if (!jumped) {
				end = pos + 2;
				jumped = true;
			}
			pos = run = target;
			continue;
		}
		if (c & 0xC0) {
			*err = "reserved label type";
			goto fail;
		}
		if (c == 0) {
			if (!jumped)
				end = pos + 1;
			break;
		}
		/* c <= 63 here: the two top bits are clear. */
		wire += 1 + (size_t)c;
		if (wire + 1 > MAX_NAME_WIRE) {
			*err = "name longer than 255 bytes";
			goto fail;
		}
		if (len - pos - 1 < c) {
			*err = "label runs past the end of the message";
			goto fail;
		}
		if (out != NULL) {
			size_t i;

			/* Cannot trigger (255 wire bytes give < 1010 chars); kept as a guard. */
			if (o + 1 + 4 * (size_t)c >= TW_NAME_TEXT_MAX) {
				*err = "name too long as text";
				goto fail;
			}
			if (o != 0)
				out[o++] = '.';
			for (i = 1; i <= c; i++)
				o = put_label_byte(out, o, buf[pos + i]);
		}
		pos += 1 + (size_t)c;
	}
	if (out != NULL)
		out[o] = '\0';
	*offp = end;
	return 0;

fail:
	if (out != NULL)
		out[0] = '\0';
	return -1;
}

/* Decode the RDATA of ${type} in [off, rdend) into ${rr} (may be NULL: walk only). */
static int
read_rdata(const uint8_t *buf, size_t len, size_t off, size_t rdend, uint16_t type,
    struct tw_wire_rr *rr, const char **err)
{
	char *target = rr != NULL ? rr->target : NULL;
	size_t p = off;

	switch (type) {
	case T_A:
	case T_AAAA:
		if (rdend - off != (type == T_A ? 4u : 16u)) {
			*err = type == T_A ? "A record with RDLENGTH other than 4" :
			    "AAAA record with RDLENGTH other than 16";
			return -1;
		}
		if (target != NULL && inet_ntop(type == T_A ? AF_INET : AF_INET6, buf + off,
		    target, TW_NAME_TEXT_MAX) == NULL) {
			*err = "address not printable";
			return -1;
		}
		break;
	case T_NS:
	case T_CNAME:
		if (read_name(buf, len, &p, target, err) == -1)
			return -1;
		if (p != rdend) {
			*err = "NS/CNAME target does not fill its RDATA";
			return -1;
		}
		break;
	case T_SOA:
		if (read_name(buf, len, &p, target, err) == -1 ||
		    read_name(buf, len, &p, NULL, err) == -1)
			return -1;
		if (p > rdend || rdend - p != SOA_TAIL_LEN) {
			*err = "SOA RDATA of the wrong length";
			return -1;
		}
		if (rr != NULL)
			rr->serial = get32(buf + p);
		break;
	default:
		/* Not needed by anyone: skipped, its length already checked. */
		break;
	}
	return 0;
}

/*
 * The OPT record at [off, rdend) (RFC 6891): its options are walked and
 * checked against its RDATA; the first NSID option is kept in ${msg}.
 * Only the first OPT record of a message counts (RFC 6891 makes a second
 * one a FORMERR; a walker only has to stay in bounds).
 */
static int
read_opt(const uint8_t *buf, size_t off, size_t rdend, uint16_t rclass, uint32_t ttl,
    struct tw_wire_msg *msg, const char **err)
{
	bool first = !msg->has_opt;
	uint16_t code, olen;

	if (first) {
		msg->has_opt = true;
		msg->opt_udp = rclass;
		msg->opt_version = (uint8_t)(ttl >> 16);
	}
	while (off < rdend) {
		if (rdend - off < OPTION_HDR_LEN) {
			*err = "EDNS option cut short";
			return -1;
		}
		code = get16(buf + off);
		olen = get16(buf + off + 2);
		off += OPTION_HDR_LEN;
		if (olen > rdend - off) {
			*err = "EDNS option runs past its OPT record";
			return -1;
		}
		if (first && code == TW_WIRE_OPT_NSID && !msg->has_nsid) {
			msg->has_nsid = true;
			msg->nsid_len = olen;
			memcpy(msg->nsid, buf + off, olen < TW_WIRE_NSID_MAX ? olen : TW_WIRE_NSID_MAX);
		}
		off += olen;
	}
	return 0;
}

/* The first TXT record of the answer section at [off, rdend): its first character-string. */
static int
read_txt(const uint8_t *buf, size_t off, size_t rdend, const char *owner, uint16_t rclass,
    struct tw_wire_msg *msg, const char **err)
{
	size_t p = off;
	uint8_t n;

	/* One or more <length, bytes> strings fill the RDATA exactly (RFC 1035, 3.3.14). */
	while (p < rdend) {
		n = buf[p];
		if ((size_t)n > rdend - p - 1) {
			*err = "TXT string runs past its RDATA";
			return -1;
		}
		p += 1 + (size_t)n;
	}
	if (msg == NULL || msg->has_txt || rdend == off)
		return 0;
	msg->has_txt = true;
	msg->txt_class = rclass;
	if (owner != NULL)
		memcpy(msg->txt_name, owner, strlen(owner) + 1);
	else
		msg->txt_name[0] = '\0';
	msg->txt_len = buf[off];
	memcpy(msg->txt, buf + off + 1, buf[off]);
	return 0;
}

/* Walk ${n} records from *offp, keeping the first TW_WIRE_MAX_RR in ${sec}. */
static int
read_section(const uint8_t *buf, size_t len, size_t *offp, uint16_t n,
    struct tw_wire_section *sec, struct tw_wire_msg *msg, const char **err)
{
	char owner[TW_NAME_TEXT_MAX];
	size_t off = *offp;
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct tw_wire_rr *rr = NULL;
		uint16_t type, rclass, rdlen;
		uint32_t ttl;

		if (off == len) {
			*err = "fewer records than the header counts";
			goto fail;
		}
		if (sec->kept < TW_WIRE_MAX_RR) {
			rr = &sec->rr[sec->kept];
			/* Written here so that every kept field is set whatever the type. */
			rr->target[0] = '\0';
			rr->serial = 0;
		}
		if (read_name(buf, len, &off, rr != NULL ? rr->name : owner, err) == -1)
			goto fail;
		if (len - off < FIXED_RR_LEN) {
			*err = "record cut short";
			goto fail;
		}
		type = get16(buf + off);
		rclass = get16(buf + off + 2);
		ttl = get32(buf + off + 4);
		rdlen = get16(buf + off + 8);
		off += FIXED_RR_LEN;
		if (rdlen > len - off) {
			*err = "RDATA runs past the end of the message";
			goto fail;
		}
		if (read_rdata(buf, len, off, off + rdlen, type, rr, err) == -1)
			goto fail;
		/* OPT lives in the additional section, TXT answers in the answer section. */
		if (type == T_OPT && sec == &msg->additional &&
		    read_opt(buf, off, off + rdlen, rclass, ttl, msg, err) == -1)
			goto fail;
		if (type == T_TXT && read_txt(buf, off, off + rdlen, rr != NULL ? rr->name : owner,
		    rclass, sec == &msg->answer ? msg : NULL, err) == -1)
			goto fail;
		off += rdlen;
		if (rr != NULL) {
			rr->type = type;
			rr->rclass = rclass;
			rr->ttl = ttl;
			sec->kept++;
		}
		sec->count++;
	}
	*offp = off;
	return 0;

fail:
	*offp = off;
	return -1;
}

static void
reset_section(struct tw_wire_section *sec)
{

	/* rr[] is large: only the counts are reset, records are written as kept. */
	sec->count = 0;
	sec->kept = 0;
}

static void
reset_msg(struct tw_wire_msg *msg)
{

	msg->id = 0;
	msg->qr = msg->aa = msg->tc = msg->rd = msg->ra = false;
	msg->opcode = 0;
	msg->rcode = 0;
	msg->qdcount = msg->ancount = msg->nscount = msg->arcount = 0;
	msg->has_question = false;
	msg->qname[0] = '\0';
	msg->qtype = msg->qclass = 0;
	reset_section(&msg->answer);
	reset_section(&msg->authority);
	reset_section(&msg->additional);
	msg->has_opt = false;
	msg->opt_udp = 0;
	msg->opt_version = 0;
	msg->has_nsid = false;
	msg->nsid_len = 0;
	msg->has_txt = false;
	msg->txt_name[0] = '\0';
	msg->txt_class = 0;
	msg->txt_len = 0;
	msg->error = NULL;
}

int
tw_wire_parse(const uint8_t *buf, size_t len, struct tw_wire_msg *msg)
{
	const char *err = NULL;
	size_t off = HDR_LEN;
	uint16_t flags, i;

	if (msg == NULL)
		return -1;
	reset_msg(msg);
	if (buf == NULL || len < HDR_LEN) {
		err = "short header";
		goto fail;
	}

	msg->id = get16(buf);
	flags = get16(buf + 2);
	msg->qr = (flags & 0x8000) != 0;
	msg->opcode = (uint8_t)((flags >> 11) & 0x0F);
	msg->aa = (flags & 0x0400) != 0;
	msg->tc = (flags & 0x0200) != 0;
	msg->rd = (flags & 0x0100) != 0;
	msg->ra = (flags & 0x0080) != 0;
	msg->rcode = (uint8_t)(flags & 0x0F);
	msg->qdcount = get16(buf + 4);
	msg->ancount = get16(buf + 6);
	msg->nscount = get16(buf + 8);
	msg->arcount = get16(buf + 10);

	/* The first question is kept; any further ones are walked and checked. */
	for (i = 0; i < msg->qdcount; i++) {
		if (off == len) {
			err = "fewer questions than the header counts";
			goto fail;
		}
		if (read_name(buf, len, &off, i == 0 ? msg->qname : NULL, &err) == -1)
			goto fail;
		if (len - off < 4) {
			err = "question cut short";
			goto fail;
		}
		if (i == 0) {
			msg->qtype = get16(buf + off);
			msg->qclass = get16(buf + off + 2);
			msg->has_question = true;
		}
		off += 4;
	}

	if (read_section(buf, len, &off, msg->ancount, &msg->answer, msg, &err) == -1 ||
	    read_section(buf, len, &off, msg->nscount, &msg->authority, msg, &err) == -1 ||
	    read_section(buf, len, &off, msg->arcount, &msg->additional, msg, &err) == -1)
		goto fail;

	/*
	 * Bytes after the last record are accepted on purpose: some servers
	 * and middleboxes pad responses, and nothing we classify lives there.
	 */
	return 0;

fail:
	msg->error = err;
	return -1;
}

const char *
tw_wire_bytes_text(const uint8_t *p, size_t n, char *out)
{
	size_t i, o = 0;

	if (n > 255)
		n = 255;
	for (i = 0; i < n; i++) {
		if (p[i] == '\\') {
			out[o++] = '\\';
			out[o++] = '\\';
		} else if (p[i] >= 0x20 && p[i] < 0x7f) {
			out[o++] = (char)p[i];
		} else {
			out[o++] = '\\';
			out[o++] = (char)('0' + p[i] / 100);
			out[o++] = (char)('0' + p[i] / 10 % 10);
			out[o++] = (char)('0' + p[i] % 10);
		}
	}
	out[o] = '\0';
	return out;
}

/* Characters taken by the escape at ${s} (s[0] == '\\'): \DDD, \X, or a lone '\\'. */
static size_t
escape_len(const char *s)
{

	if (s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9' &&
	    s[3] >= '0' && s[3] <= '9')
		return 4;
	return s[1] != '\0' ? 2 : 1;
}

/*
 * Length of the presentation name ${s} without an unescaped trailing dot,
 * so "kp." == "kp" and "." == "".
 */
static size_t
name_text_len(const char *s)
{
	size_t i = 0;
	bool dot = false;	/* the last character seen is an unescaped '.' */

	while (s[i] != '\0') {
		if (s[i] == '\\') {
			i += escape_len(s + i);
			dot = false;
			continue;
		}
		dot = s[i] == '.';
		i++;
	}
	return dot ? i - 1 : i;
}

bool
tw_wire_name_is_subdomain(const char *name, const char *zone)
{
	size_t nl, zl, i;

	if (name == NULL || zone == NULL)
		return false;
	nl = name_text_len(name);
	zl = name_text_len(zone);
	if (zl == 0)
		return true;

	/* Try the suffix at every label start, skipping escaped characters. */
	i = 0;
	for (;;) {
		if (nl - i == zl && strncasecmp(name + i, zone, zl) == 0)
			return true;
		if (nl - i < zl)
			return false;
		while (i < nl && name[i] != '.')
			i += name[i] == '\\' ? escape_len(name + i) : 1;
		if (i >= nl)
			return false;
		i++;	/* past the '.' */
	}
}

/*
 * Encode presentation name ${s} (\DDD and \X escapes allowed, optional
 * trailing dot, "" or "." for the root) into ${out}, at most 255 bytes.
 */
static int
encode_name(const char *s, uint8_t out[MAX_NAME_WIRE], size_t *outlen)
{
	size_t lab = 0, o = 1;	/* length byte of the current label; next byte */
	unsigned c;

	if (s[0] == '\0' || (s[0] == '.' && s[1] == '\0')) {
		out[0] = 0;
		*outlen = 1;
		return 0;
	}
	while (*s != '\0') {
		if (*s == '.') {
			if (o - lab - 1 == 0)
				return -1;	/* empty label: "a..b" or ".kp" */
			out[lab] = (uint8_t)(o - lab - 1);
			lab = o++;
			s++;
			continue;
		}
		if (*s == '\\') {
			if (s[1] >= '0' && s[1] <= '9') {
				if (!(s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9'))
					return -1;
				c = (unsigned)(s[1] - '0') * 100 + (unsigned)(s[2] - '0') * 10 +
				    (unsigned)(s[3] - '0');
				if (c > 255)
					return -1;
				s += 4;
			} else if (s[1] != '\0') {
				c = (unsigned char)s[1];
				s += 2;
			} else
				return -1;
		} else
			c = (unsigned char)*s++;
		if (o - lab - 1 >= MAX_LABEL)
			return -1;
		/* Leave room for the root byte: the whole name is <= 255 bytes. */
		if (o + 1 >= MAX_NAME_WIRE)
			return -1;
		out[o++] = (uint8_t)c;
	}
	if (o - lab - 1 == 0) {
		/* Trailing dot: the root byte takes the empty label's place. */
		out[lab] = 0;
		*outlen = lab + 1;
		return 0;
	}
	out[lab] = (uint8_t)(o - lab - 1);
	out[o++] = 0;
	*outlen = o;
	return 0;
}

int
tw_wire_build_query(uint16_t id, const char *qname, uint16_t qtype, bool rd,
    uint8_t *buf, size_t len)
{

	return tw_wire_build_query_spec(id, qname, qtype, rd, NULL, buf, len);
}

int
tw_wire_build_query_spec(uint16_t id, const char *qname, uint16_t qtype, bool rd,
    const struct tw_wire_qspec *spec, uint8_t *buf, size_t len)
{
	uint8_t name[MAX_NAME_WIRE];
	uint16_t qclass = spec != NULL && spec->qclass != 0 ? spec->qclass : TW_WIRE_CLASS_IN;
	bool edns = spec != NULL && spec->edns_udp != 0;
	bool nsid = edns && spec->nsid;
	size_t nlen, need, o;

	if (qname == NULL || buf == NULL)
		return -1;
	if (encode_name(qname, name, &nlen) == -1)
		return -1;
	need = HDR_LEN + nlen + 4;
	if (edns)
		need += OPT_RR_LEN + (nsid ? OPTION_HDR_LEN : 0);
	if (len < need)
		return -1;

	memset(buf, 0, HDR_LEN);
	buf[0] = (uint8_t)(id >> 8);
	buf[1] = (uint8_t)id;
	buf[2] = rd ? 0x01 : 0x00;	/* QR=0, opcode QUERY, RD as asked */
	buf[5] = 1;			/* QDCOUNT */
	memcpy(buf + HDR_LEN, name, nlen);
	buf[HDR_LEN + nlen] = (uint8_t)(qtype >> 8);
	buf[HDR_LEN + nlen + 1] = (uint8_t)qtype;
	buf[HDR_LEN + nlen + 2] = (uint8_t)(qclass >> 8);
	buf[HDR_LEN + nlen + 3] = (uint8_t)qclass;
	if (!edns)
		return (int)need;
	buf[11] = 1;			/* ARCOUNT: the OPT record */
	o = HDR_LEN + nlen + 4;
	buf[o++] = 0;			/* owner: the root */
	buf[o++] = 0;
	buf[o++] = T_OPT;
	buf[o++] = (uint8_t)(spec->edns_udp >> 8);	/* CLASS: UDP payload size */
	buf[o++] = (uint8_t)spec->edns_udp;
	buf[o++] = 0;			/* TTL: extended RCODE 0, version 0, DO clear */
	buf[o++] = 0;
	buf[o++] = 0;
	buf[o++] = 0;
	buf[o++] = 0;			/* RDLENGTH */
	buf[o++] = nsid ? OPTION_HDR_LEN : 0;
	if (nsid) {
		buf[o++] = 0;		/* OPTION-CODE NSID, OPTION-LENGTH 0 */
		buf[o++] = TW_WIRE_OPT_NSID;
		buf[o++] = 0;
		buf[o++] = 0;
	}
	return (int)need;
}
