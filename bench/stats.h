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
 *
 * A percentile is given only when there are enough samples for it to be
 * more than the max in disguise: p90 needs at least 10, p99 at least 100,
 * p99.9 at least 1000 (BENCH_PCT_MIN_*); below that it is NAN (absent).
 *
 * Precision (doc/statistics.md has the maths): a distribution-free 95 %
 * interval for the median from order statistics, a 95 % interval for the
 * mean from batch means, and a stability flag. Long runs keep raw samples
 * up to a bound, then a log-linear histogram (struct bench_acc).
 */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Raw per-iteration samples in clock ticks. */
struct bench_samples {
	uint64_t *ticks;   /* one entry per timed iteration */
	uint64_t count;	   /* entries recorded */
	uint64_t capacity; /* entries allocated */
	/* this rank's whole timed loop (IMB's t2 - t1), ticks; 0 when the
	 * engine did not time it. Every timing rank sets it, not only 0. */
	uint64_t loop_ticks;
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

/* Fewest samples for which each percentile is given. */
#define BENCH_PCT_MIN_P90  10u
#define BENCH_PCT_MIN_P99  100u
#define BENCH_PCT_MIN_P999 1000u

/* Confidence level of every interval. */
#define BENCH_CI_LEVEL 0.95

/* A closed interval [lo, hi]; both NAN when there is none. */
struct bench_interval {
	double lo;
	double hi;
};

/*
 * The 1-based ranks of the order statistics that bound the 95 %
 * distribution-free interval for the median of n samples: [x(lo), x(hi)]
 * with hi = n + 1 - lo, lo the largest rank with P(B <= lo - 1) <= 0.025
 * for B ~ Binomial(n, 1/2). Exact for n <= 10000, normal approximation
 * with continuity correction above. -EINVAL for n < 6 (no interval at
 * 95 %: even [min, max] covers with probability 1 - 2^(1-n) < 0.95).
 */
int bench_median_ci_ranks(uint64_t n, uint64_t *lo_rank, uint64_t *hi_rank);

/*
 * The median of n values, the one of the whole suite (the run driver's
 * probes, the reporter's aggregates, the sweep's robust scores): the
 * middle value, or the mean of the two middle ones; NAN values are
 * skipped; NAN when none is left (or when the copy cannot be made).
 * x is not changed.
 */
double bench_median(const double *x, size_t n);

/* The 0.975 quantile of Student's t with df degrees of freedom (df >= 1). */
double bench_t975(unsigned df);

/*
 * The 95 % interval for the mean from n batch means (n >= 2):
 * grand mean +- t975(n - 1) * s / sqrt(n), s the sample standard
 * deviation of the batch means. -EINVAL for n < 2.
 */
int bench_batch_means_ci(const double *means, unsigned n,
			 struct bench_interval *out);

/*
 * Log-linear histogram of tick counts (HdrHistogram's and fio's layout):
 * values below 2^BENCH_HIST_SUB_BITS have a bucket each (exact); above,
 * every power of two [2^e, 2^(e+1)) is split into 2^BENCH_HIST_SUB_BITS
 * equal buckets, so a bucket is at most 1/128 of its lower bound wide and
 * its midpoint is within 0.4 % of every value in it. Count, min, max and
 * sum are exact. Histograms of the same layout merge by adding counts.
 */
#define BENCH_HIST_SUB_BITS 7
#define BENCH_HIST_SUB	    (1u << BENCH_HIST_SUB_BITS)
#define BENCH_HIST_BUCKETS  (BENCH_HIST_SUB * (64 - BENCH_HIST_SUB_BITS + 1))

struct bench_hist {
	uint64_t count;			     /* values added */
	uint64_t min;			     /* exact; UINT64_MAX when empty */
	uint64_t max;			     /* exact; 0 when empty */
	uint64_t bucket[BENCH_HIST_BUCKETS]; /* counts */
};

void bench_hist_init(struct bench_hist *h);
/* The bucket of v: v itself below 2^7, else (group, sub-bucket). */
static inline unsigned bench_hist_index(uint64_t v)
{
	unsigned e;

	if (v < BENCH_HIST_SUB)
		return (unsigned)v;
	e = 63u - (unsigned)__builtin_clzll(v);
	return (e - BENCH_HIST_SUB_BITS + 1) * BENCH_HIST_SUB +
	       (unsigned)(v >> (e - BENCH_HIST_SUB_BITS)) - BENCH_HIST_SUB;
}

/* The smallest and largest value of bucket idx. */
void bench_hist_bounds(unsigned idx, uint64_t *lo, uint64_t *hi);

static inline void bench_hist_add(struct bench_hist *h, uint64_t v)
{
	h->bucket[bench_hist_index(v)]++;
	h->count++;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

/* dst += src. */
void bench_hist_merge(struct bench_hist *dst, const struct bench_hist *src);
/*
 * The bucket holding the value of 0-based rank r (r < count), as bounds
 * clamped to [min, max].
 */
void bench_hist_rank(const struct bench_hist *h, uint64_t r, uint64_t *lo,
		     uint64_t *hi);
/* Type-7 percentile on bucket midpoints (clamped to [min, max]). */
double bench_hist_percentile(const struct bench_hist *h, double p);

/*
 * A stream of samples of one size, in time order, in bounded memory:
 * the first raw_max samples raw (exact statistics while they suffice),
 * every sample in a histogram split into up to BENCH_ACC_SEGMENTS time
 * segments (for the stability test), running mean and variance
 * (Welford), and up to BENCH_ACC_BATCHES batch sums whose batch length
 * doubles as the stream grows (batch means). Nothing is allocated after
 * bench_acc_create(): memory does not grow with the duration.
 */
#define BENCH_ACC_RAW_DEFAULT (1u << 17) /* raw samples kept: 1 MiB */
#define BENCH_ACC_BATCHES     64u
#define BENCH_ACC_SEGMENTS    8u
/* Relative gap between the halves' median intervals that is unstable. */
#define BENCH_STABLE_TOL 0.01

struct bench_acc;

/* raw_max 0 means BENCH_ACC_RAW_DEFAULT. Returns 0 or -ENOMEM. */
int bench_acc_create(uint64_t raw_max, struct bench_acc **out);
void bench_acc_destroy(struct bench_acc *a); /* accepts NULL */
/* Start again with nothing recorded (same memory). */
void bench_acc_reset(struct bench_acc *a);
/* Append n samples (ticks), in the order they were measured. */
void bench_acc_add(struct bench_acc *a, const uint64_t *ticks, uint64_t n);
uint64_t bench_acc_count(const struct bench_acc *a);
/* Bytes held by a, fixed at creation. */
size_t bench_acc_memory_bytes(const struct bench_acc *a);
/*
 * Relative half-width of the median's 95 % interval (for stopping rules;
 * a's scratch space is overwritten): exact while every sample is raw,
 * from whole histogram buckets beyond: (hi - lo)
 * / 2 / median; INFINITY when there is no interval yet.
 */
double bench_acc_median_rel_halfwidth(struct bench_acc *a);
/* The median in ticks from the histogram; NAN when empty. */
double bench_acc_median_ticks(struct bench_acc *a);

/* What bench_acc_summary() finds, in the caller's unit. */
struct bench_summary {
	struct bench_stats st;		 /* as bench_stats_compute */
	struct bench_interval median_ci; /* 95 %, order statistics */
	struct bench_interval mean_ci;	 /* 95 %, batch means */
	unsigned batches;		 /* batch means used; 0: none */
	int stable;			 /* 1 stable, 0 unstable, -1 unknown */
	bool exact;			 /* from raw samples, not histogram */
};

/*
 * Statistics of everything added, each value being ticks * scale.
 * From the raw samples when all are held (exact); else from the
 * histogram: count, min, max, mean and stdev stay exact, percentiles are
 * within 0.4 %, and the median's interval is widened to whole buckets.
 * -EINVAL when empty, -ENOMEM.
 */
int bench_acc_summary(struct bench_acc *a, double scale,
		      struct bench_summary *out);

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
