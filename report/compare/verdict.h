/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The comparison rule shared by compare, history and render: what is
 * measured for a result (its metric), one measured point with its noise,
 * and the verdict between a baseline point and a candidate point.
 *
 * The rule. Let b and c be the baseline and candidate values of the
 * metric at one size and d = c / b - 1 their relative difference. The
 * noise of a point is its relative upper spread (p90 - median) / median,
 * known only for results with per-iteration statistics (ibpong JSON);
 * an imported result that carries only means has no noise term. The
 * threshold is
 *
 *	t = max(tolerance, k * max(noise_b, noise_c))
 *
 * (tolerance 5 %, k 1 by default). Latency (lower is better): d > t is a
 * regression, d < -t an improvement. Bandwidth (higher is better): d < -t
 * is a regression, d > t an improvement. Anything else is "no significant
 * change"; a missing value or a zero baseline gives "n/a".
 *
 * Intervals (doc/statistics.md). When both points carry the 95 %
 * interval of their figure (an ibpong/1 row's ci95_us: the median's for
 * the median, the mean's for the mean, the mean's mapped through
 * bandwidth = k / mean for bandwidth), a change past t is called a
 * regression or an improvement only when the two intervals are disjoint
 * on that side; when they overlap, or either row is unstable, it is
 * "inconclusive": the point change is past the threshold, but the
 * precision of the runs cannot tell it from chance. A change within t is
 * "no significant change" whatever the intervals. Points without an
 * interval (imported IMB or OSU means, a statistic such as p99 that has
 * none) keep the threshold rule alone; report_cmp_intervals says so.
 *
 * Several runs (a --group-by group, a history baseline) aggregate into
 * one point: the median of their values, and as noise the larger of the
 * median of their own noises and the robust spread across the runs,
 * 1.4826 * MAD / median (MAD: the median absolute deviation). When every
 * run has an interval, the aggregate has the order-statistics interval of
 * the median of the runs' values made conservative with their own
 * intervals: [lo(j), hi(n + 1 - j)], lo(j) the j-th smallest lower bound
 * and hi(n + 1 - j) the j-th largest upper bound, j the rank of the
 * distribution-free 95 % interval of a median of n values (statistics.md;
 * j = 1, the hull of the intervals, below 6 runs). Since lo(i) <= value(i)
 * <= hi(i), it contains the interval of the values themselves. A single
 * run keeps its own interval and stability.
 */
#ifndef REPORT_CMP_H
#define REPORT_CMP_H

#include <stdbool.h>
#include <stddef.h>

#include "report.h"

#define REPORT_TOLERANCE_DEFAULT 0.05
#define REPORT_NOISE_K_DEFAULT	 1.0

/* What a comparison measures in a result. */
struct report_metric {
	bool bandwidth;		 /* bandwidth_MBps, higher is better */
	enum bench_stat_id stat; /* else this latency statistic (us) */
};

/* One measured value, ready for a verdict. */
struct report_point {
	double value;	  /* metric value; NAN if absent */
	double rel_noise; /* relative spread, >= 0; NAN if unknown */
	bool has_ci;	  /* ci_lo..ci_hi is the value's 95 % interval (false
			   * when zero-initialised) */
	double ci_lo;
	double ci_hi;
	bool unstable; /* the row's "stable" is false */
};

enum report_cmp_verdict {
	REPORT_CMP_NA,
	REPORT_CMP_SAME,
	REPORT_CMP_IMPROVEMENT,
	REPORT_CMP_INCONCLUSIVE, /* past the threshold, intervals overlap */
	REPORT_CMP_REGRESSION,
};

/* What the intervals of a pair of points say (report_cmp_intervals). */
enum report_cmp_ci {
	REPORT_CI_NONE,	    /* one side or both have none: threshold only */
	REPORT_CI_UNSTABLE, /* both have one, a row is unstable */
	REPORT_CI_OVERLAP,  /* both have one, they overlap */
	REPORT_CI_DISJOINT, /* both have one, they are disjoint */
};

/* The parameters of the rule. */
struct report_cmp_rule {
	double tolerance; /* fraction: 0.05 for 5 % */
	double noise_k;	  /* weight of the noise term; 0 disables it */
};

void report_cmp_rule_init(struct report_cmp_rule *rule);

/*
 * The metric of a result: bandwidth for bw/bibw tests that carry it,
 * else latency statistic stat (pass -1 for the default: median if the
 * result has it, else mean). If the result lacks stat, falls back to the
 * mean and sets *fell_back (may be NULL).
 */
void report_metric_choose(const struct bench_result *r, int stat,
			  struct report_metric *m, bool *fell_back);
/* The metric for comparing cand with base: the mean if either lacks stat. */
void report_metric_choose_pair(const struct bench_result *base,
			       const struct bench_result *cand, int stat,
			       struct report_metric *m, bool *fell_back);
/* "bandwidth (MB/s)" or "median latency (us)"; buf of len bytes. */
const char *report_metric_label(const struct report_metric *m, char *buf,
				size_t len);

/* The point of one row. */
void report_point_get(const struct bench_row *row,
		      const struct report_metric *m, struct report_point *out);
/*
 * Aggregate n points (n >= 1) as described above. Points whose value is
 * NAN are skipped; if none is left, out->value is NAN.
 */
void report_point_aggregate(const struct report_point *pts, size_t n,
			    struct report_point *out);

/* Judge cand against base; *threshold (may be NULL) gets t. */
enum report_cmp_verdict report_cmp_judge(const struct report_cmp_rule *rule,
					 bool higher_better,
					 const struct report_point *base,
					 const struct report_point *cand,
					 double *threshold);
/* "n/a", "no significant change", "improvement", "inconclusive",
 * "REGRESSION" */
const char *report_cmp_verdict_name(enum report_cmp_verdict v);
/* What the intervals of base and cand say. */
enum report_cmp_ci report_cmp_intervals(const struct report_point *base,
					const struct report_point *cand);
/* "none", "unstable", "overlap", "disjoint" */
const char *report_cmp_ci_name(enum report_cmp_ci c);
/*
 * The exit code of a comparison: 1 (BENCH_EXIT_CHECK) on a regression,
 * else 4 (BENCH_EXIT_INCONCLUSIVE) when a change was inconclusive, else 0.
 */
int report_cmp_exit(unsigned regressions, unsigned inconclusive);

/* The row of r for (size, pair), or NULL. */
const struct bench_row *report_row_find(const struct bench_result *r,
					size_t size_bytes, int rank_a,
					int rank_b);
/* Whether r is a bandwidth test (bw, bibw). */
bool report_result_is_bw(const struct bench_result *r);

/*
 * compare --group-by: group the results of set by run.labels[key], print
 * one side-by-side table per test, the first result's group being the
 * baseline. Returns the exit code (report_cmp_exit).
 */
int report_compare_groups(const struct report_cmp_rule *rule, int stat,
			  const char *key, const struct report_set *set);

#endif
