// SPDX-License-Identifier: BSD-2-Clause
/*
 * The bootstrap over MPI: rank and size of MPI_COMM_WORLD, barrier and
 * all-gather as non-blocking collectives polled against the timeout, so
 * that a rank which never arrives does not hang the others for ever.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
#include <stdbool.h>
#include <time.h>

#include "exit.h"
#include "log.h"
#include "mpi_bench.h"

#define MPI_WAIT_SPINS 10000 /* polls before sleeping between polls */

struct mpi_bootstrap {
	MPI_Comm comm;	    /* private duplicate of MPI_COMM_WORLD */
	MPI_Comm exit_comm; /* another, for mpi_bootstrap_agree() only */
	bool have_comm;	    /* comm and exit_comm are valid */
	bool finalize;	    /* MPI was initialised here: finalise in cleanup */
};

int mpi_wait_timeout(MPI_Request *req, double timeout_s, const char *what)
{
	int ret = mpi_wait_quiet(req, timeout_s, what);

	if (ret == -ETIMEDOUT)
		bench_err("%s: no answer from every rank after %g s", what,
			  timeout_s);
	return ret;
}

int mpi_wait_quiet(MPI_Request *req, double timeout_s, const char *what)
{
	const struct timespec nap = { .tv_nsec = 50000 };
	double deadline = bench_mono_s() + timeout_s;
	unsigned polls = 0;
	int done = 0;
	int rc;

	for (;;) {
		rc = MPI_Test(req, &done, MPI_STATUS_IGNORE);
		if (rc != MPI_SUCCESS) {
			bench_err("%s: MPI_Test failed (MPI error %d)", what,
				  rc);
			return -EIO;
		}
		if (done)
			return 0;
		if (timeout_s > 0 && bench_mono_s() > deadline)
			return -ETIMEDOUT;
		/*
		 * Idle ranks wait here through whole steps: after a short
		 * spin, sleep between polls so as not to steal the cores of
		 * the measuring pair.
		 */
		if (++polls < MPI_WAIT_SPINS)
			sched_yield();
		else
			nanosleep(&nap, NULL);
	}
}

/*
 * A duplicate of base, timed: MPI_Comm_idup with the roll call of
 * mpi_roll_wait over the job's own communicator, so that a rank stopped
 * (or dead) between MPI_Init and here is named by rank 0, which ends the
 * job at once (nothing was measured: no result file); over a pair's
 * communicator (a sweep's, cfg->opaque), the plain timed wait.
 */
static int mpi_bs_dup(MPI_Comm base, MPI_Comm *out,
		      const struct bench_bootstrap_cfg *cfg)
{
	const char *what = "the bootstrap's communicator (MPI_Comm_idup)";
	int size, rank, n = 0, ret, *missing;
	char list[96] = "";
	size_t off = 0;
	MPI_Request req;

	if (MPI_Comm_idup(base, out, &req) != MPI_SUCCESS) {
		bench_err("MPI_Comm_idup failed");
		return -EIO;
	}
	if (cfg->opaque)
		return mpi_wait_timeout(&req, cfg->timeout_s, what);
	MPI_Comm_size(base, &size);
	MPI_Comm_rank(base, &rank);
	missing = calloc((size_t)size, sizeof(*missing));
	if (!missing)
		return -ENOMEM;
	/* the others give rank 0 time to name the missing and end the job */
	ret = mpi_roll_wait(base, &req,
			    rank ? 2 * cfg->timeout_s : cfg->timeout_s, what,
			    missing, &n);
	for (int i = 0; i < n && off < sizeof(list); i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%d",
					i ? ", " : "", missing[i]);
	free(missing);
	if (ret != -ETIMEDOUT || !n)
		return ret;
	bench_err("rank%s %s stopped answering before %s: hung or dead; no "
		  "result file (nothing was measured); ending the job "
		  "(--timeout %g s)",
		  n > 1 ? "s" : "", list, what, cfg->timeout_s);
	mpi_watchdog_end(BENCH_EXIT_RUNTIME);
}

static int mpi_bs_setup(struct bench_bootstrap *bs,
			const struct bench_bootstrap_cfg *cfg)
{
	struct mpi_bootstrap *p = bs->priv;
	int flag = 0, ret;

	MPI_Comm base =
		cfg->opaque ? *(const MPI_Comm *)cfg->opaque : MPI_COMM_WORLD;

	MPI_Initialized(&flag);
	if (!flag && cfg->opaque) {
		bench_err("MPI bootstrap over a communicator: MPI is not "
			  "initialised");
		return -EINVAL;
	}
	if (!flag) {
		if (MPI_Init(cfg->argc, cfg->argv) != MPI_SUCCESS) {
			bench_err("MPI_Init failed");
			return -EIO;
		}
		p->finalize = true;
	}
	ret = mpi_bs_dup(base, &p->comm, cfg);
	if (ret)
		return ret;
	ret = mpi_bs_dup(base, &p->exit_comm, cfg);
	if (ret) {
		MPI_Comm_free(&p->comm);
		return ret;
	}
	p->have_comm = true;
	MPI_Comm_set_errhandler(p->comm, MPI_ERRORS_RETURN);
	MPI_Comm_set_errhandler(p->exit_comm, MPI_ERRORS_RETURN);
	MPI_Comm_rank(p->comm, &bs->rank);
	MPI_Comm_size(p->comm, &bs->size);
	return 0;
}

static int mpi_bs_barrier(struct bench_bootstrap *bs)
{
	struct mpi_bootstrap *p = bs->priv;
	MPI_Request req;

	if (MPI_Ibarrier(p->comm, &req) != MPI_SUCCESS) {
		bench_err("MPI_Ibarrier failed");
		return -EIO;
	}
	return mpi_wait_timeout(&req, bs->timeout_s, "barrier");
}

static int mpi_bs_exchange(struct bench_bootstrap *bs, const void *mine,
			   void *all, size_t len)
{
	struct mpi_bootstrap *p = bs->priv;
	MPI_Request req;

	if (len > INT_MAX) {
		bench_err("exchange: %zu bytes is above MPI's count limit",
			  len);
		return -EINVAL;
	}
	if (MPI_Iallgather(mine, (int)len, MPI_BYTE, all, (int)len, MPI_BYTE,
			   p->comm, &req) != MPI_SUCCESS) {
		bench_err("MPI_Iallgather failed");
		return -EIO;
	}
	return mpi_wait_timeout(&req, bs->timeout_s, "exchange");
}

static void mpi_bs_cleanup(struct bench_bootstrap *bs)
{
	struct mpi_bootstrap *p = bs->priv;
	int flag = 0;

	if (!p)
		return;
	if (p->have_comm) {
		MPI_Comm_free(&p->comm);
		MPI_Comm_free(&p->exit_comm);
	}
	p->have_comm = false;
	MPI_Finalized(&flag);
	if (p->finalize && !flag)
		MPI_Finalize();
	p->finalize = false;
}

MPI_Comm mpi_bootstrap_comm(const struct bench_bootstrap *bs)
{
	const struct mpi_bootstrap *p = bs->priv;

	return p->comm;
}

/*
 * On its own communicator: a rank that gave up in the middle of the run
 * must not have its agreement matched with a collective of the driver
 * that its peer is still waiting in. The peer's wait times out after
 * timeout_s, so this one waits twice as long.
 */
int mpi_bootstrap_agree(struct bench_bootstrap *bs, int mine, int *agreed)
{
	struct mpi_bootstrap *p = bs->priv;
	MPI_Request req;
	int worst = mine;
	int ret;

	if (MPI_Iallreduce(&mine, &worst, 1, MPI_INT, MPI_MAX, p->exit_comm,
			   &req) != MPI_SUCCESS) {
		bench_err("MPI_Iallreduce failed");
		return -EIO;
	}
	ret = mpi_wait_timeout(&req, 2 * bs->timeout_s + 5,
			       "agreeing on the exit code");
	if (ret)
		return ret;
	*agreed = worst;
	return 0;
}

const struct bench_bootstrap_ops mpi_bootstrap_ops = {
	.name = "mpi",
	.priv_size = sizeof(struct mpi_bootstrap),
	.setup = mpi_bs_setup,
	.barrier = mpi_bs_barrier,
	.exchange = mpi_bs_exchange,
	.cleanup = mpi_bs_cleanup,
};
