// SPDX-License-Identifier: BSD-2-Clause
/*
 * The rdma_cm connection method of the verbs engine: the only part of
 * `ibpong cm` that differs from `ibpong verbs`. The device, port and GID
 * come from the IP route (the client's rdma_resolve_addr and
 * rdma_resolve_route; the server uses the device its control connection
 * came in on, and checks that the data connection arrives there too).
 *
 * The QP is the engine's (verbs_qp_create, on its PD and CQ), not bound
 * to the cm id: its number travels in rdma_conn_param.qp_num, and the QP
 * moves through its states here. RC takes the CM's attributes for RTR
 * and RTS (rdma_init_qp_attr: path, MTU, PSNs, timeouts), as librdmacm
 * does for a QP of its own, with the client's CONNECT_RESPONSE answered
 * by rdma_establish. UD goes through RDMA_PS_UDP: a SIDR request and
 * reply, whose private data carry each end's struct verbs_conn_info; the
 * QP and the address handle are then made by the same code as the
 * bootstrap method's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rdmacm.h"

struct cm_conn {
	struct rdmacm_ep ep;	  /* the data connection */
	struct rdmacm_ep listen;  /* server: until the client's request */
	struct verbs_cfg dev_cfg; /* the options, port and GID of the route */
	uint8_t rd;		  /* RDMA reads in flight, each way */
};

/* Port and GID index from the cm id; the device is the id's. */
static int cm_dev_use(struct verbs_ctx *c, struct rdma_cm_id *id)
{
	struct cm_conn *cc = c->conn_priv;
	unsigned rd;

	cc->dev_cfg = *c->cfg;
	cc->dev_cfg.ib_port = id->port_num;
	cc->dev_cfg.gid_index = rdmacm_gid_index(id);
	if (verbs_dev_use(&c->dev, id->verbs, &cc->dev_cfg))
		return -ENODEV;
	rd = (unsigned)c->dev.attr.max_qp_rd_atom;
	if ((unsigned)c->dev.attr.max_qp_init_rd_atom < rd)
		rd = (unsigned)c->dev.attr.max_qp_init_rd_atom;
	cc->rd = (uint8_t)(rd < 16 ? rd : 16);
	return 0;
}

static int cm_open(struct verbs_ctx *c, struct bench_bootstrap *bs)
{
	const struct verbs_cfg *cfg = c->cfg;
	const struct bench_bootstrap_cfg *peer;
	struct cm_conn *cc;
	int ret;

	if (!bs || bs->ops != &rdmacm_bootstrap_ops) {
		bench_err("the rdma_cm connection needs the rdma_cm bootstrap, "
			  "not %s",
			  bs ? bs->ops->name : "none");
		return -ENOTSUP;
	}
	peer = rdmacm_bootstrap_cfg(bs);
	cc = calloc(1, sizeof(*cc));
	if (!cc)
		return -ENOMEM;
	c->conn_priv = cc;
	if (peer->peer_host) {
		ret = rdmacm_ep_resolve(&cc->ep, peer->peer_host,
					peer->bind_addr, peer->port,
					cfg->qp_type, c->timeout_ms);
		return ret ? ret : cm_dev_use(c, cc->ep.id);
	}
	ret = rdmacm_ep_listen(&cc->listen, peer->bind_addr, peer->port,
			       cfg->qp_type);
	if (ret)
		return ret;
	return cm_dev_use(c, rdmacm_bootstrap_id(bs));
}

/* RTR or RTS with the CM's attributes (RC). */
static int cm_qp_modify(struct verbs_ctx *c, struct rdma_cm_id *id,
			enum ibv_qp_state state)
{
	struct cm_conn *cc = c->conn_priv;
	struct ibv_qp_attr attr = { .qp_state = state };
	int mask, ret;

	if (rdma_init_qp_attr(id, &attr, &mask)) {
		ret = -errno;
		if (rdmacm_ep_client_left(&cc->ep, "rdma_init_qp_attr"))
			return -ECONNRESET;
		bench_err("rdma_init_qp_attr(QP 0x%x): %s", c->qp->qp_num,
			  strerror(-ret));
		return ret;
	}
	if (state == IBV_QPS_RTR) {
		if (c->cfg->mtu && c->cfg->mtu < attr.path_mtu)
			attr.path_mtu = c->cfg->mtu;
		c->path_mtu = attr.path_mtu;
		attr.max_dest_rd_atomic = cc->rd;
	} else {
		attr.max_rd_atomic = cc->rd;
	}
	ret = ibv_modify_qp(c->qp, &attr, mask);
	if (ret && rdmacm_ep_client_left(&cc->ep, "ibv_modify_qp"))
		return -ECONNRESET;
	if (ret)
		bench_err("ibv_modify_qp(QP 0x%x to %s): %s", c->qp->qp_num,
			  state == IBV_QPS_RTR ? "RTR" : "RTS", strerror(ret));
	return -ret;
}

/* RTR and RTS: from the CM (RC) or from the peer's info (UD, its AH). */
static int cm_qp_ready(struct verbs_ctx *c, const struct verbs_conn_info *mine,
		       const struct verbs_conn_info *peer)
{
	struct cm_conn *cc = c->conn_priv;
	int ret;

	if (c->cfg->qp_type == IBV_QPT_RC) {
		ret = cm_qp_modify(c, cc->ep.id, IBV_QPS_RTR);
		return ret ? ret : cm_qp_modify(c, cc->ep.id, IBV_QPS_RTS);
	}
	if (!verbs_mtu_bytes((enum ibv_mtu)peer->mtu)) {
		bench_err("%s: the peer announced an invalid MTU code %u",
			  cc->ep.peer, peer->mtu);
		return -EPROTO;
	}
	ret = verbs_qp_to_rtr(c, peer);
	if (!ret)
		ret = verbs_qp_to_rts(c, mine->psn);
	return ret ? ret : verbs_ah_create(c, peer);
}

/* The server's reply: RC's CONNECT_RESPONSE, UD's ESTABLISHED (SIDR). */
static int cm_reply(struct cm_conn *cc, enum ibv_qp_type t, int timeout_ms,
		    struct verbs_conn_info *peer)
{
	enum rdma_cm_event_type want = t == IBV_QPT_UD
					       ? RDMA_CM_EVENT_ESTABLISHED
					       : RDMA_CM_EVENT_CONNECT_RESPONSE;
	struct rdma_cm_event *ev;
	const void *data;
	char why[128];
	size_t len;
	int ret;

	ret = rdmacm_ep_expect(&cc->ep, want, timeout_ms,
			       "waiting for the server's reply", &ev);
	if (ret)
		return ret;
	data = t == IBV_QPT_UD ? ev->param.ud.private_data
			       : ev->param.conn.private_data;
	len = t == IBV_QPT_UD ? ev->param.ud.private_data_len
			      : ev->param.conn.private_data_len;
	ret = rdmacm_data_unpack(data, len, peer, why, sizeof(why));
	rdma_ack_cm_event(ev);
	if (ret)
		bench_err("%s: bad reply to the data connection: %s",
			  cc->ep.peer, why);
	return ret ? -EPROTO : 0;
}

static int cm_connect_client(struct verbs_ctx *c, const uint8_t *wire,
			     const struct verbs_conn_info *mine)
{
	struct cm_conn *cc = c->conn_priv;
	struct rdma_conn_param cp = { .private_data = wire,
				      .private_data_len = RDMACM_DATA_BYTES,
				      .responder_resources = cc->rd,
				      .initiator_depth = cc->rd,
				      .retry_count = 7,
				      .rnr_retry_count = 7,
				      .qp_num = c->qp->qp_num };
	struct verbs_conn_info peer;
	int ret;

	if (rdma_connect(cc->ep.id, &cp)) {
		ret = -errno;
		bench_err("%s: rdma_connect: %s", cc->ep.peer, strerror(-ret));
		return ret;
	}
	ret = cm_reply(cc, c->cfg->qp_type, c->timeout_ms, &peer);
	if (!ret)
		ret = cm_qp_ready(c, mine, &peer);
	if (ret || c->cfg->qp_type == IBV_QPT_UD)
		return ret;
	if (rdma_establish(cc->ep.id)) {
		ret = -errno;
		bench_err("%s: rdma_establish: %s", cc->ep.peer,
			  strerror(-ret));
		return ret;
	}
	cc->ep.connected = true;
	return 0;
}

/* The data connection must use the device the server measured on. */
static int cm_same_device(struct verbs_ctx *c, struct cm_conn *cc)
{
	if (cc->ep.id->verbs == c->dev.ctx &&
	    cc->ep.id->port_num == c->dev.port)
		return 0;
	bench_err("%s: the data connection came in on %s port %u, the "
		  "control connection on %s port %u: give --bind",
		  cc->ep.peer, ibv_get_device_name(cc->ep.id->verbs->device),
		  cc->ep.id->port_num, ibv_get_device_name(c->dev.ctx->device),
		  c->dev.port);
	return -ENODEV;
}

static int cm_accept(struct verbs_ctx *c, const uint8_t *wire,
		     const struct verbs_conn_info *mine)
{
	struct cm_conn *cc = c->conn_priv;
	uint8_t pdata[RDMACM_DATA_BYTES];
	struct rdma_conn_param req,
		cp = { .private_data = wire,
		       .private_data_len = RDMACM_DATA_BYTES,
		       .rnr_retry_count = 7,
		       .qp_num = c->qp->qp_num };
	struct verbs_conn_info peer;
	char why[128];
	int ret;

	ret = rdmacm_ep_request(&cc->listen, RDMACM_KIND_DATA, c->timeout_ms,
				&cc->ep, pdata, sizeof(pdata), &req);
	rdmacm_ep_close(&cc->listen);
	if (!ret)
		ret = cm_same_device(c, cc);
	if (ret)
		return ret;
	ret = rdmacm_data_unpack(pdata, sizeof(pdata), &peer, why, sizeof(why));
	if (ret) {
		bench_err("%s: bad data connection request: %s", cc->ep.peer,
			  why);
		return -EPROTO;
	}
	ret = cm_qp_ready(c, mine, &peer);
	if (ret)
		return ret;
	cp.responder_resources =
		req.initiator_depth < cc->rd ? req.initiator_depth : cc->rd;
	cp.initiator_depth = req.responder_resources < cc->rd
				     ? req.responder_resources
				     : cc->rd;
	return rdmacm_ep_accept(&cc->ep, &cp, c->timeout_ms);
}

static int cm_connect(struct verbs_ctx *c, struct bench_bootstrap *bs)
{
	uint8_t wire[RDMACM_DATA_BYTES];
	struct verbs_conn_info mine;
	int ret;

	ret = verbs_qp_create(c);
	if (!ret)
		ret = verbs_qp_to_init(c);
	/*
	 * The server listens since cm_open; without this barrier a client
	 * quicker than a slow server (a starved guest) connects before the
	 * listen and is rejected as "nobody listens there".
	 */
	if (!ret)
		ret = bench_bootstrap_barrier(bs);
	if (ret)
		return ret;
	verbs_conn_info_local(c, (uint32_t)bench_mono_ns(), &mine);
	rdmacm_data_pack(&mine, wire);
	return bs->rank == 0 ? cm_connect_client(c, wire, &mine)
			     : cm_accept(c, wire, &mine);
}

static void cm_close(struct verbs_ctx *c)
{
	struct cm_conn *cc = c->conn_priv;

	verbs_dev_close(&c->dev);
	if (!cc)
		return;
	rdmacm_ep_close(&cc->ep);
	rdmacm_ep_close(&cc->listen);
	free(cc);
	c->conn_priv = NULL;
}

const struct verbs_conn_ops rdmacm_conn_ops = {
	.name = "rdma_cm",
	.transport = "rdmacm",
	.open = cm_open,
	.connect = cm_connect,
	.close = cm_close,
};
