/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A two-rank bootstrap between two threads of one process, so that the
 * engine tests run the core's two-ended paths (parameter agreement, rows
 * sent to the peer) without a network.
 */
#ifndef IBPONG_TEST_PAIR_H
#define IBPONG_TEST_PAIR_H

#include <pthread.h>

#include "bootstrap.h"

/* Shared by both threads; cfg->opaque points at it, cfg->port is the rank. */
struct pair_shared {
	pthread_barrier_t barrier;
	const void *slot[2]; /* each rank's contribution */
};

void pair_shared_init(struct pair_shared *p);
void pair_shared_destroy(struct pair_shared *p);

extern const struct bench_bootstrap_ops pair_bootstrap_ops;

#endif
