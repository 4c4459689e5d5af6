// SPDX-License-Identifier: BSD-2-Clause
/*
 * Two-thread bootstrap for the engine tests.
 */
#include <errno.h>
#include <string.h>

#include "pair.h"

struct pair_priv {
	struct pair_shared *shared;
};

void pair_shared_init(struct pair_shared *p)
{
	memset(p, 0, sizeof(*p));
	pthread_barrier_init(&p->barrier, NULL, 2);
}

void pair_shared_destroy(struct pair_shared *p)
{
	pthread_barrier_destroy(&p->barrier);
}

static int pair_setup(struct bench_bootstrap *bs,
		      const struct bench_bootstrap_cfg *cfg)
{
	struct pair_priv *pp = bs->priv;

	if (!cfg->opaque || cfg->port > 1)
		return -EINVAL;
	pp->shared = cfg->opaque;
	bs->rank = cfg->port;
	bs->size = 2;
	return 0;
}

static int pair_barrier(struct bench_bootstrap *bs)
{
	struct pair_priv *pp = bs->priv;

	pthread_barrier_wait(&pp->shared->barrier);
	return 0;
}

/* Publish, wait, copy both, wait again before the slots are reused. */
static int pair_exchange(struct bench_bootstrap *bs, const void *mine,
			 void *all, size_t len)
{
	struct pair_priv *pp = bs->priv;
	struct pair_shared *sh = pp->shared;

	sh->slot[bs->rank] = mine;
	pthread_barrier_wait(&sh->barrier);
	memcpy(all, sh->slot[0], len);
	memcpy((char *)all + len, sh->slot[1], len);
	pthread_barrier_wait(&sh->barrier);
	return 0;
}

static void pair_cleanup(struct bench_bootstrap *bs)
{
	(void)bs;
}

const struct bench_bootstrap_ops pair_bootstrap_ops = {
	.name = "pair",
	.priv_size = sizeof(struct pair_priv),
	.setup = pair_setup,
	.barrier = pair_barrier,
	.exchange = pair_exchange,
	.cleanup = pair_cleanup,
};
