// SPDX-License-Identifier: BSD-2-Clause
/*
 * ibpong-verbs (`ibpong verbs`): without HOST it waits as the server
 * (bootstrap rank 1); with HOST it connects as the client (rank 0, the
 * initiator). Both ends print the same table. Exit codes: bench/exit.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "exit.h"
#include "log.h"
#include "run.h"
#include "verbs.h"

static int verbs_tool_name(struct bench_result *r)
{
	if (!r->tool)
		r->tool = strdup("ibpong-verbs");
	if (!r->tool_version)
		r->tool_version = strdup(IBPONG_VERSION);
	return r->tool && r->tool_version ? 0 : -ENOMEM;
}

/* Clock, metadata, every size. */
static int verbs_measure(struct bench_bootstrap *bs,
			 const struct verbs_cfg *cfg,
			 const struct bench_opts *o)
{
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
		ret = verbs_tool_name(&r);
	if (!ret)
		ret = bench_run(&verbs_engine_ops, cfg, bs, o, &clk, &r);
out:
	bench_result_free(&r);
	return ret;
}

int main(int argc, char **argv)
{
	struct bench_bootstrap_cfg bcfg = { 0 };
	struct bench_bootstrap bs;
	struct verbs_cfg cfg;
	struct bench_opts o;
	int ret, code = BENCH_EXIT_RUNTIME;

	bench_log_set_prog("ibpong verbs");
	ret = verbs_options_parse(argc, argv, &cfg, &o);
	if (ret) {
		bench_opts_free(&o);
		return ret > 0 ? BENCH_EXIT_OK : BENCH_EXIT_USAGE;
	}
	/* the testing hook of struct verbs_cfg, from the environment */
	cfg.corrupt_payload = getenv("IBPONG_VERBS_CORRUPT") != NULL;
	bcfg.peer_host = cfg.peer_host;
	bcfg.bind_addr = cfg.bind_addr;
	bcfg.port = cfg.port;
	bcfg.timeout_s = o.timeout_s;
	ret = bench_bootstrap_open(&bs, &bench_bootstrap_tcp_ops, &bcfg);
	if (ret)
		goto out_free_opts;
	if (!verbs_measure(&bs, &cfg, &o))
		code = BENCH_EXIT_OK;
	bench_bootstrap_close(&bs);
out_free_opts:
	bench_opts_free(&o);
	return code;
}
