// SPDX-License-Identifier: BSD-2-Clause
/*
 * The rdma_cm plumbing that the bootstrap, the probes and the connection
 * method share: the private-data header, address and route resolution,
 * listening, waiting for events (every wait is poll() on the event
 * channel's fd with a timeout) and one clear line per failure event.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "rdmacm.h"
#include "result.h"
#include "wire.h"

/* IB CM reject reasons that rdma_cm reports as the REJECTED status. */
#define CM_REJ_INVALID_SERVICE_ID 8
#define CM_REJ_CONSUMER_DEFINED	  28
#define EVENT_SLACK_MS		  1000 /* the kernel's own timeout first */

enum rdma_port_space rdmacm_port_space(enum ibv_qp_type t)
{
	return t == IBV_QPT_UD ? RDMA_PS_UDP : RDMA_PS_TCP;
}

void rdmacm_reject(struct rdma_cm_id *id, enum rdmacm_why why, const char *text)
{
	uint8_t wire[RDMACM_REJ_MAX];
	size_t n = strnlen(text, sizeof(wire) - RDMACM_HDR_BYTES);

	rdmacm_hdr_pack(RDMACM_KIND_REJECT, (uint16_t)(RDMACM_HDR_BYTES + n),
			why, wire);
	memcpy(wire + RDMACM_HDR_BYTES, text, n);
	if (rdma_reject(id, wire, (uint8_t)(RDMACM_HDR_BYTES + n)))
		bench_warn("rdma_reject: %s", strerror(errno));
}

int rdmacm_ep_channel(struct rdmacm_ep *ep)
{
	int ret;

	ep->ch = rdma_create_event_channel();
	if (ep->ch)
		return 0;
	ret = errno ? -errno : -ENODEV;
	bench_err("rdma_create_event_channel: %s: no rdma_cm here (load "
		  "rdma_ucm and an RDMA driver; /dev/infiniband/rdma_cm)",
		  strerror(-ret));
	return ret == -ENOENT ? -ENODEV : ret;
}

static int ep_id_create(struct rdmacm_ep *ep, enum ibv_qp_type t)
{
	uint8_t ack = RDMACM_ACK_TIMEOUT;
	int ret;

	if (!ep->ch) {
		ret = rdmacm_ep_channel(ep);
		if (ret)
			return ret;
	}
	if (rdma_create_id(ep->ch, &ep->id, NULL, rdmacm_port_space(t))) {
		ret = -errno;
		bench_err("rdma_create_id: %s", strerror(-ret));
		return ret;
	}
	/* a dead peer is seen after ~0.5 s of retries, not ~30 s */
	if (t == IBV_QPT_RC &&
	    rdma_set_option(ep->id, RDMA_OPTION_ID, RDMA_OPTION_ID_ACK_TIMEOUT,
			    &ack, sizeof(ack)))
		bench_warn("rdma_set_option(ACK_TIMEOUT): %s", strerror(errno));
	return 0;
}

/* Nobody listens on the port (IB CM: invalid service ID; iWARP). */
static bool rejected_nobody(const struct rdma_cm_event *ev)
{
	return ev->status == CM_REJ_INVALID_SERVICE_ID ||
	       ev->status == -ECONNREFUSED;
}

/* The reason as text. */
static void rejected_text(const struct rdma_cm_event *ev, char *buf, size_t len)
{
	char text[RDMACM_REJ_MAX];
	uint32_t why;

	if (rejected_nobody(ev)) {
		snprintf(buf, len,
			 "nobody listens there (start `ibpong cm` "
			 "without HOST on that machine, with the same -p)");
		return;
	}
	if (ev->status != CM_REJ_CONSUMER_DEFINED ||
	    rdmacm_reject_unpack(ev->param.conn.private_data,
				 ev->param.conn.private_data_len, &why, text,
				 sizeof(text))) {
		snprintf(buf, len, "rejected (CM reason %d)", ev->status);
		return;
	}
	snprintf(buf, len, "the server rejected it: %s", text);
}

static int addr_error(struct rdmacm_ep *ep, int status)
{
	if (status == -ENODEV || status == -EADDRNOTAVAIL ||
	    status == -ENETUNREACH)
		bench_err("%s: no RDMA device behind the route to it (%s): "
			  "give the IP address of a RoCE or IPoIB interface",
			  ep->peer, strerror(-status));
	else
		bench_err("%s: address or route resolution failed: %s: the "
			  "host is unreachable",
			  ep->peer, strerror(-status));
	return status < 0 ? status : -EHOSTUNREACH;
}

/* What a server sees of a client that left before the connection was up. */
static bool client_gone_event(enum rdma_cm_event_type e)
{
	return e == RDMA_CM_EVENT_REJECTED || e == RDMA_CM_EVENT_DISCONNECTED ||
	       e == RDMA_CM_EVENT_CONNECT_ERROR ||
	       e == RDMA_CM_EVENT_UNREACHABLE ||
	       e == RDMA_CM_EVENT_TIMEWAIT_EXIT;
}

/* how: what told; where: "while accepting", "at rdma_create_qp" */
static int client_gone(const struct rdmacm_ep *ep, const char *how,
		       const char *where)
{
	bench_err("%s: the client went away during connection set-up (%s, "
		  "%s): start it again",
		  ep->peer, how, where);
	return -ECONNRESET;
}

/*
 * A client killed before we accepted rejects its own request from its
 * kernel; the CM resets ours to idle and often says nothing on the
 * channel. Its state tells: a request still pending can give a QP's
 * INIT attributes, one that is gone cannot (EINVAL).
 */
bool rdmacm_ep_client_left(struct rdmacm_ep *ep, const char *call)
{
	struct pollfd pfd = { .events = POLLIN };
	struct ibv_qp_attr attr = { .qp_state = IBV_QPS_INIT };
	enum rdma_cm_event_type type;
	struct rdma_cm_event *ev;
	char where[64];
	int mask;

	if (!ep->passive || ep->connected || !ep->ch || !ep->id)
		return false;
	snprintf(where, sizeof(where), "seen at %s", call);
	pfd.fd = ep->ch->fd;
	if (poll(&pfd, 1, 0) == 1 && !rdma_get_cm_event(ep->ch, &ev)) {
		type = ev->event;
		rdma_ack_cm_event(ev);
		if (client_gone_event(type)) {
			client_gone(ep, rdma_event_str(type), where);
			return true;
		}
	}
	if (ep->id->qp_type == IBV_QPT_UD ||
	    !rdma_init_qp_attr(ep->id, &attr, &mask) || errno != EINVAL)
		return false;
	client_gone(ep, "its connection request was withdrawn", where);
	return true;
}

/* One line for an event other than the one waited for. */
static int ep_event_fail(struct rdmacm_ep *ep, const struct rdma_cm_event *ev,
			 const char *what)
{
	char text[256];

	if (ep->passive && !ep->connected && client_gone_event(ev->event)) {
		snprintf(text, sizeof(text), "while %s", what);
		return client_gone(ep, rdma_event_str(ev->event), text);
	}
	switch (ev->event) {
	case RDMA_CM_EVENT_ADDR_ERROR:
	case RDMA_CM_EVENT_ROUTE_ERROR:
		return addr_error(ep, ev->status);
	case RDMA_CM_EVENT_REJECTED:
		if (ep->quiet_refused && rejected_nobody(ev))
			return -ECONNREFUSED;
		rejected_text(ev, text, sizeof(text));
		bench_err("%s: connection rejected: %s", ep->peer, text);
		return rejected_nobody(ev) ? -ECONNREFUSED : -ECONNABORTED;
	case RDMA_CM_EVENT_UNREACHABLE:
		bench_err("%s: unreachable while %s (%s): is an ibpong cm "
			  "server running there, with the same --qp?",
			  ep->peer, what, strerror(-ev->status));
		return -EHOSTUNREACH;
	case RDMA_CM_EVENT_DISCONNECTED:
		bench_err("%s: the peer disconnected while %s", ep->peer, what);
		return -ECONNRESET;
	case RDMA_CM_EVENT_DEVICE_REMOVAL:
		bench_err("the RDMA device was removed while %s", what);
		return -ENODEV;
	default:
		bench_err("%s: %s while %s (status %d: %s)", ep->peer,
			  rdma_event_str(ev->event), what, ev->status,
			  strerror(ev->status < 0 ? -ev->status : EIO));
		return ev->status < 0 ? ev->status : -EIO;
	}
}

int rdmacm_ep_expect(struct rdmacm_ep *ep, enum rdma_cm_event_type want,
		     int timeout_ms, const char *what,
		     struct rdma_cm_event **ev)
{
	struct pollfd pfd = { .fd = ep->ch->fd, .events = POLLIN };
	uint64_t end = bench_mono_ns() + (uint64_t)timeout_ms * 1000000u;
	int ret, left;

	do {
		left = (int)(((int64_t)(end - bench_mono_ns())) / 1000000);
		ret = poll(&pfd, 1, left > 0 ? left : 0);
	} while (ret < 0 && errno == EINTR);
	if (ret == 0) {
		bench_err("%s: nothing within %d ms while %s: is the peer up "
			  "and running ibpong cm? (raise --timeout if slow)",
			  ep->peer, timeout_ms, what);
		return -ETIMEDOUT;
	}
	if (ret < 0 || rdma_get_cm_event(ep->ch, ev)) {
		ret = -errno;
		bench_err("rdma_get_cm_event: %s", strerror(-ret));
		return ret;
	}
	if ((*ev)->event == want)
		return 0;
	ret = ep_event_fail(ep, *ev, what);
	rdma_ack_cm_event(*ev);
	*ev = NULL;
	return ret;
}

int rdmacm_ep_wait(struct rdmacm_ep *ep, enum rdma_cm_event_type want,
		   int timeout_ms, const char *what)
{
	struct rdma_cm_event *ev;
	int ret;

	ret = rdmacm_ep_expect(ep, want, timeout_ms, what, &ev);
	if (ret)
		return ret;
	rdma_ack_cm_event(ev);
	if (want == RDMA_CM_EVENT_ESTABLISHED)
		ep->connected = ep->id->qp_type != IBV_QPT_UD;
	else if (want == RDMA_CM_EVENT_DISCONNECTED)
		ep->connected = false;
	return 0;
}

int rdmacm_ep_connect(struct rdmacm_ep *ep, const struct rdma_conn_param *cp,
		      int timeout_ms)
{
	int ret;

	if (rdma_connect(ep->id, (struct rdma_conn_param *)cp)) {
		ret = -errno;
		bench_err("%s: rdma_connect: %s", ep->peer, strerror(-ret));
		return ret;
	}
	return rdmacm_ep_wait(ep, RDMA_CM_EVENT_ESTABLISHED, timeout_ms,
			      "waiting for the server's reply");
}

int rdmacm_ep_accept(struct rdmacm_ep *ep, const struct rdma_conn_param *cp,
		     int timeout_ms)
{
	int ret;

	if (rdma_accept(ep->id, (struct rdma_conn_param *)cp)) {
		ret = -errno;
		if (rdmacm_ep_client_left(ep, "rdma_accept"))
			return -ECONNRESET;
		bench_err("%s: rdma_accept: %s", ep->peer, strerror(-ret));
		return ret;
	}
	if (ep->id->qp_type == IBV_QPT_UD)
		return 0; /* SIDR: the reply is all */
	return rdmacm_ep_wait(ep, RDMA_CM_EVENT_ESTABLISHED, timeout_ms,
			      "accepting");
}

static void name_addr(const struct sockaddr *sa, uint16_t port, char *buf,
		      size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";

	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			  host, sizeof(host));
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)sa)->sin6_addr, host,
			  sizeof(host));
	snprintf(buf, len, "%s port %u", host, port);
}

static int addr_lookup(const char *host, uint16_t port, int family,
		       struct addrinfo **res)
{
	struct addrinfo hints = { .ai_family = family,
				  .ai_socktype = SOCK_STREAM };
	char serv[8];
	int ret;

	snprintf(serv, sizeof(serv), "%u", port);
	ret = getaddrinfo(host, serv, &hints, res);
	if (ret) {
		bench_err("cannot resolve '%s': %s", host, gai_strerror(ret));
		return -EHOSTUNREACH;
	}
	return 0;
}

static int ep_resolve_addr(struct rdmacm_ep *ep, const char *bind,
			   const struct addrinfo *dst, int timeout_ms)
{
	struct addrinfo *src = NULL;
	struct rdma_cm_event *ev;
	int ret;

	if (bind) {
		ret = addr_lookup(bind, 0, dst->ai_family, &src);
		if (ret)
			return ret;
	}
	ret = rdma_resolve_addr(ep->id, src ? src->ai_addr : NULL, dst->ai_addr,
				timeout_ms);
	if (src)
		freeaddrinfo(src);
	if (ret)
		return addr_error(ep, -errno);
	ret = rdmacm_ep_expect(ep, RDMA_CM_EVENT_ADDR_RESOLVED,
			       timeout_ms + EVENT_SLACK_MS,
			       "resolving the address", &ev);
	if (!ret)
		rdma_ack_cm_event(ev);
	return ret;
}

int rdmacm_ep_resolve(struct rdmacm_ep *ep, const char *host, const char *bind,
		      uint16_t port, enum ibv_qp_type t, int timeout_ms)
{
	struct rdma_cm_event *ev;
	struct addrinfo *dst;
	uint64_t t0, t1;
	int ret;

	ret = addr_lookup(host, port, AF_UNSPEC, &dst);
	if (ret)
		return ret;
	name_addr(dst->ai_addr, port, ep->peer, sizeof(ep->peer));
	ret = ep_id_create(ep, t);
	if (ret)
		goto out_free;
	t0 = bench_mono_ns();
	ret = ep_resolve_addr(ep, bind, dst, timeout_ms);
	if (ret)
		goto out_free;
	t1 = bench_mono_ns();
	ep->phase_ns[RDMACM_PHASE_ADDR] = t1 - t0;
	if (rdma_resolve_route(ep->id, timeout_ms)) {
		ret = addr_error(ep, -errno);
		goto out_free;
	}
	ret = rdmacm_ep_expect(ep, RDMA_CM_EVENT_ROUTE_RESOLVED,
			       timeout_ms + EVENT_SLACK_MS,
			       "resolving the route", &ev);
	if (ret)
		goto out_free;
	rdma_ack_cm_event(ev);
	ep->phase_ns[RDMACM_PHASE_ROUTE] = bench_mono_ns() - t1;
out_free:
	freeaddrinfo(dst);
	return ret;
}

static int listen_addr(const char *bind, uint16_t port,
		       struct sockaddr_storage *ss)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct addrinfo *res;
	int ret;

	memset(ss, 0, sizeof(*ss));
	if (!bind) {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		return 0;
	}
	ret = addr_lookup(bind, port, AF_UNSPEC, &res);
	if (ret)
		return ret;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return 0;
}

int rdmacm_ep_listen(struct rdmacm_ep *ep, const char *bind, uint16_t port,
		     enum ibv_qp_type t)
{
	struct sockaddr_storage ss;
	int ret, one = 1;

	snprintf(ep->peer, sizeof(ep->peer), "port %u", port);
	ret = listen_addr(bind, port, &ss);
	if (!ret)
		ret = ep_id_create(ep, t);
	if (ret)
		return ret;
	rdma_set_option(ep->id, RDMA_OPTION_ID, RDMA_OPTION_ID_REUSEADDR, &one,
			sizeof(one));
	if (rdma_bind_addr(ep->id, (struct sockaddr *)&ss)) {
		ret = -errno;
		if (bind && (ret == -ENODEV || ret == -EADDRNOTAVAIL))
			bench_err("--bind %s: no RDMA device has this address "
				  "(%s)",
				  bind, strerror(-ret));
		else
			bench_err("rdma_bind_addr(%s port %u): %s",
				  bind ? bind : "any address", port,
				  strerror(-ret));
		return ret;
	}
	if (rdma_listen(ep->id, 8)) {
		ret = -errno;
		bench_err("rdma_listen(port %u): %s", port, strerror(-ret));
		return ret;
	}
	return 0;
}

/* The private data of a request; UD requests keep it in param.ud. */
static void request_pdata(const struct rdma_cm_event *ev, const void **data,
			  size_t *len)
{
	if (ev->id->qp_type == IBV_QPT_UD) {
		*data = ev->param.ud.private_data;
		*len = ev->param.ud.private_data_len;
	} else {
		*data = ev->param.conn.private_data;
		*len = ev->param.conn.private_data_len;
	}
}

static int request_take(struct rdmacm_ep *conn, struct rdma_cm_id *id)
{
	struct sockaddr *sa = rdma_get_peer_addr(id);
	int ret;

	name_addr(sa, ntohs(rdma_get_dst_port(id)), conn->peer,
		  sizeof(conn->peer));
	ret = rdmacm_ep_channel(conn);
	if (ret)
		return ret;
	if (rdma_migrate_id(id, conn->ch)) {
		ret = -errno;
		bench_err("rdma_migrate_id: %s", strerror(-ret));
		return ret;
	}
	conn->id = id;
	conn->passive = true;
	return 0;
}

int rdmacm_ep_request(struct rdmacm_ep *listen, uint8_t kind, int timeout_ms,
		      struct rdmacm_ep *conn, uint8_t *pdata, size_t cap,
		      struct rdma_conn_param *req)
{
	struct rdma_cm_event *ev;
	struct rdma_cm_id *id;
	struct rdmacm_hdr h;
	const void *data;
	char why[128];
	size_t len;
	int ret;

	ret = rdmacm_ep_expect(listen, RDMA_CM_EVENT_CONNECT_REQUEST,
			       timeout_ms, "waiting for the client", &ev);
	if (ret)
		return ret;
	id = ev->id;
	request_pdata(ev, &data, &len);
	ret = rdmacm_hdr_check(data, len, kind, &h, why, sizeof(why));
	if (ret) {
		rdmacm_reject(id, ret, why);
		rdma_ack_cm_event(ev);
		bench_err("rejected a connection request: %s", why);
		rdma_destroy_id(id);
		return -EPROTO;
	}
	memset(pdata, 0, cap);
	memcpy(pdata, data, h.length < cap ? h.length : cap);
	*req = ev->param.conn;
	req->private_data = NULL;
	rdma_ack_cm_event(ev);
	ret = request_take(conn, id);
	if (ret && !conn->id)
		rdma_destroy_id(id);
	return ret;
}

int rdmacm_ep_qp(struct rdmacm_ep *ep, enum ibv_qp_type t, unsigned depth,
		 bool cc)
{
	struct ibv_context *ctx = ep->id->verbs;
	struct ibv_qp_init_attr attr = {
		.qp_type = t,
		.cap = { .max_send_wr = depth,
			 .max_recv_wr = depth,
			 .max_send_sge = 1,
			 .max_recv_sge = 1 },
	};
	const char *call = "ibv_alloc_pd";
	int ret;

	ep->pd = ibv_alloc_pd(ctx);
	if (ep->pd && cc) {
		call = "ibv_create_comp_channel";
		ep->cc = ibv_create_comp_channel(ctx);
	}
	if (ep->pd && (!cc || ep->cc)) {
		call = "ibv_create_cq";
		ep->cq = ibv_create_cq(ctx, (int)(2 * depth), NULL, ep->cc, 0);
	}
	if (ep->cq) {
		call = "rdma_create_qp";
		attr.send_cq = ep->cq;
		attr.recv_cq = ep->cq;
		ep->qp = !rdma_create_qp(ep->id, ep->pd, &attr);
	}
	if (ep->qp)
		return 0;
	ret = errno ? -errno : -ENOMEM;
	if (rdmacm_ep_client_left(ep, call))
		return -ECONNRESET;
	bench_err("%s: %s", call, strerror(-ret));
	return ret;
}

void rdmacm_ep_close(struct rdmacm_ep *ep)
{
	if (ep->connected)
		rdma_disconnect(ep->id);
	ep->connected = false;
	ep->passive = false;
	if (ep->qp)
		rdma_destroy_qp(ep->id);
	ep->qp = false;
	if (ep->cq)
		ibv_destroy_cq(ep->cq);
	ep->cq = NULL;
	if (ep->cc)
		ibv_destroy_comp_channel(ep->cc);
	ep->cc = NULL;
	if (ep->pd)
		ibv_dealloc_pd(ep->pd);
	ep->pd = NULL;
	if (ep->id)
		rdma_destroy_id(ep->id);
	ep->id = NULL;
	if (ep->ch)
		rdma_destroy_event_channel(ep->ch);
	ep->ch = NULL;
}

static void gid_of_addr(const struct sockaddr *sa, union ibv_gid *gid)
{
	memset(gid, 0, sizeof(*gid));
	if (sa->sa_family == AF_INET6) {
		memcpy(gid->raw, &((const struct sockaddr_in6 *)sa)->sin6_addr,
		       16);
		return;
	}
	gid->raw[10] = 0xff;
	gid->raw[11] = 0xff;
	memcpy(gid->raw + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
}

int rdmacm_gid_index(struct rdma_cm_id *id)
{
	struct ibv_port_attr pa;
	struct ibv_gid_entry e;
	union ibv_gid want;
	int i, any = -1;

	if (ibv_query_port(id->verbs, id->port_num, &pa) ||
	    pa.link_layer != IBV_LINK_LAYER_ETHERNET)
		return -1;
	gid_of_addr(rdma_get_local_addr(id), &want);
	for (i = 0; i < pa.gid_tbl_len; i++) {
		if (ibv_query_gid_ex(id->verbs, id->port_num, (uint32_t)i, &e,
				     0) ||
		    memcmp(e.gid.raw, want.raw, 16))
			continue;
		if (e.gid_type == IBV_GID_TYPE_ROCE_V2)
			return i;
		if (any < 0)
			any = i;
	}
	return any;
}
