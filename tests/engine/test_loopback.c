// SPDX-License-Identifier: BSD-2-Clause
/*
 * The whole core through the loopback engine: every test mode, the IMB
 * schedule, --validate, --time-per-size, the writers and --json, the
 * capability checks, and with a two-thread bootstrap the parameter
 * agreement and rows sent to the peer.
 */
#include "../unit/check.h"

#include "log.h"
#include "pair.h"
#include "run.h"

static struct bench_clock clk;

struct run_out {
	struct bench_opts *o;
	struct bench_result r;
	char out[65536]; /* stdout */
	char err[4096];	 /* stderr */
};

/* Parse argv (NULL-terminated) into a fresh opts; asserts it is valid. */
static struct bench_opts *opts_parse(char **argv)
{
	struct bench_opts *o = calloc(1, sizeof(*o));
	int argc = 0, c;

	assert_non_null(o);
	while (argv[argc])
		argc++;
	bench_opts_init(o, argc, argv);
	o->quiet = true;
	optind = 0;
	while ((c = getopt_long(argc, argv, "", bench_opts_longopts(), NULL)) !=
	       -1)
		assert_int_equal(bench_opts_handle(o, c, optarg), 0);
	assert_int_equal(bench_opts_finish(o), 0);
	return o;
}

static void run_out_free(struct run_out *ro)
{
	bench_result_free(&ro->r);
	bench_opts_free(ro->o);
	free(ro->o);
	free(ro);
}

/* One bench_run with the local bootstrap; stdout and stderr captured. */
static struct run_out *run_local(char **argv,
				 const struct bench_engine_ops *ops,
				 const struct bench_loopback_cfg *cfg, int *ret)
{
	struct bench_bootstrap_cfg bcfg = { .timeout_s = 5 };
	struct run_out *ro = calloc(1, sizeof(*ro));
	struct capture out, err;
	struct bench_bootstrap bs;

	assert_non_null(ro);
	ro->o = opts_parse(argv);
	assert_int_equal(
		bench_bootstrap_open(&bs, &bench_bootstrap_local_ops, &bcfg),
		0);
	bench_result_init(&ro->r);
	ro->r.tool = strdup("ibpong-test");
	capture_begin(&out, 1);
	capture_begin(&err, 2);
	*ret = bench_run_describe(&ro->r, ro->o, &bs, &clk);
	if (!*ret)
		*ret = bench_run(ops ? ops : &bench_engine_loopback_ops, cfg,
				 &bs, ro->o, &clk, &ro->r);
	capture_end(&err, 2, ro->err, sizeof(ro->err));
	capture_end(&out, 1, ro->out, sizeof(ro->out));
	bench_bootstrap_close(&bs);
	return ro;
}

static struct run_out *run_ok(char **argv, const struct bench_loopback_cfg *cfg)
{
	struct run_out *ro;
	int ret;

	ro = run_local(argv, NULL, cfg, &ret);
	if (ret)
		fail_msg("bench_run: %d, stderr: %s", ret, ro->err);
	return ro;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Ordering every statistic must respect, and the units between them. */
static void check_row(const struct bench_row *row, bool bw)
{
	const struct bench_stats *st = &row->lat_us;

	assert_int_equal(st->count, row->iters);
	assert_true(st->min > 0);
	/* A percentile only with enough samples (doc/result-format.md). */
	assert_int_equal(isfinite(st->p90), st->count >= 10);
	assert_int_equal(isfinite(st->p99), st->count >= 100);
	assert_int_equal(isfinite(st->p999), st->count >= 1000);
	assert_true(st->min <= st->median && st->median <= st->max);
	assert_true(!isfinite(st->p90) ||
		    (st->median <= st->p90 && st->p90 <= st->max));
	assert_true(!isfinite(st->p99) ||
		    (st->p90 <= st->p99 && st->p99 <= st->max));
	assert_true(!isfinite(st->p999) ||
		    (st->p99 <= st->p999 && st->p999 <= st->max));
	assert_true(st->min <= st->mean && st->mean <= st->max);
	assert_true(st->stdev >= 0);
	assert_near(row->bw_MBps,
		    row->msg_rate_per_s * (double)row->size_bytes / 1e6,
		    1e-9 * (row->bw_MBps + 1));
	if (!bw) /* IMB: Mbytes/sec = size / t[usec] */
		assert_near(row->bw_MBps, (double)row->size_bytes / st->mean,
			    1e-9 * (row->bw_MBps + 1));
}

static void test_latency(void **state)
{
	char *argv[] = { "t", "--sizes", "0:1K", "--iters", "50", NULL };
	/* 5 us a message: a clock read is well under 1 % of an iteration */
	const struct bench_loopback_cfg slow = { .delay_ns = 5000 };
	struct run_out *ro = run_ok(argv, &slow);
	json_t *run = ro->r.run;
	size_t i;

	(void)state;
	assert_int_equal(ro->r.n_rows, 12);
	assert_int_equal(ro->r.test, BENCH_TEST_LAT);
	assert_int_equal(ro->r.lat_kind, BENCH_LAT_HALF_RTT);
	assert_string_equal(ro->r.test_name, "latency");
	for (i = 0; i < ro->r.n_rows; i++) {
		assert_int_equal(ro->r.rows[i].size_bytes,
				 i ? 1u << (i - 1) : 0);
		assert_int_equal(ro->r.rows[i].iters, 50);
		assert_int_equal(ro->r.rows[i].warmup, 10); /* IMB's floor */
		check_row(&ro->r.rows[i], false);
	}
	assert_string_equal(
		json_string_value(json_object_get(run, "transport")),
		"loopback");
	assert_int_equal(json_array_size(json_object_get(run, "hosts")), 1);
	/* the table: two header lines, one line per size */
	assert_int_equal(count_lines(ro->out), 2 + 12);
	assert_non_null(strstr(ro->out, "one-way"));
	assert_string_equal(ro->err, "");
	run_out_free(ro);
}

/* A known time per message: the figures must carry it, halved. */
/* Iterations barely longer than a clock read: one warning says so. */
static void test_clock_warning(void **state)
{
	char *argv[] = { "t", "--sizes", "0:8", "--iters", "20", NULL };
	struct run_out *ro = run_ok(argv, NULL);

	(void)state;
	assert_non_null(strstr(ro->err, "one clock read costs"));
	assert_non_null(strstr(ro->err, "shortest timed iteration"));
	assert_null(strstr(strstr(ro->err, "one clock read") + 1,
			   "one clock read")); /* once */
	run_out_free(ro);
}

static void test_latency_delay(void **state)
{
	char *argv[] = { "t", "--sizes", "64", "--iters", "20", NULL };
	struct bench_loopback_cfg cfg = { .delay_ns = 20000 };
	struct run_out *ro = run_ok(argv, &cfg);
	const struct bench_stats *st = &ro->r.rows[0].lat_us;

	(void)state;
	/* round trip = two 20 us messages; one-way is half: >= 20 us */
	assert_true(st->min >= 19.9);
	assert_true(st->median < 100);
	assert_true(ro->r.rows[0].msg_rate_per_s <= 1e6 / 19.9);
	run_out_free(ro);
}

static void test_pingping(void **state)
{
	char *argv[] = { "t",  "--test",  "pingping", "--sizes",
			 "64", "--iters", "20",	      NULL };
	struct bench_loopback_cfg cfg = { .delay_ns = 10000 };
	struct run_out *ro = run_ok(argv, &cfg);
	const struct bench_stats *st = &ro->r.rows[0].lat_us;

	(void)state;
	assert_int_equal(ro->r.lat_kind, BENCH_LAT_ONE_MSG);
	assert_string_equal(ro->r.test_name, "pingping");
	/* one message time is not halved: both 10 us copies count */
	assert_true(st->min >= 19.9);
	check_row(&ro->r.rows[0], false);
	run_out_free(ro);
}

static void test_bw(void **state)
{
	char *argv[] = { "t",	    "--test", "bw",	 "--window", "8",
			 "--sizes", "1K,64K", "--iters", "10",	     NULL };
	struct bench_loopback_cfg cfg = { .delay_ns = 5000 };
	struct run_out *ro = run_ok(argv, &cfg);
	size_t i;

	(void)state;
	assert_int_equal(ro->r.n_rows, 2);
	assert_int_equal(ro->r.lat_kind, BENCH_LAT_ONE_MSG);
	for (i = 0; i < 2; i++) {
		const struct bench_row *row = &ro->r.rows[i];

		assert_int_equal(row->iters, 10);
		check_row(row, true);
		/* per message >= 5 us, so at most 200000 messages/s */
		assert_true(row->lat_us.min >= 4.99);
		assert_true(row->msg_rate_per_s <= 200000 * 1.001);
		assert_true(row->msg_rate_per_s > 1000);
	}
	assert_non_null(strstr(ro->out, "window of 8 messages"));
	run_out_free(ro);
}

static void test_bibw(void **state)
{
	char *argv[] = { "t",	    "--test", "bibw",	 "--window", "4",
			 "--sizes", "4K",     "--iters", "10",	     NULL };
	struct bench_loopback_cfg cfg = { .delay_ns = 5000 };
	struct run_out *ro = run_ok(argv, &cfg);
	const struct bench_row *row = &ro->r.rows[0];
	double window_us = row->lat_us.mean * 4;

	(void)state;
	check_row(row, true);
	/* two directions: twice the messages of one window per its time */
	assert_near(row->msg_rate_per_s, 2 * 4 / (window_us * 1e-6),
		    row->msg_rate_per_s * 1e-9);
	assert_true(row->msg_rate_per_s <= 2 * 200000 * 1.001);
	run_out_free(ro);
}

/* --precision off: IMB's schedule, per message for latency, per window
 * for bw (the default of bw, not of latency: see test_default_adaptive). */
static void test_schedule(void **state)
{
	char *a1[] = { "t", "--sizes", "0,64K,4M", "--precision", "off", NULL };
	char *a2[] = { "t",	  "--test", "bw",	"--window", "64",
		       "--sizes", "1K",	    "--warmup", "3",	    NULL };
	char *a3[] = { "t", "--test",  "bw", "--window",
		       "4", "--sizes", "4M", NULL };
	struct run_out *ro = run_ok(a1, NULL);

	(void)state;
	assert_int_equal(ro->r.n_rows, 3);
	assert_int_equal(ro->r.rows[0].iters, 1000);
	assert_int_equal(ro->r.rows[0].warmup, 100);
	assert_int_equal(ro->r.rows[1].iters, 640);
	assert_int_equal(ro->r.rows[2].iters, 10);
	assert_int_equal(ro->r.rows[2].warmup, 10);
	run_out_free(ro);
	ro = run_ok(a2, NULL);
	/* 64 x 1 KiB per window: 40 MiB / 64 KiB = 640 windows */
	assert_int_equal(ro->r.rows[0].iters, 640);
	assert_int_equal(ro->r.rows[0].warmup, 3);
	run_out_free(ro);
	/* large messages: never fewer than 20 windows (osu_bw) */
	ro = run_ok(a3, NULL);
	assert_int_equal(ro->r.rows[0].iters, 20);
	assert_int_equal(ro->r.rows[0].warmup, 10);
	run_out_free(ro);
}

/* The default latency run is adaptive: every row says why it stopped. */
static void test_default_adaptive(void **state)
{
	char *argv[] = { "t", "--sizes", "0,64K", NULL };
	struct run_out *ro = run_ok(argv, NULL);
	size_t i;

	(void)state;
	for (i = 0; i < ro->r.n_rows; i++) {
		const struct bench_row *row = &ro->r.rows[i];

		check_row(row, false);
		assert_true(row->stop == BENCH_STOP_PRECISION ||
			    row->stop == BENCH_STOP_TIME_CAP ||
			    row->stop == BENCH_STOP_ITER_CAP);
		if (row->stop == BENCH_STOP_PRECISION)
			assert_true(
				(row->median_ci_us.hi - row->median_ci_us.lo) /
					2 / row->lat_us.median <=
				0.01);
		/* bounded (the cap is checked between batches; load adds) */
		assert_true(row->time_s < 5.0);
	}
	run_out_free(ro);
}

static void test_validate(void **state)
{
	char *lat[] = { "t",	   "--validate", "--sizes", "0:4K",
			"--iters", "20",	 NULL };
	char *bw[] = { "t",    "--validate", "--test", "bw", "--sizes",
		       "1:64", "--iters",    "5",      NULL };
	struct bench_loopback_cfg bad = { .corrupt_iter = 3 };
	struct run_out *ro;
	int ret;

	(void)state;
	ro = run_ok(lat, NULL);
	assert_int_equal(ro->r.n_rows, 14);
	run_out_free(ro);
	ro = run_ok(bw, NULL);
	assert_int_equal(ro->r.n_rows, 7);
	run_out_free(ro);
	/* a damaged payload fails the run, naming the byte */
	ro = run_local(lat, NULL, &bad, &ret);
	assert_int_equal(ret, -EIO);
	assert_non_null(strstr(ro->err, "differs at byte"));
	run_out_free(ro);
	ro = run_local(bw, NULL, &bad, &ret);
	assert_int_equal(ret, -EIO);
	run_out_free(ro);
}

/*
 * 20 us per iteration and a 50 ms budget: 2500 iterations at most (the
 * rate comes from the probe's median iteration, which a loaded machine
 * barely moves).
 */
static void test_time_per_size(void **state)
{
	char *argv[] = {
		"t", "--time-per-size", "0.05", "--sizes", "8,16", NULL
	};
	struct bench_loopback_cfg cfg = { .delay_ns = 10000 };
	struct run_out *ro = run_ok(argv, &cfg);
	size_t i;

	(void)state;
	assert_int_equal(ro->r.n_rows, 2);
	for (i = 0; i < 2; i++) {
		const struct bench_row *row = &ro->r.rows[i];

		assert_in_range(row->iters, 1000, 2500);
		assert_int_equal(ro->r.rows[i].warmup,
				 ro->r.rows[i].iters / 10);
		check_row(&ro->r.rows[i], false);
	}
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(ro->r.run, "iterations"), "policy")),
		"time");
	run_out_free(ro);
}

static void test_json_written(void **state)
{
	char dir[] = "/tmp/ibpong-engine-XXXXXX", path[64], err[256] = "";
	char *argv[] = { "t",	    "--sizes",	"0:64",	  "--iters", "30",
			 "--label", "site=lab", "--json", path,	     NULL };
	struct bench_result back;
	struct run_out *ro;
	json_t *run;
	size_t i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out.json", dir);
	ro = run_ok(argv, NULL);
	bench_result_init(&back);
	if (bench_result_read_file(path, &back, err, sizeof(err)))
		fail_msg("%s: %s", path, err);
	assert_string_equal(back.tool, "ibpong-test");
	assert_string_equal(back.tool_version, "0.1.0");
	assert_int_equal(back.n_rows, 8);
	for (i = 0; i < back.n_rows; i++) {
		assert_int_equal(back.rows[i].size_bytes,
				 ro->r.rows[i].size_bytes);
		assert_int_equal(back.rows[i].iters, 30);
		assert_near(back.rows[i].lat_us.p90, ro->r.rows[i].lat_us.p90,
			    ro->r.rows[i].lat_us.p90 * 1e-9);
		/* 30 samples: no p99, no p99.9, the count is there */
		assert_true(isnan(back.rows[i].lat_us.p999));
		assert_int_equal(back.rows[i].lat_us.count, 30);
	}
	assert_string_equal(bench_result_label(&back, "site"), "lab");
	run = back.run;
	assert_non_null(
		strstr(json_string_value(json_object_get(run, "command_line")),
		       "--json /tmp/ibpong-engine-"));
	assert_int_equal(
		strlen(json_string_value(json_object_get(run, "start_time"))),
		20);
	assert_non_null(
		json_object_get(json_object_get(run, "clock"), "overhead_ns"));
	assert_non_null(json_object_get(run, "kernel"));
	bench_result_free(&back);
	run_out_free(ro);
	unlink(path);
	rmdir(dir);
}

static void test_formats(void **state)
{
	char *csv[] = { "t",   "--format", "csv", "--sizes",
			"1:8", "--iters",  "5",	  NULL };
	char *imb[] = { "t",	"--format", "imb", "--sizes",
			"0,1K", "--iters",  "5",   NULL };
	struct run_out *ro;

	(void)state;
	ro = run_ok(csv, NULL);
	assert_int_equal(count_lines(ro->out), 1 + 4);
	assert_true(strncmp(ro->out, "size_bytes,", 11) == 0);
	assert_non_null(strstr(ro->out, "\n8,5,10,"));
	run_out_free(ro);
	ro = run_ok(imb, NULL);
	assert_non_null(strstr(ro->out, "# Benchmarking PingPong \n"
					"# #processes = 1 \n"));
	assert_non_null(strstr(ro->out, "\n         1024            5 "));
	run_out_free(ro);
}

/* An engine without zero-byte messages or bandwidth support. */
/* --format imb refuses a round trip and says what it prints. */
static void test_imb_refusals(void **state)
{
	const struct bench_loopback_cfg rtt = { .round_trip = true };
	char *imb[] = { "t", "--format", "imb", "--iters",
			"3", "--sizes",	 "8",	NULL };
	char *uni[] = { "t",   "--format", "imb", "--test",  "bw", "--window",
			"256", "--iters",  "3",	  "--sizes", "8",  NULL };
	struct run_out *ro;
	int ret;

	(void)state;
	ro = run_local(imb, NULL, &rtt, &ret);
	assert_int_equal(ret, -EINVAL);
	assert_non_null(strstr(ro->err, "IMB has no round-trip latency"));
	assert_string_equal(ro->out, "");
	run_out_free(ro);
	ro = run_ok(uni, NULL);
	assert_non_null(strstr(ro->out, "# Benchmarking Uniband \n"));
	assert_non_null(strstr(ro->out, "method window-ack, window of 256"));
	assert_non_null(strstr(ro->out, "IMB-MPI1 format"));
	run_out_free(ro);
}

static void test_caps(void **state)
{
	struct bench_engine_ops ops = bench_engine_loopback_ops;
	char *dflt[] = { "t", "--iters", "3", "--sizes", "0:2", NULL };
	char *bw[] = { "t", "--test", "bw", "--iters", "3", NULL };
	char *lat[] = { "t", "--iters", "3", NULL };
	struct run_out *ro;
	int ret;

	(void)state;
	ops.caps = BENCH_CAP_LAT;
	ro = run_local(dflt, &ops, NULL, &ret);
	assert_int_equal(ret, -EINVAL);
	assert_non_null(strstr(ro->err, "0-byte"));
	run_out_free(ro);
	ro = run_local(bw, &ops, NULL, &ret);
	assert_int_equal(ret, -ENOTSUP);
	assert_non_null(strstr(ro->err, "cannot run --test bw"));
	run_out_free(ro);
	/* the default list just starts at 1 B */
	ro = run_local(lat, &ops, NULL, &ret);
	assert_int_equal(ret, 0);
	assert_int_equal(ro->r.n_rows, 23);
	assert_int_equal(ro->r.rows[0].size_bytes, 1);
	run_out_free(ro);
}

/* ---- two ranks in two threads ---- */

struct pair_rank {
	struct pair_shared *shared;
	int rank;
	struct bench_opts *o;
	const struct bench_loopback_cfg *cfg;
	bool bare; /* bench_run: no descriptor, no agreed engine fields */
	struct bench_result r;
	int ret;
};

static void *pair_thread(void *arg)
{
	struct pair_rank *pr = arg;
	struct bench_bootstrap_cfg bcfg = { .timeout_s = 5,
					    .port = (uint16_t)pr->rank,
					    .opaque = pr->shared };
	struct bench_bootstrap bs;

	bench_result_init(&pr->r);
	pr->ret = bench_bootstrap_open(&bs, &pair_bootstrap_ops, &bcfg);
	if (pr->ret)
		return NULL;
	pr->ret = bench_run_describe(&pr->r, pr->o, &bs, &clk);
	if (!pr->ret && pr->bare)
		pr->ret = bench_run(&bench_engine_loopback_ops, pr->cfg, &bs,
				    pr->o, &clk, &pr->r);
	else if (!pr->ret)
		pr->ret = bench_run_engine(&bench_engine_loopback_desc, pr->cfg,
					   &bs, pr->o, &clk, &pr->r);
	bench_bootstrap_close(&bs);
	return NULL;
}

/* Both ranks; pr[i].cfg and pr[i].bare as the caller set them. */
static void run_pair_as(struct pair_rank pr[2], char **argv0, char **argv1,
			char *out, size_t out_len, char *err, size_t err_len)
{
	struct pair_shared shared;
	struct capture co, ce;
	pthread_t th[2];
	int i;

	pair_shared_init(&shared);
	for (i = 0; i < 2; i++) {
		pr[i].shared = &shared;
		pr[i].rank = i;
		pr[i].o = opts_parse(i ? argv1 : argv0);
	}
	capture_begin(&co, 1);
	capture_begin(&ce, 2);
	for (i = 0; i < 2; i++)
		assert_int_equal(
			pthread_create(&th[i], NULL, pair_thread, &pr[i]), 0);
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	capture_end(&ce, 2, err, err_len);
	capture_end(&co, 1, out, out_len);
	pair_shared_destroy(&shared);
}

static void run_pair(struct pair_rank pr[2], char **argv0, char **argv1,
		     char *out, size_t out_len, char *err, size_t err_len)
{
	memset(pr, 0, 2 * sizeof(*pr));
	run_pair_as(pr, argv0, argv1, out, out_len, err, err_len);
}

static void pair_free(struct pair_rank pr[2])
{
	int i;

	for (i = 0; i < 2; i++) {
		bench_result_free(&pr[i].r);
		bench_opts_free(pr[i].o);
		free(pr[i].o);
	}
}

static void test_pair_same_table(void **state)
{
	char *argv[] = { "t",	  "--sizes", "0:256", "--time-per-size",
			 "0.002", NULL };
	struct pair_rank pr[2];
	char out[16384], err[4096];
	size_t i;

	(void)state;
	run_pair(pr, argv, argv, out, sizeof(out), err, sizeof(err));
	if (pr[0].ret || pr[1].ret)
		fail_msg("ranks: %d %d: %s", pr[0].ret, pr[1].ret, err);
	assert_int_equal(pr[0].r.n_rows, 10);
	assert_int_equal(pr[1].r.n_rows, 10);
	for (i = 0; i < 10; i++) {
		const struct bench_row *a = &pr[0].r.rows[i];
		const struct bench_row *b = &pr[1].r.rows[i];

		check_row(a, false);
		assert_int_equal(a->iters, b->iters);
		assert_int_equal(a->lat_us.count, b->lat_us.count);
		assert_true(a->lat_us.p999 == b->lat_us.p999);
		assert_true(a->bw_MBps == b->bw_MBps);
	}
	assert_int_equal(json_array_size(json_object_get(pr[1].r.run, "hosts")),
			 2);
	/* only rank 0 printed: header + 10 rows */
	assert_int_equal(count_lines(out), 2 + 10);
	pair_free(pr);
}

static void test_pair_print_all(void **state)
{
	char *argv[] = { "t", "--sizes",  "1,2", "--iters",
			 "5", "--format", "csv", NULL };
	struct pair_rank pr[2];
	char out[16384], err[4096];

	(void)state;
	run_pair(pr, argv, argv, out, sizeof(out), err, sizeof(err));
	assert_int_equal(pr[0].ret, 0);
	pair_free(pr);
	assert_int_equal(count_lines(out), 3);
	/* both ends of a two-process command print their own table */
	pr[0].o = NULL;
	{
		struct pair_shared shared;
		struct capture co;
		pthread_t th[2];
		int i;

		pair_shared_init(&shared);
		for (i = 0; i < 2; i++) {
			pr[i].shared = &shared;
			pr[i].rank = i;
			pr[i].o = opts_parse(argv);
			pr[i].o->print_all_ranks = true;
		}
		capture_begin(&co, 1);
		for (i = 0; i < 2; i++)
			pthread_create(&th[i], NULL, pair_thread, &pr[i]);
		for (i = 0; i < 2; i++)
			pthread_join(th[i], NULL);
		capture_end(&co, 1, out, sizeof(out));
		pair_shared_destroy(&shared);
	}
	assert_int_equal(pr[0].ret, 0);
	assert_int_equal(pr[1].ret, 0);
	assert_int_equal(count_lines(out), 6);
	pair_free(pr);
}

static void test_pair_mismatch(void **state)
{
	char *a0[] = { "t", "--sizes", "0:64", "--iters", "10", NULL };
	char *a1[] = { "t", "--sizes", "0:64", "--iters", "20", NULL };
	char *b1[] = { "t", "--sizes", "0:128", "--iters", "10", NULL };
	char *c1[] = { "t",  "--sizes", "0:64",	    "--iters",
		       "10", "--test",	"pingping", NULL };
	struct pair_rank pr[2];
	char out[4096], err[4096];

	(void)state;
	run_pair(pr, a0, a1, out, sizeof(out), err, sizeof(err));
	assert_int_equal(pr[0].ret, -EBADE);
	assert_int_equal(pr[1].ret, -EBADE);
	assert_non_null(strstr(err, "--iters is 10 on rank 0 (this end) but "
				    "20 on rank 1"));
	assert_non_null(strstr(err, "--iters is 20 on rank 1 (this end) but "
				    "10 on rank 0"));
	assert_int_equal(pr[0].r.n_rows, 0);
	pair_free(pr);
	run_pair(pr, a0, b1, out, sizeof(out), err, sizeof(err));
	assert_int_equal(pr[0].ret, -EBADE);
	assert_int_equal(pr[1].ret, -EBADE);
	assert_non_null(strstr(err, "--sizes"));
	pair_free(pr);
	run_pair(pr, a0, c1, out, sizeof(out), err, sizeof(err));
	assert_int_equal(pr[1].ret, -EBADE);
	assert_non_null(strstr(err, "--test is latency on rank 0"));
	pair_free(pr);
}

/*
 * The engine's own fields go through the same agreement as the core's:
 * the loopback descriptor agrees round_trip; a mismatch names it and
 * both values on both ends. Ends agreeing different sets are told so.
 */
static void test_pair_engine_mismatch(void **state)
{
	char *a[] = { "t", "--sizes", "0:64", "--iters", "10", NULL };
	struct bench_loopback_cfg rt = { .round_trip = true };
	struct pair_rank pr[2];
	char out[4096], err[4096];

	(void)state;
	memset(pr, 0, sizeof(pr));
	pr[1].cfg = &rt;
	run_pair_as(pr, a, a, out, sizeof(out), err, sizeof(err));
	assert_int_equal(pr[0].ret, -EBADE);
	assert_int_equal(pr[1].ret, -EBADE);
	assert_non_null(strstr(err, "parameter mismatch: round_trip "
				    "(loopback) is 0 on rank 0 (this end) "
				    "but 1 on rank 1"));
	assert_non_null(strstr(err, "round_trip (loopback) is 1 on rank 1 "
				    "(this end) but 0 on rank 0"));
	assert_int_equal(pr[0].r.n_rows, 0);
	pair_free(pr);
	/* the same engine fields: it runs */
	memset(pr, 0, sizeof(pr));
	pr[0].cfg = &rt;
	pr[1].cfg = &rt;
	run_pair_as(pr, a, a, out, sizeof(out), err, sizeof(err));
	assert_int_equal(pr[0].ret, 0);
	assert_int_equal(pr[1].ret, 0);
	assert_int_equal(pr[0].r.lat_kind, BENCH_LAT_RTT);
	pair_free(pr);
	/* one end without the engine's fields: the count differs */
	memset(pr, 0, sizeof(pr));
	pr[1].bare = true;
	run_pair_as(pr, a, a, out, sizeof(out), err, sizeof(err));
	assert_int_equal(pr[0].ret, -EBADE);
	assert_int_equal(pr[1].ret, -EBADE);
	assert_non_null(strstr(err, "parameter mismatch: rank 1 agrees 16 "
				    "parameters, this end (rank 0) 17"));
	pair_free(pr);
}

/* The one rank-count check of two-rank engines. */
static void test_ranks_check(void **state)
{
	struct bench_engine_desc two = { .name = "two",
					 .flags = BENCH_ENGINE_TWO_RANKS };
	struct bench_engine_desc idle = {
		.name = "idle",
		.flags = BENCH_ENGINE_TWO_RANKS | BENCH_ENGINE_IDLE_RANKS,
		.ranks_noun = "MPI",
		.ranks_hint = ": use mpirun -np 2",
	};
	struct capture ce;
	char err[1024];

	(void)state;
	assert_int_equal(bench_engine_ranks_check(&two, 2, 0), 0);
	assert_int_equal(bench_engine_ranks_check(&idle, 2, 1), 0);
	assert_int_equal(bench_engine_ranks_check(&idle, 5, 0), 0);
	assert_int_equal(
		bench_engine_ranks_check(&bench_engine_loopback_desc, 1, 0), 0);
	capture_begin(&ce, 2);
	assert_int_equal(bench_engine_ranks_check(&two, 3, 0), -EINVAL);
	assert_int_equal(bench_engine_ranks_check(&idle, 1, 0), -EINVAL);
	assert_int_equal(bench_engine_ranks_check(&two, 3, 2), -EINVAL);
	capture_end(&ce, 2, err, sizeof(err));
	assert_non_null(strstr(err, "needs 2 two ranks, got 3"));
	assert_non_null(strstr(err, "needs 2 MPI ranks, got 1: use mpirun"));
	/* told by rank 0 alone */
	assert_null(strstr(strstr(err, "got 3") + 1, "got 3"));
}

static int group_setup(void **state)
{
	(void)state;
	bench_log_set_prog("test-engine");
	return bench_clock_init(&clk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_latency),
		cmocka_unit_test(test_latency_delay),
		cmocka_unit_test(test_clock_warning),
		cmocka_unit_test(test_pingping),
		cmocka_unit_test(test_bw),
		cmocka_unit_test(test_bibw),
		cmocka_unit_test(test_schedule),
		cmocka_unit_test(test_default_adaptive),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_time_per_size),
		cmocka_unit_test(test_json_written),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_imb_refusals),
		cmocka_unit_test(test_pair_same_table),
		cmocka_unit_test(test_pair_print_all),
		cmocka_unit_test(test_pair_mismatch),
		cmocka_unit_test(test_pair_engine_mismatch),
		cmocka_unit_test(test_ranks_check),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
