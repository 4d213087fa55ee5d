/*
 * transport.h -- how a query travels to a server: UDP or TCP.
 *
 * Beside endpoint.h: a server row is an endpoint plus a transport.
 */
#ifndef TLDWATCH_TRANSPORT_H
#define TLDWATCH_TRANSPORT_H

#include <stdint.h>

enum tw_transport {
	TW_TRANSPORT_UDP = 0,
	TW_TRANSPORT_TCP = 1,
};
#define TW_TRANSPORT_COUNT 2

/* tw_transport_str(t): "udp", "tcp" ("invalid" for anything else). */
const char *tw_transport_str(enum tw_transport t);

/* tw_transport_from_str(s, out): the transport named ${s}; 0, or -1 when none is. */
int tw_transport_from_str(const char *s, enum tw_transport *out);

/*
 * tw_transport_server_hash(address, port, t):
 * The hash (hash.h) of a server (address, port, transport): how the engine's servers, a
 * round's identities and a watcher's identity memo find theirs.
 */
uint64_t tw_transport_server_hash(const char *address, uint16_t port, enum tw_transport t);

#endif
