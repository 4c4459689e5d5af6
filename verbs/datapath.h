/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The verbs data path, shared by its two halves:
 *
 *   datapath_loops.c  the hot loops: post, poll, wait, one iteration of
 *                     each role, the timed loop, one compiled variant per
 *                     role and poll mode (verbs_dp_loops)
 *   datapath.c        their set-up: the plan of a step (roles, prebuilt
 *                     WRs), validation, and the bench_engine_ops
 *
 * Counters instead of per-WR bookkeeping: every send WR gets its sequence
 * number as wr_id, and one in (sig_mask + 1) is signalled, so a send
 * completion says "all WRs up to wr_id are done" (sq_done). Receives are
 * counted in rx_done and reposted in batches. A CQ poll may pop the next
 * window's completions early; cumulative counters make that harmless.
 */
#ifndef VERBS_DATAPATH_H
#define VERBS_DATAPATH_H

#include "verbs.h"

#define DP_RX_BATCH 16 /* as VERBS_RX_BATCH in resources.c */

/* A prebuilt send WR; only wr_id and the signal flag change per post. */
struct dp_wr {
	struct ibv_send_wr wr;
	struct ibv_sge sge;
	unsigned flags; /* IBV_SEND_INLINE or 0 */
};

enum dp_role {
	DP_MSG_PING,	/* post, then wait for the peer's message */
	DP_MSG_PONG,	/* wait for the peer's message, then post */
	DP_WRITE_PING,	/* write, then poll the last byte */
	DP_WRITE_PONG,	/* poll the last byte, then write */
	DP_READ,	/* read and wait for its completion */
	DP_WIN_SEND,	/* a window, then wait for the ack */
	DP_WIN_RECV,	/* wait for the window, then ack */
	DP_WIN_BI,	/* a window out and one in, acks both ways */
	DP_WIN_READ,	/* a window of reads */
	DP_STREAM_SEND, /* perftest: post on, up to tx-depth outstanding */
	DP_STREAM_RECV, /* count the peer's stream, reposting receives */
	DP_STREAM_BI,	/* a stream out while counting the peer's in */
	DP_STREAM_READ, /* a stream of reads */
	DP_IDLE,	/* nothing: the peer alone works (reads) */
	DP_ROLE_NR,
};

/* One step's plan. */
struct dp_step {
	struct dp_wr data; /* the message of the test */
	struct dp_wr last; /* last of a window: notifies the peer */
	struct dp_wr ack;  /* 0-byte send acknowledging a window */
	unsigned window;
	unsigned notify;	/* receives per window of the peer's data */
	uint64_t rx_target;	/* rx_done to wait for */
	volatile uint8_t *flag; /* write ping-pong: last byte received */
	uint8_t *tx_flag;	/* write ping-pong: last byte sent */
	uint8_t v;		/* write ping-pong: current flag value */
};

/* The warm-up and timed iterations of one role; samples when out is set. */
typedef int (*dp_loop_fn)(struct verbs_ctx *c, struct dp_step *s,
			  const struct bench_step *st,
			  struct bench_samples *out);

/* [role][0 busy poll, 1 --poll event] */
extern const dp_loop_fn verbs_dp_loops[DP_ROLE_NR][2];

#endif
