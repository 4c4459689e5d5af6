// SPDX-License-Identifier: BSD-2-Clause
/*
 * The cm engine's descriptor: the verbs engine with the rdma_cm
 * connection method and bootstrap. Its options are the verbs engine's
 * (verbs/options.c) less the ones rdma_cm decides, plus --connect-iters;
 * before the run it times connection set-ups (probe_rdmacm.c).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rdmacm.h"
#include "result.h"

enum { OPT_CONNECT_ITERS = 0x3000 };

/* -d, -i and -x are accepted only to say why they do not apply. */
static const struct bench_opt cm_opts[] = {
	{ "connect-iters", 0, "N",
	  "time N connection set-ups before the run (default 10;\n"
	  "0: time only the first connection)",
	  OPT_CONNECT_ITERS },
	{ "device", 'd', "NAME", NULL, 'd' },
	{ "ib-port", 'i', "N", NULL, 'i' },
	{ "gid-index", 'x', "N", NULL, 'x' },
	BENCH_OPT_END,
};

static const char *const cm_refused[] = {
	['d'] = "-d/--device",
	['i'] = "-i/--ib-port",
	['x'] = "-x/--gid-index",
};

static int cm_opt_handle(void *cfg, int id, const char *arg)
{
	struct rdmacm_cfg *rc = cfg;
	long v;

	if (id == 'd' || id == 'i' || id == 'x') {
		bench_err("%s: rdma_cm picks the device, port and GID from "
			  "the route to HOST (or --bind); leave it out",
			  cm_refused[id]);
		return -EINVAL;
	}
	if (id != OPT_CONNECT_ITERS)
		return verbs_cfg_opt(&rc->verbs, id, arg);
	if (bench_parse_int(arg, 0, 100000, &v))
		return bench_opts_bad("connect-iters", arg,
				      "a count from 0 to 100000");
	rc->connect_iters = (unsigned)v;
	return 0;
}

static void cm_cfg_init(void *cfg)
{
	struct rdmacm_cfg *rc = cfg;

	memset(rc, 0, sizeof(*rc));
	verbs_cfg_init(&rc->verbs);
	rc->verbs.conn = &rdmacm_conn_ops;
	rc->connect_iters = RDMACM_CONNECT_ITERS;
}

/* What rdma_cm cannot do. */
static int cm_cfg_finish(void *cfg, const struct bench_opts *o)
{
	struct rdmacm_cfg *rc = cfg;
	int ret = verbs_cfg_check(&rc->verbs, o);

	if (ret)
		return ret;
	if (rc->verbs.qp_type == IBV_QPT_UC) {
		bench_err("--qp uc: rdma_cm has no UC port space; use --qp rc "
			  "or ud, or `ibpong verbs --qp uc`");
		return -EINVAL;
	}
	return 0;
}

/* run.connect: the connection set-up statistics, and their table. */
static int cm_prologue(void *cfg, struct bench_bootstrap *bs,
		       const struct bench_opts *o, struct bench_result *r)
{
	FILE *f = o->format == BENCH_FORMAT_TABLE ? stdout : NULL;
	json_t *conn;
	int ret;

	ret = rdmacm_probe_run(cfg, bs, (int)(o->timeout_s * 1000), f, &conn);
	if (!ret && json_object_set_new(r->run, "connect", conn))
		ret = -ENOMEM;
	return ret;
}

static void cm_failed(struct bench_bootstrap *bs, int ret)
{
	if (ret != -ECONNRESET)
		(void)rdmacm_bootstrap_peer_gone(bs);
}

static const struct bench_opt *const cm_opt_tables[] = {
	cm_opts,
	verbs_qp_opts,
	NULL,
};

/* The verbs fields read the config as a struct verbs_cfg. */
_Static_assert(offsetof(struct rdmacm_cfg, verbs) == 0,
	       "the verbs config comes first");

static uint64_t param_connect_iters(const void *cfg)
{
	return ((const struct rdmacm_cfg *)cfg)->connect_iters;
}

/* both ends time the same number of connection set-ups */
static const struct bench_param cm_params[] = {
	{ "--connect-iters", param_connect_iters, NULL },
	BENCH_PARAM_END,
};

static const struct bench_param *const cm_param_tables[] = {
	verbs_params,
	cm_params,
	NULL,
};

static const struct bench_bootstrap_ops *const cm_bootstraps[] = {
	&rdmacm_bootstrap_ops,
	NULL,
};

const struct bench_engine_desc rdmacm_engine_desc = {
	.name = "cm",
	.ops = &verbs_engine_ops,
	.flags = BENCH_ENGINE_TWO_RANKS,
	.cfg_size = sizeof(struct rdmacm_cfg),
	.opts_title = "rdma_cm options",
	.opts = cm_opt_tables,
	.params = cm_param_tables,
	.bootstraps = cm_bootstraps,
	.cfg_init = cm_cfg_init,
	.opt_handle = cm_opt_handle,
	.cfg_finish = cm_cfg_finish,
	.prologue = cm_prologue,
	.failed = cm_failed,
};
