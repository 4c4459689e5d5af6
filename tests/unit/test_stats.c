// SPDX-License-Identifier: BSD-2-Clause
/*
 * Statistics against hand-computed values (type-7 percentiles, sample
 * standard deviation, true max).
 */
#include "check.h"

#include <malloc.h>

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
	/* 5 samples: no percentile beyond the median */
	assert_true(isnan(st.p90));
	assert_true(isnan(st.p99));
	assert_true(isnan(st.p999));
	/* h = 4 * 0.9 = 3.6: 4 + 0.6 * (5 - 4) */
	assert_near(bench_percentile_sorted(v, 5, 90), 4.6, 1e-12);
	assert_near(bench_percentile_sorted(v, 5, 99), 4.96, 1e-12);
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
	assert_true(isnan(st.p90));
	assert_near(bench_percentile_sorted(v, 4, 90), 3.7, 1e-12);
	assert_near(bench_percentile_sorted(v, 4, 99), 3.97, 1e-12);
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
	assert_true(isnan(st.p999));
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

/* Order-statistic ranks from the binomial tables (hand-computed). */
static void test_median_ci_ranks(void **state)
{
	uint64_t lo, hi, lo2, hi2;

	(void)state;
	/* n = 5: even [min, max] covers with 1 - 2/32 = 0.9375 only */
	assert_int_equal(bench_median_ci_ranks(5, &lo, &hi), -EINVAL);
	/* n = 6: P(B <= 0) = 1/64 = 0.0156 <= 0.025 */
	assert_int_equal(bench_median_ci_ranks(6, &lo, &hi), 0);
	assert_int_equal(lo, 1);
	assert_int_equal(hi, 6);
	/* n = 10: P(B <= 1) = 11/1024 = 0.0107, P(B <= 2) = 0.0547 */
	assert_int_equal(bench_median_ci_ranks(10, &lo, &hi), 0);
	assert_int_equal(lo, 2);
	assert_int_equal(hi, 9);
	/* n = 20: P(B <= 5) = 0.0207, P(B <= 6) = 0.0577 */
	assert_int_equal(bench_median_ci_ranks(20, &lo, &hi), 0);
	assert_int_equal(lo, 6);
	assert_int_equal(hi, 15);
	/* n = 100: P(B <= 39) = 0.0176, P(B <= 40) = 0.0284 */
	assert_int_equal(bench_median_ci_ranks(100, &lo, &hi), 0);
	assert_int_equal(lo, 40);
	assert_int_equal(hi, 61);
	/* exact at 10000, normal approximation at 10001: they agree */
	assert_int_equal(bench_median_ci_ranks(10000, &lo, &hi), 0);
	assert_int_equal(bench_median_ci_ranks(10001, &lo2, &hi2), 0);
	assert_in_range(lo2, lo - 1, lo + 1);
	assert_int_equal(hi2, 10002 - lo2);
	/* n/2 - 0.98 sqrt(n) + 0.5 = 500000 - 980 + 0.5 */
	assert_int_equal(bench_median_ci_ranks(1000000, &lo, &hi), 0);
	assert_int_equal(lo, 499020);
	assert_int_equal(hi, 500981);
}

static void test_t975_and_batch_means(void **state)
{
	const double means[] = { 1, 2, 3, 4, 5 };
	struct bench_interval ci;

	(void)state;
	assert_near(bench_t975(1), 12.706, 1e-9);
	assert_near(bench_t975(4), 2.776, 1e-9);
	assert_near(bench_t975(30), 2.042, 1e-9);
	/* tables: t(40) = 2.0211, t(60) = 2.0003, t(120) = 1.9799 */
	assert_near(bench_t975(40), 2.0211, 2e-4);
	assert_near(bench_t975(60), 2.0003, 2e-4);
	assert_near(bench_t975(120), 1.9799, 2e-4);
	assert_near(bench_t975(1000000), 1.96, 1e-3);
	/* mean 3, s = sqrt(2.5), 2.776 * sqrt(2.5) / sqrt(5) = 1.96292 */
	assert_int_equal(bench_batch_means_ci(means, 5, &ci), 0);
	assert_near(ci.lo, 3 - 2.776 * sqrt(0.5), 1e-12);
	assert_near(ci.hi, 3 + 2.776 * sqrt(0.5), 1e-12);
	assert_int_equal(bench_batch_means_ci(means, 1, &ci), -EINVAL);
}

/* Exact below 2^7; every bucket within 1/128 of its lower bound. */
static void test_hist_layout(void **state)
{
	uint64_t v, lo, hi;
	unsigned idx, prev = 0;
	int i;

	(void)state;
	for (v = 0; v < 256; v++) {
		idx = bench_hist_index(v);
		bench_hist_bounds(idx, &lo, &hi);
		assert_int_equal(lo, v);
		assert_int_equal(hi, v);
	}
	bench_hist_bounds(bench_hist_index(256), &lo, &hi);
	assert_int_equal(lo, 256);
	assert_int_equal(hi, 257);
	assert_int_equal(bench_hist_index(UINT64_MAX), BENCH_HIST_BUCKETS - 1);
	bench_hist_bounds(BENCH_HIST_BUCKETS - 1, &lo, &hi);
	assert_true(hi == UINT64_MAX);
	srand(7);
	for (i = 0; i < 100000; i++) {
		v = ((uint64_t)rand() << 31 | (uint64_t)rand()) >>
		    (rand() % 50);
		idx = bench_hist_index(v);
		bench_hist_bounds(idx, &lo, &hi);
		assert_true(lo <= v && v <= hi);
		/* the midpoint is within 0.4 % of v */
		assert_true(fabs(((double)lo + (double)hi) / 2 - (double)v) <=
			    0.004 * (double)v + 0.5);
	}
	/* indices grow with the value */
	for (v = 1; v < (1ull << 40); v = v * 3 / 2 + 1) {
		idx = bench_hist_index(v);
		assert_true(idx >= prev);
		prev = idx;
	}
}

/* A skewed stream: every sample kept, or beyond the raw bound. */
static uint64_t sample_at(uint64_t i)
{
	/* 1000 .. 1999 ticks, a deterministic permutation, and a tail */
	return 1000 + (i * 7919) % 1000 + (i % 997 == 0 ? 50000 : 0);
}

static void test_acc_exact_matches_compute(void **state)
{
	struct bench_summary sum;
	struct bench_stats ref;
	struct bench_acc *a;
	uint64_t ticks[5000], lo, hi;
	double v[5000];
	int i;

	(void)state;
	for (i = 0; i < 5000; i++) {
		ticks[i] = sample_at((uint64_t)i);
		v[i] = (double)ticks[i] * 0.5;
	}
	assert_int_equal(bench_acc_create(0, &a), 0);
	bench_acc_add(a, ticks, 1234);
	bench_acc_add(a, ticks + 1234, 5000 - 1234);
	assert_int_equal(bench_acc_count(a), 5000);
	assert_int_equal(bench_acc_summary(a, 0.5, &sum), 0);
	assert_int_equal(bench_stats_compute(v, 5000, &ref), 0);
	assert_true(sum.exact);
	assert_int_equal(sum.st.count, 5000);
	assert_near(sum.st.min, ref.min, 0);
	assert_near(sum.st.max, ref.max, 0);
	assert_near(sum.st.median, ref.median, 0);
	assert_near(sum.st.p999, ref.p999, 0);
	assert_near(sum.st.mean, ref.mean, 1e-9);
	assert_near(sum.st.stdev, ref.stdev, 1e-6);
	assert_int_equal(bench_median_ci_ranks(5000, &lo, &hi), 0);
	assert_near(sum.median_ci.lo, v[lo - 1], 0);
	assert_near(sum.median_ci.hi, v[hi - 1], 0);
	/* the stopping rule's half-width: the same order statistics */
	assert_near(bench_acc_median_rel_halfwidth(a),
		    (v[hi - 1] - v[lo - 1]) / 2 / ref.median, 1e-12);
	/* 5000 samples: batch length 128, 39 full batches */
	assert_int_equal(sum.batches, 39);
	assert_true(sum.mean_ci.lo < sum.st.mean &&
		    sum.st.mean < sum.mean_ci.hi);
	assert_int_equal(sum.stable, 1);
	bench_acc_destroy(a);
}

/* 100 samples of 0.7 us and one 60 us stall every 10: the mean's
 * interval would reach below 0; it is cut to [min, max]. */
static void test_acc_mean_ci_cut(void **state)
{
	struct bench_summary sum;
	struct bench_acc *a;
	uint64_t ticks[100];
	int i;

	(void)state;
	for (i = 0; i < 100; i++)
		ticks[i] = i == 57 ? 60000 : 700;
	assert_int_equal(bench_acc_create(0, &a), 0);
	bench_acc_add(a, ticks, 100);
	assert_int_equal(bench_acc_summary(a, 0.001, &sum), 0);
	assert_true(sum.batches >= 10);
	assert_true(sum.mean_ci.lo >= sum.st.min);
	assert_true(sum.mean_ci.hi <= sum.st.max);
	assert_near(sum.mean_ci.lo, 0.7, 1e-12);
	assert_true(sum.mean_ci.hi > sum.st.mean);
	bench_acc_destroy(a);
}

static void test_acc_histogram(void **state)
{
	struct bench_summary sum;
	struct bench_stats ref;
	struct bench_acc *a;
	uint64_t *ticks;
	double *v;
	int i, n = 200000;

	(void)state;
	ticks = malloc((size_t)n * sizeof(*ticks));
	v = malloc((size_t)n * sizeof(*v));
	assert_non_null(ticks);
	assert_non_null(v);
	for (i = 0; i < n; i++) {
		ticks[i] = sample_at((uint64_t)i);
		v[i] = (double)ticks[i];
	}
	assert_int_equal(bench_acc_create(1000, &a), 0); /* 1000 raw */
	for (i = 0; i < n; i += 1000)
		bench_acc_add(a, ticks + i, 1000);
	assert_int_equal(bench_acc_summary(a, 1.0, &sum), 0);
	assert_int_equal(bench_stats_compute(v, (size_t)n, &ref), 0);
	assert_false(sum.exact);
	/* exact: count, min, max, mean, stdev */
	assert_int_equal(sum.st.count, n);
	assert_near(sum.st.min, ref.min, 0);
	assert_near(sum.st.max, ref.max, 0);
	assert_near(sum.st.mean, ref.mean, 1e-6);
	assert_near(sum.st.stdev, ref.stdev, 1e-6);
	/* within 1 %: percentiles */
	assert_near(sum.st.median, ref.median, ref.median * 0.01);
	assert_near(sum.st.p90, ref.p90, ref.p90 * 0.01);
	assert_near(sum.st.p999, ref.p999, ref.p999 * 0.01);
	/* the interval is widened to buckets, never narrowed */
	assert_true(sum.median_ci.lo <= ref.median);
	assert_true(sum.median_ci.hi >= ref.median);
	assert_true(sum.median_ci.hi - sum.median_ci.lo < ref.median * 0.02);
	assert_in_range(sum.batches, 32, 63);
	assert_int_equal(sum.stable, 1);
	bench_acc_destroy(a);
	free(ticks);
	free(v);
}

/* A run whose second half is 30 % slower is unstable, raw or not. */
static void test_acc_stability(void **state)
{
	struct bench_summary sum;
	struct bench_acc *a;
	uint64_t t[4000];
	int i, raw;

	(void)state;
	for (i = 0; i < 4000; i++)
		t[i] = sample_at((uint64_t)i) * (i < 2000 ? 10 : 13);
	for (raw = 0; raw < 2; raw++) {
		assert_int_equal(bench_acc_create(raw ? 0 : 100, &a), 0);
		bench_acc_add(a, t, 4000);
		assert_int_equal(bench_acc_summary(a, 1.0, &sum), 0);
		assert_int_equal(sum.exact, raw);
		assert_int_equal(sum.stable, 0);
		/* the same samples shuffled in time are stable */
		bench_acc_reset(a);
		for (i = 0; i < 2000; i++) {
			bench_acc_add(a, &t[i], 1);
			bench_acc_add(a, &t[i + 2000], 1);
		}
		assert_int_equal(bench_acc_summary(a, 1.0, &sum), 0);
		assert_int_equal(sum.stable, 1);
		/* too few samples to tell */
		bench_acc_reset(a);
		bench_acc_add(a, t, 8);
		assert_int_equal(bench_acc_summary(a, 1.0, &sum), 0);
		assert_int_equal(sum.stable, -1);
		assert_true(isnan(sum.mean_ci.lo));
		assert_int_equal(sum.batches, 0);
		assert_true(isfinite(sum.median_ci.lo));
		bench_acc_destroy(a);
	}
}

/*
 * One hour of 100 us iterations (36 million samples) through the
 * accumulator: the heap does not grow after creation, memory is a few
 * MB, and count, min and max stay exact.
 */
static void test_acc_memory_bounded(void **state)
{
	const uint64_t n = 36000000, chunk = 65536;
	uint64_t *t = malloc(chunk * sizeof(*t)), done = 0, i, k;
	struct bench_summary sum;
	struct mallinfo2 m0, m1;
	struct bench_acc *a;

	(void)state;
	assert_non_null(t);
	assert_int_equal(bench_acc_create(0, &a), 0);
	assert_true(bench_acc_memory_bytes(a) < 4u << 20);
	m0 = mallinfo2();
	while (done < n) {
		k = n - done < chunk ? n - done : chunk;
		for (i = 0; i < k; i++)
			t[i] = 300000 + (done + i) % 3001; /* 100 us at 3 GHz */
		bench_acc_add(a, t, k);
		done += k;
	}
	t[0] = 9000000; /* one late outlier: the true max */
	bench_acc_add(a, t, 1);
	m1 = mallinfo2();
	assert_int_equal(m1.uordblks, m0.uordblks);
	assert_int_equal(m1.hblkhd, m0.hblkhd);
	assert_int_equal(bench_acc_summary(a, 1.0, &sum), 0);
	assert_int_equal(sum.st.count, n + 1);
	assert_near(sum.st.min, 300000, 0);
	assert_near(sum.st.max, 9000000, 0);
	assert_near(sum.st.median, 301500, 301500 * 0.004);
	assert_true(isfinite(sum.st.p999));
	bench_acc_destroy(a);
	free(t);
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
		cmocka_unit_test(test_median_ci_ranks),
		cmocka_unit_test(test_t975_and_batch_means),
		cmocka_unit_test(test_hist_layout),
		cmocka_unit_test(test_acc_exact_matches_compute),
		cmocka_unit_test(test_acc_histogram),
		cmocka_unit_test(test_acc_mean_ci_cut),
		cmocka_unit_test(test_acc_stability),
		cmocka_unit_test(test_acc_memory_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
