/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ibpong cm: the rdma_cm connection method of the verbs engine, the
 * rdma_cm bootstrap and the measurement of connection set-up. Three kinds
 * of rdma_cm connections go to the server's port, told apart by the
 * versioned header of their private data:
 *
 *   control  the bootstrap (bootstrap_rdmacm.c): one RC connection made
 *            first; exchange() and barrier() are sends and receives on
 *            its small QP
 *   probe    --connect-iters connections made, timed and torn down one
 *            after the other (probe_rdmacm.c) before the run
 *   data     the QP of the verbs data path (conn_rdmacm.c), RC through
 *            the RDMA_PS_TCP port space, UD through RDMA_PS_UDP (SIDR)
 *
 * The header, big-endian, 12 bytes, then the kind's payload:
 *
 *	u32 magic    RDMACM_MAGIC
 *	u8  version  RDMACM_VERSION
 *	u8  kind     enum rdmacm_kind
 *	u16 length   header and payload bytes: the CM pads private data
 *	             with zeros up to its maximum, so the length says where
 *	             the message ends
 *	u32 arg      reject: enum rdmacm_why; else 0
 *
 * Payloads: control none (the options are agreed afterwards over it, by
 * the run driver, as every engine's: bench/run.h), data a packed struct
 * verbs_conn_info (31 bytes), reject a reason text. The largest request
 * is 43 bytes, within the 56 bytes an RC REQ carries
 * (92 minus the 36-byte rdma_cm IP header); a SIDR REQ carries 180, a
 * REP 196, a SIDR REP 136, a REJ 148 (RDMACM_REJ_MAX).
 */
#ifndef VERBS_RDMACM_H
#define VERBS_RDMACM_H

#include <stdint.h>

#include <rdma/rdma_cma.h>

#include "pdata.h"
#include "verbs.h"

#define RDMACM_CONNECT_ITERS 10 /* default --connect-iters */
#define RDMACM_ACK_TIMEOUT   14 /* 4.096 us * 2^14: as the verbs QPs */

/*
 * The config of the cm engine (rdmacm_engine_desc): the verbs engine's
 * first, as the verbs engine (and its agreed fields, verbs_params) read
 * it.
 */
struct rdmacm_cfg {
	struct verbs_cfg verbs;
	unsigned connect_iters; /* --connect-iters */
};

/* The phases of one connection set-up (active side), in nanoseconds. */
enum rdmacm_phase {
	RDMACM_PHASE_ADDR,  /* rdma_resolve_addr to ADDR_RESOLVED */
	RDMACM_PHASE_ROUTE, /* rdma_resolve_route to ROUTE_RESOLVED */
	RDMACM_PHASE_CONN,  /* rdma_connect to ESTABLISHED (REQ, REP, RTU) */
	RDMACM_PHASE_TOTAL, /* the three and the QP creation between them */
	RDMACM_PHASE_NR,
};

/* One rdma_cm id on its own event channel, and its QP resources. */
struct rdmacm_ep {
	struct rdma_event_channel *ch;
	struct rdma_cm_id *id;
	struct ibv_pd *pd;	     /* control and probes: ours */
	struct ibv_comp_channel *cc; /* control: to sleep on */
	struct ibv_cq *cq;
	bool qp;			    /* rdma_create_qp made id->qp */
	bool connected;			    /* rdma_disconnect at close */
	bool quiet_refused;		    /* no listener: -ECONNREFUSED, no
					     * message (the caller retries) */
	bool passive;			    /* a request we took (server) */
	char peer[64];			    /* "192.0.2.1 port 18515" */
	uint64_t phase_ns[RDMACM_PHASE_NR]; /* active side */
};

/* rdmacm.c: shared plumbing */
enum rdma_port_space rdmacm_port_space(enum ibv_qp_type t);
/* Reject with a header, the reason code and its text. */
void rdmacm_reject(struct rdma_cm_id *id, enum rdmacm_why why,
		   const char *text);

int rdmacm_ep_channel(struct rdmacm_ep *ep);
/*
 * Active side: getaddrinfo, rdma_resolve_addr (from bind when given) and
 * rdma_resolve_route, each bounded by timeout_ms; fills phase_ns ADDR and
 * ROUTE.
 */
int rdmacm_ep_resolve(struct rdmacm_ep *ep, const char *host, const char *bind,
		      uint16_t port, enum ibv_qp_type t, int timeout_ms);
/* Passive side: bind (any address without bind) and listen. */
int rdmacm_ep_listen(struct rdmacm_ep *ep, const char *bind, uint16_t port,
		     enum ibv_qp_type t);
/*
 * Wait for the next event of the channel (bounded), check it is want;
 * otherwise log why (naming ep->peer and what) and return a negative
 * errno. The caller acks *ev.
 */
int rdmacm_ep_expect(struct rdmacm_ep *ep, enum rdma_cm_event_type want,
		     int timeout_ms, const char *what,
		     struct rdma_cm_event **ev);
/* rdmacm_ep_expect, then ack; ESTABLISHED and DISCONNECTED set connected. */
int rdmacm_ep_wait(struct rdmacm_ep *ep, enum rdma_cm_event_type want,
		   int timeout_ms, const char *what);
/* rdma_connect and wait for ESTABLISHED. */
int rdmacm_ep_connect(struct rdmacm_ep *ep, const struct rdma_conn_param *cp,
		      int timeout_ms);
/* rdma_accept and, but for UD (SIDR), wait for ESTABLISHED. */
int rdmacm_ep_accept(struct rdmacm_ep *ep, const struct rdma_conn_param *cp,
		     int timeout_ms);
/*
 * Passive side: wait for a CONNECT_REQUEST of the given kind (a bad one is
 * rejected and logged), copy its private data (up to cap bytes) to pdata,
 * move the new id to a channel of its own in conn.
 */
int rdmacm_ep_request(struct rdmacm_ep *listen, uint8_t kind, int timeout_ms,
		      struct rdmacm_ep *conn, uint8_t *pdata, size_t cap,
		      struct rdma_conn_param *req);
/*
 * Passive side, after the set-up call `call` failed: true, with one line,
 * when the client went away during connection set-up (an event on the
 * channel says so, or the CM no longer holds its request); false and
 * quiet otherwise, for the caller's own line.
 */
bool rdmacm_ep_client_left(struct rdmacm_ep *ep, const char *call);
/* PD, CQ (on a completion channel when cc) and rdma_create_qp. */
int rdmacm_ep_qp(struct rdmacm_ep *ep, enum ibv_qp_type t, unsigned depth,
		 bool cc);
void rdmacm_ep_close(struct rdmacm_ep *ep);
/* The GID index of the id's local address on its port, -1 if none. */
int rdmacm_gid_index(struct rdma_cm_id *id);

/* bootstrap_rdmacm.c; cfg->opaque is the struct rdmacm_cfg */
extern const struct bench_bootstrap_ops rdmacm_bootstrap_ops;
/* Where the peer is (HOST, --bind, -p), as the bootstrap was given it. */
const struct bench_bootstrap_cfg *
rdmacm_bootstrap_cfg(struct bench_bootstrap *bs);
/* The control connection's id (the server's device comes from it). */
struct rdma_cm_id *rdmacm_bootstrap_id(struct bench_bootstrap *bs);
/* The control connection's set-up phases (rank 0), nanoseconds. */
const uint64_t *rdmacm_bootstrap_phases(struct bench_bootstrap *bs);
/* After a failure: say so once if the peer disconnected; 1 if it did. */
int rdmacm_bootstrap_peer_gone(struct bench_bootstrap *bs);

/* conn_rdmacm.c */
extern const struct verbs_conn_ops rdmacm_conn_ops;

/* cm_options.c: the cm engine */
extern const struct bench_engine_desc rdmacm_engine_desc;

/* probe_rdmacm.c */
/*
 * Time rc->connect_iters connection set-ups (or, with 0, take the
 * bootstrap's own), share the samples with the peer, print the table on
 * f when f is not NULL, and return run.connect in *out.
 */
int rdmacm_probe_run(const struct rdmacm_cfg *rc, struct bench_bootstrap *bs,
		     int timeout_ms, FILE *f, json_t **out);

#endif
