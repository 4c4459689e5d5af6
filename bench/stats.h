/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Samples and their statistics. Every timed iteration is kept: no sample
 * is ever dropped, the max is the true max.
 *
 * Percentiles use linear interpolation between closest ranks (Hyndman and
 * Fan type 7, the default of numpy and R): for sorted x[0..n-1] and
 * p in [0,100], h = (n-1)*p/100, value = x[floor h] + (h - floor h) *
 * (x[floor h + 1] - x[floor h]). The median is p50 (the mean of the two
 * middle samples for an even count). The standard deviation is the sample
 * standard deviation (n-1 denominator, 0 for one sample), computed with
 * Welford's method in double precision.
 */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* Raw per-iteration samples in clock ticks. */
struct bench_samples {
	uint64_t *ticks;   /* one entry per timed iteration */
	uint64_t count;	   /* entries recorded */
	uint64_t capacity; /* entries allocated */
};

int bench_samples_alloc(struct bench_samples *s, uint64_t capacity);
void bench_samples_free(struct bench_samples *s);

/* Record one sample; the caller sized the buffer for every iteration. */
static inline void bench_samples_record(struct bench_samples *s, uint64_t ticks)
{
	s->ticks[s->count++] = ticks;
}

/*
 * Summary statistics. The unit is the caller's (ibpong reports
 * microseconds). A field that a source does not provide (an imported
 * IMB result has only the mean) is NAN; count is 0 when unknown.
 */
struct bench_stats {
	uint64_t count;
	double min;
	double median;
	double mean;
	double stdev;
	double p90;
	double p99;
	double p999;
	double max;
};

/* Set every field to "not available". */
void bench_stats_clear(struct bench_stats *st);

/*
 * Compute all fields from n values (n >= 1). values is sorted in place.
 * Returns 0 or -EINVAL for n == 0.
 */
int bench_stats_compute(double *values, size_t n, struct bench_stats *out);

/* Type-7 percentile of sorted values; p in [0, 100]. */
double bench_percentile_sorted(const double *sorted, size_t n, double p);

/* Names and accessors for the fields, for writers and the reporter. */
enum bench_stat_id {
	BENCH_STAT_MIN,
	BENCH_STAT_MEDIAN,
	BENCH_STAT_MEAN,
	BENCH_STAT_STDEV,
	BENCH_STAT_P90,
	BENCH_STAT_P99,
	BENCH_STAT_P999,
	BENCH_STAT_MAX,
	BENCH_STAT_NR,
};

/* "min", "median", "mean", "stdev", "p90", "p99", "p999", "max" */
const char *bench_stat_name(enum bench_stat_id id);
/* Returns the id, or -EINVAL for an unknown name. */
int bench_stat_from_name(const char *name);
double bench_stats_get(const struct bench_stats *st, enum bench_stat_id id);
void bench_stats_set(struct bench_stats *st, enum bench_stat_id id, double v);

#endif
