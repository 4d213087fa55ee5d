/*
 * transport.c -- the names of the transports, both ways.
 */
#include <string.h>

#include "tldwatch/hash.h"
#include "tldwatch/transport.h"

static const char *const names[TW_TRANSPORT_COUNT] = {
	[TW_TRANSPORT_UDP] = "udp",
	[TW_TRANSPORT_TCP] = "tcp",
};

const char *
tw_transport_str(enum tw_transport t)
{
	return (unsigned)t < TW_TRANSPORT_COUNT ? names[t] : "invalid";
}

int
tw_transport_from_str(const char *s, enum tw_transport *out)
{
	unsigned i;

	for (i = 0; i < TW_TRANSPORT_COUNT; i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (enum tw_transport)i;
			return 0;
		}
	}
	return -1;
}

uint64_t
tw_transport_server_hash(const char *address, uint16_t port, enum tw_transport t)
{
	return tw_hash_u64(tw_hash_u64(tw_hash_str(TW_HASH_SEED, address), port), (uint64_t)t);
}
