// SPDX-License-Identifier: BSD-2-Clause
/*
 * The in-process bootstrap: one rank, the exchange is a copy. It lets the
 * loopback engine and the tests drive the whole core without a peer.
 */
#include <string.h>

#include "bootstrap.h"

static int local_setup(struct bench_bootstrap *bs,
		       const struct bench_bootstrap_cfg *cfg)
{
	(void)cfg;
	bs->rank = 0;
	bs->size = 1;
	return 0;
}

static int local_barrier(struct bench_bootstrap *bs)
{
	(void)bs;
	return 0;
}

static int local_exchange(struct bench_bootstrap *bs, const void *mine,
			  void *all, size_t len)
{
	(void)bs;
	memmove(all, mine, len);
	return 0;
}

static void local_cleanup(struct bench_bootstrap *bs)
{
	(void)bs;
}

const struct bench_bootstrap_ops bench_bootstrap_local_ops = {
	.name = "local",
	.priv_size = 0,
	.setup = local_setup,
	.barrier = local_barrier,
	.exchange = local_exchange,
	.cleanup = local_cleanup,
};
