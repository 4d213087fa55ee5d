/*
 * outage_fixture.h -- a zone's rounds written as a table, for the outage and
 * story tests: each round's own state, the published state, whether the
 * tracker held an outage, and per host R (resolved), D (dark) or - (not
 * asked).  Rounds are a minute apart from T0.
 */
#ifndef TLDWATCH_OUTAGE_FIXTURE_H
#define TLDWATCH_OUTAGE_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tldwatch/outage.h"

#define T0 1419000000.0
#define IVAL 60.0
#define T(i) (T0 + IVAL * (i))

/* u d U(nstable) p D(own) ? -- letters for the states. */
static inline enum tw_state
st(char c)
{
	switch (c) {
	case 'u':
		return TW_STATE_UP;
	case 'g':
		return TW_STATE_DEGRADED;
	case 'U':
		return TW_STATE_UNSTABLE;
	case 'p':
		return TW_STATE_PARTIAL;
	case 'D':
		return TW_STATE_DOWN;
	default:
		return TW_STATE_UNKNOWN;
	}
}

static const char *const hosts4[] = { "kcna.kp", "rodong.rep.kp", "naenara.com.kp",
	"airkoryo.com.kp" };
static const bool keys4[] = { true, true, true, false };

struct story {
	struct tw_outage_input in;
	struct tw_outage_round r[64];
	uint8_t seen[64][4];
	char diag[64][16];
};

/*
 * Rounds as "RPo hhhh" strings: R the round's own state, P the published one,
 * o when the tracker held an outage after it ('.' otherwise), then one letter
 * per host.
 */
static inline void
story(struct story *s, const char *const *rows, size_t n)
{
	size_t i, h;

	memset(s, 0, sizeof(*s));
	assert_true(n <= 64);
	for (i = 0; i < n; i++) {
		s->r[i].round = 100 + (int64_t)i;
		s->r[i].start = T(i);
		s->r[i].raw = st(rows[i][0]);
		s->r[i].published = st(rows[i][1]);
		s->r[i].in_outage = rows[i][2] == 'o';
		snprintf(s->diag[i], sizeof(s->diag[i]), "diag %zu", i);
		s->r[i].diagnosis = s->diag[i];
		for (h = 0; h < 4 && rows[i][4 + h] != '\0'; h++)
			s->seen[i][h] = rows[i][4 + h] == 'R' ? TW_OUTAGE_SEEN_RESOLVED :
			    rows[i][4 + h] == 'D' ? TW_OUTAGE_SEEN_DARK : TW_OUTAGE_SEEN_NONE;
		s->r[i].seen = s->seen[i];
	}
	s->in.zone = "kp";
	s->in.hosts = hosts4;
	s->in.keys = keys4;
	s->in.n_hosts = 4;
	s->in.rounds = s->r;
	s->in.n_rounds = n;
	s->in.flap_window = 10;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/*
 * December 2014 in rounds: healthy, flapping (published unstable after four
 * changes), calm, dark, the news sites back first, restored.
 */
static const char *const y2014[] = {
	"uu. RRRR", "uu. RRRR", "uu. RRRR", "uu. RRRR",
	"Du. DDDD", "uu. RRRR", "Du. DDDD", "uU. RRRR", /* 4..7: flapping; unstable at 7 */
	"uU. RRRR", "uU. RRRR",                        /* 8, 9: calm, still unstable */
	"DU. DDDD", "DU. DDDD", "DDo DDDD", "DDo DDDD", "DDo DDDD", /* 10 = B; published at 12 */
	"pDo RRDD", "ppo RRDD",                        /* 15: kcna and rodong back */
	"upo RRRR", "uu. RRRR",                        /* 17 = G; restored at 18 */
};

#endif
