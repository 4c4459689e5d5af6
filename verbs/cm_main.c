// SPDX-License-Identifier: BSD-2-Clause
/*
 * ibpong-cm (`ibpong cm`): `ibpong verbs` with rdma_cm connections.
 * Without HOST it waits as the server (rank 1); with HOST it connects as
 * the client (rank 0). The rdma_cm bootstrap connects first, then the
 * connection set-up is timed (run.connect), then the verbs engine runs
 * with the rdma_cm connection method. Exit codes: bench/exit.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "exit.h"
#include "log.h"
#include "rdmacm.h"
#include "run.h"

/* Parameters agreed, metadata, and run.connect with its table. */
static int cm_head(struct bench_result *r, const struct rdmacm_cfg *rc,
		   struct bench_bootstrap *bs, const struct bench_opts *o,
		   const struct bench_clock *clk)
{
	FILE *f = o->format == BENCH_FORMAT_TABLE ? stdout : NULL;
	json_t *conn;
	int ret;

	/* a mismatch is found before the connections are timed */
	ret = bench_run_agree(bs, o);
	if (!ret)
		ret = bench_run_describe(r, o, bs, clk);
	if (ret)
		return ret;
	r->tool = strdup("ibpong-cm");
	r->tool_version = strdup(IBPONG_VERSION);
	if (!r->tool || !r->tool_version)
		return -ENOMEM;
	ret = rdmacm_probe_run(rc, bs, (int)(o->timeout_s * 1000), f, &conn);
	if (!ret && json_object_set_new(r->run, "connect", conn))
		ret = -ENOMEM;
	return ret;
}

static int cm_measure(struct bench_bootstrap *bs, const struct rdmacm_cfg *rc,
		      const struct bench_opts *o)
{
	struct bench_result r;
	struct bench_clock clk;
	int ret = bench_clock_init(&clk);

	if (ret) {
		bench_err("cannot set up the clock: %s", strerror(-ret));
		return ret;
	}
	bench_result_init(&r);
	ret = cm_head(&r, rc, bs, o, &clk);
	if (!ret)
		ret = bench_run(&verbs_engine_ops, &rc->verbs, bs, o, &clk, &r);
	bench_result_free(&r);
	return ret;
}

static int cm_bootstrap_open(struct bench_bootstrap *bs, struct rdmacm_cfg *rc,
			     const struct bench_opts *o)
{
	const struct bench_bootstrap_cfg bcfg = {
		.peer_host = rc->verbs.peer_host,
		.bind_addr = rc->verbs.bind_addr,
		.port = rc->verbs.port,
		.timeout_s = o->timeout_s,
		.opaque = rc,
	};
	int ret = bench_bootstrap_open(bs, &rdmacm_bootstrap_ops, &bcfg);

	if (!ret)
		rc->bs = bs;
	return ret;
}

int main(int argc, char **argv)
{
	struct bench_bootstrap bs;
	struct rdmacm_cfg rc;
	struct bench_opts o;
	int ret, code = BENCH_EXIT_RUNTIME;

	bench_log_set_prog("ibpong cm");
	ret = rdmacm_options_parse(argc, argv, &rc, &o);
	if (ret) {
		bench_opts_free(&o);
		return ret > 0 ? BENCH_EXIT_OK : BENCH_EXIT_USAGE;
	}
	if (!cm_bootstrap_open(&bs, &rc, &o)) {
		if (!cm_measure(&bs, &rc, &o))
			code = BENCH_EXIT_OK;
		else
			rdmacm_bootstrap_peer_gone(&bs);
		bench_bootstrap_close(&bs);
	}
	bench_opts_free(&o);
	return code;
}
