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
	struct report_point pb = { b, nb }, pc = { c, nc };

	report_cmp_rule_init(&rule);
	return report_cmp_judge(&rule, higher, &pb, &pc, t);
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
		{ 10.0, 0.01 },
		{ 11.0, 0.03 },
		{ 9.0, 0.02 },
		{ NAN, 0.5 },
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
		cmocka_unit_test(test_latency),	  cmocka_unit_test(test_noise),
		cmocka_unit_test(test_bandwidth), cmocka_unit_test(test_na),
		cmocka_unit_test(test_aggregate), cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
