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
 * sent to the peer so both ends hold the same table; rows are printed as
 * they complete when print is true. Returns 0 or a negative errno.
 */
int bench_run(const struct bench_engine_ops *ops, const void *engine_cfg,
	      struct bench_bootstrap *bs, const struct bench_opts *o,
	      const struct bench_clock *clk, struct bench_result *r);

#endif
