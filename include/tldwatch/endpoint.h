/*
 * endpoint.h -- a DNS server written as NAME=ADDRESS[:PORT].
 *
 * Roots and pinned servers are configured as strings such as
 * "a.root-servers.net=198.41.0.4", "127.45.176.15:10053",
 * "ns1.example=[::1]:10053" or "::1".  The address is always numeric (no
 * name lookups happen while parsing).  Port 0 means "use probe.port".
 */
#ifndef TLDWATCH_ENDPOINT_H
#define TLDWATCH_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tldwatch/error.h"

#define TW_ADDRSTRLEN 46 /* INET6_ADDRSTRLEN */

struct tw_endpoint {
	char *name;                    /* server name, lower case, no trailing dot; NULL if none */
	char address[TW_ADDRSTRLEN];   /* canonical numeric form (inet_ntop) */
	int family;                    /* AF_INET or AF_INET6 */
	uint16_t port;                 /* 0 = probe.port */
};

/*
 * tw_endpoint_parse(text, ep, err):
 * Parse ${text} into ${ep} (ep->name is malloc'd, or NULL).  On failure
 * return -1 with a short reason in err->msg (no file or position: the
 * caller knows where the text came from); ${err} may be NULL.
 */
int tw_endpoint_parse(const char *text, struct tw_endpoint *ep, struct tw_error *err);

/*
 * tw_endpoint_parse_listen(text, ep, err):
 * A local address to listen on: "PORT" (binds 127.0.0.1),
 * "ADDRESS:PORT" or "[ADDRESS]:PORT"; numeric addresses only, the port is
 * required (1..65535).  Same address and port rules as
 * tw_endpoint_parse; ep->name stays NULL.  Returns 0, or -1 with a reason
 * in err->msg.
 */
int tw_endpoint_parse_listen(const char *text, struct tw_endpoint *ep, struct tw_error *err);

/*
 * tw_endpoint_is_loopback(ep):
 * True when the address is in 127.0.0.0/8 or is ::1.
 */
bool tw_endpoint_is_loopback(const struct tw_endpoint *ep);

/* tw_endpoint_address_is_loopback(address): same test on a numeric address string. */
bool tw_endpoint_address_is_loopback(const char *address);

/*
 * tw_endpoint_format(ep, buf, len):
 * Write ${ep} back in the NAME=ADDRESS[:PORT] syntax (IPv6 in brackets
 * when a port is given).  Returns ${buf}.
 */
char *tw_endpoint_format(const struct tw_endpoint *ep, char *buf, size_t len);

/* tw_endpoint_clear(ep): free ep->name; leaves the struct zeroed. */
void tw_endpoint_clear(struct tw_endpoint *ep);

/*
 * tw_endpoint_name_dup(text, len, err):
 * Check the ${len} bytes at ${text} as a DNS name: labels of 1..63
 * letters, digits, '-' or '_', at most 253 characters, "." is the root.
 * Returns a malloc'd copy in lower case without the trailing dot ("" for
 * the root), or NULL with a short reason in err->msg (${err} may be NULL).  Shared by the
 * endpoint and config parsers so that both accept the same names.
 */
char *tw_endpoint_name_dup(const char *text, size_t len, struct tw_error *err);

#endif
