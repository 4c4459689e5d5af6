// SPDX-License-Identifier: BSD-2-Clause
/*
 * Samples, summary statistics, intervals, the histogram and the bounded
 * accumulator (definitions in stats.h, maths in doc/statistics.md).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

int bench_samples_alloc(struct bench_samples *s, uint64_t capacity)
{
	s->count = 0;
	s->capacity = 0;
	/* One spare entry: an empty request still gets a valid pointer. */
	s->ticks = malloc((capacity + 1) * sizeof(*s->ticks));
	if (!s->ticks)
		return -ENOMEM;
	/* Touch every page now: a first write inside the timed loop would
	 * take a page fault every 512 samples. */
	memset(s->ticks, 0, (capacity + 1) * sizeof(*s->ticks));
	s->capacity = capacity;
	return 0;
}

void bench_samples_free(struct bench_samples *s)
{
	free(s->ticks);
	s->ticks = NULL;
	s->count = 0;
	s->capacity = 0;
}

void bench_stats_clear(struct bench_stats *st)
{
	st->count = 0;
	st->min = NAN;
	st->median = NAN;
	st->mean = NAN;
	st->stdev = NAN;
	st->p90 = NAN;
	st->p99 = NAN;
	st->p999 = NAN;
	st->max = NAN;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double bench_percentile_sorted(const double *sorted, size_t n, double p)
{
	double h, lo;
	size_t i;

	if (n == 0)
		return NAN;
	if (p <= 0)
		return sorted[0];
	if (p >= 100)
		return sorted[n - 1];
	/* Type 7: h is the zero-based fractional rank. */
	h = (double)(n - 1) * p / 100.0;
	lo = floor(h);
	i = (size_t)lo;
	if (i + 1 >= n)
		return sorted[n - 1];
	return sorted[i] + (h - lo) * (sorted[i + 1] - sorted[i]);
}

/*
 * Welford's update keeps the running mean and the sum of squared
 * deviations M2; unlike sum(x^2) - n*mean^2 it does not cancel
 * catastrophically when the spread is tiny against the mean (latencies of
 * 1.00x us). variance = M2 / (n - 1).
 */
static void welford(const double *v, size_t n, double *mean, double *stdev)
{
	double m = 0, m2 = 0, d;
	size_t i;

	for (i = 0; i < n; i++) {
		d = v[i] - m;
		m += d / (double)(i + 1);
		m2 += d * (v[i] - m);
	}
	*mean = m;
	*stdev = n > 1 ? sqrt(m2 / (double)(n - 1)) : 0.0;
}

int bench_stats_compute(double *values, size_t n, struct bench_stats *out)
{
	if (n == 0)
		return -EINVAL;
	qsort(values, n, sizeof(*values), cmp_double);
	out->count = n;
	out->min = values[0];
	out->max = values[n - 1];
	out->median = bench_percentile_sorted(values, n, 50);
	out->p90 = n >= BENCH_PCT_MIN_P90
			   ? bench_percentile_sorted(values, n, 90)
			   : NAN;
	out->p99 = n >= BENCH_PCT_MIN_P99
			   ? bench_percentile_sorted(values, n, 99)
			   : NAN;
	out->p999 = n >= BENCH_PCT_MIN_P999
			    ? bench_percentile_sorted(values, n, 99.9)
			    : NAN;
	welford(values, n, &out->mean, &out->stdev);
	return 0;
}

static const char *const stat_names[BENCH_STAT_NR] = {
	[BENCH_STAT_MIN] = "min",   [BENCH_STAT_MEDIAN] = "median",
	[BENCH_STAT_MEAN] = "mean", [BENCH_STAT_STDEV] = "stdev",
	[BENCH_STAT_P90] = "p90",   [BENCH_STAT_P99] = "p99",
	[BENCH_STAT_P999] = "p999", [BENCH_STAT_MAX] = "max",
};

const char *bench_stat_name(enum bench_stat_id id)
{
	if ((unsigned)id >= BENCH_STAT_NR)
		return "?";
	return stat_names[id];
}

int bench_stat_from_name(const char *name)
{
	int i;

	for (i = 0; i < BENCH_STAT_NR; i++)
		if (name && strcmp(name, stat_names[i]) == 0)
			return i;
	return -EINVAL;
}

/* The field of each id, so that get and set share one table. */
static double *stat_field(struct bench_stats *st, enum bench_stat_id id)
{
	switch (id) {
	case BENCH_STAT_MIN:
		return &st->min;
	case BENCH_STAT_MEDIAN:
		return &st->median;
	case BENCH_STAT_MEAN:
		return &st->mean;
	case BENCH_STAT_STDEV:
		return &st->stdev;
	case BENCH_STAT_P90:
		return &st->p90;
	case BENCH_STAT_P99:
		return &st->p99;
	case BENCH_STAT_P999:
		return &st->p999;
	case BENCH_STAT_MAX:
		return &st->max;
	default:
		return NULL;
	}
}

double bench_stats_get(const struct bench_stats *st, enum bench_stat_id id)
{
	double *f = stat_field((struct bench_stats *)st, id);

	return f ? *f : NAN;
}

void bench_stats_set(struct bench_stats *st, enum bench_stat_id id, double v)
{
	double *f = stat_field(st, id);

	if (f)
		*f = v;
}

/* P(B <= j - 1) <= 0.025 for B ~ Bin(n, 1/2): the median's lower rank. */
#define MEDIAN_CI_EXACT_MAX 10000u
#define ALPHA_HALF	    0.025
#define Z975		    1.959963984540054

int bench_median_ci_ranks(uint64_t n, uint64_t *lo_rank, uint64_t *hi_rank)
{
	double logp, cum, x;
	uint64_t i, j;

	if (n < 6)
		return -EINVAL;
	if (n > MEDIAN_CI_EXACT_MAX) {
		/* P(B <= j-1) ~ Phi((j - 1/2 - n/2) / (sqrt(n)/2)) */
		x = (double)n / 2.0 - Z975 * sqrt((double)n) / 2.0 + 0.5;
		j = (uint64_t)floor(x);
	} else {
		/* Walk the pmf in log space: 2^-n underflows past n = 1074. */
		logp = -(double)n * M_LN2;
		cum = exp(logp);
		for (i = 0; cum <= ALPHA_HALF; i++) {
			logp += log((double)(n - i)) - log((double)(i + 1));
			cum += exp(logp);
		}
		/* cum = P(B <= i) > alpha/2; P(B <= i - 1) <= alpha/2 */
		j = i;
	}
	if (j < 1)
		j = 1;
	*lo_rank = j;
	*hi_rank = n + 1 - j;
	return 0;
}

/* Student's t, 0.975 quantile, df 1..30. */
static const double t975_table[30] = {
	12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
	2.201,	2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
	2.080,	2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
};

double bench_t975(unsigned df)
{
	double z = Z975, d;

	if (df == 0)
		return INFINITY;
	if (df <= 30)
		return t975_table[df - 1];
	/* Cornish-Fisher expansion: better than 1e-4 beyond 30 degrees. */
	d = (double)df;
	return z + (z * z * z + z) / (4 * d) +
	       (5 * pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * d * d);
}

int bench_batch_means_ci(const double *means, unsigned n,
			 struct bench_interval *out)
{
	double m, sd, hw;

	if (n < 2)
		return -EINVAL;
	welford(means, n, &m, &sd);
	hw = bench_t975(n - 1) * sd / sqrt((double)n);
	out->lo = m - hw;
	out->hi = m + hw;
	return 0;
}

void bench_hist_init(struct bench_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

void bench_hist_bounds(unsigned idx, uint64_t *lo, uint64_t *hi)
{
	unsigned g = idx / BENCH_HIST_SUB, sub = idx % BENCH_HIST_SUB;

	if (g == 0) {
		*lo = *hi = idx;
		return;
	}
	*lo = (uint64_t)(BENCH_HIST_SUB + sub) << (g - 1);
	*hi = *lo + ((uint64_t)1 << (g - 1)) - 1;
}

void bench_hist_merge(struct bench_hist *dst, const struct bench_hist *src)
{
	unsigned i;

	if (!src->count)
		return;
	for (i = 0; i < BENCH_HIST_BUCKETS; i++)
		dst->bucket[i] += src->bucket[i];
	dst->count += src->count;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

void bench_hist_rank(const struct bench_hist *h, uint64_t r, uint64_t *lo,
		     uint64_t *hi)
{
	uint64_t seen = 0;
	unsigned i;

	for (i = 0; i < BENCH_HIST_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen > r)
			break;
	}
	if (i == BENCH_HIST_BUCKETS)
		i = bench_hist_index(h->max);
	bench_hist_bounds(i, lo, hi);
	if (*lo < h->min)
		*lo = h->min;
	if (*hi > h->max)
		*hi = h->max;
}

/* The value taken for rank r: the midpoint of its bucket. */
static double hist_rank_value(const struct bench_hist *h, uint64_t r)
{
	uint64_t lo, hi;

	bench_hist_rank(h, r, &lo, &hi);
	return ((double)lo + (double)hi) / 2.0;
}

double bench_hist_percentile(const struct bench_hist *h, double p)
{
	double rank, fl, a, b;
	uint64_t i;

	if (!h->count)
		return NAN;
	if (p <= 0)
		return (double)h->min;
	if (p >= 100)
		return (double)h->max;
	rank = (double)(h->count - 1) * p / 100.0;
	fl = floor(rank);
	i = (uint64_t)fl;
	a = hist_rank_value(h, i);
	b = i + 1 < h->count ? hist_rank_value(h, i + 1) : a;
	return a + (rank - fl) * (b - a);
}

struct bench_acc {
	uint64_t raw_max;  /* raw samples kept */
	uint64_t *raw;	   /* the first min(n, raw_max) samples, in order */
	uint64_t *scratch; /* raw_max entries for order statistics */
	uint64_t n;	   /* samples added */
	double mean;	   /* running mean and sum of squared deviations, */
	double m2;	   /* in ticks (Chan's merge of Welford sums) */
	double batch[BENCH_ACC_BATCHES]; /* sums of complete batches */
	unsigned n_batches;
	uint64_t batch_len; /* samples per complete batch */
	double cur_sum;	    /* the batch being filled */
	uint64_t cur_n;
	/* Time segments: seg[0 .. n_seg-2] complete, seg[n_seg-1] filling. */
	struct bench_hist seg[BENCH_ACC_SEGMENTS];
	unsigned n_seg;
	uint64_t seg_len;      /* samples per complete segment */
	struct bench_hist tmp; /* scratch: the segments merged */
};

#define ACC_SEG_FIRST 64u /* first segment length; doubles when full */

int bench_acc_create(uint64_t raw_max, struct bench_acc **out)
{
	struct bench_acc *a = calloc(1, sizeof(*a));

	if (!a)
		return -ENOMEM;
	a->raw_max = raw_max ? raw_max : BENCH_ACC_RAW_DEFAULT;
	a->raw = malloc(a->raw_max * sizeof(*a->raw));
	a->scratch = malloc(a->raw_max * sizeof(*a->scratch));
	if (!a->raw || !a->scratch) {
		bench_acc_destroy(a);
		return -ENOMEM;
	}
	/* Touch every page now, not in the middle of a measurement. */
	memset(a->raw, 0, a->raw_max * sizeof(*a->raw));
	memset(a->scratch, 0, a->raw_max * sizeof(*a->scratch));
	bench_acc_reset(a);
	*out = a;
	return 0;
}

void bench_acc_destroy(struct bench_acc *a)
{
	if (!a)
		return;
	free(a->raw);
	free(a->scratch);
	free(a);
}

void bench_acc_reset(struct bench_acc *a)
{
	unsigned i;

	a->n = 0;
	a->mean = 0;
	a->m2 = 0;
	a->n_batches = 0;
	a->batch_len = 1;
	a->cur_sum = 0;
	a->cur_n = 0;
	for (i = 0; i < BENCH_ACC_SEGMENTS; i++)
		bench_hist_init(&a->seg[i]);
	a->n_seg = 1;
	a->seg_len = ACC_SEG_FIRST;
}

uint64_t bench_acc_count(const struct bench_acc *a)
{
	return a->n;
}

size_t bench_acc_memory_bytes(const struct bench_acc *a)
{
	return sizeof(*a) + 2 * a->raw_max * sizeof(*a->raw);
}

/* A full batch: keep its sum; at BENCH_ACC_BATCHES, pairs become one. */
static void acc_batch_push(struct bench_acc *a)
{
	unsigned i;

	a->batch[a->n_batches++] = a->cur_sum;
	a->cur_sum = 0;
	a->cur_n = 0;
	if (a->n_batches < BENCH_ACC_BATCHES)
		return;
	for (i = 0; i < BENCH_ACC_BATCHES / 2; i++)
		a->batch[i] = a->batch[2 * i] + a->batch[2 * i + 1];
	a->n_batches = BENCH_ACC_BATCHES / 2;
	a->batch_len *= 2;
}

/* The filling segment is full: open the next, merging pairs if needed. */
static void acc_seg_next(struct bench_acc *a)
{
	unsigned i;

	if (a->n_seg == BENCH_ACC_SEGMENTS) {
		for (i = 0; i < BENCH_ACC_SEGMENTS / 2; i++) {
			if (i != 2 * i)
				a->seg[i] = a->seg[2 * i];
			bench_hist_merge(&a->seg[i], &a->seg[2 * i + 1]);
		}
		for (i = BENCH_ACC_SEGMENTS / 2; i < BENCH_ACC_SEGMENTS; i++)
			bench_hist_init(&a->seg[i]);
		a->n_seg = BENCH_ACC_SEGMENTS / 2;
		a->seg_len *= 2;
	}
	a->n_seg++;
}

void bench_acc_add(struct bench_acc *a, const uint64_t *ticks, uint64_t n)
{
	double cm = 0, cm2 = 0, d, total;
	struct bench_hist *h;
	uint64_t i, keep;

	if (!n)
		return;
	keep = a->n < a->raw_max ? a->raw_max - a->n : 0;
	if (keep > n)
		keep = n;
	memcpy(a->raw + a->n, ticks, keep * sizeof(*ticks));
	/* Two passes over the chunk, then Chan's merge with what came
	 * before: no division per sample, no cancellation. */
	for (i = 0; i < n; i++)
		cm += (double)ticks[i];
	cm /= (double)n;
	for (i = 0; i < n; i++) {
		d = (double)ticks[i] - cm;
		cm2 += d * d;
	}
	total = (double)(a->n + n);
	d = cm - a->mean;
	a->m2 += cm2 + d * d * (double)a->n * (double)n / total;
	a->mean += d * (double)n / total;
	for (i = 0; i < n; i++) {
		h = &a->seg[a->n_seg - 1];
		bench_hist_add(h, ticks[i]);
		if (h->count == a->seg_len)
			acc_seg_next(a);
		a->cur_sum += (double)ticks[i];
		if (++a->cur_n == a->batch_len)
			acc_batch_push(a);
	}
	a->n += n;
}

/* The segments from..to-1 merged into a->tmp. */
static const struct bench_hist *acc_merged(struct bench_acc *a, unsigned from,
					   unsigned to)
{
	unsigned i;

	bench_hist_init(&a->tmp);
	for (i = from; i < to; i++)
		bench_hist_merge(&a->tmp, &a->seg[i]);
	return &a->tmp;
}

double bench_acc_median_ticks(struct bench_acc *a)
{
	return bench_hist_percentile(acc_merged(a, 0, a->n_seg), 50);
}

/* Hoare's selection: the k-th smallest of v[0..n) (v is reordered). */
static uint64_t select_u64(uint64_t *v, int64_t n, int64_t k)
{
	int64_t lo = 0, hi = n - 1, i, j;
	uint64_t pivot, t;

	while (lo < hi) {
		pivot = v[lo + (hi - lo) / 2];
		i = lo;
		j = hi;
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				t = v[i];
				v[i++] = v[j];
				v[j--] = t;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return v[k];
	}
	return v[k];
}

/*
 * While every sample is raw, exact order statistics by selection (O(n)
 * per call); beyond, the histogram's buckets, widened as in the
 * summary, so that the rule never stops on a precision finer than the
 * histogram can show.
 */
double bench_acc_median_rel_halfwidth(struct bench_acc *a)
{
	const struct bench_hist *h;
	uint64_t lo, hi, b_lo, b_hi, x_lo, x_hi;
	int64_t n = (int64_t)a->n, m = (n - 1) / 2;
	double med;

	if (bench_median_ci_ranks(a->n, &lo, &hi))
		return INFINITY;
	if (a->n <= a->raw_max) {
		memcpy(a->scratch, a->raw, a->n * sizeof(*a->raw));
		med = (double)select_u64(a->scratch, n, m);
		if (n % 2 == 0)
			med = (med + (double)select_u64(a->scratch, n, m + 1)) /
			      2;
		x_lo = select_u64(a->scratch, n, (int64_t)lo - 1);
		x_hi = select_u64(a->scratch, n, (int64_t)hi - 1);
	} else {
		h = acc_merged(a, 0, a->n_seg);
		med = bench_hist_percentile(h, 50);
		bench_hist_rank(h, lo - 1, &x_lo, &b_hi);
		bench_hist_rank(h, hi - 1, &b_lo, &x_hi);
	}
	if (!(med > 0))
		return INFINITY;
	return ((double)x_hi - (double)x_lo) / 2 / med;
}

/* The median's interval of sorted values (NAN without one). */
static struct bench_interval sorted_median_ci(const double *v, uint64_t n)
{
	struct bench_interval ci = { NAN, NAN };
	uint64_t lo, hi;

	if (!bench_median_ci_ranks(n, &lo, &hi)) {
		ci.lo = v[lo - 1];
		ci.hi = v[hi - 1];
	}
	return ci;
}

/* The same from a histogram, widened to whole buckets. */
static struct bench_interval hist_median_ci(const struct bench_hist *h,
					    double scale)
{
	struct bench_interval ci = { NAN, NAN };
	uint64_t lo, hi, b_lo, b_hi;

	if (!bench_median_ci_ranks(h->count, &lo, &hi)) {
		bench_hist_rank(h, lo - 1, &b_lo, &b_hi);
		ci.lo = (double)b_lo * scale;
		bench_hist_rank(h, hi - 1, &b_lo, &b_hi);
		ci.hi = (double)b_hi * scale;
	}
	return ci;
}

/*
 * Stable unless the two halves' median intervals are disjoint by more
 * than BENCH_STABLE_TOL of the median: -1 when a half has no interval.
 */
static int halves_stable(struct bench_interval a, struct bench_interval b,
			 double median)
{
	double gap;

	if (!isfinite(a.lo) || !isfinite(b.lo))
		return -1;
	gap = a.lo > b.hi ? a.lo - b.hi : b.lo > a.hi ? b.lo - a.hi : 0;
	return gap > BENCH_STABLE_TOL * median ? 0 : 1;
}

static int cmp_u64_asc(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Median interval of raw[from .. from+n) (a sorted copy). */
static int raw_half_ci(const struct bench_acc *a, uint64_t from, uint64_t n,
		       double scale, struct bench_interval *ci)
{
	uint64_t *c = malloc((n ? n : 1) * sizeof(*c)), lo, hi;

	if (!c)
		return -ENOMEM;
	memcpy(c, a->raw + from, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp_u64_asc);
	ci->lo = ci->hi = NAN;
	if (!bench_median_ci_ranks(n, &lo, &hi)) {
		ci->lo = (double)c[lo - 1] * scale;
		ci->hi = (double)c[hi - 1] * scale;
	}
	free(c);
	return 0;
}

/* Every sample is raw: exact statistics. */
static int acc_summary_raw(struct bench_acc *a, double scale,
			   struct bench_summary *out)
{
	struct bench_interval h1, h2;
	uint64_t i, half = a->n / 2;
	double *v;
	int ret;

	v = malloc(a->n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < a->n; i++)
		v[i] = (double)a->raw[i] * scale;
	ret = bench_stats_compute(v, a->n, &out->st);
	if (!ret)
		out->median_ci = sorted_median_ci(v, a->n);
	free(v);
	ret = ret ?: raw_half_ci(a, 0, half, scale, &h1);
	ret = ret ?: raw_half_ci(a, half, a->n - half, scale, &h2);
	if (!ret)
		out->stable = halves_stable(h1, h2, out->st.median);
	out->exact = true;
	return ret;
}

/* Beyond the raw bound: the histogram, exact moments and extremes. */
static void acc_summary_hist(struct bench_acc *a, double scale,
			     struct bench_summary *out)
{
	unsigned k = a->n_seg / 2;
	struct bench_interval h1, h2;
	const struct bench_hist *h;
	struct bench_stats *st = &out->st;

	h = acc_merged(a, 0, k);
	h1 = hist_median_ci(h, scale);
	h = acc_merged(a, k, a->n_seg);
	h2 = hist_median_ci(h, scale);
	h = acc_merged(a, 0, a->n_seg);
	st->count = a->n;
	st->min = (double)h->min * scale;
	st->max = (double)h->max * scale;
	st->median = bench_hist_percentile(h, 50) * scale;
	st->p90 = a->n >= BENCH_PCT_MIN_P90
			  ? bench_hist_percentile(h, 90) * scale
			  : NAN;
	st->p99 = a->n >= BENCH_PCT_MIN_P99
			  ? bench_hist_percentile(h, 99) * scale
			  : NAN;
	st->p999 = a->n >= BENCH_PCT_MIN_P999
			   ? bench_hist_percentile(h, 99.9) * scale
			   : NAN;
	out->median_ci = hist_median_ci(h, scale);
	out->stable = halves_stable(h1, h2, st->median);
	out->exact = false;
}

/* Batch means: the half-width around the mean of every sample. */
#define ACC_BATCHES_MIN 10u

static void acc_mean_ci(const struct bench_acc *a, double scale,
			struct bench_summary *out)
{
	double means[BENCH_ACC_BATCHES];
	struct bench_interval ci;
	double hw;
	unsigned i;

	out->batches = 0;
	out->mean_ci.lo = out->mean_ci.hi = NAN;
	if (a->n_batches < ACC_BATCHES_MIN)
		return;
	for (i = 0; i < a->n_batches; i++)
		means[i] = a->batch[i] / (double)a->batch_len * scale;
	if (bench_batch_means_ci(means, a->n_batches, &ci))
		return;
	hw = (ci.hi - ci.lo) / 2;
	/* Cut to [min, max]: a mean of positive times lies between them. */
	out->mean_ci.lo = fmax(out->st.mean - hw, out->st.min);
	out->mean_ci.hi = fmin(out->st.mean + hw, out->st.max);
	out->batches = a->n_batches;
}

int bench_acc_summary(struct bench_acc *a, double scale,
		      struct bench_summary *out)
{
	int ret = 0;

	if (!a->n)
		return -EINVAL;
	bench_stats_clear(&out->st);
	out->median_ci.lo = out->median_ci.hi = NAN;
	out->stable = -1;
	if (a->n <= a->raw_max)
		ret = acc_summary_raw(a, scale, out);
	else
		acc_summary_hist(a, scale, out);
	if (ret)
		return ret;
	/* Moments from the running sums: exact whichever path above. */
	out->st.mean = a->mean * scale;
	out->st.stdev = a->n > 1 ? sqrt(a->m2 / (double)(a->n - 1)) * scale : 0;
	acc_mean_ci(a, scale, out);
	return 0;
}

static int median_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double bench_median(const double *x, size_t n)
{
	double *v, m;
	size_t i, k = 0;

	v = malloc((n ? n : 1) * sizeof(*v));
	if (!v)
		return NAN;
	for (i = 0; i < n; i++)
		if (!isnan(x[i]))
			v[k++] = x[i];
	qsort(v, k, sizeof(*v), median_cmp);
	m = !k ? NAN : k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
	free(v);
	return m;
}
