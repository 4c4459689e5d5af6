/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The raw-verbs engine, split so that another connection method (rdma_cm)
 * reuses everything but the connection:
 *
 *   device.c     open a device, pick the port and GID, describe them
 *   resources.c  PD, completion channel, CQ, MR, QP creation and its
 *                INIT/RTR/RTS transitions for RC, UC and UD, the UD AH
 *   conn_bootstrap.c
 *                the default connection method: QP numbers, PSNs, GIDs
 *                and LIDs through the bench bootstrap (bench/bootstrap.h)
 *   datapath_loops.c
 *                the hot loops: ping-pong, perftest's stream and the
 *                window-and-ack method for send, RDMA write, write with
 *                immediate and RDMA read (datapath.h)
 *   datapath.c   their set-up and the bench_engine_ops
 *   options.c    the engine's options and its descriptor (bench/engine.h)
 *
 * A connection method (struct verbs_conn_ops) opens the device and brings
 * a QP to RTS; the engine owns everything else (PD, CQ, MR, the loops).
 */
#ifndef VERBS_VERBS_H
#define VERBS_VERBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <infiniband/verbs.h>
#include <jansson.h>

#include "bootstrap.h"
#include "engine.h"
#include "options.h"
#include "pdata.h"

enum verbs_op {
	VERBS_OP_SEND,
	VERBS_OP_WRITE,	    /* latency polls the last byte, like ib_write_lat */
	VERBS_OP_READ,	    /* latency is the round trip, like ib_read_lat */
	VERBS_OP_WRITE_IMM, /* RDMA write with immediate: a receive completes */
	VERBS_OP_NR,
};

/* How bandwidth is measured (run.method). */
enum verbs_bw_method {
	VERBS_BW_DEFAULT, /* stream, but window for receives on UC/UD */
	VERBS_BW_STREAM,  /* perftest: up to tx-depth outstanding, no ack */
	VERBS_BW_WINDOW,  /* osu_bw: a window, then a 0-byte ack */
};

enum verbs_poll {
	VERBS_POLL_BUSY,  /* spin on ibv_poll_cq */
	VERBS_POLL_EVENT, /* sleep on the completion channel */
};

/* How send WRs are posted (--post-api). */
enum verbs_post_api {
	VERBS_POST_WR,	 /* ibv_wr_*, as perftest; ibv_post_send without it */
	VERBS_POST_SEND, /* ibv_post_send (perftest's --use_old_post_send) */
};

#define VERBS_PORT_DEFAULT     18515 /* out-of-band TCP port, as perftest */
#define VERBS_TX_DEPTH_DEFAULT 128   /* send queue entries */
#define VERBS_RX_DEPTH_DEFAULT 512   /* receive queue entries, as perftest */
#define VERBS_GRH_BYTES	       40    /* UD receives start with a GRH */

struct verbs_conn_ops;

/* The options of the verbs engine (verbs/options.c fills them). */
struct verbs_cfg {
	const char *dev_name; /* -d: NULL for the first active device */
	int ib_port;	      /* -i: 0 for the first active port */
	int gid_index;	      /* -x: -1 to pick (RoCE v2 IPv4 on Ethernet) */
	enum verbs_op op;     /* --op */
	enum ibv_qp_type qp_type;	/* --qp: IBV_QPT_RC, _UC or _UD */
	int inline_bytes;		/* --inline: -1 for the QP's maximum */
	enum ibv_mtu mtu;		/* --mtu: 0 for the port's active MTU */
	unsigned tx_depth;		/* --tx-depth: send queue entries */
	unsigned rx_depth;		/* --rx-depth: receive queue entries,
					 * raised to what the stream needs */
	enum verbs_poll poll;		/* --poll */
	enum verbs_post_api post_api;	/* --post-api */
	enum verbs_bw_method bw_method; /* --bw-method, resolved by parsing */
	/* how to connect the QP; NULL for verbs_conn_bootstrap_ops */
	const struct verbs_conn_ops *conn;
	/* testing --validate: the data source (rank 0, rank 1 for read)
	 * flips the first byte of its send area */
	bool corrupt_payload;
};

/* An open device and the port in use. */
struct verbs_dev {
	struct ibv_context *ctx;
	struct ibv_device_attr attr;
	struct ibv_port_attr port_attr;
	uint8_t port;	   /* port number */
	int gid_index;	   /* -1 when the port uses no GID (IB, LID) */
	union ibv_gid gid; /* GID at gid_index, zero without one */
	bool close_ctx;	   /* ctx is ours to close (ibv_open_device) */
};

/* Where the peer's buffer is, for RDMA write and read. */
struct verbs_remote {
	uint64_t rx_addr; /* the peer's receive area */
	uint64_t tx_addr; /* the peer's send area (RDMA read source) */
	uint32_t rkey;
	uint32_t qpn;	   /* UD: destination QP */
	uint32_t qkey;	   /* UD */
	struct ibv_ah *ah; /* UD: address handle of the peer */
};

/*
 * Everything the data path uses. The engine's private state; a
 * connection method fills dev (open), then qp, remote.qpn/qkey/ah and
 * path_mtu (connect).
 */
struct verbs_ctx {
	const struct verbs_cfg *cfg;
	const struct verbs_conn_ops *conn;
	void *conn_priv; /* the connection method's own state */
	struct verbs_dev dev;
	struct ibv_pd *pd;
	struct ibv_comp_channel *channel; /* --poll event only */
	struct ibv_cq *cq;		  /* one CQ for sends and receives */
	struct ibv_qp *qp;
	struct ibv_qp_ex *qpx; /* set when WRs go through ibv_wr_* */
	struct ibv_mr *mr;
	uint8_t *buf; /* tx area, then rx area */
	size_t buf_bytes;
	uint8_t *tx;
	uint8_t *rx;	   /* UD: the GRH lands here, payload after */
	size_t area_bytes; /* bytes of each area */
	size_t max_size;   /* largest message of the run */
	struct verbs_remote remote;
	enum ibv_mtu path_mtu;
	unsigned max_inline; /* the QP's inline limit (or --inline) */
	unsigned inline_now; /* this step's: perftest's defaults, or --inline */
	unsigned rx_batch;   /* repost receives when this many completed;
			      * 0: one, after the next post (latency) */
	unsigned tx_depth;
	unsigned window; /* the run's --window: sizes the receive queue */
	unsigned rx_depth;
	unsigned cq_depth;
	int rank; /* bootstrap rank: 0 initiates */
	/* data path counters, cumulative over the run */
	uint64_t sq_posted;
	uint64_t sq_done;  /* WRs known complete (signalled or before) */
	uint64_t sig_mask; /* signal WR n when (n & mask) == mask */
	uint64_t rx_posted;
	uint64_t rx_done;
	unsigned cq_events;	/* events to acknowledge at cleanup */
	uint64_t timeout_ticks; /* bound of every wait, in clock ticks */
	int timeout_ms;
	const struct bench_clock *clock;
};

/*
 * A connection method. The engine calls open from its init, then (after
 * verbs_res_open: PD, CQ) connect from its connect; close from cleanup.
 */
struct verbs_conn_ops {
	const char *name;      /* for run.verbs.connection */
	const char *transport; /* run.transport; NULL: "verbs" */
	/*
	 * Open the device and port: fill c->dev (verbs_dev_open helps). bs
	 * is the run's bootstrap (rdma_cm's knows the peer's address).
	 */
	int (*open)(struct verbs_ctx *c, struct bench_bootstrap *bs);
	/*
	 * Create c->qp on c->pd and c->cq (verbs_qp_init_attr gives the
	 * attributes), learn the peer's struct verbs_conn_info, bring the
	 * QP to RTS (verbs_qp_to_* help), set c->path_mtu and, for UD,
	 * c->remote.qpn/qkey/ah (verbs_ah_create).
	 */
	int (*connect)(struct verbs_ctx *c, struct bench_bootstrap *bs);
	/* Undo open and connect (not the QP: the engine destroys it). */
	void (*close)(struct verbs_ctx *c);
};

extern const struct verbs_conn_ops verbs_conn_bootstrap_ops;
extern const struct bench_engine_ops verbs_engine_ops;

/* device.c */
int verbs_dev_open(struct verbs_dev *dev, const struct verbs_cfg *cfg);
/* Pick the port and GID of an already open context (rdma_cm's). */
int verbs_dev_use(struct verbs_dev *dev, struct ibv_context *ctx,
		  const struct verbs_cfg *cfg);
void verbs_dev_close(struct verbs_dev *dev);
/*
 * The engine's preflight (bench/engine.h): open the device, port and GID
 * the options name, describe them in note, close. 0 or a negative errno
 * after one line. cfg is a struct verbs_cfg.
 */
int verbs_dev_preflight(void *cfg, char *note, size_t len);
/* "device rxe0, port 1, GID ::ffff:192.0.2.1" (or LID 0x.. without GID) */
void verbs_dev_note(const char *dev_name, uint8_t port,
		    const union ibv_gid *gid, uint16_t lid, char *buf,
		    size_t len);
/* run.device: name, fw_ver, node_guid, port, link... */
int verbs_dev_describe(const struct verbs_dev *dev, json_t **out);
bool verbs_dev_is_eth(const struct verbs_dev *dev);
/* 256..4096, or 0 for an invalid value */
unsigned verbs_mtu_bytes(enum ibv_mtu mtu);

/* resources.c */
int verbs_res_open(struct verbs_ctx *c);
void verbs_res_close(struct verbs_ctx *c);
void verbs_qp_init_attr(const struct verbs_ctx *c,
			struct ibv_qp_init_attr *attr);
int verbs_qp_create(struct verbs_ctx *c);
int verbs_qp_to_init(struct verbs_ctx *c);
int verbs_qp_to_rtr(struct verbs_ctx *c, const struct verbs_conn_info *peer);
int verbs_qp_to_rts(struct verbs_ctx *c, uint32_t psn);
int verbs_ah_create(struct verbs_ctx *c, const struct verbs_conn_info *peer);
void verbs_conn_info_local(const struct verbs_ctx *c, uint32_t psn,
			   struct verbs_conn_info *ci);
int verbs_mr_open(struct verbs_ctx *c, size_t max_size);
/* Post receives until rx_depth are outstanding. */
int verbs_rx_fill(struct verbs_ctx *c);

/* options.c: the engine's options (bench/options.h tables) */
extern const struct bench_opt verbs_dev_opts[]; /* -d, -i, -x */
extern const struct bench_opt verbs_qp_opts[];	/* --op, --qp, --mtu... */
/* The fields of struct verbs_cfg both ends must share (engine.h). */
extern const struct bench_param verbs_params[];
extern const struct bench_engine_desc verbs_engine_desc;
/* Defaults (and the IBPONG_VERBS_CORRUPT testing hook). */
void verbs_cfg_init(struct verbs_cfg *cfg);
/* One option of the tables: 0, or -EINVAL after one line. */
int verbs_cfg_opt(struct verbs_cfg *cfg, int id, const char *arg);
/* Combinations the hardware cannot do: 0, or -EINVAL after one line. */
/* Resolves the default --bw-method; refuses what cannot run or print. */
int verbs_cfg_check(struct verbs_cfg *cfg, const struct bench_opts *o);
const char *verbs_op_name(enum verbs_op op);
const char *verbs_qp_name(enum ibv_qp_type t);
const char *verbs_poll_name(enum verbs_poll p);
const char *verbs_post_api_name(const struct verbs_ctx *c);
const char *verbs_bw_method_name(enum verbs_bw_method m);

#endif
