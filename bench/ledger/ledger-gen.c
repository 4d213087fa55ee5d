/*
 * ledger-gen.c -- a ledger of the .kp lab's shape written round by round
 * through the real tracker and ledger, for bench/ledger-cost; and the time
 * a restarted watcher takes to resume from one.
 *
 *   ledger-gen write FILE DAYS INTERVAL_S   rounds of kp (2 roots, 2 zone
 *       servers, 8 child rows, 4 hosts) over DAYS days: mostly up, and every
 *       three days an outage: 30 minutes of flapping, 2 hours dark, 1 hour
 *       with only the news sites back, then up.  Prints "rounds N",
 *       "commit_ms_median X" and "commit_ms_p99 X".
 *   ledger-gen world FILE ZONES ROUNDS     ZONES zones of that shape in one
 *       round, ROUNDS rounds: prints "world_commit_ms_median X" (rounds 2..,
 *       the first also files every server's identity) and the first's.
 *   ledger-gen resume FILE RUNS            open the ledger as the watcher
 *       does and resume (tracker, 60-round rings, events); prints
 *       "resume_ms_median X".
 *
 * The round times are simulated (DAYS of them are written in seconds);
 * nothing is sent anywhere.
 */
#include <math.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tldwatch/clock.h"
#include "tldwatch/ledger.h"

#define T0 1732000000.0          /* 2024-11-19T07:06:40Z */

static const char *const child_zones[] = { "kcna.kp", "rodong.rep.kp", "naenara.com.kp",
	"airkoryo.com.kp" };

static char *
dup(const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		abort();
	return d;
}

static void
server(struct tw_server_result *s, enum tw_role role, const char *zone, const char *name,
    const char *addr, bool dark, double rtt)
{
	memset(s, 0, sizeof(*s));
	s->role = role;
	s->zone = dup(zone);
	s->name = dup(name);
	snprintf(s->address, sizeof(s->address), "%s", addr);
	s->port = 53;
	s->outcome = dark ? TW_OUTCOME_TIMEOUT : role == TW_ROLE_ROOT ? TW_OUTCOME_REFERRAL :
	    TW_OUTCOME_ANSWER;
	s->sent = role == TW_ROLE_ROOT ? 1 : dark ? 4 : 2;
	s->answered = dark ? 0 : s->sent;
	s->rtt_ms = dark ? -1 : rtt;
	s->has_serial = !dark && role != TW_ROLE_ROOT;
	s->serial = 2014122201;
}

/* One round: ${phase} 0 up, 1 flapping (dark on odd rounds), 2 dark, 3 news back. */
static struct tw_check_result *
round_of(int phase, unsigned n)
{
	struct tw_check_result *r = calloc(1, sizeof(*r));
	struct tw_zone_result *z;
	bool dark = phase == 2 || (phase == 1 && n % 2 == 1);
	bool child_dark = dark || phase == 3;
	size_t i;
	char name[64], addr[32];

	if (r == NULL || (r->roots = calloc(2, sizeof(*r->roots))) == NULL ||
	    (r->zones = z = calloc(1, sizeof(*z))) == NULL)
		abort();
	r->n_roots = 2;
	server(&r->roots[0], TW_ROLE_ROOT, "", "a.root-servers.net", "127.41.0.4", false, 0.4);
	server(&r->roots[1], TW_ROLE_ROOT, "", "b.root-servers.net", "127.247.170.2", false, 0.5);
	r->n_zones = 1;
	z->name = dup("kp");
	z->label = dup("North Korea");
	z->state = dark ? TW_STATE_DOWN : phase == 3 ? TW_STATE_PARTIAL : TW_STATE_UP;
	z->diagnosis = dup(dark ? "both kp servers silent (timeouts) while the roots answer" :
	    phase == 3 ? "kcna.kp and rodong.rep.kp resolve; naenara.com.kp does not" :
	    "all 2 kp servers answer authoritatively and 3 of 3 key hosts resolve");
	z->n_servers = 2 + 2 * 4;
	if ((z->servers = calloc(z->n_servers, sizeof(*z->servers))) == NULL ||
	    (z->hosts = calloc(4, sizeof(*z->hosts))) == NULL)
		abort();
	server(&z->servers[0], TW_ROLE_ZONE, "kp", "ns1.kptc.kp", "127.45.176.15", dark,
	    1.0 + 0.1 * (n % 7));
	server(&z->servers[1], TW_ROLE_ZONE, "kp", "ns2.kptc.kp", "127.45.176.16", dark,
	    1.2 + 0.1 * (n % 5));
	for (i = 0; i < 4; i++) {
		bool cd = child_dark && i >= 2;

		snprintf(name, sizeof(name), "ns1.%s", child_zones[i]);
		server(&z->servers[2 + 2 * i], TW_ROLE_CHILD, child_zones[i], name, "127.45.176.8",
		    dark || cd, 0.6);
		snprintf(name, sizeof(name), "ns2.%s", child_zones[i]);
		server(&z->servers[3 + 2 * i], TW_ROLE_CHILD, child_zones[i], name, "127.45.176.9",
		    dark || cd, 0.7);
		z->hosts[i].name = dup(child_zones[i]);
		z->hosts[i].key = i < 3;
		z->hosts[i].type = 1;
		z->hosts[i].resolved = !(dark || cd);
		z->hosts[i].outcome = z->hosts[i].resolved ? TW_OUTCOME_ANSWER : TW_OUTCOME_TIMEOUT;
		if (z->hosts[i].resolved) {
			snprintf(addr, sizeof(addr), "127.45.176.%zu", 71 + i);
			z->hosts[i].n_addresses = 1;
			if ((z->hosts[i].addresses = calloc(1, sizeof(char *))) == NULL)
				abort();
			z->hosts[i].addresses[0] = dup(addr);
		}
		z->hosts[i].path = dup("kp");
	}
	z->n_hosts = 4;
	z->auth_total = 2;
	z->auth_answering = dark ? 0 : 2;
	return r;
}

/* CPU time of this process, ms: a commit on tmpfs is CPU, and CPU time ignores the load. */
static double
cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
write_ledger(const char *path, double days, double interval)
{
	struct tw_watch_cfg cfg = { 60000, 2, 2, 4, 10, 5, 60, 3, 900000, 3600000 };
	struct tw_tracker *t = tw_tracker_new();
	struct tw_ledger *l;
	struct tw_error err;
	unsigned n, rounds = (unsigned)(days * 86400.0 / interval);
	double *ms = calloc(rounds + 1, sizeof(double)), cycle = 3 * 86400.0, at, t1;

	memset(&err, 0, sizeof(err));
	if (t == NULL || ms == NULL || tw_ledger_open(path, true, &l, &err) != TW_LEDGER_OK) {
		fprintf(stderr, "ledger-gen: %s\n", err.msg);
		return 1;
	}
	for (n = 0; n < rounds; n++) {
		double now = T0 + interval * n;
		int phase;
		struct tw_check_result *r;
		struct tw_event *ev = NULL;
		struct tw_ledger_round lr;
		struct tw_ledger_zone *zones;
		size_t n_ev = 0, n_zones;

		/* every three days, from hour 60: flapping, dark, partial */
		at = fmod(now - T0, cycle) / 3600.0;
		phase = at >= 60 && at < 60.5 ? 1 : at >= 60.5 && at < 62.5 ? 2 :
		    at >= 62.5 && at < 63.5 ? 3 : 0;
		r = round_of(phase, n);
		if (tw_tracker_update(t, &cfg, r, now, &ev, &n_ev) != 0 ||
		    tw_ledger_zones_of(t, &zones, &n_zones) != 0)
			abort();
		memset(&lr, 0, sizeof(lr));
		lr.number = t->rounds;
		lr.start = now;
		lr.seconds = 0.01;
		lr.interval_ms = (uint32_t)(interval * 1000);
		lr.flap_window = cfg.flap_window;
		lr.window = cfg.window;
		lr.result = r;
		lr.zones = zones;
		lr.n_zones = n_zones;
		lr.tracker = t;
		lr.events = ev;
		lr.n_events = n_ev;
		t1 = tw_clock_mono_ms();
		if (tw_ledger_commit(l, &lr, &err) != 0) {
			fprintf(stderr, "ledger-gen: round %u: %s\n", n, err.msg);
			return 1;
		}
		ms[n] = tw_clock_mono_ms() - t1;
		tw_ledger_zones_free(zones, n_zones);
		tw_event_array_free(ev, n_ev);
		tw_result_free(r);
	}
	tw_ledger_close(l);
	tw_tracker_free(t);
	qsort(ms, rounds, sizeof(*ms), cmp_double);
	printf("rounds %u\ncommit_ms_median %.3f\ncommit_ms_p99 %.3f\n", rounds,
	    rounds > 0 ? ms[rounds / 2] : 0, rounds > 0 ? ms[rounds * 99 / 100] : 0);
	free(ms);
	return 0;
}

/* ${n} zones of the .kp shape in one round (zone i is "t<i>"). */
static struct tw_check_result *
world_round(unsigned n_zones, unsigned n)
{
	struct tw_check_result *r, *one;
	unsigned i;
	char name[32];

	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->zones = calloc(n_zones, sizeof(*r->zones))) == NULL)
		abort();
	r->n_zones = n_zones;
	for (i = 0; i < n_zones; i++) {
		/* Borrow the zone of a one-zone round; every 97th zone is down. */
		one = round_of(i % 97 == 0 ? 2 : 0, n);
		r->zones[i] = one->zones[0];
		snprintf(name, sizeof(name), "t%04u", i);
		free(r->zones[i].name);
		r->zones[i].name = dup(name);
		one->n_zones = 0;
		free(one->zones);
		one->zones = NULL;
		tw_result_free(one);
	}
	return r;
}

static int
world(const char *path, unsigned n_zones, unsigned rounds)
{
	struct tw_watch_cfg cfg = { 5000, 2, 2, 4, 10, 5, 60, 3, 900000, 3600000 };
	struct tw_tracker *t = tw_tracker_new();
	struct tw_ledger *l;
	struct tw_error err;
	double ms[256], cpu[256], t1, c1, first = 0;
	unsigned n;

	if (rounds > 256)
		rounds = 256;
	memset(&err, 0, sizeof(err));
	if (t == NULL || tw_ledger_open(path, true, &l, &err) != TW_LEDGER_OK) {
		fprintf(stderr, "ledger-gen: %s\n", err.msg);
		return 1;
	}
	for (n = 0; n < rounds; n++) {
		struct tw_check_result *r = world_round(n_zones, n);
		struct tw_event *ev = NULL;
		struct tw_ledger_round lr;
		struct tw_ledger_zone *zones;
		size_t n_ev = 0, n_z;

		if (tw_tracker_update(t, &cfg, r, T0 + 5.0 * n, &ev, &n_ev) != 0 ||
		    tw_ledger_zones_of(t, &zones, &n_z) != 0)
			abort();
		memset(&lr, 0, sizeof(lr));
		lr.number = t->rounds;
		lr.start = T0 + 5.0 * n;
		lr.interval_ms = 5000;
		lr.flap_window = 10;
		lr.window = 60;
		lr.result = r;
		lr.zones = zones;
		lr.n_zones = n_z;
		lr.tracker = t;
		lr.events = ev;
		lr.n_events = n_ev;
		t1 = tw_clock_mono_ms();
		c1 = cpu_ms();
		if (tw_ledger_commit(l, &lr, &err) != 0) {
			fprintf(stderr, "ledger-gen: %s\n", err.msg);
			return 1;
		}
		ms[n] = tw_clock_mono_ms() - t1;
		cpu[n] = cpu_ms() - c1;
		if (n == 0)
			first = ms[0];
		tw_ledger_zones_free(zones, n_z);
		tw_event_array_free(ev, n_ev);
		tw_result_free(r);
	}
	tw_ledger_close(l);
	tw_tracker_free(t);
	qsort(ms + 1, rounds - 1, sizeof(ms[0]), cmp_double);
	qsort(cpu + 1, rounds - 1, sizeof(cpu[0]), cmp_double);
	printf("world_commit_ms_first %.3f\nworld_commit_ms_median %.3f\n"
	    "world_commit_cpu_ms_median %.3f\n", first, ms[1 + (rounds - 1) / 2],
	    cpu[1 + (rounds - 1) / 2]);
	return 0;
}

static int
resume(const char *path, int runs)
{
	struct tw_state_doc doc;
	struct tw_ledger *l;
	struct tw_error err;
	double ms[64], t1;
	int i;

	if (runs < 1 || runs > 64)
		runs = 10;
	for (i = 0; i < runs; i++) {
		memset(&err, 0, sizeof(err));
		t1 = tw_clock_mono_ms();
		if (tw_ledger_open(path, true, &l, &err) != TW_LEDGER_OK ||
		    tw_ledger_resume(l, 60, &doc, &err) != 0) {
			fprintf(stderr, "ledger-gen: %s\n", err.msg);
			return 1;
		}
		ms[i] = tw_clock_mono_ms() - t1;
		tw_statefile_doc_clear(&doc);
		tw_ledger_close(l);
	}
	qsort(ms, (size_t)runs, sizeof(ms[0]), cmp_double);
	printf("resume_ms_median %.3f\n", ms[runs / 2]);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "write") == 0)
		return write_ledger(argv[2], atof(argv[3]), atof(argv[4]));
	if (argc == 5 && strcmp(argv[1], "world") == 0)
		return world(argv[2], (unsigned)atoi(argv[3]), (unsigned)atoi(argv[4]));
	if (argc == 4 && strcmp(argv[1], "resume") == 0)
		return resume(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: ledger-gen write FILE DAYS INTERVAL_S | world FILE ZONES ROUNDS | "
	    "resume FILE RUNS\n");
	return 2;
}
