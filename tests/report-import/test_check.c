/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `ibpong report check`: size ranges, rules, the comparison at its
 * boundaries, profiles (built-in and JSON) and the evaluation.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "check.h"

static void test_size_range(void **state)
{
	static const struct {
		const char *s;
		size_t lo, hi;
	} good[] = {
		{ "0-512", 0, 512 },	    { "0:512", 0, 512 },
		{ "4K-4M", 4096, 4194304 }, { "1M", 1048576, 1048576 },
		{ "64", 64, 64 },
	};
	static const char *const bad[] = { "512-0", "abc", "",	   "1X",
					   "-5",    "1-",  "1-2-3" };
	size_t lo, hi;
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(report_size_range_parse(good[i].s, &lo, &hi),
				 0);
		assert_int_equal(lo, good[i].lo);
		assert_int_equal(hi, good[i].hi);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(report_size_range_parse(bad[i], &lo, &hi),
				 -EINVAL);
}

static void test_rule_parse(void **state)
{
	struct report_rule r;
	char err[256];

	(void)state;
	assert_int_equal(report_rule_parse("0-512:3.0", REPORT_RULE_MAX_LAT, &r,
					   err, sizeof(err)),
			 0);
	assert_int_equal(r.hi_bytes, 512);
	assert_true(r.limit == 3.0);
	assert_int_equal(report_rule_parse("0:512:2.5", REPORT_RULE_MAX_LAT, &r,
					   err, sizeof(err)),
			 0);
	assert_int_equal(r.lo_bytes, 0);
	assert_int_equal(r.hi_bytes, 512);
	assert_true(r.limit == 2.5);
	assert_int_equal(report_rule_parse("1M:10000", REPORT_RULE_MIN_BW, &r,
					   err, sizeof(err)),
			 0);
	assert_int_equal(r.lo_bytes, 1048576);
	assert_int_equal(r.kind, REPORT_RULE_MIN_BW);
	assert_int_equal(report_rule_parse("0-512", REPORT_RULE_MAX_LAT, &r,
					   err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "--max-latency '0-512': expected"));
	assert_int_equal(report_rule_parse("0-512:-1", REPORT_RULE_MAX_LAT, &r,
					   err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(report_rule_parse("0-512:abc", REPORT_RULE_MIN_BW, &r,
					   err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "--min-bandwidth"));
	/* the suite's one number rule: a digit first, nothing after */
	assert_int_equal(report_rule_parse("0-512:+5", REPORT_RULE_MAX_LAT, &r,
					   err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(report_rule_parse("0-512: 5", REPORT_RULE_MAX_LAT, &r,
					   err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(report_rule_parse("0-512:0x10", REPORT_RULE_MAX_LAT,
					   &r, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(report_rule_parse("0-512:5 ", REPORT_RULE_MAX_LAT, &r,
					   err, sizeof(err)),
			 -EINVAL);
}

static void test_boundaries(void **state)
{
	(void)state;
	assert_true(report_within(REPORT_RULE_MAX_LAT, 3.00, 3.00));
	assert_false(report_within(REPORT_RULE_MAX_LAT, 3.01, 3.00));
	/* 0.1 + 0.2 + 2.7 is 3.0000000000000004: still 3.00 as printed. */
	assert_true(report_within(REPORT_RULE_MAX_LAT, 0.1 + 0.2 + 2.7, 3.0));
	assert_true(report_within(REPORT_RULE_MAX_LAT, 3.004, 3.00));
	assert_false(report_within(REPORT_RULE_MAX_LAT, 3.006, 3.00));
	assert_true(report_within(REPORT_RULE_MAX_LAT, 0.0, 3.00));
	assert_true(report_within(REPORT_RULE_MIN_BW, 10000.0, 10000.0));
	assert_false(report_within(REPORT_RULE_MIN_BW, 9999.99, 10000.0));
	assert_true(report_within(REPORT_RULE_MIN_BW, 12000.5, 10000.0));
	assert_false(report_within(REPORT_RULE_MAX_LAT, NAN, 3.00));
	assert_false(report_within(REPORT_RULE_MAX_LAT, INFINITY, 3.00));
}

/* One latency result: sizes 0, 64, 128, 512, 1024 with the given means. */
static void make_set(struct report_set *set, const double *means,
		     const char *tool)
{
	static const size_t sizes[] = { 0, 64, 128, 512, 1024 };
	struct bench_result r;
	struct bench_row row;
	unsigned i;

	report_set_init(set);
	bench_result_init(&r);
	r.tool = strdup(tool);
	r.tool_version = strdup("1.0");
	r.test_name = strdup("latency");
	for (i = 0; i < 5; i++) {
		bench_row_init(&row, sizes[i]);
		row.lat_us.mean = means[i];
		row.bw_MBps = sizes[i] / (means[i] > 0 ? means[i] : 1);
		row.timed_out = isinf(means[i]);
		if (row.timed_out)
			row.lat_us.mean = NAN;
		assert_int_equal(bench_result_add_row(&r, &row), 0);
	}
	assert_int_equal(report_set_add(set, &r, "mem.json"), 0);
}

static void test_evaluate(void **state)
{
	const double means[] = { 2.99, 3.00, 3.01, NAN, 9.0 };
	const double timeout[] = { 1.0, INFINITY, 1.0, 1.0, 1.0 };
	struct report_profile p;
	struct report_check c;
	struct report_set set;
	char err[256];

	(void)state;
	assert_int_equal(report_profile_builtin("azure-a8a9", &p), 0);
	assert_int_equal(p.stat, BENCH_STAT_MEAN);
	make_set(&set, means, "IMB-MPI1");
	assert_int_equal(report_check_run(&set, &p, BENCH_STAT_MEAN, &c, err,
					  sizeof(err)),
			 0);
	assert_int_equal(c.n_items, 5);
	assert_int_equal(c.n_pass, 2);
	assert_int_equal(c.n_fail, 2);
	assert_int_equal(c.items[0].verdict, REPORT_PASS);
	assert_int_equal(c.items[1].verdict, REPORT_PASS); /* 3.00 */
	assert_int_equal(c.items[2].verdict, REPORT_FAIL); /* 3.01 */
	assert_int_equal(c.items[3].verdict, REPORT_FAIL);
	assert_string_equal(c.items[3].why, "no value");
	assert_int_equal(c.items[4].verdict, REPORT_UNCHECKED); /* 1024 */
	report_check_free(&c);
	report_set_free(&set);

	make_set(&set, timeout, "IMB-MPI1");
	assert_int_equal(report_check_run(&set, &p, BENCH_STAT_MEAN, &c, err,
					  sizeof(err)),
			 0);
	assert_int_equal(c.n_fail, 1);
	assert_string_equal(c.items[1].why, "timed out");
	report_check_free(&c);

	/* A statistic the input lacks is bad input, not a failure. */
	assert_int_equal(report_check_run(&set, &p, BENCH_STAT_P99, &c, err,
					  sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "IMB-MPI1 gives only the mean; use "
				    "--stat mean"));

	/* A rule that covers no size is bad input too. */
	p.rules[0].lo_bytes = p.rules[0].hi_bytes = 4096;
	assert_int_equal(report_check_run(&set, &p, BENCH_STAT_MEAN, &c, err,
					  sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "matches no size"));
	report_set_free(&set);
}

/* Three-valued verdicts against a 3.00 us ceiling and a 100 MB/s floor. */
static void test_judge(void **state)
{
	const struct bench_interval none = { NAN, NAN };
	const struct {
		double lo, hi;
		int stable;
		enum report_verdict lat, bw;
	} cases[] = {
		/* wholly within, wholly beyond, straddling (ends as printed) */
		{ 2.50, 3.00, 1, REPORT_PASS, REPORT_FAIL },
		{ 3.01, 3.50, 1, REPORT_FAIL, REPORT_FAIL },
		{ 2.90, 3.10, 1, REPORT_INCONCLUSIVE, REPORT_FAIL },
		{ 2.90, 3.004, -1, REPORT_PASS, REPORT_FAIL },
		{ 99.0, 101.0, 1, REPORT_FAIL, REPORT_INCONCLUSIVE },
		{ 100.0, 120.0, 1, REPORT_FAIL, REPORT_PASS },
		/* unstable: never decided */
		{ 1.0, 1.1, 0, REPORT_INCONCLUSIVE, REPORT_INCONCLUSIVE },
	};
	struct bench_interval ci, bw;
	struct bench_row row;
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ci.lo = cases[i].lo;
		ci.hi = cases[i].hi;
		assert_int_equal(report_judge(REPORT_RULE_MAX_LAT,
					      (ci.lo + ci.hi) / 2, ci,
					      cases[i].stable, 3.0),
				 cases[i].lat);
		assert_int_equal(report_judge(REPORT_RULE_MIN_BW,
					      (ci.lo + ci.hi) / 2, ci,
					      cases[i].stable, 100.0),
				 cases[i].bw);
	}
	/* no interval: the value alone, as before */
	assert_int_equal(report_judge(REPORT_RULE_MAX_LAT, 3.0, none, -1, 3.0),
			 REPORT_PASS);
	assert_int_equal(report_judge(REPORT_RULE_MAX_LAT, 3.01, none, 1, 3.0),
			 REPORT_FAIL);
	/* the intervals of a row: median, mean, bandwidth = k / mean */
	bench_row_init(&row, 1000);
	row.lat_us.median = 2.0;
	row.lat_us.mean = 2.5;
	row.median_ci_us = (struct bench_interval){ 1.9, 2.1 };
	row.mean_ci_us = (struct bench_interval){ 2.0, 3.125 };
	row.bw_MBps = 400; /* 1000 B / 2.5 us */
	ci = report_row_interval(&row, REPORT_RULE_MAX_LAT, BENCH_STAT_MEDIAN);
	assert_true(ci.lo == 1.9 && ci.hi == 2.1);
	ci = report_row_interval(&row, REPORT_RULE_MAX_LAT, BENCH_STAT_MEAN);
	assert_true(ci.lo == 2.0 && ci.hi == 3.125);
	ci = report_row_interval(&row, REPORT_RULE_MAX_LAT, BENCH_STAT_P99);
	assert_true(isnan(ci.lo) && isnan(ci.hi));
	bw = report_row_interval(&row, REPORT_RULE_MIN_BW, BENCH_STAT_MEDIAN);
	assert_true(fabs(bw.lo - 320.0) < 1e-9 && fabs(bw.hi - 500.0) < 1e-9);
	assert_string_equal(report_verdict_name(REPORT_INCONCLUSIVE),
			    "INCONCLUSIVE");
}

/* The document's verdict: FAIL beats INCONCLUSIVE beats PASS. */
static void test_document_verdict(void **state)
{
	const double means[] = { 2.0, 2.0, 2.0, 2.0, 2.0 };
	struct report_profile p;
	struct report_check c;
	struct report_set set;
	struct bench_row *row;
	char err[256];

	(void)state;
	assert_int_equal(report_profile_builtin("azure-a8a9", &p), 0);
	make_set(&set, means, "ibpong-mpi");
	row = set.items[0].rows;
	row[1].mean_ci_us = (struct bench_interval){ 1.5, 2.5 };
	row[2].mean_ci_us = (struct bench_interval){ 1.0, 3.5 }; /* straddles */
	assert_int_equal(report_check_run(&set, &p, BENCH_STAT_MEAN, &c, err,
					  sizeof(err)),
			 0);
	assert_int_equal(c.items[0].verdict, REPORT_PASS);
	assert_string_equal(c.items[0].why, "no interval available");
	assert_int_equal(c.items[1].verdict, REPORT_PASS);
	assert_null(c.items[1].why);
	assert_int_equal(c.items[2].verdict, REPORT_INCONCLUSIVE);
	assert_string_equal(c.items[2].why, "interval straddles the limit");
	assert_int_equal(c.n_inconclusive, 1);
	assert_int_equal(report_check_verdict(&c, 0), REPORT_INCONCLUSIVE);
	assert_int_equal(report_check_verdict(&c, SIZE_MAX),
			 REPORT_INCONCLUSIVE);
	report_check_free(&c);
	row[3].lat_us.mean = 3.2; /* 512 B, no interval: fails */
	assert_int_equal(report_check_run(&set, &p, BENCH_STAT_MEAN, &c, err,
					  sizeof(err)),
			 0);
	assert_int_equal(report_check_verdict(&c, SIZE_MAX), REPORT_FAIL);
	report_check_free(&c);
	report_set_free(&set);
}

static int profile_text(const char *text, struct report_profile *p, char *err,
			size_t err_len)
{
	json_error_t jerr;
	json_t *doc = json_loads(text, 0, &jerr);
	int ret;

	assert_non_null(doc);
	ret = report_profile_from_json(doc, "p.json", p, err, err_len);
	json_decref(doc);
	return ret;
}

static void test_profile_json(void **state)
{
	static const struct {
		const char *text, *what;
	} bad[] = {
		{ "[]", "p.json: expected a JSON object" },
		{ "{\"rules\": []}", "p.json: rules: expected a non-empty" },
		{ "{\"statistic\": \"mean\", \"rulez\": []}",
		  "unknown key 'rulez'" },
		{ "{\"rules\": [{\"sizes\": \"0-512\", \"max_latency_us\": "
		  "3}]}",
		  "names its statistic" },
		{ "{\"statistic\": \"average\", \"rules\": [{\"sizes\": "
		  "\"0-512\", \"max_latency_us\": 3}]}",
		  "statistic: expected one of" },
		{ "{\"statistic\": \"mean\", \"rules\": [{\"sizes\": "
		  "\"0-512\", "
		  "\"max_latency_us\": 3, \"min_bandwidth_MBps\": 1}]}",
		  "rules[0]: expected exactly one" },
		{ "{\"statistic\": \"mean\", \"rules\": [{\"sizes\": "
		  "\"512-0\", "
		  "\"max_latency_us\": 3}]}",
		  "rules[0].sizes: expected a size range" },
		{ "{\"statistic\": \"mean\", \"rules\": [{\"sizes\": "
		  "\"0-512\", "
		  "\"max_latency_us\": \"3\"}]}",
		  "rules[0].max_latency_us: expected a number" },
		{ "{\"statistic\": \"mean\", \"rules\": [{\"sizes\": "
		  "\"0-512\", "
		  "\"max_latency\": 3}]}",
		  "rules[0]: unknown key 'max_latency'" },
	};
	struct report_profile p;
	char err[256];
	unsigned i;

	(void)state;
	assert_int_equal(
		profile_text("{\"name\": \"hb120\", \"statistic\": \"p99\", "
			     "\"rules\": [{\"sizes\": \"0-512\", "
			     "\"max_latency_us\": 3.0}, {\"sizes\": "
			     "\"1M-4M\", \"min_bandwidth_MBps\": 10000}]}",
			     &p, err, sizeof(err)),
		0);
	assert_string_equal(p.name, "hb120");
	assert_int_equal(p.stat, BENCH_STAT_P99);
	assert_int_equal(p.n_rules, 2);
	assert_int_equal(p.rules[1].kind, REPORT_RULE_MIN_BW);
	assert_int_equal(p.rules[1].lo_bytes, 1048576);
	assert_int_equal(p.rules[1].hi_bytes, 4194304);
	assert_true(p.rules[1].limit == 10000);
	/* Bandwidth only: no statistic needed. */
	assert_int_equal(profile_text("{\"rules\": [{\"sizes\": \"1M\", "
				      "\"min_bandwidth_MBps\": 1}]}",
				      &p, err, sizeof(err)),
			 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(
			profile_text(bad[i].text, &p, err, sizeof(err)),
			-EINVAL);
		if (!strstr(err, bad[i].what))
			fail_msg("case %u: '%s' lacks '%s'", i, err,
				 bad[i].what);
	}
}

static void test_profile_file(void **state)
{
	char path[] = "/tmp/ibpong-profile-XXXXXX", err[256];
	struct report_profile p;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("{\"statistic\": \"mean\",\n \"rules\": [\n  {\"sizes\": "
	      "\"0-512\" \"max_latency_us\": 3}]}\n",
	      f);
	fclose(f);
	assert_int_equal(report_profile_resolve(path, &p, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, ":3: not valid JSON"));
	f = fopen(path, "w");
	fputs("{\"statistic\": \"median\", \"rules\": [{\"sizes\": "
	      "\"0-1K\", \"max_latency_us\": 2.5}]}\n",
	      f);
	fclose(f);
	assert_int_equal(report_profile_resolve(path, &p, err, sizeof(err)), 0);
	assert_int_equal(p.stat, BENCH_STAT_MEDIAN);
	assert_int_equal(p.rules[0].hi_bytes, 1024);
	unlink(path);
	assert_int_equal(
		report_profile_resolve("azure-a8a9", &p, err, sizeof(err)), 0);
	assert_true(p.rules[0].limit == 3.00);
	assert_int_equal(p.rules[0].hi_bytes, 512);
	assert_int_equal(report_profile_resolve("azure", &p, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "unknown profile 'azure'; built-in "
				    "profiles: azure-a8a9"));
	assert_int_equal(report_profile_resolve("/nonexistent/p.json", &p, err,
						sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "cannot read"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_range),
		cmocka_unit_test(test_rule_parse),
		cmocka_unit_test(test_boundaries),
		cmocka_unit_test(test_evaluate),
		cmocka_unit_test(test_judge),
		cmocka_unit_test(test_document_verdict),
		cmocka_unit_test(test_profile_json),
		cmocka_unit_test(test_profile_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
