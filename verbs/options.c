// SPDX-License-Identifier: BSD-2-Clause
/*
 * The options of the verbs engine (its descriptor, verbs_engine_desc):
 * the same in `ibpong verbs`, in `ibpong cm` (less what rdma_cm decides)
 * and in an ibpong-mpi sweep with --transport verbs.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
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
	OPT_RX_DEPTH,
	OPT_POLL,
	OPT_BW_METHOD,
	OPT_POST_API,
};

/* Which device, port and GID: what rdma_cm decides from the route. */
const struct bench_opt verbs_dev_opts[] = {
	{ "device", 'd', "NAME",
	  "RDMA device (default: the first with an active port)", 'd' },
	{ "ib-dev", 0, "NAME", NULL, 'd' }, /* the sweep's old name */
	{ "ib-port", 'i', "N", "port (default: the first active)", 'i' },
	{ "gid-index", 'x', "N",
	  "GID index (default on Ethernet: RoCE v2 IPv4-mapped;\n"
	  "InfiniBand uses the LID)",
	  'x' },
	BENCH_OPT_END,
};

/* How the QP moves data: the same for every connection method. */
const struct bench_opt verbs_qp_opts[] = {
	{ "op", 0, "send|write|read|write-imm",
	  "operation (default send). latency: send and write\n"
	  "report half the round trip, read the round trip;\n"
	  "write polls the last byte, but 0-byte writes and\n"
	  "--poll event use write with immediate",
	  OPT_OP },
	{ "qp", 0, "rc|uc|ud",
	  "QP type (default rc); uc: no read; ud: send only,\n"
	  "sizes up to the path MTU",
	  OPT_QP },
	{ "inline", 0, "N",
	  "inline sends up to N bytes (default as perftest:\n"
	  "latency 220 B write, 236 B RC/UC send, 188 B UD\n"
	  "send, 0 read; bandwidth 0)",
	  OPT_INLINE },
	{ "bw-method", 0, "stream|window",
	  "bw, bibw: perftest's stream (up to tx-depth\n"
	  "outstanding, no ack; bibw sums both sides' own\n"
	  "rates), or a window then an ack (osu_bw). Default\n"
	  "stream; window for send and write-imm on uc, ud\n"
	  "(they drop what finds no receive)",
	  OPT_BW_METHOD },
	{ "mtu", 0, "256|512|1024|2048|4096",
	  "path MTU (default: the port's active MTU)", OPT_MTU },
	{ "tx-depth", 0, "N",
	  "send queue entries (default 128); one send in\n"
	  "tx-depth/2 is signalled",
	  OPT_TX_DEPTH },
	{ "rx-depth", 0, "N",
	  "receive queue entries (default 512, perftest's);\n"
	  "raised to tx-depth + 32 and two windows + 32",
	  OPT_RX_DEPTH },
	{ "poll", 0, "busy|event",
	  "spin on the CQ or sleep on its channel (default busy)", OPT_POLL },
	{ "post-api", 0, "wr|post-send",
	  "post send WRs with ibv_wr_* as perftest does\n"
	  "(default wr; ibv_post_send where the provider has\n"
	  "no ibv_wr_*), or always ibv_post_send (as\n"
	  "perftest's use_old_post_send)",
	  OPT_POST_API },
	BENCH_OPT_END,
};

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

const char *verbs_bw_method_name(enum verbs_bw_method m)
{
	return m == VERBS_BW_WINDOW   ? "window"
	       : m == VERBS_BW_STREAM ? "stream"
				      : "default";
}

const char *verbs_poll_name(enum verbs_poll p)
{
	return p == VERBS_POLL_EVENT ? "event" : "busy";
}

const char *verbs_post_api_name(const struct verbs_ctx *c)
{
	return c->qpx ? "ibv_wr" : "ibv_post_send";
}

static int bad(const char *opt, const char *arg, const char *expected)
{
	return bench_opts_bad(opt, arg, expected);
}

static int parse_uint(const char *arg, long min, long max, long *out)
{
	return bench_parse_int(arg, min, max, out);
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

int verbs_cfg_opt(struct verbs_cfg *cfg, int opt, const char *arg)
{
	static const char *const qps[] = { "rc", "uc", "ud" };
	static const char *const polls[] = { "busy", "event" };
	static const char *const posts[] = { "wr", "post-send" };
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
	case OPT_BW_METHOD:
		if (!strcmp(arg, "stream"))
			cfg->bw_method = VERBS_BW_STREAM;
		else if (!strcmp(arg, "window"))
			cfg->bw_method = VERBS_BW_WINDOW;
		else
			return bad("bw-method", arg, "stream or window");
		return 0;
	case OPT_TX_DEPTH:
		if (parse_uint(arg, 1, 65536, &v))
			return bad("tx-depth", arg, "entries from 1 to 65536");
		cfg->tx_depth = (unsigned)v;
		return 0;
	case OPT_RX_DEPTH:
		if (parse_uint(arg, 1, 65536, &v))
			return bad("rx-depth", arg, "entries from 1 to 65536");
		cfg->rx_depth = (unsigned)v;
		return 0;
	case OPT_POLL:
		i = parse_name(arg, polls, 2);
		if (i < 0)
			return bad("poll", arg, "busy or event");
		cfg->poll = (enum verbs_poll)i;
		return 0;
	case OPT_POST_API:
		i = parse_name(arg, posts, 2);
		if (i < 0)
			return bad("post-api", arg, "wr or post-send");
		cfg->post_api = (enum verbs_post_api)i;
		return 0;
	}
	return -EINVAL;
}

/*
 * The default bandwidth method: perftest's stream, except where each
 * message needs a receive on a QP that drops what finds none (UC, UD):
 * there a sender that never waits overruns the receiver and the lost
 * messages leave it waiting, so the window and its ack stay.
 */
static void verbs_bw_method_resolve(struct verbs_cfg *cfg)
{
	bool consumes =
		cfg->op == VERBS_OP_SEND || cfg->op == VERBS_OP_WRITE_IMM;

	if (cfg->bw_method != VERBS_BW_DEFAULT)
		return;
	cfg->bw_method = consumes && cfg->qp_type != IBV_QPT_RC
				 ? VERBS_BW_WINDOW
				 : VERBS_BW_STREAM;
}

/* What IMB's layout cannot say. */
static int verbs_imb_check(const struct verbs_cfg *cfg,
			   const struct bench_opts *o)
{
	bool bw = o->test == BENCH_TEST_BW || o->test == BENCH_TEST_BIBW;

	if (o->format != BENCH_FORMAT_IMB)
		return 0;
	if (!bw && cfg->op == VERBS_OP_READ) {
		bench_err("--format imb: IMB has no round-trip latency, and "
			  "--op read reports one; use --format table or csv");
		return -EINVAL;
	}
	if (bw && cfg->bw_method == VERBS_BW_STREAM) {
		bench_err("--format imb --test %s: IMB acknowledges windows "
			  "of 256 messages; perftest's stream has none: add "
			  "--bw-method window --window 256, or use --format "
			  "table or csv",
			  bench_test_name(o->test));
		return -EINVAL;
	}
	return 0;
}

/* Combinations the hardware cannot do. */
int verbs_cfg_check(struct verbs_cfg *cfg, const struct bench_opts *o)
{
	verbs_bw_method_resolve(cfg);
	if (verbs_imb_check(cfg, o))
		return -EINVAL;
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

void verbs_cfg_init(struct verbs_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->gid_index = -1;
	cfg->op = VERBS_OP_SEND;
	cfg->qp_type = IBV_QPT_RC;
	cfg->inline_bytes = -1;
	cfg->tx_depth = VERBS_TX_DEPTH_DEFAULT;
	cfg->rx_depth = VERBS_RX_DEPTH_DEFAULT;
	/* the testing hook of struct verbs_cfg, from the environment */
	cfg->corrupt_payload = getenv("IBPONG_VERBS_CORRUPT") != NULL;
}

static void desc_cfg_init(void *cfg)
{
	verbs_cfg_init(cfg);
}

static int desc_opt(void *cfg, int id, const char *arg)
{
	return verbs_cfg_opt(cfg, id, arg);
}

static int desc_finish(void *cfg, const struct bench_opts *o)
{
	return verbs_cfg_check(cfg, o);
}

/*
 * The fields both ends must share, agreed by the run driver (bench/run.h)
 * with the core's; the device, port and GID are each end's own.
 */
static uint64_t param_op(const void *cfg)
{
	return ((const struct verbs_cfg *)cfg)->op;
}

static void param_op_text(uint64_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%s", verbs_op_name((enum verbs_op)v));
}

static uint64_t param_qp(const void *cfg)
{
	return ((const struct verbs_cfg *)cfg)->qp_type;
}

static void param_qp_text(uint64_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%s", verbs_qp_name((enum ibv_qp_type)v));
}

static uint64_t param_mtu(const void *cfg)
{
	return ((const struct verbs_cfg *)cfg)->mtu;
}

static void param_mtu_text(uint64_t v, char *buf, size_t len)
{
	if (v)
		snprintf(buf, len, "%u", verbs_mtu_bytes((enum ibv_mtu)v));
	else
		snprintf(buf, len, "the active MTU (none given)");
}

static uint64_t param_inline(const void *cfg)
{
	return (uint64_t)(int64_t)((const struct verbs_cfg *)cfg)->inline_bytes;
}

static void param_inline_text(uint64_t v, char *buf, size_t len)
{
	if ((int64_t)v < 0)
		snprintf(buf, len, "the default (none given)");
	else
		snprintf(buf, len, "%" PRIu64, v);
}

static uint64_t param_tx_depth(const void *cfg)
{
	return ((const struct verbs_cfg *)cfg)->tx_depth;
}

static uint64_t param_rx_depth(const void *cfg)
{
	return ((const struct verbs_cfg *)cfg)->rx_depth;
}

static uint64_t param_bw_method(const void *cfg)
{
	return ((const struct verbs_cfg *)cfg)->bw_method;
}

static void param_bw_method_text(uint64_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%s", verbs_bw_method_name((enum verbs_bw_method)v));
}

/* event makes 0-byte writes write-imm: both ends must know */
static uint64_t param_poll(const void *cfg)
{
	return ((const struct verbs_cfg *)cfg)->poll;
}

static void param_poll_text(uint64_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%s", verbs_poll_name((enum verbs_poll)v));
}

const struct bench_param verbs_params[] = {
	{ "--op", param_op, param_op_text },
	{ "--qp", param_qp, param_qp_text },
	{ "--mtu", param_mtu, param_mtu_text },
	{ "--inline", param_inline, param_inline_text },
	{ "--tx-depth", param_tx_depth, NULL },
	{ "--rx-depth", param_rx_depth, NULL },
	{ "--bw-method", param_bw_method, param_bw_method_text },
	{ "--poll", param_poll, param_poll_text },
	BENCH_PARAM_END,
};

static const struct bench_param *const verbs_param_tables[] = {
	verbs_params,
	NULL,
};

static const struct bench_opt *const verbs_opt_tables[] = {
	verbs_dev_opts,
	verbs_qp_opts,
	NULL,
};

static const struct bench_bootstrap_ops *const verbs_bootstraps[] = {
	&bench_bootstrap_tcp_ops,
	NULL,
};

const struct bench_engine_desc verbs_engine_desc = {
	.name = "verbs",
	.ops = &verbs_engine_ops,
	.flags = BENCH_ENGINE_TWO_RANKS | BENCH_ENGINE_ANY_BOOTSTRAP,
	.cfg_size = sizeof(struct verbs_cfg),
	.opts_title = "Verbs options",
	.opts = verbs_opt_tables,
	.params = verbs_param_tables,
	.bootstraps = verbs_bootstraps,
	.cfg_init = desc_cfg_init,
	.opt_handle = desc_opt,
	.cfg_finish = desc_finish,
	.preflight = verbs_dev_preflight,
};
