// SPDX-License-Identifier: BSD-2-Clause
/*
 * One pair of a sweep round: a bounded hello, a 2-rank communicator, the
 * MPI bootstrap over it, and the ordinary run driver with the MPI or the
 * verbs engine.
 *
 * The communicator comes from MPI_Comm_create_group, collective over the
 * pair only: a world-wide MPI_Comm_split per round would block every
 * rank for ever on one that stopped answering, and MPI has no
 * non-blocking split. The hello before it (a send and a receive polled
 * against --timeout) makes sure the partner is there to create it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "run.h"
#include "sweep_int.h"

/* Both ends send their round number; -EHOSTDOWN if the peer is silent. */
static int pair_hello(const struct sweep_pair *sp)
{
	/* theirs, then mine: heap, for a request given up on (mpi_abandon) */
	long *theirs = malloc(sizeof(*theirs)), *mine = malloc(sizeof(*mine));
	MPI_Request req[2] = { MPI_REQUEST_NULL, MPI_REQUEST_NULL };
	char what[96];
	int ret = -ENOMEM;

	if (!theirs || !mine)
		goto out;
	*mine = sp->round;
	ret = -EIO;
	if (MPI_Irecv(theirs, 1, MPI_LONG, sp->peer,
		      sweep_tag(sp->round, SWEEP_TAG_HELLO), sp->ctl,
		      &req[0]) != MPI_SUCCESS ||
	    MPI_Isend(mine, 1, MPI_LONG, sp->peer,
		      sweep_tag(sp->round, SWEEP_TAG_HELLO), sp->ctl,
		      &req[1]) != MPI_SUCCESS) {
		bench_err("round %ld: MPI_Isend/MPI_Irecv failed", sp->round);
		goto out;
	}
	snprintf(what, sizeof(what), "round %ld: hello from rank %d", sp->round,
		 sp->peer);
	ret = mpi_wait_timeout(&req[0], sp->timeout_s, what);
	if (!ret)
		ret = mpi_wait_timeout(&req[1], sp->timeout_s, what);
	if (ret == -ETIMEDOUT)
		ret = -EHOSTDOWN;
out:
	mpi_abandon(&req[0], sp->ctl, theirs, true); /* done: freed now */
	mpi_abandon(&req[1], sp->ctl, mine, false);
	return ret;
}

/* The pair's communicator, the leader first (rank 0 of the run). */
static int pair_comm(const struct sweep_pair *sp, MPI_Comm *pc)
{
	int ranks[2] = { sp->leader ? sp->me : sp->peer,
			 sp->leader ? sp->peer : sp->me };
	MPI_Group world, pair;
	int rc;

	MPI_Comm_group(sp->ctl, &world);
	MPI_Group_incl(world, 2, ranks, &pair);
	rc = MPI_Comm_create_group(sp->ctl, pair, SWEEP_TAG_COMM, pc);
	MPI_Group_free(&pair);
	MPI_Group_free(&world);
	if (rc != MPI_SUCCESS) {
		bench_err("round %ld: MPI_Comm_create_group with rank %d "
			  "failed",
			  sp->round, sp->peer);
		return -EIO;
	}
	return 0;
}

/* The testing hooks that make this rank slow (doc/sweeps.md). */
static void pair_hooks(const struct sweep_pair *sp, struct mpi_engine_cfg *c)
{
	const struct mpi_sweep_opts *so = sp->so;

	if (so->delay_rank == sp->me)
		c->delay_ns = so->delay_us * 1000;
	if (so->link_rank_a == sp->me && so->link_rank_b == sp->peer)
		c->delay_ns += so->link_us * 1000;
	if (so->spike_rank == sp->me) {
		c->delay_ns = so->spike_us * 1000;
		c->delay_every = so->spike_every;
	}
}

/* bench_run with the engine of --transport. */
static int pair_measure(const struct sweep_pair *sp, struct bench_bootstrap *bs,
			struct bench_result *r)
{
	const struct bench_engine_desc *d = sp->so->eng;
	struct mpi_engine_cfg mcfg;

	if (d->ops != &mpi_engine_ops)
		return bench_run_engine(d, sp->so->eng_cfg, bs, sp->o, sp->clk,
					r);
	mcfg = *(const struct mpi_engine_cfg *)sp->so->eng_cfg;
	mcfg.corrupt_iter = UINT64_MAX;
	pair_hooks(sp, &mcfg);
	return bench_run_engine(d, &mcfg, bs, sp->o, sp->clk, r);
}

int sweep_pair_run(const struct sweep_pair *sp, struct bench_result *r)
{
	struct bench_bootstrap_cfg cfg = { .timeout_s = sp->timeout_s };
	struct bench_bootstrap bs;
	MPI_Comm pc;
	int ret;

	ret = pair_hello(sp);
	if (ret)
		return ret;
	ret = pair_comm(sp, &pc);
	if (ret)
		return ret;
	cfg.opaque = &pc;
	ret = bench_bootstrap_open(&bs, &mpi_bootstrap_ops, &cfg);
	if (!ret) {
		ret = pair_measure(sp, &bs, r);
		bench_bootstrap_close(&bs);
	}
	mpi_comm_release(&pc);
	return ret;
}
