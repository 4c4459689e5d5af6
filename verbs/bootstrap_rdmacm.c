// SPDX-License-Identifier: BSD-2-Clause
/*
 * The rdma_cm bootstrap: the client (rank 0) resolves the server's address
 * and route and connects one small RC QP, the control connection, to the
 * server (rank 1), which listens on the port, accepts one client and stops
 * listening. The REQ and REP carry the versioned header of rdmacm.h and
 * nothing else: the control connection is RC whatever the options, and
 * the options are agreed over it afterwards by the run driver, as every
 * engine's (bench/run.h). A server whose header version differs rejects
 * the connection with a reject whose private data says so.
 *
 * exchange() and barrier() are then sends and receives on the control QP:
 * both ends post a message of the same length (at most CTL_MSG bytes;
 * longer exchanges go in CTL_MSG pieces, in step) and wait for their send
 * and the peer's message. Receives are posted ahead in CTL_RX slots, so
 * sends never wait for the peer (RNR retry covers the rest). Every wait
 * sleeps in poll() on both the CQ's completion channel and the rdma_cm
 * event channel, bounded by the timeout: a DISCONNECTED event ends it at
 * once with "the peer disconnected".
 *
 * A peer may run one step ahead (its next message arrives before our send
 * completes), never two: each end sends piece k+1 only after it has both
 * pieces k. One early message is kept aside (the stash).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "rdmacm.h"

#define CTL_MSG	    4096 /* bytes of one control message */
#define CTL_RX	    4	 /* receive slots */
#define CTL_DEPTH   8	 /* work requests of each queue */
#define CTL_SEND    UINT64_MAX
#define BS_RETRY_MS 100 /* between connection attempts */

struct cm_bs {
	struct rdmacm_ep ep; /* the control connection */
	struct ibv_mr *mr;
	uint8_t *buf; /* CTL_RX receive slots, then the send slot */
	int timeout_ms;
	bool peer_gone; /* DISCONNECTED seen */
	bool gone_said; /* and reported */
	int wc_err;	/* status of a failed completion, else 0 */
	bool stash;	/* an early message of the peer is in stash_slot */
	unsigned stash_slot;
	uint32_t stash_len;
	struct bench_bootstrap_cfg cfg; /* where the peer is */
};

static uint8_t *slot(struct cm_bs *p, unsigned i)
{
	return p->buf + (size_t)i * CTL_MSG;
}

static int bs_post_recv(struct cm_bs *p, unsigned i)
{
	struct ibv_sge sge = { .addr = (uintptr_t)slot(p, i),
			       .length = CTL_MSG,
			       .lkey = p->mr->lkey };
	struct ibv_recv_wr wr = { .wr_id = i, .sg_list = &sge, .num_sge = 1 };
	struct ibv_recv_wr *bad;
	int ret = ibv_post_recv(p->ep.id->qp, &wr, &bad);

	if (ret)
		bench_err("control QP: ibv_post_recv: %s", strerror(ret));
	return -ret;
}

/* Buffers, MR, QP (rdma_create_qp) and the receives. */
static int bs_resources(struct cm_bs *p)
{
	size_t bytes = (CTL_RX + 1) * CTL_MSG;
	unsigned i;
	int ret;

	ret = rdmacm_ep_qp(&p->ep, IBV_QPT_RC, CTL_DEPTH, true);
	if (ret)
		return ret;
	p->buf = calloc(1, bytes);
	if (!p->buf)
		return -ENOMEM;
	p->mr = ibv_reg_mr(p->ep.pd, p->buf, bytes, IBV_ACCESS_LOCAL_WRITE);
	if (!p->mr) {
		ret = errno ? -errno : -ENOMEM;
		bench_err("control QP: ibv_reg_mr: %s", strerror(-ret));
		return ret;
	}
	for (i = 0; i < CTL_RX; i++) {
		ret = bs_post_recv(p, i);
		if (ret)
			return ret;
	}
	return 0;
}

static int bs_client_try(struct cm_bs *p, const struct bench_bootstrap_cfg *cfg)
{
	uint8_t wire[RDMACM_HDR_BYTES];
	struct rdma_conn_param cp = { .private_data = wire,
				      .private_data_len = sizeof(wire),
				      .retry_count = 7,
				      .rnr_retry_count = 7 };
	struct rdma_cm_event *ev;
	uint64_t t0 = bench_mono_ns(), t1;
	struct rdmacm_hdr h;
	char why[128];
	int ret;

	p->ep.quiet_refused = true;
	ret = rdmacm_ep_resolve(&p->ep, cfg->peer_host, cfg->bind_addr,
				cfg->port, IBV_QPT_RC, p->timeout_ms);
	if (!ret)
		ret = bs_resources(p);
	if (ret)
		return ret;
	rdmacm_hdr_pack(RDMACM_KIND_CONTROL, sizeof(wire), 0, wire);
	t1 = bench_mono_ns();
	if (rdma_connect(p->ep.id, &cp)) {
		ret = -errno;
		bench_err("%s: rdma_connect: %s", p->ep.peer, strerror(-ret));
		return ret;
	}
	ret = rdmacm_ep_expect(&p->ep, RDMA_CM_EVENT_ESTABLISHED, p->timeout_ms,
			       "waiting for the server's reply", &ev);
	if (ret)
		return ret;
	p->ep.connected = true;
	ret = rdmacm_hdr_check(ev->param.conn.private_data,
			       ev->param.conn.private_data_len,
			       RDMACM_KIND_CONTROL, &h, why, sizeof(why));
	rdma_ack_cm_event(ev);
	if (ret) {
		bench_err("%s: not a compatible ibpong cm server: %s",
			  p->ep.peer, why);
		return -EPROTO;
	}
	p->ep.phase_ns[RDMACM_PHASE_CONN] = bench_mono_ns() - t1;
	p->ep.phase_ns[RDMACM_PHASE_TOTAL] = bench_mono_ns() - t0;
	return 0;
}

static void bs_close(struct cm_bs *p)
{
	if (p->mr)
		ibv_dereg_mr(p->mr);
	p->mr = NULL;
	rdmacm_ep_close(&p->ep);
	free(p->buf);
	p->buf = NULL;
}

/* Until the server listens (it may start after us), within the timeout. */
static int bs_client(struct cm_bs *p, const struct bench_bootstrap_cfg *cfg)
{
	uint64_t end = bench_mono_ns() + (uint64_t)p->timeout_ms * 1000000u;
	struct timespec pause = { .tv_nsec = BS_RETRY_MS * 1000000 };
	int ret;

	for (;;) {
		ret = bs_client_try(p, cfg);
		if (ret != -ECONNREFUSED || bench_mono_ns() >= end)
			break;
		bs_close(p);
		nanosleep(&pause, NULL);
	}
	if (ret == -ECONNREFUSED)
		bench_err("%s: nobody listened there within %d ms (start "
			  "`ibpong cm` without HOST on that machine, with the "
			  "same -p)",
			  p->ep.peer, p->timeout_ms);
	return ret;
}

/*
 * Once listening, one line like perftest's: bound to an address, rdma_cm
 * has chosen the device, port and GID; on every address the client's
 * route will.
 */
static void bs_waiting(const struct rdmacm_ep *listen,
		       const struct bench_bootstrap_cfg *cfg)
{
	const struct rdma_cm_id *id = listen->id;
	char note[192];

	if (id->verbs)
		verbs_dev_note(
			ibv_get_device_name(id->verbs->device), id->port_num,
			(const union ibv_gid *)&id->route.addr.addr.ibaddr.sgid,
			0, note, sizeof(note));
	else
		snprintf(note, sizeof(note),
			 "every address: the client's route picks the device");
	bench_note("waiting for a client on port %u (%s)", cfg->port, note);
}

static int bs_server(struct cm_bs *p, const struct bench_bootstrap_cfg *cfg)
{
	uint8_t pdata[RDMACM_HDR_BYTES], wire[RDMACM_HDR_BYTES];
	struct rdma_conn_param cp = { .private_data = wire,
				      .private_data_len = sizeof(wire),
				      .rnr_retry_count = 7 };
	struct rdmacm_ep listen = { 0 };
	struct rdma_conn_param req;
	int ret;

	ret = rdmacm_ep_listen(&listen, cfg->bind_addr, cfg->port, IBV_QPT_RC);
	if (!ret)
		bs_waiting(&listen, cfg);
	if (!ret)
		ret = rdmacm_ep_request(&listen, RDMACM_KIND_CONTROL,
					p->timeout_ms, &p->ep, pdata,
					sizeof(pdata), &req);
	if (!ret)
		ret = bs_resources(p);
	if (ret)
		goto out_close_listen;
	rdmacm_hdr_pack(RDMACM_KIND_CONTROL, sizeof(wire), 0, wire);
	ret = rdmacm_ep_accept(&p->ep, &cp, p->timeout_ms);
out_close_listen:
	rdmacm_ep_close(&listen);
	return ret;
}

static int cm_bs_setup(struct bench_bootstrap *bs,
		       const struct bench_bootstrap_cfg *cfg)
{
	struct cm_bs *p = bs->priv;

	/* only the cm engine's command opens it (its config as opaque) */
	if (!cfg->opaque)
		return -ENOTSUP;
	p->timeout_ms =
		cfg->timeout_s > 0 ? (int)(cfg->timeout_s * 1000) : 30000;
	p->cfg = *cfg;
	p->cfg.opaque = NULL;
	bs->size = 2;
	bs->rank = cfg->peer_host ? 0 : 1;
	return bs->rank == 0 ? bs_client(p, cfg) : bs_server(p, cfg);
}

/* An rdma_cm event on the control connection while waiting. */
static int bs_cm_event(struct cm_bs *p)
{
	struct rdma_cm_event *ev;
	enum rdma_cm_event_type type;

	if (rdma_get_cm_event(p->ep.ch, &ev))
		return 0;
	type = ev->event;
	rdma_ack_cm_event(ev);
	if (type != RDMA_CM_EVENT_DISCONNECTED &&
	    type != RDMA_CM_EVENT_DEVICE_REMOVAL)
		return 0;
	p->peer_gone = true;
	p->ep.connected = false;
	return -ECONNRESET;
}

/* Sleep until a completion or a CM event, at most left_ms. */
static int bs_sleep(struct cm_bs *p, int left_ms)
{
	struct pollfd pfd[2] = { { .fd = p->ep.cc->fd, .events = POLLIN },
				 { .fd = p->ep.ch->fd, .events = POLLIN } };
	struct ibv_cq *cq;
	void *ctx;
	int ret;

	ret = poll(pfd, 2, left_ms > 0 ? left_ms : 0);
	if (ret < 0)
		return errno == EINTR ? 0 : -errno;
	if (ret == 0)
		return -ETIMEDOUT;
	if (pfd[1].revents) {
		ret = bs_cm_event(p);
		if (ret)
			return ret;
	}
	if (pfd[0].revents && !ibv_get_cq_event(p->ep.cc, &cq, &ctx))
		ibv_ack_cq_events(cq, 1);
	return 0;
}

/* A receive: the one awaited (copied to out), or an early one (stashed). */
static int bs_on_recv(struct cm_bs *p, const struct ibv_wc *wc, void *out,
		      size_t len, bool *got)
{
	unsigned i = (unsigned)wc->wr_id;

	if (*got) {
		p->stash = true;
		p->stash_slot = i;
		p->stash_len = wc->byte_len;
		return 0;
	}
	if (wc->byte_len != len) {
		bench_err("control QP: the peer sent %u bytes where %zu were "
			  "expected: are both ends the same ibpong?",
			  wc->byte_len, len);
		return -EPROTO;
	}
	memcpy(out, slot(p, i), len);
	*got = true;
	return bs_post_recv(p, i);
}

static int bs_poll(struct cm_bs *p, void *out, size_t len, bool *sent,
		   bool *got)
{
	struct ibv_wc wc[4];
	int i, n, ret = 0;

	n = ibv_poll_cq(p->ep.cq, 4, wc);
	if (n < 0) {
		bench_err("control QP: ibv_poll_cq failed");
		return -EIO;
	}
	/* every completion, the failed ones last: a receive polled with a
	 * flushed send still counts */
	for (i = 0; i < n && !ret; i++) {
		if (wc[i].status != IBV_WC_SUCCESS) {
			if (!p->wc_err)
				p->wc_err = wc[i].status;
			p->peer_gone = true;
		} else if (wc[i].wr_id == CTL_SEND) {
			*sent = true;
		} else {
			ret = bs_on_recv(p, &wc[i], out, len, got);
		}
	}
	if (!ret && p->peer_gone)
		ret = -ECONNRESET;
	return ret ? ret : n;
}

/*
 * The peer left. Its message may be in the CQ behind the event (a peer
 * that read ours and exits on a parameter mismatch leaves at once): with
 * it in hand the exchange is complete on this end, and the caller acts on
 * what the peer sent; without it, it failed.
 */
static int bs_gone(struct cm_bs *p, void *out, size_t len, bool *sent,
		   bool *got, int ret)
{
	if (ret != -ECONNRESET)
		return ret;
	for (int i = 0; i < CTL_DEPTH && !*got; i++)
		(void)bs_poll(p, out, len, sent, got);
	return *got ? 0 : ret;
}

/* Wait for our send and the peer's message of len bytes. */
static int bs_wait(struct cm_bs *p, void *out, size_t len)
{
	uint64_t end = bench_mono_ns() + (uint64_t)p->timeout_ms * 1000000u;
	bool sent = false, got = false, armed = false;
	struct ibv_wc wc = { 0 };
	int ret;

	if (p->stash) {
		p->stash = false;
		wc.wr_id = p->stash_slot;
		wc.byte_len = p->stash_len;
		ret = bs_on_recv(p, &wc, out, len, &got);
		if (ret)
			return ret;
	}
	while (!sent || !got) {
		ret = bs_poll(p, out, len, &sent, &got);
		if (ret < 0)
			return bs_gone(p, out, len, &sent, &got, ret);
		if (ret > 0 || (sent && got))
			continue;
		if (!armed) {
			armed = !ibv_req_notify_cq(p->ep.cq, 0);
			continue; /* poll once more after arming */
		}
		armed = false;
		ret = bs_sleep(
			p, (int)(((int64_t)(end - bench_mono_ns())) / 1000000));
		if (ret)
			return bs_gone(p, out, len, &sent, &got, ret);
	}
	return 0;
}

static int bs_send(struct cm_bs *p, const void *data, size_t len)
{
	uint8_t *s = slot(p, CTL_RX);
	struct ibv_sge sge = { .addr = (uintptr_t)s,
			       .length = (uint32_t)len,
			       .lkey = p->mr->lkey };
	struct ibv_send_wr wr = { .wr_id = CTL_SEND,
				  .sg_list = &sge,
				  .num_sge = 1,
				  .opcode = IBV_WR_SEND,
				  .send_flags = IBV_SEND_SIGNALED };
	struct ibv_send_wr *bad;
	int ret;

	memcpy(s, data, len);
	ret = ibv_post_send(p->ep.id->qp, &wr, &bad);
	if (ret)
		bench_err("control QP: ibv_post_send: %s", strerror(ret));
	return -ret;
}

static int bs_failed(struct cm_bs *p, int ret)
{
	if (ret == -ECONNRESET && !p->gone_said && p->wc_err) {
		bench_err("%s: control QP: %s: the peer disconnected or "
			  "stopped",
			  p->ep.peer,
			  ibv_wc_status_str((enum ibv_wc_status)p->wc_err));
		p->gone_said = true;
	} else if (ret == -ECONNRESET && !p->gone_said) {
		bench_err("%s: the peer disconnected (control connection)",
			  p->ep.peer);
		p->gone_said = true;
	} else if (ret == -ETIMEDOUT) {
		bench_err("%s: no message from the peer within %d ms on the "
			  "control connection (raise --timeout)",
			  p->ep.peer, p->timeout_ms);
	}
	return ret;
}

static int cm_bs_swap(struct bench_bootstrap *bs, const uint8_t *mine,
		      uint8_t *peer, size_t len)
{
	struct cm_bs *p = bs->priv;
	size_t off = 0, n;
	int ret;

	do {
		n = len - off < CTL_MSG ? len - off : CTL_MSG;
		ret = bs_send(p, mine + off, n);
		if (!ret)
			ret = bs_wait(p, peer + off, n);
		if (ret)
			return bs_failed(p, ret);
		off += n;
	} while (off < len);
	return 0;
}

static int cm_bs_exchange(struct bench_bootstrap *bs, const void *mine,
			  void *all, size_t len)
{
	uint8_t *out = all;

	memmove(out + (size_t)bs->rank * len, mine, len);
	return cm_bs_swap(bs, out + (size_t)bs->rank * len,
			  out + (size_t)(1 - bs->rank) * len, len);
}

static int cm_bs_barrier(struct bench_bootstrap *bs)
{
	uint8_t mine = 0xba, peer;

	return cm_bs_swap(bs, &mine, &peer, 1);
}

static void cm_bs_cleanup(struct bench_bootstrap *bs)
{
	struct cm_bs *p = bs->priv;

	if (p)
		bs_close(p);
}

const struct bench_bootstrap_cfg *
rdmacm_bootstrap_cfg(struct bench_bootstrap *bs)
{
	struct cm_bs *p = bs->priv;

	return &p->cfg;
}

struct rdma_cm_id *rdmacm_bootstrap_id(struct bench_bootstrap *bs)
{
	struct cm_bs *p = bs->priv;

	return p->ep.id;
}

const uint64_t *rdmacm_bootstrap_phases(struct bench_bootstrap *bs)
{
	struct cm_bs *p = bs->priv;

	return p->ep.phase_ns;
}

int rdmacm_bootstrap_peer_gone(struct bench_bootstrap *bs)
{
	struct cm_bs *p = bs->priv;
	struct pollfd pfd = { .events = POLLIN };

	if (!p || !p->ep.ch)
		return 0;
	pfd.fd = p->ep.ch->fd;
	/* the DREQ of a killed peer comes at once; give it a moment */
	while (!p->peer_gone && poll(&pfd, 1, 200) > 0)
		bs_cm_event(p);
	if (p->peer_gone && !p->gone_said) {
		bench_err("%s: the peer disconnected (RDMA_CM_EVENT_"
			  "DISCONNECTED on the control connection)",
			  p->ep.peer);
		p->gone_said = true;
	}
	return p->peer_gone;
}

const struct bench_bootstrap_ops rdmacm_bootstrap_ops = {
	.name = "rdma_cm",
	.priv_size = sizeof(struct cm_bs),
	.setup = cm_bs_setup,
	.barrier = cm_bs_barrier,
	.exchange = cm_bs_exchange,
	.cleanup = cm_bs_cleanup,
};
