/*
 * transport.h -- how a query travels to a server: UDP or TCP.
 *
 * Beside endpoint.h: a server row is an endpoint plus a transport.
 */
#ifndef TLDWATCH_TRANSPORT_H
#define TLDWATCH_TRANSPORT_H

enum tw_transport {
	TW_TRANSPORT_UDP = 0,
	TW_TRANSPORT_TCP = 1,
};
#define TW_TRANSPORT_COUNT 2

/* tw_transport_str(t): "udp", "tcp" ("invalid" for anything else). */
const char *tw_transport_str(enum tw_transport t);

/* tw_transport_from_str(s, out): the transport named ${s}; 0, or -1 when none is. */
int tw_transport_from_str(const char *s, enum tw_transport *out);

#endif
