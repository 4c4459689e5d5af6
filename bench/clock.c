// SPDX-License-Identifier: BSD-2-Clause
/*
 * Clock selection and calibration. The TSC is used only when the CPU
 * says it is invariant (constant rate across P-states and C-states); its
 * rate is measured against CLOCK_MONOTONIC_RAW, never read from /proc's
 * "cpu MHz", which is the current (scaled) frequency of one core.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "clock.h"
#include "log.h"

#define CALIBRATE_NS	 50000000ull /* 50 ms */
#define OVERHEAD_BATCHES 201
#define OVERHEAD_READS	 100

static uint64_t raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static bool tsc_invariant(void)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned int a, b, c, d;

	if (!__get_cpuid(0x80000000, &a, &b, &c, &d) || a < 0x80000007)
		return false;
	if (!__get_cpuid(0x80000007, &a, &b, &c, &d))
		return false;
	return d & (1u << 8);
#else
	return false;
#endif
}

/* Count TSC ticks over ~50 ms of CLOCK_MONOTONIC_RAW. */
static double tsc_calibrate(void)
{
#if defined(__x86_64__) || defined(__i386__)
	uint64_t t0, t1, c0, c1;

	t0 = raw_ns();
	c0 = __rdtsc();
	do {
		t1 = raw_ns();
		c1 = __rdtsc();
	} while (t1 - t0 < CALIBRATE_NS);
	return (double)(c1 - c0) * 1e9 / (double)(t1 - t0);
#else
	return 0;
#endif
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * The cost of one read: batches of back-to-back reads, each batch timed by
 * the clock itself; the median batch hides interrupts and migrations.
 * The smallest non-zero step between two reads is the resolution.
 */
static void clock_measure(struct bench_clock *clk)
{
	double per_read[OVERHEAD_BATCHES];
	uint64_t t0, t1, prev, now, step = UINT64_MAX;
	int b, i;

	for (b = 0; b < OVERHEAD_BATCHES; b++) {
		t0 = bench_clock_now(clk);
		prev = t0;
		for (i = 0; i < OVERHEAD_READS; i++) {
			now = bench_clock_now(clk);
			if (now > prev && now - prev < step)
				step = now - prev;
			prev = now;
		}
		t1 = bench_clock_now(clk);
		per_read[b] = bench_clock_ticks_to_ns(clk, t1 - t0) /
			      (OVERHEAD_READS + 1);
	}
	qsort(per_read, OVERHEAD_BATCHES, sizeof(double), cmp_double);
	clk->overhead_ns = per_read[OVERHEAD_BATCHES / 2];
	clk->resolution_ns =
		step == UINT64_MAX ? 0 : bench_clock_ticks_to_ns(clk, step);
}

/*
 * IBPONG_CLOCK=tsc uses the TSC although CPUID does not call it invariant:
 * hypervisors often hide the flag (QEMU's emulation derives the guest TSC
 * from the host's, at a constant rate). The rate is still calibrated, and
 * the source says it was forced. IBPONG_CLOCK=clock_gettime never uses it.
 */
static bool clock_want_tsc(const char **source)
{
	const char *env = getenv("IBPONG_CLOCK");

	*source = "tsc";
	if (env && !strcmp(env, "clock_gettime"))
		return false;
	if (env && !strcmp(env, "tsc") && !tsc_invariant()) {
		*source = "tsc (forced by IBPONG_CLOCK=tsc)";
		return true;
	}
	return tsc_invariant();
}

int bench_clock_init(struct bench_clock *clk)
{
	const char *tsc_source;
	struct timespec res;
	int ret;

	memset(clk, 0, sizeof(*clk));
	if (clock_getres(CLOCK_MONOTONIC_RAW, &res)) {
		ret = -errno;
		bench_err("clock_getres(CLOCK_MONOTONIC_RAW): %s",
			  strerror(-ret));
		return ret;
	}
	clk->source = "clock_gettime(CLOCK_MONOTONIC_RAW)";
	clk->ns_per_tick = 1.0;
	if (clock_want_tsc(&tsc_source)) {
		clk->tsc_hz = tsc_calibrate();
		if (clk->tsc_hz > 1e6) {
			clk->use_tsc = true;
			clk->source = tsc_source;
			clk->ns_per_tick = 1e9 / clk->tsc_hz;
		} else {
			clk->tsc_hz = 0;
		}
	}
	clock_measure(clk);
	return 0;
}
