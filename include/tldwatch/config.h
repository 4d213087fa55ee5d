/*
 * config.h -- the YAML configuration as plain C structs.
 *
 * The file is read with libyaml's event API into a compact tree (in a
 * region, freed once the structs are filled) and checked against a
 * schema table: unknown keys, duplicate keys, wrong types and
 * out-of-range values are errors with the file, line and column of the
 * offending node.  Without a file, tw_config_default_yaml() describes the
 * real .kp (IANA roots, ns1/ns2.kptc.kp pinned, three key hosts).
 *
 *   probe:   { timeout: 2s, attempts: 2, transports: [udp], port: 53 }
 *   roots:   [ "a.root-servers.net=198.41.0.4", ... ]
 *   zones:
 *     - name: kp
 *       label: North Korea
 *       servers: [ "ns1.kptc.kp=175.45.176.15" ]
 *       hosts:
 *         - { name: kcna.kp, label: ..., type: A, key: true }
 */
#ifndef TLDWATCH_CONFIG_H
#define TLDWATCH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tldwatch/endpoint.h"
#include "tldwatch/error.h"
#include "tldwatch/transport.h"

#define TW_RR_A 1
#define TW_RR_NS 2
#define TW_RR_CNAME 5
#define TW_RR_SOA 6
#define TW_RR_AAAA 28

struct tw_probe_cfg {
	uint32_t timeout_ms;   /* per attempt; 1 ms .. 60 s; default 2000 */
	uint32_t attempts;     /* per query; 1 .. 10; default 2 */
	bool transport[TW_TRANSPORT_COUNT]; /* default udp only */
	uint16_t port;         /* port of servers learnt from referrals; default 53 */
};

struct tw_host_cfg {
	char *name;            /* lower case, no trailing dot */
	char *label;           /* may be NULL */
	uint16_t type;         /* TW_RR_A or TW_RR_AAAA */
	bool key;
};

struct tw_zone_cfg {
	char *name;            /* lower case, no trailing dot; "" is the root */
	char *label;           /* may be NULL */
	struct tw_endpoint *servers; /* pinned servers */
	size_t n_servers;
	struct tw_host_cfg *hosts;
	size_t n_hosts;
};

/* watch.interval's range, shared with --interval. */
#define TW_WATCH_INTERVAL_MIN_MS 10u
#define TW_WATCH_INTERVAL_MAX_MS (24u * 3600u * 1000u)

/* The watch: section; see tracker.h for what the numbers mean. */
struct tw_watch_cfg {
	uint32_t interval_ms;  /* between round starts; 10 ms .. 24 h; default 60 s */
	uint32_t fall;         /* rounds at a worse state before it is published; 1..100; default 2 */
	uint32_t rise;         /* rounds at a better state before it is published; 1..100; default 2 */
	uint32_t flap_changes; /* raw changes within flap_window that mean unstable; 2..64; default 4 */
	uint32_t flap_window;  /* rounds; 2..64; default 10; flap_changes < flap_window */
	uint32_t flap_settle;  /* rounds without a raw change that end instability; 1..64; default 5 */
	uint32_t window;       /* rounds of per-server history kept (loss, RTT); 1..10000; default 60 */
	uint32_t onset_rounds; /* troubled rounds before an outage that make it a ramp; 1..100; 3 */
	uint32_t serial_grace_ms; /* a server behind its zone's serial this long is degraded; 0..24h; 15m */
	uint32_t identity_recheck_ms; /* a server that refused its identity is asked again after this
	                               * long; 0 (every round) .. 24h; 1h (identmemo.h) */
};

/* The ledger: section; see ledger.h. */
struct tw_ledger_cfg {
	uint64_t keep_ms;      /* raw rows kept this long; 1d .. 3650d; default 90d */
};
#define TW_LEDGER_KEEP_MIN_MS (86400ull * 1000)
#define TW_LEDGER_KEEP_MAX_MS (3650ull * 86400 * 1000)
#define TW_LEDGER_KEEP_DEFAULT_MS (90ull * 86400 * 1000)

struct tw_config {
	char *source;          /* file name, or "<embedded>" */
	struct tw_probe_cfg probe;
	struct tw_watch_cfg watch;
	struct tw_ledger_cfg ledger;
	struct tw_endpoint *roots;
	size_t n_roots;
	struct tw_zone_cfg *zones;
	size_t n_zones;
};

/*
 * tw_config_load_file(path, err):
 * Read and validate ${path}.  Returns a new config (free with
 * tw_config_free) or NULL with ${err} filled.
 */
struct tw_config *tw_config_load_file(const char *path, struct tw_error *err);

/*
 * tw_config_load_string(text, len, source, err):
 * As tw_config_load_file, from memory; ${source} names it in messages.
 */
struct tw_config *tw_config_load_string(const char *text, size_t len,
    const char *source, struct tw_error *err);

/*
 * tw_config_load(path, err):
 * tw_config_load_file(${path}), or the embedded default when ${path} is NULL.
 */
struct tw_config *tw_config_load(const char *path, struct tw_error *err);

/*
 * tw_config_load_checked(path, loopback_only, err):
 * tw_config_load(${path}) (the embedded default when NULL), then, with
 * ${loopback_only}, the loopback rule: a config naming a root or pinned
 * server outside 127.0.0.0/8 and ::1 is refused ("FILE: TLDWATCH_LOOPBACK_
 * ONLY is set: refusing non-loopback server ADDRESS NAME").  Returns a new
 * config or NULL with ${err} filled.  Every command that probes loads its
 * config through this; `tldwatch config`, which only prints, passes false.
 */
struct tw_config *tw_config_load_checked(const char *path, bool loopback_only,
    struct tw_error *err);

/*
 * tw_config_loopback_only_env():
 * True when the environment variable TLDWATCH_LOOPBACK_ONLY is set to
 * anything but "" or "0": tests demand that nothing leaves loopback.
 */
bool tw_config_loopback_only_env(void);

/*
 * tw_config_find_nonloopback(cfg):
 * The first root or pinned server outside 127.0.0.0/8 and ::1, or NULL.
 * TLDWATCH_LOOPBACK_ONLY=1 refuses a config for which this is not NULL.
 */
const struct tw_endpoint *tw_config_find_nonloopback(const struct tw_config *cfg);

/* tw_config_default_yaml(): the embedded default configuration (real .kp). */
const char *tw_config_default_yaml(void);

/*
 * tw_config_select_zones(cfg, names, n, err):
 * Keep only the zones named in ${names} (in that order).  Returns 0, or -1
 * with ${err} set when a name is not configured.
 */
int tw_config_select_zones(struct tw_config *cfg, char *const *names, size_t n,
    struct tw_error *err);

/*
 * tw_config_print(cfg, fp):
 * Print the effective config as YAML that tw_config_load_* accepts again
 * (libyaml's emitter; every key, defaults included).  Returns 0, or -1
 * when the emitter failed (out of memory, a write error).
 */
int tw_config_print(const struct tw_config *cfg, FILE *fp);

/* tw_config_free(cfg): free everything; NULL is fine. */
void tw_config_free(struct tw_config *cfg);

#endif
