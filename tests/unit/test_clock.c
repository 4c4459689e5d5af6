// SPDX-License-Identifier: BSD-2-Clause
/*
 * The clock's calibration: the tightest bracketed run wins, the spread of
 * every valid run is recorded, backward steps are dropped; and the real
 * clock has a reason and a rate that agrees with CLOCK_MONOTONIC_RAW over
 * a longer interval.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "clock.h"

/* A run of `ns` nanoseconds at `hz`, brackets of w0 and w1 ns. */
static struct bench_clock_cal cal_run(uint64_t start, uint64_t ns, double hz,
				      uint64_t w0, uint64_t w1)
{
	struct bench_clock_cal c = {
		.ns0_lo = start,
		.ns0_hi = start + w0,
		.tsc0 = 1000000,
		.ns1_lo = start + ns,
		.ns1_hi = start + ns + w1,
	};

	/* midpoints are w0/2 and ns + w1/2 */
	c.tsc1 = c.tsc0 +
		 (uint64_t)llround(
			 hz * ((double)ns + ((double)w1 - (double)w0) / 2.0) /
			 1e9);
	return c;
}

static void test_pick_tightest(void **state)
{
	struct bench_clock_cal cal[3];
	double hz = 0, u = 0, spread = 0;

	(void)state;
	cal[0] = cal_run(1000, 1000000, 2.0e9 * (1 + 50e-6), 200, 200);
	cal[1] = cal_run(5000000, 1000000, 2.0e9, 20, 20); /* tightest */
	cal[2] = cal_run(9000000, 1000000, 2.0e9 * (1 - 30e-6), 100, 60);
	assert_int_equal(bench_clock_pick(cal, 3, &hz, &u, &spread), 3);
	assert_true(fabs(hz - 2.0e9) < 2.0); /* within 1 ppm */
	/* (20 + 20) / 2 ns over 1 ms: 20 ppm */
	assert_true(fabs(u - 20.0) < 0.5);
	/* +50 ppm to -30 ppm: 80 ppm */
	assert_true(fabs(spread - 80.0) < 1.0);
}

static void test_pick_backwards(void **state)
{
	struct bench_clock_cal cal[3];
	double hz = 7, u = 7, spread = 7;

	(void)state;
	cal[0] = cal_run(1000, 1000000, 3.0e9, 10, 10);
	cal[0].tsc1 = cal[0].tsc0 - 5; /* the TSC stepped back */
	cal[1] = cal_run(5000000, 1000000, 3.0e9, 10, 10);
	cal[1].ns1_lo = cal[1].ns0_lo - 1; /* the raw clock stepped back */
	cal[1].ns1_hi = cal[1].ns1_lo + 10;
	assert_int_equal(bench_clock_pick(cal, 2, &hz, &u, &spread), 0);
	assert_true(hz == 7 && u == 7 && spread == 7); /* untouched */
	cal[2] = cal_run(9000000, 2000000, 3.0e9, 40, 40);
	assert_int_equal(bench_clock_pick(cal, 3, &hz, &u, &spread), 1);
	assert_true(fabs(hz - 3.0e9) < 3.0);
	assert_true(spread == 0);
}

static uint64_t now_raw(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A clock read between two raw reads at most 20 us apart (a few tries). */
static uint64_t bracketed(const struct bench_clock *clk, uint64_t *mid_ns)
{
	uint64_t a, t, b;
	int i;

	for (i = 0; i < 100; i++) {
		a = now_raw();
		t = bench_clock_now(clk);
		b = now_raw();
		if (b - a < 20000)
			break;
	}
	*mid_ns = (a + b) / 2;
	return t;
}

/* The real clock: quick, explained, and right over 200 ms. */
static void test_real_clock(void **state)
{
	struct bench_clock clk;
	uint64_t n0, n1, t0, t1;
	double ns, want;

	(void)state;
	assert_int_equal(bench_clock_init(&clk), 0);
	assert_non_null(clk.source);
	assert_non_null(clk.reason);
	assert_true(clk.reason[0] != '\0');
	assert_true(clk.overhead_ns > 0);
	if (!clk.use_tsc) {
		assert_true(clk.ns_per_tick == 1.0);
		return;
	}
	assert_true(clk.calibrations >= 1);
	assert_true(clk.calibrate_ms > 0); /* its speed: ci/bench-mpi.sh */
	t0 = bracketed(&clk, &n0);
	while (now_raw() - n0 < 200000000ull)
		;
	t1 = bracketed(&clk, &n1);
	ns = bench_clock_ticks_to_ns(&clk, t1 - t0);
	want = (double)(n1 - n0);
	/* 1000 ppm (plus the 20 us brackets) is loose enough for a loaded
	 * machine and catches a wrong rate: a scaled or misread frequency
	 * is off by percents */
	if (fabs(ns - want) > 1e-3 * want + 40000)
		fail_msg("%.0f ns by the TSC, %.0f ns by CLOCK_MONOTONIC_RAW "
			 "(tsc_hz %.0f, spread %.1f ppm)",
			 ns, want, clk.tsc_hz, clk.spread_ppm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pick_tightest),
		cmocka_unit_test(test_pick_backwards),
		cmocka_unit_test(test_real_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
