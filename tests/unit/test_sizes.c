// SPDX-License-Identifier: BSD-2-Clause
/*
 * Size lists, K/M/G suffixes, errors and IMB's iteration schedule.
 */
#include "check.h"

#include "imb_sample.h"
#include "sizes.h"

static struct bench_sizes sz;

static void expect_sizes(const char *spec, const size_t *want, size_t n)
{
	const char *why = NULL;
	size_t i;

	if (bench_sizes_parse(spec, &sz, &why))
		fail_msg("'%s' refused: %s", spec, why);
	assert_int_equal(sz.count, n);
	for (i = 0; i < n; i++)
		if (sz.bytes[i] != want[i])
			fail_msg("'%s'[%zu] = %zu, expected %zu", spec, i,
				 sz.bytes[i], want[i]);
}

static void test_default(void **state)
{
	(void)state;
	bench_sizes_default(&sz);
	assert_int_equal(sz.count, 24); /* 0, then 2^0 .. 2^22 */
	assert_int_equal(sz.bytes[0], 0);
	assert_int_equal(sz.bytes[1], 1);
	assert_int_equal(sz.bytes[23], 4u << 20);
}

static void test_ranges(void **state)
{
	static const size_t r1[] = { 0, 1, 2, 4, 8, 16 };
	static const size_t r2[] = { 3, 4, 8, 16, 32, 64, 100 };
	static const size_t r3[] = { 1024, 2048, 4096 };
	static const size_t r4[] = { 8 };
	static const size_t r5[] = { 0 };

	(void)state;
	expect_sizes("0:16", r1, 6);
	expect_sizes("3:100", r2, 7);
	expect_sizes("1K:4k", r3, 3);
	expect_sizes("8:8", r4, 1);
	expect_sizes("0:0", r5, 1);
	assert_int_equal(bench_sizes_parse("0:4M", &sz, NULL), 0);
	assert_int_equal(sz.count, 24);
	assert_int_equal(bench_sizes_parse("1:2G", &sz, NULL), 0);
	assert_int_equal(sz.bytes[sz.count - 1], 2ull << 30);
}

static void test_lists(void **state)
{
	static const size_t l1[] = { 0, 64, 4096 };
	static const size_t l2[] = { 1048576 };
	static const size_t l3[] = { 1, 3, 1073741824 };

	(void)state;
	expect_sizes("4K,0,64,64", l1, 3); /* sorted, duplicates dropped */
	expect_sizes("1M", l2, 1);
	expect_sizes("1G,3,1", l3, 3);
}

static void test_one_size(void **state)
{
	size_t v;

	(void)state;
	assert_int_equal(bench_size_parse("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(bench_size_parse("17", &v), 0);
	assert_int_equal(v, 17);
	assert_int_equal(bench_size_parse("2k", &v), 0);
	assert_int_equal(v, 2048);
	assert_int_equal(bench_size_parse("3M", &v), 0);
	assert_int_equal(v, 3u << 20);
	assert_int_equal(bench_size_parse("2G", &v), 0);
	assert_int_equal(v, 2ull << 30);
}

static void test_errors(void **state)
{
	static const char *const bad[] = {
		"",
		"abc",
		"-1",
		"1:",
		":5",
		"10:5",
		"1,,2",
		",1",
		"1,",
		"1.5K",
		"0x10",
		"4KB",
		"3G",
		"1T",
		"1:3G",
		"K",
		" 1",
		"1 ",
		"99999999999999999999999",
	};
	const char *why;
	size_t i, v;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		if (bench_sizes_parse(bad[i], &sz, &why) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
		assert_non_null(why);
		assert_non_null(strstr(why, "MIN:MAX"));
		assert_int_equal(sz.count, 0);
	}
	assert_int_equal(bench_sizes_parse(NULL, &sz, NULL), -EINVAL);
	assert_int_equal(bench_size_parse("1x", &v), -EINVAL);
	assert_int_equal(bench_size_parse("", &v), -EINVAL);
}

static void test_schedule(void **state)
{
	(void)state;
	assert_int_equal(bench_schedule_iters(0), 1000);
	assert_int_equal(bench_schedule_iters(1), 1000);
	assert_int_equal(bench_schedule_iters(40960), 1000);
	assert_int_equal(bench_schedule_iters(65536), 640);
	assert_int_equal(bench_schedule_iters(4u << 20), 10);
	assert_int_equal(bench_schedule_iters(40u << 20), 1);
	assert_int_equal(bench_schedule_iters(1u << 30), 1); /* at least 1 */
	assert_int_equal(bench_schedule_warmup(1000), 100);
	assert_int_equal(bench_schedule_warmup(300), 30);
	assert_int_equal(bench_schedule_warmup(30), 10); /* IMB's floor */
	assert_int_equal(bench_schedule_warmup(1), 10);
	/* bandwidth: 40 MiB over the windows, 20 to 1000 windows */
	assert_int_equal(bench_schedule_windows(1, 64), 1000);
	assert_int_equal(bench_schedule_windows(4096, 64), 160);
	assert_int_equal(bench_schedule_windows(65536, 64), 20);
	assert_int_equal(bench_schedule_windows(4u << 20, 64), 20);
	assert_int_equal(bench_schedule_windows(0, 64), 1000);
}

/* IMB's own #repetitions column, size by size. */
static void test_schedule_matches_imb(void **state)
{
	unsigned long long size, reps;
	size_t i;

	(void)state;
	for (i = 0; i < IMB_SAMPLE_ROWS; i++) {
		assert_int_equal(
			sscanf(imb_sample_rows[i], "%llu %llu", &size, &reps),
			2);
		assert_int_equal(bench_schedule_iters((size_t)size), reps);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_one_size),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_schedule),
		cmocka_unit_test(test_schedule_matches_imb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
