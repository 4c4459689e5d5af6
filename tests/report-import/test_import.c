/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The importers against the tools' real outputs (tests/report-import/
 * samples, copied from shared/samples) and against malformed variants.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "import.h"

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-9)

struct loaded {
	struct report_set set;
	char err[512];
	int ret;
};

static char *sample_path(const char *name)
{
	const char *dir = getenv("IBPONG_SAMPLES");
	char *p;

	assert_non_null(dir);
	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	return p;
}

static void load(struct loaded *l, const char *name)
{
	char *p = sample_path(name);

	report_set_init(&l->set);
	l->ret = report_load(p, &l->set, l->err, sizeof(l->err));
	free(p);
}

/* A sample's bytes, NUL-terminated. */
static char *slurp(const char *name, size_t *len)
{
	char *p = sample_path(name), *buf;
	FILE *f = fopen(p, "rb");
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	free(p);
	*len = (size_t)n;
	return buf;
}

static int import_text(const char *text, struct report_set *set, char *err,
		       size_t err_len)
{
	report_set_init(set);
	return report_import_buf(text, strlen(text), "t.txt", set, err,
				 err_len);
}

static const char *stat_note(const struct bench_result *r, const char *f)
{
	json_t *s = json_object_get(json_object_get(r->run, "source"),
				    "statistics");

	return json_string_value(json_object_get(s, f));
}

static void test_imb_pingpong(void **state)
{
	struct loaded l;
	const struct bench_result *r;
	const struct bench_row *last;

	(void)state;
	load(&l, "imb-2021-pingpong-shm.txt");
	assert_int_equal(l.ret, 0);
	assert_int_equal(l.set.count, 1);
	r = &l.set.items[0];
	assert_string_equal(r->tool, "IMB-MPI1");
	assert_string_equal(r->tool_version, "2021.11");
	assert_string_equal(r->test_name, "PingPong");
	assert_int_equal(r->test, BENCH_TEST_LAT);
	assert_int_equal(r->lat_kind, BENCH_LAT_HALF_RTT);
	assert_int_equal(r->n_rows, 24);
	assert_int_equal(r->rows[0].size_bytes, 0);
	NEAR(r->rows[0].lat_us.mean, 0.14);
	last = &r->rows[23];
	assert_int_equal(last->size_bytes, 4194304);
	assert_int_equal(last->iters, 10);
	NEAR(last->lat_us.mean, 2430.14);
	NEAR(last->bw_MBps, 1725.95);
	assert_true(isnan(last->lat_us.min));
	assert_true(isnan(last->lat_us.max));
	assert_string_equal(
		json_string_value(json_object_get(r->run, "transport")),
		"imported");
	assert_string_equal(
		json_string_value(json_object_get(r->run, "command_line")),
		"./IMB-MPI1 PingPong");
	assert_non_null(strstr(stat_note(r, "latency_us.mean"), "t[usec]"));
	assert_non_null(strstr(stat_note(r, "bandwidth_MBps"), "10^6"));
	report_set_free(&l.set);
}

static void test_imb_five(void **state)
{
	static const char *const names[] = { "PingPing", "Sendrecv", "Exchange",
					     "Uniband", "Biband" };
	struct loaded l;
	const struct bench_result *r;
	unsigned i;

	(void)state;
	load(&l, "imb-2021-pingping-sendrecv-exchange-uniband-biband-shm.txt");
	assert_int_equal(l.ret, 0);
	assert_int_equal(l.set.count, 5);
	for (i = 0; i < 5; i++) {
		assert_string_equal(l.set.items[i].test_name, names[i]);
		assert_int_equal(l.set.items[i].n_rows, 18);
	}
	r = &l.set.items[0];
	assert_int_equal(r->test, BENCH_TEST_PINGPING);
	assert_int_equal(r->lat_kind, BENCH_LAT_ONE_MSG);
	NEAR(r->rows[17].lat_us.mean, 14.86);
	NEAR(r->rows[17].bw_MBps, 4410.05);
	r = &l.set.items[1]; /* Sendrecv: t_avg is the mean, no min/max */
	NEAR(r->rows[17].lat_us.mean, 125.59);
	assert_int_equal(r->rows[17].iters, 640);
	assert_true(isnan(r->rows[17].lat_us.min));
	assert_true(isnan(r->rows[17].lat_us.max));
	assert_non_null(stat_note(r, "t_min[usec], t_max[usec]"));
	r = &l.set.items[2];
	NEAR(r->rows[0].lat_us.mean, 150.76);
	r = &l.set.items[3];
	assert_int_equal(r->test, BENCH_TEST_BW);
	NEAR(r->rows[17].bw_MBps, 1930.65);
	NEAR(r->rows[17].msg_rate_per_s, 29459);
	assert_true(isnan(r->rows[17].lat_us.mean));
	r = &l.set.items[4];
	assert_int_equal(r->test, BENCH_TEST_BIBW);
	NEAR(r->rows[17].bw_MBps, 7795.22);
	report_set_free(&l.set);
}

static const char imb_v4[] =
	"#    Intel (R) MPI Benchmarks 4.0, MPI-1 part\n"
	"#---------------------------------------------------\n"
	"# Benchmarking PingPong\n"
	"# #processes = 2\n"
	"       #bytes #repetitions      t[usec]   Mbytes/sec\n"
	"      2097152           20       545.71      3665.00\n"
	"      4194304           10      1082.94      3693.63\n"
	"      8388608     time-out.\n";

static void test_imb_v4_units(void **state)
{
	struct report_set set;
	const struct bench_row *row;
	char err[256];

	(void)state;
	assert_int_equal(import_text(imb_v4, &set, err, sizeof(err)), 0);
	assert_string_equal(set.items[0].tool_version, "4.0");
	row = &set.items[0].rows[1];
	/* 2^20 B/s to 10^6 B/s: 3693.63 x 1.048576 = size / t. */
	NEAR(row->bw_MBps, 3693.63 * 1.048576);
	assert_true(fabs(row->bw_MBps - 4194304 / 1082.94) < 0.05);
	assert_true(set.items[0].rows[2].timed_out);
	assert_int_equal(set.items[0].rows[2].size_bytes, 8388608);
	assert_true(isnan(set.items[0].rows[2].lat_us.mean));
	assert_non_null(
		strstr(stat_note(&set.items[0], "bandwidth_MBps"), "2^20"));
	report_set_free(&set);
}

static void test_imb_no_version(void **state)
{
	struct report_set set;
	char err[256];

	(void)state;
	assert_int_equal(
		import_text(strchr(imb_v4, '\n') + 1, &set, err, sizeof(err)),
		-EINVAL);
	assert_non_null(strstr(err, "t.txt:4: "));
	assert_non_null(strstr(err, "Intel(R) MPI Benchmarks VERSION"));
	assert_int_equal(set.count, 0);
}

static void test_osu(void **state)
{
	struct loaded l;
	const struct bench_result *r;

	(void)state;
	load(&l, "osu-7.4-latency-shm.txt");
	assert_int_equal(l.ret, 0);
	r = &l.set.items[0];
	assert_string_equal(r->tool, "osu_latency");
	assert_string_equal(r->tool_version, "7.4");
	assert_int_equal(r->test, BENCH_TEST_LAT);
	assert_int_equal(r->n_rows, 23);
	assert_int_equal(r->rows[0].size_bytes, 1);
	NEAR(r->rows[0].lat_us.mean, 0.35);
	NEAR(r->rows[22].lat_us.mean, 564.49);
	assert_true(isnan(r->rows[22].lat_us.p99));
	report_set_free(&l.set);

	load(&l, "osu-7.4-bw-shm.txt");
	assert_int_equal(l.ret, 0);
	r = &l.set.items[0];
	assert_string_equal(r->tool, "osu_bw");
	assert_int_equal(r->test, BENCH_TEST_BW);
	NEAR(r->rows[22].bw_MBps, 6811.82);
	report_set_free(&l.set);

	load(&l, "osu-7.4-bibw-shm.txt");
	assert_int_equal(l.ret, 0);
	r = &l.set.items[0];
	assert_string_equal(r->tool, "osu_bibw");
	assert_int_equal(r->test, BENCH_TEST_BIBW);
	assert_int_equal(r->n_rows, 23);
	NEAR(r->rows[22].bw_MBps, 9941.00);
	report_set_free(&l.set);
}

static void test_osu_tail(void **state)
{
	static const char text[] =
		"# OSU MPI Latency Test v7.4\n"
		"# Datatype: MPI_CHAR.\n"
		"# Size       Avg Latency(us)        P50 Tail Lat(us)        "
		"P90 Tail Lat(us)        P99 Tail Lat(us)\n"
		"1                       0.35                    0.33         "
		"           0.40                    0.90\n"
		"2                       0.36                    0.34         "
		"           0.41                    1.20\n";
	struct report_set set;
	const struct bench_row *row;
	char err[256];

	(void)state;
	assert_int_equal(import_text(text, &set, err, sizeof(err)), 0);
	row = &set.items[0].rows[1];
	NEAR(row->lat_us.mean, 0.36);
	NEAR(row->lat_us.median, 0.34);
	NEAR(row->lat_us.p90, 0.41);
	NEAR(row->lat_us.p99, 1.20);
	report_set_free(&set);
}

static void test_perftest_lat(void **state)
{
	struct loaded l;
	const struct bench_result *r;
	const struct bench_row *row;

	(void)state;
	load(&l, "perftest-4.5-ib_send_lat-softroce.client.txt");
	assert_int_equal(l.ret, 0);
	r = &l.set.items[0];
	assert_string_equal(r->tool, "ib_send_lat");
	assert_string_equal(r->test_name, "ib_send_lat");
	assert_int_equal(r->lat_kind, BENCH_LAT_HALF_RTT);
	assert_int_equal(r->n_rows, 23);
	row = &r->rows[0];
	assert_int_equal(row->size_bytes, 2);
	assert_int_equal(row->iters, 50);
	NEAR(row->lat_us.min, 12.30);
	NEAR(row->lat_us.median, 12.65);
	NEAR(row->lat_us.mean, 13.03);
	NEAR(row->lat_us.stdev, 1.32);
	NEAR(row->lat_us.p99, 51.97);
	NEAR(row->lat_us.p999, 51.97);
	/* t_max is the second-largest sample: not imported as max. */
	assert_true(isnan(row->lat_us.max));
	assert_non_null(
		strstr(stat_note(r, "latency_us.max"), "second-largest"));
	report_set_free(&l.set);

	load(&l, "perftest-4.5-ib_read_lat-softroce.client.txt");
	assert_int_equal(l.ret, 0);
	r = &l.set.items[0];
	assert_string_equal(r->tool, "ib_read_lat");
	assert_int_equal(r->lat_kind, BENCH_LAT_RTT);
	NEAR(r->rows[22].lat_us.mean, 421906.60);
	assert_true(isnan(r->rows[22].lat_us.stdev)); /* "-nan" */
	report_set_free(&l.set);

	load(&l, "perftest-4.5-ib_read_lat-softroce.server.txt");
	assert_int_equal(l.ret, -EINVAL);
	assert_non_null(strstr(l.err, "client"));
	report_set_free(&l.set);
}

static void test_perftest_inf(void **state)
{
	struct loaded l;
	const struct bench_result *r;
	json_t *notes;

	(void)state;
	load(&l, "perftest-4.5-ib_write_lat-softroce.server.txt");
	assert_int_equal(l.ret, 0);
	r = &l.set.items[0];
	assert_int_equal(r->rows[1].size_bytes, 4);
	assert_true(isnan(r->rows[1].lat_us.mean));
	assert_true(isnan(r->rows[1].lat_us.min));
	NEAR(r->rows[2].lat_us.mean, 13.03);
	notes = json_object_get(json_object_get(r->run, "source"), "notes");
	assert_true(json_array_size(notes) > 0);
	assert_non_null(
		strstr(json_string_value(json_array_get(notes, 0)), "inf"));
	report_set_free(&l.set);
}

/* MsgRate x size / 2^20 = BW average: perftest's MB is 2^20 bytes. */
static void test_perftest_bw_units(void **state)
{
	static const char *const files[] = {
		"perftest-4.5-ib_write_bw-softroce.client.txt",
		"perftest-4.5-ib_send_bw-softroce.client.txt",
		"perftest-4.5-ib_read_bw-softroce.client.txt",
	};
	struct loaded l;
	const struct bench_row *row;
	unsigned f, checked = 0;
	size_t i;

	(void)state;
	for (f = 0; f < 3; f++) {
		load(&l, files[f]);
		assert_int_equal(l.ret, 0);
		assert_int_equal(l.set.items[0].test, BENCH_TEST_BW);
		for (i = 0; i < l.set.items[0].n_rows; i++) {
			double mib;

			row = &l.set.items[0].rows[i];
			/* Mpps has 6 decimals: too coarse below 0.001. */
			if (row->msg_rate_per_s < 1000)
				continue;
			mib = row->msg_rate_per_s * row->size_bytes / 1048576;
			assert_true(fabs(row->bw_MBps / 1.048576 - mib) <
				    0.006 + 0.005 * mib);
			checked++;
		}
		report_set_free(&l.set);
	}
	assert_true(checked > 30);
	load(&l, "perftest-4.5-ib_write_bw-softroce.client.txt");
	row = &l.set.items[0].rows[15];
	assert_int_equal(row->size_bytes, 65536);
	NEAR(row->bw_MBps, 38.54 * 1.048576);
	NEAR(row->bw_peak_MBps, 40.33 * 1.048576);
	NEAR(row->msg_rate_per_s, 617);
	report_set_free(&l.set);
	load(&l, "perftest-4.5-ib_write_bw-softroce.server.txt");
	assert_int_equal(l.ret, 0);
	assert_int_equal(l.set.items[0].n_rows, 1);
	assert_int_equal(l.set.items[0].rows[0].size_bytes, 8388608);
	report_set_free(&l.set);
}

static void test_perftest_variants(void **state)
{
	static const char gbits[] =
		"                    Send BW Test\n"
		" #bytes     #iterations    BW peak[Gb/sec]    BW "
		"average[Gb/sec]   MsgRate[Mpps]\n"
		" 65536      1000             98.00              97.50   \t\t "
		"  0.185966\n";
	static const char dur[] =
		"                    RDMA_Write Latency Test\n"
		" #bytes        #iterations       t_avg[usec]    tps average\n"
		" 2             4123456          1.21           413223.14\n";
	static const char mib[] =
		"                    RDMA_Write BW Test\n"
		" #bytes     #iterations    BW peak[MiB/sec]    BW "
		"average[MiB/sec]   MsgRate[Mpps]\n"
		" 65536      1000             100.00              100.00   "
		"\t\t "
		"  0.001600\n";
	struct report_set set;
	char err[256];

	(void)state;
	assert_int_equal(import_text(gbits, &set, err, sizeof(err)), 0);
	NEAR(set.items[0].rows[0].bw_MBps, 97.50 * 125);
	NEAR(set.items[0].rows[0].bw_peak_MBps, 98.00 * 125);
	report_set_free(&set);
	assert_int_equal(import_text(dur, &set, err, sizeof(err)), 0);
	NEAR(set.items[0].rows[0].lat_us.mean, 1.21);
	assert_int_equal(set.items[0].rows[0].iters, 4123456);
	assert_true(isnan(set.items[0].rows[0].msg_rate_per_s));
	report_set_free(&set);
	assert_int_equal(import_text(mib, &set, err, sizeof(err)), 0);
	NEAR(set.items[0].rows[0].bw_MBps, 104.8576);
	report_set_free(&set);
}

/* Replace every "\n" by "\r\n". */
static char *to_crlf(const char *s)
{
	char *out = malloc(strlen(s) * 2 + 1), *p = out;

	for (; *s; s++) {
		if (*s == '\n')
			*p++ = '\r';
		*p++ = *s;
	}
	*p = '\0';
	return out;
}

static void test_crlf(void **state)
{
	static const char *const files[] = {
		"imb-2021-pingpong-shm.txt",
		"osu-7.4-latency-shm.txt",
		"perftest-4.5-ib_send_lat-softroce.client.txt",
	};
	struct report_set a, b;
	char err[256], *text, *crlf;
	unsigned f;
	size_t len, i;

	(void)state;
	for (f = 0; f < 3; f++) {
		text = slurp(files[f], &len);
		crlf = to_crlf(text);
		assert_int_equal(import_text(text, &a, err, sizeof(err)), 0);
		assert_int_equal(import_text(crlf, &b, err, sizeof(err)), 0);
		assert_int_equal(a.items[0].n_rows, b.items[0].n_rows);
		for (i = 0; i < a.items[0].n_rows; i++)
			assert_memory_equal(&a.items[0].rows[i],
					    &b.items[0].rows[i],
					    offsetof(struct bench_row, lat_us));
		NEAR(b.items[0].rows[3].lat_us.mean,
		     a.items[0].rows[3].lat_us.mean);
		report_set_free(&a);
		report_set_free(&b);
		free(text);
		free(crlf);
	}
}

/* Insert line after the first line that starts with after. */
static char *insert_after(const char *text, const char *after, const char *line)
{
	const char *at = strstr(text, after), *eol;
	char *out;

	assert_non_null(at);
	eol = strchr(at, '\n') + 1;
	assert_true(asprintf(&out, "%.*s%s%s", (int)(eol - text), text, line,
			     eol) > 0);
	return out;
}

static void test_interleaved(void **state)
{
	static const struct {
		const char *file, *after;
		size_t rows;
	} cases[] = {
		{ "imb-2021-pingpong-shm.txt", "          512", 24 },
		{ "osu-7.4-latency-shm.txt", "512 ", 23 },
		{ "perftest-4.5-ib_write_bw-softroce.client.txt", " 512 ", 23 },
	};
	static const char noise[] =
		"\n# HOST/POSIX_MEMALIGN: allocated 4194304 bytes at 0x1\n"
		"[node1:1234] WARNING: There was an error initializing an "
		"OpenFabrics device.\n"
		"Conflicting CPU frequency values detected: 2400.000 != "
		"3000.000\n\n";
	struct report_set set;
	char err[256], *text, *noisy;
	unsigned c;
	size_t len;

	(void)state;
	for (c = 0; c < 3; c++) {
		text = slurp(cases[c].file, &len);
		noisy = insert_after(text, cases[c].after, noise);
		assert_int_equal(import_text(noisy, &set, err, sizeof(err)), 0);
		assert_int_equal(set.items[0].n_rows, cases[c].rows);
		report_set_free(&set);
		free(text);
		free(noisy);
	}
}

/* The PingPong sample with line 42 (size 64) replaced by bad. */
static void expect_imb_error(const char *bad, const char *what)
{
	struct report_set set;
	char err[256], *text, *mod, *at;
	size_t len;

	text = slurp("imb-2021-pingpong-shm.txt", &len);
	at = strstr(text, "           64         1000");
	assert_non_null(at);
	assert_true(asprintf(&mod, "%.*s%s%s", (int)(at - text), text, bad,
			     strchr(at, '\n')) > 0);
	assert_int_equal(import_text(mod, &set, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "t.txt:42: "));
	assert_non_null(strstr(err, what));
	assert_int_equal(set.count, 0);
	free(text);
	free(mod);
}

static void test_malformed(void **state)
{
	struct report_set set;
	char err[256];

	(void)state;
	expect_imb_error("           64         1000         0.19",
			 "3 fields where the header has 4");
	expect_imb_error("           64         1000         abc   340.61",
			 "'abc' is not a number");
	expect_imb_error("           64         1000        -0.19   340.61",
			 "'-0.19' is not a number");
	expect_imb_error("           16         1000         0.19   340.61",
			 "does not follow");
	assert_int_equal(import_text("", &set, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "t.txt: empty file"));
	assert_int_equal(import_text(" \r\n\n", &set, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "empty file"));
	assert_int_equal(import_text("hello\nworld\n", &set, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "not a format ibpong knows"));
}

static void test_malformed_headers(void **state)
{
	static const struct {
		const char *text, *what;
	} cases[] = {
		{ "#    Intel(R) MPI Benchmarks 2021.11, MPI-1 part\n"
		  "# Benchmarking PingPong\n"
		  "       #bytes #repetitions      t[msec]   Mbytes/sec\n",
		  "t.txt:3: unknown column 't[msec]'" },
		{ "# OSU MPI Latency Test v7.4\n"
		  "# Size       Avg Latency(ms)\n",
		  "t.txt:2: unknown column" },
		{ "# OSU MPI Latency Test v7.4\n"
		  "# Size       Avg Latency(us)\n"
		  "1                       0.35\n"
		  "2\n",
		  "t.txt:4: 1 fields where the header has 2" },
		{ "# OSU MPI Allreduce Latency Test v7.4\n",
		  "t.txt:1: unsupported OSU benchmark" },
		{ "# OSU MPI Latency Test v7.4\n1 0.35\n",
		  "t.txt:2: data row before" },
		{ "                    Send Latency Test\n"
		  " #bytes #iterations    t_min[cycles]\n",
		  "t.txt:2: unknown column 't_min[cycles]'" },
		{ "                    Send BW Test\n"
		  " #bytes     #iterations    BW peak[MB/sec]    BW "
		  "average[MB/sec]   MsgRate[Mpps]\n"
		  " 2          100              0.08               x.06   "
		  "0.033709\n",
		  "t.txt:3: 'x.06' is not a number" },
		{ "                    Send BW Test\n", "no result table" },
		{ "#    Intel(R) MPI Benchmarks 2021.11, MPI-1 part\n"
		  "# Benchmarking Allreduce\n",
		  "no IMB point-to-point table" },
		{ "{\"format\": \"ibpong/1\",\n\"tool\": }\n",
		  "t.txt:2: not valid JSON" },
		{ "{\"format\": \"ibpong/2\"}", "t.txt: format: expected" },
	};
	struct report_set set;
	char err[256];
	unsigned c;

	(void)state;
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		assert_int_equal(
			import_text(cases[c].text, &set, err, sizeof(err)),
			-EINVAL);
		if (!strstr(err, cases[c].what))
			fail_msg("case %u: '%s' lacks '%s'", c, err,
				 cases[c].what);
		assert_int_equal(set.count, 0);
	}
}

static void test_json_roundtrip(void **state)
{
	struct loaded l;
	struct report_set back;
	char err[256], *text;
	json_t *doc;
	size_t i;

	(void)state;
	load(&l, "perftest-4.5-ib_write_lat-softroce.client.txt");
	assert_int_equal(l.ret, 0);
	assert_int_equal(bench_result_to_json(&l.set.items[0], &doc), 0);
	text = json_dumps(doc, JSON_REAL_PRECISION(17));
	assert_int_equal(import_text(text, &back, err, sizeof(err)), 0);
	assert_int_equal(back.items[0].n_rows, l.set.items[0].n_rows);
	for (i = 0; i < back.items[0].n_rows; i++) {
		const struct bench_row *a = &l.set.items[0].rows[i];
		const struct bench_row *b = &back.items[0].rows[i];

		assert_int_equal(a->size_bytes, b->size_bytes);
		assert_true(a->lat_us.mean == b->lat_us.mean ||
			    (isnan(a->lat_us.mean) && isnan(b->lat_us.mean)));
	}
	assert_string_equal(back.items[0].tool, "ib_write_lat");
	report_set_free(&back);
	report_set_free(&l.set);
	json_decref(doc);
	free(text);
}

static void test_detect_and_missing(void **state)
{
	static const struct {
		const char *file;
		enum report_format f;
	} cases[] = {
		{ "imb-2021-pingpong-shm.txt", REPORT_FORMAT_IMB },
		{ "osu-7.4-bibw-shm.txt", REPORT_FORMAT_OSU },
		{ "perftest-4.5-ib_read_bw-softroce.server.txt",
		  REPORT_FORMAT_PERFTEST },
	};
	struct loaded l;
	char *text;
	size_t len;
	unsigned c;

	(void)state;
	for (c = 0; c < 3; c++) {
		text = slurp(cases[c].file, &len);
		assert_int_equal(report_detect(text, len), cases[c].f);
		free(text);
	}
	assert_int_equal(report_detect(" {", 2), REPORT_FORMAT_JSON);
	load(&l, "no-such-file.txt");
	assert_int_equal(l.ret, -ENOENT);
	assert_non_null(strstr(l.err, "no-such-file.txt: cannot open"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_imb_pingpong),
		cmocka_unit_test(test_imb_five),
		cmocka_unit_test(test_imb_v4_units),
		cmocka_unit_test(test_imb_no_version),
		cmocka_unit_test(test_osu),
		cmocka_unit_test(test_osu_tail),
		cmocka_unit_test(test_perftest_lat),
		cmocka_unit_test(test_perftest_inf),
		cmocka_unit_test(test_perftest_bw_units),
		cmocka_unit_test(test_perftest_variants),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_interleaved),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_malformed_headers),
		cmocka_unit_test(test_json_roundtrip),
		cmocka_unit_test(test_detect_and_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
