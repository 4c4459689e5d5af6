/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The benchmark clock: the TSC calibrated against CLOCK_MONOTONIC_RAW
 * where the CPU or the kernel trusts it, else clock_gettime().
 */
#ifndef BENCH_CLOCK_H
#define BENCH_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

struct bench_clock {
	bool use_tsc;	    /* true: ticks are TSC cycles */
	const char *source; /* "tsc" or "clock_gettime(CLOCK_MONOTONIC_RAW)" */
	const char *reason; /* why this source: "CPUID invariant TSC", ... */
	double ns_per_tick; /* multiply ticks by this to get nanoseconds */
	double tsc_hz;	    /* calibrated TSC frequency, 0 without TSC */
	double overhead_ns; /* measured cost of one bench_clock_now() */
	double resolution_ns; /* smallest non-zero step seen */
	/* calibration: the tightest of `calibrations` bracketed runs */
	unsigned calibrations;	/* runs kept (a backwards step drops one) */
	double spread_ppm;	/* (max - min) / tightest of their rates */
	double uncertainty_ppm; /* the tightest run's bracket / its length */
	double calibrate_ms;	/* time the calibration took */
	/* the kernel's or CPUID's TSC frequency, 0 if neither says */
	double ref_hz;
	const char *ref_source; /* "cpuid 0x15", "cpuid 0x16", NULL */
	uint64_t backwards;	/* backward steps seen while measuring */
};

/*
 * One bracketed calibration run: CLOCK_MONOTONIC_RAW read just before and
 * just after each of two TSC reads. The rate is the TSC delta over the
 * delta of the brackets' midpoints; its uncertainty is the two bracket
 * widths over that delta.
 */
struct bench_clock_cal {
	uint64_t ns0_lo, ns0_hi; /* brackets of the first TSC read */
	uint64_t tsc0;
	uint64_t ns1_lo, ns1_hi; /* brackets of the second */
	uint64_t tsc1;
};

/*
 * Of n runs, keep the one with the smallest uncertainty: its rate in
 * *hz, its uncertainty and the spread of every valid run's rate, both in
 * parts per million of *hz. A run that steps backwards (either clock) is
 * skipped. Returns the number of valid runs (0: *hz etc. untouched).
 */
unsigned bench_clock_pick(const struct bench_clock_cal *cal, size_t n,
			  double *hz, double *uncertainty_ppm,
			  double *spread_ppm);

/*
 * Choose the source, calibrate it (a few milliseconds) and measure its
 * overhead.
 */
int bench_clock_init(struct bench_clock *clk);

/*
 * The one wall of time outside the timed loops (deadlines, time-outs,
 * elapsed times, connection set-up phases): CLOCK_MONOTONIC_RAW, which
 * no time adjustment slews, in nanoseconds. The timed loops use
 * bench_clock_now() instead.
 */
uint64_t bench_mono_ns(void);
/* The same in seconds. */
double bench_mono_s(void);

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
