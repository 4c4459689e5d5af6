// SPDX-License-Identifier: BSD-2-Clause
/*
 * PD, completion channel, CQ, MR, and the QP with its state changes for
 * RC, UC and UD (after rdma-core's pp_init_ctx and pp_connect_ctx, once
 * for all three types instead of once per example).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "log.h"
#include "verbs.h"

#define VERBS_QKEY	0x11111111u
#define VERBS_RD_ATOMIC 16 /* outstanding RDMA reads, capped by the device */
#define VERBS_RX_BATCH	16 /* receives posted in one call */

static unsigned min_u(unsigned a, unsigned b)
{
	return a < b ? a : b;
}

/* Queue depths from the options, within what the device allows. */
static void res_depths(struct verbs_ctx *c)
{
	const struct ibv_device_attr *a = &c->dev.attr;
	unsigned max_wr = (unsigned)a->max_qp_wr, need;

	c->tx_depth = min_u(c->cfg->tx_depth, max_wr);
	/* a whole window, the next one and the acks fit (datapath.c); a
	 * stream's tx-depth in flight too; else --rx-depth (perftest's 512) */
	need = (2 * c->window > c->tx_depth ? 2 * c->window : c->tx_depth) +
	       2 * VERBS_RX_BATCH;
	c->rx_depth = min_u(c->cfg->rx_depth > need ? c->cfg->rx_depth : need,
			    max_wr);
	c->cq_depth =
		min_u(c->tx_depth + c->rx_depth + 16, (unsigned)a->max_cqe);
}

int verbs_res_open(struct verbs_ctx *c)
{
	struct ibv_context *ctx = c->dev.ctx;
	int ret;

	res_depths(c);
	c->pd = ibv_alloc_pd(ctx);
	if (!c->pd) {
		ret = errno ? -errno : -ENOMEM;
		bench_err("ibv_alloc_pd: %s", strerror(-ret));
		return ret;
	}
	if (c->cfg->poll == VERBS_POLL_EVENT) {
		c->channel = ibv_create_comp_channel(ctx);
		if (!c->channel) {
			ret = errno ? -errno : -ENOMEM;
			bench_err("ibv_create_comp_channel: %s",
				  strerror(-ret));
			goto err_dealloc_pd;
		}
	}
	c->cq = ibv_create_cq(ctx, (int)c->cq_depth, NULL, c->channel, 0);
	if (!c->cq) {
		ret = errno ? -errno : -ENOMEM;
		bench_err("ibv_create_cq(%u entries): %s", c->cq_depth,
			  strerror(-ret));
		goto err_destroy_channel;
	}
	return 0;

err_destroy_channel:
	if (c->channel)
		ibv_destroy_comp_channel(c->channel);
	c->channel = NULL;
err_dealloc_pd:
	ibv_dealloc_pd(c->pd);
	c->pd = NULL;
	return ret;
}

void verbs_res_close(struct verbs_ctx *c)
{
	if (c->remote.ah)
		ibv_destroy_ah(c->remote.ah);
	c->remote.ah = NULL;
	if (c->qp)
		ibv_destroy_qp(c->qp);
	c->qp = NULL;
	c->qpx = NULL;
	if (c->mr)
		ibv_dereg_mr(c->mr);
	c->mr = NULL;
	free(c->buf);
	c->buf = NULL;
	if (c->cq) {
		ibv_ack_cq_events(c->cq, c->cq_events);
		ibv_destroy_cq(c->cq);
	}
	c->cq = NULL;
	if (c->channel)
		ibv_destroy_comp_channel(c->channel);
	c->channel = NULL;
	if (c->pd)
		ibv_dealloc_pd(c->pd);
	c->pd = NULL;
}

void verbs_qp_init_attr(const struct verbs_ctx *c,
			struct ibv_qp_init_attr *attr)
{
	memset(attr, 0, sizeof(*attr));
	attr->send_cq = c->cq;
	attr->recv_cq = c->cq;
	attr->qp_type = c->cfg->qp_type;
	attr->cap.max_send_wr = c->tx_depth;
	attr->cap.max_recv_wr = c->rx_depth;
	attr->cap.max_send_sge = 1;
	attr->cap.max_recv_sge = 1;
	attr->cap.max_inline_data =
		c->cfg->inline_bytes >= 0 ? (uint32_t)c->cfg->inline_bytes : 0;
	attr->sq_sig_all = 0;
}

/* The ibv_wr_* operations a QP type is created with (--post-api wr). */
static uint64_t qp_send_ops(enum ibv_qp_type t)
{
	uint64_t ops = IBV_QP_EX_WITH_SEND | IBV_QP_EX_WITH_SEND_WITH_IMM;

	if (t != IBV_QPT_UD)
		ops |= IBV_QP_EX_WITH_RDMA_WRITE |
		       IBV_QP_EX_WITH_RDMA_WRITE_WITH_IMM;
	if (t == IBV_QPT_RC)
		ops |= IBV_QP_EX_WITH_RDMA_READ;
	return ops;
}

/*
 * One try: with --post-api wr, a QP that takes the ibv_wr_* API (as
 * perftest's); ibv_post_send's QP when the provider has no such API.
 */
static struct ibv_qp *qp_try(struct verbs_ctx *c, struct ibv_qp_init_attr *attr,
			     bool ex)
{
	struct ibv_qp_init_attr_ex ax;
	struct ibv_qp *qp;

	if (!ex)
		return ibv_create_qp(c->pd, attr);
	ax = (struct ibv_qp_init_attr_ex){
		.qp_context = attr->qp_context,
		.send_cq = attr->send_cq,
		.recv_cq = attr->recv_cq,
		.cap = attr->cap,
		.qp_type = attr->qp_type,
		.sq_sig_all = attr->sq_sig_all,
		.comp_mask =
			IBV_QP_INIT_ATTR_PD | IBV_QP_INIT_ATTR_SEND_OPS_FLAGS,
		.pd = c->pd,
		.send_ops_flags = qp_send_ops(attr->qp_type),
	};
	qp = ibv_create_qp_ex(c->dev.ctx, &ax);
	if (qp)
		c->qpx = ibv_qp_to_qp_ex(qp);
	return qp;
}

/*
 * With the default --inline the QP gets the most the device accepts: no
 * device attribute says how much, so ask for less until creation works;
 * with --post-api wr the ibv_wr_* QP first, then ibv_post_send's.
 */
int verbs_qp_create(struct verbs_ctx *c)
{
	static const uint32_t tries[] = { 1024, 512, 256, 128, 64, 0 };
	struct ibv_qp_init_attr attr;
	struct ibv_qp_attr qa;
	size_t i, n = c->cfg->inline_bytes >= 0 ? 1 : sizeof(tries) / 4;
	int ex, ret = 0;

	verbs_qp_init_attr(c, &attr);
	c->qpx = NULL;
	for (ex = c->cfg->post_api == VERBS_POST_WR; ex >= 0 && !c->qp; ex--) {
		for (i = 0; i < n && !c->qp; i++) {
			if (c->cfg->inline_bytes < 0)
				attr.cap.max_inline_data = tries[i];
			c->qp = qp_try(c, &attr, ex);
			ret = errno;
		}
	}
	if (!c->qp) {
		ret = ret ? -ret : -ENOMEM;
		bench_err("ibv_create_qp(%s, %u send, %u receive entries, "
			  "inline %u): %s",
			  verbs_qp_name(attr.qp_type), c->tx_depth, c->rx_depth,
			  attr.cap.max_inline_data, strerror(-ret));
		return ret;
	}
	/* what the QP really got (drivers round up) */
	ret = ibv_query_qp(c->qp, &qa, IBV_QP_CAP, &attr);
	c->max_inline = ret ? attr.cap.max_inline_data : qa.cap.max_inline_data;
	return 0;
}

static int qp_modify(struct verbs_ctx *c, struct ibv_qp_attr *attr, int mask,
		     const char *state)
{
	int ret = ibv_modify_qp(c->qp, attr, mask);

	if (ret) {
		bench_err("ibv_modify_qp(QP 0x%x to %s): %s", c->qp->qp_num,
			  state, strerror(ret));
		return -ret;
	}
	return 0;
}

int verbs_qp_to_init(struct verbs_ctx *c)
{
	struct ibv_qp_attr attr = {
		.qp_state = IBV_QPS_INIT,
		.pkey_index = 0,
		.port_num = c->dev.port,
	};
	int mask = IBV_QP_STATE | IBV_QP_PKEY_INDEX | IBV_QP_PORT;

	switch (c->cfg->qp_type) {
	case IBV_QPT_UD:
		attr.qkey = VERBS_QKEY;
		mask |= IBV_QP_QKEY;
		break;
	case IBV_QPT_UC:
		attr.qp_access_flags = IBV_ACCESS_REMOTE_WRITE;
		mask |= IBV_QP_ACCESS_FLAGS;
		break;
	default:
		attr.qp_access_flags =
			IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_REMOTE_READ;
		mask |= IBV_QP_ACCESS_FLAGS;
		break;
	}
	return qp_modify(c, &attr, mask, "INIT");
}

static void ah_attr_fill(const struct verbs_ctx *c,
			 const struct verbs_conn_info *peer,
			 struct ibv_ah_attr *ah)
{
	memset(ah, 0, sizeof(*ah));
	ah->dlid = peer->lid;
	ah->port_num = c->dev.port;
	if (c->dev.gid_index < 0)
		return;
	ah->is_global = 1;
	ah->grh.hop_limit = 64;
	ah->grh.sgid_index = (uint8_t)c->dev.gid_index;
	memcpy(ah->grh.dgid.raw, peer->gid, 16);
}

/* Both ends use the smaller of their MTUs (the options agree already). */
static enum ibv_mtu path_mtu(const struct verbs_ctx *c,
			     const struct verbs_conn_info *peer)
{
	enum ibv_mtu mine =
		c->cfg->mtu ? c->cfg->mtu : c->dev.port_attr.active_mtu;

	return peer->mtu < mine ? (enum ibv_mtu)peer->mtu : mine;
}

int verbs_qp_to_rtr(struct verbs_ctx *c, const struct verbs_conn_info *peer)
{
	struct ibv_qp_attr attr = { .qp_state = IBV_QPS_RTR };
	int mask = IBV_QP_STATE;

	c->path_mtu = path_mtu(c, peer);
	if (c->cfg->qp_type != IBV_QPT_UD) {
		attr.path_mtu = c->path_mtu;
		attr.dest_qp_num = peer->qpn;
		attr.rq_psn = peer->psn;
		ah_attr_fill(c, peer, &attr.ah_attr);
		mask |= IBV_QP_AV | IBV_QP_PATH_MTU | IBV_QP_DEST_QPN |
			IBV_QP_RQ_PSN;
	}
	if (c->cfg->qp_type == IBV_QPT_RC) {
		attr.max_dest_rd_atomic = (uint8_t)min_u(
			VERBS_RD_ATOMIC, (unsigned)c->dev.attr.max_qp_rd_atom);
		attr.min_rnr_timer = 12;
		mask |= IBV_QP_MAX_DEST_RD_ATOMIC | IBV_QP_MIN_RNR_TIMER;
	}
	return qp_modify(c, &attr, mask, "RTR");
}

int verbs_qp_to_rts(struct verbs_ctx *c, uint32_t psn)
{
	struct ibv_qp_attr attr = { .qp_state = IBV_QPS_RTS, .sq_psn = psn };
	int mask = IBV_QP_STATE | IBV_QP_SQ_PSN;

	if (c->cfg->qp_type == IBV_QPT_RC) {
		attr.timeout = 14; /* 4.096 us * 2^14 = 67 ms per try */
		attr.retry_cnt = 7;
		attr.rnr_retry = 7;
		attr.max_rd_atomic = (uint8_t)min_u(
			VERBS_RD_ATOMIC, (unsigned)c->dev.attr.max_qp_rd_atom);
		mask |= IBV_QP_TIMEOUT | IBV_QP_RETRY_CNT | IBV_QP_RNR_RETRY |
			IBV_QP_MAX_QP_RD_ATOMIC;
	}
	return qp_modify(c, &attr, mask, "RTS");
}

int verbs_ah_create(struct verbs_ctx *c, const struct verbs_conn_info *peer)
{
	struct ibv_ah_attr ah;
	int ret;

	ah_attr_fill(c, peer, &ah);
	c->remote.ah = ibv_create_ah(c->pd, &ah);
	if (!c->remote.ah) {
		ret = errno ? -errno : -EINVAL;
		bench_err("ibv_create_ah: %s", strerror(-ret));
		return ret;
	}
	c->remote.qpn = peer->qpn;
	c->remote.qkey = peer->qkey;
	return 0;
}

void verbs_conn_info_local(const struct verbs_ctx *c, uint32_t psn,
			   struct verbs_conn_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	ci->qpn = c->qp->qp_num;
	ci->psn = psn & 0xffffff;
	ci->qkey = VERBS_QKEY;
	ci->lid = c->dev.port_attr.lid;
	ci->mtu = (uint8_t)(c->cfg->mtu ? c->cfg->mtu
					: c->dev.port_attr.active_mtu);
	memcpy(ci->gid, c->dev.gid.raw, 16);
}

static void memlock_text(char *buf, size_t len)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_MEMLOCK, &rl))
		snprintf(buf, len, "unknown");
	else if (rl.rlim_cur == RLIM_INFINITY)
		snprintf(buf, len, "unlimited");
	else
		snprintf(buf, len, "%llu KiB",
			 (unsigned long long)rl.rlim_cur / 1024);
}

/*
 * One buffer for the run: a send area and a receive area, each large
 * enough for the largest message plus a UD GRH, registered once.
 */
int verbs_mr_open(struct verbs_ctx *c, size_t max_size)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t pg = page > 0 ? (size_t)page : 4096;
	char limit[32];
	int ret;

	c->max_size = max_size;
	c->area_bytes = (max_size + VERBS_GRH_BYTES + 64 + pg - 1) & ~(pg - 1);
	c->buf_bytes = 2 * c->area_bytes;
	ret = posix_memalign((void **)&c->buf, pg, c->buf_bytes);
	if (ret) {
		c->buf = NULL;
		bench_err("cannot allocate %zu bytes: %s", c->buf_bytes,
			  strerror(ret));
		return -ret;
	}
	memset(c->buf, 0, c->buf_bytes);
	c->tx = c->buf;
	c->rx = c->buf + c->area_bytes;
	c->mr = ibv_reg_mr(c->pd, c->buf, c->buf_bytes,
			   IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE |
				   IBV_ACCESS_REMOTE_READ);
	if (!c->mr) {
		ret = errno ? -errno : -ENOMEM;
		memlock_text(limit, sizeof(limit));
		if (ret == -ENOMEM || ret == -EPERM)
			bench_err("cannot register %zu bytes: memlock limit is "
				  "%s; raise it with ulimit -l unlimited",
				  c->buf_bytes, limit);
		else
			bench_err("ibv_reg_mr(%zu bytes): %s", c->buf_bytes,
				  strerror(-ret));
		goto err_free_buf;
	}
	return 0;

err_free_buf:
	free(c->buf);
	c->buf = NULL;
	return ret;
}

int verbs_rx_fill(struct verbs_ctx *c)
{
	struct ibv_recv_wr wr[VERBS_RX_BATCH], *bad;
	struct ibv_sge sge = {
		.addr = (uintptr_t)c->rx,
		.length = (uint32_t)c->area_bytes,
		.lkey = c->mr->lkey,
	};
	unsigned i, n;
	int ret;

	while (c->rx_posted - c->rx_done < c->rx_depth) {
		n = min_u(VERBS_RX_BATCH,
			  c->rx_depth - (unsigned)(c->rx_posted - c->rx_done));
		for (i = 0; i < n; i++) {
			wr[i] = (struct ibv_recv_wr){
				.wr_id = UINT64_MAX,
				.next = i + 1 < n ? &wr[i + 1] : NULL,
				.sg_list = &sge,
				.num_sge = 1,
			};
		}
		ret = ibv_post_recv(c->qp, wr, &bad);
		if (ret) {
			bench_err("ibv_post_recv(QP 0x%x): %s", c->qp->qp_num,
				  strerror(ret));
			return -ret;
		}
		c->rx_posted += n;
	}
	return 0;
}
