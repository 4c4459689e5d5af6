// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit conversions of bench_row_compute: ticks -> ns -> us, half round
 * trips, IMB's Mbytes/sec (size / t[usec], 10^6 B/s) and window rates.
 */
#include "check.h"

#include "imb_sample.h"
#include "run.h"

/* A clock whose tick is exactly 1 ns, or 0.5 ns (a 2 GHz TSC). */
static const struct bench_clock clk_ns = { .ns_per_tick = 1.0 };
static const struct bench_clock clk_2ghz = { .use_tsc = true,
					     .ns_per_tick = 0.5,
					     .tsc_hz = 2e9 };

static void samples_fill(struct bench_samples *s, const uint64_t *t, size_t n)
{
	size_t i;

	assert_int_equal(bench_samples_alloc(s, n), 0);
	for (i = 0; i < n; i++)
		bench_samples_record(s, t[i]);
}

static void test_latency_half_rtt(void **state)
{
	static const uint64_t t[] = { 2000, 4000, 3000 }; /* ns round trip */
	struct bench_step st = { .test = BENCH_TEST_LAT, .size_bytes = 1000 };
	struct bench_samples s;
	struct bench_row row;

	(void)state;
	samples_fill(&s, t, 3);
	bench_row_init(&row, 1000);
	assert_int_equal(
		bench_row_compute(&row, &st, &s, &clk_ns, BENCH_LAT_HALF_RTT),
		0);
	assert_near(row.lat_us.min, 1.0, 1e-12);
	assert_near(row.lat_us.median, 1.5, 1e-12);
	assert_near(row.lat_us.max, 2.0, 1e-12);
	assert_near(row.lat_us.mean, 1.5, 1e-12);
	/* 1000 bytes per 1.5 us = 666.67 * 10^6 B/s */
	assert_near(row.bw_MBps, 1000 / 1.5, 1e-9);
	assert_near(row.msg_rate_per_s, 1e6 / 1.5, 1e-6);
	bench_samples_free(&s);
}

/*
 * IMB's t: the larger of the ranks' loop time / n, halved for PingPong;
 * as is for PingPing; none for a round trip or bandwidth. perftest -b:
 * bibw is the sum of each side's own rate.
 */
static void test_imb_t_and_each_side(void **state)
{
	struct bench_step lat = { .test = BENCH_TEST_LAT, .size_bytes = 8 };
	struct bench_step pp = { .test = BENCH_TEST_PINGPING, .size_bytes = 8 };
	struct bench_step bi = { .test = BENCH_TEST_BIBW,
				 .size_bytes = 1000,
				 .window = 10 };
	/* rank 0 timed 100 iterations in 200 us, rank 1 in 250 us */
	const uint64_t loops[3] = { 200000, 250000, 0 };
	struct bench_row row;

	(void)state;
	bench_row_init(&row, 8);
	bench_row_add_loops(&row, &lat, 100, loops, 3, &clk_ns,
			    BENCH_LAT_HALF_RTT, false);
	assert_near(row.imb_t_us, 250.0 / 100 / 2, 1e-12); /* the larger */
	bench_row_init(&row, 8);
	bench_row_add_loops(&row, &pp, 100, loops, 2, &clk_ns,
			    BENCH_LAT_ONE_MSG, false);
	assert_near(row.imb_t_us, 2.5, 1e-12);
	bench_row_init(&row, 8);
	bench_row_add_loops(&row, &lat, 100, loops, 2, &clk_ns, BENCH_LAT_RTT,
			    false);
	assert_true(isnan(row.imb_t_us));
	/* 2 GHz: the same ticks are half the time */
	bench_row_init(&row, 8);
	bench_row_add_loops(&row, &lat, 100, loops, 2, &clk_2ghz,
			    BENCH_LAT_HALF_RTT, false);
	assert_near(row.imb_t_us, 125.0 / 100 / 2, 1e-12);
	/* bibw each side: 1000 msgs / 200 us + 1000 msgs / 250 us */
	bench_row_init(&row, 1000);
	row.msg_rate_per_s = 1;
	bench_row_add_loops(&row, &bi, 100, loops, 2, &clk_ns,
			    BENCH_LAT_ONE_MSG, true);
	assert_near(row.msg_rate_per_s, 1000 / 200e-6 + 1000 / 250e-6, 1e-3);
	assert_near(row.bw_MBps, row.msg_rate_per_s * 1000 / 1e6, 1e-9);
	assert_true(isnan(row.imb_t_us));
	/* one side only, or osu's method: rank 0's figure stays */
	bench_row_init(&row, 1000);
	row.msg_rate_per_s = 1;
	bench_row_add_loops(&row, &bi, 100, loops, 2, &clk_ns,
			    BENCH_LAT_ONE_MSG, false);
	assert_near(row.msg_rate_per_s, 1, 0);
	bench_row_add_loops(&row, &bi, 100, loops + 1, 2, &clk_ns,
			    BENCH_LAT_ONE_MSG, true);
	assert_near(row.msg_rate_per_s, 1, 0);
}

static void test_latency_rtt_and_tsc(void **state)
{
	static const uint64_t t[] = { 4000 }; /* 2 us at 2 GHz */
	struct bench_step st = { .test = BENCH_TEST_LAT, .size_bytes = 0 };
	struct bench_samples s;
	struct bench_row row;

	(void)state;
	samples_fill(&s, t, 1);
	assert_int_equal(
		bench_row_compute(&row, &st, &s, &clk_2ghz, BENCH_LAT_RTT), 0);
	assert_near(row.lat_us.mean, 2.0, 1e-12);
	assert_near(row.bw_MBps, 0, 0); /* 0 B moves nothing */
	assert_near(row.msg_rate_per_s, 5e5, 1e-6);
	bench_samples_free(&s);
}

/* IMB's figures: t = 2430.14 us one-way for 4 MiB is 1725.95 Mbytes/sec. */
static void test_imb_definition(void **state)
{
	unsigned long long size, reps;
	struct bench_step st = { .test = BENCH_TEST_LAT };
	struct bench_samples s;
	struct bench_row row;
	double t_us, mbs;
	uint64_t rtt;

	(void)state;
	assert_int_equal(sscanf(imb_sample_rows[IMB_SAMPLE_ROWS - 1],
				"%llu %llu %lf %lf", &size, &reps, &t_us, &mbs),
			 4);
	st.size_bytes = size;
	rtt = (uint64_t)(t_us * 2000); /* ns, round trip */
	samples_fill(&s, &rtt, 1);
	assert_int_equal(
		bench_row_compute(&row, &st, &s, &clk_ns, BENCH_LAT_HALF_RTT),
		0);
	assert_near(row.lat_us.mean, t_us, 1e-9);
	assert_near(row.bw_MBps, mbs, 0.005); /* IMB rounds to 2 places */
	bench_samples_free(&s);
}

static void test_bw_window(void **state)
{
	/* two windows of 64 x 1 MiB, 1 ms and 3 ms */
	static const uint64_t t[] = { 1000000, 3000000 };
	struct bench_step st = { .test = BENCH_TEST_BW,
				 .size_bytes = 1 << 20,
				 .window = 64 };
	struct bench_samples s;
	struct bench_row row;

	(void)state;
	samples_fill(&s, t, 2);
	assert_int_equal(
		bench_row_compute(&row, &st, &s, &clk_ns, BENCH_LAT_ONE_MSG),
		0);
	/* 128 messages in 4 ms */
	assert_near(row.msg_rate_per_s, 32000, 1e-6);
	assert_near(row.bw_MBps, 32000.0 * 1048576 / 1e6, 1e-6);
	/* per-message time: window time / window */
	assert_near(row.lat_us.min, 1000.0 / 64, 1e-9);
	assert_near(row.lat_us.max, 3000.0 / 64, 1e-9);
	assert_near(row.lat_us.mean, 2000.0 / 64, 1e-9);
	st.test = BENCH_TEST_BIBW; /* both directions: twice the bytes */
	assert_int_equal(
		bench_row_compute(&row, &st, &s, &clk_ns, BENCH_LAT_ONE_MSG),
		0);
	assert_near(row.msg_rate_per_s, 64000, 1e-6);
	assert_near(row.bw_MBps, 64000.0 * 1048576 / 1e6, 1e-6);
	bench_samples_free(&s);
}

static void test_no_samples(void **state)
{
	struct bench_step st = { .test = BENCH_TEST_LAT, .size_bytes = 8 };
	struct bench_samples s;
	struct bench_row row;

	(void)state;
	assert_int_equal(bench_samples_alloc(&s, 4), 0);
	assert_int_equal(
		bench_row_compute(&row, &st, &s, &clk_ns, BENCH_LAT_HALF_RTT),
		-EINVAL);
	bench_samples_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_latency_half_rtt),
		cmocka_unit_test(test_latency_rtt_and_tsc),
		cmocka_unit_test(test_imb_t_and_each_side),
		cmocka_unit_test(test_imb_definition),
		cmocka_unit_test(test_bw_window),
		cmocka_unit_test(test_no_samples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
