// SPDX-License-Identifier: BSD-2-Clause
/*
 * Samples and summary statistics (definitions in stats.h).
 */
#include <errno.h>
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
	out->p90 = bench_percentile_sorted(values, n, 90);
	out->p99 = bench_percentile_sorted(values, n, 99);
	out->p999 = bench_percentile_sorted(values, n, 99.9);
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
