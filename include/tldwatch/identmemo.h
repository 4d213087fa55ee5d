/*
 * identmemo.h -- what a watcher remembers between rounds of the servers that hide their
 * identity.
 *
 * A round asks every server its CHAOS identity (hostname.bind, docs/check.md "Instance
 * identity").  Most servers refuse it (NSD's hide-identity, BIND's "hostname none"), and one
 * that refused will refuse next round too: on a 1,500-TLD world that is 7,500 queries a round
 * for nothing.  A watcher keeps the servers that refused, with when, and its rounds skip them
 * until watch.identity_recheck has passed; a server that answers, or whose entry is older,
 * is asked again.  A one-shot check has no memo and asks every server.
 *
 * Entries are keyed by (address, port, transport); the memo copies the address.  The recheck
 * time is given at each call (a reloaded config may change it).  An entry whose time is up is
 * dropped when it is next looked at, and tw_identmemo_prune() drops the rest, so a watcher's
 * memo holds at most the servers that refused within the recheck time.  Times are monotonic
 * milliseconds.
 */
#ifndef TLDWATCH_IDENTMEMO_H
#define TLDWATCH_IDENTMEMO_H

#include <stdbool.h>
#include <stdint.h>

#include "tldwatch/transport.h"

struct tw_identmemo;

/* tw_identmemo_new(): an empty memo; NULL: no memory. */
struct tw_identmemo *tw_identmemo_new(void);

/* tw_identmemo_free(m): NULL is fine. */
void tw_identmemo_free(struct tw_identmemo *m);

/* tw_identmemo_skip(m, address, port, tr, now_ms, recheck_ms): whether it refused less than ${recheck_ms} before ${now_ms}. */
bool tw_identmemo_skip(struct tw_identmemo *m, const char *address, uint16_t port,
    enum tw_transport tr, double now_ms, uint32_t recheck_ms);

/* tw_identmemo_refused(m, address, port, tr, now_ms): it refused at ${now_ms}.  0, or -1 (no memory: it will be asked again). */
int tw_identmemo_refused(struct tw_identmemo *m, const char *address, uint16_t port,
    enum tw_transport tr, double now_ms);

/* tw_identmemo_prune(m, now_ms, recheck_ms): drop every entry older than ${recheck_ms}. */
void tw_identmemo_prune(struct tw_identmemo *m, double now_ms, uint32_t recheck_ms);

/* tw_identmemo_count(m): the servers held. */
unsigned long tw_identmemo_count(const struct tw_identmemo *m);

#endif
