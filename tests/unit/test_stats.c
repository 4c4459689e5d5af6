// SPDX-License-Identifier: BSD-2-Clause
/*
 * Statistics against hand-computed values (type-7 percentiles, sample
 * standard deviation, true max).
 */
#include "check.h"

#include "stats.h"

static void test_odd_count(void **state)
{
	double v[] = { 5, 1, 3, 2, 4 };
	struct bench_stats st;

	(void)state;
	assert_int_equal(bench_stats_compute(v, 5, &st), 0);
	assert_int_equal(st.count, 5);
	assert_near(st.min, 1, 0);
	assert_near(st.max, 5, 0);
	assert_near(st.median, 3, 0);
	assert_near(st.mean, 3, 1e-12);
	/* h = 4 * 0.9 = 3.6: 4 + 0.6 * (5 - 4) */
	assert_near(st.p90, 4.6, 1e-12);
	assert_near(st.p99, 4.96, 1e-12);
	assert_near(st.p999, 4.996, 1e-12);
	/* sum of squares 10, n - 1 = 4 */
	assert_near(st.stdev, sqrt(2.5), 1e-12);
	/* sorted in place */
	assert_near(v[0], 1, 0);
	assert_near(v[4], 5, 0);
}

static void test_even_count(void **state)
{
	double v[] = { 4, 3, 2, 1 };
	struct bench_stats st;

	(void)state;
	assert_int_equal(bench_stats_compute(v, 4, &st), 0);
	/* the mean of the two middle samples */
	assert_near(st.median, 2.5, 1e-12);
	assert_near(st.mean, 2.5, 1e-12);
	/* h = 3 * 0.9 = 2.7: 3 + 0.7 */
	assert_near(st.p90, 3.7, 1e-12);
	assert_near(st.p99, 3.97, 1e-12);
	assert_near(st.stdev, sqrt(5.0 / 3.0), 1e-12);
}

static void test_single_sample(void **state)
{
	double v[] = { 7.25 };
	struct bench_stats st;

	(void)state;
	assert_int_equal(bench_stats_compute(v, 1, &st), 0);
	assert_int_equal(st.count, 1);
	assert_near(st.min, 7.25, 0);
	assert_near(st.median, 7.25, 0);
	assert_near(st.p999, 7.25, 0);
	assert_near(st.max, 7.25, 0);
	assert_near(st.stdev, 0, 0);
}

static void test_no_sample(void **state)
{
	struct bench_stats st;
	double v = 1;

	(void)state;
	assert_int_equal(bench_stats_compute(&v, 0, &st), -EINVAL);
	assert_true(isnan(bench_percentile_sorted(&v, 0, 50)));
}

static void test_p999_on_1000(void **state)
{
	struct bench_stats st;
	double v[1000];
	int i;

	(void)state;
	for (i = 0; i < 1000; i++)
		v[i] = 1000 - i; /* 1000 .. 1, reversed */
	assert_int_equal(bench_stats_compute(v, 1000, &st), 0);
	/* numpy.percentile(range(1, 1001), p) */
	assert_near(st.median, 500.5, 1e-9);
	assert_near(st.p90, 900.1, 1e-9);
	assert_near(st.p99, 990.01, 1e-9);
	assert_near(st.p999, 999.001, 1e-9);
	assert_near(st.max, 1000, 0);
	assert_near(st.mean, 500.5, 1e-9);
	assert_near(st.stdev, 288.8194360957494, 1e-9);
}

static void test_true_max(void **state)
{
	struct bench_stats st;
	double v[1000];
	int i;

	(void)state;
	for (i = 0; i < 1000; i++)
		v[i] = 1.0;
	v[17] = 1e6; /* one outlier: never trimmed */
	assert_int_equal(bench_stats_compute(v, 1000, &st), 0);
	assert_near(st.max, 1e6, 0);
	assert_near(st.median, 1, 0);
	/* h = 998.001: 1 + 0.001 * (1e6 - 1) */
	assert_near(st.p999, 1000.999, 1e-6);
	assert_near(st.mean, (999.0 + 1e6) / 1000.0, 1e-9);
}

/* Welford stays exact where sum(x^2) - n mean^2 loses every digit. */
static void test_stdev_precision(void **state)
{
	double v[] = { 1e9 + 1, 1e9 + 2, 1e9 + 3 };
	struct bench_stats st;

	(void)state;
	assert_int_equal(bench_stats_compute(v, 3, &st), 0);
	assert_near(st.mean, 1e9 + 2, 1e-6);
	assert_near(st.stdev, 1.0, 1e-9);
}

static void test_percentile_edges(void **state)
{
	const double v[] = { 10, 20, 30 };

	(void)state;
	assert_near(bench_percentile_sorted(v, 3, 0), 10, 0);
	assert_near(bench_percentile_sorted(v, 3, 100), 30, 0);
	assert_near(bench_percentile_sorted(v, 3, 25), 15, 1e-12);
	assert_near(bench_percentile_sorted(v, 3, 75), 25, 1e-12);
}

static void test_names_and_accessors(void **state)
{
	struct bench_stats st;
	int id;

	(void)state;
	bench_stats_clear(&st);
	assert_int_equal(st.count, 0);
	for (id = 0; id < BENCH_STAT_NR; id++) {
		assert_true(isnan(bench_stats_get(&st, id)));
		assert_int_equal(bench_stat_from_name(bench_stat_name(id)), id);
		bench_stats_set(&st, id, id + 0.5);
	}
	assert_near(st.min, 0.5, 0);
	assert_near(st.p999, BENCH_STAT_P999 + 0.5, 0);
	assert_near(st.max, BENCH_STAT_MAX + 0.5, 0);
	assert_string_equal(bench_stat_name(BENCH_STAT_P999), "p999");
	assert_int_equal(bench_stat_from_name("p95"), -EINVAL);
}

static void test_samples(void **state)
{
	struct bench_samples s;

	(void)state;
	assert_int_equal(bench_samples_alloc(&s, 3), 0);
	bench_samples_record(&s, 5);
	bench_samples_record(&s, 7);
	assert_int_equal(s.count, 2);
	assert_int_equal(s.ticks[1], 7);
	bench_samples_free(&s);
	assert_null(s.ticks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_odd_count),
		cmocka_unit_test(test_even_count),
		cmocka_unit_test(test_single_sample),
		cmocka_unit_test(test_no_sample),
		cmocka_unit_test(test_p999_on_1000),
		cmocka_unit_test(test_true_max),
		cmocka_unit_test(test_stdev_precision),
		cmocka_unit_test(test_percentile_edges),
		cmocka_unit_test(test_names_and_accessors),
		cmocka_unit_test(test_samples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
