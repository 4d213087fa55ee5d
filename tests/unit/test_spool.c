/*
 * test_spool.c -- the report spool: pieces written in any order (some empty, some large,
 * one never) read back in index order, byte for byte, from a temporary file and, when no
 * temporary file can be made, from memory; misuse refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tldwatch/spool.h"

#define N 6

/* The order pieces are written in (piece 4 never is), and each piece's length. */
static const size_t order[] = { 3, 0, 5, 1, 2 };
static const size_t lens[N] = { 10, 0, 200000, 1, 0, 65537 };

/* Byte ${k} of piece ${i}: differs from piece to piece and along a piece. */
static char
byte_of(size_t i, size_t k)
{
	return (char)('a' + (i * 7 + k * 13 + k / 251) % 26);
}

static void
round_trip(bool want_memory)
{
	struct tw_spool *sp = tw_spool_new(N);
	char *got = NULL, *want;
	size_t got_len = 0, want_len = 0, i, k, o;
	FILE *fp, *out;

	assert_non_null(sp);
	assert_int_equal(tw_spool_in_memory(sp), want_memory);
	for (o = 0; o < sizeof(order) / sizeof(order[0]); o++) {
		i = order[o];
		assert_non_null(fp = tw_spool_begin(sp, i));
		assert_null(tw_spool_begin(sp, (i + 1) % N));   /* one piece at a time */
		for (k = 0; k < lens[i]; k++)
			assert_int_not_equal(fputc(byte_of(i, k), fp), EOF);
		assert_int_equal(tw_spool_end(sp, i), 0);
		assert_null(tw_spool_begin(sp, i));             /* each piece once */
	}
	assert_null(tw_spool_begin(sp, N));                     /* out of range */
	assert_int_equal(tw_spool_end(sp, 4), -1);              /* never begun */

	assert_non_null(out = open_memstream(&got, &got_len));
	for (i = 0; i < N; i++)
		assert_int_equal(tw_spool_copy(sp, i, out), 0);
	assert_int_equal(tw_spool_copy(sp, N, out), -1);
	assert_int_equal(fclose(out), 0);

	for (i = 0; i < N; i++)
		if (i != 4)
			want_len += lens[i];
	assert_non_null(want = malloc(want_len + 1));
	for (i = 0, o = 0; i < N; i++)
		for (k = 0; i != 4 && k < lens[i]; k++)
			want[o++] = byte_of(i, k);
	assert_int_equal(got_len, want_len);
	assert_memory_equal(got, want, want_len);
	free(want);
	free(got);
	tw_spool_free(sp);
}

static void
test_file(void **state)
{
	(void)state;
	assert_int_equal(setenv("TMPDIR", "/tmp", 1), 0);
	round_trip(false);
}

static void
test_memory_when_no_file(void **state)
{
	(void)state;
	assert_int_equal(setenv("TMPDIR", "/nonexistent/tldwatch-test", 1), 0);
	round_trip(true);
	assert_int_equal(unsetenv("TMPDIR"), 0);
}

static void
test_empty(void **state)
{
	struct tw_spool *sp = tw_spool_new(0);

	(void)state;
	assert_non_null(sp);
	assert_null(tw_spool_begin(sp, 0));
	assert_int_equal(tw_spool_copy(sp, 0, stdout), -1);
	tw_spool_free(sp);
	tw_spool_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_memory_when_no_file),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
