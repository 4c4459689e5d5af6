// SPDX-License-Identifier: BSD-2-Clause
/*
 * The command line of `ibpong cm`: the options of `ibpong verbs`
 * (verbs/options.c parses them) less the ones rdma_cm decides, plus
 * --connect-iters.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rdmacm.h"

enum { OPT_CONNECT_ITERS = 0x3000 };

static const struct option cm_longopts[] = {
	{ "connect-iters", required_argument, NULL, OPT_CONNECT_ITERS },
};

static void cm_usage(FILE *f)
{
	fputs("Usage: ibpong cm [OPTIONS]        wait as the server\n"
	      "       ibpong cm [OPTIONS] HOST   connect to the server on "
	      "HOST\n"
	      "`ibpong verbs` over connections made by rdma_cm (what "
	      "perftest -R and rping\n"
	      "do): HOST and --bind are IP addresses or names of RDMA "
	      "interfaces, and the\n"
	      "device, port and GID come from the IP route. Both ends print "
	      "the table and\n"
	      "the connection set-up statistics; give both the same "
	      "options.\n\n"
	      "rdma_cm options:\n"
	      "  --connect-iters N      time N connection set-ups before "
	      "the run (default 10;\n"
	      "                         0: time only the first "
	      "connection)\n"
	      "  -p, --port N           rdma_cm port (default 18515)\n"
	      "  --bind ADDR            local address (server: listen on "
	      "it only)\n"
	      "  --op send|write|read|write-imm, --qp rc|ud, --inline N,\n"
	      "  --mtu N, --tx-depth N, --poll busy|event\n"
	      "                         as for `ibpong verbs` (UC: not with "
	      "rdma_cm)\n"
	      "  --help                 this text\n\n",
	      f);
	bench_opts_usage(f);
	fputs("\nExit status:\n"
	      "  0  success\n"
	      "  2  bad usage (also -d, -i, -x, --qp uc: rdma_cm decides "
	      "or cannot)\n"
	      "  3  runtime failure: unreachable address, no RDMA device "
	      "behind the route,\n"
	      "     connection rejected, peer disconnected or timed out, "
	      "payload check failed\n",
	      f);
}

static int cm_opt_handle(void *ctx, int opt, const char *arg)
{
	struct rdmacm_cfg *rc = ctx;
	char *end;
	long v;

	if (opt != OPT_CONNECT_ITERS)
		return 1;
	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 0 || v > 100000) {
		bench_err("--connect-iters '%s': expected a count from 0 to "
			  "100000",
			  arg);
		return -EINVAL;
	}
	rc->connect_iters = (unsigned)v;
	return 0;
}

/* What rdma_cm decides from the route, or cannot do. */
static int cm_cfg_check(const struct verbs_cfg *cfg)
{
	const char *opt = cfg->dev_name		? "-d/--device"
			  : cfg->ib_port	? "-i/--ib-port"
			  : cfg->gid_index >= 0 ? "-x/--gid-index"
						: NULL;

	if (opt) {
		bench_err("%s: rdma_cm picks the device, port and GID from "
			  "the route to HOST (or --bind); leave it out",
			  opt);
		return -EINVAL;
	}
	if (cfg->qp_type == IBV_QPT_UC) {
		bench_err("--qp uc: rdma_cm has no UC port space; use --qp rc "
			  "or ud, or `ibpong verbs --qp uc`");
		return -EINVAL;
	}
	return 0;
}

int rdmacm_options_parse(int argc, char **argv, struct rdmacm_cfg *rc,
			 struct bench_opts *o)
{
	struct verbs_options_ext ext = {
		.longopts = cm_longopts,
		.n = sizeof(cm_longopts) / sizeof(cm_longopts[0]),
		.handle = cm_opt_handle,
		.usage = cm_usage,
		.arg = rc,
	};
	int ret;

	memset(rc, 0, sizeof(*rc));
	rc->connect_iters = RDMACM_CONNECT_ITERS;
	ret = verbs_options_parse_ext(argc, argv, &ext, &rc->verbs, o);
	if (ret)
		return ret;
	rc->verbs.conn = &rdmacm_conn_ops;
	rc->test = o->test;
	return cm_cfg_check(&rc->verbs);
}
