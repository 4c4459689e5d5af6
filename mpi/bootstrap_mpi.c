// SPDX-License-Identifier: BSD-2-Clause
/*
 * The bootstrap over MPI: rank and size of MPI_COMM_WORLD, barrier and
 * all-gather as non-blocking collectives polled against the timeout, so
 * that a rank which never arrives does not hang the others for ever.
 *
 * A wait that timed out leaves its request to mpi_abandon(), with the
 * memory it reads or writes: the silent rank may wake (mpirun sends
 * SIGCONT before SIGTERM) and complete it long after.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	bool silent;	    /* a barrier or exchange timed out */
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

/* Requests given up on, their communicators and the memory they use. */
struct mpi_grave {
	MPI_Request req;
	MPI_Comm comm;
	void *mem;
};

static struct {
	struct mpi_grave *g;
	size_t n, cap;
} graves;

/* Free the memory of the abandoned requests that MPI has completed. */
static void graves_sweep(void)
{
	size_t i = 0;
	int done;

	while (i < graves.n) {
		done = 0;
		MPI_Test(&graves.g[i].req, &done, MPI_STATUS_IGNORE);
		if (!done) {
			i++;
			continue;
		}
		free(graves.g[i].mem);
		graves.g[i] = graves.g[--graves.n];
	}
}

void mpi_abandon(MPI_Request *req, MPI_Comm comm, void *mem, bool cancel)
{
	struct mpi_grave *g;
	int done = 0;
	size_t cap;

	graves_sweep();
	if (*req == MPI_REQUEST_NULL) {
		free(mem);
		return;
	}
	if (cancel)
		MPI_Cancel(req);
	MPI_Test(req, &done, MPI_STATUS_IGNORE);
	if (done) { /* cancelled, or completed meanwhile */
		free(mem);
		return;
	}
	if (graves.n == graves.cap) {
		cap = graves.cap ? 2 * graves.cap : 8;
		g = realloc(graves.g, cap * sizeof(*g));
		if (!g) { /* mem stays allocated: MPI may still use it */
			*req = MPI_REQUEST_NULL;
			return;
		}
		graves.g = g;
		graves.cap = cap;
	}
	graves.g[graves.n++] =
		(struct mpi_grave){ .req = *req, .comm = comm, .mem = mem };
	*req = MPI_REQUEST_NULL;
}

void mpi_comm_release(MPI_Comm *comm)
{
	if (*comm == MPI_COMM_NULL)
		return;
	graves_sweep();
	for (size_t i = 0; i < graves.n; i++)
		if (graves.g[i].comm == *comm) {
			*comm = MPI_COMM_NULL; /* kept: MPI may still use it */
			return;
		}
	MPI_Comm_free(comm);
}

int mpi_dup_post(struct mpi_dup *d, MPI_Comm base)
{
	d->base = base;
	d->comm = malloc(sizeof(*d->comm));
	if (!d->comm)
		return -ENOMEM;
	if (MPI_Comm_idup(base, d->comm, &d->req) != MPI_SUCCESS) {
		free(d->comm);
		bench_err("MPI_Comm_idup failed");
		return -EIO;
	}
	return 0;
}

int mpi_dup_end(struct mpi_dup *d, int ret, MPI_Comm *out)
{
	if (ret) {
		mpi_abandon(&d->req, d->base, d->comm, false);
		return ret;
	}
	*out = *d->comm;
	free(d->comm);
	return 0;
}

int mpi_gather_post(struct mpi_gather *g, MPI_Comm comm, int size,
		    const void *mine, size_t len, const char *what)
{
	g->comm = comm;
	g->len = len;
	g->total = (size_t)size * len;
	g->mem = malloc(len + g->total + 1);
	if (!g->mem)
		return -ENOMEM;
	memcpy(g->mem, mine, len);
	if (MPI_Iallgather(g->mem, (int)len, MPI_BYTE, g->mem + len, (int)len,
			   MPI_BYTE, comm, &g->req) != MPI_SUCCESS) {
		free(g->mem);
		bench_err("%s: MPI_Iallgather failed", what);
		return -EIO;
	}
	return 0;
}

int mpi_gather_end(struct mpi_gather *g, int ret, void *all)
{
	if (ret) {
		mpi_abandon(&g->req, g->comm, g->mem, false);
		return ret;
	}
	memcpy(all, g->mem + g->len, g->total);
	free(g->mem);
	return 0;
}

int mpi_max_timed(MPI_Comm comm, int mine, double timeout_s, const char *what,
		  int *worst)
{
	int *v = malloc(2 * sizeof(*v)); /* mine, the worst */
	MPI_Request req;
	int ret;

	if (!v)
		return -ENOMEM;
	v[0] = v[1] = mine;
	if (MPI_Iallreduce(&v[0], &v[1], 1, MPI_INT, MPI_MAX, comm, &req) !=
	    MPI_SUCCESS) {
		free(v);
		bench_err("MPI_Iallreduce failed");
		return -EIO;
	}
	ret = mpi_wait_timeout(&req, timeout_s, what);
	if (ret) {
		mpi_abandon(&req, comm, v, false);
		return ret;
	}
	*worst = v[1];
	free(v);
	return 0;
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
	struct mpi_dup d;

	ret = mpi_dup_post(&d, base);
	if (ret)
		return ret;
	if (cfg->opaque) {
		ret = mpi_wait_timeout(&d.req, cfg->timeout_s, what);
		goto out;
	}
	MPI_Comm_size(base, &size);
	MPI_Comm_rank(base, &rank);
	missing = calloc((size_t)size, sizeof(*missing));
	if (!missing) {
		ret = -ENOMEM;
		goto out; /* the idup is abandoned */
	}
	/* the others give rank 0 time to name the missing and end the job */
	ret = mpi_roll_wait(base, &d.req,
			    rank ? 2 * cfg->timeout_s : cfg->timeout_s, what,
			    missing, &n);
	for (int i = 0; i < n && off < sizeof(list); i++)
		off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%d",
					i ? ", " : "", missing[i]);
	free(missing);
	if (ret != -ETIMEDOUT || !n)
		goto out;
	bench_err("rank%s %s stopped answering before %s: hung or dead; no "
		  "result file (nothing was measured); ending the job "
		  "(--timeout %g s)",
		  n > 1 ? "s" : "", list, what, cfg->timeout_s);
	mpi_watchdog_end(BENCH_EXIT_RUNTIME);
out:
	return mpi_dup_end(&d, ret, out);
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
		mpi_comm_release(&p->comm);
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
	int ret;

	if (MPI_Ibarrier(p->comm, &req) != MPI_SUCCESS) {
		bench_err("MPI_Ibarrier failed");
		return -EIO;
	}
	ret = mpi_wait_timeout(&req, bs->timeout_s, "barrier");
	p->silent |= ret == -ETIMEDOUT;
	if (ret)
		mpi_abandon(&req, p->comm, NULL, false);
	return ret;
}

static int mpi_bs_exchange(struct bench_bootstrap *bs, const void *mine,
			   void *all, size_t len)
{
	struct mpi_bootstrap *p = bs->priv;
	struct mpi_gather g;
	int ret;

	if (len > INT_MAX) {
		bench_err("exchange: %zu bytes is above MPI's count limit",
			  len);
		return -EINVAL;
	}
	ret = mpi_gather_post(&g, p->comm, bs->size, mine, len, "exchange");
	if (ret)
		return ret;
	ret = mpi_wait_timeout(&g.req, bs->timeout_s, "exchange");
	p->silent |= ret == -ETIMEDOUT;
	return mpi_gather_end(&g, ret, all);
}

static void mpi_bs_cleanup(struct bench_bootstrap *bs)
{
	struct mpi_bootstrap *p = bs->priv;
	int flag = 0;

	if (!p)
		return;
	if (p->have_comm) {
		mpi_comm_release(&p->comm);
		mpi_comm_release(&p->exit_comm);
	}
	p->have_comm = false;
	MPI_Finalized(&flag);
	if (p->finalize && !flag)
		MPI_Finalize();
	p->finalize = false;
}

bool mpi_bootstrap_silent(const struct bench_bootstrap *bs)
{
	const struct mpi_bootstrap *p = bs->priv;

	return p && p->silent;
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

	return mpi_max_timed(p->exit_comm, mine, 2 * bs->timeout_s + 5,
			     "agreeing on the exit code", agreed);
}

const struct bench_bootstrap_ops mpi_bootstrap_ops = {
	.name = "mpi",
	.priv_size = sizeof(struct mpi_bootstrap),
	.setup = mpi_bs_setup,
	.barrier = mpi_bs_barrier,
	.exchange = mpi_bs_exchange,
	.cleanup = mpi_bs_cleanup,
};
