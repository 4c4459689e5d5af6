// SPDX-License-Identifier: BSD-2-Clause
/*
 * Shared options: values, defaults and one clear line per bad value.
 */
#include "check.h"

#include "log.h"
#include "options.h"

static struct bench_opts opts;

/*
 * Parse argv as a command would: getopt_long over the shared table.
 * Returns the first non-zero bench_opts_handle() result, else
 * bench_opts_finish(); err receives stderr.
 */
static int parse(char **argv, char *err, size_t err_len)
{
	const struct option *lo = bench_opts_longopts();
	struct capture cap;
	int argc = 0, c, ret = 0;

	while (argv[argc])
		argc++;
	bench_opts_init(&opts, argc, argv);
	optind = 0; /* GNU: restart the scan */
	opterr = 0;
	capture_begin(&cap, 2);
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		ret = c == '?' ? 1 : bench_opts_handle(&opts, c, optarg);
		if (ret)
			break;
	}
	if (!ret)
		ret = bench_opts_finish(&opts);
	capture_end(&cap, 2, err, err_len);
	return ret;
}

static void test_defaults(void **state)
{
	char *argv[] = { "t", NULL };
	char err[256];

	(void)state;
	assert_int_equal(parse(argv, err, sizeof(err)), 0);
	assert_int_equal(opts.sizes.count, 24);
	assert_false(opts.sizes_set);
	assert_int_equal(opts.iters, 0);
	assert_int_equal(opts.window, 64);
	assert_near(opts.timeout_s, 30, 0);
	assert_int_equal(opts.test, BENCH_TEST_LAT);
	assert_int_equal(opts.format, BENCH_FORMAT_TABLE);
	assert_null(opts.json_path);
	assert_false(opts.validate);
	assert_false(opts.print_all_ranks);
	assert_int_equal(bench_opts_longopts_count(), 19);
	assert_null(bench_opts_longopts()[19].name);
	assert_null(opts.check_spec);
	assert_int_equal(opts.retest_budget, 64);
	/* adaptive by default for latency: 1 %, at most 0.25 s per size */
	assert_near(opts.precision, 0.01, 0);
	assert_false(opts.precision_set);
	assert_near(opts.max_time_per_size_s, 0.25, 0);
	assert_int_equal(opts.max_iters, 0);
	assert_null(opts.samples_path);
}

/* --precision and its bounds; the fixed counts turn the default off. */
static void test_precision(void **state)
{
	char *pct[] = { "t",	       "--precision", "0.5%",
			"--max-iters", "5000",	      "--max-time-per-size",
			"0.25",	       "--samples",   "s.csv",
			NULL };
	char *frac[] = { "t", "--precision", "0.02", NULL };
	char *off[] = { "t", "--precision", "off", NULL };
	char *iters[] = { "t", "--iters", "10", NULL };
	char *bw[] = { "t", "--test", "bw", NULL };
	char *both[] = { "t", "--iters", "10", "--precision", "1%", NULL };
	char *chk[] = { "t", "--check", "azure-a8a9", "--retest-budget",
			"3", NULL };
	char *bad[][4] = {
		{ "t", "--precision", "60%", NULL },
		{ "t", "--precision", "-1", NULL },
		{ "t", "--precision", "%", NULL },
		{ "t", "--max-iters", "7", NULL },
		{ "t", "--max-time-per-size", "0", NULL },
		{ "t", "--retest-budget", "4097", NULL },
	};
	char err[256];
	size_t i;

	(void)state;
	assert_int_equal(parse(pct, err, sizeof(err)), 0);
	assert_near(opts.precision, 0.005, 1e-15);
	assert_int_equal(opts.max_iters, 5000);
	assert_near(opts.max_time_per_size_s, 0.25, 0);
	assert_string_equal(opts.samples_path, "s.csv");
	assert_int_equal(parse(frac, err, sizeof(err)), 0);
	assert_near(opts.precision, 0.02, 0);
	assert_int_equal(parse(off, err, sizeof(err)), 0);
	assert_near(opts.precision, 0, 0);
	assert_int_equal(parse(iters, err, sizeof(err)), 0);
	assert_near(opts.precision, 0, 0);
	assert_int_equal(parse(bw, err, sizeof(err)), 0);
	assert_near(opts.precision, 0, 0); /* OSU's fixed windows */
	assert_int_equal(parse(chk, err, sizeof(err)), 0);
	assert_string_equal(opts.check_spec, "azure-a8a9");
	assert_int_equal(opts.retest_budget, 3);
	assert_int_equal(parse(both, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--precision excludes --iters"));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i], err, sizeof(err)), -EINVAL);
		if (!strstr(err, bad[i][1]))
			fail_msg("'%s' does not name %s", err, bad[i][1]);
	}
}

static void test_all_values(void **state)
{
	char *argv[] = { "t",	      "--sizes",  "1:1K",    "--iters",
			 "500",	      "--warmup", "0",	     "--test",
			 "bibw",      "--window", "16",	     "--validate",
			 "--format",  "csv",	  "--json",  "out.json",
			 "--label",   "site=lab", "--label", "empty=",
			 "--timeout", "2.5",	  "--quiet", NULL };
	char err[256];

	(void)state;
	assert_int_equal(parse(argv, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(opts.sizes.count, 11);
	assert_true(opts.sizes_set);
	assert_int_equal(opts.iters, 500);
	assert_int_equal(opts.warmup, 0);
	assert_true(opts.warmup_set);
	assert_int_equal(opts.test, BENCH_TEST_BIBW);
	assert_int_equal(opts.window, 16);
	assert_true(opts.validate);
	assert_int_equal(opts.format, BENCH_FORMAT_CSV);
	assert_string_equal(opts.json_path, "out.json");
	assert_int_equal(opts.n_labels, 2);
	assert_string_equal(opts.labels[0].key, "site");
	assert_string_equal(opts.labels[0].value, "lab");
	assert_string_equal(opts.labels[1].key, "empty");
	assert_string_equal(opts.labels[1].value, "");
	assert_near(opts.timeout_s, 2.5, 0);
	assert_true(opts.quiet);
	bench_opts_free(&opts);
}

static void test_time_per_size(void **state)
{
	char *argv[] = {
		"t", "--time-per-size", "0.25", "--format", "imb", NULL
	};
	char err[256];

	(void)state;
	assert_int_equal(parse(argv, err, sizeof(err)), 0);
	assert_near(opts.time_per_size_s, 0.25, 0);
	assert_int_equal(opts.format, BENCH_FORMAT_IMB);
}

/* Each bad value: -EINVAL and one line naming the option. */
static void expect_error(const char *opt, const char *val, const char *what)
{
	char *argv[] = { "t", (char *)opt, (char *)val, NULL };
	char err[512];

	if (parse(argv, err, sizeof(err)) != -EINVAL)
		fail_msg("%s %s accepted", opt, val ? val : "");
	if (!strstr(err, opt) || !strstr(err, what))
		fail_msg("%s %s: message '%s' lacks '%s'", opt, val, err, what);
	/* one line, with the program's prefix */
	assert_non_null(strstr(err, "error: "));
	assert_ptr_equal(strchr(err, '\n'), err + strlen(err) - 1);
	bench_opts_free(&opts);
}

static void test_bad_values(void **state)
{
	(void)state;
	expect_error("--iters", "0", "whole number");
	expect_error("--iters", "abc", "whole number");
	expect_error("--iters", "-5", "whole number");
	expect_error("--iters", "1e3", "whole number");
	expect_error("--iters", "10000000000", "whole number");
	expect_error("--warmup", "x", "whole number");
	expect_error("--window", "0", "1 to 4096");
	expect_error("--window", "5000", "1 to 4096");
	expect_error("--test", "foo", "latency, bw, bibw, pingping");
	expect_error("--format", "xml", "table, imb, csv");
	expect_error("--label", "novalue", "KEY=VALUE");
	expect_error("--label", "=x", "KEY=VALUE");
	expect_error("--timeout", "0", "seconds");
	expect_error("--timeout", "-1", "seconds");
	expect_error("--timeout", "nan", "seconds");
	expect_error("--timeout", "inf", "seconds");
	expect_error("--time-per-size", "0", "seconds");
	expect_error("--time-per-size", "1s", "seconds");
	expect_error("--sizes", "10:5", "MIN:MAX");
	expect_error("--sizes", "1,,2", "MIN:MAX");
	expect_error("--json", "", "file name");
}

static void test_bad_combinations(void **state)
{
	char *a1[] = { "t", "--iters", "5", "--time-per-size", "1", NULL };
	char *a2[] = { "t", "--window", "8", NULL };
	char *a3[] = { "t", "--test", "pingping", "--window", "8", NULL };
	char *a4[] = { "t", "--test", "bw", "--window", "8", NULL };
	/* IMB's Uniband is a window of 256: a window of 64 is not one */
	char *a5[] = { "t", "--test", "bw", "--format", "imb", NULL };
	char *a6[] = { "t",   "--test",	  "bw",	 "--format",
		       "imb", "--window", "256", NULL };
	char err[512];

	(void)state;
	assert_int_equal(parse(a1, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--time-per-size"));
	assert_int_equal(parse(a2, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--window"));
	assert_int_equal(parse(a3, err, sizeof(err)), -EINVAL);
	assert_int_equal(parse(a4, err, sizeof(err)), 0);
	assert_int_equal(parse(a5, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "windows of 256 messages"));
	assert_non_null(strstr(err, "Uniband"));
	assert_int_equal(parse(a6, err, sizeof(err)), 0);
}

static void test_too_many_labels(void **state)
{
	char *argv[2 * BENCH_LABELS_MAX + 4];
	char labels[BENCH_LABELS_MAX + 1][16], err[512];
	int i, n = 0;

	(void)state;
	argv[n++] = "t";
	for (i = 0; i <= BENCH_LABELS_MAX; i++) {
		snprintf(labels[i], sizeof(labels[i]), "k%d=v", i);
		argv[n++] = "--label";
		argv[n++] = labels[i];
	}
	argv[n] = NULL;
	assert_int_equal(parse(argv, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--label"));
	assert_int_equal(opts.n_labels, BENCH_LABELS_MAX);
	bench_opts_free(&opts);
}

static void test_not_shared(void **state)
{
	(void)state;
	bench_opts_init(&opts, 0, NULL);
	assert_int_equal(bench_opts_handle(&opts, 'd', "mlx5_0"), 1);
	assert_int_equal(bench_opts_handle(&opts, BENCH_OPT_BASE - 1, NULL), 1);
}

/* A label is copied: the caller's buffer may change afterwards. */
static void test_label_copied(void **state)
{
	const struct option *lo = bench_opts_longopts();
	char arg[] = "rack=r12";

	(void)state;
	while (lo->name && strcmp(lo->name, "label"))
		lo++;
	assert_non_null(lo->name);
	bench_opts_init(&opts, 0, NULL);
	assert_int_equal(bench_opts_handle(&opts, lo->val, arg), 0);
	memset(arg, 'x', sizeof(arg) - 1);
	assert_int_equal(opts.n_labels, 1);
	assert_string_equal(opts.labels[0].key, "rack");
	assert_string_equal(opts.labels[0].value, "r12");
	bench_opts_free(&opts);
	assert_int_equal(opts.n_labels, 0);
}

static void test_usage(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	size_t i;

	(void)state;
	assert_non_null(f);
	bench_opts_usage(f);
	fclose(f);
	/* every shared option is documented */
	for (i = 0; i < bench_opts_longopts_count(); i++) {
		char name[64];

		snprintf(name, sizeof(name), "--%s",
			 bench_opts_longopts()[i].name);
		if (!strstr(buf, name))
			fail_msg("usage lacks %s", name);
	}
	free(buf);
}

/* One rule for every number of every command (bench/options.h). */
static void test_number_rules(void **state)
{
	static const char *const bad_whole[] = { "+5", " 5", "5 ",  "",
						 "-1", "5x", "0x5", "1e3" };
	static const char *const bad_real[] = { "+1",  " 1",  "1 ",   "",
						"inf", "nan", "0x10", "1.5s",
						"-",   "." };
	uint64_t u;
	double d;
	size_t sz;
	long l;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_whole) / sizeof(bad_whole[0]); i++) {
		assert_int_equal(bench_parse_u64(bad_whole[i], 0, 100, &u),
				 -EINVAL);
		assert_int_equal(bench_parse_int(bad_whole[i], 0, 100, &l),
				 -EINVAL);
		assert_int_equal(bench_size_parse(bad_whole[i], &sz), -EINVAL);
	}
	for (i = 0; i < sizeof(bad_real) / sizeof(bad_real[0]); i++) {
		assert_int_equal(bench_parse_double(bad_real[i], &d), -EINVAL);
		assert_int_equal(bench_parse_seconds(bad_real[i], 10, &d),
				 -EINVAL);
	}
	assert_int_equal(bench_parse_u64("42", 0, 100, &u), 0);
	assert_int_equal(u, 42);
	assert_int_equal(bench_parse_u64("101", 0, 100, &u), -EINVAL);
	assert_int_equal(bench_parse_int("7", 1, 9, &l), 0);
	assert_int_equal(l, 7);
	assert_int_equal(bench_parse_double("-2.5", &d), 0);
	assert_near(d, -2.5, 0);
	assert_int_equal(bench_parse_double(".5", &d), 0);
	assert_int_equal(bench_parse_double("1e-3", &d), 0);
	assert_near(d, 1e-3, 1e-15);
	assert_int_equal(bench_parse_seconds("0", 10, &d), -EINVAL);
	assert_int_equal(bench_parse_seconds("10.5", 10, &d), -EINVAL);
	assert_int_equal(bench_size_parse("4K", &sz), 0);
	assert_int_equal(sz, 4096);
}

/* The shared options as a table: every getopt entry, with help. */
static void test_table(void **state)
{
	const struct bench_opt *t = bench_opts_table();
	size_t n = 0;

	(void)state;
	for (; t->name; t++, n++) {
		assert_string_equal(t->name, bench_opts_longopts()[n].name);
		assert_int_equal(t->id, bench_opts_longopts()[n].val);
		assert_non_null(t->help);
	}
	assert_int_equal(n, bench_opts_longopts_count());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_precision),
		cmocka_unit_test(test_all_values),
		cmocka_unit_test(test_time_per_size),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_bad_combinations),
		cmocka_unit_test(test_too_many_labels),
		cmocka_unit_test(test_not_shared),
		cmocka_unit_test(test_label_copied),
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_number_rules),
		cmocka_unit_test(test_table),
	};

	bench_log_set_prog("test-options");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
