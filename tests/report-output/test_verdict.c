/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The comparison rule of compare, history and render (compare/verdict.h).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "compare/verdict.h"

static enum report_cmp_verdict judge(double b, double nb, double c, double nc,
				     bool higher, double *t)
{
	struct report_cmp_rule rule;
	struct report_point pb = { .value = b, .rel_noise = nb },
			    pc = { .value = c, .rel_noise = nc };

	report_cmp_rule_init(&rule);
	return report_cmp_judge(&rule, higher, &pb, &pc, t);
}

/* A point with a 95 % interval. */
static struct report_point ci_point(double v, double lo, double hi)
{
	return (struct report_point){ .value = v,
				      .rel_noise = NAN,
				      .has_ci = true,
				      .ci_lo = lo,
				      .ci_hi = hi };
}

/* Intervals: past the threshold, a regression only when disjoint. */
static void test_intervals(void **state)
{
	struct report_point b = ci_point(1.0, 0.98, 1.02);
	struct report_point c = ci_point(1.10, 1.01, 1.19);
	struct report_cmp_rule rule;

	(void)state;
	report_cmp_rule_init(&rule);
	/* +10 % > 5 %, but [0.98, 1.02] and [1.01, 1.19] overlap */
	assert_int_equal(report_cmp_judge(&rule, false, &b, &c, NULL),
			 REPORT_CMP_INCONCLUSIVE);
	assert_int_equal(report_cmp_intervals(&b, &c), REPORT_CI_OVERLAP);
	c.ci_lo = 1.05; /* disjoint now: a regression */
	assert_int_equal(report_cmp_judge(&rule, false, &b, &c, NULL),
			 REPORT_CMP_REGRESSION);
	assert_int_equal(report_cmp_intervals(&b, &c), REPORT_CI_DISJOINT);
	/* the same pair for a bandwidth: an improvement */
	assert_int_equal(report_cmp_judge(&rule, true, &b, &c, NULL),
			 REPORT_CMP_IMPROVEMENT);
	/* an unstable row: inconclusive however far apart */
	c.unstable = true;
	assert_int_equal(report_cmp_judge(&rule, false, &b, &c, NULL),
			 REPORT_CMP_INCONCLUSIVE);
	c.unstable = false;
	/* disjoint but within 5 %: no significant change */
	c = ci_point(1.04, 1.03, 1.05);
	assert_int_equal(report_cmp_judge(&rule, false, &b, &c, NULL),
			 REPORT_CMP_SAME);
	/* one side without an interval: the threshold alone, as before */
	c = (struct report_point){ .value = 1.10, .rel_noise = NAN };
	assert_int_equal(report_cmp_judge(&rule, false, &b, &c, NULL),
			 REPORT_CMP_REGRESSION);
	assert_int_equal(report_cmp_intervals(&b, &c), REPORT_CI_NONE);
	/* -20 %, disjoint below: an improvement */
	c = ci_point(0.80, 0.78, 0.82);
	assert_int_equal(report_cmp_judge(&rule, false, &b, &c, NULL),
			 REPORT_CMP_IMPROVEMENT);
	assert_int_equal(report_cmp_exit(0, 0), 0);
	assert_int_equal(report_cmp_exit(0, 3), 4);
	assert_int_equal(report_cmp_exit(1, 3), 1);
}

/* The aggregate's interval: [lo(j), hi(n + 1 - j)] of the runs. */
static void test_aggregate_ci(void **state)
{
	struct report_point pts[10], out;
	size_t i;

	(void)state;
	/* 3 runs: the hull of their intervals (j = 1 below 6 runs) */
	pts[0] = ci_point(1.0, 0.9, 1.1);
	pts[1] = ci_point(1.2, 1.15, 1.25);
	pts[2] = ci_point(1.1, 1.05, 1.3);
	report_point_aggregate(pts, 3, &out);
	assert_true(out.has_ci);
	assert_true(fabs(out.ci_lo - 0.9) < 1e-12);
	assert_true(fabs(out.ci_hi - 1.3) < 1e-12);
	/* 10 runs: j = 2, the 2nd smallest lo and the 2nd largest hi */
	for (i = 0; i < 10; i++)
		pts[i] =
			ci_point(1.0 + 0.01 * (double)i, 0.9 + 0.01 * (double)i,
				 1.1 + 0.01 * (double)i);
	report_point_aggregate(pts, 10, &out);
	assert_true(fabs(out.ci_lo - 0.91) < 1e-12);
	assert_true(fabs(out.ci_hi - 1.18) < 1e-12);
	/* one run without an interval: the aggregate has none */
	pts[4].has_ci = false;
	report_point_aggregate(pts, 10, &out);
	assert_false(out.has_ci);
	/* a single run keeps its interval and its instability */
	pts[0].unstable = true;
	report_point_aggregate(pts, 1, &out);
	assert_true(out.has_ci && out.unstable);
	assert_true(fabs(out.ci_lo - 0.9) < 1e-12);
}

static void test_latency(void **state)
{
	double t;

	(void)state;
	/* 5 % tolerance, no noise: 1.06 is a regression, 1.04 is not. */
	assert_int_equal(judge(1.0, NAN, 1.06, NAN, false, &t),
			 REPORT_CMP_REGRESSION);
	assert_true(fabs(t - 0.05) < 1e-12);
	assert_int_equal(judge(1.0, NAN, 1.04, NAN, false, NULL),
			 REPORT_CMP_SAME);
	assert_int_equal(judge(1.0, NAN, 0.90, NAN, false, NULL),
			 REPORT_CMP_IMPROVEMENT);
}

static void test_noise(void **state)
{
	double t;

	(void)state;
	/* The noisier run sets the threshold: max(5 %, 1 x 20 %). */
	assert_int_equal(judge(1.0, 0.02, 1.15, 0.20, false, &t),
			 REPORT_CMP_SAME);
	assert_true(fabs(t - 0.20) < 1e-12);
	assert_int_equal(judge(1.0, 0.20, 1.25, 0.02, false, NULL),
			 REPORT_CMP_REGRESSION);
}

static void test_bandwidth(void **state)
{
	(void)state;
	/* Higher is better. */
	assert_int_equal(judge(100, NAN, 90, NAN, true, NULL),
			 REPORT_CMP_REGRESSION);
	assert_int_equal(judge(100, NAN, 110, NAN, true, NULL),
			 REPORT_CMP_IMPROVEMENT);
}

static void test_na(void **state)
{
	(void)state;
	assert_int_equal(judge(0, NAN, 1, NAN, true, NULL), REPORT_CMP_NA);
	assert_int_equal(judge(NAN, NAN, 1, NAN, false, NULL), REPORT_CMP_NA);
	assert_int_equal(judge(1, NAN, NAN, NAN, false, NULL), REPORT_CMP_NA);
}

static void test_aggregate(void **state)
{
	struct report_point pts[] = {
		{ .value = 10.0, .rel_noise = 0.01 },
		{ .value = 11.0, .rel_noise = 0.03 },
		{ .value = 9.0, .rel_noise = 0.02 },
		{ .value = NAN, .rel_noise = 0.5 },
	};
	struct report_point out;

	(void)state;
	/* Median 10; MAD 1 -> 1.4826 / 10 beats the median noise 0.02. */
	report_point_aggregate(pts, 4, &out);
	assert_true(fabs(out.value - 10.0) < 1e-12);
	assert_true(fabs(out.rel_noise - 0.14826) < 1e-9);
	/* One run: its own noise. */
	report_point_aggregate(pts, 1, &out);
	assert_true(fabs(out.rel_noise - 0.01) < 1e-12);
	report_point_aggregate(pts + 3, 1, &out);
	assert_true(isnan(out.value));
}

static void test_parse(void **state)
{
	double v;

	(void)state;
	assert_int_equal(report_parse_percent("5", &v), 0);
	assert_true(fabs(v - 0.05) < 1e-12);
	assert_int_equal(report_parse_percent("12.5%", &v), 0);
	assert_true(fabs(v - 0.125) < 1e-12);
	assert_int_not_equal(report_parse_percent("-1", &v), 0);
	assert_int_not_equal(report_parse_percent("x%", &v), 0);
	assert_int_not_equal(report_parse_percent("", &v), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intervals),
		cmocka_unit_test(test_aggregate_ci),
		cmocka_unit_test(test_latency),
		cmocka_unit_test(test_noise),
		cmocka_unit_test(test_bandwidth),
		cmocka_unit_test(test_na),
		cmocka_unit_test(test_aggregate),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
