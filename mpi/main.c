// SPDX-License-Identifier: BSD-2-Clause
/*
 * ibpong-mpi: MPI ping-pong, ping-ping and bandwidth between ranks 0 and
 * 1 (mpirun -np 2 ibpong-mpi --help), or every node pair of a cluster
 * with --pairs (mpi/sweep.h). Rank 0 prints the table and writes --json.
 * Every rank leaves with the same exit code (bench/exit.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "exit.h"
#include "log.h"
#include "mpi_bench.h"
#include "run.h"
#include "sweep.h"

/* The testing hook of struct mpi_engine_cfg, from the environment. */
static uint64_t mpi_corrupt_iter(void)
{
	const char *s = getenv("IBPONG_MPI_CORRUPT_ITER");

	return s && *s ? strtoull(s, NULL, 10) : UINT64_MAX;
}

static int mpi_tool_name(struct bench_result *r)
{
	if (!r->tool)
		r->tool = strdup("ibpong-mpi");
	if (!r->tool_version)
		r->tool_version = strdup(IBPONG_VERSION);
	return r->tool && r->tool_version ? 0 : -ENOMEM;
}

/* Clock, metadata, the sizes (table and --json on rank 0). */
static int mpi_measure(struct bench_bootstrap *bs, const struct bench_opts *o)
{
	struct mpi_engine_cfg cfg = {
		.test = o->test,
		.corrupt_iter = mpi_corrupt_iter(),
	};
	struct bench_result r;
	struct bench_clock clk;
	int ret;

	bench_result_init(&r);
	ret = bench_clock_init(&clk);
	if (ret) {
		bench_err("cannot set up the clock: %s", strerror(-ret));
		goto out;
	}
	ret = bench_run_describe(&r, o, bs, &clk);
	if (!ret)
		ret = mpi_tool_name(&r);
	if (!ret)
		ret = bench_run(&mpi_engine_ops, &cfg, bs, o, &clk, &r);
out:
	bench_result_free(&r);
	return ret ? BENCH_EXIT_RUNTIME : BENCH_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct bench_bootstrap bs;
	struct mpi_sweep_opts so;
	struct bench_opts o;
	int code;

	code = mpi_front_start(&bs, &argc, &argv);
	if (code >= 0)
		return code;
	code = mpi_front_parse(&o, &so, argc, argv, bs.rank);
	bs.timeout_s = o.timeout_s;
	if (code < 0)
		code = mpi_front_check(&bs, &o, &so);
	if (code < 0 && so.pairs != MPI_PAIRS_NONE)
		code = mpi_sweep_main(&bs, &o, &so);
	if (code < 0)
		code = mpi_measure(&bs, &o);
	bench_opts_free(&o);
	return mpi_front_finish(&bs, code);
}
