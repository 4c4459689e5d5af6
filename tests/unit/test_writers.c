// SPDX-License-Identifier: BSD-2-Clause
/*
 * Writers: IMB layout against a real IMB-MPI1 table, CSV, human table.
 */
#include "check.h"

#include "imb_sample.h"
#include "writers.h"

struct out {
	char *buf;
	size_t len;
	FILE *f;
};

static void out_open(struct out *o)
{
	o->buf = NULL;
	o->len = 0;
	o->f = open_memstream(&o->buf, &o->len);
	assert_non_null(o->f);
}

static void out_close(struct out *o)
{
	fclose(o->f);
}

/* Line i (0-based) of text, without its newline. */
static void nth_line(const char *text, int i, char *line, size_t len)
{
	const char *p = text, *nl;

	while (i-- > 0) {
		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
	}
	nl = strchr(p, '\n');
	assert_non_null(nl);
	assert_true((size_t)(nl - p) < len);
	memcpy(line, p, (size_t)(nl - p));
	line[nl - p] = '\0';
}

/* ibpong's banner above IMB's block: rule, tool, what t is, rule. */
#define IMB_BANNER 4

static void result_setup(struct bench_result *r, enum bench_test t)
{
	static char tool[] = "ibpong-mpi", version[] = "0.1.0";

	bench_result_init(r);
	r->tool = tool;
	r->tool_version = version;
	/* kept reachable, never freed: the results here are not freed */
	static json_t *runs[2];
	int i = t == BENCH_TEST_LAT ? 0 : 1;

	if (!runs[i])
		runs[i] = json_pack("{s:s}", "method",
				    i ? "window-ack" : "ping-pong");
	r->run = runs[i];
	r->test = t;
	r->lat_kind =
		t == BENCH_TEST_LAT ? BENCH_LAT_HALF_RTT : BENCH_LAT_ONE_MSG;
}

/* Rebuild each sample row from its numbers; the text must be identical. */
static void test_imb_matches_sample(void **state)
{
	unsigned long long size, reps;
	struct bench_writer w;
	struct bench_result r;
	struct bench_row row;
	double t, mbs;
	char line[256];
	struct out o;
	size_t i;

	(void)state;
	result_setup(&r, BENCH_TEST_LAT);
	out_open(&o);
	bench_writer_init(&w, o.f, BENCH_FORMAT_IMB, &r, 2, 64);
	bench_writer_header(&w);
	for (i = 0; i < IMB_SAMPLE_ROWS; i++) {
		assert_int_equal(sscanf(imb_sample_rows[i], "%llu %llu %lf %lf",
					&size, &reps, &t, &mbs),
				 4);
		bench_row_init(&row, size);
		row.iters = reps;
		row.lat_us.mean = t;
		row.lat_us.median = 99999; /* IMB's t is the mean */
		row.bw_MBps = mbs;
		bench_writer_row(&w, &row);
	}
	bench_writer_footer(&w);
	out_close(&o);
	/* ibpong's banner, then IMB's block as IMB prints it */
	nth_line(o.buf, 1, line, sizeof(line));
	assert_string_equal(line, "#    ibpong-mpi 0.1.0, IMB-MPI1 format "
				  "(Mbytes/sec = 10^6 B/s)");
	for (i = 0; i < 5; i++) {
		nth_line(o.buf, (int)i + IMB_BANNER, line, sizeof(line));
		assert_string_equal(line, imb_sample_header[i]);
	}
	for (i = 0; i < IMB_SAMPLE_ROWS; i++) {
		nth_line(o.buf, (int)i + 5 + IMB_BANNER, line, sizeof(line));
		assert_string_equal(line, imb_sample_rows[i]);
	}
	free(o.buf);
}

/* t[usec] is IMB's t (both ranks' loops) where the row has it. */
static void test_imb_t(void **state)
{
	struct bench_writer w;
	struct bench_result r;
	struct bench_row row;
	char line[256];
	struct out o;

	(void)state;
	result_setup(&r, BENCH_TEST_LAT);
	out_open(&o);
	bench_writer_init(&w, o.f, BENCH_FORMAT_IMB, &r, 2, 64);
	bench_writer_header(&w);
	bench_row_init(&row, 8);
	row.iters = 1000;
	row.lat_us.mean = 1.25;
	row.imb_t_us = 1.5;
	row.bw_MBps = 8 / 1.25; /* ibpong's, from the mean: not IMB's */
	bench_writer_row(&w, &row);
	out_close(&o);
	nth_line(o.buf, 2, line, sizeof(line));
	assert_string_equal(line, "#    t[usec]: the larger of both ranks' "
				  "loop time / #repetitions / 2");
	nth_line(o.buf, IMB_BANNER + 5, line, sizeof(line));
	assert_string_equal(
		line, "            8         1000         1.50         5.33");
	free(o.buf);
}

/* IMB 2021's Uniband layout (from the Uniband/Biband sample). */
static void test_imb_uniband(void **state)
{
	struct bench_writer w;
	struct bench_result r;
	struct bench_row row;
	char line[256];
	struct out o;

	(void)state;
	result_setup(&r, BENCH_TEST_BIBW);
	out_open(&o);
	bench_writer_init(&w, o.f, BENCH_FORMAT_IMB, &r, 2, 64);
	bench_writer_header(&w);
	bench_row_init(&row, 1);
	row.iters = 1000;
	row.bw_MBps = 2.74;
	row.msg_rate_per_s = 2737078;
	bench_writer_row(&w, &row);
	out_close(&o);
	nth_line(o.buf, IMB_BANNER + 1, line, sizeof(line));
	assert_string_equal(line, "# Benchmarking Biband ");
	nth_line(o.buf, IMB_BANNER + 4, line, sizeof(line));
	assert_string_equal(
		line, "       #bytes #repetitions   Mbytes/sec      Msg/sec");
	nth_line(o.buf, IMB_BANNER + 5, line, sizeof(line));
	assert_string_equal(
		line, "            1         1000         2.74      2737078");
	free(o.buf);
}

static void test_csv(void **state)
{
	struct bench_writer w;
	struct bench_result r;
	struct bench_row row;
	char line[512];
	struct out o;

	(void)state;
	result_setup(&r, BENCH_TEST_LAT);
	out_open(&o);
	bench_writer_init(&w, o.f, BENCH_FORMAT_CSV, &r, 2, 64);
	bench_writer_header(&w);
	bench_row_init(&row, 4096);
	row.iters = 1000;
	row.warmup = 100;
	row.lat_us.count = 1000;
	row.lat_us.min = 1.25;
	row.lat_us.median = 1.5;
	row.lat_us.mean = 2;
	row.lat_us.max = 17.125;
	row.bw_MBps = 2048;
	row.msg_rate_per_s = 500000;
	row.median_ci_us.lo = 1.375;
	row.median_ci_us.hi = 1.625;
	row.stable = 0;
	row.stop = BENCH_STOP_PRECISION;
	bench_writer_row(&w, &row);
	bench_writer_footer(&w);
	out_close(&o);
	nth_line(o.buf, 0, line, sizeof(line));
	assert_string_equal(line,
			    "size_bytes,iterations,warmup,latency_min_us,"
			    "latency_median_us,latency_mean_us,"
			    "latency_stdev_us,latency_p90_us,latency_p99_us,"
			    "latency_p999_us,latency_max_us,bandwidth_MBps,"
			    "message_rate_per_s,samples,median_ci95_lo_us,"
			    "median_ci95_hi_us,mean_ci95_lo_us,mean_ci95_hi_us,"
			    "stable,stop,imb_t_us,latency_kind,method");
	nth_line(o.buf, 1, line, sizeof(line));
	/* absent statistics are empty fields */
	assert_string_equal(line,
			    "4096,1000,100,1.25,1.5,2,,,,,17.125,2048,500000,"
			    "1000,1.375,1.625,,,no,precision,,one-way,"
			    "ping-pong");
	assert_int_equal(strlen(o.buf),
			 strchr(o.buf, '\n') - o.buf + 1 + strlen(line) + 1);
	free(o.buf);
}

static void test_table(void **state)
{
	struct bench_writer w;
	struct bench_result r;
	struct bench_row row;
	char line[512];
	struct out o;

	(void)state;
	result_setup(&r, BENCH_TEST_LAT);
	out_open(&o);
	bench_writer_init(&w, o.f, BENCH_FORMAT_TABLE, &r, 2, 64);
	bench_writer_header(&w);
	bench_row_init(&row, 64);
	row.iters = 1000;
	row.lat_us.min = 0.5;
	row.lat_us.median = 0.625;
	row.bw_MBps = 100;
	row.msg_rate_per_s = 2e6;
	bench_writer_row(&w, &row);
	/* the median's interval: +-0.0125 of 0.625 is 2 %, and unstable */
	row.median_ci_us.lo = 0.6125;
	row.median_ci_us.hi = 0.6375;
	row.stable = 0;
	bench_writer_row(&w, &row);
	out_close(&o);
	nth_line(o.buf, 3, line, sizeof(line));
	assert_non_null(strstr(line, "   2.0000    2.00*"));
	nth_line(o.buf, 0, line, sizeof(line));
	assert_non_null(strstr(line, "95 % interval"));
	assert_non_null(strstr(line, "one-way"));
	assert_non_null(strstr(line, "latency, method ping-pong"));
	assert_non_null(strstr(line, "MB/s = 10^6 B/s"));
	nth_line(o.buf, 1, line, sizeof(line));
	assert_non_null(strstr(line, "median"));
	assert_non_null(strstr(line, "p99.9"));
	assert_non_null(strstr(line, "Mmsg/s"));
	nth_line(o.buf, 2, line, sizeof(line));
	assert_non_null(
		strstr(line, "      64       1000     0.500     0.625"));
	assert_non_null(strstr(line, "100.00   2.0000"));
	assert_non_null(strstr(line, " - "));		     /* absent mean */
	assert_non_null(strstr(line, "   2.0000        -")); /* no interval */
	free(o.buf);
}

static void test_table_bw(void **state)
{
	struct bench_writer w;
	struct bench_result r;
	char line[512];
	struct out o;

	(void)state;
	result_setup(&r, BENCH_TEST_BW);
	out_open(&o);
	bench_writer_init(&w, o.f, BENCH_FORMAT_TABLE, &r, 2, 32);
	bench_writer_header(&w);
	out_close(&o);
	nth_line(o.buf, 0, line, sizeof(line));
	assert_non_null(strstr(line, "window of 32 messages"));
	assert_non_null(strstr(line, "method window-ack"));
	assert_non_null(strstr(line, "MB/s = 10^6 B/s"));
	nth_line(o.buf, 1, line, sizeof(line));
	assert_non_null(strstr(line, "windows"));
	free(o.buf);
}

static void test_imb_names(void **state)
{
	(void)state;
	assert_string_equal(bench_imb_name(BENCH_TEST_LAT), "PingPong");
	assert_string_equal(bench_imb_name(BENCH_TEST_PINGPING), "PingPing");
	assert_string_equal(bench_imb_name(BENCH_TEST_BW), "Uniband");
	assert_string_equal(bench_imb_name(BENCH_TEST_BIBW), "Biband");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_imb_matches_sample),
		cmocka_unit_test(test_imb_uniband),
		cmocka_unit_test(test_imb_t),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_table_bw),
		cmocka_unit_test(test_imb_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
