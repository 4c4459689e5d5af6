// SPDX-License-Identifier: BSD-2-Clause
/*
 * The verbs hot loops (datapath.h has the counters' scheme).
 *
 * Each loop is a static inline function whose role (ping, pong, window
 * sender...) and poll mode are compile-time constants of small wrapper
 * functions: the choice is made once per step, never per iteration. The
 * timed loop reads the clock once per iteration: the end of one iteration
 * is the start of the next.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include "datapath.h"
#include "log.h"

#define DP_INLINE     static inline __attribute__((always_inline))
#define DP_WC_BATCH   16
#define DP_SPIN_CHECK 1023 /* read the clock once every 1024 empty polls */

/* Wait state: the clock is first read after DP_SPIN_CHECK empty polls. */
struct dp_wait {
	uint64_t spins;
	uint64_t start;
};

static int dp_timeout(struct verbs_ctx *c)
{
	bench_err("nothing from the peer within %d ms on QP 0x%x: it stopped, "
		  "or the link is down (raise --timeout for slow links)",
		  c->timeout_ms, c->qp->qp_num);
	return -ETIMEDOUT;
}

static int dp_wc_failed(struct verbs_ctx *c, const struct ibv_wc *wc)
{
	bench_err("completion error on QP 0x%x: %s (vendor error 0x%x)%s",
		  c->qp->qp_num, ibv_wc_status_str(wc->status), wc->vendor_err,
		  wc->status == IBV_WC_RETRY_EXC_ERR ||
				  wc->status == IBV_WC_RNR_RETRY_EXC_ERR
			  ? ": the peer stopped responding"
			  : "");
	return -EIO;
}

static int dp_poll_failed(struct verbs_ctx *c, int n)
{
	bench_err("ibv_poll_cq on QP 0x%x: %s", c->qp->qp_num,
		  strerror(n < 0 ? -n : EIO));
	return -EIO;
}

static int dp_post_failed(struct verbs_ctx *c, int ret)
{
	bench_err("ibv_post_send(QP 0x%x): %s", c->qp->qp_num, strerror(ret));
	return -ret;
}

/*
 * --poll event: arm the CQ and poll once more before sleeping, so that a
 * completion that came before the arming is not waited for (the rdma-core
 * idiom). A stale event left by an arming that was not slept on only
 * causes one extra wake-up.
 */
static int dp_sleep(struct verbs_ctx *c, struct dp_wait *w)
{
	struct pollfd pfd = { .fd = c->channel->fd, .events = POLLIN };
	struct ibv_cq *ev_cq;
	void *ev_ctx;
	int ret;

	if (!w->spins) {
		w->spins = 1;
		ret = ibv_req_notify_cq(c->cq, 0);
		if (ret) {
			bench_err("ibv_req_notify_cq: %s", strerror(ret));
			return -ret;
		}
		return 0;
	}
	w->spins = 0;
	do {
		ret = poll(&pfd, 1, c->timeout_ms);
	} while (ret < 0 && errno == EINTR);
	if (ret == 0)
		return dp_timeout(c);
	if (ret < 0 || ibv_get_cq_event(c->channel, &ev_cq, &ev_ctx)) {
		ret = errno;
		bench_err("waiting for a completion event: %s", strerror(ret));
		return -ret;
	}
	c->cq_events++;
	return 0;
}

/* Nothing polled: 0 to poll again, or a negative errno. */
DP_INLINE int dp_idle(struct verbs_ctx *c, struct dp_wait *w, const bool event)
{
	uint64_t now;

	if (event)
		return dp_sleep(c, w);
	if ((++w->spins & DP_SPIN_CHECK) != 0)
		return 0;
	now = bench_clock_now(c->clock);
	if (w->spins == DP_SPIN_CHECK + 1)
		w->start = now;
	else if (now - w->start > c->timeout_ticks)
		return dp_timeout(c);
	return 0;
}

/* Poll once: count completions; 0 if none, n, or a negative errno. */
DP_INLINE int dp_poll(struct verbs_ctx *c)
{
	struct ibv_wc wc[DP_WC_BATCH];
	int i, n;

	n = ibv_poll_cq(c->cq, DP_WC_BATCH, wc);
	if (n <= 0)
		return n < 0 ? dp_poll_failed(c, n) : 0;
	for (i = 0; i < n; i++) {
		if (wc[i].status != IBV_WC_SUCCESS)
			return dp_wc_failed(c, &wc[i]);
		if (wc[i].opcode & IBV_WC_RECV)
			c->rx_done++;
		else
			c->sq_done = wc[i].wr_id + 1;
	}
	if (c->rx_batch &&
	    c->rx_posted - c->rx_done + c->rx_batch <= c->rx_depth)
		return verbs_rx_fill(c) ?: n;
	return n;
}

/*
 * Latency (rx_batch 0): the receive that completed is reposted after the
 * next send is posted, off the critical path; the queue still holds
 * rx_depth - 1 receives.
 */
DP_INLINE int dp_repost(struct verbs_ctx *c)
{
	if (c->rx_posted - c->rx_done < c->rx_depth)
		return verbs_rx_fill(c);
	return 0;
}

/* Poll until *count reaches target (counters only grow). */
DP_INLINE int dp_wait(struct verbs_ctx *c, const uint64_t *count,
		      uint64_t target, const bool event)
{
	struct dp_wait w = { 0 };
	int n;

	while (*count < target) {
		n = dp_poll(c);
		if (n < 0)
			return n;
		if (n == 0) {
			n = dp_idle(c, &w, event);
			if (n)
				return n;
		}
	}
	return 0;
}

/* Busy-wait for the peer's write to set the last byte to v. */
DP_INLINE int dp_wait_flag(struct verbs_ctx *c, volatile uint8_t *flag,
			   uint8_t v)
{
	struct dp_wait w = { 0 };
	int ret;

	while (*flag != v) {
		ret = dp_idle(c, &w, false);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The WR through the ibv_wr_* API (perftest's default): the provider
 * writes the WQE directly instead of translating an ibv_send_wr.
 */
DP_INLINE int dp_post_wr(struct verbs_ctx *c, const struct ibv_send_wr *wr)
{
	struct ibv_qp_ex *q = c->qpx;

	ibv_wr_start(q);
	q->wr_id = wr->wr_id;
	q->wr_flags = wr->send_flags;
	switch (wr->opcode) {
	case IBV_WR_RDMA_WRITE:
		ibv_wr_rdma_write(q, wr->wr.rdma.rkey, wr->wr.rdma.remote_addr);
		break;
	case IBV_WR_RDMA_WRITE_WITH_IMM:
		ibv_wr_rdma_write_imm(q, wr->wr.rdma.rkey,
				      wr->wr.rdma.remote_addr, wr->imm_data);
		break;
	case IBV_WR_RDMA_READ:
		ibv_wr_rdma_read(q, wr->wr.rdma.rkey, wr->wr.rdma.remote_addr);
		break;
	default: /* IBV_WR_SEND: the only other opcode built */
		ibv_wr_send(q);
		break;
	}
	if (c->cfg->qp_type == IBV_QPT_UD)
		ibv_wr_set_ud_addr(q, wr->wr.ud.ah, wr->wr.ud.remote_qpn,
				   wr->wr.ud.remote_qkey);
	if (!wr->num_sge)
		ibv_wr_set_sge_list(q, 0, NULL);
	else if (wr->send_flags & IBV_SEND_INLINE)
		ibv_wr_set_inline_data(q, (void *)(uintptr_t)wr->sg_list->addr,
				       wr->sg_list->length);
	else
		ibv_wr_set_sge(q, wr->sg_list->lkey, wr->sg_list->addr,
			       wr->sg_list->length);
	return ibv_wr_complete(q);
}

/* Post one WR when the send queue has room; signal every (mask+1)-th. */
DP_INLINE int dp_post(struct verbs_ctx *c, struct dp_wr *d, const bool force,
		      const bool event)
{
	struct ibv_send_wr *bad;
	int ret;

	if (c->sq_posted - c->sq_done >= c->tx_depth) {
		ret = dp_wait(c, &c->sq_done, c->sq_posted - c->tx_depth + 1,
			      event);
		if (ret)
			return ret;
	}
	d->wr.wr_id = c->sq_posted;
	d->wr.send_flags = d->flags;
	if (force || (c->sq_posted & c->sig_mask) == c->sig_mask)
		d->wr.send_flags |= IBV_SEND_SIGNALED;
	ret = c->qpx ? dp_post_wr(c, &d->wr)
		     : ibv_post_send(c->qp, &d->wr, &bad);
	if (ret)
		return dp_post_failed(c, ret);
	c->sq_posted++;
	return 0;
}

/* Post a window; its last WR notifies the peer. */
DP_INLINE int dp_window(struct verbs_ctx *c, struct dp_step *s,
			const bool event)
{
	unsigned j;
	int ret;

	for (j = 1; j < s->window; j++) {
		ret = dp_post(c, &s->data, false, event);
		if (ret)
			return ret;
	}
	return dp_post(c, &s->last, false, event);
}

/* Wait for the peer's window, then acknowledge it. */
DP_INLINE int dp_window_ack(struct verbs_ctx *c, struct dp_step *s,
			    const bool event)
{
	int ret;

	s->rx_target += s->notify;
	ret = dp_wait(c, &c->rx_done, s->rx_target, event);
	if (ret)
		return ret;
	return dp_post(c, &s->ack, false, event);
}

/*
 * One iteration (latency) or one window (bandwidth) of a role; last is
 * set on the last of a run (a stream signals its last WR). Latency
 * signals every WR, as perftest's *_lat do.
 */
DP_INLINE int dp_iter(struct verbs_ctx *c, struct dp_step *s,
		      const enum dp_role role, const bool event,
		      const bool last)
{
	unsigned j;
	int ret = 0;

	switch (role) {
	case DP_MSG_PING:
		ret = dp_post(c, &s->data, true, event);
		if (!ret)
			ret = dp_repost(c);
		if (!ret)
			ret = dp_wait(c, &c->rx_done, ++s->rx_target, event);
		break;
	case DP_MSG_PONG:
		ret = dp_wait(c, &c->rx_done, ++s->rx_target, event);
		if (!ret)
			ret = dp_post(c, &s->data, true, event);
		if (!ret)
			ret = dp_repost(c);
		break;
	case DP_WRITE_PING:
		s->v = (uint8_t)(s->v + 1 + (s->v == 255)); /* never 0 */
		*s->tx_flag = s->v;
		ret = dp_post(c, &s->data, true, false);
		if (!ret)
			ret = dp_wait_flag(c, s->flag, s->v);
		break;
	case DP_WRITE_PONG:
		s->v = (uint8_t)(s->v + 1 + (s->v == 255));
		ret = dp_wait_flag(c, s->flag, s->v);
		*s->tx_flag = s->v;
		if (!ret)
			ret = dp_post(c, &s->data, true, false);
		break;
	case DP_STREAM_BI:
		s->rx_target += s->window; /* counted at the end */
		__attribute__((fallthrough));
	case DP_STREAM_SEND:
	case DP_STREAM_READ:
		for (j = 1; j < s->window && !ret; j++)
			ret = dp_post(c, &s->data, false, event);
		if (!ret)
			ret = dp_post(c, &s->data, last, event);
		break;
	case DP_STREAM_RECV:
		s->rx_target += s->window;
		ret = dp_wait(c, &c->rx_done, s->rx_target, event);
		break;
	case DP_READ:
		ret = dp_post(c, &s->data, true, event);
		if (!ret)
			ret = dp_wait(c, &c->sq_done, c->sq_posted, event);
		break;
	case DP_WIN_SEND:
		ret = dp_window(c, s, event);
		if (!ret)
			ret = dp_wait(c, &c->rx_done, ++s->rx_target, event);
		break;
	case DP_WIN_RECV:
		ret = dp_window_ack(c, s, event);
		break;
	case DP_WIN_BI:
		ret = dp_window(c, s, event);
		if (!ret)
			ret = dp_window_ack(c, s, event);
		if (!ret)
			ret = dp_wait(c, &c->rx_done, ++s->rx_target, event);
		break;
	case DP_WIN_READ:
		for (j = 1; j < s->window && !ret; j++)
			ret = dp_post(c, &s->data, false, event);
		if (!ret)
			ret = dp_post(c, &s->data, true, event);
		if (!ret)
			ret = dp_wait(c, &c->sq_done, c->sq_posted, event);
		break;
	case DP_IDLE:
	case DP_ROLE_NR:
		break;
	}
	return ret;
}

/* A stream's end: its last (signalled) WR done, the peer's all in. */
DP_INLINE int dp_drain(struct verbs_ctx *c, struct dp_step *s,
		       const enum dp_role role, const bool event)
{
	int ret = 0;

	switch (role) {
	case DP_STREAM_BI:
		ret = dp_wait(c, &c->sq_done, c->sq_posted, event);
		if (!ret)
			ret = dp_wait(c, &c->rx_done, s->rx_target, event);
		break;
	case DP_STREAM_SEND:
	case DP_STREAM_READ:
		ret = dp_wait(c, &c->sq_done, c->sq_posted, event);
		break;
	default:
		break;
	}
	return ret;
}

/*
 * Warm-up (a stream drained after it), then the timed iterations, each
 * recorded; a stream's last sample includes its drain, so that the
 * samples add up to first post .. last completion. Every rank times its
 * whole loop (out->loop_ticks: IMB's t, perftest -b's sum).
 */
DP_INLINE int dp_loop(struct verbs_ctx *c, struct dp_step *s,
		      const struct bench_step *st, struct bench_samples *out,
		      const enum dp_role role, const bool event)
{
	const struct bench_clock *clk = c->clock;
	uint64_t i, t0, t1, start;
	int ret;

	for (i = 0; i < st->warmup; i++) {
		ret = dp_iter(c, s, role, event, i + 1 == st->warmup);
		if (ret)
			return ret;
	}
	ret = st->warmup ? dp_drain(c, s, role, event) : 0;
	if (ret)
		return ret;
	t0 = start = bench_clock_now(clk);
	for (i = 0; i < st->iters; i++) {
		ret = dp_iter(c, s, role, event, i + 1 == st->iters);
		if (!ret && i + 1 == st->iters)
			ret = dp_drain(c, s, role, event);
		if (ret)
			return ret;
		t1 = bench_clock_now(clk);
		bench_samples_record(out, t1 - t0);
		t0 = t1;
	}
	out->loop_ticks = t0 - start;
	return 0;
}

#define DP_VARIANT(role)                                                       \
	static int dp_##role##_busy(struct verbs_ctx *c, struct dp_step *s,    \
				    const struct bench_step *st,               \
				    struct bench_samples *out)                 \
	{                                                                      \
		return dp_loop(c, s, st, out, role, false);                    \
	}                                                                      \
	static int dp_##role##_event(struct verbs_ctx *c, struct dp_step *s,   \
				     const struct bench_step *st,              \
				     struct bench_samples *out)                \
	{                                                                      \
		return dp_loop(c, s, st, out, role, true);                     \
	}

DP_VARIANT(DP_MSG_PING)
DP_VARIANT(DP_MSG_PONG)
DP_VARIANT(DP_WRITE_PING)
DP_VARIANT(DP_WRITE_PONG)
DP_VARIANT(DP_READ)
DP_VARIANT(DP_WIN_SEND)
DP_VARIANT(DP_WIN_RECV)
DP_VARIANT(DP_WIN_BI)
DP_VARIANT(DP_WIN_READ)
DP_VARIANT(DP_STREAM_SEND)
DP_VARIANT(DP_STREAM_RECV)
DP_VARIANT(DP_STREAM_BI)
DP_VARIANT(DP_STREAM_READ)
DP_VARIANT(DP_IDLE)

#define DP_ENTRY(role) [role] = { dp_##role##_busy, dp_##role##_event }

const dp_loop_fn verbs_dp_loops[DP_ROLE_NR][2] = {
	DP_ENTRY(DP_MSG_PING),	  DP_ENTRY(DP_MSG_PONG),
	DP_ENTRY(DP_WRITE_PING),  DP_ENTRY(DP_WRITE_PONG),
	DP_ENTRY(DP_READ),	  DP_ENTRY(DP_WIN_SEND),
	DP_ENTRY(DP_WIN_RECV),	  DP_ENTRY(DP_WIN_BI),
	DP_ENTRY(DP_WIN_READ),	  DP_ENTRY(DP_STREAM_SEND),
	DP_ENTRY(DP_STREAM_RECV), DP_ENTRY(DP_STREAM_BI),
	DP_ENTRY(DP_STREAM_READ), DP_ENTRY(DP_IDLE),
};
