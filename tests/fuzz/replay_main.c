/*
 * replay_main.c -- runs a harness without libFuzzer: LLVMFuzzerTestOneInput
 * over every file named, and every regular file in every directory named
 * (not recursive), in name order.  `make fuzz-replay` replays the committed
 * corpora this way under plain gcc and whatever SANITIZE the build uses.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

#define MAX_FILE_BYTES	(16u << 20)	/* far beyond any corpus file */
#define WATCHDOG_SEC	25		/* per input: a hang is a finding too */

static const char *current = "";

static void
on_alarm(int sig)
{
	static const char msg[] = "replay: input took too long (hang): ";

	(void)sig;
	/* Only async-signal-safe calls here. */
	if (write(2, msg, sizeof(msg) - 1) < 0 || write(2, current, strlen(current)) < 0 ||
	    write(2, "\n", 1) < 0)
		_exit(3);
	_exit(3);
}

/* Run one file; 0, or -1 when it could not be read (a crash never returns). */
static int
run_file(const char *path)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	FILE *fp;
	long sz;
	int rc = -1;

	if ((fp = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fseek(fp, 0, SEEK_END) != 0 || (sz = ftell(fp)) < 0 || (size_t)sz > MAX_FILE_BYTES ||
	    fseek(fp, 0, SEEK_SET) != 0) {
		fprintf(stderr, "replay: %s: cannot size it, or larger than %u bytes\n", path,
		    MAX_FILE_BYTES);
		goto out;
	}
	/* An exact-size heap copy, so that ASan sees a read one byte past the input. */
	if ((buf = malloc(sz > 0 ? (size_t)sz : 1)) == NULL) {
		fprintf(stderr, "replay: %s: out of memory\n", path);
		goto out;
	}
	if (sz > 0 && fread(buf, 1, (size_t)sz, fp) != (size_t)sz) {
		fprintf(stderr, "replay: %s: short read\n", path);
		goto out;
	}
	len = (size_t)sz;
	current = path;
	alarm(WATCHDOG_SEC);
	LLVMFuzzerTestOneInput(buf, len);
	alarm(0);
	rc = 0;
out:
	free(buf);
	fclose(fp);
	return rc;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of ${dir}, in name order; returns how many ran, -1 on error. */
static long
run_dir(const char *dir)
{
	struct dirent *de;
	struct stat st;
	char **names = NULL, **nn, *path;
	size_t n = 0, cap = 0, i;
	long ran = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nn = realloc(names, cap * sizeof(*names))) == NULL)
				goto oom;
			names = nn;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			goto oom;
		n++;
	}
	closedir(d);
	d = NULL;
	if (n > 0)
		qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n && ran >= 0; i++) {
		size_t plen = strlen(dir) + strlen(names[i]) + 2;

		if ((path = malloc(plen)) == NULL)
			goto oom;
		snprintf(path, plen, "%s/%s", dir, names[i]);
		/* Licence and README files sit beside the inputs: only data is replayed. */
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    strncmp(names[i], "LICENSE", 7) != 0 && strncmp(names[i], "README", 6) != 0) {
			if (run_file(path) == 0)
				ran++;
			else
				ran = -1;
		}
		free(path);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ran;
oom:
	fprintf(stderr, "replay: %s: out of memory\n", dir);
	if (d != NULL)
		closedir(d);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return -1;
}

int
main(int argc, char **argv)
{
	struct stat st;
	long total = 0, ran;
	int i, fail = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
		return 2;
	}
	signal(SIGALRM, on_alarm);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			fail = 1;
			continue;
		}
		if (S_ISDIR(st.st_mode))
			ran = run_dir(argv[i]);
		else
			ran = run_file(argv[i]) == 0 ? 1 : -1;
		if (ran < 0)
			fail = 1;
		else
			total += ran;
	}
	printf("%s: replayed %ld inputs%s\n", argv[0], total, fail ? ", with errors" : "");
	return fail;
}
