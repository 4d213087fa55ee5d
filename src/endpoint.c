/*
 * endpoint.c -- DNS servers written as NAME=ADDRESS[:PORT], and the DNS
 * name check shared with the config parser.  Addresses are numeric only.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tldwatch/endpoint.h"
#include "tldwatch/escape.h"
#include "tldwatch/error.h"

#define NAME_MAX_LEN 253
#define LABEL_MAX_LEN 63
#define SHOW_MAX 64		/* bytes of user text quoted in a reason */

/* User text in a reason: escaped, in quotes by the caller, cut after SHOW_MAX bytes. */
static const char *
show(char *buf, size_t len, const char *s, size_t n)
{
	return tw_escape_message(buf, len, s, n, SHOW_MAX, false);
}

static int
name_char_ok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

char *
tw_endpoint_name_dup(const char *text, size_t len, struct tw_error *err)
{
	char shown[TW_ESCAPE_MESSAGE_LEN(SHOW_MAX)];
	char *name;
	size_t i, label = 0;

	if (text == NULL || len == 0) {
		tw_error_set(err, NULL, 0, 0, "empty name");
		return NULL;
	}
	if (len == 1 && text[0] == '.') {
		if ((name = strdup("")) == NULL)
			tw_error_set(err, NULL, 0, 0, "out of memory");
		return name;
	}
	if (text[len - 1] == '.')
		len--;
	if (len > NAME_MAX_LEN) {
		tw_error_set(err, NULL, 0, 0, "name \"%s\" is longer than %d characters",
		    show(shown, sizeof(shown), text, len), NAME_MAX_LEN);
		return NULL;
	}
	if ((name = malloc(len + 1)) == NULL) {
		tw_error_set(err, NULL, 0, 0, "out of memory");
		return NULL;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (c == '.') {
			if (label == 0)
				goto empty_label;
			label = 0;
		} else if (name_char_ok(c)) {
			if (++label > LABEL_MAX_LEN) {
				tw_error_set(err, NULL, 0, 0, "label in \"%s\" is longer than %d characters",
				    show(shown, sizeof(shown), text, len), LABEL_MAX_LEN);
				goto fail;
			}
		} else {
			if (c >= 0x20 && c < 0x7f)
				tw_error_set(err, NULL, 0, 0, "bad character '%c' in name \"%s\"",
				    c, show(shown, sizeof(shown), text, len));
			else
				tw_error_set(err, NULL, 0, 0, "bad character 0x%02x in name \"%s\"",
				    c, show(shown, sizeof(shown), text, len));
			goto fail;
		}
		name[i] = (char)c;
	}
	if (label == 0)
		goto empty_label;
	name[len] = '\0';
	return name;

empty_label:
	tw_error_set(err, NULL, 0, 0, "empty label in name \"%s\"", show(shown, sizeof(shown), text, len));
fail:
	free(name);
	return NULL;
}

/* A port given in the text: decimal digits only, 1..65535. */
static int
parse_port(const char *s, uint16_t *port, struct tw_error *err)
{
	char shown[TW_ESCAPE_MESSAGE_LEN(SHOW_MAX)];
	unsigned long v = 0;
	const char *p;

	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || v > 65535)
			goto bad;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (p == s || v == 0 || v > 65535)
		goto bad;
	*port = (uint16_t)v;
	return 0;
bad:
	tw_error_set(err, NULL, 0, 0, "bad port \"%s\" (expected 1..65535)",
	    show(shown, sizeof(shown), s, strlen(s)));
	return -1;
}

/*
 * ADDRESS, ADDRESS:PORT or [IPv6]:PORT at ${addr} into ep->address,
 * ep->family and ep->port (0 when none is given).  A bare IPv6 address
 * has no port; with ${need_port}, a port must be given.
 */
static int
parse_address(const char *addr, struct tw_endpoint *ep, bool need_port, struct tw_error *err)
{
	char shown[TW_ESCAPE_MESSAGE_LEN(SHOW_MAX)];
	char host[TW_ADDRSTRLEN + 1];
	unsigned char bin[sizeof(struct in6_addr)];
	const char *end, *port = NULL, *p;
	size_t colons = 0, hostlen;
	int family;
	bool bracket = false;

	if (addr[0] == '[') {
		/* [IPv6]:PORT; the brackets are what make a port possible. */
		bracket = true;
		addr++;
		if ((end = strchr(addr, ']')) == NULL) {
			tw_error_set(err, NULL, 0, 0, "missing \"]\" after \"[%s\"",
			    show(shown, sizeof(shown), addr, strlen(addr)));
			return -1;
		}
		if (end[1] == ':')
			port = end + 2;
		else if (end[1] != '\0') {
			tw_error_set(err, NULL, 0, 0, "expected \":PORT\" after \"]\", got \"%s\"",
			    show(shown, sizeof(shown), end + 1, strlen(end + 1)));
			return -1;
		}
	} else {
		/* One colon: IPv4:PORT.  More: a bare IPv6 address, no port. */
		for (p = addr; *p != '\0'; p++)
			if (*p == ':')
				colons++;
		end = addr + strlen(addr);
		if (colons == 1) {
			end = strchr(addr, ':');
			port = end + 1;
		}
	}

	hostlen = (size_t)(end - addr);
	if (hostlen == 0 || hostlen >= sizeof(host))
		goto not_numeric;
	memcpy(host, addr, hostlen);
	host[hostlen] = '\0';
	if (!bracket && colons < 2 && inet_pton(AF_INET, host, bin) == 1)
		family = AF_INET;
	else if ((bracket || colons >= 2) && inet_pton(AF_INET6, host, bin) == 1)
		family = AF_INET6;
	else
		goto not_numeric;

	if (port == NULL && need_port) {
		tw_error_set(err, NULL, 0, 0, "missing port after \"%s\"%s",
		    show(shown, sizeof(shown), addr, hostlen),
		    family == AF_INET6 && !bracket ? " (an IPv6 address takes brackets: "
		    "[ADDRESS]:PORT)" : "");
		return -1;
	}
	if (port != NULL && parse_port(port, &ep->port, err) == -1)
		return -1;
	if (inet_ntop(family, bin, ep->address, sizeof(ep->address)) == NULL) {
		tw_error_set(err, NULL, 0, 0, "cannot format address \"%s\"", host);
		return -1;
	}
	ep->family = family;
	return 0;

not_numeric:
	if (bracket)
		tw_error_set(err, NULL, 0, 0, "\"%s\" is not a numeric IPv6 address",
		    show(shown, sizeof(shown), addr, hostlen));
	else
		tw_error_set(err, NULL, 0, 0, "\"%s\" is not a numeric IPv4 or IPv6 address",
		    show(shown, sizeof(shown), addr, hostlen));
	return -1;
}

int
tw_endpoint_parse(const char *text, struct tw_endpoint *ep, struct tw_error *err)
{
	const char *eq, *addr;
	char *name = NULL;
	struct tw_error name_err;

	if (ep == NULL)
		return -1;
	memset(ep, 0, sizeof(*ep));
	if (text == NULL || *text == '\0') {
		tw_error_set(err, NULL, 0, 0, "empty server address");
		return -1;
	}
	addr = text;
	if ((eq = strchr(text, '=')) != NULL) {
		name = tw_endpoint_name_dup(text, (size_t)(eq - text), &name_err);
		if (name == NULL) {
			tw_error_set(err, NULL, 0, 0, "bad server name: %s", name_err.msg);
			return -1;
		}
		if (name[0] == '\0') {
			tw_error_set(err, NULL, 0, 0, "the root \".\" is not a server name");
			goto fail;
		}
		addr = eq + 1;
		if (*addr == '\0') {
			tw_error_set(err, NULL, 0, 0, "missing address after \"=\"");
			goto fail;
		}
	}
	if (parse_address(addr, ep, false, err) == -1)
		goto fail;
	ep->name = name;
	return 0;

fail:
	free(name);
	memset(ep, 0, sizeof(*ep));
	return -1;
}

int
tw_endpoint_parse_listen(const char *text, struct tw_endpoint *ep, struct tw_error *err)
{
	const char *p;

	if (ep == NULL)
		return -1;
	memset(ep, 0, sizeof(*ep));
	if (text == NULL || *text == '\0') {
		tw_error_set(err, NULL, 0, 0, "empty listen address");
		return -1;
	}
	for (p = text; *p >= '0' && *p <= '9'; p++)
		;
	if (*p == '\0') {
		/* A bare port: loopback only, never every interface by accident. */
		if (parse_port(text, &ep->port, err) == -1)
			goto fail;
		snprintf(ep->address, sizeof(ep->address), "127.0.0.1");
		ep->family = AF_INET;
		return 0;
	}
	if (parse_address(text, ep, true, err) == 0)
		return 0;
fail:
	memset(ep, 0, sizeof(*ep));
	return -1;
}

bool
tw_endpoint_address_is_loopback(const char *address)
{
	unsigned char b[sizeof(struct in6_addr)];
	static const unsigned char v4mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};
	size_t i;

	if (address == NULL)
		return false;
	if (inet_pton(AF_INET, address, b) == 1)
		return b[0] == 127;
	if (inet_pton(AF_INET6, address, b) != 1)
		return false;
	/* ::ffff:127.x.y.z reaches 127/8 on a dual-stack socket. */
	if (memcmp(b, v4mapped, sizeof(v4mapped)) == 0)
		return b[12] == 127;
	for (i = 0; i < 15; i++)
		if (b[i] != 0)
			return false;
	return b[15] == 1;
}

bool
tw_endpoint_is_loopback(const struct tw_endpoint *ep)
{
	return ep != NULL && tw_endpoint_address_is_loopback(ep->address);
}

char *
tw_endpoint_format(const struct tw_endpoint *ep, char *buf, size_t len)
{
	const char *name, *eq;

	if (buf == NULL || len == 0)
		return buf;
	if (ep == NULL) {
		buf[0] = '\0';
		return buf;
	}
	name = ep->name != NULL && ep->name[0] != '\0' ? ep->name : "";
	eq = name[0] != '\0' ? "=" : "";
	if (ep->port == 0)
		snprintf(buf, len, "%s%s%s", name, eq, ep->address);
	else if (ep->family == AF_INET6)
		snprintf(buf, len, "%s%s[%s]:%u", name, eq, ep->address, (unsigned)ep->port);
	else
		snprintf(buf, len, "%s%s%s:%u", name, eq, ep->address, (unsigned)ep->port);
	return buf;
}

void
tw_endpoint_clear(struct tw_endpoint *ep)
{
	if (ep == NULL)
		return;
	free(ep->name);
	memset(ep, 0, sizeof(*ep));
}
