// SPDX-License-Identifier: BSD-2-Clause
/*
 * The ibpong/1 JSON form: a result survives to_json/from_json and a file
 * round trip field by field; a bad document names the field.
 */
#include "check.h"

#include "result.h"

static void result_sample(struct bench_result *r)
{
	struct bench_row row;
	int id;

	bench_result_init(r);
	r->tool = strdup("ibpong-verbs");
	r->tool_version = strdup("0.1.0");
	r->test = BENCH_TEST_LAT;
	r->test_name = strdup("latency");
	r->lat_kind = BENCH_LAT_RTT;
	r->run = json_pack("{s:s, s:[s, s]}", "transport", "verbs", "hosts",
			   "a", "b");
	assert_non_null(r->run);
	assert_int_equal(bench_result_set_label(r, "cluster", "hb120"), 0);
	bench_row_init(&row, 0);
	row.iters = 1000;
	row.warmup = 100;
	row.lat_us.count = 1000;
	for (id = 0; id < BENCH_STAT_NR; id++)
		bench_stats_set(&row.lat_us, id, 0.25 * (id + 1));
	row.bw_MBps = 0;
	row.msg_rate_per_s = 4166666.75;
	row.median_ci_us.lo = 0.5;
	row.median_ci_us.hi = 0.875;
	row.mean_ci_us.lo = 0.625;
	row.mean_ci_us.hi = 1.125;
	row.batches = 40;
	row.stable = 0;
	row.stop = BENCH_STOP_TIME_CAP;
	row.time_s = 0.125;
	row.retests = 2;
	assert_int_equal(bench_result_add_row(r, &row), 0);
	bench_row_init(&row, 4194304);
	row.iters = 10;
	row.lat_us.mean = 2430.14; /* only a mean, like an IMB import */
	row.bw_MBps = 1725.95;
	assert_int_equal(bench_result_add_row(r, &row), 0);
}

static void same_double(double a, double b)
{
	if (isnan(a) || isnan(b))
		assert_true(isnan(a) && isnan(b));
	else
		assert_near(a, b, fabs(a) * 1e-15);
}

static void compare(const struct bench_result *a, const struct bench_result *b)
{
	size_t i;
	int id;

	assert_string_equal(a->tool, b->tool);
	assert_string_equal(a->tool_version, b->tool_version);
	assert_string_equal(a->test_name, b->test_name);
	assert_int_equal(a->test, b->test);
	assert_int_equal(a->lat_kind, b->lat_kind);
	assert_string_equal(bench_result_label(b, "cluster"), "hb120");
	assert_true(json_equal(a->run, b->run));
	assert_int_equal(a->n_rows, b->n_rows);
	for (i = 0; i < a->n_rows; i++) {
		const struct bench_row *x = &a->rows[i], *y = &b->rows[i];

		assert_int_equal(x->size_bytes, y->size_bytes);
		assert_int_equal(x->iters, y->iters);
		assert_int_equal(x->warmup, y->warmup);
		for (id = 0; id < BENCH_STAT_NR; id++)
			same_double(bench_stats_get(&x->lat_us, id),
				    bench_stats_get(&y->lat_us, id));
		same_double(x->bw_MBps, y->bw_MBps);
		same_double(x->bw_peak_MBps, y->bw_peak_MBps);
		same_double(x->msg_rate_per_s, y->msg_rate_per_s);
		assert_int_equal(x->lat_us.count, y->lat_us.count);
		same_double(x->median_ci_us.lo, y->median_ci_us.lo);
		same_double(x->median_ci_us.hi, y->median_ci_us.hi);
		same_double(x->mean_ci_us.lo, y->mean_ci_us.lo);
		same_double(x->mean_ci_us.hi, y->mean_ci_us.hi);
		assert_int_equal(x->batches, y->batches);
		assert_int_equal(x->stable, y->stable);
		assert_int_equal(x->stop, y->stop);
		same_double(x->time_s, y->time_s);
		assert_int_equal(x->retests, y->retests);
	}
}

/* A bad interval or stop reason is refused, naming the field. */
static void test_json_bad_precision(void **state)
{
	const char *bad[][2] = {
		{ "\"ci95_us\": {\"median\": [2, 1]}", "ci95_us.median" },
		{ "\"ci95_us\": {\"mean\": 3}", "ci95_us.mean" },
		{ "\"stop\": \"tired\"", "stop" },
		{ "\"stable\": 1", "stable" },
		{ "\"latency_us\": {\"count\": -1}", "latency_us.count" },
	};
	struct bench_result r;
	char text[512], err[256];
	json_error_t jerr;
	json_t *doc;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			 "{\"format\": \"ibpong/1\", \"tool\": {\"name\": "
			 "\"t\", \"version\": \"1\"}, \"test\": {\"name\": "
			 "\"latency\", \"kind\": \"latency\", \"latency\": "
			 "\"one-way\"}, \"results\": [{\"size_bytes\": 8, "
			 "%s}]}",
			 bad[i][0]);
		doc = json_loads(text, 0, &jerr);
		assert_non_null(doc);
		err[0] = '\0';
		assert_int_equal(
			bench_result_from_json(doc, &r, err, sizeof(err)),
			-EINVAL);
		if (!strstr(err, bad[i][1]))
			fail_msg("%s: '%s' does not name %s", bad[i][0], err,
				 bad[i][1]);
		json_decref(doc);
	}
}

static void test_json_round_trip(void **state)
{
	struct bench_result a, b;
	char err[256] = "";
	json_t *doc, *back;
	char *text;

	(void)state;
	result_sample(&a);
	assert_int_equal(bench_result_to_json(&a, &doc), 0);
	assert_string_equal(json_string_value(json_object_get(doc, "format")),
			    "ibpong/1");
	text = json_dumps(doc, JSON_COMPACT);
	assert_non_null(text);
	back = json_loads(text, 0, NULL);
	assert_non_null(back);
	bench_result_init(&b);
	if (bench_result_from_json(back, &b, err, sizeof(err)))
		fail_msg("from_json: %s", err);
	compare(&a, &b);
	free(text);
	json_decref(doc);
	json_decref(back);
	bench_result_free(&a);
	bench_result_free(&b);
}

static void test_file_round_trip(void **state)
{
	char dir[] = "/tmp/ibpong-test-XXXXXX", path[64], err[256] = "";
	struct bench_result a, b;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/r.json", dir);
	result_sample(&a);
	assert_int_equal(bench_result_write_file(&a, path), 0);
	bench_result_init(&b);
	if (bench_result_read_file(path, &b, err, sizeof(err)))
		fail_msg("read_file: %s", err);
	compare(&a, &b);
	bench_result_free(&a);
	bench_result_free(&b);
	unlink(path);
	rmdir(dir);
}

static void test_bad_document(void **state)
{
	struct bench_result a, b;
	char err[256] = "";
	json_t *doc;

	(void)state;
	result_sample(&a);
	assert_int_equal(bench_result_to_json(&a, &doc), 0);
	json_object_set_new(doc, "format", json_string("ibpong/2"));
	bench_result_init(&b);
	assert_int_equal(bench_result_from_json(doc, &b, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "format"));
	bench_result_free(&b);
	json_decref(doc);
	bench_result_free(&a);
}

/*
 * A damaged file is reported on one printable line, whatever byte jansson
 * quotes as the offending token (a vertical tab once split the message).
 */
static void test_damaged_file_one_line(void **state)
{
	static const char *const damaged[] = {
		"{\"format\": 1\x0b\n}",   "{\"format\": \"x\ny\"}",
		"{\"format\": 1}\n\n\x1c", "{\"format\": 1\x85}",
		"{\"format\": 1\n",
	};
	char dir[] = "/tmp/ibpong-test-XXXXXX", path[64], err[256];
	struct bench_result b;
	unsigned i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/d.json", dir);
	for (i = 0; i < sizeof(damaged) / sizeof(damaged[0]); i++) {
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fputs(damaged[i], f);
		assert_int_equal(fclose(f), 0);
		err[0] = '\0';
		assert_int_equal(
			bench_result_read_file(path, &b, err, sizeof(err)),
			-EINVAL);
		if (!strstr(err, "not valid JSON"))
			fail_msg("case %u: '%s'", i, err);
		for (const char *c = err; *c; c++)
			if ((unsigned char)*c < 0x20 ||
			    (unsigned char)*c >= 0x7f)
				fail_msg("case %u: byte 0x%02x in '%s'", i,
					 (unsigned char)*c, err);
		bench_result_free(&b);
	}
	unlink(path);
	rmdir(dir);
}

/* Sweep rows: host names written from run.hosts, read back symmetric. */
static void test_pair_hosts(void **state)
{
	struct bench_result a, b;
	char err[256] = "";
	json_t *doc, *again, *pair;

	(void)state;
	result_sample(&a);
	a.rows[1].rank_a = 1;
	a.rows[1].rank_b = 0;
	assert_int_equal(bench_result_to_json(&a, &doc), 0);
	pair = json_object_get(
		json_array_get(json_object_get(doc, "results"), 1), "pair");
	assert_string_equal(json_string_value(json_object_get(pair, "host_a")),
			    "b");
	assert_string_equal(json_string_value(json_object_get(pair, "host_b")),
			    "a");
	bench_result_init(&b);
	if (bench_result_from_json(doc, &b, err, sizeof(err)))
		fail_msg("from_json: %s", err);
	assert_int_equal(b.rows[1].rank_a, 1);
	assert_int_equal(b.rows[0].rank_a, -1);
	assert_int_equal(bench_result_to_json(&b, &again), 0);
	assert_true(json_equal(doc, again));
	bench_result_free(&b);
	json_object_set_new(pair, "host_a", json_integer(3));
	assert_int_equal(bench_result_from_json(doc, &b, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "results[1].pair"));
	json_decref(again);
	json_decref(doc);
	bench_result_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pair_hosts),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_json_bad_precision),
		cmocka_unit_test(test_file_round_trip),
		cmocka_unit_test(test_bad_document),
		cmocka_unit_test(test_damaged_file_one_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
