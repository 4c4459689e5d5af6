// SPDX-License-Identifier: BSD-2-Clause
/*
 * The command line of `ibpong verbs`: its own options, the shared ones
 * (bench/options.h) and an optional HOST (client mode).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "options.h"
#include "verbs.h"

enum {
	OPT_OP = 0x2000,
	OPT_QP,
	OPT_INLINE,
	OPT_MTU,
	OPT_TX_DEPTH,
	OPT_POLL,
	OPT_BIND,
	OPT_HELP,
};

static const struct option verbs_longopts[] = {
	{ "device", required_argument, NULL, 'd' },
	{ "ib-port", required_argument, NULL, 'i' },
	{ "gid-index", required_argument, NULL, 'x' },
	{ "port", required_argument, NULL, 'p' },
	{ "op", required_argument, NULL, OPT_OP },
	{ "qp", required_argument, NULL, OPT_QP },
	{ "inline", required_argument, NULL, OPT_INLINE },
	{ "mtu", required_argument, NULL, OPT_MTU },
	{ "tx-depth", required_argument, NULL, OPT_TX_DEPTH },
	{ "poll", required_argument, NULL, OPT_POLL },
	{ "bind", required_argument, NULL, OPT_BIND },
	{ "help", no_argument, NULL, OPT_HELP },
};

#define VERBS_NOPTS (sizeof(verbs_longopts) / sizeof(verbs_longopts[0]))

static const char *const op_names[VERBS_OP_NR] = {
	[VERBS_OP_SEND] = "send",
	[VERBS_OP_WRITE] = "write",
	[VERBS_OP_READ] = "read",
	[VERBS_OP_WRITE_IMM] = "write-imm",
};

const char *verbs_op_name(enum verbs_op op)
{
	return op < VERBS_OP_NR ? op_names[op] : "?";
}

const char *verbs_qp_name(enum ibv_qp_type t)
{
	switch (t) {
	case IBV_QPT_RC:
		return "rc";
	case IBV_QPT_UC:
		return "uc";
	case IBV_QPT_UD:
		return "ud";
	default:
		return "?";
	}
}

const char *verbs_poll_name(enum verbs_poll p)
{
	return p == VERBS_POLL_EVENT ? "event" : "busy";
}

static void verbs_usage(FILE *f)
{
	fputs("Usage: ibpong verbs [OPTIONS]        wait as the server\n"
	      "       ibpong verbs [OPTIONS] HOST   connect to the server "
	      "on HOST\n"
	      "Raw-verbs ping-pong and bandwidth (what ib_send_lat, "
	      "ib_write_lat, ib_read_lat,\n"
	      "ib_send_bw, ib_write_bw and ib_read_bw measure). Both ends "
	      "print the table;\n"
	      "give both the same options.\n\n"
	      "Verbs options:\n"
	      "  -d, --device NAME      RDMA device (default: the first "
	      "with an active port)\n"
	      "  -i, --ib-port N        port (default: the first active)\n"
	      "  -x, --gid-index N      GID index (default on Ethernet: "
	      "RoCE v2 IPv4-mapped;\n"
	      "                         InfiniBand uses the LID)\n"
	      "  --op send|write|read|write-imm\n"
	      "                         operation (default send). latency: "
	      "send and write\n"
	      "                         report half the round trip, read "
	      "the round trip;\n"
	      "                         write polls the last byte, but "
	      "0-byte writes and\n"
	      "                         --poll event use write with "
	      "immediate\n"
	      "  --qp rc|uc|ud          QP type (default rc); uc: no read; "
	      "ud: send only,\n"
	      "                         sizes up to the path MTU\n"
	      "  --inline N             inline sends up to N bytes "
	      "(default: the QP's maximum)\n"
	      "  --mtu 256|512|1024|2048|4096\n"
	      "                         path MTU (default: the port's "
	      "active MTU)\n"
	      "  --tx-depth N           send queue entries (default 128); "
	      "one send in\n"
	      "                         tx-depth/2 is signalled\n"
	      "  --poll busy|event      spin on the CQ or sleep on its "
	      "channel (default busy)\n"
	      "  -p, --port N           out-of-band TCP port (default "
	      "18515)\n"
	      "  --bind ADDR            server: listen on ADDR only\n"
	      "  --help                 this text\n\n",
	      f);
	bench_opts_usage(f);
	fputs("\nExit status:\n"
	      "  0  success\n"
	      "  2  bad usage: unknown option, bad value, bad combination\n"
	      "  3  runtime failure: no RDMA device or active port, bad GID "
	      "index, memlock\n"
	      "     limit, peer lost or timed out, mismatched options, "
	      "payload check failed\n",
	      f);
}

static int bad(const char *opt, const char *arg, const char *expected)
{
	bench_err("--%s '%s': expected %s", opt, arg, expected);
	return -EINVAL;
}

static int parse_uint(const char *arg, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_name(const char *arg, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(arg, names[i]))
			return i;
	return -EINVAL;
}

static int parse_mtu(const char *arg, enum ibv_mtu *mtu)
{
	enum ibv_mtu m;
	long v;

	if (parse_uint(arg, 256, 4096, &v))
		return -EINVAL;
	for (m = IBV_MTU_256; m <= IBV_MTU_4096; m++) {
		if (verbs_mtu_bytes(m) == (unsigned)v) {
			*mtu = m;
			return 0;
		}
	}
	return -EINVAL;
}

static int verbs_opt_handle(struct verbs_cfg *cfg, int opt, const char *arg)
{
	static const char *const qps[] = { "rc", "uc", "ud" };
	static const char *const polls[] = { "busy", "event" };
	static const enum ibv_qp_type qp_types[] = { IBV_QPT_RC, IBV_QPT_UC,
						     IBV_QPT_UD };
	long v;
	int i;

	switch (opt) {
	case 'd':
		cfg->dev_name = arg;
		return 0;
	case 'i':
		if (parse_uint(arg, 1, 255, &v))
			return bad("ib-port", arg, "a port number from 1");
		cfg->ib_port = (int)v;
		return 0;
	case 'x':
		if (parse_uint(arg, 0, 255, &v))
			return bad("gid-index", arg, "a number from 0 to 255");
		cfg->gid_index = (int)v;
		return 0;
	case 'p':
		if (parse_uint(arg, 1, 65535, &v))
			return bad("port", arg, "a TCP port from 1 to 65535");
		cfg->port = (uint16_t)v;
		return 0;
	case OPT_OP:
		i = parse_name(arg, op_names, VERBS_OP_NR);
		if (i < 0)
			return bad("op", arg, "send, write, read or write-imm");
		cfg->op = (enum verbs_op)i;
		return 0;
	case OPT_QP:
		i = parse_name(arg, qps, 3);
		if (i < 0)
			return bad("qp", arg, "rc, uc or ud");
		cfg->qp_type = qp_types[i];
		return 0;
	case OPT_INLINE:
		if (parse_uint(arg, 0, 65536, &v))
			return bad("inline", arg, "bytes from 0 to 65536");
		cfg->inline_bytes = (int)v;
		return 0;
	case OPT_MTU:
		if (parse_mtu(arg, &cfg->mtu))
			return bad("mtu", arg, "256, 512, 1024, 2048 or 4096");
		return 0;
	case OPT_TX_DEPTH:
		if (parse_uint(arg, 1, 65536, &v))
			return bad("tx-depth", arg, "entries from 1 to 65536");
		cfg->tx_depth = (unsigned)v;
		return 0;
	case OPT_POLL:
		i = parse_name(arg, polls, 2);
		if (i < 0)
			return bad("poll", arg, "busy or event");
		cfg->poll = (enum verbs_poll)i;
		return 0;
	case OPT_BIND:
		cfg->bind_addr = arg;
		return 0;
	}
	return 1;
}

/* Combinations the hardware cannot do. */
static int verbs_cfg_check(const struct verbs_cfg *cfg)
{
	if (cfg->qp_type == IBV_QPT_UD && cfg->op != VERBS_OP_SEND) {
		bench_err("--qp ud can only --op send (UD has no RDMA)");
		return -EINVAL;
	}
	if (cfg->qp_type == IBV_QPT_UC && cfg->op == VERBS_OP_READ) {
		bench_err("--qp uc cannot --op read (only RC has RDMA read)");
		return -EINVAL;
	}
	return 0;
}

/* The shared getopt table followed by ours and the extension's. */
static struct option *longopts_build(const struct verbs_options_ext *ext)
{
	size_t n = bench_opts_longopts_count(), n_ext = ext ? ext->n : 0;
	struct option *all = calloc(n + VERBS_NOPTS + n_ext + 1, sizeof(*all));

	if (!all)
		return NULL;
	memcpy(all, bench_opts_longopts(), n * sizeof(*all));
	memcpy(all + n, verbs_longopts, sizeof(verbs_longopts));
	if (n_ext)
		memcpy(all + n + VERBS_NOPTS, ext->longopts,
		       n_ext * sizeof(*all));
	return all;
}

static void verbs_cfg_defaults(struct verbs_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->gid_index = -1;
	cfg->op = VERBS_OP_SEND;
	cfg->qp_type = IBV_QPT_RC;
	cfg->inline_bytes = -1;
	cfg->tx_depth = VERBS_TX_DEPTH_DEFAULT;
	cfg->port = VERBS_PORT_DEFAULT;
}

int verbs_options_parse(int argc, char **argv, struct verbs_cfg *cfg,
			struct bench_opts *o)
{
	return verbs_options_parse_ext(argc, argv, NULL, cfg, o);
}

int verbs_options_parse_ext(int argc, char **argv,
			    const struct verbs_options_ext *ext,
			    struct verbs_cfg *cfg, struct bench_opts *o)
{
	struct option *longopts = longopts_build(ext);
	int opt, ret = 0;

	if (!longopts)
		return -ENOMEM;
	verbs_cfg_defaults(cfg);
	bench_opts_init(o, argc, argv);
	o->print_all_ranks = true;
	while (!ret && (opt = getopt_long(argc, argv, "d:i:x:p:h", longopts,
					  NULL)) != -1) {
		if (opt == 'h' || opt == OPT_HELP) {
			if (ext)
				ext->usage(stdout);
			else
				verbs_usage(stdout);
			ret = 1;
		} else if (opt == '?') {
			ret = -EINVAL; /* getopt printed the reason */
		} else {
			ret = bench_opts_handle(o, opt, optarg);
			if (ret == 1)
				ret = verbs_opt_handle(cfg, opt, optarg);
			if (ret == 1 && ext)
				ret = ext->handle(ext->arg, opt, optarg);
		}
	}
	free(longopts);
	if (ret)
		return ret;
	if (optind + 1 < argc) {
		bench_err("one HOST at most, got '%s' and '%s'", argv[optind],
			  argv[optind + 1]);
		return -EINVAL;
	}
	cfg->peer_host = optind < argc ? argv[optind] : NULL;
	ret = bench_opts_finish(o);
	if (!ret)
		ret = verbs_cfg_check(cfg);
	cfg->window = o->window;
	return ret;
}
