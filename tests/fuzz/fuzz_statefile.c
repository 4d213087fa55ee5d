/*
 * fuzz_statefile.c -- libFuzzer harness for the reader of the JSON state
 * file of tldwatch before the ledger: the input is written to a file and
 * loaded.  A state that loads must import into a ledger, resume from it
 * with the same tracker and events, and the watcher must be able to carry
 * on from it (a tracker round, a history round, a window change) and
 * commit that round.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "tldwatch/config.h"
#include "tldwatch/history.h"
#include "tldwatch/ledger.h"
#include "tldwatch/result.h"
#include "tldwatch/statefile.h"
#include "tldwatch/tracker.h"

static char dir[256];
static char in_path[300], out1[300], out2[300];

/* A ledger and whatever lies beside it (journals, the kept JSON file). */
static void
remove_ledger(const char *path)
{
	static const char *const sfx[] = { "", "-wal", "-shm", ".v1.json" };
	char p[400];
	size_t i;

	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, sfx[i]);
		unlink(p);
	}
}

static void
cleanup(void)
{
	unlink(in_path);
	remove_ledger(out1);
	unlink(out2);
	rmdir(dir);
}

/* A scratch directory on tmpfs when there is one: save() fsyncs every file. */
static void
setup(void)
{
	const char *base = getenv("FUZZ_TMPDIR");

	if (dir[0] != '\0')
		return;
	if (base == NULL)
		base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(dir, sizeof(dir), "%s/tw-fuzz-state.XXXXXX", base);
	FUZZ_CHECK(mkdtemp(dir) != NULL);
	snprintf(in_path, sizeof(in_path), "%s/in.json", dir);
	snprintf(out1, sizeof(out1), "%s/out1.json", dir);
	snprintf(out2, sizeof(out2), "%s/out2.json", dir);
	atexit(cleanup);
}

static void
write_file(const char *path, const uint8_t *data, size_t size)
{
	FILE *fp = fopen(path, "wb");

	FUZZ_CHECK(fp != NULL);
	FUZZ_CHECK(size == 0 || fwrite(data, 1, size, fp) == size);
	FUZZ_CHECK(fclose(fp) == 0);
}

static bool
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void
same_zone(const struct tw_zone_track *a, const struct tw_zone_track *b)
{
	FUZZ_CHECK(str_eq(a->name, b->name) && str_eq(a->diagnosis, b->diagnosis));
	FUZZ_CHECK(a->started == b->started && a->published == b->published);
	FUZZ_CHECK(a->published_since == b->published_since && a->last_raw == b->last_raw);
	FUZZ_CHECK(a->worse_count == b->worse_count && a->worse_best == b->worse_best);
	FUZZ_CHECK(a->better_count == b->better_count && a->better_worst == b->better_worst);
	FUZZ_CHECK(a->ring_len == b->ring_len &&
	    memcmp(a->ring, b->ring, a->ring_len * sizeof(a->ring[0])) == 0);
	FUZZ_CHECK(a->flapping == b->flapping && a->calm_rounds == b->calm_rounds);
	FUZZ_CHECK(a->run_since == b->run_since && a->bad_since == b->bad_since &&
	    a->good_since == b->good_since);
	FUZZ_CHECK(a->in_outage == b->in_outage && a->outage_start == b->outage_start &&
	    a->outage_state == b->outage_state);
}

/* Import the state file at ${path} into a ledger there; die if the ledger refuses it. */
static struct tw_ledger *
import_ok(const char *path)
{
	struct tw_ledger *l = NULL;
	struct tw_error err;

	memset(&err, 0, sizeof(err));
	if (tw_ledger_open(path, true, &l, &err) != TW_LEDGER_OK) {
		fprintf(stderr, "a loaded state does not import: %s: %s\n", err.file, err.msg);
		abort();
	}
	return l;
}

/*
 * What the watcher does next with a restored state: a window change, one
 * round through the tracker and the history (the tracked zones at states
 * and the first rows' servers and hosts, the server row twice, a zone the
 * tracker has not seen: all taken from ${sel}), then a commit.
 */
static void
carry_on(struct tw_state_doc *doc, struct tw_ledger *l, uint32_t sel)
{
	static char new_zone[] = "fuzz-new-zone.example";
	struct tw_server_result srv[2];
	struct tw_host_result host;
	struct tw_zone_result *zr;
	struct tw_check_result r;
	struct tw_window_stats st;
	struct tw_watch_cfg cfg = { 60000, 2, 2, 4, 10, 5, 60, 3, 900000, 3600000 };
	struct tw_history *h = doc->history;
	struct tw_tracker *t = doc->tracker;
	struct tw_event *ev = NULL;
	struct tw_ledger_round lr;
	struct tw_ledger_zone *lz;
	struct tw_error err;
	size_t n_ev = 0, n_lz, i, n_dup = 0, nz = t->n_zones + 1;
	double now;

	for (i = 0; i < h->n_servers; i++)
		tw_history_stats(&h->servers[i].ring, &st);
	for (i = 0; i < h->n_hosts; i++)
		tw_history_stats(&h->hosts[i].ring, &st);
	if (sel & 0x80)
		FUZZ_CHECK(tw_history_set_window(h, 1 + (sel & 0x0f)) == 0);

	FUZZ_CHECK((zr = calloc(nz, sizeof(*zr))) != NULL);
	memset(&r, 0, sizeof(r));
	memset(srv, 0, sizeof(srv));
	memset(&host, 0, sizeof(host));
	r.zones = zr;
	r.n_zones = t->n_zones;
	/* the round owns its names, as a real one does (the tracker may drop its own) */
	n_dup = t->n_zones;
	for (i = 0; i < t->n_zones; i++) {
		FUZZ_CHECK((zr[i].name = strdup(t->zones[i].name)) != NULL);
		zr[i].state = (enum tw_state)((sel + i) % TW_STATE_COUNT);
	}
	if (sel & 0x200) {
		/* a zone added to the config since the state was written */
		zr[r.n_zones].name = new_zone;
		zr[r.n_zones].state = (enum tw_state)((sel >> 12) % TW_STATE_COUNT);
		r.n_zones++;
	}
	if (h->n_servers > 0 && r.n_zones > 0) {
		srv[0].role = h->servers[0].role;
		srv[0].zone = h->servers[0].served;
		srv[0].name = h->servers[0].name;
		memcpy(srv[0].address, h->servers[0].address, sizeof(srv[0].address));
		srv[0].port = h->servers[0].port;
		srv[0].transport = h->servers[0].transport;
		srv[0].outcome = (enum tw_outcome)(sel % TW_OUTCOME_COUNT);
		srv[0].sent = 2;
		srv[0].answered = sel & 1 ? 1 : 0;
		srv[0].rtt_ms = sel & 1 ? 12.5 : -1;
		/* the same server twice in one round: one sample, merged */
		srv[1] = srv[0];
		srv[1].answered = sel & 0x400 ? 2 : 0;
		srv[1].rtt_ms = sel & 0x400 ? 3.25 : -1;
		zr[0].servers = srv;
		zr[0].n_servers = sel & 0x100 ? 2 : 1;
	}
	if (h->n_hosts > 0 && r.n_zones > 0) {
		host.name = h->hosts[0].name;
		host.resolved = sel & 2;
		host.outcome = sel & 2 ? TW_OUTCOME_ANSWER : TW_OUTCOME_TIMEOUT;
		zr[0].hosts = &host;
		zr[0].n_hosts = 1;
	}
	/* A round one interval after the last one, as a restarted watcher runs it. */
	now = t->last_round > 0 ? t->last_round + 60 : 1795767302.0;
	/* It counts the round itself; on failure the tracker is unchanged. */
	(void)tw_tracker_update(t, &cfg, &r, now, &ev, &n_ev);
	FUZZ_CHECK(tw_ledger_zones_of(t, &lz, &n_lz) == 0);
	memset(&lr, 0, sizeof(lr));
	lr.number = t->rounds;
	lr.start = now;
	lr.interval_ms = 60000;
	lr.flap_window = 10;
	lr.window = 60;
	lr.result = &r;
	lr.zones = lz;
	lr.n_zones = n_lz;
	lr.tracker = t;
	lr.events = ev;
	lr.n_events = n_ev;
	memset(&err, 0, sizeof(err));
	if (tw_ledger_commit(l, &lr, &err) != 0) {
		fprintf(stderr, "the round after an imported state does not commit: %s\n", err.msg);
		abort();
	}
	/* after the commit: the round's rows borrow the history's strings, which this may drop */
	FUZZ_CHECK(tw_history_add(h, &r, t->rounds) == 0);
	tw_ledger_zones_free(lz, n_lz);
	tw_event_array_free(ev, n_ev);
	for (i = 0; i < n_dup; i++)
		free(zr[i].name);
	free(zr);
}

/*
 * What carry_on() does, from every byte of the input: a valid state file is
 * text, so one byte of it would leave the high bits (the window change) unset.
 */
static uint32_t
input_hash(const uint8_t *data, size_t size)
{
	uint32_t h = 2166136261u;       /* FNV-1a */
	size_t i;

	for (i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	return h;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tw_state_doc doc, back;
	struct tw_ledger *l;
	struct tw_error err;
	enum tw_statefile_status st;
	size_t i, k;

	setup();
	write_file(in_path, data, size);
	memset(&err, 0, sizeof(err));
	st = tw_statefile_load(in_path, &doc, &err);
	FUZZ_CHECK(st == TW_STATEFILE_OK || st == TW_STATEFILE_BAD);
	if (st != TW_STATEFILE_OK) {
		FUZZ_CHECK(err.msg[0] != '\0');
		FUZZ_CHECK(doc.tracker == NULL && doc.history == NULL);
		return 0;
	}

	/* The ledger takes it, and gives back the same tracker and events. */
	write_file(out1, data, size);
	unlink(out2);
	l = import_ok(out1);
	FUZZ_CHECK(tw_ledger_resume(l, 60, &back, &err) == 0);
	/* (a name tracked twice keeps its first track) */
	for (i = k = 0; i < doc.tracker->n_zones; i++) {
		const struct tw_zone_track *z = &doc.tracker->zones[i];

		if (z->name == NULL || tw_tracker_find(doc.tracker, z->name) != z)
			continue;
		FUZZ_CHECK(k < back.tracker->n_zones);
		same_zone(z, &back.tracker->zones[k++]);
	}
	FUZZ_CHECK(k == back.tracker->n_zones);
	FUZZ_CHECK(back.tracker->rounds == (doc.tracker->rounds > 0 ? doc.tracker->rounds : 0));
	FUZZ_CHECK((doc.events == NULL ? 0 : doc.events->len) == back.events->len);
	tw_statefile_doc_clear(&back);

	carry_on(&doc, l, input_hash(data, size));
	tw_ledger_close(l);
	tw_statefile_doc_clear(&doc);
	remove_ledger(out1);
	return 0;
}
