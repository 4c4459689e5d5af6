/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The benchmark clock: the invariant TSC calibrated against
 * CLOCK_MONOTONIC_RAW where the CPU has one, else clock_gettime().
 */
#ifndef BENCH_CLOCK_H
#define BENCH_CLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

struct bench_clock {
	bool use_tsc;	    /* true: ticks are TSC cycles */
	const char *source; /* "tsc" or "clock_gettime(CLOCK_MONOTONIC_RAW)" */
	double ns_per_tick; /* multiply ticks by this to get nanoseconds */
	double tsc_hz;	    /* calibrated TSC frequency, 0 without TSC */
	double overhead_ns; /* measured cost of one bench_clock_now() */
	double resolution_ns; /* smallest non-zero step seen */
};

/* Choose the source, calibrate it (about 50 ms) and measure its overhead. */
int bench_clock_init(struct bench_clock *clk);

/*
 * One timestamp, in ticks. The branch is on a per-process constant and is
 * always predicted; its cost is part of the measured overhead_ns.
 */
static inline uint64_t bench_clock_now(const struct bench_clock *clk)
{
#if defined(__x86_64__) || defined(__i386__)
	if (__builtin_expect(clk->use_tsc, 1))
		return __rdtsc();
#else
	(void)clk;
#endif
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline double bench_clock_ticks_to_ns(const struct bench_clock *clk,
					     uint64_t ticks)
{
	return (double)ticks * clk->ns_per_tick;
}

#endif
