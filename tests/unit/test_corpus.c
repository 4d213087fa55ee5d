/*
 * test_corpus.c -- replay the c-ares fuzz corpus (74 raw DNS responses,
 * many broken; vendored in tests/corpus/c-ares/) through tw_wire_parse +
 * tw_classify: every file, every prefix of it and single-byte mutations of
 * it must classify, without a crash, a hang (a watchdog alarm kills the
 * run) or a leak.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "tldwatch/classify.h"
#include "tldwatch/outcome.h"
#include "tldwatch/wire.h"

#ifndef TW_SOURCE_DIR
#error "build with -DTW_SOURCE_DIR=\"<repo root>\""
#endif

#define CORPUS_DIR	TW_SOURCE_DIR "/tests/corpus/c-ares/fuzzinput/"
#define CORPUS_MIN	74	/* the replay contract: all of them, every run */
#define MAX_FILE	(4 * 1024 * 1024)
#define DENSE		2048	/* every prefix and position up to here, then SPARSE more */
#define SPARSE		256
#define MAX_FILES	1024
#define WATCHDOG_SEC	120

struct corpus_file {
	char name[256];
	uint8_t *data;
	size_t len;
};

static struct corpus_file files[MAX_FILES];
static size_t nfiles;
static char load_error[1200];	/* why the corpus could not be loaded, "" if it was */
static struct tw_wire_msg msg;

static int
by_name(const void *a, const void *b)
{

	return strcmp(((const struct corpus_file *)a)->name,
	    ((const struct corpus_file *)b)->name);
}

static int
free_corpus(void **state)
{
	size_t i;

	for (i = 0; i < nfiles; i++) {
		free(files[i].data);
		files[i].data = NULL;
	}
	nfiles = 0;
	return 0;
}

static int
load_corpus(void **state)
{
	char path[1024];
	struct dirent *de;
	struct stat st;
	FILE *fp;
	DIR *dir;

	nfiles = 0;
	load_error[0] = '\0';
	/* Failures are reported by test_corpus_present, not by the group setup. */
	if ((dir = opendir(CORPUS_DIR)) == NULL) {
		snprintf(load_error, sizeof(load_error), "cannot open %s", CORPUS_DIR);
		return 0;
	}
	while ((de = readdir(dir)) != NULL) {
		struct corpus_file *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s%s", CORPUS_DIR, de->d_name);
		if (stat(path, &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		if (nfiles == MAX_FILES || st.st_size > MAX_FILE) {
			snprintf(load_error, sizeof(load_error), "too many or too large files (%s)",
			    path);
			goto fail;
		}
		f = &files[nfiles];
		snprintf(f->name, sizeof(f->name), "%s", de->d_name);
		/* +1: malloc(0) may return NULL for an empty file. */
		if ((f->data = malloc((size_t)st.st_size + 1)) == NULL) {
			snprintf(load_error, sizeof(load_error), "out of memory");
			goto fail;
		}
		nfiles++;
		if ((fp = fopen(path, "rb")) == NULL) {
			snprintf(load_error, sizeof(load_error), "cannot open %s", path);
			goto fail;
		}
		f->len = fread(f->data, 1, (size_t)st.st_size, fp);
		fclose(fp);
		if (f->len != (size_t)st.st_size) {
			snprintf(load_error, sizeof(load_error), "short read on %s", path);
			goto fail;
		}
	}
	closedir(dir);
	qsort(files, nfiles, sizeof(files[0]), by_name);
	return 0;

fail:
	closedir(dir);
	free_corpus(state);
	return 0;
}

/*
 * Parse and classify ${buf} against its own question (so well-formed
 * messages get past the question check), checking the invariants that
 * hold for any input.  Returns the outcome.
 */
static enum tw_outcome
replay(const uint8_t *buf, size_t len, const char *what)
{
	enum tw_outcome o;
	int rc;

	rc = tw_wire_parse(buf, len, &msg);
	o = tw_classify(&msg, rc, msg.has_question ? msg.qname : "", msg.qtype, "");
	if ((unsigned)o >= TW_OUTCOME_COUNT || !tw_outcome_is_response(o))
		fail_msg("%s: outcome %d is not a response outcome", what, (int)o);
	/* A message that does not parse is malformed, unless TC says it was cut short. */
	if (rc == -1 && (msg.error == NULL || (o != TW_OUTCOME_MALFORMED &&
	    !(o == TW_OUTCOME_TRUNCATED && msg.tc && msg.has_question))))
		fail_msg("%s: parse failed but outcome is %s", what, tw_outcome_str(o));
	if (rc == 0) {
		if (msg.error != NULL)
			fail_msg("%s: parsed with an error set", what);
		if (msg.answer.count != msg.ancount || msg.authority.count != msg.nscount ||
		    msg.additional.count != msg.arcount)
			fail_msg("%s: walked counts differ from the header", what);
		if (msg.has_question != (msg.qdcount > 0))
			fail_msg("%s: question flag wrong", what);
	}
	if (!msg.has_question && o != TW_OUTCOME_MALFORMED)
		fail_msg("%s: no question but %s", what, tw_outcome_str(o));
	if (strlen(msg.qname) >= TW_NAME_TEXT_MAX)
		fail_msg("%s: qname overflows", what);
	/* The referral zone, when there is one, is a kept authority owner. */
	(void)tw_classify_referral_zone(&msg, msg.qname, "");
	return o;
}

static void
test_corpus_present(void **state)
{

	if (load_error[0] != '\0')
		fail_msg("corpus: %s", load_error);
	if (nfiles < CORPUS_MIN)
		fail_msg("corpus %s holds %zu files, want at least %d", CORPUS_DIR, nfiles,
		    CORPUS_MIN);
}

static void
test_replay_files(void **state)
{
	unsigned tally[TW_OUTCOME_COUNT];
	enum tw_outcome o, again;
	size_t i, total = 0;
	int k;

	assert_true(nfiles >= CORPUS_MIN);
	memset(tally, 0, sizeof(tally));
	for (i = 0; i < nfiles; i++) {
		o = replay(files[i].data, files[i].len, files[i].name);
		/* Same bytes, same verdict: no state leaks between parses. */
		again = replay(files[i].data, files[i].len, files[i].name);
		assert_int_equal(o, again);
		tally[o]++;
	}
	print_message("corpus: %zu files:", nfiles);
	for (k = 0; k < TW_OUTCOME_COUNT; k++) {
		if (tally[k] != 0)
			print_message(" %s %u", tw_outcome_str((enum tw_outcome)k), tally[k]);
		total += tally[k];
	}
	print_message("\n");
	assert_int_equal(total, nfiles);
	/* The corpus holds both good responses and broken ones. */
	assert_true(tally[TW_OUTCOME_MALFORMED] > 0);
	assert_true(tally[TW_OUTCOME_MALFORMED] < nfiles);
}

/* Known files, checked by hand against their bytes. */
static void
test_known_files(void **state)
{
	static const struct {
		const char *name;
		int rc;
		const char *qname;
		enum tw_outcome want;
	} known[] = {
		{ "00e846db8f43f2f507cd1666ed5a753e", 0, "www.google.com", TW_OUTCOME_ANSWER },
		{ "04c93cdf7208979aa4df80a3a0d5a2d8", 0, "www.first.com", TW_OUTCOME_NXDOMAIN },
		{ "0449be67df1730b2d0887d412a9b7cc4", 0, "www.example.com",
		    TW_OUTCOME_SERVFAIL },
		{ "2573bd823e4da11f727a17f8e1f35c26", 0, "example.com", TW_OUTCOME_NODATA },
		{ "70152ed033f139443fbfb1b858bb3b1b", 0, "www.google.com",
		    TW_OUTCOME_TRUNCATED },
		/* root SOA in authority, AA=0 */
		{ "71eec1a0ef2d25bb9e2ef17f23be7e9e", 0, "", TW_OUTCOME_LAME },
		/* QR=0 */
		{ "f6606f624be8c628328cea01d2cd07a9", 0, "abc.com", TW_OUTCOME_MALFORMED },
		/* AAAA with RDLENGTH 4 */
		{ "answer_aaaa", -1, "www.google.com", TW_OUTCOME_MALFORMED },
		/* question name is a forward pointer */
		{ "clusterfuzz-5637790584012800", -1, "", TW_OUTCOME_MALFORMED },
	};
	size_t i, j;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		for (j = 0; j < nfiles; j++)
			if (strcmp(files[j].name, known[i].name) == 0)
				break;
		if (j == nfiles)
			fail_msg("%s: not in the corpus", known[i].name);
		assert_int_equal(tw_wire_parse(files[j].data, files[j].len, &msg), known[i].rc);
		assert_string_equal(msg.qname, known[i].qname);
		assert_int_equal(replay(files[j].data, files[j].len, known[i].name), known[i].want);
	}
}

/* Next position to try: all of them up to DENSE, then about SPARSE more. */
static size_t
next_pos(size_t p, size_t len)
{
	size_t step;

	if (p < DENSE)
		return p + 1;
	step = (len - DENSE) / SPARSE;
	return p + (step > 0 ? step : 1);
}

/* Prefixes and single-byte mutations of every file. */
static void
test_replay_mutations(void **state)
{
	static const uint8_t xors[] = { 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xFF };
	static const uint8_t sets[] = { 0x00, 0x3F, 0x40, 0xC0, 0xFF };
	size_t i, n, p, x, runs = 0;
	uint8_t *work;

	for (i = 0; i < nfiles; i++) {
		const uint8_t *d = files[i].data;
		size_t len = files[i].len;

		/* Prefixes, each in a buffer of exactly that size so ASan sees overreads. */
		for (n = 0; n <= len; n = next_pos(n, len)) {
			uint8_t *cut = malloc(n > 0 ? n : 1);

			assert_non_null(cut);
			memcpy(cut, d, n);
			replay(n == 0 ? NULL : cut, n, files[i].name);
			replay(cut, n, files[i].name);
			free(cut);
			runs += 2;
		}
		work = malloc(len > 0 ? len : 1);
		assert_non_null(work);
		memcpy(work, d, len);
		for (p = 0; p < len; p = next_pos(p, len)) {
			uint8_t orig = work[p];

			for (x = 0; x < sizeof(xors); x++) {
				work[p] = orig ^ xors[x];
				replay(work, len, files[i].name);
				runs++;
			}
			for (x = 0; x < sizeof(sets); x++) {
				work[p] = sets[x];
				replay(work, len, files[i].name);
				runs++;
			}
			work[p] = orig;
		}
		free(work);
	}
	print_message("corpus: %zu prefix and mutation replays\n", runs);
	assert_true(runs > nfiles);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_present),
		cmocka_unit_test(test_replay_files),
		cmocka_unit_test(test_known_files),
		cmocka_unit_test(test_replay_mutations),
	};

	/* A hang is a failure too: the default SIGALRM action ends the run non-zero. */
	alarm(WATCHDOG_SEC);
	return cmocka_run_group_tests(tests, load_corpus, free_corpus);
}
