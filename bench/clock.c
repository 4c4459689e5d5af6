// SPDX-License-Identifier: BSD-2-Clause
/*
 * Clock selection and calibration.
 *
 * Which clock. The TSC is used where something trusts it to tick at a
 * constant rate: the CPU (CPUID's invariant-TSC bit), or the kernel (its
 * clocksource is "tsc", or it sets both constant_tsc and nonstop_tsc).
 * Hypervisors often hide the CPUID bit while the kernel still runs on the
 * TSC; deciding from the bit alone would put clock_gettime, a microsecond
 * a read in some VMs, inside every sample. run.clock.reason says which
 * rule decided.
 *
 * Its rate. Measured against CLOCK_MONOTONIC_RAW, never read from /proc's
 * "cpu MHz" (the current, scaled frequency of one core). A few short runs
 * (bench_clock_cal): each TSC read is bracketed by two raw reads, the
 * narrowest of several tries at each end is kept, and the run whose
 * brackets are the smallest fraction of its length wins. The spread of
 * all runs' rates is recorded as a check of that uncertainty. CPUID's own
 * figure (leaf 0x15, else the nominal 0x16) is recorded next to it.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "clock.h"
#include "log.h"

#define CAL_RUNS	 5
#define CAL_NS		 1500000ull /* 1.5 ms a run: 7.5 ms in all */
#define CAL_TRIES	 5	    /* bracket attempts at each end */
#define OVERHEAD_BATCHES 51
#define OVERHEAD_READS	 100
#define REF_WARN_PPM	 10000.0 /* CPUID's figure 1 % away: say so */

static uint64_t raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static bool tsc_cpuid_invariant(void)
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

/* The first line of a small file, without its newline; "" if absent. */
static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static bool kernel_clocksource_tsc(void)
{
	char cs[64];

	read_line("/sys/devices/system/clocksource/clocksource0/"
		  "current_clocksource",
		  cs, sizeof(cs));
	return !strcmp(cs, "tsc");
}

/* Both flags on the first "flags" line of /proc/cpuinfo. */
static bool kernel_tsc_flags(void)
{
	char line[8192];
	bool constant = false, nonstop = false;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5) != 0)
			continue;
		constant = strstr(line, " constant_tsc") != NULL;
		nonstop = strstr(line, " nonstop_tsc") != NULL;
		break;
	}
	fclose(f);
	return constant && nonstop;
}

/*
 * IBPONG_CLOCK=tsc uses the TSC whatever the CPU and kernel say (QEMU's
 * TCG derives the guest TSC from the host's at a constant rate, though it
 * hides the flag and the kernel marks it unstable); IBPONG_CLOCK=
 * clock_gettime never uses it. Else the first rule that trusts it wins.
 */
static bool clock_want_tsc(const char **reason)
{
	const char *env = getenv("IBPONG_CLOCK");

	if (env && !strcmp(env, "clock_gettime")) {
		*reason = "IBPONG_CLOCK=clock_gettime";
		return false;
	}
	if (env && !strcmp(env, "tsc")) {
		*reason = "forced by IBPONG_CLOCK=tsc";
		return true;
	}
	if (tsc_cpuid_invariant()) {
		*reason = "CPUID: invariant TSC";
		return true;
	}
	if (kernel_clocksource_tsc()) {
		*reason = "kernel clocksource is tsc (CPUID hides the "
			  "invariant-TSC bit)";
		return true;
	}
	if (kernel_tsc_flags()) {
		*reason = "kernel flags constant_tsc and nonstop_tsc";
		return true;
	}
	*reason = "no invariant TSC: neither CPUID, the kernel clocksource "
		  "nor constant_tsc/nonstop_tsc vouch for it";
	return false;
}

#if defined(__x86_64__) || defined(__i386__)
/* One TSC read between the narrowest pair of raw reads of a few tries. */
static void cal_read(uint64_t *lo, uint64_t *tsc, uint64_t *hi)
{
	uint64_t a, t, b;

	*lo = 0;
	*hi = UINT64_MAX;
	for (int i = 0; i < CAL_TRIES; i++) {
		a = raw_ns();
		t = __rdtsc();
		b = raw_ns();
		if (b >= a && b - a < *hi - *lo) {
			*lo = a;
			*tsc = t;
			*hi = b;
		}
	}
	if (*hi == UINT64_MAX) /* the raw clock stepped back every time */
		*hi = *lo;
}
#endif

static void tsc_calibrate_runs(struct bench_clock_cal *cal, size_t n)
{
#if defined(__x86_64__) || defined(__i386__)
	for (size_t i = 0; i < n; i++) {
		cal_read(&cal[i].ns0_lo, &cal[i].tsc0, &cal[i].ns0_hi);
		while (raw_ns() - cal[i].ns0_hi < CAL_NS)
			;
		cal_read(&cal[i].ns1_lo, &cal[i].tsc1, &cal[i].ns1_hi);
	}
#else
	memset(cal, 0, n * sizeof(*cal));
#endif
}

unsigned bench_clock_pick(const struct bench_clock_cal *cal, size_t n,
			  double *hz, double *uncertainty_ppm,
			  double *spread_ppm)
{
	double best_u = INFINITY, best_hz = 0, lo = INFINITY, hi = 0;
	unsigned valid = 0;

	for (size_t i = 0; i < n; i++) {
		const struct bench_clock_cal *c = &cal[i];
		double mid0, mid1, span, u, r;

		if (c->tsc1 <= c->tsc0 || c->ns0_hi < c->ns0_lo ||
		    c->ns1_hi < c->ns1_lo || c->ns1_lo <= c->ns0_hi)
			continue; /* a backwards step, or no time at all */
		mid0 = ((double)c->ns0_lo + (double)c->ns0_hi) / 2;
		mid1 = ((double)c->ns1_lo + (double)c->ns1_hi) / 2;
		span = mid1 - mid0;
		u = (double)(c->ns0_hi - c->ns0_lo + c->ns1_hi - c->ns1_lo) /
		    2 / span;
		r = (double)(c->tsc1 - c->tsc0) * 1e9 / span;
		valid++;
		lo = r < lo ? r : lo;
		hi = r > hi ? r : hi;
		if (u < best_u) {
			best_u = u;
			best_hz = r;
		}
	}
	if (!valid)
		return 0;
	*hz = best_hz;
	*uncertainty_ppm = best_u * 1e6;
	*spread_ppm = (hi - lo) / best_hz * 1e6;
	return valid;
}

/* CPUID's TSC frequency: leaf 0x15 (crystal ratio), else 0x16 (base). */
static double tsc_ref_hz(const char **source)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned int a, b, c, d, max;

	*source = NULL;
	if (!__get_cpuid(0, &max, &b, &c, &d))
		return 0;
	if (max >= 0x15 && __get_cpuid(0x15, &a, &b, &c, &d) && a && b && c) {
		*source = "cpuid 0x15";
		return (double)c * b / a;
	}
	if (max >= 0x16 && __get_cpuid(0x16, &a, &b, &c, &d) && (a & 0xffff)) {
		*source = "cpuid 0x16 (nominal base frequency)";
		return (a & 0xffff) * 1e6;
	}
#endif
	*source = NULL;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * The cost of one read: batches of back-to-back reads, each batch timed by
 * the clock itself; the median batch hides interrupts and migrations.
 * The smallest non-zero step between two reads is the resolution; a read
 * smaller than the one before is counted as a backward step.
 */
static void clock_measure(struct bench_clock *clk)
{
	double per_read[OVERHEAD_BATCHES];
	uint64_t t0, t1, prev, now, step = UINT64_MAX;
	int b, i;

	clk->backwards = 0;
	for (b = 0; b < OVERHEAD_BATCHES; b++) {
		t0 = bench_clock_now(clk);
		prev = t0;
		for (i = 0; i < OVERHEAD_READS; i++) {
			now = bench_clock_now(clk);
			if (now < prev)
				clk->backwards++;
			else if (now > prev && now - prev < step)
				step = now - prev;
			prev = now;
		}
		t1 = bench_clock_now(clk);
		per_read[b] = t1 < t0 ? 0
				      : bench_clock_ticks_to_ns(clk, t1 - t0) /
						(OVERHEAD_READS + 1);
	}
	qsort(per_read, OVERHEAD_BATCHES, sizeof(double), cmp_double);
	clk->overhead_ns = per_read[OVERHEAD_BATCHES / 2];
	clk->resolution_ns =
		step == UINT64_MAX ? 0 : bench_clock_ticks_to_ns(clk, step);
}

static void clock_use_raw(struct bench_clock *clk, const char *reason)
{
	clk->use_tsc = false;
	clk->source = "clock_gettime(CLOCK_MONOTONIC_RAW)";
	clk->reason = reason;
	clk->ns_per_tick = 1.0;
	clk->tsc_hz = 0;
}

/* Calibrate; false (and a reason) when no run could be trusted. */
static bool clock_calibrate(struct bench_clock *clk)
{
	struct bench_clock_cal cal[CAL_RUNS];
	double hz = 0, u = 0, spread = 0, diff;
	uint64_t t0 = raw_ns();

	tsc_calibrate_runs(cal, CAL_RUNS);
	clk->calibrations = bench_clock_pick(cal, CAL_RUNS, &hz, &u, &spread);
	clk->calibrate_ms = (double)(raw_ns() - t0) / 1e6;
	if (!clk->calibrations || hz < 1e6)
		return false;
	clk->use_tsc = true;
	clk->source = "tsc";
	clk->tsc_hz = hz;
	clk->ns_per_tick = 1e9 / hz;
	clk->uncertainty_ppm = u;
	clk->spread_ppm = spread;
	clk->ref_hz = tsc_ref_hz(&clk->ref_source);
	diff = clk->ref_hz > 0 ? fabs(hz - clk->ref_hz) / clk->ref_hz * 1e6 : 0;
	if (diff > REF_WARN_PPM)
		bench_warn("the TSC ticks at %.6f GHz here but %s says %.6f "
			   "GHz: a hypervisor may scale it; figures follow "
			   "the measured rate",
			   hz / 1e9, clk->ref_source, clk->ref_hz / 1e9);
	return true;
}

int bench_clock_init(struct bench_clock *clk)
{
	const char *reason;
	struct timespec res;
	int ret;

	memset(clk, 0, sizeof(*clk));
	if (clock_getres(CLOCK_MONOTONIC_RAW, &res)) {
		ret = -errno;
		bench_err("clock_getres(CLOCK_MONOTONIC_RAW): %s",
			  strerror(-ret));
		return ret;
	}
	if (!clock_want_tsc(&reason)) {
		clock_use_raw(clk, reason);
	} else if (!clock_calibrate(clk)) {
		clock_use_raw(clk, "the TSC stepped backwards or did not tick "
				   "while being calibrated");
	} else {
		clk->reason = reason;
	}
	clock_measure(clk);
	if (clk->use_tsc && clk->backwards) {
		clock_use_raw(clk, "the TSC stepped backwards between reads "
				   "(unsynchronised across CPUs?)");
		clock_measure(clk);
	}
	return 0;
}

uint64_t bench_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

double bench_mono_s(void)
{
	return (double)bench_mono_ns() / 1e9;
}
