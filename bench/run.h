/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The run driver: for every size of the schedule it agrees the step with
 * the peer, runs warm-up and timed iterations through the engine, turns
 * samples into statistics and hands the row to the writers. It knows no
 * transport.
 */
#ifndef BENCH_RUN_H
#define BENCH_RUN_H

#include "bootstrap.h"
#include "clock.h"
#include "engine.h"
#include "options.h"
#include "result.h"

/* A verdict of --check (report check's, doc/statistics.md). */
enum bench_verdict {
	BENCH_VERDICT_UNCHECKED = -1, /* no rule covers the row */
	BENCH_VERDICT_PASS = 0,
	BENCH_VERDICT_FAIL = 1,
	BENCH_VERDICT_INCONCLUSIVE = 2,
};

/*
 * --check inside a benchmark: the front end judges each row (with the
 * rules of report check); the run driver measures a row judged
 * INCONCLUSIVE again, with four times the samples so far (the interval
 * halves), until it is decided, RETEST_MAX times per size, or the run's
 * retest_budget retests are spent (each one at most RETEST_MAX_S, or four
 * --max-time-per-size). Each retest is recorded in run.check.
 */
struct bench_check {
	enum bench_verdict (*judge)(const struct bench_check *chk,
				    const struct bench_result *r,
				    const struct bench_row *row);
	const void *ctx;	/* the front end's rules */
	unsigned retest_budget; /* retests allowed in the whole run */
};

/*
 * --check's rules, as the front end gets them (report/check/bench_check.c
 * when the build has the reporter; else bench_checker is NULL).
 */
struct bench_checker {
	/* --check SPEC: 0, or -EINVAL after one line naming the cause */
	int (*open)(const char *spec, unsigned retest_budget,
		    struct bench_check **out);
	/* After the run: the verdict per size (printed when print) and the
	 * exit code: 0 pass, 1 fail, 4 inconclusive (bench/exit.h). */
	int (*finish)(const struct bench_check *chk,
		      const struct bench_result *r, bool print);
	void (*close)(struct bench_check *chk);
};

extern const struct bench_checker *const bench_checker;

/*
 * Fill run metadata common to every command (version, command line,
 * start time, host names of all ranks through the bootstrap, kernel, CPU,
 * clock, labels) into r->run.
 */
int bench_run_describe(struct bench_result *r, const struct bench_opts *o,
		       struct bench_bootstrap *bs,
		       const struct bench_clock *clk);

/*
 * Run every size: init, connect, prepare, the steps, cleanup. Both ends
 * first agree on the whole parameter set (a mismatch fails on both ends
 * with a message naming the field). Rows are added to r on rank 0 and
 * sent to the peer so both ends hold the same table. Rank 0 (and every
 * rank when o->print_all_ranks) prints rows on stdout as they complete,
 * in o->format, and writes the result to o->json_path when set: set
 * r->tool (and call bench_run_describe) before. Sets r->test, r->lat_kind
 * (ONE_MSG for pingping, bw and bibw, else the engine's), r->test_name
 * when NULL, and adds the engine's describe() to r->run.
 * Returns 0 or a negative errno (-EBADE for a parameter mismatch, -EINVAL
 * for bad sizes, -ENOTSUP when the engine cannot run the test, -EIO when
 * a payload fails validation), after logging the cause.
 */
int bench_run_engine(const struct bench_engine_desc *d, const void *engine_cfg,
		     struct bench_bootstrap *bs, const struct bench_opts *o,
		     const struct bench_clock *clk, struct bench_result *r);
/* The same for an engine without a descriptor (no agreed fields). */
int bench_run(const struct bench_engine_ops *ops, const void *engine_cfg,
	      struct bench_bootstrap *bs, const struct bench_opts *o,
	      const struct bench_clock *clk, struct bench_result *r);

/*
 * One row's figures from the samples of one step (ticks of clk): lat_us
 * statistics in microseconds (halved for HALF_RTT; for bw and bibw the
 * window time divided by the window), msg_rate_per_s and bw_MBps (10^6
 * B/s: size / mean latency for latency tests, as IMB; the bytes of every
 * window, twice for bibw, over their total time for bw tests). iters,
 * warmup and size_bytes are left to the caller. Returns 0, -EINVAL for
 * no sample, or -ENOMEM.
 */
/*
 * What the ranks' own loop times add to a row (rank 0, after the
 * statistics): loop_ticks[r] is rank r's timed loops of the size (0: not
 * timed), over iters iterations. IMB's t[usec] (imb_t_us): the largest
 * loop time / iters, halved for a half-round-trip ping-pong, as is for
 * ping-ping; none for bandwidth or a round trip. With bibw_each_side,
 * bibw's message rate and MB/s become the sum over the ranks of window x
 * iters / loop time (perftest -b), when at least two ranks timed.
 */
void bench_row_add_loops(struct bench_row *row, const struct bench_step *st,
			 uint64_t iters, const uint64_t *loop_ticks,
			 size_t n_ranks, const struct bench_clock *clk,
			 enum bench_lat_kind kind, bool bibw_each_side);

int bench_row_compute(struct bench_row *row, const struct bench_step *st,
		      const struct bench_samples *s,
		      const struct bench_clock *clk, enum bench_lat_kind kind);

/*
 * The same from an accumulator of one step's samples (ticks of clk):
 * adds the intervals, the sample count and the stability flag. The
 * accumulator's scratch space is used. Returns 0, -EINVAL when empty,
 * or -ENOMEM.
 */
int bench_row_from_acc(struct bench_row *row, const struct bench_step *st,
		       struct bench_acc *acc, const struct bench_clock *clk,
		       enum bench_lat_kind kind);

/*
 * What bench_run checks before anything else, alone (front ends call it
 * before opening a bootstrap): the engine can run o->test, and 0 B is in
 * --sizes only when it can send 0-byte messages. 0, -ENOTSUP or -EINVAL
 * after one line.
 */
int bench_run_check(const struct bench_engine_ops *ops,
		    const struct bench_opts *o);

/*
 * The parameter agreement alone (bench_run calls it first), the one of
 * every engine: every rank sends the core's parameters and the engine's
 * fields (d->params, read from engine_cfg; d may be NULL) through the
 * bootstrap; any difference fails with -EBADE on every rank (exit code
 * 2, bad input), after one line naming the field and both values.
 */
int bench_run_agree(struct bench_bootstrap *bs, const struct bench_opts *o,
		    const struct bench_engine_desc *d, const void *engine_cfg);

#endif
