/*
 * golden.h -- compare an output with a file under tests/unit/golden/, byte for byte.
 *
 * TW_UPDATE_GOLDEN=1 rewrites the files instead; read every changed one before
 * committing it.  Include after <cmocka.h>.
 */
#ifndef TLDWATCH_GOLDEN_H
#define TLDWATCH_GOLDEN_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TW_SOURCE_DIR
#define TW_SOURCE_DIR "."
#endif
#define GOLDEN_DIR TW_SOURCE_DIR "/tests/unit/golden/"

/* The whole file at ${path}, NUL-terminated (malloc'd), or NULL. */
static inline char *
golden_slurp(const char *path)
{
	char *buf = NULL;
	long len;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (len = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 && (buf = malloc((size_t)len + 1)) != NULL) {
		if (fread(buf, 1, (size_t)len, fp) != (size_t)len) {
			free(buf);
			buf = NULL;
		} else
			buf[len] = '\0';
	}
	fclose(fp);
	return buf;
}

static inline int
golden_updating(void)
{
	const char *v = getenv("TW_UPDATE_GOLDEN");

	return v != NULL && strcmp(v, "1") == 0;
}

/* Compare ${got} with the golden file ${file}, or rewrite it when updating. */
static inline void
golden_check(const char *file, const char *got)
{
	char path[1024], *want;
	size_t line = 1, i;
	FILE *fp;

	snprintf(path, sizeof(path), "%s%s", GOLDEN_DIR, file);
	if (golden_updating()) {
		fp = fopen(path, "wb");
		if (fp == NULL)
			fail_msg("cannot write %s", path);
		assert_int_equal(fwrite(got, 1, strlen(got), fp), strlen(got));
		assert_int_equal(fclose(fp), 0);
		print_message("updated %s\n", path);
		return;
	}
	if ((want = golden_slurp(path)) == NULL) {
		fail_msg("cannot read %s (TW_UPDATE_GOLDEN=1 writes it)", path);
		return;
	}
	for (i = 0; want[i] != '\0' && want[i] == got[i]; i++)
		if (want[i] == '\n')
			line++;
	if (want[i] != got[i]) {
		print_error("%s differs at line %zu; got:\n%s\n", file, line, got);
		free(want);
		fail_msg("%s: output differs from the golden file", file);
	}
	free(want);
}

#endif
