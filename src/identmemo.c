/*
 * identmemo.c -- the servers that refused their identity, and when (identmemo.h).
 */
#include <stdlib.h>
#include <string.h>

#include "tldwatch/endpoint.h"
#include "tldwatch/hash.h"
#include "tldwatch/identmemo.h"

struct entry {
	char address[TW_ADDRSTRLEN];
	uint16_t port;
	enum tw_transport transport;
	double refused_at;          /* monotonic ms */
};

struct tw_identmemo {
	struct tw_hash by_server;   /* struct entry * */
};

struct key {
	const char *address;
	uint16_t port;
	enum tw_transport transport;
};

static uint64_t
key_hash(const struct key *k)
{
	return tw_transport_server_hash(k->address, k->port, k->transport);
}

static bool
entry_eq(const void *item, const void *key)
{
	const struct entry *e = item;
	const struct key *k = key;

	return e->port == k->port && e->transport == k->transport &&
	    strcmp(e->address, k->address) == 0;
}

struct tw_identmemo *
tw_identmemo_new(void)
{
	struct tw_identmemo *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	tw_hash_init(&m->by_server);
	return m;
}

void
tw_identmemo_free(struct tw_identmemo *m)
{
	size_t pos = 0;
	struct entry *e;

	if (m == NULL)
		return;
	while ((e = tw_hash_next(&m->by_server, &pos)) != NULL)
		free(e);
	tw_hash_free(&m->by_server);
	free(m);
}

bool
tw_identmemo_skip(struct tw_identmemo *m, const char *address, uint16_t port,
    enum tw_transport tr, double now_ms, uint32_t recheck_ms)
{
	struct key k = { address, port, tr };
	uint64_t h = key_hash(&k);
	struct entry *e;

	if ((e = tw_hash_find(&m->by_server, h, entry_eq, &k)) == NULL)
		return false;
	if (now_ms - e->refused_at < (double)recheck_ms)
		return true;
	free(tw_hash_remove(&m->by_server, h, entry_eq, &k));
	return false;
}

int
tw_identmemo_refused(struct tw_identmemo *m, const char *address, uint16_t port,
    enum tw_transport tr, double now_ms)
{
	struct key k = { address, port, tr };
	uint64_t h = key_hash(&k);
	struct entry *e;

	if ((e = tw_hash_find(&m->by_server, h, entry_eq, &k)) != NULL) {
		e->refused_at = now_ms;
		return 0;
	}
	if (strlen(address) >= sizeof(e->address) || (e = calloc(1, sizeof(*e))) == NULL)
		return -1;
	memcpy(e->address, address, strlen(address) + 1);
	e->port = port;
	e->transport = tr;
	e->refused_at = now_ms;
	if (tw_hash_add(&m->by_server, h, e) != 0) {
		free(e);
		return -1;
	}
	return 0;
}

void
tw_identmemo_prune(struct tw_identmemo *m, double now_ms, uint32_t recheck_ms)
{
	struct tw_hash kept = TW_HASH_INIT;
	size_t pos = 0;
	struct entry *e;
	struct key k;

	/* the entries still in time go to a new table (one that cannot grow is asked again) */
	while ((e = tw_hash_next(&m->by_server, &pos)) != NULL) {
		k.address = e->address;
		k.port = e->port;
		k.transport = e->transport;
		if (now_ms - e->refused_at >= (double)recheck_ms ||
		    tw_hash_add(&kept, key_hash(&k), e) != 0)
			free(e);
	}
	tw_hash_free(&m->by_server);
	m->by_server = kept;
}

unsigned long
tw_identmemo_count(const struct tw_identmemo *m)
{
	return (unsigned long)tw_hash_count(&m->by_server);
}
