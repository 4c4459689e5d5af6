/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare/verdict.h"
#include "exit.h"
#include "log.h"

/* Scale of the MAD that estimates a normal standard deviation. */
#define REPORT_MAD_SCALE 1.4826

void report_cmp_rule_init(struct report_cmp_rule *rule)
{
	rule->tolerance = REPORT_TOLERANCE_DEFAULT;
	rule->noise_k = REPORT_NOISE_K_DEFAULT;
}

bool report_result_is_bw(const struct bench_result *r)
{
	return r->test == BENCH_TEST_BW || r->test == BENCH_TEST_BIBW ||
	       r->test == BENCH_TEST_RMA_BW || r->test == BENCH_TEST_RMA_BIBW;
}

static bool report_result_has_stat(const struct bench_result *r,
				   enum bench_stat_id id)
{
	size_t i;

	for (i = 0; i < r->n_rows; i++)
		if (!isnan(bench_stats_get(&r->rows[i].lat_us, id)))
			return true;
	return false;
}

static bool report_result_has_bw(const struct bench_result *r)
{
	size_t i;

	for (i = 0; i < r->n_rows; i++)
		if (!isnan(r->rows[i].bw_MBps))
			return true;
	return false;
}

void report_metric_choose(const struct bench_result *r, int stat,
			  struct report_metric *m, bool *fell_back)
{
	if (fell_back)
		*fell_back = false;
	m->bandwidth = report_result_is_bw(r) && report_result_has_bw(r);
	m->stat = BENCH_STAT_MEDIAN;
	if (m->bandwidth)
		return;
	if (stat < 0) {
		if (!report_result_has_stat(r, BENCH_STAT_MEDIAN))
			m->stat = BENCH_STAT_MEAN;
		return;
	}
	m->stat = stat;
	if (!report_result_has_stat(r, m->stat)) {
		m->stat = BENCH_STAT_MEAN;
		if (fell_back)
			*fell_back = true;
	}
}

void report_metric_choose_pair(const struct bench_result *base,
			       const struct bench_result *cand, int stat,
			       struct report_metric *m, bool *fell_back)
{
	report_metric_choose(base, stat, m, fell_back);
	if (m->bandwidth || report_result_has_stat(cand, m->stat))
		return;
	if (fell_back && m->stat != BENCH_STAT_MEAN)
		*fell_back = true;
	m->stat = BENCH_STAT_MEAN;
}

const char *report_metric_label(const struct report_metric *m, char *buf,
				size_t len)
{
	if (m->bandwidth)
		snprintf(buf, len, "bandwidth (MB/s)");
	else
		snprintf(buf, len, "%s latency (us)", bench_stat_name(m->stat));
	return buf;
}

/* The row's 95 % interval of the metric (verdict.h), or none. */
static void report_point_interval(const struct bench_row *row,
				  const struct report_metric *m,
				  struct report_point *out)
{
	struct bench_interval ci = { NAN, NAN };
	double mean = row->lat_us.mean;

	if (!m->bandwidth && m->stat == BENCH_STAT_MEDIAN)
		ci = row->median_ci_us;
	else if (!m->bandwidth && m->stat == BENCH_STAT_MEAN)
		ci = row->mean_ci_us;
	else if (m->bandwidth && mean > 0 && row->mean_ci_us.lo > 0 &&
		 isfinite(row->mean_ci_us.hi) && isfinite(row->bw_MBps))
		ci = (struct bench_interval){
			row->bw_MBps * mean / row->mean_ci_us.hi,
			row->bw_MBps * mean / row->mean_ci_us.lo,
		};
	out->has_ci = isfinite(ci.lo) && isfinite(ci.hi) && ci.lo <= ci.hi &&
		      !isnan(out->value);
	out->ci_lo = out->has_ci ? ci.lo : NAN;
	out->ci_hi = out->has_ci ? ci.hi : NAN;
	out->unstable = row->stable == 0;
}

void report_point_get(const struct bench_row *row,
		      const struct report_metric *m, struct report_point *out)
{
	double med = row->lat_us.median, p90 = row->lat_us.p90;

	out->value = m->bandwidth ? row->bw_MBps
				  : bench_stats_get(&row->lat_us, m->stat);
	if (row->timed_out)
		out->value = NAN;
	out->rel_noise = NAN;
	if (!isnan(med) && !isnan(p90) && med > 0 && p90 >= med)
		out->rel_noise = (p90 - med) / med;
	report_point_interval(row, m, out);
}

static int report_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * The aggregate's interval (verdict.h): needs every valued point to have
 * one. los and his are scratch arrays of n values.
 */
static void report_point_aggregate_ci(const struct report_point *pts, size_t n,
				      double *los, double *his,
				      struct report_point *out)
{
	uint64_t j = 1, k;
	size_t i, nv = 0;

	out->has_ci = false;
	out->ci_lo = out->ci_hi = NAN;
	out->unstable = false;
	for (i = 0; i < n; i++) {
		if (isnan(pts[i].value))
			continue;
		if (!pts[i].has_ci)
			return;
		los[nv] = pts[i].ci_lo;
		his[nv++] = pts[i].ci_hi;
		out->unstable = pts[i].unstable;
	}
	if (!nv)
		return;
	if (nv > 1)
		out->unstable = false;
	qsort(los, nv, sizeof(*los), report_cmp_double);
	qsort(his, nv, sizeof(*his), report_cmp_double);
	if (bench_median_ci_ranks(nv, &j, &k))
		j = 1;
	out->has_ci = true;
	out->ci_lo = los[j - 1];
	out->ci_hi = his[nv - j];
}

void report_point_aggregate(const struct report_point *pts, size_t n,
			    struct report_point *out)
{
	double *vals, *noises, med, mad;
	size_t i, nv = 0, nn = 0;

	out->value = out->rel_noise = NAN;
	out->has_ci = out->unstable = false;
	out->ci_lo = out->ci_hi = NAN;
	vals = calloc(2 * (n + 1), sizeof(*vals));
	if (!vals)
		return;
	noises = vals + n + 1;
	for (i = 0; i < n; i++) {
		if (isnan(pts[i].value))
			continue;
		vals[nv++] = pts[i].value;
		if (!isnan(pts[i].rel_noise))
			noises[nn++] = pts[i].rel_noise;
	}
	out->value = med = bench_median(vals, nv);
	out->rel_noise = nn ? bench_median(noises, nn) : NAN;
	if (nv >= 2 && med > 0) {
		/* The deviations reuse the noise buffer. */
		for (i = 0; i < nv; i++)
			noises[i] = fabs(vals[i] - med);
		mad = REPORT_MAD_SCALE * bench_median(noises, nv) / med;
		if (isnan(out->rel_noise) || mad > out->rel_noise)
			out->rel_noise = mad;
	}
	/* Both buffers are free again: the bounds' scratch space. */
	report_point_aggregate_ci(pts, n, vals, noises, out);
	free(vals);
}

enum report_cmp_ci report_cmp_intervals(const struct report_point *base,
					const struct report_point *cand)
{
	if (!base->has_ci || !cand->has_ci)
		return REPORT_CI_NONE;
	if (base->unstable || cand->unstable)
		return REPORT_CI_UNSTABLE;
	if (base->ci_lo <= cand->ci_hi && cand->ci_lo <= base->ci_hi)
		return REPORT_CI_OVERLAP;
	return REPORT_CI_DISJOINT;
}

const char *report_cmp_ci_name(enum report_cmp_ci c)
{
	switch (c) {
	case REPORT_CI_UNSTABLE:
		return "unstable";
	case REPORT_CI_OVERLAP:
		return "overlap";
	case REPORT_CI_DISJOINT:
		return "disjoint";
	default:
		return "none";
	}
}

int report_cmp_exit(unsigned regressions, unsigned inconclusive)
{
	if (regressions)
		return BENCH_EXIT_CHECK;
	return inconclusive ? BENCH_EXIT_INCONCLUSIVE : BENCH_EXIT_OK;
}

enum report_cmp_verdict report_cmp_judge(const struct report_cmp_rule *rule,
					 bool higher_better,
					 const struct report_point *base,
					 const struct report_point *cand,
					 double *threshold)
{
	double noise = 0, t, d;

	if (!isnan(base->rel_noise))
		noise = base->rel_noise;
	if (!isnan(cand->rel_noise) && cand->rel_noise > noise)
		noise = cand->rel_noise;
	t = fmax(rule->tolerance, rule->noise_k * noise);
	if (threshold)
		*threshold = t;
	if (isnan(base->value) || isnan(cand->value) || !(base->value > 0))
		return REPORT_CMP_NA;
	d = cand->value / base->value - 1;
	if (higher_better)
		d = -d;
	if (!(fabs(d) > t))
		return REPORT_CMP_SAME;
	switch (report_cmp_intervals(base, cand)) {
	case REPORT_CI_NONE:
		break;
	case REPORT_CI_DISJOINT:
		/* the intervals lie apart on the side the values do */
		if (cand->value > base->value ? cand->ci_lo > base->ci_hi
					      : cand->ci_hi < base->ci_lo)
			break;
		return REPORT_CMP_INCONCLUSIVE;
	default:
		return REPORT_CMP_INCONCLUSIVE;
	}
	return d > 0 ? REPORT_CMP_REGRESSION : REPORT_CMP_IMPROVEMENT;
}

const char *report_cmp_verdict_name(enum report_cmp_verdict v)
{
	switch (v) {
	case REPORT_CMP_SAME:
		return "no significant change";
	case REPORT_CMP_INCONCLUSIVE:
		return "inconclusive";
	case REPORT_CMP_IMPROVEMENT:
		return "improvement";
	case REPORT_CMP_REGRESSION:
		return "REGRESSION";
	default:
		return "n/a";
	}
}

const struct bench_row *report_row_find(const struct bench_result *r,
					size_t size_bytes, int rank_a,
					int rank_b)
{
	size_t i;

	for (i = 0; i < r->n_rows; i++) {
		const struct bench_row *row = &r->rows[i];

		if (row->size_bytes == size_bytes && row->rank_a == rank_a &&
		    row->rank_b == rank_b)
			return row;
	}
	return NULL;
}
