/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The bootstrap: who am I, how many peers, exchange bytes, barrier
 * (after UCX's ucx_perf_rte_t). Implementations: TCP client/server
 * (bench/bootstrap_tcp.c), in-process (bench/bootstrap_local.c, for the
 * loopback engine and tests), MPI (mpi/), rdma_cm private data (verbs/).
 */
#ifndef BENCH_BOOTSTRAP_H
#define BENCH_BOOTSTRAP_H

#include <stddef.h>
#include <stdint.h>

struct bench_bootstrap;

/* What the front end knows about the peer; each field may be unused. */
struct bench_bootstrap_cfg {
	const char *peer_host; /* client: server to connect to; NULL: serve */
	const char *bind_addr; /* local address to bind, NULL for any */
	uint16_t port;	       /* TCP port of the out-of-band channel */
	double timeout_s;      /* every wait gives up after this long */
	int *argc;	       /* MPI: the program's arguments */
	char ***argv;
	void *opaque; /* implementation-specific extra input */
	/*
	 * A server, once it listens, says "waiting for a client on port N
	 * (serve_note)" in one line (what it will measure with: device,
	 * port, GID); NULL: nothing is said.
	 */
	const char *serve_note;
};

struct bench_bootstrap_ops {
	const char *name;
	/* Size of the private state the caller allocates (zeroed). */
	size_t priv_size;
	/*
	 * Connect to the peers. Sets bs->rank and bs->size. Returns 0,
	 * -ENOTSUP to let the caller try the next bootstrap, or another
	 * negative errno (after logging the cause once).
	 */
	int (*setup)(struct bench_bootstrap *bs,
		     const struct bench_bootstrap_cfg *cfg);
	/* Wait until every rank arrives (bounded by the timeout). */
	int (*barrier)(struct bench_bootstrap *bs);
	/*
	 * All-gather: every rank contributes len bytes from mine; all
	 * receives size * len bytes in rank order (its own included).
	 */
	int (*exchange)(struct bench_bootstrap *bs, const void *mine, void *all,
			size_t len);
	/* Release everything; accepts a partial setup. */
	void (*cleanup)(struct bench_bootstrap *bs);
};

struct bench_bootstrap {
	const struct bench_bootstrap_ops *ops;
	void *priv;	  /* ops->priv_size bytes */
	int rank;	  /* 0 initiates and reports */
	int size;	  /* number of ranks */
	double timeout_s; /* copied from the cfg */
};

/* Allocate priv and call setup. On failure bs is cleaned up. */
int bench_bootstrap_open(struct bench_bootstrap *bs,
			 const struct bench_bootstrap_ops *ops,
			 const struct bench_bootstrap_cfg *cfg);
void bench_bootstrap_close(struct bench_bootstrap *bs);

static inline int bench_bootstrap_exchange(struct bench_bootstrap *bs,
					   const void *mine, void *all,
					   size_t len)
{
	return bs->ops->exchange(bs, mine, all, len);
}

static inline int bench_bootstrap_barrier(struct bench_bootstrap *bs)
{
	return bs->ops->barrier(bs);
}

extern const struct bench_bootstrap_ops bench_bootstrap_tcp_ops;
extern const struct bench_bootstrap_ops bench_bootstrap_local_ops;

#endif
