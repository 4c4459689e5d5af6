// SPDX-License-Identifier: BSD-2-Clause
/*
 * The verbs engine's set-up around the hot loops (datapath_loops.c): the
 * plan of each step, validation, and the engine operations.
 *
 * Latency semantics, as perftest's: send and write-with-immediate complete
 * a receive at the peer; RDMA write polls the last byte of the receive
 * buffer (ib_write_lat), except at 0 bytes or with --poll event, where
 * there is no byte to poll or nothing to wake up on, so it becomes a write
 * with immediate; RDMA read is timed on the reader alone and reported as
 * the round trip (ib_read_lat).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "datapath.h"
#include "wire.h"
#include "log.h"

#define DP_MR_WIRE 20

/* Fill a WR of the given opcode for size bytes. */
static void dp_wr_build(struct verbs_ctx *c, struct dp_wr *d,
			enum ibv_wr_opcode opcode, size_t size)
{
	memset(d, 0, sizeof(*d));
	d->sge.addr = (uintptr_t)(opcode == IBV_WR_RDMA_READ ? c->rx : c->tx);
	d->sge.length = (uint32_t)size;
	d->sge.lkey = c->mr->lkey;
	d->wr.sg_list = &d->sge;
	d->wr.num_sge = size ? 1 : 0;
	d->wr.opcode = opcode;
	d->wr.imm_data = htonl(0x1b90u);
	if (opcode != IBV_WR_RDMA_READ && size && size <= c->inline_now)
		d->flags = IBV_SEND_INLINE;
	if (c->cfg->qp_type == IBV_QPT_UD) {
		d->wr.wr.ud.ah = c->remote.ah;
		d->wr.wr.ud.remote_qpn = c->remote.qpn;
		d->wr.wr.ud.remote_qkey = c->remote.qkey;
	} else {
		d->wr.wr.rdma.remote_addr = opcode == IBV_WR_RDMA_READ
						    ? c->remote.tx_addr
						    : c->remote.rx_addr;
		d->wr.wr.rdma.rkey = c->remote.rkey;
	}
}

static const enum ibv_wr_opcode dp_opcodes[VERBS_OP_NR] = {
	[VERBS_OP_SEND] = IBV_WR_SEND,
	[VERBS_OP_WRITE] = IBV_WR_RDMA_WRITE,
	[VERBS_OP_READ] = IBV_WR_RDMA_READ,
	[VERBS_OP_WRITE_IMM] = IBV_WR_RDMA_WRITE_WITH_IMM,
};

/* Write ping-pong polls memory unless there is no byte or it must sleep. */
static bool dp_write_polls(const struct verbs_ctx *c, size_t size)
{
	return c->cfg->op == VERBS_OP_WRITE && size &&
	       c->cfg->poll == VERBS_POLL_BUSY;
}

static enum dp_role dp_lat_role(const struct verbs_ctx *c, size_t size)
{
	bool ping = c->rank == 0;

	if (c->cfg->op == VERBS_OP_READ)
		return ping ? DP_READ : DP_IDLE;
	if (dp_write_polls(c, size))
		return ping ? DP_WRITE_PING : DP_WRITE_PONG;
	return ping ? DP_MSG_PING : DP_MSG_PONG;
}

/*
 * perftest's inline defaults: latency up to 220 B for RDMA write, 236 B
 * for an RC or UC send, 188 B for UD (its DEF_INLINE_*), none for read
 * and for bandwidth; --inline N for every test; at most what the QP took.
 */
static unsigned dp_inline_for(const struct verbs_ctx *c, enum bench_test t)
{
	const struct verbs_cfg *cfg = c->cfg;
	unsigned lim;

	if (cfg->inline_bytes >= 0)
		lim = (unsigned)cfg->inline_bytes;
	else if (t == BENCH_TEST_BW || t == BENCH_TEST_BIBW ||
		 cfg->op == VERBS_OP_READ)
		lim = 0;
	else if (cfg->op == VERBS_OP_WRITE || cfg->op == VERBS_OP_WRITE_IMM)
		lim = 220;
	else
		lim = cfg->qp_type == IBV_QPT_UD ? 188 : 236;
	return lim < c->max_inline ? lim : c->max_inline;
}

/* perftest's streams, without any acknowledgment. */
static enum dp_role dp_stream_role(const struct verbs_ctx *c, enum bench_test t)
{
	bool consumes =
		c->cfg->op == VERBS_OP_SEND || c->cfg->op == VERBS_OP_WRITE_IMM;

	if (c->cfg->op == VERBS_OP_READ)
		return c->rank == 0 || t == BENCH_TEST_BIBW ? DP_STREAM_READ
							    : DP_IDLE;
	if (t == BENCH_TEST_BIBW)
		return consumes ? DP_STREAM_BI : DP_STREAM_SEND;
	if (c->rank == 0)
		return DP_STREAM_SEND;
	return consumes ? DP_STREAM_RECV : DP_IDLE;
}

static enum dp_role dp_bw_role(const struct verbs_ctx *c, enum bench_test t)
{
	if (c->cfg->bw_method == VERBS_BW_STREAM)
		return dp_stream_role(c, t);
	if (c->cfg->op == VERBS_OP_READ)
		return c->rank == 0 || t == BENCH_TEST_BIBW ? DP_WIN_READ
							    : DP_IDLE;
	if (t == BENCH_TEST_BIBW)
		return DP_WIN_BI;
	return c->rank == 0 ? DP_WIN_SEND : DP_WIN_RECV;
}

static void dp_step_build(struct verbs_ctx *c, const struct bench_step *st,
			  enum dp_role role, struct dp_step *s)
{
	enum ibv_wr_opcode op = dp_opcodes[c->cfg->op];
	size_t size = st->size_bytes;

	memset(s, 0, sizeof(*s));
	c->inline_now = dp_inline_for(c, st->test);
	/* latency: each receive reposted after the reply is posted */
	c->rx_batch = st->test == BENCH_TEST_BW || st->test == BENCH_TEST_BIBW
			      ? DP_RX_BATCH
			      : 0;
	if (role == DP_MSG_PING || role == DP_MSG_PONG) {
		if (op == IBV_WR_RDMA_WRITE)
			op = IBV_WR_RDMA_WRITE_WITH_IMM;
	}
	dp_wr_build(c, &s->data, op, size);
	/* the last WR of a write window carries the immediate */
	dp_wr_build(c, &s->last,
		    op == IBV_WR_RDMA_WRITE ? IBV_WR_RDMA_WRITE_WITH_IMM : op,
		    size);
	dp_wr_build(c, &s->ack, IBV_WR_SEND, 0);
	s->window = st->window;
	s->notify = op == IBV_WR_RDMA_WRITE ? 1 : st->window;
	s->rx_target = c->rx_done;
	s->flag = size ? c->rx + size - 1 : c->rx;
	s->tx_flag = size ? c->tx + size - 1 : c->tx;
}

/* The validation pattern of one rank for one size. */
static uint8_t dp_pattern(size_t i, size_t size, int rank)
{
	return (uint8_t)(i * 31 + size * 7 + (size_t)rank * 101 + 1);
}

/* Does this end receive the peer's payload in this step? */
static bool dp_receives_data(const struct verbs_ctx *c, enum bench_test t)
{
	bool both = t != BENCH_TEST_BW;

	if (c->cfg->op == VERBS_OP_READ)
		return c->rank == 0 || t == BENCH_TEST_BIBW;
	return both || c->rank == 1;
}

static int dp_validate(struct verbs_ctx *c, const struct bench_step *st,
		       enum dp_role role)
{
	size_t i, n = st->size_bytes;
	const uint8_t *got = c->rx;
	int peer = 1 - c->rank;

	if (!dp_receives_data(c, st->test))
		return 0;
	if (c->cfg->qp_type == IBV_QPT_UD && c->cfg->op != VERBS_OP_READ)
		got += VERBS_GRH_BYTES;
	if (role == DP_WRITE_PING || role == DP_WRITE_PONG)
		n--; /* the last byte carries the ping-pong counter */
	for (i = 0; i < n; i++) {
		if (got[i] == dp_pattern(i, st->size_bytes, peer))
			continue;
		bench_err("payload check failed at %zu bytes: byte %zu is "
			  "0x%02x, expected 0x%02x",
			  st->size_bytes, i, got[i],
			  dp_pattern(i, st->size_bytes, peer));
		return -EIO;
	}
	return 0;
}

/*
 * Before a step: clear the receive area (write ping-pong polls it) and
 * fill the send area for --validate, then a barrier so that no peer
 * writes or reads an area being prepared.
 */
static int dp_step_prologue(struct bench_engine *eng,
			    const struct bench_step *st)
{
	struct verbs_ctx *c = eng->priv;
	size_t i, n = st->size_bytes;
	int ret;

	if (n > c->max_size) {
		bench_err("%zu bytes is more than the %zu prepared", n,
			  c->max_size);
		return -EINVAL;
	}
	memset(c->rx, 0, n + VERBS_GRH_BYTES);
	if (st->validate)
		for (i = 0; i < n; i++)
			c->tx[i] = dp_pattern(i, n, c->rank);
	if (st->validate && c->cfg->corrupt_payload && n > 1 &&
	    c->rank == (c->cfg->op == VERBS_OP_READ ? 1 : 0))
		c->tx[0] ^= 0xff;
	ret = bench_bootstrap_barrier(eng->bs);
	if (ret)
		bench_err("barrier before %zu bytes failed: %s", n,
			  strerror(-ret));
	return ret;
}

static int dp_run(struct bench_engine *eng, const struct bench_step *st,
		  struct bench_samples *out, enum dp_role role)
{
	struct verbs_ctx *c = eng->priv;
	bool event = c->cfg->poll == VERBS_POLL_EVENT;
	struct dp_step s;
	int ret;

	ret = dp_step_prologue(eng, st);
	if (ret)
		return ret;
	dp_step_build(c, st, role, &s);
	ret = verbs_dp_loops[role][event](c, &s, st, out);
	if (ret)
		return ret;
	/* a stream's writer may finish after the peer's loop: wait for it
	 * before looking at the data (both ends do the same steps) */
	if (st->validate && c->cfg->bw_method == VERBS_BW_STREAM &&
	    (st->test == BENCH_TEST_BW || st->test == BENCH_TEST_BIBW)) {
		ret = bench_bootstrap_barrier(eng->bs);
		if (ret) {
			bench_err("barrier after %zu bytes failed: %s",
				  st->size_bytes, strerror(-ret));
			return ret;
		}
	}
	return st->validate ? dp_validate(c, st, role) : 0;
}

static int verbs_run_lat(struct bench_engine *eng, const struct bench_step *st,
			 struct bench_samples *out)
{
	struct verbs_ctx *c = eng->priv;

	return dp_run(eng, st, out, dp_lat_role(c, st->size_bytes));
}

static int verbs_run_bw(struct bench_engine *eng, const struct bench_step *st,
			struct bench_samples *out)
{
	struct verbs_ctx *c = eng->priv;

	if (c->cfg->bw_method != VERBS_BW_STREAM &&
	    2 * (uint64_t)st->window + 2 > c->rx_depth) {
		bench_err("--window %u needs %u receive queue entries; the "
			  "device allows %u",
			  st->window, 2 * st->window + 2, c->rx_depth);
		return -EINVAL;
	}
	return dp_run(eng, st, out, dp_bw_role(c, st->test));
}

/* Engine set-up and tear-down */

static int verbs_init(struct bench_engine *eng)
{
	struct verbs_ctx *c = eng->priv;
	int ret;

	c->cfg = eng->cfg;
	c->conn = c->cfg->conn ? c->cfg->conn : &verbs_conn_bootstrap_ops;
	c->clock = eng->clock;
	c->window = eng->plan->window;
	c->timeout_ms = eng->timeout_ms > 0 ? eng->timeout_ms : 30000;
	c->timeout_ticks =
		(uint64_t)(c->timeout_ms * 1e6 / eng->clock->ns_per_tick);
	eng->lat_kind = c->cfg->op == VERBS_OP_READ ? BENCH_LAT_RTT
						    : BENCH_LAT_HALF_RTT;
	/* perftest -b: each side's stream, timed on each side, summed */
	eng->bibw_each_side = c->cfg->bw_method == VERBS_BW_STREAM;
	ret = c->conn->open(c, eng->bs);
	if (ret)
		return ret;
	return verbs_res_open(c);
}

static int verbs_connect(struct bench_engine *eng, struct bench_bootstrap *bs)
{
	struct verbs_ctx *c = eng->priv;
	unsigned sig;
	int ret;

	/* the options are agreed already, by the run driver (run.h) */
	c->rank = bs->rank;
	ret = c->conn->connect(c, bs);
	if (ret)
		return ret;
	if (c->cfg->inline_bytes >= 0 &&
	    (unsigned)c->cfg->inline_bytes < c->max_inline)
		c->max_inline = (unsigned)c->cfg->inline_bytes;
	/* signal every sig-th send, sig a power of two <= tx_depth / 2 */
	for (sig = 1; sig * 4 <= c->tx_depth; sig *= 2)
		;
	c->sig_mask = sig - 1;
	return 0;
}

static void mr_wire_pack(const struct verbs_ctx *c, uint8_t *w)
{
	bench_wire_put_be64(w, (uintptr_t)c->rx);
	bench_wire_put_be64(w + 8, (uintptr_t)c->tx);
	bench_wire_put_be32(w + 16, c->mr->rkey);
}

static void mr_wire_unpack(const uint8_t *w, struct verbs_remote *r)
{
	r->rx_addr = bench_wire_get_be64(w);
	r->tx_addr = bench_wire_get_be64(w + 8);
	r->rkey = bench_wire_get_be32(w + 16);
}

static int verbs_prepare(struct bench_engine *eng, size_t max_size_bytes)
{
	struct verbs_ctx *c = eng->priv;
	uint8_t wire[2][DP_MR_WIRE];
	unsigned mtu = verbs_mtu_bytes(c->path_mtu);
	int ret;

	if (c->cfg->qp_type == IBV_QPT_UD && max_size_bytes > mtu) {
		bench_err("--qp ud carries at most the path MTU, %u bytes, in "
			  "a message: use --sizes up to %u",
			  mtu, mtu);
		return -EMSGSIZE;
	}
	ret = verbs_mr_open(c, max_size_bytes);
	if (ret)
		return ret;
	mr_wire_pack(c, wire[c->rank]);
	ret = bench_bootstrap_exchange(eng->bs, wire[c->rank], wire,
				       DP_MR_WIRE);
	if (ret) {
		bench_err("exchange of buffer addresses failed: %s",
			  strerror(-ret));
		return ret;
	}
	mr_wire_unpack(wire[1 - c->rank], &c->remote);
	return verbs_rx_fill(c);
}

/* run.method, its detail and run.notes (doc/result-format.md). */
static int dp_describe_method(const struct bench_engine *eng, json_t *run)
{
	const struct verbs_ctx *c = eng->priv;
	enum bench_test t = eng->plan->test;
	bool bw = t == BENCH_TEST_BW || t == BENCH_TEST_BIBW;
	char detail[256];
	int ret = 0;

	if (bw && c->cfg->bw_method == VERBS_BW_STREAM)
		snprintf(detail, sizeof(detail),
			 "perftest's: up to %u WRs outstanding, one in %u "
			 "signalled, no acknowledgment, first post to last "
			 "completion%s; posted with %s",
			 c->tx_depth, (unsigned)c->sig_mask + 1,
			 t == BENCH_TEST_BIBW ? "; each side timed, summed"
					      : "",
			 verbs_post_api_name(c));
	else if (bw)
		snprintf(detail, sizeof(detail),
			 "osu_bw's: a window, then a 0-byte acknowledgment%s; "
			 "posted with %s",
			 t == BENCH_TEST_BIBW ? " both ways; twice rank 0's "
						"rate"
					      : "",
			 verbs_post_api_name(c));
	else
		snprintf(detail, sizeof(detail),
			 "perftest's: every WR signalled, inline up to %u "
			 "B, posted with %s%s",
			 dp_inline_for(c, t), verbs_post_api_name(c),
			 c->cfg->op == VERBS_OP_READ
				 ? ""
				 : "; each receive reposted after the reply "
				   "is posted");
	ret |= json_object_set_new(
		run, "method",
		json_string(!bw ? "ping-pong"
			    : c->cfg->bw_method == VERBS_BW_STREAM
				    ? "stream"
				    : "window-ack"));
	ret |= json_object_set_new(run, "method_detail", json_string(detail));
	if (!bw && c->cfg->op == VERBS_OP_WRITE)
		ret |= json_object_set_new(
			run, "notes",
			json_pack(
				"[s]",
				c->cfg->poll == VERBS_POLL_EVENT
					? "--op write latency is sent as RDMA "
					  "write with immediate (--poll "
					  "event needs a completion)"
					: "a 0-byte --op write is sent as RDMA "
					  "write with immediate (no byte to "
					  "poll)"));
	return ret ? -ENOMEM : 0;
}

static int verbs_describe(struct bench_engine *eng, json_t *run)
{
	struct verbs_ctx *c = eng->priv;
	const struct verbs_cfg *cfg = c->cfg;
	json_t *dev, *v;
	int ret;

	ret = verbs_dev_describe(&c->dev, &dev);
	if (ret)
		return ret;
	v = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:s, s:s}",
		      "op", verbs_op_name(cfg->op), "qp",
		      verbs_qp_name(cfg->qp_type), "post_api",
		      verbs_post_api_name(c), "bw_method",
		      verbs_bw_method_name(cfg->bw_method), "inline_bytes",
		      dp_inline_for(c, eng->plan->test), "mtu",
		      verbs_mtu_bytes(c->path_mtu), "tx_depth", c->tx_depth,
		      "rx_depth", c->rx_depth, "signal_every",
		      (int)c->sig_mask + 1, "poll", verbs_poll_name(cfg->poll),
		      "connection", c->conn->name);
	if (!v || json_object_set_new(run, "device", dev) ||
	    json_object_set_new(run, "verbs", v) ||
	    json_object_set_new(run, "transport",
				json_string(c->conn->transport
						    ? c->conn->transport
						    : "verbs"))) {
		if (!v)
			json_decref(dev);
		return -ENOMEM;
	}
	return dp_describe_method(eng, run);
}

static void verbs_cleanup(struct bench_engine *eng)
{
	struct verbs_ctx *c = eng->priv;

	if (!c)
		return;
	verbs_res_close(c);
	if (c->conn)
		c->conn->close(c);
}

const struct bench_engine_ops verbs_engine_ops = {
	.name = "verbs",
	.priv_size = sizeof(struct verbs_ctx),
	.caps = BENCH_CAP_LAT | BENCH_CAP_BW | BENCH_CAP_BIBW |
		BENCH_CAP_ZERO_BYTE,
	.init = verbs_init,
	.connect = verbs_connect,
	.prepare = verbs_prepare,
	.run_lat = verbs_run_lat,
	.run_bw = verbs_run_bw,
	.describe = verbs_describe,
	.cleanup = verbs_cleanup,
};
